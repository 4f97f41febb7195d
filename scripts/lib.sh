# shellcheck shell=bash
# Shared helpers for the scripts in this directory. Source it; do not run it.
#
# Settings (environment variables, all optional):
#   PYTHON     interpreter for .venv (default python3; must be 3.11 or newer)
#   BUILD_DIR  where the collection copy for ansible-test goes (default build/)
#   MSGRAPH_VENV  the virtual environment to use (default .venv); tests that run
#              a script from the collection copy point it at the one running them
#   MSGRAPH_VENV_READY  set (to 1) when MSGRAPH_VENV was prepared by the caller
#              and must not get requirements-dev.txt (scripts/matrix.sh)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${MSGRAPH_VENV:-$ROOT/.venv}
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
# ansible-test only accepts a collection that physically sits at
# .../ansible_collections/<namespace>/<name> (it resolves symlinks).
COLLECTION_DIR=$BUILD_DIR/ansible_collections/mynster/msgraph

# Everything the scripts start (ansible-test, ansible-playbook, pytest) comes from .venv.
export PATH="$VENV/bin:$PATH"

banner() {
    printf '\n==== %s ====\n' "$*" >&2
}

note() {
    printf '%s\n' "$*" >&2
}

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# Make sure .venv exists and is current; cheap when it already is.
ensure_venv() {
    if [[ -n ${MSGRAPH_VENV_READY:-} ]]; then
        [[ -x $VENV/bin/python ]] || die "MSGRAPH_VENV_READY is set but $VENV has no bin/python"
        return 0
    fi
    bash "$ROOT/scripts/bootstrap.sh"
}

# Several engineers may share one work tree, and with it build/: scripts
# that use the collection copy take turns. The calling script re-runs itself
# under flock; -o keeps the lock out of the processes it starts, so a stray
# emulator left behind by a test cannot hold it. Call with the script's "$@".
hold_build_lock() {
    if [[ -n ${MSGRAPH_BUILD_LOCK_HELD:-} ]] || ! command -v flock >/dev/null; then
        return 0
    fi
    mkdir -p "$BUILD_DIR"
    local lock=$BUILD_DIR/.lock
    flock -n "$lock" true || note "waiting for another run that uses $BUILD_DIR ..."
    MSGRAPH_BUILD_LOCK_HELD=1 exec flock -o "$lock" bash "$0" "$@"
}

# The common start of every stage that runs on the collection copy: take the
# build lock (this re-executes the calling script, so pass it "$@"), make sure
# .venv is current, copy the work tree to build/ and cd into the copy with the
# collection environment set. The copy's path is left in COLLECTION_TREE.
enter_collection_tree() {
    hold_build_lock "$@"
    ensure_venv
    COLLECTION_TREE=$(build_collection_tree)
    collection_env
    cd "$COLLECTION_TREE"
}

