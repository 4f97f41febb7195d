#!/usr/bin/env bash
# Run the unit tests (pytest, tests/unit) against the collection copy in
# build/, where `import ansible_collections.mynster.msgraph...` resolves.
#
#   scripts/units.sh                 # all unit tests
#   scripts/units.sh -k retry -x     # extra arguments go to pytest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hold_build_lock "$@"

ensure_venv
tree=$(build_collection_tree)
collection_env
cd "$tree"
run_pytest tests/unit "$@"
