#!/usr/bin/env bash
# ansible-lint with the production profile (settings in .ansible-lint) on the
# collection copy in build/, where Ansible resolves mynster.msgraph.* names.
# Offline: nothing is installed from Galaxy.
#
#   scripts/lint.sh                   # everything
#   scripts/lint.sh roles/onboarding  # extra arguments go to ansible-lint
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
enter_collection_tree "$@"
ansible-lint --offline --nocolor "$@"
