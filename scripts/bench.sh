#!/usr/bin/env bash
# Benchmarks (benchmarks/bench.py): each module against the same work done one
# ansible.builtin.uri request per item, through real ansible-playbook against
# the Graph emulator. Prints tables; never asserts on timing. The playbooks,
# their recorded results and the emulator's state go to a temporary directory
# under build/bench/.
#
#   scripts/bench.sh                       # every scenario
#   scripts/bench.sh batch --latency-ms 0  # extra arguments go to bench.py
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
export PYTHONPATH=$COLLECTION_TREE/emulator:$PYTHONPATH
mkdir -p "$BUILD_DIR/bench"
TMPDIR=$BUILD_DIR/bench python benchmarks/bench.py "$@"
