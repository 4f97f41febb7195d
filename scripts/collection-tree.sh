#!/usr/bin/env bash
# Copy the work tree to build/ansible_collections/mynster/msgraph and print
# its path, for running ansible-test or ansible-playbook against it by hand:
#
#   cd "$(scripts/collection-tree.sh)" && ansible-test sanity --venv --python 3.11 --test pep8
#
# See build_collection_tree in lib.sh for what is copied and why.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hold_build_lock "$@"

build_collection_tree
