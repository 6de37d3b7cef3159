"""Free/busy for addresses hosted here: the busy blocks of their primary calendars, never the details.

Only time is revealed (design invariant 4). Transparent (`busy: false`) and cancelled events do not
block time, nor do invitations the account declined; tentative ones do unless `tentative_as_busy` is
false. Overlapping blocks are merged, so the answer says when someone is busy, not how many meetings
they have. Addresses we do not host get an `object: "error"` entry and the answer is still 200, as in v3.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from .calendars import primary_calendar
from .context import JSONDict, ServerContext
from .event_model import FOREVER, MAX_EXPAND_SECONDS
from .event_store import list_window
from .http import Request, Response, bad_request, ok

SCHEMA = ""
MAX_EMAILS = 50


def unix_field(body: JSONDict, key: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FOREVER:
        raise bad_request(f"{key} must be unix seconds")
    return value


def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in start order."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _blocks(spans: list[tuple[int, int]]) -> list[JSONDict]:
    return [{"object": "time_slot", "status": "busy", "start_time": s, "end_time": e} for s, e in merged(spans)]


def busy_spans(
    ctx: ServerContext,
    grant: sqlite3.Row,
    calendar_ids: list[str],
    lo: datetime,
    hi: datetime,
    *,
    tentative_as_busy: bool,
) -> list[tuple[int, int]]:
    """(start, end) unix seconds of every event that makes the account busy in [lo, hi), unmerged."""
    me = str(grant["email"]).casefold()
    with ctx.db.tx() as conn:
        listed = list_window(conn, calendar_ids, lo, hi, where=" AND busy = 1")
    blocking: dict[str, bool] = {}  # per stored row: its occurrences share participants and status
    busy: list[tuple[int, int]] = []
    for item in listed:
        row = item.row
        if row["id"] not in blocking:
            answers = json.loads(row["participants"])
            answer = next((p["status"] for p in answers if p["email"].casefold() == me), None)
            tentative = row["status"] == "tentative" or answer == "maybe"
            blocking[row["id"]] = answer != "no" and (tentative_as_busy or not tentative)
        if blocking[row["id"]]:
            busy.append((item.start, item.end))
    return busy


def hosted(ctx: ServerContext, email: str) -> tuple[sqlite3.Row, sqlite3.Row] | None:
    """(grant, primary calendar) of an address this server hosts, else None."""
    grant = ctx.db.one("SELECT id, email FROM grants WHERE email = ?", (email,))
    calendar = primary_calendar(None, ctx, grant["id"]) if grant else None
    if grant is None or calendar is None:
        return None
    return grant, calendar


def busy_blocks(ctx: ServerContext, email: str, lo: datetime, hi: datetime, *, tentative_as_busy: bool) -> JSONDict:
    """One free-busy entry: merged busy blocks of the hosted account `email`, or an error entry."""
    found = hosted(ctx, email)
    if found is None:
        return {"email": email, "object": "error", "error": f"{email} is not an account hosted on this server"}
    grant, calendar = found
    spans = busy_spans(ctx, grant, [calendar["id"]], lo, hi, tentative_as_busy=tentative_as_busy)
    return {"email": email, "object": "free_busy", "time_slots": _blocks(spans)}


def install(ctx: ServerContext, router: Any) -> None:
    """Register `POST /v3/grants/{grant}/calendars/free-busy`."""

    @router.route("POST", "/v3/grants/{grant}/calendars/free-busy")
    def free_busy(req: Request) -> Response:
        body = req.json()
        start, end = unix_field(body, "start_time"), unix_field(body, "end_time")
        if end <= start or end - start > MAX_EXPAND_SECONDS:
            raise bad_request("end_time must be after start_time, by at most ten years")
        emails = body.get("emails")
        if not isinstance(emails, list) or not emails or len(emails) > MAX_EMAILS:
            raise bad_request(f"emails must be a list of 1 to {MAX_EMAILS} addresses")
        if not all(isinstance(e, str) and e.strip() for e in emails):
            raise bad_request("every entry of emails must be an address")
        tentative_as_busy = body.get("tentative_as_busy", True)
        if not isinstance(tentative_as_busy, bool):
            raise bad_request("tentative_as_busy must be true or false")
        lo, hi = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
        return ok([busy_blocks(ctx, e.strip(), lo, hi, tentative_as_busy=tentative_as_busy) for e in emails])
