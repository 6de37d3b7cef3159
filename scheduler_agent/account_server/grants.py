"""Agent Accounts as v3 grants: `POST /v3/connect/custom` with provider "nylas", and grant CRUD.

Creating a grant runs the `grant_created` hooks inside the same transaction, so the six system
folders and the primary calendar exist before anyone can see the grant.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
from typing import Any

from .context import JSONDict, ServerContext
from .http import ApiError, Request, Response, bad_request, deleted, not_found, ok

SCHEMA = """
CREATE TABLE IF NOT EXISTS grants (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT 'nylas',
    grant_status TEXT NOT NULL DEFAULT 'valid',
    settings TEXT NOT NULL DEFAULT '{}',
    app_password_hash TEXT,
    workspace_id TEXT,
    blocked INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
"""

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")


def valid_email(text: str) -> bool:
    return bool(EMAIL_RE.match(text)) and len(text) <= 254


def grant_json(row: sqlite3.Row) -> JSONDict:
    """The v3 Grant object; the SDK needs only id and provider, clients read the rest."""
    settings = json.loads(row["settings"])
    return {
        "id": row["id"],
        "provider": row["provider"],
        "email": row["email"],
        "name": row["name"],
        "grant_status": row["grant_status"],
        "scope": [],
        "settings": settings,
        "workspace_id": row["workspace_id"],
        "blocked": bool(row["blocked"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "credential_id": None,
        "provider_user_id": None,
        "ip": None,
        "user_agent": None,
        "state": None,
        "account_id": None,
        "email_aliases": [],
    }


def find_grant(ctx: ServerContext, ref: str) -> JSONDict | None:
    """Resolve `{grant_id}` the ways v3 allows: id, `grant:<id>`, email, `email:<addr>`."""
    if ref.startswith("grant:"):
        row = ctx.db.one("SELECT * FROM grants WHERE id = ?", (ref[6:],))
    elif ref.startswith("email:") or "@" in ref:
        row = ctx.db.one("SELECT * FROM grants WHERE email = ?", (ref.removeprefix("email:"),))
    else:
        row = ctx.db.one("SELECT * FROM grants WHERE id = ?", (ref,))
    return grant_json(row) if row else None


def _check_app_password(password: Any) -> str:
    if not isinstance(password, str) or not 18 <= len(password) <= 40:
        raise bad_request("settings.app_password must be 18-40 printable ASCII characters")
    if not all(33 <= ord(c) <= 126 for c in password):
        raise bad_request("settings.app_password must be printable ASCII without spaces")
    if not (any(c.isupper() for c in password) and any(c.islower() for c in password)):
        raise bad_request("settings.app_password needs an upper-case and a lower-case letter")
    if not any(c.isdigit() for c in password):
        raise bad_request("settings.app_password needs a digit")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _public_settings(settings: JSONDict) -> JSONDict:
    return {k: v for k, v in settings.items() if k != "app_password"}


def create_grant(ctx: ServerContext, body: JSONDict) -> JSONDict:
    """Validate and store a new Agent Account; shared by the HTTP route and `account create`."""
    if body.get("provider") != "nylas":
        raise bad_request("only provider 'nylas' (Agent Accounts) is hosted by this server")
    settings = body.get("settings")
    if not isinstance(settings, dict):
        raise bad_request("settings must be an object with an email")
    email = str(settings.get("email", "")).strip()
    if not valid_email(email):
        raise bad_request(f"settings.email {email!r} is not a valid email address")
    name = body.get("name", "")
    if not isinstance(name, str) or len(name) > 256:
        raise bad_request("name must be a string of at most 256 characters")
    password_hash = _check_app_password(settings["app_password"]) if "app_password" in settings else None
    now = ctx.timestamp()
    grant_id = secrets.token_hex(16)
    grant_id = f"{grant_id[:8]}-{grant_id[8:12]}-{grant_id[12:16]}-{grant_id[16:20]}-{grant_id[20:]}"
    stored = {"email": email, **_public_settings({k: v for k, v in settings.items() if k != "email"})}
    with ctx.db.tx() as conn:
        if conn.execute("SELECT 1 FROM grants WHERE email = ?", (email,)).fetchone():
            raise ApiError(409, "invalid_request_error", f"an Agent Account for {email} already exists")
        conn.execute(
            "INSERT INTO grants (id, email, name, settings, app_password_hash, workspace_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (grant_id, email, name, json.dumps(stored), password_hash, body.get("workspace_id"), now, now),
        )
        grant = grant_json(conn.execute("SELECT * FROM grants WHERE id = ?", (grant_id,)).fetchone())
        for hook in ctx.grant_created:
            hook(conn, grant)
        grant = grant_json(conn.execute("SELECT * FROM grants WHERE id = ?", (grant_id,)).fetchone())
    ctx.notify(grant_id, "grant.created", grant)
    return grant


def install(ctx: ServerContext, router: Any) -> None:
    """Register the grant routes."""

    @router.route("POST", "/v3/connect/custom")
    def connect_custom(req: Request) -> Response:
        return ok(create_grant(ctx, req.json()), 201)

    @router.route("GET", "/v3/grants")
    def list_grants(req: Request) -> Response:
        q = req.query
        limit = min(q.int("limit", 10, minimum=1) or 10, 200)
        offset = q.int("offset", 0, minimum=0) or 0
        where, params = [], []
        for key in ("email", "provider", "grant_status", "workspace_id"):
            value = q.str(key)
            if value:
                where.append(f"{key} = ?")
                params.append(value)
        if q.str("since"):
            where.append("created_at >= ?")
            params.append(q.int("since"))
        if q.str("before"):
            where.append("created_at < ?")
            params.append(q.int("before"))
        sort = q.str("sort_by", "created_at")
        if sort not in {"created_at", "updated_at"}:
            raise bad_request("sort_by must be created_at or updated_at")
        order = (q.str("order_by", "desc") or "desc").lower()
        if order not in {"asc", "desc"}:
            raise bad_request("order_by must be asc or desc")
        sql = "SELECT * FROM grants" + (" WHERE " + " AND ".join(where) if where else "")
        sql += f" ORDER BY {sort} {order}, id LIMIT ? OFFSET ?"
        rows = ctx.db.query(sql, [*params, limit, offset])
        return Response({"data": [grant_json(r) for r in rows], "limit": limit, "offset": offset})

    @router.route("GET", "/v3/grants/{grant}")
    def get_grant(req: Request) -> Response:
        return ok(req.grant)

    @router.route("PATCH", "/v3/grants/{grant}")
    def patch_grant(req: Request) -> Response:
        body = req.json()
        grant_id = req.grant_id
        sets: list[str] = []
        params: list[Any] = []
        if "name" in body:
            if not isinstance(body["name"], str) or len(body["name"]) > 256:
                raise bad_request("name must be a string of at most 256 characters")
            sets.append("name = ?")
            params.append(body["name"])
        if "settings" in body:
            settings = body["settings"]
            if not isinstance(settings, dict):
                raise bad_request("settings must be an object")
            email = settings.get("email", req.grant["email"] if req.grant else "")
            if str(email).lower() != str(req.grant["email"] if req.grant else "").lower():
                raise bad_request("an Agent Account's email cannot be changed")
            if "app_password" in settings:
                sets.append("app_password_hash = ?")
                params.append(_check_app_password(settings["app_password"]))
            sets.append("settings = ?")
            params.append(json.dumps({"email": email, **_public_settings(settings)}))
        if "workspace_id" in body:
            sets.append("workspace_id = ?")
            params.append(body["workspace_id"])
        if "blocked" in body:
            sets.append("blocked = ?")
            params.append(1 if body["blocked"] else 0)
        if sets:
            sets.append("updated_at = ?")
            params.append(ctx.timestamp())
            with ctx.db.tx() as conn:
                conn.execute(f"UPDATE grants SET {', '.join(sets)} WHERE id = ?", (*params, grant_id))
        grant = find_grant(ctx, grant_id)
        if grant is None:
            raise not_found("grant")
        ctx.notify(grant_id, "grant.updated", grant)
        return ok(grant)

    @router.route("DELETE", "/v3/grants/{grant}")
    def delete_grant(req: Request) -> Response:
        grant = req.grant
        assert grant is not None
        with ctx.db.tx() as conn:
            for hook in ctx.grant_deleted:
                hook(conn, grant)
            conn.execute("DELETE FROM grants WHERE id = ?", (grant["id"],))
        ctx.notify(grant["id"], "grant.deleted", {"id": grant["id"], "object": "grant"})
        return deleted()
