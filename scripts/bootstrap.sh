#!/usr/bin/env bash
# Create or refresh .venv with the tools in requirements-dev.txt.
#
#   scripts/bootstrap.sh                   # python3, or the interpreter .venv already has
#   PYTHON=python3.12 scripts/bootstrap.sh # rebuild .venv on another interpreter
#
# Every other script calls this first, so it has to be quick when nothing
# changed: a stamp in .venv records the requirements file's hash and the
# interpreter version, and a matching stamp means there is nothing to do.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

requirements=$ROOT/requirements-dev.txt
stamp=$VENV/.bootstrap-stamp

python_version() {
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])'
}

# Without an explicit PYTHON, keep the interpreter a working .venv was built
# with, so `PYTHON=python3.12 make test` followed by `make test` does not
# rebuild the environment each time.
if [[ -z ${PYTHON:-} && -x $VENV/bin/python ]] && venv_version=$(python_version "$VENV/bin/python" 2>/dev/null); then
    wanted_version=$venv_version
    base_python=
else
    base_python=${PYTHON:-python3}
    wanted_version=$(python_version "$base_python" 2>/dev/null) ||
        die "cannot run '$base_python'; set PYTHON to a Python 3.11+ interpreter"
fi

case $wanted_version in
    3.1[1-9].* | 3.[2-9][0-9].*) ;;
    *) die "Python $wanted_version is too old: ansible-core 2.19 needs 3.11 or newer (set PYTHON=...)" ;;
esac

key="$(sha256sum "$requirements" | cut -d' ' -f1) python-$wanted_version"
if [[ -f $stamp && $(<"$stamp") == "$key" ]]; then
    exit 0
fi

# Several engineers may share one work tree: let only one bootstrap run at a time.
mkdir -p "$BUILD_DIR"
if command -v flock >/dev/null; then
    exec 9>"$BUILD_DIR/.bootstrap.lock"
    flock 9
    if [[ -f $stamp && $(<"$stamp") == "$key" ]]; then
        exit 0  # another run finished it while we waited
    fi
fi

if [[ -n $base_python ]]; then
    if [[ -x $VENV/bin/python && $(python_version "$VENV/bin/python" 2>/dev/null || true) != "$wanted_version" ]]; then
        note "bootstrap: replacing .venv (it was built with another Python)"
        rm -rf "$VENV"
    fi
    if [[ ! -x $VENV/bin/python ]]; then
        note "bootstrap: creating .venv with $base_python (Python $wanted_version)"
        rm -rf "$VENV"
        "$base_python" -m venv "$VENV"
    fi
fi

note "bootstrap: installing requirements-dev.txt into .venv"
rm -f "$stamp"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
printf '%s\n' "$key" >"$stamp"
"$VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null |
    grep -iE '^(ansible-core|msal|requests|pytest|antsibull-changelog) ' >&2 || true
