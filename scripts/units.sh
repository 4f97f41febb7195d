#!/usr/bin/env bash
# Run the unit tests (pytest, tests/unit) against the collection copy in
# build/, where `import ansible_collections.mynster.msgraph...` resolves.
#
#   scripts/units.sh                 # all unit tests
#   scripts/units.sh -k retry -x     # extra arguments go to pytest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
run_pytest tests/unit "$@"
