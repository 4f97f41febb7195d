#!/usr/bin/env bash
# Run the unit tests (pytest, tests/unit) against the collection copy in
# build/, where `import ansible_collections.mynster.msgraph...` resolves.
#
#   scripts/units.sh                 # all unit tests
#   scripts/units.sh -k retry -x     # extra arguments go to pytest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
note "units: ansible-core $(python -c 'from ansible.release import __version__; print(__version__)'), Python $(python -c 'import sys; print(sys.version.split()[0])') ($VENV)"
run_pytest tests/unit --import-mode=importlib "$@"
