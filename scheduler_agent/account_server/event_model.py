"""Events as v3 sees them: validating what clients send, and the instants we index and expand.

An event's `when` is kept exactly as the client sent it (plus `object`), while its start and end are also
stored as unix seconds so that window queries are index scans. All-day events are read in the calendar's
zone; a timespan with `start_timezone` recurs in that zone's wall time (a 09:00 weekly stays at 09:00
across DST), without one in the calendar's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from scheduler_agent.recurrence import Series, make_series, split_recurrence_lines
from scheduler_agent.tzmap import resolve_tzid

from .context import JSONDict
from .grants import valid_email
from .http import bad_request
from .wire import valid_metadata

PARTICIPANT_STATUSES = ("noreply", "yes", "no", "maybe")
EVENT_STATUSES = ("confirmed", "tentative", "cancelled")
# Far enough in the future for "never ends" and still an SQLite integer: 9999-12-31T23:59:59Z.
FOREVER = 253402300799
# Expanding recurring series is eager per window, so windows that expand them are bounded (ten years).
MAX_EXPAND_SECONDS = 3653 * 86400
_TEXT_LIMITS = {"title": 1024, "description": 8192, "location": 1024}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_PARTICIPANTS = 500
_MAX_RECURRENCE_LINES = 50
_SUB_HOURLY = re.compile(r"FREQ\s*=\s*(MINUTELY|SECONDLY)", re.IGNORECASE)
# Fields we keep and echo without acting on them, with the JSON type clients (and the SDK) expect back.
_PASSTHROUGH: dict[str, type | tuple[type, ...]] = {
    "conferencing": dict,
    "reminders": dict,
    "visibility": str,
    "capacity": int,
    "hide_participants": bool,
    "resources": list,
}
_VISIBILITY = ("default", "public", "private")


@dataclass(frozen=True, slots=True)
class When:
    """A validated `when`: the wire object and its aware instants (end exclusive, all-day in days)."""

    obj: JSONDict
    start: datetime
    end: datetime
    all_day: bool

    @property
    def zone(self) -> tzinfo:
        assert self.start.tzinfo is not None
        return self.start.tzinfo


def _zone(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise bad_request(f"when.{field} must be an IANA time zone name")
    zone = resolve_tzid(value)
    if zone is None:
        raise bad_request(f"when.{field} {value!r} is not a time zone we know")
    return zone.key


def _unix(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= FOREVER:
        raise bad_request(f"when.{field} must be unix seconds")
    return value


def _day(value: Any, field: str) -> date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise bad_request(f"when.{field} must be a date like 2025-01-31")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"when.{field} {value!r} is not a real date") from None


def _kind(value: JSONDict) -> str:
    kind = value.get("object")
    if kind is None:
        for keys, name in ((("start_time", "end_time"), "timespan"), (("start_date",), "datespan")):
            if all(k in value for k in keys):
                return name
        return "date" if "date" in value else "time" if "time" in value else ""
    return str(kind)


def parse_when(value: Any, calendar_zone: tzinfo) -> When:
    """Validate a `when` (timespan, date, datespan or time); `object` may be left out, as v3 allows."""
    if not isinstance(value, dict):
        raise bad_request("when must be an object (timespan, date, datespan or time)")
    kind = _kind(value)
    if kind == "timespan":
        begin, finish = _unix(value.get("start_time"), "start_time"), _unix(value.get("end_time"), "end_time")
        if finish < begin:
            raise bad_request("when.end_time is before when.start_time")
        obj: JSONDict = {"object": "timespan", "start_time": begin, "end_time": finish}
        for key in ("start_timezone", "end_timezone"):
            if value.get(key) is not None:
                obj[key] = _zone(value[key], key)
        zone = resolve_tzid(obj["start_timezone"]) if "start_timezone" in obj else calendar_zone
        assert zone is not None
        start = datetime.fromtimestamp(begin, UTC).astimezone(zone)
        return When(obj, start, datetime.fromtimestamp(finish, UTC).astimezone(zone), False)
    if kind == "time":
        moment = _unix(value.get("time"), "time")
        obj = {"object": "time", "time": moment}
        if value.get("timezone") is not None:
            obj["timezone"] = _zone(value["timezone"], "timezone")
        zone = resolve_tzid(obj["timezone"]) if "timezone" in obj else calendar_zone
        assert zone is not None
        start = datetime.fromtimestamp(moment, UTC).astimezone(zone)
        return When(obj, start, start, False)
    if kind == "date":
        day = _day(value.get("date"), "date")
        start = datetime(day.year, day.month, day.day, tzinfo=calendar_zone)
        return When({"object": "date", "date": day.isoformat()}, start, start + timedelta(days=1), True)
    if kind == "datespan":
        first, last = _day(value.get("start_date"), "start_date"), _day(value.get("end_date"), "end_date")
        if last < first:
            raise bad_request("when.end_date is before when.start_date")
        start = datetime(first.year, first.month, first.day, tzinfo=calendar_zone)
        end = datetime(last.year, last.month, last.day, tzinfo=calendar_zone) + timedelta(days=1)
        obj = {"object": "datespan", "start_date": first.isoformat(), "end_date": last.isoformat()}
        return When(obj, start, end, True)
    raise bad_request("when must be a timespan, date, datespan or time")


def when_at(when: When, start: datetime, end: datetime) -> JSONDict:
    """The same kind of `when` moved to another occurrence's start and end."""
    obj = dict(when.obj)
    if obj["object"] == "timespan":
        obj.update(start_time=int(start.timestamp()), end_time=int(end.timestamp()))
    elif obj["object"] == "time":
        obj["time"] = int(start.timestamp())
    elif obj["object"] == "date":
        obj["date"] = start.date().isoformat()
    else:
        obj.update(start_date=start.date().isoformat(), end_date=(end - timedelta(days=1)).date().isoformat())
    return obj


