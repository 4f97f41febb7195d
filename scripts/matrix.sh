#!/usr/bin/env bash
# Sanity and unit tests for each ansible-core / Python pairing README.md's
# "Tested with Ansible" table lists, each in its own virtual environment
# .venv-<core>-py<python> (ignored by git, left out of the collection copy and
# the artifact) holding only that ansible-core and the unit-test requirements.
#
#   scripts/matrix.sh plan               # check the README table, print one line per pairing:
#                                        #   "<core> <python> main"          covered by .venv's own stages
#                                        #   "<core> <python> run <path>"    interpreter found
#                                        #   "<core> <python> missing <why>" no working pythonX.Y here
#   scripts/matrix.sh setup 2.21 3.12    # create or refresh .venv-2.21-py3.12
#   scripts/matrix.sh sanity 2.21 3.12 [ansible-test arguments]
#   scripts/matrix.sh units 2.21 3.12 [pytest arguments]
#
# scripts/test.sh runs these as stages (`make test`, `make matrix`) and
# decides what a missing interpreter means; see "Tested with Ansible" in
# README.md.
#
# Sanity in a pairing runs as scripts/sanity.sh runs it: the controller
# Python is the pairing's, and the per-Python tests (compile, import) also
# run on every other Python that ansible-core supports and this machine has
# (SANITY_EXTRA_PYTHONS=none limits them to the controller Python).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The pairings CI tests, "<ansible-core> <Python>" (minor versions). The first
# is the one `make test` builds .venv with by default (scripts/bootstrap.sh,
# requirements-dev.txt). README.md's table must list exactly these: `plan`
# fails when they differ, so the table cannot promise what CI does not run.
PAIRINGS=(
    "2.19 3.11"
    "2.21 3.12"
    "2.20 3.13"
)

# What a pairing's environment holds besides ansible-core: the unit tests'
# requirements, taken from requirements-dev.txt so their versions have one home.
UNIT_REQUIREMENTS=(requests msal pytest)

usage() {
    die "usage: scripts/matrix.sh plan | setup|sanity|units CORE PYTHON [arguments]"
}

pairing_venv() {
    printf '%s/.venv-%s-py%s\n' "$ROOT" "$1" "$2"
}

# "<core minor> <python minor>" of a virtual environment, or nothing.
venv_pairing() {
    [[ -x $1/bin/python ]] || return 0
    "$1/bin/python" - <<'EOF' 2>/dev/null || true
import sys
from ansible.release import __version__
print('.'.join(__version__.split('.')[:2]), '%d.%d' % sys.version_info[:2])
EOF
}

# The rows of README's "Tested with Ansible" table as "<core> <python>" lines.
readme_pairings() {
    awk '
        /^## / { in_section = ($0 == "## Tested with Ansible") ; next }
        in_section && /^\| *[0-9]+\.[0-9]+ *\| *[0-9]+\.[0-9]+ *\|/ {
            split($0, cell, "|"); gsub(/ /, "", cell[2]); gsub(/ /, "", cell[3]); print cell[2], cell[3]
        }
    ' "$ROOT/README.md"
}

# "2.19 3.11\n2.21 3.12" -> "2.19/3.11, 2.21/3.12"
pairs() {
    printf '%s\n' "$1" | tr ' ' '/' | paste -sd, - | sed 's/,/, /g'
}

check_readme() {
    local listed ours
    listed=$(readme_pairings | sort)
    ours=$(printf '%s\n' "${PAIRINGS[@]}" | sort)
    [[ -n $listed ]] || die "README.md has no 'Tested with Ansible' table with '| <core> | <python> |' rows"
    if [[ $listed != "$ours" ]]; then
        die "README.md's 'Tested with Ansible' table lists ansible-core/Python $(pairs "$listed") but scripts/matrix.sh tests $(pairs "$ours"): change both together"
    fi
}

plan() {
    check_readme
    local main pairing core python path why
    main=$(venv_pairing "$VENV")
    for pairing in "${PAIRINGS[@]}"; do
        read -r core python <<<"$pairing"
        if [[ $pairing == "$main" ]]; then
            echo "$core $python main"
        elif path=$(python3_any "$ROOT/scripts/find_python.py" "$python" 2>"$BUILD_DIR/.find-python.err"); then
            echo "$core $python run $path"
        else
            why=$(tail -n 1 "$BUILD_DIR/.find-python.err")
            echo "$core $python missing ${why:-no working python$python}"
        fi
    done
}

# Run a Python script with whatever Python 3 works here (.venv's first).
python3_any() {
    local candidate
    for candidate in "$VENV/bin/python" "${PYTHON:-python3}" python3; do
        if "$candidate" -c '' 2>/dev/null; then
            "$candidate" "$@"
            return
        fi
    done
    die "no working Python 3 to run $1"
}

# Lines of requirements-dev.txt naming the unit-test requirements.
unit_requirements() {
    local name line
    for name in "${UNIT_REQUIREMENTS[@]}"; do
        line=$(grep -E "^$name([<>=!~;[ ]|$)" "$ROOT/requirements-dev.txt" | head -n 1)
        printf '%s\n' "${line:-$name}"
    done
}

setup() {
    local core=$1 python=$2 interpreter venv stamp key
    interpreter=$(python3_any "$ROOT/scripts/find_python.py" "$python") || die "cannot test ansible-core $core on Python $python"
    venv=$(pairing_venv "$core" "$python")
    stamp=$venv/.matrix-stamp
    local requirements=("ansible-core==$core.*")
    mapfile -t -O 1 requirements < <(unit_requirements)
    key="$interpreter $("$interpreter" -c 'import sys; print(sys.version.split()[0])') ${requirements[*]}"
    if [[ -f $stamp && $(<"$stamp") == "$key" ]]; then
        note "matrix: $(basename "$venv") is current"
        return 0
    fi
    note "matrix: creating $(basename "$venv") with $interpreter: ${requirements[*]}"
    rm -rf "$venv"
    "$interpreter" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
    printf '%s\n' "$key" >"$stamp"
    "$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null |
        grep -iE '^(ansible-core|msal|requests|pytest) ' >&2 || true
}

# Run a stage script with the pairing's environment instead of .venv.
in_pairing() {
    local core=$1 python=$2 script=$3
    shift 3
    local venv
    venv=$(pairing_venv "$core" "$python")
    setup "$core" "$python"
    local found
    found=$(venv_pairing "$venv")
    [[ $found == "$core $python" ]] || die "$(basename "$venv") holds ansible-core/Python '$found', not '$core $python'"
    MSGRAPH_VENV=$venv MSGRAPH_VENV_READY=1 bash "$ROOT/scripts/$script" "$@"
}

mkdir -p "$BUILD_DIR"
command=${1:-}
shift || true
case $command in
    plan) plan ;;
    setup) (($# == 2)) || usage; setup "$@" ;;
    sanity) (($# >= 2)) || usage; in_pairing "$1" "$2" sanity.sh "${@:3}" ;;
    units) (($# >= 2)) || usage; in_pairing "$1" "$2" units.sh "${@:3}" ;;
    *) usage ;;
esac
