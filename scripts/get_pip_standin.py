"""Offline stand-in for the get-pip script that ansible-test downloads.

mynster-msgraph get-pip stand-in (scripts/lib.sh looks for this line).

``ansible-test --venv`` (and ``--requirements``) creates each virtual
environment without pip and then runs
``~/.ansible/test/cache/get_pip_<version>.py`` inside it with pip's install
arguments, for example ``--disable-pip-version-check pip==24.2 --no-setuptools
--no-wheel``. When that file is missing, ansible-test downloads it from a CI
file host that machines reaching only the package registry cannot contact.
scripts/lib.sh then installs this file under that name instead.

It does the same job with what Python and the package index provide: it
installs the pip bundled with Python (ensurepip) and uses that pip to install
the requested version from the configured index. ``--no-setuptools`` and
``--no-wheel`` are options of get-pip, not of ``pip install``, so they are
honoured here by removing what ensurepip brought along.

ansible-test runs this with a reduced environment (no PIP_CERT and the like),
so a CA bundle recorded at install time in ``get_pip_standin.cert`` next to
this file is passed to pip as ``--cert``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')
CA_ENVIRONMENT_VARIABLES = ('PIP_CERT', 'REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE')
CA_RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'get_pip_standin.cert')


def ca_bundle():
    """Return the CA bundle pip should use, or None to leave pip's own choice."""
    candidates = [os.environ.get(name) for name in CA_ENVIRONMENT_VARIABLES]

    if os.path.isfile(CA_RECORD):
        with open(CA_RECORD, encoding='utf-8') as record:
            candidates.append(record.read().strip())

    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            return candidate

    return None


def run(*args):
    """Run the current Python with the given arguments; stop on failure."""
    command = [sys.executable] + list(args)
    print('get-pip stand-in: %s' % ' '.join(command), flush=True)
    status = subprocess.call(command)

    if status:
        sys.exit(status)


def main():
    """Install pip into the running interpreter's environment."""
    args = sys.argv[1:]

    if importlib.util.find_spec('ensurepip') is None:
        sys.exit('get-pip stand-in: this Python has no ensurepip module (on Debian/Ubuntu install python3-venv), '
                 'so pip cannot be bootstrapped without the real get-pip script at %s' % os.path.abspath(__file__))

    run('-m', 'ensurepip')

    install = ['-m', 'pip', 'install']
    cert = ca_bundle()

    if cert:
        install += ['--cert', cert]

    install += [arg for arg in args if arg not in GET_PIP_ONLY_OPTIONS]
    run(*install)

    # ensurepip on Python 3.11 and older also installs setuptools; ansible-test asked for an environment without it.
    if '--no-setuptools' in args and subprocess.call([sys.executable, '-m', 'pip', 'show', '--quiet', 'setuptools']) == 0:
        run('-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools')


if __name__ == '__main__':
    main()
