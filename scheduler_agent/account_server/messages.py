"""v3 messages, attachments, send and our outbox extension (`GET /v3/grants/{grant}/outbox`)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from . import mail_store
from .context import JSONDict, MailSubmitter, ServerContext, new_id
from .delivery import outbox_json
from .http import ApiError, Query, Request, Response, bad_request, deleted, not_found, ok, ok_list, page_window, paged
from .mime import Outgoing, build
from .outgoing import (
    idempotent,
    metadata_from,
    outgoing_from,
    payload_digest,
    raw_message_for,
    read_body,
    read_raw_mime,
)

MAX_ANY_EMAIL = 25
FIELDS = {"standard", "include_headers", "include_basic_headers", "include_tracking_options", "raw_mime"}
ALWAYS_SELECTED = ("id", "grant_id", "object")


def like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def message_conditions(
    ctx: ServerContext, q: Query, grant_id: str, *, alias: str = "m", skip: tuple[str, ...] = ()
) -> tuple[list[str], list[Any]]:
    """SQL conditions for the v3 message filters; threads reuse them inside an EXISTS."""
    where: list[str] = []
    params: list[Any] = []
    for key, column in (("unread", "unread"), ("starred", "starred"), ("has_attachment", "has_attachments")):
        value = q.bool(key)
        if value is not None and key not in skip:
            where.append(f"{alias}.{column} = ?")
            params.append(int(value))
    if q.str("thread_id"):
        where.append(f"{alias}.thread_id = ?")
        params.append(q.str("thread_id"))
    folder = q.str("in")
    if folder:
        where.append(
            f"{alias}.id IN (SELECT message_id FROM mail_message_folders WHERE grant_id = ? AND folder_id = ?)"
        )
        params += [grant_id, mail_store.resolve_folder(ctx.db, grant_id, folder) or folder]
    for field in mail_store.ADDRESS_FIELDS:
        emails = q.list(field)
        if emails:
            marks = ",".join("?" * len(emails))
            where.append(
                f"{alias}.id IN (SELECT message_id FROM mail_addresses WHERE grant_id = ? AND email IN ({marks})"
                " AND field = ?)"
            )
            params += [grant_id, *emails, field]
    emails = q.list("any_email")
    if emails:
        if len(emails) > MAX_ANY_EMAIL:
            raise bad_request(f"any_email takes at most {MAX_ANY_EMAIL} addresses")
        marks = ",".join("?" * len(emails))
        where.append(f"{alias}.id IN (SELECT message_id FROM mail_addresses WHERE grant_id = ? AND email IN ({marks}))")
        params += [grant_id, *emails]
    if q.str("subject"):
        where.append(f"{alias}.subject LIKE ? ESCAPE '\\'")
        params.append(like_pattern(q.str("subject") or ""))
    search = q.str("search_query_native")
    if search:
        where.append(f"({alias}.subject LIKE ? ESCAPE '\\' OR {alias}.body LIKE ? ESCAPE '\\')")
        params += [like_pattern(search)] * 2
    for key, op in (("received_after", ">="), ("received_before", "<")):
        value = q.int(key)
        if value is not None:
            where.append(f"{alias}.date {op} ?")
            params.append(value)
    pair = q.str("metadata_pair")
    if pair:
        key, sep, value = pair.partition(":")
        if not sep or key not in {"key1", "key2", "key3", "key4", "key5"}:
            raise bad_request("metadata_pair must be key1..key5:value")
        where.append(f"json_extract({alias}.metadata, '$.' || ?) = ?")
        params += [key, value]
    return where, params


def select_fields(data: JSONDict, q: Query) -> JSONDict:
    wanted = q.list("select")
    if not wanted:
        return data
    return {k: v for k, v in data.items() if k in wanted or k in ALWAYS_SELECTED}


def fields_mode(q: Query) -> str:
    mode = q.str("fields") or "standard"
    if mode not in FIELDS:
        raise bad_request(f"fields must be one of {', '.join(sorted(FIELDS))}")
    return mode


def render(ctx: ServerContext, rows: list[sqlite3.Row], q: Query) -> list[JSONDict]:
    """Rows as v3 objects, honouring `fields` (headers, raw MIME) and `select`."""
    mode = fields_mode(q)
    if mode == "raw_mime":
        raws = raw_mime_for(ctx, [r["id"] for r in rows])
        return [mail_store.raw_mime_json(r, raws.get(r["id"])) for r in rows]
    out = mail_store.messages_json(rows)
    if mode in {"include_headers", "include_basic_headers"}:
        out = [mail_store.with_headers(d, r, mode == "include_basic_headers") for d, r in zip(out, rows, strict=True)]
    return [select_fields(d, q) for d in out]


def raw_mime_for(ctx: ServerContext, ids: list[str]) -> dict[str, bytes]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {
        r["message_id"]: r["data"] for r in ctx.db.query(f"SELECT * FROM mail_raw WHERE message_id IN ({marks})", ids)
    }


def list_response(ctx: ServerContext, req: Request, *, draft: bool) -> Response:
    """A page of messages or drafts, newest first.

    The common case (no `select`, standard fields) splices the JSON texts SQLite built into the answer
    as they are: the agent polls this endpoint, and decoding and re-encoding 50 bodies was its main cost.
    """
    q = req.query
    limit, offset = page_window(q)
    where, params = message_conditions(ctx, q, req.grant_id)
    plain = fields_mode(q) == "standard" and not q.list("select")
    columns = f"{mail_store.MESSAGE_JSON} AS json" if plain else f"m.*, {mail_store.MESSAGE_JSON} AS json"
    sql = f"SELECT {columns} FROM mail_messages m WHERE m.grant_id = ? AND m.is_draft = ?"
    sql += "".join(f" AND {w}" for w in where) + " ORDER BY m.date DESC, m.rowid DESC LIMIT ? OFFSET ?"
    rows, cursor = paged(ctx.db.query(sql, [req.grant_id, draft, *params, limit + 1, offset]), limit, offset)
    if not plain:
        return ok_list(render(ctx, rows, q), cursor)
    items = ",".join(r["json"] for r in rows)
    body = f'{{"request_id":{json.dumps(req.request_id)},"data":[{items}],"next_cursor":{json.dumps(cursor)}}}'
    return Response(raw=body.encode("utf-8"), content_type="application/json; charset=utf-8")


def message_row(ctx: ServerContext, grant_id: str, message_id: str, *, draft: bool = False) -> sqlite3.Row:
    row = ctx.db.one(
        f"{mail_store.MESSAGE_SELECT} WHERE m.id = ? AND m.grant_id = ? AND m.is_draft = ?",
        (message_id, grant_id, draft),
    )
    if row is None:
        raise not_found("draft" if draft else "message")
    return row


def check_folders(ctx: ServerContext, grant_id: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
        raise bad_request("folders must be a list of folder ids")
    resolved = []
    for ref in value:
        folder = mail_store.resolve_folder(ctx.db, grant_id, ref)
        if folder is None:
            raise bad_request(f"folder {ref!r} does not exist")
        resolved.append(folder)
    return resolved


def mailer(ctx: ServerContext) -> MailSubmitter:
    if ctx.mailer is None:
        raise ApiError(503, "service_unavailable", "no mail submitter is installed on this server")
    return ctx.mailer


def send_message(ctx: ServerContext, grant: JSONDict, out: Outgoing, *, thread_id: str | None) -> JSONDict:
    """RFC 5322 build and submit (the mailer asks the policy): shared by messages/send and drafts send."""
    submitter = mailer(ctx)
    try:
        message = build(out, message_id=f"<{new_id()}@{ctx.hostname}>", date=ctx.now())
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return submitter.submit(grant, message, thread_id=thread_id)


def install(ctx: ServerContext, router: Any) -> None:
    @router.route("GET", "/v3/grants/{grant}/messages")
    def list_messages(req: Request) -> Response:
        return list_response(ctx, req, draft=False)

    @router.route("GET", "/v3/grants/{grant}/messages/{id}")
    def get_message(req: Request) -> Response:
        return ok(render(ctx, [message_row(ctx, req.grant_id, req.params["id"])], req.query)[0])

    @router.route("PUT", "/v3/grants/{grant}/messages/{id}")
    def update_message(req: Request) -> Response:
        row = message_row(ctx, req.grant_id, req.params["id"])
        body = req.json()
        sets: list[str] = []
        params: list[Any] = []
        for key in ("unread", "starred"):
            if key in body:
                if not isinstance(body[key], bool):
                    raise bad_request(f"{key} must be true or false")
                sets.append(f"{key} = ?")
                params.append(int(body[key]))
        if "metadata" in body:
            sets.append("metadata = ?")
            params.append(json.dumps(metadata_from(body), ensure_ascii=False))
        folders = check_folders(ctx, req.grant_id, body["folders"]) if "folders" in body else None
        with ctx.db.tx() as conn:
            if sets:
                conn.execute(
                    f"UPDATE mail_messages SET {', '.join(sets)}, updated_at = ? WHERE id = ?",
                    (*params, ctx.timestamp(), row["id"]),
                )
            if folders is not None:
                mail_store.set_folders(conn, req.grant_id, row["id"], folders)
        data = mail_store.get_message(ctx.db, row["id"])
        ctx.notify(req.grant_id, "message.updated", data)
        return ok(data)

    @router.route("DELETE", "/v3/grants/{grant}/messages/{id}")
    def delete_message(req: Request) -> Response:
        row = message_row(ctx, req.grant_id, req.params["id"])
        hard = "trash" in json.loads(row["folders"])
        with ctx.db.tx() as conn:
            if hard:
                mail_store.delete_message(conn, row)
            else:
                mail_store.set_folders(conn, req.grant_id, row["id"], ["trash"])
        if hard:
            ctx.notify(
                req.grant_id, "message.deleted", {"grant_id": req.grant_id, "id": row["id"], "object": "message"}
            )
        else:
            ctx.notify(
                req.grant_id,
                "message.updated",
                mail_store.get_message(ctx.db, row["id"]),
            )
        return deleted()

    @router.route("POST", "/v3/grants/{grant}/messages/send")
    def send(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        if req.query.str("type") == "mime":
            raw = read_raw_mime(req)

            def perform_raw() -> Response:
                sent = mailer(ctx).submit(grant, raw_message_for(grant, raw))
                return Response({"grant_id": grant["id"], "data": sent})

            return idempotent(ctx, req, hashlib.sha256(raw).hexdigest(), perform_raw)
        payload, files = read_body(req)

        def perform() -> Response:
            out, original = outgoing_from(ctx, grant, payload, files, require_to=True)
            metadata = metadata_from(payload)
            sent = send_message(ctx, grant, out, thread_id=original["thread_id"] if original is not None else None)
            if metadata:
                with ctx.db.tx() as conn:
                    conn.execute(
                        "UPDATE mail_messages SET metadata = ? WHERE id = ?",
                        (json.dumps(metadata, ensure_ascii=False), sent["id"]),
                    )
                sent = {**sent, "metadata": metadata}
            if fields_mode(req.query) in {"include_headers", "include_basic_headers"}:
                sent = render(ctx, [message_row(ctx, grant["id"], sent["id"])], req.query)[0]
            return Response({"grant_id": grant["id"], "data": sent})

        return idempotent(ctx, req, payload_digest(payload, files), perform)

    @router.route("GET", "/v3/grants/{grant}/attachments/{id}")
    def get_attachment(req: Request) -> Response:
        return ok(mail_store.attachment_json(_attachment_row(req)))

    @router.route("GET", "/v3/grants/{grant}/attachments/{id}/download")
    def download_attachment(req: Request) -> Response:
        row = _attachment_row(req)
        filename = row["filename"].replace('"', "").replace("\r", "").replace("\n", "")
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(raw=row["data"], headers=headers, content_type="application/octet-stream")

    def _attachment_row(req: Request) -> sqlite3.Row:
        message_id = req.query.str("message_id")
        if not message_id:
            raise bad_request("message_id is required")
        row = ctx.db.one(
            "SELECT * FROM mail_attachments WHERE id = ? AND message_id = ? AND grant_id = ?",
            (req.params["id"], message_id, req.grant_id),
        )
        if row is None:
            raise not_found("attachment")
        return row

    @router.route("GET", "/v3/grants/{grant}/outbox")
    def list_outbox(req: Request) -> Response:
        limit, offset = page_window(req.query)
        statuses = req.query.list("status") or ["queued", "failed"]
        marks = ",".join("?" * len(statuses))
        rows = ctx.db.query(
            f"SELECT * FROM mail_outbox WHERE grant_id = ? AND status IN ({marks})"
            " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            [req.grant_id, *statuses, limit + 1, offset],
        )
        page, cursor = paged(rows, limit, offset)
        return ok_list([outbox_json(r) for r in page], cursor)
