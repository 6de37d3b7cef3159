"""The mailbox tables and the row ⇄ v3 JSON mapping for messages, drafts, threads, folders, attachments.

Only this module writes the mail tables. Folder membership and addresses are also kept in side tables
so the list filters (`in`, `from`, `any_email`, …) use indexes instead of scanning JSON columns; the
JSON copy in `mail_messages.folders` is what the API prints.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from .context import JSONDict, ServerContext, new_id
from .db import Database
from .mime import ParsedMail, Part, is_reply_subject, normalize_subject

SYSTEM_FOLDERS = ("inbox", "sent", "drafts", "trash", "junk", "archive")
ADDRESS_FIELDS = ("from", "to", "cc", "bcc")
BASIC_HEADERS = {"message-id", "in-reply-to", "references"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS mail_folders (
    grant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id TEXT,
    system_folder INTEGER NOT NULL DEFAULT 0,
    background_color TEXT,
    text_color TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (grant_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS mail_folders_name
    ON mail_folders (grant_id, COALESCE(parent_id, ''), name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS mail_threads (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    norm_subject TEXT NOT NULL DEFAULT '',
    earliest_date INTEGER NOT NULL,
    latest_date INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_threads_latest ON mail_threads (grant_id, latest_date);
CREATE INDEX IF NOT EXISTS mail_threads_subject ON mail_threads (grant_id, norm_subject);
CREATE TABLE IF NOT EXISTS mail_messages (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    is_draft INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL DEFAULT '',
    from_json TEXT NOT NULL DEFAULT '[]',
    to_json TEXT NOT NULL DEFAULT '[]',
    cc_json TEXT NOT NULL DEFAULT '[]',
    bcc_json TEXT NOT NULL DEFAULT '[]',
    reply_to_json TEXT NOT NULL DEFAULT '[]',
    date INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    unread INTEGER NOT NULL DEFAULT 1,
    starred INTEGER NOT NULL DEFAULT 0,
    has_attachments INTEGER NOT NULL DEFAULT 0,
    snippet TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    is_plaintext INTEGER NOT NULL DEFAULT 0,
    folders TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    message_id_header TEXT,
    in_reply_to TEXT,
    references_header TEXT NOT NULL DEFAULT '[]',
    reply_to_message_id TEXT,
    headers TEXT NOT NULL DEFAULT '[]',
    problems TEXT
);
CREATE INDEX IF NOT EXISTS mail_messages_date ON mail_messages (grant_id, is_draft, date);
CREATE INDEX IF NOT EXISTS mail_messages_thread ON mail_messages (thread_id, date);
CREATE INDEX IF NOT EXISTS mail_messages_msgid ON mail_messages (grant_id, message_id_header);
CREATE TABLE IF NOT EXISTS mail_message_folders (
    message_id TEXT NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
    grant_id TEXT NOT NULL,
    folder_id TEXT NOT NULL,
    PRIMARY KEY (message_id, folder_id)
);
CREATE INDEX IF NOT EXISTS mail_message_folders_folder ON mail_message_folders (grant_id, folder_id);
CREATE TABLE IF NOT EXISTS mail_addresses (
    message_id TEXT NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
    grant_id TEXT NOT NULL,
    field TEXT NOT NULL,
    email TEXT NOT NULL COLLATE NOCASE
);
CREATE INDEX IF NOT EXISTS mail_addresses_email ON mail_addresses (grant_id, email, field);
CREATE INDEX IF NOT EXISTS mail_addresses_message ON mail_addresses (message_id);
CREATE TABLE IF NOT EXISTS mail_attachments (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
    grant_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_id TEXT,
    is_inline INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_attachments_message ON mail_attachments (message_id);
CREATE TABLE IF NOT EXISTS mail_raw (
    message_id TEXT PRIMARY KEY REFERENCES mail_messages (id) ON DELETE CASCADE,
    data BLOB NOT NULL
);
"""


def _addr_json(entries: Sequence[dict[str, Any]]) -> str:
    return json.dumps([{"name": e.get("name") or "", "email": e["email"]} for e in entries], ensure_ascii=False)


