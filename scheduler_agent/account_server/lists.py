"""Lists: typed sets of addresses, domains or TLDs that rules match with `in_list` (`/v3/lists`).

Values are normalised on the way in (trimmed, lower-cased, IDN domains to punycode) so that rule
evaluation is a plain set lookup; a request with any invalid value is refused whole, so a client
never has to guess which half of its batch landed. Duplicates and missing values are ignored
silently, as in v3.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from .admin_common import (
    app_ids,
    list_response,
    new_uuid,
    optional_text,
    require_name,
)
from .context import JSONDict, ServerContext
from .grants import valid_email
from .http import Request, Response, Router, bad_request, deleted, not_found, ok

SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS list_items (
    id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (list_id, value)
);
"""

LIST_TYPES = ("domain", "tld", "address")
MAX_ITEMS_PER_REQUEST = 1000
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN_RE = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}$")
_TLD_RE = re.compile(rf"^{_LABEL}$")


def _ascii_host(text: str) -> str:
    """IDN domains are stored as punycode so they compare equal to what SMTP envelopes carry."""
    try:
        return text.encode("idna").decode("ascii")
    except UnicodeError:
        return text


def normalise_value(list_type: str, raw: Any) -> str | None:
    """The stored form of one item, or None when it is not a valid value of this type."""
    if not isinstance(raw, str):
        return None
    value = raw.strip().lower()
    if list_type == "address":
        local, _, domain = value.rpartition("@")
        value = f"{local}@{_ascii_host(domain)}" if local else value
        return value if valid_email(value) else None
    if list_type == "domain":
        value = _ascii_host(value.removeprefix("@").rstrip("."))
        return value if len(value) <= 253 and _DOMAIN_RE.match(value) else None
    value = _ascii_host(value.removeprefix("."))
    return value if _TLD_RE.match(value) else None


def list_values(conn: sqlite3.Connection, list_ids: list[str], candidates: set[str]) -> dict[str, frozenset[str]]:
    """Which of `candidates` each list holds: enough for `in_list`, without loading whole lists per message."""
    out: dict[str, set[str]] = {i: set() for i in list_ids}
    if list_ids and candidates:
        values = sorted(candidates)
        sql = (
            f"SELECT list_id, value FROM list_items WHERE list_id IN ({','.join('?' * len(list_ids))})"
            f" AND value IN ({','.join('?' * len(values))})"
        )
        for row in conn.execute(sql, [*list_ids, *values]):
            out[row["list_id"]].add(row["value"])
    return {k: frozenset(v) for k, v in out.items()}


def list_types(conn: sqlite3.Connection, list_ids: list[str]) -> dict[str, str]:
    """id → type for the lists that exist (rules validate `in_list` values with it)."""
    if not list_ids:
        return {}
    marks = ",".join("?" * len(list_ids))
    return {r["id"]: r["type"] for r in conn.execute(f"SELECT id, type FROM lists WHERE id IN ({marks})", list_ids)}


