#!/usr/bin/env bash
# The whole test suite, as CI runs it (`make test`, .ci/run):
#
#   bootstrap -> sanity -> units -> emulator tests -> integration
#     -> release -> docs -> ansible-lint -> changelog
#     -> matrix: for each other ansible-core / Python pairing in README.md's
#        "Tested with Ansible" table: environment -> sanity -> units
#
#   scripts/test.sh          # everything (make test)
#   scripts/test.sh matrix   # only the matrix stages (make matrix)
#
# Stages run in that order and the first failure stops the run with a banner
# naming the stage. A stage whose test directory is still empty is reported
# as skipped. The last line counts stages:
#   "stages: N passed, N failed, N skipped"
#
# A pairing whose Python this machine does not have is never skipped
# silently: a "NOT RUN: pythonX.Y missing" banner, a summary entry and a line
# just above the closing line say so. Whether that fails the run is
# MSGRAPH_REQUIRE_PAIRINGS: "true" (the default when CI=true) counts it as a
# failed stage, after every other stage has run; "false" (the default
# elsewhere) counts it as skipped. The README table promises these pairings
# run in CI, so CI must not pass without them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-all} in
    all | matrix) only=${1:-all} ;;
    *) die "usage: scripts/test.sh [matrix]" ;;
esac

if [[ ${CI:-} == true ]]; then
    require_pairings=${MSGRAPH_REQUIRE_PAIRINGS:-true}
else
    require_pairings=${MSGRAPH_REQUIRE_PAIRINGS:-false}
fi
[[ $require_pairings == true || $require_pairings == false ]] ||
    die "MSGRAPH_REQUIRE_PAIRINGS must be true or false, not '$require_pairings'"

passed=0
failed=0
skipped=0
timings=()
not_run=()

summary() {
    banner "summary"
    local line
    for line in "${timings[@]}"; do
        note "  $line"
    done
    # On stdout next to the closing line, so a missing pairing is seen even in a truncated log.
    for line in "${not_run[@]}"; do
        echo "$line"
    done
    # Closing line: stages, not individual tests (each stage prints its own counts).
    echo "stages: $passed passed, $failed failed, $skipped skipped"
}

stage() {
    local name=$1
    shift
    banner "$name"
    local start=$SECONDS status=0
    "$@" || status=$?
    local took=$((SECONDS - start))
    if ((status != 0)); then
        timings+=("$name: FAILED (exit $status) after ${took} s")
        banner "FAILED: $name (exit $status) -- later stages not run"
        failed=$((failed + 1))
        summary
        exit "$status"
    fi
    timings+=("$name: passed in ${took} s")
    passed=$((passed + 1))
}

# Stages with a pytest directory are skipped while that directory is empty;
# the stage scripts would say so too, but here it shows in the count.
pytest_stage() {
    local name=$1 dir=$2 script=$3
    if has_tests "$ROOT/$dir"; then
        stage "$name" bash "$ROOT/scripts/$script"
    else
        banner "$name"
        note "SKIPPED: $dir is empty"
        timings+=("$name: skipped ($dir is empty)")
        skipped=$((skipped + 1))
    fi
}

# Chained with && because set -e does not apply inside a function that is
# called as part of a `||` list, as stage() does.
changelog_lint() {
    cd "$ROOT" &&
        antsibull-changelog lint &&
        antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml &&
        echo "changelog fragments and changelogs/changelog.yaml are valid"
}

# The pairings scripts/matrix.sh plans, written to a file for the loop below.
matrix_plan() {
    mkdir -p "$BUILD_DIR" &&
        bash "$ROOT/scripts/matrix.sh" plan >"$BUILD_DIR/matrix-plan.txt" &&
        cat "$BUILD_DIR/matrix-plan.txt"
}

# A pairing that cannot run here: loud in the log and in the summary.
pairing_not_run() {
    local core=$1 python=$2 why=$3
    local entry="NOT RUN: python$python missing (ansible-core $core sanity and unit tests)"
    banner "$entry"
    note "  $why"
    note "  Install Python $python (pyenv works: the scripts find \$PYENV_ROOT/versions/$python.* themselves)."
    not_run+=("$entry")
    if $require_pairings; then
        timings+=("ansible-core $core on Python $python: FAILED: NOT RUN, python$python missing (MSGRAPH_REQUIRE_PAIRINGS=true)")
        failed=$((failed + 1))
    else
        timings+=("ansible-core $core on Python $python: NOT RUN: python$python missing")
        skipped=$((skipped + 1))
    fi
}

matrix_stages() {
    stage "matrix plan" matrix_plan
    local core python kind rest label
    # The plan comes in on fd 3, so the stages' own stdin is not the plan.
    while read -r -u 3 core python kind rest; do
        label="ansible-core $core on Python $python"
        case $kind in
            main)
                if [[ $only == all ]]; then
                    timings+=("$label: the sanity and units stages above (.venv)")
                else
                    timings+=("$label: not in this run; .venv's own (make sanity, make units)")
                fi
                ;;
            run)
                stage "$label: environment" bash "$ROOT/scripts/matrix.sh" setup "$core" "$python"
                stage "$label: sanity" bash "$ROOT/scripts/matrix.sh" sanity "$core" "$python"
                stage "$label: units" bash "$ROOT/scripts/matrix.sh" units "$core" "$python"
                ;;
            missing)
                pairing_not_run "$core" "$python" "$rest"
                ;;
            *) die "unexpected line from scripts/matrix.sh plan: $core $python $kind $rest" ;;
        esac
    done 3<"$BUILD_DIR/matrix-plan.txt"
}

if [[ $only == all ]]; then
    stage bootstrap bash "$ROOT/scripts/bootstrap.sh"
    stage sanity bash "$ROOT/scripts/sanity.sh"
    pytest_stage units tests/unit units.sh
    pytest_stage emulator-tests tests/emulator emulator-tests.sh
    pytest_stage integration tests/integration integration.sh
    pytest_stage release tests/release release.sh
    stage docs bash "$ROOT/scripts/docs.sh" --check
    stage ansible-lint bash "$ROOT/scripts/lint.sh"
    stage changelog changelog_lint
fi
matrix_stages
summary
((failed == 0))
