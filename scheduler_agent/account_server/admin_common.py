"""What the application-level admin APIs (webhooks, policies, rules, lists, workspaces) share.

These objects belong to the application, not to a grant, so they carry `application_id` and
`organization_id`; a self-hosted server is one application, whose ids are made once and kept in the
database's `meta` table so they survive restarts. Validation helpers live here so every admin module
answers bad input with the same kind of 400.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .context import JSONDict, ServerContext
from .http import Request, Response, bad_request, ok_list, page_window, paged


@dataclass(frozen=True)
class AppIds:
    """The ids every admin object reports as its owner."""

    application_id: str
    organization_id: str


def app_ids(ctx: ServerContext) -> AppIds:
    """This server's application and organization ids, created on first use."""
    with ctx.db.tx() as conn:
        for key in ("application_id", "organization_id"):
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (key, str(uuid.uuid4())))
        rows = dict(
            conn.execute("SELECT key, value FROM meta WHERE key IN ('application_id', 'organization_id')").fetchall()
        )
    return AppIds(rows["application_id"], rows["organization_id"])


def new_uuid() -> str:
    """Admin object ids are UUIDs, as in v3 (the SDK documents them so)."""
    return str(uuid.uuid4())


def require_name(body: JSONDict, *, required: bool, what: str) -> str | None:
    """A 1–256 character name; None when absent and not required."""
    if "name" not in body and not required:
        return None
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        raise bad_request(f"{what} name must be a non-empty string of at most 256 characters")
    return name.strip()


def optional_text(body: JSONDict, key: str, *, limit: int = 1024) -> str | None:
    """A free-text field that may be absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise bad_request(f"{key} must be a string of at most {limit} characters")
    return value


def strict_int(value: Any, key: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer (never a bool, which JSON clients send by mistake) inside the allowed range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{key} must be an integer")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise bad_request(f"{key} must be {bound}")
    return value


def strict_bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise bad_request(f"{key} must be true or false")
    return value


def string_list(value: Any, key: str, *, limit: int = 1000) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > limit:
        raise bad_request(f"{key} must be a list of at most {limit} strings")
    return list(value)


def known_ids(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> set[str]:
    """Which of `ids` exist in `table` (one of our own admin tables, never user input)."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", list(ids))}


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def list_response(
    ctx: ServerContext, req: Request, sql: str, params: Sequence[Any], to_json: Callable[[sqlite3.Row], JSONDict]
) -> Response:
    """One cursor page (limit 50, max 200) of `sql`, which must carry its own ORDER BY."""
    limit, offset = page_window(req.query)
    rows = ctx.db.query(f"{sql} LIMIT ? OFFSET ?", [*params, limit + 1, offset])
    page, cursor = paged(rows, limit, offset)
    return ok_list([to_json(r) for r in page], cursor)
