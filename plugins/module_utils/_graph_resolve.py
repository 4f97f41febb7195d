# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Former home of the resolver; it lives in ``_graph_directory`` now. Import from there.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Kept only while graph_user_bulk still imports it from here; remove it once nothing does.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_directory import (  # noqa: F401 pylint: disable=unused-import
    GROUP_FIELDS,
    USER_FIELDS,
    DirectoryResolver,
    Resolution,
    require_resolved,
)
