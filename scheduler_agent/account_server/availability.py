"""`POST /v3/calendars/availability`: meeting times when hosted accounts are free, within their open hours.

Candidate starts step by `interval_minutes` from the first multiple of `round_to` minutes at or after
`start_time`. A participant can take a slot when it lies inside one of their open-hours ranges and, widened
by the buffer, touches none of their busy time (free-busy's rules: transparent, cancelled and declined
events do not count). `collective` needs everyone; `max-availability`/`max-fairness` (round robin) need
anyone, and the slot lists who. Only addresses hosted here can be asked about, as v3 requires valid grants.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler_agent.tzmap import resolve_tzid

from .context import JSONDict, ServerContext
from .event_model import FOREVER
from .freebusy import busy_spans, hosted, merged, unix_field
from .http import Request, Response, bad_request, ok

SCHEMA = ""
METHODS = ("collective", "max-availability", "max-fairness")
MAX_SLOTS = 5000
MAX_DAYS = 366
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def _minutes(body: JSONDict, key: str, default: int | None, *, lo: int, hi: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi or value % 5:
        raise bad_request(f"{key} must be a multiple of 5 between {lo} and {hi}")
    return value


def _clock(text: Any, key: str) -> int:
    m = _CLOCK.match(text) if isinstance(text, str) else None
    if not m or int(m[1]) > 24 or int(m[2]) > 59:
        raise bad_request(f"open_hours {key} must look like 9:00 or 17:30")
    return int(m[1]) * 60 + int(m[2])


def open_spans(rules: list[Any], lo: int, hi: int) -> list[tuple[int, int]]:
    """Open-hours objects turned into unix spans over [lo, hi) (days: 0 = Sunday, as in v3)."""
    spans: list[tuple[int, int]] = []
    for rule in rules:
        if not isinstance(rule, dict):
            raise bad_request("open_hours entries must be objects")
        days = rule.get("days")
        if not isinstance(days, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
            raise bad_request("open_hours days must be a list of 0 (Sunday) to 6")
        zone = resolve_tzid(str(rule.get("timezone", "UTC")))
        if zone is None:
            raise bad_request(f"open_hours timezone {rule.get('timezone')!r} is not a time zone we know")
        start, end = _clock(rule.get("start"), "start"), _clock(rule.get("end"), "end")
        exdates = {str(d) for d in rule.get("exdates") or []}
        day = datetime.fromtimestamp(lo, zone).date() - timedelta(days=1)
        last = datetime.fromtimestamp(hi, zone).date()
        while day <= last:
            if (day.weekday() + 1) % 7 in days and day.isoformat() not in exdates:
                spans.append((_at(day, start, zone), _at(day, end, zone)))
            day += timedelta(days=1)
    return merged(spans)


def _at(day: date, minute: int, zone: ZoneInfo) -> int:
    """Unix seconds of a wall-clock minute of a local day (aware arithmetic with zoneinfo is wall time)."""
    return int((datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)).timestamp())


def _covering(spans: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
    """The merged span that contains `start`, found by bisection (spans are sorted and disjoint)."""
    i = bisect_right(spans, (start, FOREVER)) - 1
    return spans[i] if i >= 0 and spans[i][0] <= start < spans[i][1] else None


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    span = _covering(spans, start)
    return span is not None and end <= span[1]


def _clear(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect_right(busy, (start, FOREVER)) - 1
    if i >= 0 and busy[i][1] > start:
        return False
    return i + 1 >= len(busy) or busy[i + 1][0] >= end


def install(ctx: ServerContext, router: Any) -> None:
    """Register `POST /v3/calendars/availability`."""

    @router.route("POST", "/v3/calendars/availability")
    def availability(req: Request) -> Response:
        body = req.json()
        lo, hi = unix_field(body, "start_time"), unix_field(body, "end_time")
        if hi <= lo or hi - lo > MAX_DAYS * 86400:
            raise bad_request(f"end_time must be after start_time and at most {MAX_DAYS} days later")
        duration = _minutes(body, "duration_minutes", None, lo=5, hi=1440) * 60
        interval = _minutes(body, "interval_minutes", 30, lo=5, hi=1440) * 60
        round_to = _minutes(body, "round_to", 15, lo=5, hi=60) * 60
        rules = body.get("availability_rules") or {}
        if not isinstance(rules, dict):
            raise bad_request("availability_rules must be an object")
        method = rules.get("availability_method", "max-availability")
        if method not in METHODS:
            raise bad_request(f"availability_method must be one of {', '.join(METHODS)}")
        buffer = rules.get("buffer") or {}
        if not isinstance(buffer, dict):
            raise bad_request("availability_rules.buffer must be an object")
        before = _minutes(buffer, "before", 0, lo=0, hi=120) * 60
        after = _minutes(buffer, "after", 0, lo=0, hi=120) * 60
        tentative_as_busy = rules.get("tentative_as_busy", True) is not False
        participants = body.get("participants")
        if not isinstance(participants, list) or not participants:
            raise bad_request("participants must be a non-empty list")
        window = (datetime.fromtimestamp(lo - after - duration, UTC), datetime.fromtimestamp(hi + before, UTC))
        people: list[tuple[str, list[tuple[int, int]], list[tuple[int, int]] | None]] = []
        for person in participants:
            email = person.get("email") if isinstance(person, dict) else None
            found = hosted(ctx, email) if isinstance(email, str) else None
            if found is None:
                raise bad_request(f"participant {email!r} is not an account hosted on this server")
            grant, primary = found
            calendar_ids = person.get("calendar_ids") or [primary["id"]]
            calendar_ids = [primary["id"] if c in ("primary", grant["email"]) else str(c) for c in calendar_ids]
            busy = busy_spans(ctx, grant, calendar_ids, *window, tentative_as_busy=tentative_as_busy)
            hours = person.get("open_hours") or rules.get("default_open_hours")
            people.append((email, merged(busy), open_spans(hours, lo, hi) if hours else None))
        slots: list[JSONDict] = []
        start = -(-lo // round_to) * round_to
        while start + duration <= hi and len(slots) < MAX_SLOTS:
            end = start + duration
            free = [
                email
                for email, busy, hours in people
                if (hours is None or _inside(hours, start, end)) and _clear(busy, start - before, end + after)
            ]
            if free and (method != "collective" or len(free) == len(people)):
                slots.append({"emails": free, "start_time": start, "end_time": end})
            start += interval
        return ok({"time_slots": slots or None, "order": [p[0] for p in people] if method != "collective" else []})