def create_system_folders(conn: sqlite3.Connection, grant: JSONDict, now: int) -> None:
    """The grant-created hook: the six reserved folders, whose ids are their names (so `in=inbox` works)."""
    conn.executemany(
        "INSERT OR IGNORE INTO mail_folders (grant_id, id, name, system_folder, created_at, updated_at)"
        " VALUES (?, ?, ?, 1, ?, ?)",
        [(grant["id"], name, name, now, now) for name in SYSTEM_FOLDERS],
    )


def delete_grant_mail(conn: sqlite3.Connection, grant: JSONDict) -> None:
    """The grant-deleted hook: everything the grant owned goes (child rows follow by cascade)."""
    for table in ("mail_messages", "mail_threads", "mail_folders"):
        conn.execute(f"DELETE FROM {table} WHERE grant_id = ?", (grant["id"],))


def find_thread(conn: sqlite3.Connection, grant_id: str, mail: ParsedMail) -> str | None:
    """The thread a new message joins: by In-Reply-To/References, else a "Re:" with the same people.

    The message's own Message-ID counts too: a second copy of a message (a retried delivery, or the
    inbox copy of mail the account sent to itself) belongs with the first.
    """
    own = [mail.message_id] if mail.message_id else []
    refs = [*mail.references, *([mail.in_reply_to] if mail.in_reply_to else []), *own]
    if refs:
        marks = ",".join("?" * len(refs))
        row = conn.execute(
            f"SELECT thread_id FROM mail_messages WHERE grant_id = ? AND message_id_header IN ({marks})"
            " ORDER BY date DESC LIMIT 1",
            (grant_id, *refs),
        ).fetchone()
        if row:
            return str(row["thread_id"])
    if not is_reply_subject(mail.subject):
        return None
    people = mail.participants
    candidates = conn.execute(
        "SELECT id FROM mail_threads WHERE grant_id = ? AND norm_subject = ? ORDER BY latest_date DESC LIMIT 5",
        (grant_id, normalize_subject(mail.subject)),
    ).fetchall()
    for candidate in candidates:
        rows = conn.execute(
            "SELECT DISTINCT lower(email) AS email FROM mail_addresses a JOIN mail_messages m ON m.id = a.message_id"
            " WHERE m.thread_id = ? AND a.field != 'bcc'",
            (candidate["id"],),
        ).fetchall()
        if {r["email"] for r in rows} == people:
            return str(candidate["id"])
    return None


def _touch_thread(conn: sqlite3.Connection, grant_id: str, thread_id: str | None, subject: str, date: int) -> str:
    if thread_id is not None:
        updated = conn.execute(
            "UPDATE mail_threads SET latest_date = max(latest_date, ?), earliest_date = min(earliest_date, ?)"
            " WHERE id = ? AND grant_id = ?",
            (date, date, thread_id, grant_id),
        )
        if updated.rowcount:
            return thread_id
    new = thread_id or new_id()
    conn.execute(
        "INSERT INTO mail_threads (id, grant_id, subject, norm_subject, earliest_date, latest_date)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (new, grant_id, subject, normalize_subject(subject), date, date),
    )
    return new


def set_folders(conn: sqlite3.Connection, grant_id: str, message_id: str, folders: Sequence[str]) -> None:
    unique = list(dict.fromkeys(folders))
    conn.execute("UPDATE mail_messages SET folders = ? WHERE id = ?", (json.dumps(unique), message_id))
    conn.execute("DELETE FROM mail_message_folders WHERE message_id = ?", (message_id,))
    conn.executemany(
        "INSERT INTO mail_message_folders (message_id, grant_id, folder_id) VALUES (?, ?, ?)",
        [(message_id, grant_id, f) for f in unique],
    )


def _set_addresses(conn: sqlite3.Connection, grant_id: str, message_id: str, mail: ParsedMail) -> None:
    conn.execute("DELETE FROM mail_addresses WHERE message_id = ?", (message_id,))
    rows = [
        (message_id, grant_id, name, entry["email"])
        for name, entries in zip(ADDRESS_FIELDS, (mail.from_, mail.to, mail.cc, mail.bcc), strict=True)
        for entry in entries
    ]
    conn.executemany("INSERT INTO mail_addresses (message_id, grant_id, field, email) VALUES (?, ?, ?, ?)", rows)


