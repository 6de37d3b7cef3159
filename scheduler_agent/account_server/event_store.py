"""The events table: rows ⇄ v3 Event objects, window queries, recurring expansion, per-occurrence overrides.

A recurring event is one master row (`recurrence` set) whose occurrences are computed for the window
asked for; an occurrence that was changed or cancelled on its own becomes an override row
(`master_event_id`, `original_start`) with the occurrence's id, and the master's expansion skips it.
`start_ts`/`series_end` bound the whole series, so the window query stays an index range scan.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scheduler_agent.recurrence import Series, occurrences
from scheduler_agent.tzmap import resolve_tzid

from .context import JSONDict
from .event_model import FOREVER, When, occurrence_id, parse_when, series_of, split_occurrence_id, when_at

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    calendar_id TEXT NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    ical_uid TEXT NOT NULL,
    master_event_id TEXT,
    original_start INTEGER,
    status TEXT NOT NULL DEFAULT 'confirmed',
    busy INTEGER NOT NULL DEFAULT 1,
    title TEXT,
    description TEXT,
    location TEXT,
    when_json TEXT NOT NULL,
    tz TEXT NOT NULL,
    start_ts INTEGER NOT NULL,
    end_ts INTEGER NOT NULL,
    series_end INTEGER NOT NULL,
    recurrence TEXT,
    participants TEXT NOT NULL DEFAULT '[]',
    organizer TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    extra TEXT NOT NULL DEFAULT '{}',
    counter_proposals TEXT NOT NULL DEFAULT '[]',
    sequence INTEGER NOT NULL DEFAULT 0,
    read_only INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_window ON events(calendar_id, start_ts);
CREATE INDEX IF NOT EXISTS events_uid ON events(grant_id, ical_uid);
CREATE INDEX IF NOT EXISTS events_master ON events(master_event_id);
"""

