#!/usr/bin/env bash
# Run ansible-test's sanity tests on a copy of the work tree.
#
#   scripts/sanity.sh                  # all sanity tests
#   scripts/sanity.sh --test pep8      # extra arguments go to ansible-test
#
# The controller Python is the one in .venv. Sanity tests that run once per
# target Python (compile, import) also run on every other Python the
# installed ansible-core supports, tests/config.yml allows and this machine
# can actually run. SANITY_EXTRA_PYTHONS changes that: "none" for the
# controller Python only, or a list such as "3.12 3.13".
#
# Ignore files are not allowed (project rule): a finding is fixed in the code.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hold_build_lock "$@"

ensure_venv

shopt -s nullglob
ignore_files=("$ROOT"/tests/sanity/ignore-*.txt)
shopt -u nullglob
if ((${#ignore_files[@]})); then
    die "sanity ignore files are not allowed in this project: ${ignore_files[*]#"$ROOT"/}"
fi

tree=$(build_collection_tree)
ensure_get_pip

controller=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# Print "version path" for each extra target Python to test.
find_target_pythons() {
    python - "$controller" "${SANITY_EXTRA_PYTHONS:-auto}" "$tree/tests/config.yml" "$ROOT/scripts" <<'EOF'
import sys

import yaml
from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS, REMOTE_ONLY_PYTHON_VERSIONS
from packaging.specifiers import SpecifierSet

SUPPORTED_PYTHON_VERSIONS = REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS

controller, wanted, config_path, scripts_dir = sys.argv[1:]
sys.path.insert(0, scripts_dir)
from find_python import find_python  # scripts/find_python.py: interpreters that really run

with open(config_path, encoding='utf-8') as config_file:
    config = yaml.safe_load(config_file) or {}
requires = (config.get('modules') or {}).get('python_requires', 'default')
allowed = SpecifierSet(requires) if requires not in ('default', 'controller') else SpecifierSet()

if wanted == 'none':
    versions = []
elif wanted == 'auto':
    versions = [v for v in SUPPORTED_PYTHON_VERSIONS if v != controller and allowed.contains(v + '.0')]
else:
    versions = [v for v in wanted.split() if v != controller]
    unknown = [v for v in versions if v not in SUPPORTED_PYTHON_VERSIONS]
    if unknown:
        sys.exit('ansible-test does not support Python %s' % ', '.join(unknown))

for version in versions:
    path, tried = find_python(version)
    if path:
        print(version, path)
    elif wanted != 'auto':
        sys.exit('Python %s is not available on this machine (tried: %s)' % (version, '; '.join(tried) or 'nothing found'))
EOF
}

targets=$(find_target_pythons)

# ansible-test finds some target interpreters by name on PATH even when given
# a path, and a pyenv shim of that name may exist without working. A
# directory of small wrappers, first on PATH, makes each name run the
# interpreter found above. (Wrappers rather than symlinks: the virtual
# environments ansible-test keeps in ~/.ansible then point at the real
# interpreter, not into build/.)
wrappers=$BUILD_DIR/python-bin
rm -rf "$wrappers"
mkdir -p "$wrappers"
environment=(--controller "origin:python=venv/$controller")
tested=("$controller")
while read -r version path; do
    [[ -n $version ]] || continue
    printf '#!/bin/sh\nexec %q "$@"\n' "$path" >"$wrappers/python$version"
    chmod +x "$wrappers/python$version"
    environment+=(--target-python "$version@$wrappers/python$version")
    tested+=("$version")
done <<<"$targets"
export PATH="$wrappers:$PATH"
# The controller Python is a target too (tests that run per Python use it).
environment+=(--target-python "$controller")

note "sanity: ansible-core $(python -c 'from ansible.release import __version__; print(__version__)'), controller Python $controller, per-Python tests on: ${tested[*]}"
cd "$tree"
start=$SECONDS
ansible-test sanity "${environment[@]}" -v "$@"
note "sanity: passed in $((SECONDS - start)) s"
