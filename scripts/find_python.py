"""Find a Python interpreter of a given version that really runs on this machine.

    python3 scripts/find_python.py 3.13    # prints its path, or exits 1 saying what was tried

A name on PATH is not proof: a pyenv shim such as ``python3.13`` exists even
when that version is not selected, and then fails with "python3.13: command
not found". Each candidate is therefore asked for its own version, and for
``venv`` and ``ensurepip`` (needed to build virtual environments from it).

Candidates, in order: ``pythonX.Y`` on PATH (virtual environments left out:
their interpreter belongs to that environment), then pyenv's installed
versions directly (``$PYENV_ROOT/versions/X.Y.*/bin/pythonX.Y``). The path
printed is the interpreter's own ``sys.executable``, so shims and symlinks are
resolved. scripts/sanity.sh and scripts/matrix.sh use this; keep it runnable
on any Python 3.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

PROBE = 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2], sys.prefix != sys.base_prefix, sys.executable)'


def candidates(version, path=None):
    """Paths that may be Python ``version`` (X.Y), most preferred first."""
    found = shutil.which('python' + version, path=path)
    if found:
        yield found
    pyenv_root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    pattern = os.path.join(pyenv_root, 'versions', version + '.*', 'bin', 'python' + version)
    # Newest patch release first (3.13.10 before 3.13.9).
    yield from sorted(glob.glob(pattern), key=_patch_level, reverse=True)


def _patch_level(path):
    release = os.path.basename(os.path.dirname(os.path.dirname(path)))
    return [int(part) if part.isdigit() else -1 for part in release.split('.')]


def probe(path, version):
    """The interpreter's real path when ``path`` runs Python ``version`` outside a venv, else None and why."""
    try:
        done = subprocess.run([path, '-c', PROBE], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        return None, str(error)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        # A pyenv shim's first line says it all: "pyenv: python3.13: command not found".
        return None, 'exit %d: %s' % (done.returncode, lines[0] if lines else 'no output')
    found_version, in_venv, executable = done.stdout.strip().split(' ', 2)
    if found_version != version:
        return None, 'is Python %s' % found_version
    if in_venv == 'True':
        return None, 'is a virtual environment'
    return executable, None


def find_python(version, path=None):
    """Return (interpreter path or None, list of 'candidate: why not' lines)."""
    tried = []
    seen = set()
    for candidate in candidates(version, path):
        if candidate in seen:
            continue
        seen.add(candidate)
        executable, why_not = probe(candidate, version)
        if executable:
            return executable, tried
        tried.append('%s: %s' % (candidate, why_not))
    return None, tried


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: find_python.py X.Y')
    version = sys.argv[1]
    executable, tried = find_python(version)
    if not executable:
        sys.exit('no working python%s on this machine (tried: %s)' % (version, '; '.join(tried) or 'nothing found on PATH or under pyenv'))
    print(executable)


if __name__ == '__main__':
    main()
