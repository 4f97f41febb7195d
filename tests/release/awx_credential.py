# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What AWX / automation controller does with a custom credential type, for tests without a controller.

Follows AWX's own code (ansible/awx, ``awx/main/fields.py``: ``CredentialTypeInputField`` and
``CredentialTypeInjectorField`` schemas; ``awx/main/models/credential/__init__.py``:
``CredentialType.inject_credential``): inputs are checked against the same schema, and injection
renders the templates in a Jinja sandbox with the same namespace - only inputs that were given, file
injectors written into the job's private data directory first and their paths offered as
``tower.filename.<name>``.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile

from jinja2 import sandbox

FIELD_KEYS = frozenset(('id', 'label', 'type', 'format', 'choices', 'help_text', 'multiline', 'secret', 'ask_at_runtime', 'default'))
FIELD_TYPES = ('string', 'boolean')
NAME_PATTERN = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
FILE_LABEL_PATTERN = re.compile(r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$')
CUSTOM_KINDS = ('cloud', 'net')
# Environment variables AWX refuses in credential injectors (awx/main/constants.py ENV_BLOCKLIST), besides ANSIBLE_*.
ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID', 'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES', 'CALLBACK_QUEUE', 'CALLBACK_CONNECTION',
    'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS', 'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH',
))


def validate(credential_type):
    """Problems AWX would report when the credential type is created, as a list of strings (empty when valid)."""
    problems = []
    if credential_type.get('kind') not in CUSTOM_KINDS:
        problems.append('kind must be one of %s for a custom credential type' % ', '.join(CUSTOM_KINDS))
    inputs = credential_type.get('inputs') or {}
    unknown = set(inputs) - {'fields', 'required'}
    if unknown:
        problems.append('inputs: unknown keys %s' % sorted(unknown))
    ids = []
    for field in inputs.get('fields') or []:
        label = field.get('id', '?')
        for key in sorted(set(field) - FIELD_KEYS):
            problems.append('field %s: %s is not allowed' % (label, key))
        for key in ('id', 'label'):
            if not isinstance(field.get(key), str):
                problems.append('field %s: %s is required' % (label, key))
        if not NAME_PATTERN.match(str(field.get('id', ''))):
            problems.append('field %s: invalid id' % label)
        if field.get('id') == 'tower':
            problems.append('"tower" is a reserved field name')
        if field.get('type', 'string') not in FIELD_TYPES:
            problems.append('field %s: type must be string or boolean' % label)
        if field.get('format') not in (None, 'ssh_private_key', 'url'):
            problems.append('field %s: unknown format' % label)
        choices = field.get('choices')
        if choices is not None:
            if not choices or len(set(choices)) != len(choices) or not all(isinstance(c, str) for c in choices):
                problems.append('field %s: choices must be unique strings' % label)
            elif 'default' in field and field['default'] not in choices:
                problems.append('field %s: default is not one of the choices' % label)
        for key in ('multiline', 'secret', 'ask_at_runtime'):
            if key in field and not isinstance(field[key], bool):
                problems.append('field %s: %s must be a boolean' % (label, key))
        if field.get('id') in ids:
            problems.append('field IDs must be unique (%s)' % label)
        ids.append(field.get('id'))
    for name in inputs.get('required') or []:
        if name not in ids:
            problems.append('required names an unknown field: %s' % name)

    injectors = credential_type.get('injectors') or {}
    unknown = set(injectors) - {'file', 'env', 'extra_vars'}
    if unknown:
        problems.append('injectors: unknown keys %s' % sorted(unknown))
    for label in injectors.get('file') or {}:
        if not FILE_LABEL_PATTERN.match(label):
            problems.append('file injector %s: must be "template" or "template.<name>"' % label)
    for name, template in (injectors.get('env') or {}).items():
        if not NAME_PATTERN.match(name):
            problems.append('env injector %s: invalid variable name' % name)
        if name.startswith('ANSIBLE_') or name in ENV_BLOCKLIST:
            problems.append('env injector %s: not allowed in credentials' % name)
        if not isinstance(template, str) or not template.isascii():
            problems.append('env injector %s: value must be an ASCII string' % name)
    for name in injectors.get('extra_vars') or {}:
        if not NAME_PATTERN.match(name):
            problems.append('extra_vars injector %s: invalid variable name' % name)
    # Every template must compile in AWX's sandbox.
    environment = sandbox.ImmutableSandboxedEnvironment()
    for section in ('file', 'env', 'extra_vars'):
        for name, template in (injectors.get(section) or {}).items():
            try:
                environment.from_string(template)
            except Exception as exc:  # pylint: disable=broad-exception-caught
                problems.append('%s injector %s: %s' % (section, name, exc))
    return problems


def inject(credential_type, inputs, private_data_dir):
    """Render the injectors for a credential with ``inputs``, as AWX does before a job starts.

    Returns ``(env, safe_env, extra_vars)``: the job's environment variables, the copy AWX stores
    with the job (secret inputs replaced by ``**********``) and extra variables. File injectors are
    written to ``<private_data_dir>/env/`` with mode 0660.
    """
    secret_fields = set(field['id'] for field in credential_type['inputs']['fields'] if field.get('secret'))

    class TowerNamespace:  # pylint: disable=too-few-public-methods
        pass

    tower = TowerNamespace()
    namespace = {'tower': tower}
    safe_namespace = {'tower': tower}
    for name, value in inputs.items():
        if isinstance(value, bool):
            namespace[name] = safe_namespace[name] = value
            continue
        if name in secret_fields:
            safe_namespace[name] = '**********'
        elif value:
            safe_namespace[name] = value
        if value:
            namespace[name] = value
    for field in credential_type['inputs']['fields']:
        if field.get('type') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = safe_namespace[field['id']] = False

    environment = sandbox.ImmutableSandboxedEnvironment()
    injectors = credential_type.get('injectors') or {}
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    for label, template in (injectors.get('file') or {}).items():
        data = environment.from_string(template).render(**namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as output:
            output.write(data)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP)
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = TowerNamespace()
            setattr(tower.filename, label.split('.', 1)[1], path)

    env = {}
    safe_env = {}
    for name, template in (injectors.get('env') or {}).items():
        env[name] = environment.from_string(template).render(**namespace)
        safe_env[name] = environment.from_string(template).render(**safe_namespace)
    extra_vars = dict((name, environment.from_string(template).render(**namespace))
                      for name, template in (injectors.get('extra_vars') or {}).items())
    return env, safe_env, extra_vars
