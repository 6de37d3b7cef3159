"""v3 drafts: create/update (JSON or multipart), list, get, delete, and send (`POST .../drafts/{id}`).

Drafts live in the messages table (is_draft=1, folder `drafts`) so threads can show `draft_ids` and
`latest_draft_or_message` without a second store; the messages list leaves them out.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import mail_store
from .context import JSONDict, ServerContext
from .http import Request, Response, deleted, ok
from .messages import list_response, message_row, render, send_message
from .mime import Outgoing, ParsedMail, Part, make_snippet
from .outgoing import metadata_from, outgoing_from, read_body

EDITABLE = ("subject", "body", "to", "cc", "bcc", "reply_to", "is_plaintext", "reply_to_message_id", "metadata")


def _mail(out: Outgoing) -> ParsedMail:
    return ParsedMail(
        subject=out.subject,
        from_=[out.sender],
        to=out.to,
        cc=out.cc,
        bcc=out.bcc,
        reply_to=out.reply_to,
        body=out.body,
        is_html=not out.is_plaintext,
        snippet=make_snippet(out.body, not out.is_plaintext),
        attachments=out.attachments,
        in_reply_to=out.in_reply_to,
        references=out.references,
    )


def _stored_payload(row: sqlite3.Row) -> JSONDict:
    """A draft row back in the request shape, so updates merge and sends reuse the send validation."""
    return {
        "subject": row["subject"],
        "body": row["body"],
        "to": json.loads(row["to_json"]),
        "cc": json.loads(row["cc_json"]),
        "bcc": json.loads(row["bcc_json"]),
        "reply_to": json.loads(row["reply_to_json"]),
        "is_plaintext": bool(row["is_plaintext"]),
        "reply_to_message_id": row["reply_to_message_id"],
        "metadata": json.loads(row["metadata"]),
    }


def _stored_files(ctx: ServerContext, draft_id: str) -> list[Part]:
    return [
        Part(r["filename"], r["content_type"], r["data"], r["content_id"], bool(r["is_inline"]))
        for r in ctx.db.query("SELECT * FROM mail_attachments WHERE message_id = ? ORDER BY rowid", (draft_id,))
    ]


def install(ctx: ServerContext, router: Any) -> None:
    def save(req: Request, payload: JSONDict, files: list[Part], draft_id: str | None) -> Response:
        grant = req.grant
        assert grant is not None
        out, original = outgoing_from(ctx, grant, payload, files, require_to=False)
        metadata = metadata_from(payload)
        with ctx.db.tx() as conn:
            thread = None
            if draft_id is not None:
                thread = message_row(ctx, grant["id"], draft_id, draft=True)["thread_id"]
            elif original is not None:
                thread = original["thread_id"]
            saved = mail_store.store_draft(
                conn,
                grant["id"],
                _mail(out),
                date=ctx.timestamp(),
                thread_id=thread,
                reply_to_message_id=original["id"] if original is not None else None,
                metadata=metadata,
                draft_id=draft_id,
            )
        return ok(render(ctx, [message_row(ctx, grant["id"], saved, draft=True)], req.query)[0])

    @router.route("GET", "/v3/grants/{grant}/drafts")
    def list_drafts(req: Request) -> Response:
        return list_response(ctx, req, draft=True)

    @router.route("GET", "/v3/grants/{grant}/drafts/{id}")
    def get_draft(req: Request) -> Response:
        return ok(render(ctx, [message_row(ctx, req.grant_id, req.params["id"], draft=True)], req.query)[0])

    @router.route("POST", "/v3/grants/{grant}/drafts")
    def create_draft(req: Request) -> Response:
        payload, files = read_body(req)
        return save(req, payload, files, None)

    @router.route("PUT", "/v3/grants/{grant}/drafts/{id}")
    def update_draft(req: Request) -> Response:
        row = message_row(ctx, req.grant_id, req.params["id"], draft=True)
        changes, files = read_body(req)
        payload = {**_stored_payload(row), **{k: v for k, v in changes.items() if k in EDITABLE}}
        replaced = "attachments" in changes or bool(files)
        return save(req, payload, files if replaced else _stored_files(ctx, row["id"]), row["id"])

    @router.route("DELETE", "/v3/grants/{grant}/drafts/{id}")
    def delete_draft(req: Request) -> Response:
        row = message_row(ctx, req.grant_id, req.params["id"], draft=True)
        with ctx.db.tx() as conn:
            mail_store.delete_message(conn, row)
        return deleted()

    @router.route("POST", "/v3/grants/{grant}/drafts/{id}")
    def send_draft(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        row = message_row(ctx, grant["id"], req.params["id"], draft=True)
        out, _ = outgoing_from(ctx, grant, _stored_payload(row), _stored_files(ctx, row["id"]), require_to=True)
        sent = send_message(ctx, grant, out, thread_id=row["thread_id"])
        with ctx.db.tx() as conn:
            conn.execute("UPDATE mail_messages SET metadata = ? WHERE id = ?", (row["metadata"], sent["id"]))
            mail_store.delete_message(conn, row)
        sent = {**sent, "metadata": json.loads(row["metadata"])}
        return Response({"grant_id": grant["id"], "data": sent})
