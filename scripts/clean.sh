#!/usr/bin/env bash
# Remove what the scripts generate: build/ (collection copy, benchmark
# output), ansible-test output and Python caches.
#
#   scripts/clean.sh          # keep .venv
#   scripts/clean.sh --all    # also remove .venv and the pairings' .venv-* (scripts/matrix.sh)
#
# ansible-test's own virtual environments and the get-pip script stay in
# ~/.ansible/test; they are reused by every checkout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$ROOT"
[[ $BUILD_DIR != "$ROOT" ]] || die "unsafe BUILD_DIR: $BUILD_DIR"
rm -rf "$BUILD_DIR" tests/output changelogs/.plugin-cache.yaml
find . -path ./.venv -prune -o -path './.venv-*' -prune -o -path ./.git -prune -o \
    \( -name __pycache__ -o -name .pytest_cache \) -type d -print0 | xargs -0 rm -rf
if [[ ${1:-} == --all ]]; then
    rm -rf .venv .venv-*
fi
