#!/usr/bin/env bash
# The rendered module and role pages in docs/reference/, made by antsibull-docs
# from the modules' DOCUMENTATION and the roles' meta/argument_specs.yml.
#
#   scripts/docs.sh          # lint the documentation, re-render docs/reference/ (make docs)
#   scripts/docs.sh --check  # lint, and fail if docs/reference/ differs from a fresh rendering (make test)
#
# Both lint first: `antsibull-docs lint-collection-docs --plugin-docs` checks the
# documentation schema, markup and every M()/O()/RV() reference. Rendering is
# offline and reproducible (antsibull-docs is pinned in requirements-dev.txt).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hold_build_lock "$@"

check=false
case ${1:-} in
    --check) check=true ;;
    '') ;;
    *) die "usage: scripts/docs.sh [--check]" ;;
esac

ensure_venv
tree=$(build_collection_tree)
collection_env
# Only the collection under test, never collections installed elsewhere on this machine.
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

note "docs: antsibull-docs lint-collection-docs --plugin-docs"
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
    --disallow-unknown-collection-refs "$tree"

rendered=$BUILD_DIR/docs-reference
rm -rf "$rendered"
mkdir -p "$rendered"
chmod 755 "$rendered"  # antsibull-docs refuses a destination others can write to
note "docs: rendering module and role pages"
antsibull-docs collection --use-current --squash-hierarchy --output-format simplified-rst \
    --no-add-antsibull-docs-version --fail-on-error --dest-dir "$rendered" mynster.msgraph >&2

if $check; then
    if ! diff -ru "$tree/docs/reference" "$rendered"; then
        die "docs/reference/ is out of date with the modules' and roles' documentation: run 'make docs' and commit the result"
    fi
    echo "docs/reference/ matches the modules' and roles' documentation"
else
    rm -rf "$ROOT/docs/reference"
    cp -R "$rendered" "$ROOT/docs/reference"
    echo "rendered $(find "$ROOT/docs/reference" -type f | wc -l) page(s) into docs/reference/"
fi
