#!/usr/bin/env bash
# The whole test suite, as CI runs it (`make test`, .ci/run):
#
#   bootstrap -> sanity -> units -> emulator tests -> integration
#     -> release -> docs -> ansible-lint -> changelog
#
# Stages run in that order and the first failure stops the run with a banner
# naming the stage. A stage whose test directory is still empty is reported
# as skipped. The last line counts stages:
#   "stages: N passed, N failed, N skipped"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

passed=0
skipped=0
timings=()

summary() {
    local failed=$1
    banner "summary"
    local line
    for line in "${timings[@]}"; do
        note "  $line"
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
        summary 1
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

stage bootstrap bash "$ROOT/scripts/bootstrap.sh"
stage sanity bash "$ROOT/scripts/sanity.sh"
pytest_stage units tests/unit units.sh
pytest_stage emulator-tests tests/emulator emulator-tests.sh
pytest_stage integration tests/integration integration.sh
pytest_stage release tests/release release.sh
stage docs bash "$ROOT/scripts/docs.sh" --check
stage ansible-lint bash "$ROOT/scripts/lint.sh"
stage changelog changelog_lint
summary 0