def when_from_instants(start: datetime, end: datetime, *, all_day: bool, tzid: str | None) -> JSONDict:
    """A `when` for times read from ICS: date/datespan for all-day, else a timespan in the event's zone."""
    if all_day:
        last = (end - timedelta(days=1)).date() if end > start else start.date()
        if last <= start.date():
            return {"object": "date", "date": start.date().isoformat()}
        return {"object": "datespan", "start_date": start.date().isoformat(), "end_date": last.isoformat()}
    obj: JSONDict = {"object": "timespan", "start_time": int(start.timestamp()), "end_time": int(end.timestamp())}
    if tzid:
        obj.update(start_timezone=tzid, end_timezone=tzid)
    return obj


def parse_participants(value: Any) -> list[JSONDict]:
    """Participants with a valid email each (first mention wins), status defaulting to noreply."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > _MAX_PARTICIPANTS:
        raise bad_request(f"participants must be a list of at most {_MAX_PARTICIPANTS} objects")
    seen: set[str] = set()
    out: list[JSONDict] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("email"), str):
            raise bad_request("every participant needs an email")
        email = item["email"].strip()
        if not valid_email(email):
            raise bad_request(f"participant email {email!r} is not a valid address")
        status = item.get("status") or "noreply"
        if status not in PARTICIPANT_STATUSES:
            raise bad_request(f"participant status must be one of {', '.join(PARTICIPANT_STATUSES)}")
        participant: JSONDict = {"email": email, "status": status}
        for key in ("name", "comment", "phone_number"):
            if item.get(key) is not None:
                if not isinstance(item[key], str) or len(item[key]) > 1024:
                    raise bad_request(f"participant {key} must be a string")
                participant[key] = item[key]
        if email.casefold() not in seen:
            seen.add(email.casefold())
            out.append(participant)
    return out


def parse_recurrence(value: Any, when: When) -> list[str] | None:
    """RRULE/RDATE/EXDATE lines, checked by building the series once."""
    if value is None or value == []:
        return None
    if not isinstance(value, list) or len(value) > _MAX_RECURRENCE_LINES or not all(isinstance(v, str) for v in value):
        raise bad_request("recurrence must be a list of RRULE/EXDATE/RDATE strings")
    try:
        series_of(value, when, ())
    except ValueError as exc:
        raise bad_request(f"recurrence is not usable: {exc}") from None
    return [line.strip() for line in value]


def series_of(recurrence: list[str], when: When, overridden: tuple[datetime, ...]) -> Series:
    """The recurring series of a master event; overridden occurrences are left out like EXDATEs."""
    rules, rdates, exdates = split_recurrence_lines(recurrence, when.zone)
    if not rules and not rdates:
        raise ValueError("no RRULE or RDATE")
    for rule in rules:
        if _SUB_HOURLY.search(rule):
            raise ValueError("FREQ=MINUTELY/SECONDLY series are not accepted (no calendar sends them; they only cost)")
    return make_series(
        when.start,
        when.end - when.start,
        rrules=rules,
        rdates=rdates,
        exdates=[*exdates, *overridden],
        all_day=when.all_day,
    )


def parse_fields(body: JSONDict, *, creating: bool) -> JSONDict:
    """The simple fields of a create/update body (title, busy, metadata, ...) validated; `when` separately."""
    fields: JSONDict = {}
    for key, limit in _TEXT_LIMITS.items():
        if key in body:
            value = body[key]
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                raise bad_request(f"{key} must be a string of at most {limit} characters")
            fields[key] = value
    if "busy" in body:
        if not isinstance(body["busy"], bool):
            raise bad_request("busy must be true or false")
        fields["busy"] = body["busy"]
    elif creating:
        fields["busy"] = True
    if "status" in body:
        if body["status"] not in EVENT_STATUSES or body["status"] == "cancelled":
            raise bad_request("status can be set to confirmed or tentative (delete the event to cancel it)")
        fields["status"] = body["status"]
    if "metadata" in body:
        fields["metadata"] = valid_metadata(body["metadata"])
    if "participants" in body:
        fields["participants"] = parse_participants(body["participants"])
    extra = {k: body[k] for k in _PASSTHROUGH if k in body}
    for key, value in extra.items():
        expected = _PASSTHROUGH[key]
        if value is not None and (not isinstance(value, expected) or (key == "capacity" and isinstance(value, bool))):
            raise bad_request(f"{key} has the wrong type")
    if extra.get("visibility") not in (None, *_VISIBILITY):
        raise bad_request(f"visibility must be one of {', '.join(_VISIBILITY)}")
    if extra:
        fields["extra"] = extra
    return fields


def occurrence_id(master_id: str, original_start: datetime, all_day: bool) -> str:
    """Ids of expanded occurrences, Google style: the master id plus the original start in UTC."""
    stamp = original_start.strftime("%Y%m%d") if all_day else original_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{master_id}_{stamp}"


def split_occurrence_id(event_id: str) -> tuple[str, str] | None:
    """(master id, stamp) when the id names an occurrence, else None."""
    master, sep, stamp = event_id.rpartition("_")
    if not sep or not re.fullmatch(r"\d{8}(T\d{6}Z)?", stamp):
        return None
    return master, stamp
