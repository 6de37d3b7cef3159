"""v3 threads: list (20 by default, 50 at most), get, update every message in a thread, trash a thread."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import mail_store
from .context import ServerContext
from .http import Request, Response, bad_request, deleted, not_found, ok, ok_list, page_window, paged
from .messages import check_folders, message_conditions, select_fields


def install(ctx: ServerContext, router: Any) -> None:
    def thread_row(req: Request) -> sqlite3.Row:
        row = ctx.db.one("SELECT * FROM mail_threads WHERE id = ? AND grant_id = ?", (req.params["id"], req.grant_id))
        if row is None:
            raise not_found("thread")
        return row

    @router.route("GET", "/v3/grants/{grant}/threads")
    def list_threads(req: Request) -> Response:
        q = req.query
        limit, offset = page_window(q, default=20, maximum=50)
        inner, params = message_conditions(ctx, q, req.grant_id, skip=("unread", "starred"))
        where = ["t.grant_id = ?"]
        args: list[Any] = [req.grant_id]
        if inner:
            where.append(
                "EXISTS (SELECT 1 FROM mail_messages m WHERE m.thread_id = t.id AND m.is_draft = 0 AND "
                + " AND ".join(inner)
                + ")"
            )
            args += params
        for key in ("unread", "starred"):
            value = q.bool(key)
            if value is not None:
                exists = f"EXISTS (SELECT 1 FROM mail_messages m WHERE m.thread_id = t.id AND m.{key} = 1)"
                where.append(exists if value else f"NOT {exists}")
        for key, op in (("latest_message_after", ">="), ("latest_message_before", "<")):
            value = q.int(key)
            if value is not None:
                where.append(f"t.latest_date {op} ?")
                args.append(value)
        if q.int("earliest_message_date") is not None:
            where.append("t.earliest_date >= ?")
            args.append(q.int("earliest_message_date"))
        sql = f"SELECT * FROM mail_threads t WHERE {' AND '.join(where)} ORDER BY t.latest_date DESC, t.rowid DESC"
        rows, cursor = paged(ctx.db.query(sql + " LIMIT ? OFFSET ?", [*args, limit + 1, offset]), limit, offset)
        return ok_list([select_fields(mail_store.thread_json(ctx, r), q) for r in rows], cursor)

    @router.route("GET", "/v3/grants/{grant}/threads/{id}")
    def get_thread(req: Request) -> Response:
        return ok(select_fields(mail_store.thread_json(ctx, thread_row(req)), req.query))

    @router.route("PUT", "/v3/grants/{grant}/threads/{id}")
    def update_thread(req: Request) -> Response:
        thread = thread_row(req)
        body = req.json()
        sets: list[str] = []
        params: list[Any] = []
        for key in ("unread", "starred"):
            if key in body:
                if not isinstance(body[key], bool):
                    raise bad_request(f"{key} must be true or false")
                sets.append(f"{key} = ?")
                params.append(int(body[key]))
        folders = check_folders(ctx, req.grant_id, body["folders"]) if "folders" in body else None
        with ctx.db.tx() as conn:
            ids = [
                r["id"]
                for r in conn.execute(
                    "SELECT id FROM mail_messages WHERE thread_id = ? AND is_draft = 0", (thread["id"],)
                )
            ]
            if sets:
                conn.execute(
                    f"UPDATE mail_messages SET {', '.join(sets)}, updated_at = ? WHERE thread_id = ? AND is_draft = 0",
                    (*params, ctx.timestamp(), thread["id"]),
                )
            for message_id in ids if folders is not None else []:
                mail_store.set_folders(conn, req.grant_id, message_id, folders)
        if sets or folders is not None:
            for message_id in ids:
                ctx.notify(req.grant_id, "message.updated", mail_store.get_message(ctx.db, message_id))
        return ok(mail_store.thread_json(ctx, thread_row(req)))

    @router.route("DELETE", "/v3/grants/{grant}/threads/{id}")
    def delete_thread(req: Request) -> Response:
        thread = thread_row(req)
        trashed: list[str] = []
        removed: list[str] = []
        with ctx.db.tx() as conn:
            rows = conn.execute("SELECT * FROM mail_messages WHERE thread_id = ?", (thread["id"],)).fetchall()
            for row in rows:
                if row["is_draft"] or "trash" in json.loads(row["folders"]):
                    mail_store.delete_message(conn, row)
                    removed.append(row["id"])
                else:
                    mail_store.set_folders(conn, req.grant_id, row["id"], ["trash"])
                    trashed.append(row["id"])
        for message_id in trashed:
            ctx.notify(req.grant_id, "message.updated", mail_store.get_message(ctx.db, message_id))
        for message_id in removed:
            ctx.notify(
                req.grant_id, "message.deleted", {"grant_id": req.grant_id, "id": message_id, "object": "message"}
            )
        return deleted()