_JSON_COLUMNS = ("participants", "organizer", "metadata", "extra", "counter_proposals", "recurrence")
_WINDOW = "start_ts < ? AND (series_end > ? OR (series_end = start_ts AND start_ts >= ?))"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One expanded occurrence of a master that has no override row yet."""

    master: sqlite3.Row
    start: datetime
    end: datetime


def load_when(row: sqlite3.Row) -> When:
    """The stored `when` of a row; the object is cached and shared, so callers copy `obj` before changing it."""
    return _when(row["when_json"], row["tz"])


@lru_cache(maxsize=4096)
def _when(when_json: str, tz: str) -> When:
    return parse_when(json.loads(when_json), resolve_tzid(tz) or ZoneInfo("UTC"))


@lru_cache(maxsize=1024)
def _series(when_json: str, tz: str, recurrence: str, overridden: tuple[int, ...]) -> Series:
    """Parsed series are immutable and costly to build, so every listing of an unchanged master shares one."""
    starts = tuple(datetime.fromtimestamp(t, UTC) for t in overridden)
    return series_of(json.loads(recurrence), _when(when_json, tz), starts)


def _decoded(row: sqlite3.Row, key: str) -> Any:
    raw = row[key]
    return json.loads(raw) if raw is not None else None


def event_json(row: sqlite3.Row) -> JSONDict:
    """The v3 Event object (with our `sequence` and `counter_proposals` extensions)."""
    extra = json.loads(row["extra"])
    organizer = _decoded(row, "organizer")
    return {
        "id": row["id"],
        "grant_id": row["grant_id"],
        "calendar_id": row["calendar_id"],
        "object": "event",
        "title": row["title"],
        "description": row["description"],
        "location": row["location"],
        "when": json.loads(row["when_json"]),
        "busy": bool(row["busy"]),
        "status": row["status"],
        "participants": json.loads(row["participants"]),
        "organizer": organizer,
        "creator": organizer,
        "recurrence": _decoded(row, "recurrence"),
        "master_event_id": row["master_event_id"],
        "original_start_time": row["original_start"],
        "ical_uid": row["ical_uid"],
        "read_only": bool(row["read_only"]),
        "metadata": json.loads(row["metadata"]),
        "sequence": row["sequence"],
        "counter_proposals": json.loads(row["counter_proposals"]),
        "conferencing": extra.get("conferencing"),
        "reminders": extra.get("reminders"),
        "visibility": extra.get("visibility"),
        "capacity": extra.get("capacity"),
        "hide_participants": extra.get("hide_participants", False),
        "resources": extra.get("resources", []),
        "html_link": None,
        "notetaker": None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def occurrence_json(occ: Occurrence, masters: dict[str, JSONDict] | None = None) -> JSONDict:
    """An expanded occurrence: the master's fields at another time, pointing back at its master.

    `masters` memoises the masters' objects across the occurrences of one listing.
    """
    memo = {} if masters is None else masters
    master = memo.get(occ.master["id"])
    if master is None:
        master = memo[occ.master["id"]] = event_json(occ.master)
    when = load_when(occ.master)
    original = occ.start
    return {
        **master,
        "id": occurrence_id(occ.master["id"], original, when.all_day),
        "when": when_at(when, occ.start, occ.end),
        "recurrence": None,
        "master_event_id": occ.master["id"],
        "original_start_time": int(original.timestamp()),
    }


def encode(values: JSONDict) -> JSONDict:
    """Column values ready for SQL: JSON columns serialised, booleans as integers."""
    out: JSONDict = {}
    for key, value in values.items():
        if key in _JSON_COLUMNS:
            out[key] = None if value is None else json.dumps(value)
        elif key == "when":
            out["when_json"] = json.dumps(value)
        elif isinstance(value, bool):
            out[key] = int(value)
        else:
            out[key] = value
    return out


def timing(when: When, recurrence: list[str] | None, overridden: tuple[datetime, ...] = ()) -> JSONDict:
    """The indexed columns for a `when` and its recurrence."""
    series_end = int(when.end.timestamp())
    if recurrence:
        series = series_of(recurrence, when, overridden)
        series_end = int(series.last_end.timestamp()) if series.last_end is not None else FOREVER
    return {
        "when": when.obj,
        "tz": getattr(when.zone, "key", "UTC"),
        "start_ts": int(when.start.timestamp()),
        "end_ts": int(when.end.timestamp()),
        "series_end": series_end,
    }


def insert(conn: sqlite3.Connection, values: JSONDict) -> sqlite3.Row:
    cols = encode(values)
    conn.execute(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", list(cols.values()))
    return conn.execute("SELECT * FROM events WHERE id = ?", (values["id"],)).fetchone()


def update(conn: sqlite3.Connection, event_id: str, values: JSONDict) -> sqlite3.Row:
    cols = encode(values)
    if cols:
        conn.execute(
            f"UPDATE events SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?", [*cols.values(), event_id]
        )
    return conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()


def _overridden(conn: sqlite3.Connection, master_id: str) -> tuple[int, ...]:
    rows = conn.execute(
        "SELECT original_start FROM events WHERE master_event_id = ? AND original_start IS NOT NULL"
        " ORDER BY original_start",
        (master_id,),
    ).fetchall()
    return tuple(r["original_start"] for r in rows)


def overridden_starts(conn: sqlite3.Connection, master_id: str) -> tuple[datetime, ...]:
    return tuple(datetime.fromtimestamp(t, UTC) for t in _overridden(conn, master_id))


def expand(conn: sqlite3.Connection, master: sqlite3.Row, lo: datetime, hi: datetime) -> Iterator[Occurrence]:
    """Occurrences of a master overlapping [lo, hi) that have no override row."""
    series = _series(master["when_json"], master["tz"], master["recurrence"], _overridden(conn, master["id"]))
    for start, end in occurrences(series, lo, hi):
        yield Occurrence(master, start, end)


def find(conn: sqlite3.Connection, grant_id: str, event_id: str) -> sqlite3.Row | Occurrence | None:
    """An event row by id, or a not-yet-overridden occurrence named by an occurrence id."""
    row = conn.execute("SELECT * FROM events WHERE id = ? AND grant_id = ?", (event_id, grant_id)).fetchone()
    if row is not None:
        return row
    parts = split_occurrence_id(event_id)
    if parts is None:
        return None
    master = conn.execute(
        "SELECT * FROM events WHERE id = ? AND grant_id = ? AND recurrence IS NOT NULL", (parts[0], grant_id)
    ).fetchone()
    if master is None:
        return None
    return occurrence_at(conn, master, parts[1])


def occurrence_at(conn: sqlite3.Connection, master: sqlite3.Row, stamp: str) -> Occurrence | None:
    """The occurrence whose original start the id stamp names, if the series really has one there."""
    when = load_when(master)
    if "T" in stamp:
        start = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    else:
        start = datetime.strptime(stamp, "%Y%m%d").replace(tzinfo=when.zone)
    for occ in expand(conn, master, start, start + timedelta(seconds=1)):
        if occ.start == start:
            return occ
    return None


def materialize(conn: sqlite3.Connection, occ: Occurrence, values: JSONDict, now: int) -> sqlite3.Row:
    """Turn an occurrence into an override row (copying the master), with `values` applied on top."""
    master = occ.master
    when = load_when(master)
    moved = parse_when(when_at(when, occ.start, occ.end), when.zone)
    base = dict(zip(master.keys(), tuple(master), strict=True))
    base.update(encode(timing(moved, None)))
    base.update(
        id=occurrence_id(master["id"], occ.start, when.all_day),
        master_event_id=master["id"],
        original_start=int(occ.start.timestamp()),
        recurrence=None,
        counter_proposals="[]",
        created_at=now,
        updated_at=now,
    )
    base.update(encode(values))
    conn.execute(f"INSERT INTO events ({', '.join(base)}) VALUES ({', '.join('?' for _ in base)})", list(base.values()))
    return conn.execute("SELECT * FROM events WHERE id = ?", (base["id"],)).fetchone()


@dataclass(frozen=True, slots=True)
class Listed:
    """One entry of a window listing; its wire object is built only when asked (listings are paged)."""

    start: int
    end: int
    row: sqlite3.Row
    occurrence: Occurrence | None = None

    @property
    def master_event_id(self) -> str | None:
        return self.row["id"] if self.occurrence is not None else self.row["master_event_id"]

    def obj(self, masters: dict[str, JSONDict] | None = None) -> JSONDict:
        return occurrence_json(self.occurrence, masters) if self.occurrence is not None else event_json(self.row)


def list_window(
    conn: sqlite3.Connection,
    calendar_ids: Iterable[str],
    lo: datetime,
    hi: datetime,
    *,
    where: str = "",
    params: Iterable[Any] = (),
    expand_recurring: bool = True,
    show_cancelled: bool = False,
) -> list[Listed]:
    """Events and occurrences overlapping [lo, hi) in start order; `where` adds SQL filters (" AND ...")."""
    ids = list(calendar_ids)
    lo_ts, hi_ts = int(lo.timestamp()), int(hi.timestamp())
    sql = f"SELECT * FROM events WHERE calendar_id IN ({', '.join('?' for _ in ids)}) AND {_WINDOW}{where}"
    if not show_cancelled:
        sql += " AND status != 'cancelled'"
    rows = conn.execute(sql, [*ids, hi_ts, lo_ts, lo_ts, *params]).fetchall()
    out: list[Listed] = []
    for row in rows:
        if expand_recurring and row["recurrence"] is not None:
            for occ in expand(conn, row, lo, hi):
                out.append(Listed(int(occ.start.timestamp()), int(occ.end.timestamp()), row, occ))
        else:
            out.append(Listed(row["start_ts"], row["end_ts"], row))
    out.sort(key=lambda item: (item.start, item.row["id"]))
    return out