# Copy the work tree to $COLLECTION_DIR and print that path.
#
# The copy includes .git because ansible-test lists the files to test with
# `git ls-files --cached --others --exclude-standard` (minus deleted files):
# committed, staged and untracked-but-not-ignored files are all tested, so
# new files are covered before anyone commits them, and the real repository's
# index is never touched. tar is used because rsync is not always installed.
build_collection_tree() {
    [[ $BUILD_DIR != "$ROOT" && $COLLECTION_DIR == "$BUILD_DIR"/* ]] || die "unsafe BUILD_DIR: $BUILD_DIR"
    rm -rf "$COLLECTION_DIR"
    mkdir -p "$COLLECTION_DIR"
    local build_rel=${BUILD_DIR#"$ROOT"/}
    tar -C "$ROOT" -cf - \
        --exclude=./.venv \
        --exclude='./.venv-*' \
        --exclude=./build \
        --exclude="./$build_rel" \
        --exclude=./tests/output \
        --exclude=__pycache__ \
        --exclude=.pytest_cache \
        . | tar -C "$COLLECTION_DIR" -xf -
    printf '%s\n' "$COLLECTION_DIR"
}

# Environment for running the collection from the copy: Ansible finds it on
# the collections path, plain Python imports of ansible_collections.* find it
# on PYTHONPATH.
collection_env() {
    export ANSIBLE_COLLECTIONS_PATH=$BUILD_DIR
    export PYTHONPATH=$BUILD_DIR${PYTHONPATH:+:$PYTHONPATH}
}

# True when the directory holds any file (caches aside). Only a truly empty
# test directory counts as "no tests yet"; anything else goes to pytest.
has_tests() {
    [[ -d $1 ]] && [[ -n $(find "$1" -name __pycache__ -prune -o -type f -print -quit) ]]
}

# Run pytest on one test directory, relative to the current directory.
# An empty or missing directory is reported as skipped. Otherwise "no tests
# collected" (pytest exit 5) is a failure, not a pass: a test file that
# pytest does not recognise must not look like success.
run_pytest() {
    local dir=$1
    shift
    if ! has_tests "$dir"; then
        note "SKIPPED: $dir is empty"
        return 0
    fi
    local status=0
    python -m pytest -p no:cacheprovider -ra "$dir" "$@" || status=$?
    if ((status == 5)); then
        die "pytest found no tests under $dir, which is not empty (are test files named test_*.py?)"
    fi
    return "$status"
}

# The pip versions ansible-test bootstraps in its virtual environments, one
# per line. Read from the installed ansible-test, so a newer ansible-core is
# followed automatically.
ansible_test_pip_versions() {
    python - <<'EOF'
import importlib.util
import os
import re
import types

try:
    from ansible_test._internal.python_requirements import get_venv_packages
    from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS, REMOTE_ONLY_PYTHON_VERSIONS
    python_versions = REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS
    versions = {get_venv_packages(types.SimpleNamespace(version=v))['pip'] for v in python_versions}
except Exception:  # the private API changed: read the version from the source instead
    package = os.path.dirname(importlib.util.find_spec('ansible_test').origin)
    with open(os.path.join(package, '_internal', 'python_requirements.py'), encoding='utf-8') as source:
        versions = set(re.findall(r"\bpip='([0-9.]+)'", source.read()))
if not versions:
    raise SystemExit('no pip version found in ansible-test')
print('\n'.join(sorted(versions)))
EOF
}

# Provide ~/.ansible/test/cache/get_pip_<version>.py for ansible-test.
# A real get-pip script already there is kept. Otherwise one download is
# tried (what ansible-test itself would do); where that host cannot be
# reached, scripts/get_pip_standin.py is installed under that name.
ensure_get_pip() {
    local cache=$HOME/.ansible/test/cache
    local standin=$ROOT/scripts/get_pip_standin.py
    local marker='mynster-msgraph get-pip stand-in'
    local version target
    mkdir -p "$cache"

    # The stand-in runs with ansible-test's reduced environment, so record
    # the CA bundle this shell is configured with for it to pass to pip.
    local cert=${PIP_CERT:-${REQUESTS_CA_BUNDLE:-${SSL_CERT_FILE:-}}}
    if [[ -n $cert && -f $cert ]]; then
        printf '%s\n' "$cert" >"$cache/get_pip_standin.cert"
    else
        rm -f "$cache/get_pip_standin.cert"
    fi

    local versions
    versions=$(ansible_test_pip_versions) || die "cannot read the pip version from ansible-test"
    for version in $versions; do
        target=$cache/get_pip_${version//./_}.py
        if [[ -s $target ]] && ! grep -qF "$marker" "$target"; then
            continue  # the real script
        fi
        if [[ ! -s $target ]] && python - "$version" "$target.download" <<'EOF' 2>/dev/null; then
import shutil
import sys
import urllib.request

url = 'https://ci-files.testing.ansible.com/ansible-test/get-pip-%s.py' % sys.argv[1]
with urllib.request.urlopen(url, timeout=10) as response, open(sys.argv[2], 'wb') as out:
    shutil.copyfileobj(response, out)
EOF
            mv "$target.download" "$target"
            note "downloaded get-pip $version to $target"
            continue
        fi
        rm -f "$target.download"
        if ! cmp -s "$standin" "$target"; then
            cp "$standin" "$target"
            note "installed the offline get-pip stand-in for pip $version at $target"
        fi
    done
}

# Build the Galaxy artifact from the work tree into directory $1 (emptied of
# older artifacts first) and print the tarball's path. What goes in is
# decided by build_ignore in galaxy.yml; tests/release checks it.
build_artifact() {
    local out=$1
    mkdir -p "$out"
    rm -f "$out"/mynster-msgraph-*.tar.gz
    ansible-galaxy collection build --force --output-path "$out" "$ROOT" >&2
    local artifacts=("$out"/mynster-msgraph-*.tar.gz)
    [[ -f ${artifacts[0]} ]] || die "ansible-galaxy collection build wrote no artifact to $out"
    printf '%s\n' "${artifacts[0]}"
}