def _insert_attachments(conn: sqlite3.Connection, grant_id: str, message_id: str, parts: Iterable[Part]) -> None:
    conn.executemany(
        "INSERT INTO mail_attachments (id, message_id, grant_id, filename, content_type, size, content_id,"
        " is_inline, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (new_id(), message_id, grant_id, p.filename, p.content_type, len(p.data), p.content_id, p.is_inline, p.data)
            for p in parts
        ],
    )


def store_message(
    conn: sqlite3.Connection,
    grant_id: str,
    mail: ParsedMail,
    raw: bytes | None,
    *,
    date: int,
    folders: Sequence[str],
    unread: bool,
    starred: bool = False,
    sent: bool = False,
    thread_id: str | None = None,
) -> str:
    """Insert one received or sent message, threading it; returns its id. The caller owns the transaction."""
    message_id = new_id()
    thread = _touch_thread(conn, grant_id, thread_id or find_thread(conn, grant_id, mail), mail.subject, date)
    conn.execute(
        "INSERT INTO mail_messages (id, grant_id, thread_id, sent, subject, from_json, to_json, cc_json, bcc_json,"
        " reply_to_json, date, created_at, updated_at, unread, starred, has_attachments, snippet, body, is_plaintext,"
        " message_id_header, in_reply_to, references_header, headers, problems)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message_id,
            grant_id,
            thread,
            sent,
            mail.subject,
            _addr_json(mail.from_),
            _addr_json(mail.to),
            _addr_json(mail.cc),
            _addr_json(mail.bcc),
            _addr_json(mail.reply_to),
            date,
            date,
            date,
            unread,
            starred,
            bool(mail.attachments),
            mail.snippet,
            mail.body,
            not mail.is_html,
            mail.message_id,
            mail.in_reply_to,
            json.dumps(mail.references),
            json.dumps(mail.headers, ensure_ascii=False),
            json.dumps(mail.problems) if mail.problems else None,
        ),
    )
    set_folders(conn, grant_id, message_id, folders)
    _set_addresses(conn, grant_id, message_id, mail)
    _insert_attachments(conn, grant_id, message_id, mail.attachments)
    if raw is not None:
        conn.execute("INSERT INTO mail_raw (message_id, data) VALUES (?, ?)", (message_id, raw))
    return message_id


def store_draft(
    conn: sqlite3.Connection,
    grant_id: str,
    mail: ParsedMail,
    *,
    date: int,
    thread_id: str | None,
    reply_to_message_id: str | None,
    metadata: JSONDict,
    draft_id: str | None = None,
) -> str:
    """Insert or replace a draft (kept in the messages table with is_draft=1, folder drafts)."""
    if draft_id is not None:
        old = conn.execute("SELECT created_at FROM mail_messages WHERE id = ?", (draft_id,)).fetchone()
        conn.execute("DELETE FROM mail_messages WHERE id = ?", (draft_id,))
        created = old["created_at"] if old else date
    else:
        draft_id, created = new_id(), date
    thread = _touch_thread(conn, grant_id, thread_id, mail.subject, date)
    conn.execute(
        "INSERT INTO mail_messages (id, grant_id, thread_id, is_draft, subject, from_json, to_json, cc_json, bcc_json,"
        " reply_to_json, date, created_at, updated_at, unread, has_attachments, snippet, body, is_plaintext,"
        " in_reply_to, reply_to_message_id, metadata)"
        " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft_id,
            grant_id,
            thread,
            mail.subject,
            _addr_json(mail.from_),
            _addr_json(mail.to),
            _addr_json(mail.cc),
            _addr_json(mail.bcc),
            _addr_json(mail.reply_to),
            date,
            created,
            date,
            bool(mail.attachments),
            mail.snippet,
            mail.body,
            not mail.is_html,
            mail.in_reply_to,
            reply_to_message_id,
            json.dumps(metadata, ensure_ascii=False),
        ),
    )
    set_folders(conn, grant_id, draft_id, ["drafts"])
    _set_addresses(conn, grant_id, draft_id, mail)
    _insert_attachments(conn, grant_id, draft_id, mail.attachments)
    return draft_id


