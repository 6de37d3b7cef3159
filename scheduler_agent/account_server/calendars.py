"""Calendars of an Agent Account: the primary one made with the grant, plus any the client adds.

`primary` and the account's own email address are aliases of the primary calendar wherever a
`calendar_id` is accepted (v3 for Agent Accounts), so callers never need to learn its id.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from zoneinfo import ZoneInfo

from scheduler_agent.tzmap import resolve_tzid

from .context import JSONDict, ServerContext, new_id
from .http import ApiError, Request, Response, bad_request, deleted, not_found, ok, ok_list, page_window, paged
from .wire import metadata_filter, selected, valid_metadata

SCHEMA = """
CREATE TABLE IF NOT EXISTS calendars (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    location TEXT,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    is_primary INTEGER NOT NULL DEFAULT 0,
    hex_color TEXT,
    hex_foreground_color TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calendars_by_grant ON calendars(grant_id, is_primary);
"""

_TEXT_FIELDS = ("name", "description", "location", "hex_color", "hex_foreground_color")


def calendar_json(row: sqlite3.Row) -> JSONDict:
    """The v3 Calendar object; the SDK needs id, grant_id, name, read_only and is_owned_by_user."""
    return {
        "id": row["id"],
        "grant_id": row["grant_id"],
        "object": "calendar",
        "name": row["name"],
        "description": row["description"],
        "location": row["location"],
        "timezone": row["timezone"],
        "is_primary": bool(row["is_primary"]),
        "read_only": False,
        "is_owned_by_user": True,
        "hex_color": row["hex_color"],
        "hex_foreground_color": row["hex_foreground_color"],
        "metadata": json.loads(row["metadata"]),
        "notetaker": None,
    }


def calendar_zone(row: sqlite3.Row) -> ZoneInfo:
    """The zone all-day events of this calendar are read in (stored names were checked on the way in)."""
    return resolve_tzid(row["timezone"]) or ZoneInfo("UTC")


def primary_calendar(conn: sqlite3.Connection | None, ctx: ServerContext, grant_id: str) -> sqlite3.Row | None:
    sql = "SELECT * FROM calendars WHERE grant_id = ? AND is_primary = 1"
    return conn.execute(sql, (grant_id,)).fetchone() if conn is not None else ctx.db.one(sql, (grant_id,))


def find_calendar(ctx: ServerContext, grant: JSONDict, ref: str | None) -> sqlite3.Row:
    """Resolve a `calendar_id` (id, `primary`, or the account's email) for this grant; 404 when unknown."""
    if not ref:
        raise bad_request("calendar_id is required")
    if ref == "primary" or ref.casefold() == str(grant["email"]).casefold():
        row = primary_calendar(None, ctx, grant["id"])
    else:
        row = ctx.db.one("SELECT * FROM calendars WHERE id = ? AND grant_id = ?", (ref, grant["id"]))
    if row is None:
        raise not_found("calendar")
    return row


def _zone_name(value: Any) -> str:
    if not isinstance(value, str):
        raise bad_request("timezone must be an IANA time zone name")
    zone = resolve_tzid(value)
    if zone is None:
        raise bad_request(f"timezone {value!r} is not a time zone we know")
    return zone.key


def _fields(body: JSONDict, *, creating: bool) -> dict[str, Any]:
    """Validated column values from a create/update body (only the keys present)."""
    values: dict[str, Any] = {}
    if creating and not (isinstance(body.get("name"), str) and body["name"].strip()):
        raise bad_request("name is required")
    for key in _TEXT_FIELDS:
        if key in body:
            value = body[key]
            if value is not None and (not isinstance(value, str) or len(value) > 1024):
                raise bad_request(f"{key} must be a string of at most 1024 characters")
            if key == "name" and not (value or "").strip():
                raise bad_request("name cannot be empty")
            values[key] = value
    if "timezone" in body:
        values["timezone"] = _zone_name(body["timezone"])
    if "metadata" in body:
        values["metadata"] = json.dumps(valid_metadata(body["metadata"]))
    return values


def create_primary(conn: sqlite3.Connection, grant: JSONDict, ctx: ServerContext) -> None:
    """grant_created hook: every Agent Account starts with a primary calendar named after it."""
    now = ctx.timestamp()
    conn.execute(
        "INSERT INTO calendars (id, grant_id, name, is_primary, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
        (new_id(), grant["id"], grant["name"] or grant["email"], now, now),
    )


def install(ctx: ServerContext, router: Any) -> None:
    """Register the calendar routes and the primary-calendar hook."""
    ctx.grant_created.append(lambda conn, grant: create_primary(conn, grant, ctx))

    @router.route("GET", "/v3/grants/{grant}/calendars")
    def list_calendars(req: Request) -> Response:
        limit, offset = page_window(req.query)
        where, params = metadata_filter(req.query)
        rows = ctx.db.query(
            f"SELECT * FROM calendars WHERE grant_id = ?{where} ORDER BY is_primary DESC, created_at, id"
            " LIMIT ? OFFSET ?",
            [req.grant_id, *params, limit + 1, offset],
        )
        page, cursor = paged(rows, limit, offset)
        return ok_list([selected(req.query, calendar_json(r)) for r in page], cursor)

    @router.route("GET", "/v3/grants/{grant}/calendars/{calendar}")
    def get_calendar(req: Request) -> Response:
        assert req.grant is not None
        return ok(selected(req.query, calendar_json(find_calendar(ctx, req.grant, req.params["calendar"]))))

    @router.route("POST", "/v3/grants/{grant}/calendars")
    def create_calendar(req: Request) -> Response:
        values = _fields(req.json(), creating=True)
        now = ctx.timestamp()
        values.update(id=new_id(), grant_id=req.grant_id, created_at=now, updated_at=now)
        with ctx.db.tx() as conn:
            conn.execute(
                f"INSERT INTO calendars ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
                list(values.values()),
            )
            row = conn.execute("SELECT * FROM calendars WHERE id = ?", (values["id"],)).fetchone()
        calendar = calendar_json(row)
        ctx.notify(req.grant_id, "calendar.created", calendar)
        return ok(calendar)

    @router.route("PUT", "/v3/grants/{grant}/calendars/{calendar}")
    def update_calendar(req: Request) -> Response:
        assert req.grant is not None
        row = find_calendar(ctx, req.grant, req.params["calendar"])
        values = _fields(req.json(), creating=False)
        values["updated_at"] = ctx.timestamp()
        with ctx.db.tx() as conn:
            conn.execute(
                f"UPDATE calendars SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                [*values.values(), row["id"]],
            )
            row = conn.execute("SELECT * FROM calendars WHERE id = ?", (row["id"],)).fetchone()
        calendar = calendar_json(row)
        ctx.notify(req.grant_id, "calendar.updated", calendar)
        return ok(calendar)

    @router.route("DELETE", "/v3/grants/{grant}/calendars/{calendar}")
    def delete_calendar(req: Request) -> Response:
        assert req.grant is not None
        row = find_calendar(ctx, req.grant, req.params["calendar"])
        if row["is_primary"]:
            raise ApiError(400, "invalid_request_error", "the primary calendar cannot be deleted")
        with ctx.db.tx() as conn:
            conn.execute("DELETE FROM calendars WHERE id = ?", (row["id"],))
        ctx.notify(req.grant_id, "calendar.deleted", {"id": row["id"], "grant_id": req.grant_id, "object": "calendar"})
        return deleted()
