#!/usr/bin/env bash
# Run the benchmarks (benchmarks/bench.py) against a Graph emulator started for
# the run; prints the tables and keeps a copy under build/bench/. Runs from the
# work tree (ansible-playbook loads the collection through a symlink), so it
# does not take the build lock that the test stages share.
#
#   scripts/bench.sh                    # every scenario
#   scripts/bench.sh noise mailboxes    # some scenarios; --latency-ms N to change the latency
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
mkdir -p "$BUILD_DIR/bench"
log=$BUILD_DIR/bench/bench-$(date +%Y%m%d-%H%M%S).txt
cd "$ROOT"
python benchmarks/bench.py "$@" 2>&1 | tee "$log"
note "copy of the output: $log"