def install(ctx: ServerContext, router: Router) -> None:
    """Register the list and list-item routes."""
    ids = app_ids(ctx)

    def list_json(row: sqlite3.Row) -> JSONDict:
        return {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "type": row["type"],
            "items_count": row["items_count"],
            "application_id": ids.application_id,
            "organization_id": ids.organization_id,
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    select = "SELECT l.*, (SELECT COUNT(*) FROM list_items i WHERE i.list_id = l.id) AS items_count FROM lists l"

    def load(list_id: str) -> sqlite3.Row:
        row = ctx.db.one(f"{select} WHERE l.id = ?", (list_id,))
        if row is None:
            raise not_found("list")
        return row

    def items_of(req: Request, list_type: str) -> list[str]:
        raw = req.json().get("items")
        if not isinstance(raw, list) or not raw:
            raise bad_request("items must be a non-empty array of strings")
        if len(raw) > MAX_ITEMS_PER_REQUEST:
            raise bad_request(f"at most {MAX_ITEMS_PER_REQUEST} items per request")
        values = [normalise_value(list_type, v) for v in raw]
        invalid = [str(r) for r, v in zip(raw, values, strict=True) if v is None]
        if invalid:
            shown = ", ".join(repr(v) for v in invalid[:5])
            raise bad_request(f"{len(invalid)} item(s) are not valid {list_type} values: {shown}")
        return list(dict.fromkeys(v for v in values if v is not None))

    @router.route("GET", "/v3/lists")
    def list_lists(req: Request) -> Response:
        return list_response(ctx, req, f"{select} ORDER BY l.created_at, l.id", [], list_json)

    @router.route("POST", "/v3/lists")
    def create_list(req: Request) -> Response:
        body = req.json()
        name = require_name(body, required=True, what="list")
        list_type = body.get("type")
        if list_type not in LIST_TYPES:
            raise bad_request(f"type must be one of {', '.join(LIST_TYPES)}")
        list_id, now = new_uuid(), ctx.timestamp()
        with ctx.db.tx() as conn:
            conn.execute(
                "INSERT INTO lists (id, name, description, type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (list_id, name, optional_text(body, "description"), list_type, now, now),
            )
        return ok(list_json(load(list_id)))

    @router.route("GET", "/v3/lists/{list_id}")
    def get_list(req: Request) -> Response:
        return ok(list_json(load(req.params["list_id"])))

    @router.route("PUT", "/v3/lists/{list_id}")
    def update_list(req: Request) -> Response:
        row = load(req.params["list_id"])
        body = req.json()
        if "type" in body and body["type"] != row["type"]:
            raise bad_request("a list's type cannot be changed; create a new list instead")
        name = require_name(body, required=False, what="list") or row["name"]
        description = optional_text(body, "description") if "description" in body else row["description"]
        with ctx.db.tx() as conn:
            conn.execute(
                "UPDATE lists SET name = ?, description = ?, updated_at = ? WHERE id = ?",
                (name, description, ctx.timestamp(), row["id"]),
            )
        return ok(list_json(load(row["id"])))

    @router.route("DELETE", "/v3/lists/{list_id}")
    def delete_list(req: Request) -> Response:
        row = load(req.params["list_id"])
        users = [r["id"] for r in ctx.db.query("SELECT id, match FROM rules") if row["id"] in _in_list_ids(r["match"])]
        if users:
            raise bad_request(f"list {row['id']} is used by rule(s) {', '.join(users)}; change those rules first")
        with ctx.db.tx() as conn:
            conn.execute("DELETE FROM lists WHERE id = ?", (row["id"],))
        return deleted()

    @router.route("GET", "/v3/lists/{list_id}/items")
    def list_items(req: Request) -> Response:
        row = load(req.params["list_id"])

        def item_json(item: sqlite3.Row) -> JSONDict:
            return {"id": item["id"], "list_id": row["id"], "value": item["value"], "created_at": item["created_at"]}

        sql = "SELECT * FROM list_items WHERE list_id = ? ORDER BY created_at, value"
        return list_response(ctx, req, sql, [row["id"]], item_json)

    @router.route("POST", "/v3/lists/{list_id}/items")
    def add_items(req: Request) -> Response:
        row = load(req.params["list_id"])
        values, now = items_of(req, row["type"]), ctx.timestamp()
        with ctx.db.tx() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO list_items (id, list_id, value, created_at) VALUES (?, ?, ?, ?)",
                [(new_uuid(), row["id"], v, now) for v in values],
            )
            conn.execute("UPDATE lists SET updated_at = ? WHERE id = ?", (now, row["id"]))
        return ok(list_json(load(row["id"])))

    @router.route("DELETE", "/v3/lists/{list_id}/items")
    def remove_items(req: Request) -> Response:
        row = load(req.params["list_id"])
        values = items_of(req, row["type"])
        with ctx.db.tx() as conn:
            conn.executemany("DELETE FROM list_items WHERE list_id = ? AND value = ?", [(row["id"], v) for v in values])
            conn.execute("UPDATE lists SET updated_at = ? WHERE id = ?", (ctx.timestamp(), row["id"]))
        return ok(list_json(load(row["id"])))


def _in_list_ids(match_json: str) -> set[str]:
    """The list ids a stored rule's `in_list` conditions name (rules.py owns that table; we only read it)."""
    match = json.loads(match_json)
    return {
        list_id
        for condition in match.get("conditions", [])
        if condition.get("operator") == "in_list"
        for list_id in condition.get("value", [])
    }
