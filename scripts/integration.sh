#!/usr/bin/env bash
# Run the integration tests (pytest, tests/integration): they start the Graph
# emulator on 127.0.0.1 and run real ansible-playbook against it. Ansible
# loads the collection from the copy in build/, so what is tested is the work
# tree as git sees it, committed or not.
#
#   scripts/integration.sh -k membership   # extra arguments go to pytest
#
# Test files run in parallel (pytest-xdist --dist loadfile: the tests of one bad-input file
# share one playbook run, which a finer split would repeat), MSGRAPH_TEST_WORKERS at a time
# (default 4: most of a test is waiting on ansible-playbook and the emulator,
# so even 2 cores keep 4 busy); each worker starts its own emulator.
# MSGRAPH_TEST_WORKERS=0 runs them one after another.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
export PYTHONPATH=$COLLECTION_TREE/emulator:$PYTHONPATH
run_pytest tests/integration -n "${MSGRAPH_TEST_WORKERS:-4}" --dist loadfile --durations=25 "$@"