def delete_message(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Remove a message for good, and its thread when it was the last one."""
    conn.execute("DELETE FROM mail_messages WHERE id = ?", (row["id"],))
    left = conn.execute(
        "SELECT min(date) AS earliest, max(date) AS latest FROM mail_messages WHERE thread_id = ?", (row["thread_id"],)
    ).fetchone()
    if left["latest"] is None:
        conn.execute("DELETE FROM mail_threads WHERE id = ?", (row["thread_id"],))
    else:
        conn.execute(
            "UPDATE mail_threads SET earliest_date = ?, latest_date = ? WHERE id = ?",
            (left["earliest"], left["latest"], row["thread_id"]),
        )


ATTACHMENT_COLUMNS = "id, message_id, grant_id, filename, content_type, size, content_id, is_inline"


def _bool(column: str) -> str:
    return f"json(iif({column}, 'true', 'false'))"


_ATTACHMENT_OBJECT = (
    "json_object('id', a.id, 'grant_id', a.grant_id, 'filename', a.filename, 'content_type', a.content_type,"
    " 'size', a.size, 'content_id', a.content_id,"
    " 'content_disposition', iif(a.is_inline, 'inline', 'attachment'), 'is_inline', " + _bool("a.is_inline") + ")"
)
_OBJECT = (
    "json_object('id', m.id, 'grant_id', m.grant_id, 'object', iif(m.is_draft, 'draft', 'message'),"
    " 'thread_id', m.thread_id, 'subject', m.subject, 'from', json(m.from_json), 'to', json(m.to_json),"
    " 'cc', json(m.cc_json), 'bcc', json(m.bcc_json), 'reply_to', json(m.reply_to_json), 'date', m.date,"
    " 'created_at', m.created_at, 'updated_at', m.updated_at,"
    " 'unread', " + _bool("m.unread") + ", 'starred', " + _bool("m.starred") + ","
    " 'snippet', m.snippet, 'body', m.body, 'folders', json(m.folders),"
    " 'attachments', iif(m.has_attachments, (SELECT json_group_array(json(o)) FROM (SELECT "
    + _ATTACHMENT_OBJECT
    + " AS o FROM mail_attachments a WHERE a.message_id = m.id ORDER BY a.rowid)), json('[]')),"
    " 'metadata', json(m.metadata), 'reply_to_message_id', m.reply_to_message_id)"
)
# The v3 Message (or Draft) object, built by SQLite: the list endpoint splices these texts into its
# answer without a Python JSON round trip (that round trip was most of a 50-message list's cost).
# `parse_errors` is our extension, present only when the message could not be fully parsed.
MESSAGE_JSON = f"iif(m.problems IS NULL, {_OBJECT}, json_insert({_OBJECT}, '$.parse_errors', json(m.problems)))"
MESSAGE_SELECT = f"SELECT m.*, {MESSAGE_JSON} AS json FROM mail_messages m"


def attachment_json(row: sqlite3.Row) -> JSONDict:
    return {
        "id": row["id"],
        "grant_id": row["grant_id"],
        "filename": row["filename"],
        "content_type": row["content_type"],
        "size": row["size"],
        "content_id": row["content_id"],
        "content_disposition": "inline" if row["is_inline"] else "attachment",
        "is_inline": bool(row["is_inline"]),
    }


def messages_json(rows: Sequence[sqlite3.Row]) -> list[JSONDict]:
    """Rows selected with MESSAGE_SELECT as v3 objects."""
    return [json.loads(r["json"]) for r in rows]


def get_message(db: Database, message_id: str) -> JSONDict:
    row = db.one(f"{MESSAGE_SELECT} WHERE m.id = ?", (message_id,))
    if row is None:
        raise LookupError(message_id)
    return messages_json([row])[0]


def with_headers(data: JSONDict, row: sqlite3.Row, basic: bool) -> JSONDict:
    headers = json.loads(row["headers"])
    if basic:
        headers = [h for h in headers if h[0].lower() in BASIC_HEADERS]
    return {**data, "headers": [{"name": name, "value": value} for name, value in headers]}


def raw_mime_json(row: sqlite3.Row, raw: bytes | None) -> JSONDict:
    encoded = base64.urlsafe_b64encode(raw or b"").decode()
    return {"grant_id": row["grant_id"], "object": "message", "id": row["id"], "raw_mime": encoded}


def thread_json(ctx: ServerContext, thread: sqlite3.Row) -> JSONDict:
    """The v3 Thread object, computed from its messages (threads are small; the list pages are 20–50)."""
    rows = ctx.db.query(f"{MESSAGE_SELECT} WHERE m.thread_id = ? ORDER BY m.date, m.rowid", (thread["id"],))
    messages = [r for r in rows if not r["is_draft"]]
    drafts = [r for r in rows if r["is_draft"]]
    participants: dict[str, JSONDict] = {}
    folders: dict[str, None] = {}
    for r in rows:
        for column in ("from_json", "to_json", "cc_json", "bcc_json"):
            for entry in json.loads(r[column]):
                participants.setdefault(entry["email"].lower(), entry)
        if not r["is_draft"]:
            folders.update(dict.fromkeys(json.loads(r["folders"])))
    latest = rows[-1] if rows else None
    received = [r["date"] for r in messages if not r["sent"]]
    sent = [r["date"] for r in messages if r["sent"]]
    latest_obj = messages_json([latest])[0] if latest is not None else None
    return {
        "id": thread["id"],
        "grant_id": thread["grant_id"],
        "object": "thread",
        "subject": thread["subject"],
        "snippet": latest["snippet"] if latest is not None else "",
        "participants": list(participants.values()),
        "message_ids": [r["id"] for r in messages],
        "draft_ids": [r["id"] for r in drafts],
        "folders": list(folders),
        "unread": any(r["unread"] for r in messages),
        "starred": any(r["starred"] for r in messages),
        "has_attachments": any(r["has_attachments"] for r in messages),
        "has_drafts": bool(drafts),
        "earliest_message_date": thread["earliest_date"],
        "latest_message_received_date": max(received) if received else None,
        "latest_message_sent_date": max(sent) if sent else None,
        "latest_draft_or_message": latest_obj,
    }


def folder_json(ctx: ServerContext, row: sqlite3.Row) -> JSONDict:
    counts = ctx.db.one(
        "SELECT count(*) AS total, coalesce(sum(m.unread), 0) AS unread FROM mail_message_folders f"
        " JOIN mail_messages m ON m.id = f.message_id WHERE f.grant_id = ? AND f.folder_id = ?",
        (row["grant_id"], row["id"]),
    )
    children = ctx.db.one(
        "SELECT count(*) AS n FROM mail_folders WHERE grant_id = ? AND parent_id = ?", (row["grant_id"], row["id"])
    )
    return {
        "id": row["id"],
        "grant_id": row["grant_id"],
        "object": "folder",
        "name": row["name"],
        "parent_id": row["parent_id"],
        "system_folder": bool(row["system_folder"]),
        "attributes": [f"\\{row['name'].capitalize()}"] if row["system_folder"] else [],
        "child_count": children["n"] if children else 0,
        "unread_count": counts["unread"] if counts else 0,
        "total_count": counts["total"] if counts else 0,
        "background_color": row["background_color"],
        "text_color": row["text_color"],
    }


def resolve_folder(db: Database, grant_id: str, ref: str) -> str | None:
    """A folder id from an id or (case-insensitively) a name; rules name folders, the API uses ids.

    Reads go through the Database even inside a write transaction: its lock is re-entrant and it is the
    same connection, so the caller's uncommitted rows are visible.
    """
    row = db.one(
        "SELECT id FROM mail_folders WHERE grant_id = ? AND (id = ? OR name = ? COLLATE NOCASE) ORDER BY id != ?",
        (grant_id, ref, ref, ref),
    )
    return str(row["id"]) if row else None
