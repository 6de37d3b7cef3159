"""Calendar data as the engine needs it: busy events from iCalendar text or from Nylas v3 event JSON.

Pure: text and dicts in, `CalendarEvent`s out; no files, no network. What each source says is mapped
to the same few facts: when (in which zone), busy or free, tentative or cancelled, declined by the agent,
and the recurrence. Titles, descriptions and attendees are dropped here, so nothing downstream can leak
them (design invariant 4).

Zones, in the order we trust them: the event's TZID mapped by `tzmap` (Windows names from Outlook
included); else the VTIMEZONE the file carried; else the home zone, with a warning. Floating times and
all-day dates are placed in the home zone. Google exports recurring events in UTC with the calendar's zone
in X-WR-TIMEZONE; such series are expanded in that zone, as Google does, so they keep their local time
across DST. A malformed event is skipped with a logged reason; the rest of the calendar still counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar

from .busy_calendar import CalendarEvent, EventStatus
from .recurrence import Series, make_series, parse_date_list, split_recurrence_lines
from .tzmap import resolve_tzid

__all__ = ["events_from_ics", "events_from_nylas_json"]

log = logging.getLogger(__name__)

_STATUS = {
    "CONFIRMED": EventStatus.CONFIRMED,
    "TENTATIVE": EventStatus.TENTATIVE,
    "MAYBE": EventStatus.TENTATIVE,
    "CANCELLED": EventStatus.CANCELLED,
}
_MAX_ICS_CHARS = 50_000_000


def events_from_ics(text: str, *, home: tzinfo, agent_email: str = "") -> list[CalendarEvent]:
    """Every VEVENT of an iCalendar text as engine events; ValueError when the text is not iCalendar at all."""
    if len(text) > _MAX_ICS_CHARS:
        raise ValueError(f"calendar text is too large ({len(text)} characters)")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError, OSError) as exc:  # icalendar looks TZIDs up as file names
        raise ValueError(f"not a readable iCalendar file: {str(exc)[:200]}") from None
    wr_zone = calendar.get("X-WR-TIMEZONE")
    series_zone = resolve_tzid(str(wr_zone)) if wr_zone else None
    masters: list[icalendar.Event] = []
    moved: dict[str, list[datetime]] = {}
    events: list[CalendarEvent] = []
    for n, comp in enumerate(calendar.walk("VEVENT")):
        try:
            if comp.get("RECURRENCE-ID") is not None:
                original, _ = _when(comp["RECURRENCE-ID"], home)
                moved.setdefault(str(comp.get("UID", "")), []).append(original)
                events.append(_ics_event(comp, home, agent_email, None))
            else:
                masters.append(comp)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            log.warning("skipping VEVENT #%d: %s", n, exc)
    for comp in masters:
        try:
            events.append(_ics_event(comp, home, agent_email, series_zone, moved.get(str(comp.get("UID", "")), [])))
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            log.warning("skipping VEVENT (uid %s): %s", str(comp.get("UID", "?"))[:80], exc)
    return events


def events_from_nylas_json(
    items: Iterable[Mapping[str, Any]], *, home: tzinfo, agent_email: str = ""
) -> list[CalendarEvent]:
    """Nylas v3 event objects (nylas-v3.md §3.3) as engine events.

    A list fetched with recurring events expanded holds the occurrences (with `master_event_id`); a master
    is expanded here only when none of its occurrences came with it, so nothing is counted twice.
    """
    items = list(items)
    has_instances = {str(i.get("master_event_id")) for i in items if i.get("master_event_id")}
    events: list[CalendarEvent] = []
    for item in items:
        try:
            event = _nylas_event(item, home, agent_email, str(item.get("id", "")) not in has_instances)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            log.warning("skipping event %s: %s", str(item.get("id", "?"))[:80], exc)
            continue
        events.append(event)
    return events


# ----- iCalendar


def _ics_event(
    comp: icalendar.Event,
    home: tzinfo,
    agent_email: str,
    series_zone: tzinfo | None,
    moved: Sequence[datetime] = (),
) -> CalendarEvent:
    start, all_day = _when(comp["DTSTART"], home)
    if comp.get("DTEND") is not None:
        end, _ = _when(comp["DTEND"], home)
    elif comp.get("DURATION") is not None:
        end = _add(start, comp["DURATION"].dt, all_day)
    else:
        end = _add(start, timedelta(days=1) if all_day else timedelta(), all_day)
    if end < start:
        raise ValueError("event ends before it starts")
    status = _STATUS.get(str(comp.get("STATUS", "CONFIRMED")).upper(), EventStatus.CONFIRMED)
    busy = str(comp.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT"
    outlook = str(comp.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    if outlook == "FREE":
        busy = False
    elif outlook == "TENTATIVE" and status is EventStatus.CONFIRMED:
        status = EventStatus.TENTATIVE
    series = None
    rules = comp.get("RRULE")
    rdates = comp.get("RDATE")
    if rules is not None or rdates is not None:
        series = _ics_series(comp, start, end, all_day, series_zone, moved)
    return CalendarEvent(
        start=start,
        end=end,
        all_day=all_day,
        busy=busy,
        status=status,
        declined=_declined_ics(comp, agent_email),
        series=series,
    )


def _ics_series(
    comp: icalendar.Event,
    start: datetime,
    end: datetime,
    all_day: bool,
    series_zone: tzinfo | None,
    moved: Sequence[datetime],
) -> Series:
    if (
        series_zone is not None
        and not all_day
        and start.utcoffset() == timedelta()
        and "TZID" not in comp["DTSTART"].params
    ):
        start = start.astimezone(series_zone)
    zone = start.tzinfo
    assert zone is not None
    rules = [r.to_ical().decode() for r in _as_list(comp.get("RRULE"))]
    rdates = [d for prop in _as_list(comp.get("RDATE")) for d in _date_list(prop, zone)]
    exdates = [d for prop in _as_list(comp.get("EXDATE")) for d in _date_list(prop, zone)]
    length = (end.date() - start.date()) if all_day else end - start
    return make_series(
        start,
        timedelta(days=length.days) if all_day else length,
        rrules=rules,
        rdates=rdates,
        exdates=[*exdates, *moved],
        all_day=all_day,
    )


def _when(prop: Any, home: tzinfo) -> tuple[datetime, bool]:
    """An aware instant for a DTSTART-like property, and whether it was a bare date (all-day)."""
    value = prop.dt
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            raise ValueError(f"unsupported date value {value!r}")
        return datetime.combine(value, time(), home), True
    tzid = prop.params.get("TZID")
    if tzid:
        zone = resolve_tzid(str(tzid))
        if zone is not None:
            return value.replace(tzinfo=zone), False
        if value.tzinfo is None:
            log.warning("unknown time zone %r: reading its times in the home zone", str(tzid)[:80])
            return value.replace(tzinfo=home), False
        return value, False
    return (value if value.tzinfo is not None else value.replace(tzinfo=home)), False


def _date_list(prop: Any, zone: tzinfo) -> list[datetime]:
    tzid = prop.params.get("TZID")
    target = zone if not tzid else (resolve_tzid(str(tzid)) or zone)
    return parse_date_list(prop.to_ical().decode(), target)


def _declined_ics(comp: icalendar.Event, agent_email: str) -> bool:
    if not agent_email:
        return False
    wanted = agent_email.lower()
    for attendee in _as_list(comp.get("ATTENDEE")):
        address = str(attendee).lower().removeprefix("mailto:")
        if address == wanted and str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED":
            return True
    return False


# ----- Nylas v3 JSON


def _nylas_event(item: Mapping[str, Any], home: tzinfo, agent_email: str, expand: bool) -> CalendarEvent:
    when = item["when"]
    kind = when.get("object") or _when_kind(when)
    all_day = kind in {"date", "datespan"}
    zone: tzinfo = home
    if kind == "timespan":
        zone = _nylas_zone(when.get("start_timezone"), home)
        start = datetime.fromtimestamp(int(when["start_time"]), UTC).astimezone(zone)
        end = datetime.fromtimestamp(int(when["end_time"]), UTC).astimezone(zone)
    elif kind == "time":
        zone = _nylas_zone(when.get("timezone"), home)
        start = end = datetime.fromtimestamp(int(when["time"]), UTC).astimezone(zone)
    elif kind == "date":
        start = datetime.combine(date.fromisoformat(when["date"]), time(), home)
        end = _add(start, timedelta(days=1), True)
    elif kind == "datespan":
        start = datetime.combine(date.fromisoformat(when["start_date"]), time(), home)
        last = date.fromisoformat(when["end_date"])  # inclusive
        end = datetime.combine(last + timedelta(days=1), time(), home)
    else:
        raise ValueError(f"unknown `when` kind {kind!r}")
    if end < start:
        raise ValueError("event ends before it starts")
    series = None
    lines = item.get("recurrence") or ()
    if lines and expand and not item.get("master_event_id"):
        rules, rdates, exdates = split_recurrence_lines(lines, zone)
        length = timedelta(days=(end.date() - start.date()).days) if all_day else end - start
        series = make_series(start, length, rrules=rules, rdates=rdates, exdates=exdates, all_day=all_day)
    return CalendarEvent(
        start=start,
        end=end,
        all_day=all_day,
        busy=bool(item.get("busy", True)),
        status=_STATUS.get(str(item.get("status") or "confirmed").upper(), EventStatus.CONFIRMED),
        declined=_declined_nylas(item, agent_email),
        series=series,
    )


def _when_kind(when: Mapping[str, Any]) -> str:
    for key, kind in (("start_time", "timespan"), ("date", "date"), ("start_date", "datespan"), ("time", "time")):
        if key in when:
            return kind
    raise ValueError("`when` has no start")


def _nylas_zone(name: Any, home: tzinfo) -> tzinfo:
    if not name:
        return home
    return resolve_tzid(str(name)) or home


def _declined_nylas(item: Mapping[str, Any], agent_email: str) -> bool:
    if not agent_email:
        return False
    wanted = agent_email.lower()
    return any(
        str(p.get("email", "")).lower() == wanted and str(p.get("status", "")).lower() == "no"
        for p in item.get("participants") or ()
    )


# ----- shared


def _add(start: datetime, length: timedelta, all_day: bool) -> datetime:
    """All-day lengths are whole local days (23 or 25 hours on DST days); timed ones are exact."""
    if all_day:
        zone = start.tzinfo
        return (start.replace(tzinfo=None) + length).replace(tzinfo=zone)
    return (start.astimezone(UTC) + length).astimezone(start.tzinfo)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
