#!/usr/bin/env bash
# Run the Graph emulator's own tests (pytest, tests/emulator).
#
#   scripts/emulator-tests.sh -k batch   # extra arguments go to pytest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hold_build_lock "$@"

ensure_venv
tree=$(build_collection_tree)
cd "$tree"
export PYTHONPATH=$tree/emulator${PYTHONPATH:+:$PYTHONPATH}
run_pytest tests/emulator "$@"
