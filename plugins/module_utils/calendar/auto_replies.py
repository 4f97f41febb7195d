# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""A mailbox's automatic replies (``mailboxSettings.automaticRepliesSetting``): compared with what the task wants.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Exchange Online keeps the reply messages as HTML: a message sent as plain text is read back wrapped in
``<html><body>..``. So messages are compared by the text a reader sees - tags dropped, entities decoded, white
space collapsed - and a message the task gives as HTML is compared the same way. Status and audience values are
compared case-insensitively (Graph's own samples spell them ``Scheduled``, ``All``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags after which a reader sees a break between words.
BREAKING_TAGS = frozenset(('br', 'p', 'div', 'li', 'tr', 'td', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'body', 'html'))
# A message is read as HTML when it holds one of these tags; otherwise it is plain text, where ``<`` and ``&`` are text.
HTML_TAG = re.compile(r'</?\s*(html|head|body|p|div|span|br|b|i|u|em|strong|font|a|ul|ol|li|table|tr|td|h[1-6]|img|hr)\b[^>]*>', re.IGNORECASE)
# What of the setting is compared (and shown in diffs).
COMPARED = ('status', 'externalAudience', 'internalReplyMessage', 'externalReplyMessage')


class _TextOf(HTMLParser):
    """The visible text of an HTML fragment (scripts, styles and the head left out)."""

    HIDDEN = frozenset(('script', 'style', 'head', 'title'))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in BREAKING_TAGS:
            self.parts.append(' ')

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BREAKING_TAGS:
            self.parts.append(' ')

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def reply_text(message):
    """What a reader sees of a reply message (plain text or HTML), with white space collapsed; ``''`` for none."""
    if not isinstance(message, str) or not message.strip():
        return ''
    if HTML_TAG.search(message):
        parser = _TextOf()
        parser.feed(message)
        parser.close()
        message = ''.join(parser.parts)
    return ' '.join(message.split())


def _same_name(value, wanted):
    return isinstance(value, str) and value.lower() == wanted.lower()


def current_view(setting):
    """The compared part of a mailbox's ``automaticRepliesSetting`` as read (messages as the text a reader sees)."""
    setting = setting if isinstance(setting, dict) else {}
    return {'status': setting.get('status'), 'external_audience': setting.get('externalAudience'),
            'internal_message': reply_text(setting.get('internalReplyMessage')),
            'external_message': reply_text(setting.get('externalReplyMessage'))}


def is_current(spec, setting):
    """True when the mailbox's ``automaticRepliesSetting`` already is as ``spec`` (an ``AutoReplySpec``) wants it.

    Disabled wants only the status; enabled wants the status (always on, not scheduled), the audience and both
    messages as a reader sees them.
    """
    if not isinstance(setting, dict):
        return False
    if not _same_name(setting.get('status'), spec.status):
        return False
    if spec.state == 'disabled':
        return True
    return (_same_name(setting.get('externalAudience'), spec.audience)
            and reply_text(setting.get('internalReplyMessage')) == reply_text(spec.internal)
            and reply_text(setting.get('externalReplyMessage')) == reply_text(spec.external))
