#!/usr/bin/env bash
# The onboarding demo (`make demo`): a cohort of new hires onboarded and one leaver offboarded with the
# collection's roles, against the Graph emulator on 127.0.0.1 (no Microsoft tenant needed).
#
#   1. preview the cohort in check mode    (nothing is written; the role prints its plan)
#   2. apply it
#   3. run it again                         (nothing changes: changed=0)
#   4. offboard one user, preview then apply
#   5. the drift report                     (reads only: the leaver no longer matches the cohort)
#
# The emulator runs on a free port with a temporary state directory and is stopped on exit.
# DEMO_LATENCY_MS adds latency to every Graph request (default 0).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_venv

work=$(mktemp -d "${TMPDIR:-/tmp}/msgraph-demo.XXXXXX")
emulator_pid=
cleanup() {
    if [[ -n $emulator_pid ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
    printf '%s\n' "$*"
}

step() {
    printf '\n\033[1m======== %s ========\033[0m\n' "$1"
    shift
    local line
    for line in "$@"; do
        printf '  %s\n' "$line"
    done
    printf '\n'
}

# --- the emulator ---------------------------------------------------------------------------------

step "Starting the Graph emulator" \
    "A local HTTPS server that answers like Microsoft Graph, with its own sign-in endpoint." \
    "Everything below talks to it exactly as it would talk to a real tenant. It starts with two managers," \
    "the groups the cohort joins and the licences the tenant owns (scripts/demo_seed.json)."
PYTHONPATH=$ROOT/emulator python -m graph_emulator --port 0 --state-dir "$work/emulator" --seed "$ROOT/scripts/demo_seed.json" \
    --latency-ms "${DEMO_LATENCY_MS:-0}" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 1 100); do
    [[ -s $work/emulator.out ]] && break
    kill -0 "$emulator_pid" 2>/dev/null || die "the emulator did not start: $(cat "$work/emulator.err")"
    sleep 0.1
done
[[ -s $work/emulator.out ]] || die "the emulator did not start within 10 s"
# AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, MSGRAPH_URL, MSGRAPH_AUTHORITY_URL, MSGRAPH_CA_PATH:
# the same environment variables a real run would use.
# shellcheck disable=SC1091
source "$work/emulator/emulator.env"
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
say "  Emulator at $MSGRAPH_URL (process $emulator_pid); credentials exported as AZURE_* and MSGRAPH_* variables."

# Graph requests, writes and batches the emulator counted since the last call, then reset the counters.
traffic() {
    python - <<'PY'
import os

import requests

url = os.environ['MSGRAPH_URL'] + '/_emulator/stats'
stats = requests.get(url, verify=os.environ['MSGRAPH_CA_PATH'], timeout=30).json()
print('  Graph traffic of this step: %d HTTP request(s) carrying %d request(s) in $batch, %d write(s).'
      % (stats['http_requests'], stats['inner_requests'], stats['writes']))
requests.post(url + '/reset', verify=os.environ['MSGRAPH_CA_PATH'], timeout=30).raise_for_status()
PY
}

# --- ansible-playbook ------------------------------------------------------------------------------

# Ansible finds the collection through a link to this checkout.
mkdir -p "$work/collections/ansible_collections/mynster"
ln -s "$ROOT" "$work/collections/ansible_collections/mynster/msgraph"
export ANSIBLE_COLLECTIONS_PATH=$work/collections
export ANSIBLE_PYTHON_INTERPRETER=$VENV/bin/python
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
export ANSIBLE_RETRY_FILES_ENABLED=false
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_LOCAL_TEMP=$work/ansible-tmp
export ANSIBLE_HOME=$work/ansible-home

playbook() {
    local log=$work/last-run.log
    local status=0
    ansible-playbook -i localhost, "$@" 2>&1 | tee "$log" || status=$?
    ((status == 0)) || die "ansible-playbook failed (exit $status)"
    traffic
}

recap_changed() {
    sed -n 's/^localhost *:.*changed=\([0-9]*\).*/\1/p' "$work/last-run.log"
}

cd "$ROOT"

step "1. Preview the cohort (check mode)" \
    "ansible-playbook playbooks/onboarding_demo.yml --check" \
    "Reads the tenant, sends no write, and prints what it would do for each new hire."
playbook playbooks/onboarding_demo.yml --check

step "2. Apply" \
    "ansible-playbook playbooks/onboarding_demo.yml" \
    "Creates the users with their licences, adds them to their groups, puts a welcome event in each" \
    "new calendar and shares it with the manager. Writes travel in JSON batches of up to 20."
playbook playbooks/onboarding_demo.yml

step "3. Run it again" \
    "ansible-playbook playbooks/onboarding_demo.yml" \
    "Everything is already as wanted, so nothing is written and every task reports ok, not changed."
playbook playbooks/onboarding_demo.yml
changed=$(recap_changed)
if [[ $changed == 0 ]]; then
    say "  Second run: changed=0, as it should be."
else
    die "the second run reported changed=$changed; it should change nothing"
fi

step "4a. Preview offboarding one user (check mode)" \
    "ansible-playbook playbooks/offboarding_demo.yml --check" \
    "Disable the account, revoke its sign-in sessions, remove its direct groups and licences."
playbook playbooks/offboarding_demo.yml --check

step "4b. Offboard" \
    "ansible-playbook playbooks/offboarding_demo.yml"
playbook playbooks/offboarding_demo.yml

step "5. Drift report" \
    "ansible-playbook playbooks/drift_report.yml -e drift_report_fail_on_drift=false" \
    "Reads the cohort's users and groups as they are now and previews the onboarding (the play runs in check" \
    "mode, so it writes nothing). The leaver no longer matches the cohort: licence and groups are gone." \
    "Scheduled without -e drift_report_fail_on_drift=false, the job fails on drift."
playbook playbooks/drift_report.yml -e drift_report_fail_on_drift=false

step "Done" \
    "The emulator stops now. The same playbooks run against a real tenant when AZURE_TENANT_ID," \
    "AZURE_CLIENT_ID and AZURE_CLIENT_SECRET point at an app registration (see README.md)."
