#!/usr/bin/env bash
# Build the collection artifact for Galaxy (ansible-galaxy collection build)
# into build/dist/ and print its path.
#
#   scripts/dist.sh
#   ansible-galaxy collection publish "$(scripts/dist.sh)"   # at release time
#
# What the artifact holds (and leaves out) is set by build_ignore in
# galaxy.yml and checked by tests/release/test_galaxy_build.py.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv
build_artifact "$BUILD_DIR/dist"
