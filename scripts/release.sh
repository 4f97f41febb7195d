#!/usr/bin/env bash
# Release checks (pytest, tests/release), on the collection copy in build/:
#   - the Galaxy artifact leaves out tests output, virtualenvs and caches,
#     and its dependencies are exactly requests and msal;
#   - ansible-builder creates an execution environment build context with
#     them (no container is built);
#   - AWX-style jobs through ansible-runner: the credential type's variables
#     injected through env/, no secret on the command line or in job events.
#
#   scripts/release.sh -k runner   # extra arguments go to pytest
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
export PYTHONPATH=$COLLECTION_TREE/emulator:$PYTHONPATH
run_pytest tests/release "$@"
