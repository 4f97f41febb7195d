#!/usr/bin/env bash
# Run the integration tests (pytest, tests/integration): they start the Graph
# emulator on 127.0.0.1 and run real ansible-playbook against it. Ansible
# loads the collection from the copy in build/, so what is tested is the work
# tree as git sees it, committed or not.
#
#   scripts/integration.sh -k membership   # extra arguments go to pytest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
export PYTHONPATH=$COLLECTION_TREE/emulator:$PYTHONPATH
run_pytest tests/integration "$@"
