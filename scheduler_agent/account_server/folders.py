"""v3 folders: the six system folders every Agent Account has, plus custom folders (CRUD)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import mail_store
from .context import JSONDict, ServerContext, new_id
from .http import ApiError, Request, Response, bad_request, deleted, not_found, ok, ok_list, page_window, paged

MAX_NAME = 1024
COLOR_KEYS = ("background_color", "text_color")


def _check_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise bad_request(f"name must be a non-empty string of at most {MAX_NAME} characters")
    return value.strip()


def install(ctx: ServerContext, router: Any) -> None:
    def grant_created(conn: sqlite3.Connection, grant: JSONDict) -> None:
        mail_store.create_system_folders(conn, grant, ctx.timestamp())

    ctx.grant_created.append(grant_created)
    ctx.grant_deleted.append(mail_store.delete_grant_mail)

    def folder_row(req: Request) -> sqlite3.Row:
        row = ctx.db.one("SELECT * FROM mail_folders WHERE grant_id = ? AND id = ?", (req.grant_id, req.params["id"]))
        if row is None:
            raise not_found("folder")
        return row

    def check_parent(grant_id: str, parent: Any) -> str | None:
        if parent in (None, ""):
            return None
        if (
            not isinstance(parent, str)
            or ctx.db.one("SELECT 1 FROM mail_folders WHERE grant_id = ? AND id = ?", (grant_id, parent)) is None
        ):
            raise bad_request(f"parent_id {parent!r} is not a folder of this account")
        return parent

    def unique(fn: Any) -> Any:
        try:
            return fn()
        except sqlite3.IntegrityError:
            raise ApiError(409, "invalid_request_error", "a folder with this name already exists here") from None

    @router.route("GET", "/v3/grants/{grant}/folders")
    def list_folders(req: Request) -> Response:
        limit, offset = page_window(req.query)
        sql = "SELECT * FROM mail_folders WHERE grant_id = ?"
        params: list[Any] = [req.grant_id]
        if req.query.str("parent_id"):
            sql += " AND parent_id = ?"
            params.append(req.query.str("parent_id"))
        sql += " ORDER BY system_folder DESC, created_at, rowid LIMIT ? OFFSET ?"
        rows, cursor = paged(ctx.db.query(sql, [*params, limit + 1, offset]), limit, offset)
        return ok_list([mail_store.folder_json(ctx, r) for r in rows], cursor)

    @router.route("GET", "/v3/grants/{grant}/folders/{id}")
    def get_folder(req: Request) -> Response:
        return ok(mail_store.folder_json(ctx, folder_row(req)))

    @router.route("POST", "/v3/grants/{grant}/folders")
    def create_folder(req: Request) -> Response:
        body = req.json()
        name = _check_name(body.get("name"))
        parent = check_parent(req.grant_id, body.get("parent_id"))
        folder_id = new_id()
        now = ctx.timestamp()

        def insert() -> None:
            with ctx.db.tx() as conn:
                conn.execute(
                    "INSERT INTO mail_folders (grant_id, id, name, parent_id, background_color, text_color,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        req.grant_id,
                        folder_id,
                        name,
                        parent,
                        body.get("background_color"),
                        body.get("text_color"),
                        now,
                        now,
                    ),
                )

        unique(insert)
        row = ctx.db.one("SELECT * FROM mail_folders WHERE grant_id = ? AND id = ?", (req.grant_id, folder_id))
        assert row is not None
        data = mail_store.folder_json(ctx, row)
        ctx.notify(req.grant_id, "folder.created", data)
        return ok(data)

    @router.route("PUT", "/v3/grants/{grant}/folders/{id}")
    def update_folder(req: Request) -> Response:
        row = folder_row(req)
        body = req.json()
        sets: list[str] = []
        params: list[Any] = []
        if "name" in body:
            name = _check_name(body["name"])
            if row["system_folder"] and name != row["name"]:
                raise bad_request("system folders cannot be renamed")
            sets.append("name = ?")
            params.append(name)
        if "parent_id" in body:
            if row["system_folder"]:
                raise bad_request("system folders cannot be moved")
            parent = check_parent(req.grant_id, body["parent_id"])
            if parent == row["id"]:
                raise bad_request("a folder cannot be its own parent")
            sets.append("parent_id = ?")
            params.append(parent)
        for key in COLOR_KEYS:
            if key in body:
                sets.append(f"{key} = ?")
                params.append(body[key])
        if sets:

            def update() -> None:
                with ctx.db.tx() as conn:
                    conn.execute(
                        f"UPDATE mail_folders SET {', '.join(sets)}, updated_at = ? WHERE grant_id = ? AND id = ?",
                        (*params, ctx.timestamp(), req.grant_id, row["id"]),
                    )

            unique(update)
        data = mail_store.folder_json(ctx, folder_row(req))
        ctx.notify(req.grant_id, "folder.updated", data)
        return ok(data)

    @router.route("DELETE", "/v3/grants/{grant}/folders/{id}")
    def delete_folder(req: Request) -> Response:
        row = folder_row(req)
        if row["system_folder"]:
            raise bad_request("system folders cannot be deleted")
        if ctx.db.one("SELECT 1 FROM mail_folders WHERE grant_id = ? AND parent_id = ?", (req.grant_id, row["id"])):
            raise bad_request("delete or move this folder's subfolders first")
        with ctx.db.tx() as conn:
            members = conn.execute(
                "SELECT m.id, m.folders FROM mail_message_folders f JOIN mail_messages m ON m.id = f.message_id"
                " WHERE f.grant_id = ? AND f.folder_id = ?",
                (req.grant_id, row["id"]),
            ).fetchall()
            for member in members:
                # A message only in the deleted folder is archived, never lost.
                rest = [f for f in json.loads(member["folders"]) if f != row["id"]] or ["archive"]
                mail_store.set_folders(conn, req.grant_id, member["id"], rest)
            conn.execute("DELETE FROM mail_folders WHERE grant_id = ? AND id = ?", (req.grant_id, row["id"]))
        ctx.notify(req.grant_id, "folder.deleted", {"grant_id": req.grant_id, "id": row["id"], "object": "folder"})
        return deleted()
