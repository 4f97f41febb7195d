# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read-only mail of a mailbox: the well-known mail folders and an always-empty message list.

Only there so that mail requests are mailbox requests like calendar ones (mailbox existence, Outlook's per-mailbox
limits); the collection neither reads nor sends mail.
"""

import base64

from ..router import route
from ..wire import GraphError, Response
from .calendar import find_user

FOLDERS = ("Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Archive", "Outbox", "Conversation History")
WELL_KNOWN = {"inbox": "Inbox", "drafts": "Drafts", "sentitems": "Sent Items", "deleteditems": "Deleted Items",
              "junkemail": "Junk Email", "archive": "Archive", "outbox": "Outbox", "conversationhistory": "Conversation History"}


def _folder(owner, name):
    folder_id = "AAMkAD" + base64.urlsafe_b64encode(f"{owner['id']}/{name}".encode()).decode().rstrip("=")
    return {"id": folder_id, "displayName": name, "parentFolderId": "AAMkADroot", "childFolderCount": 0, "unreadItemCount": 0,
            "totalItemCount": 0, "sizeInBytes": 0, "isHidden": False}


@route("GET", "/users/{key}/mailFolders", mailbox=True)
def list_mail_folders(req, key):
    """The mailbox's top-level folders."""
    owner = find_user(req, key)
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/mailFolders",
                          "value": [_folder(owner, name) for name in FOLDERS]})


@route("GET", "/users/{key}/mailFolders/{folder}", mailbox=True)
def get_mail_folder(req, key, folder):
    """One folder by its well-known name (inbox, sentitems, ...) or id."""
    owner = find_user(req, key)
    for name in FOLDERS:
        found = _folder(owner, name)
        if WELL_KNOWN.get(folder.lower()) == name or found["id"] == folder:
            body = {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/mailFolders/$entity"}
            body.update(found)
            return Response(200, body)
    raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


@route("GET", "/users/{key}/messages", mailbox=True)
def list_messages(req, key):
    """The mailbox's messages: always none here."""
    owner = find_user(req, key)
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#users('{owner['id']}')/messages", "value": []})
