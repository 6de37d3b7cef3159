"""iTIP (RFC 5546) over iCalendar (RFC 5545): read what calendar clients send, write what they understand.

Reading is defensive because invitations arrive from strangers: the text is bounded, every failure becomes
an `ItipError` that says why, and time zones are resolved by us (see `tzmap`) rather than by icalendar's
process-wide cache, so one hostile VTIMEZONE cannot redefine "Customized Time Zone" for later mail.
Recurrences are kept as text and datetimes; expanding them is `recurrence`'s job.

Writing is deterministic: DTSTAMP, UID and SEQUENCE come from the caller, properties are added in a fixed
order, and VTIMEZONE blocks are generated from zoneinfo over a window derived from the event itself, so the
same event always yields the same bytes (golden-file tests rely on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from icalendar import Calendar, ComponentFactory, Event, vCalAddress, vDDDTypes, vRecur
from icalendar.cal.component import Component
from icalendar.parser.ical import ComponentIcalParser
from icalendar.prop import vBroken
from icalendar.timezone import tzp

from .tzmap import resolve_tzid

__all__ = [
    "DEFAULT_PRODID",
    "MAX_EVENTS",
    "MAX_ICS_CHARS",
    "ItipAttendee",
    "ItipError",
    "ItipEvent",
    "ItipMessage",
    "build_cancel",
    "build_counter",
    "build_decline_counter",
    "build_reply",
    "build_request",
    "parse_itip",
]

DEFAULT_PRODID = "-//scheduler-agent//iTIP//EN"
MAX_ICS_CHARS = 1_000_000
MAX_EVENTS = 500
# RFC 5546 lets these methods omit DTSTART: the UID (and RECURRENCE-ID) alone name the event.
_TIMELESS_METHODS = frozenset({"REPLY", "CANCEL", "REFRESH", "DECLINECOUNTER"})
_REPLY_PARTSTATS = frozenset({"ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})
_MAX_LINE_WARNINGS = 5
_MAX_ZONE_PARTS = 40
_MIN_ZONE_YEAR = 1601  # Outlook's epoch; earlier starts only make dateutil replay more centuries
_MAX_ZONE_RDATES = 400
_ZONE_RULE_PARTS = frozenset(
    {"FREQ", "INTERVAL", "BYMONTH", "BYDAY", "BYMONTHDAY", "BYSETPOS", "UNTIL", "COUNT", "WKST"}
)
# What icalendar (or a hostile VTIMEZONE fed to it) can throw while reading; all of it becomes ItipError.
_PARSER_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError)


class ItipError(ValueError):
    """The ICS cannot be used; the message says why, in words fit for a log line."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ItipAttendee:
    """An ORGANIZER or ATTENDEE: address without "mailto:", case-folded so it compares with mail headers."""

    email: str
    name: str = ""
    partstat: str = "NEEDS-ACTION"
    role: str = "REQ-PARTICIPANT"
    rsvp: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ItipEvent:
    """One VEVENT (a master or a RECURRENCE-ID override), with times made aware.

    All-day events start at midnight of their date in the reader's default zone; floating times are read in
    that zone and flagged. `time_known` is False only for REPLY/CANCEL-style messages that carried no
    DTSTART: start/end then repeat RECURRENCE-ID (or DTSTAMP) and must not be used for scheduling.
    `original_start`/`original_end` are Outlook's X-MS-OLK-ORIGINALSTART/END on a COUNTER.
    """

    uid: str
    sequence: int = 0
    start: datetime
    end: datetime
    all_day: bool = False
    floating: bool = False
    summary: str = ""
    description: str = ""
    location: str = ""
    organizer: ItipAttendee | None = None
    attendees: tuple[ItipAttendee, ...] = ()
    rrule: tuple[str, ...] = ()
    rdate: tuple[datetime, ...] = ()
    exdate: tuple[datetime, ...] = ()
    recurrence_id: datetime | None = None
    status: str = "CONFIRMED"
    transparent: bool = False
    comment: str = ""
    dtstamp: datetime | None = None
    tzid: str | None = None
    time_known: bool = True
    original_start: datetime | None = None
    original_end: datetime | None = None

    def attendee(self, email: str) -> ItipAttendee | None:
        """The attendee with this address (any case, with or without "mailto:"), if invited."""
        wanted = _address(email)
        return next((a for a in self.attendees if a.email == wanted), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItipMessage:
    """A whole iTIP object: METHOD plus every VEVENT in file order; `warnings` lists what was guessed."""

    method: str
    events: tuple[ItipEvent, ...]
    prodid: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def master(self) -> ItipEvent | None:
        """The series (no RECURRENCE-ID) if present, else the first override; None for an empty PUBLISH."""
        return next((e for e in self.events if e.recurrence_id is None), self.events[0] if self.events else None)


class _IsolatedParser(ComponentIcalParser):
    """icalendar's parser minus its global side effects.

    Upstream caches every VTIMEZONE by TZID for the whole process and localizes values on the fly; we keep
    datetimes naive with their TZID parameter and resolve them per message in `_Zones` instead.
    """

    def parse_and_add_property(self, name: str, params: Any, val: str, tzid: str | None, line: Any) -> None:
        super().parse_and_add_property(name, params, val, None, line)

    def handle_end_component(self, vals: str) -> None:
        if not self._stack:
            raise ValueError("END encountered without an accompanying BEGIN")
        component = self._stack.pop()
        if self._stack:
            self._stack[-1].add_component(component)
        else:
            self._components.append(component)


class _Zones:
    """TZID resolution for one message: tzmap first, then the message's own VTIMEZONE, then the default zone."""

    def __init__(self, calendar: Component, default: tzinfo, warnings: list[str]) -> None:
        self.default = default
        self.warnings = warnings
        self._vtimezones = {
            str(c.get("TZID", "")): c for c in calendar.subcomponents if c.name == "VTIMEZONE" and c.get("TZID")
        }
        self._cache: dict[str, tuple[tzinfo, str | None]] = {}
        wr = _text(calendar.get("X-WR-TIMEZONE")).strip()
        self.calendar_zone = resolve_tzid(wr) if wr else None
        if wr and self.calendar_zone is None:
            warnings.append(f"unknown X-WR-TIMEZONE {wr!r}; floating times read in {default}")

    def lookup(self, tzid: str) -> tuple[tzinfo, str | None]:
        """The tzinfo to localize with and the IANA name to report (None when the zone is not an IANA one)."""
        if tzid not in self._cache:
            self._cache[tzid] = self._resolve(tzid)
        return self._cache[tzid]

    def _resolve(self, tzid: str) -> tuple[tzinfo, str | None]:
        zone = resolve_tzid(tzid)
        if zone is not None:
            return zone, None if zone.key in ("UTC", "Etc/UTC") else zone.key
        component = self._vtimezones.get(tzid)
        if component is not None and _plain_vtimezone(component):
            try:
                custom = tzp.create_timezone(component)
                self.warnings.append(f"TZID {tzid!r} is not a known zone; used the VTIMEZONE in the message")
                return custom, None
            except _PARSER_ERRORS:
                pass
        self.warnings.append(f"unknown TZID {tzid!r}; times read in {self.default}")
        return self.default, None


def _plain_vtimezone(component: Component) -> bool:
    """Whether a VTIMEZONE has the shape real zones have: a few yearly rules or dates.

    dateutil evaluates VTIMEZONE rules lazily from their DTSTART on every offset lookup, so a hostile
    "FREQ=SECONDLY" from 1601 would hang the reader; anything unusual is ignored instead.
    """
    parts = component.subcomponents
    if not parts or len(parts) > _MAX_ZONE_PARTS:
        return False
    for part in parts:
        start = part.get("DTSTART")
        if part.name not in ("STANDARD", "DAYLIGHT") or not isinstance(start, vDDDTypes):
            return False
        if not isinstance(start.dt, date) or start.dt.year < _MIN_ZONE_YEAR:  # rules are replayed from here
            return False
        rules = _all(part.get("RRULE"))
        rdates = sum(len(getattr(r, "dts", ())) for r in _all(part.get("RDATE")))
        if len(rules) > 1 or rdates > _MAX_ZONE_RDATES:
            return False
        for rule in rules:
            if not isinstance(rule, vRecur) or [str(f).upper() for f in rule.get("FREQ", [])] != ["YEARLY"]:
                return False
            if set(rule) - _ZONE_RULE_PARTS or len(rule.get("BYMONTH", ())) > 1 or len(rule.get("BYDAY", ())) > 1:
                return False
            if len(rule.get("BYMONTHDAY", ())) > 7:  # old-style "BYMONTHDAY=8,9,…,14;BYDAY=SU"
                return False
    return True


def parse_itip(data: bytes | str, *, default_tz: str = "UTC") -> ItipMessage:
    """Read an iTIP/iMIP calendar object; raises ItipError (and only that) when it cannot be used."""
    default = resolve_tzid(default_tz)
    if default is None:
        raise ItipError(f"default time zone {default_tz!r} is not a known zone")
    text = _decode(data)
    calendar = _read_calendar(text)
    method = _text(calendar.get("METHOD")).strip().upper() or "PUBLISH"
    vevents = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    if len(vevents) > MAX_EVENTS:
        raise ItipError(f"{len(vevents)} VEVENTs is more than the {MAX_EVENTS} we accept")
    if not vevents and method != "PUBLISH":
        raise ItipError(f"METHOD:{method} without any VEVENT")
    warnings: list[str] = []
    zones = _Zones(calendar, default, warnings)
    try:
        events = tuple(_event(v, method, zones) for v in vevents)
    except _PARSER_ERRORS as exc:
        if isinstance(exc, ItipError):
            raise
        raise ItipError(f"unusable VEVENT: {exc}") from exc
    return ItipMessage(method=method, events=events, prodid=_text(calendar.get("PRODID")), warnings=tuple(warnings))


def _decode(data: bytes | str) -> str:
    if len(data) > MAX_ICS_CHARS:
        raise ItipError(f"ICS is {len(data)} long; the limit is {MAX_ICS_CHARS}")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # RFC 5545 says UTF-8; old Outlook sends Windows-1252
    else:
        text = data
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ItipError("empty ICS")
    return text


def _read_calendar(text: str) -> Component:
    parser = _IsolatedParser(text, ComponentFactory(), Calendar.types_factory)
    try:
        components = parser.parse()
        unclosed = parser.component
    except _PARSER_ERRORS as exc:
        raise ItipError(f"not valid iCalendar: {_short(exc)}") from exc
    if unclosed is not None:
        raise ItipError(f"truncated iCalendar: BEGIN:{unclosed.name} is never closed")
    calendars = [c for c in components if c.name == "VCALENDAR"]
    if not calendars:
        raise ItipError("not iCalendar: no BEGIN:VCALENDAR ... END:VCALENDAR")
    if len(calendars) > 1:
        raise ItipError(f"{len(calendars)} VCALENDAR objects in one part; iTIP allows one")
    return calendars[0]


def _short(exc: object) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= 200 else message[:197] + "..."


def _event(component: Component, method: str, zones: _Zones) -> ItipEvent:
    uid = _text(component.get("UID")).strip()
    if not uid:
        raise ItipError("VEVENT without UID")
    for _, error in component.errors[:_MAX_LINE_WARNINGS]:
        zones.warnings.append(f"VEVENT {uid!r}: skipped a broken line ({_short(error)})")
    dtstamp = _when(component, "DTSTAMP", zones)
    recurrence_id = _when(component, "RECURRENCE-ID", zones)
    start_prop = _first(component.get("DTSTART"))
    if start_prop is None:
        if method not in _TIMELESS_METHODS:
            raise ItipError(f"VEVENT {uid!r} has no DTSTART")
        anchor = recurrence_id or dtstamp
        if anchor is None:
            raise ItipError(f"VEVENT {uid!r} has no DTSTART, RECURRENCE-ID or DTSTAMP")
        start = end = anchor[0]
        all_day = floating = False
        tzid = None
        time_known = False
    else:
        start, tzid, all_day, floating = _instant(start_prop, zones, f"DTSTART of {uid!r}")
        end = _end(component, start, all_day, zones, uid)
        time_known = True
    status = _text(component.get("STATUS")).strip().upper() or ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
    return ItipEvent(
        uid=uid,
        sequence=_sequence(component.get("SEQUENCE")),
        start=start,
        end=end,
        all_day=all_day,
        floating=floating,
        summary=_text(component.get("SUMMARY")).strip(),
        description=_text(component.get("DESCRIPTION")).rstrip(),
        location=_text(component.get("LOCATION")).strip(),
        organizer=next(_people(component.get("ORGANIZER"), zones), None),
        attendees=tuple(_people(component.get("ATTENDEE"), zones)),
        rrule=tuple(_recur_text(r) for r in _all(component.get("RRULE"))),
        rdate=tuple(_date_list(component, "RDATE", zones)),
        exdate=tuple(_date_list(component, "EXDATE", zones)),
        recurrence_id=recurrence_id[0] if recurrence_id else None,
        status=status,
        transparent=_text(component.get("TRANSP")).strip().upper() == "TRANSPARENT",
        comment="\n".join(_text(c).strip() for c in _all(component.get("COMMENT"))).strip(),
        dtstamp=dtstamp[0].astimezone(UTC) if dtstamp else None,
        tzid=tzid,
        time_known=time_known,
        original_start=_x_when(component, "X-MS-OLK-ORIGINALSTART", zones),
        original_end=_x_when(component, "X-MS-OLK-ORIGINALEND", zones),
    )


def _all(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    values = _all(value)
    return values[0] if values else None


def _text(value: Any) -> str:
    value = _first(value)
    return "" if value is None else str(value)


def _sequence(value: Any) -> int:
    try:
        number = int(str(_first(value) or 0).strip())
    except ValueError:
        return 0
    return number if 0 <= number < 2**31 else 0


def _address(raw: str) -> str:
    address = raw.strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    return address.strip().casefold()


def _people(value: Any, zones: _Zones) -> Iterator[ItipAttendee]:
    for prop in _all(value):
        params = getattr(prop, "params", {})
        raw = str(prop)
        if not raw.strip().lower().startswith("mailto:") and params.get("EMAIL"):
            raw = str(params["EMAIL"])  # Apple/CalDAV principals ("urn:uuid:…") carry the address in EMAIL=
        email = _address(raw)
        if not email:
            zones.warnings.append("skipped an attendee without an address")
            continue
        yield ItipAttendee(
            email=email,
            name=str(params.get("CN", "")).strip(),
            partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).strip().upper() or "NEEDS-ACTION",
            role=str(params.get("ROLE", "REQ-PARTICIPANT")).strip().upper() or "REQ-PARTICIPANT",
            rsvp=str(params.get("RSVP", "")).strip().upper() == "TRUE",
        )


def _recur_text(value: Any) -> str:
    if isinstance(value, vRecur):
        return value.to_ical().decode("utf-8")
    return str(value).strip()


def _wall(value: datetime, zone: tzinfo) -> datetime:
    """A local wall time made aware; one that falls in a spring-forward gap moves forward by the gap.

    RFC 5545 reads a nonexistent local time with the offset from before the gap (02:30 -> 03:30 EDT);
    normalising through UTC also keeps the value from being a "gap" datetime that Python compares oddly.
    """
    return value.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _localize(value: date | datetime, tzid: str | None, zones: _Zones) -> tuple[datetime, str | None, bool, bool]:
    """(aware instant, IANA zone or None, all_day, floating) for one DATE or DATE-TIME value."""
    if not isinstance(value, datetime):
        return _wall(datetime.combine(value, time(0)), zones.default), None, True, False
    if value.tzinfo is not None:  # "Z" suffix; a TZID next to it is meaningless
        if zones.calendar_zone is not None:
            return value.astimezone(zones.calendar_zone), zones.calendar_zone.key, False, False
        return value.astimezone(UTC), None, False, False
    if tzid:
        zone, name = zones.lookup(tzid)
        if name is None and zone is not zones.default:  # UTC or a message-defined zone: keep only the instant
            return value.replace(tzinfo=zone).astimezone(UTC), None, False, False
        return _wall(value, zone), name, False, False
    if zones.calendar_zone is not None:  # Google's X-WR-TIMEZONE names the zone of floating times
        return _wall(value, zones.calendar_zone), zones.calendar_zone.key, False, False
    return _wall(value, zones.default), None, False, True


def _instant(prop: Any, zones: _Zones, what: str) -> tuple[datetime, str | None, bool, bool]:
    if isinstance(prop, vBroken) or not isinstance(prop, vDDDTypes):
        raise ItipError(f"unusable {what}: {str(prop)[:80]!r}")
    value = prop.dt
    if isinstance(value, tuple):  # VALUE=PERIOD: the start is what matters
        value = value[0]
    if not isinstance(value, date):
        raise ItipError(f"unusable {what}: {prop.to_ical()[:80]!r} is not a date or date-time")
    tzid = prop.params.get("TZID")
    return _localize(value, str(tzid) if tzid else None, zones)


def _when(component: Component, name: str, zones: _Zones) -> tuple[datetime, str | None, bool, bool] | None:
    prop = _first(component.get(name))
    if prop is None:
        return None
    if isinstance(prop, vBroken):
        zones.warnings.append(f"ignored unusable {name} {str(prop)[:80]!r}")
        return None
    return _instant(prop, zones, name)


def _x_when(component: Component, name: str, zones: _Zones) -> datetime | None:
    """Outlook's X- date properties arrive as text; parse them like DTSTART when they are well formed."""
    prop = _first(component.get(name))
    if prop is None:
        return None
    try:
        value = vDDDTypes.from_ical(str(prop).strip())
    except ValueError:
        zones.warnings.append(f"ignored unusable {name} {str(prop)[:80]!r}")
        return None
    if not isinstance(value, date):
        return None
    tzid = getattr(prop, "params", {}).get("TZID")
    return _localize(value, str(tzid) if tzid else None, zones)[0]


def _end(component: Component, start: datetime, all_day: bool, zones: _Zones, uid: str) -> datetime:
    """DTEND, else DTSTART + DURATION, else RFC 5545's default (one day for dates, zero for date-times)."""
    end_prop = _first(component.get("DTEND"))
    duration_prop = _first(component.get("DURATION"))
    if end_prop is not None and not isinstance(end_prop, vBroken):
        end = _instant(end_prop, zones, f"DTEND of {uid!r}")[0]
    elif duration_prop is not None and isinstance(getattr(duration_prop, "dt", None), timedelta):
        end = _add_duration(start, duration_prop.dt)
    else:
        if end_prop is not None or duration_prop is not None:
            zones.warnings.append(f"ignored unusable DTEND/DURATION of {uid!r}")
        end = _add_duration(start, timedelta(days=1)) if all_day else start
    if end < start:
        zones.warnings.append(f"{uid!r} ends before it starts; treated as zero length")
        return start
    return end


def _add_duration(start: datetime, duration: timedelta) -> datetime:
    """Days are calendar days (same wall time across DST), the rest is exact time (RFC 5545 3.3.6)."""
    nominal = start + timedelta(days=duration.days)
    exact = (nominal.astimezone(UTC) + timedelta(seconds=duration.seconds)).astimezone(start.tzinfo)
    return nominal if not duration.seconds else exact


def _date_list(component: Component, name: str, zones: _Zones) -> Iterator[datetime]:
    for prop in _all(component.get(name)):
        if isinstance(prop, vBroken) or not hasattr(prop, "dts"):
            zones.warnings.append(f"ignored unusable {name} {str(prop)[:80]!r}")
            continue
        tzid = prop.params.get("TZID")
        for item in prop.dts:
            value = item.dt[0] if isinstance(item.dt, tuple) else item.dt
            if isinstance(value, date):
                yield _localize(value, str(tzid) if tzid else None, zones)[0]


# --- building ---------------------------------------------------------------------------------------------


def build_request(event: ItipEvent, *, dtstamp: datetime, prodid: str = DEFAULT_PRODID) -> str:
    """METHOD:REQUEST with the whole event: an invitation, or an update when SEQUENCE was raised."""
    _require_organizer(event, "REQUEST")
    vevent = _full_vevent(event, dtstamp)
    return _serialize("REQUEST", prodid, vevent, event)


def build_cancel(event: ItipEvent, *, dtstamp: datetime, prodid: str = DEFAULT_PRODID) -> str:
    """METHOD:CANCEL, STATUS:CANCELLED; RFC 5546 wants SEQUENCE raised, which is the caller's choice to make."""
    _require_organizer(event, "CANCEL")
    vevent = _full_vevent(replace(event, status="CANCELLED"), dtstamp)
    return _serialize("CANCEL", prodid, vevent, event)


def build_reply(
    event: ItipEvent,
    *,
    attendee: str,
    partstat: str,
    dtstamp: datetime,
    comment: str = "",
    prodid: str = DEFAULT_PRODID,
) -> str:
    """METHOD:REPLY naming only the replying attendee, with the organizer's UID/SEQUENCE/RECURRENCE-ID."""
    _require_organizer(event, "REPLY")
    status = partstat.strip().upper()
    if status not in _REPLY_PARTSTATS:
        raise ValueError(f"a REPLY's PARTSTAT must be one of {sorted(_REPLY_PARTSTATS)}, not {partstat!r}")
    me = _participant(event, attendee)
    vevent = _identity(event, dtstamp)
    if event.time_known:
        _add_times(vevent, event, event.start, event.end)
    _add_text(vevent, "SUMMARY", event.summary)
    _add_person(vevent, "ORGANIZER", event.organizer)
    _add_person(vevent, "ATTENDEE", replace(me, partstat=status, rsvp=False))
    _add_text(vevent, "COMMENT", comment)
    return _serialize("REPLY", prodid, vevent, event)


def build_counter(
    event: ItipEvent,
    *,
    attendee: str,
    start: datetime,
    end: datetime,
    dtstamp: datetime,
    comment: str = "",
    prodid: str = DEFAULT_PRODID,
) -> str:
    """METHOD:COUNTER proposing new times, sent by an attendee to the organizer.

    Outlook's X-MS-OLK-ORIGINALSTART/END carry the current times so Outlook can show "from … to …".
    """
    _require_organizer(event, "COUNTER")
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        raise ValueError(f"proposed end {end} is before start {start}")
    me = _participant(event, attendee)
    vevent = _identity(event, dtstamp)
    _add_times(vevent, event, start, end)
    _add_text(vevent, "SUMMARY", event.summary)
    _add_text(vevent, "LOCATION", event.location)
    _add_person(vevent, "ORGANIZER", event.organizer)
    others = [a for a in event.attendees if a.email != me.email]
    for person in (*others, replace(me, rsvp=False)):
        _add_person(vevent, "ATTENDEE", person)
    _add_text(vevent, "COMMENT", comment)
    if event.time_known:
        vevent.add("X-MS-OLK-ORIGINALSTART", vDDDTypes(_ical_time(event, event.start)), encode=False)
        vevent.add("X-MS-OLK-ORIGINALEND", vDDDTypes(_ical_time(event, event.end)), encode=False)
    return _serialize("COUNTER", prodid, vevent, event, also=(start, end))


def build_decline_counter(
    event: ItipEvent,
    *,
    attendee: str,
    dtstamp: datetime,
    comment: str = "",
    prodid: str = DEFAULT_PRODID,
) -> str:
    """METHOD:DECLINECOUNTER from the organizer to the attendee whose COUNTER is refused (RFC 5546 3.2.8)."""
    _require_organizer(event, "DECLINECOUNTER")
    me = _participant(event, attendee)
    vevent = _identity(event, dtstamp)
    _add_person(vevent, "ORGANIZER", event.organizer)
    _add_person(vevent, "ATTENDEE", replace(me, rsvp=False))
    _add_text(vevent, "COMMENT", comment)
    return _serialize("DECLINECOUNTER", prodid, vevent, event)


def _require_organizer(event: ItipEvent, method: str) -> None:
    if event.organizer is None:
        raise ValueError(f"an iTIP {method} needs an ORGANIZER (RFC 5546); event {event.uid!r} has none")


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def _participant(event: ItipEvent, email: str) -> ItipAttendee:
    """The attendee as invited (keeping CN and ROLE), or a bare one when the agent was reached another way."""
    address = _address(email)
    if not address:
        raise ValueError("attendee address is empty")
    return event.attendee(address) or ItipAttendee(email=address)


def _identity(event: ItipEvent, dtstamp: datetime) -> Event:
    """The properties every iTIP VEVENT starts with: UID, SEQUENCE, DTSTAMP and RECURRENCE-ID."""
    _require_aware(dtstamp, "dtstamp")
    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTAMP", dtstamp.astimezone(UTC))
    if event.recurrence_id is not None:
        vevent.add("RECURRENCE-ID", _ical_time(event, event.recurrence_id))
    return vevent


def _full_vevent(event: ItipEvent, dtstamp: datetime) -> Event:
    vevent = _identity(event, dtstamp)
    _add_times(vevent, event, event.start, event.end)
    _add_text(vevent, "SUMMARY", event.summary)
    _add_text(vevent, "DESCRIPTION", event.description)
    _add_text(vevent, "LOCATION", event.location)
    _add_person(vevent, "ORGANIZER", event.organizer)
    for person in event.attendees:
        _add_person(vevent, "ATTENDEE", person)
    for rule in event.rrule:
        vevent.add("RRULE", vRecur.from_ical(rule))
    if event.rdate:
        vevent.add("RDATE", [_ical_time(event, d) for d in event.rdate])
    if event.exdate:
        vevent.add("EXDATE", [_ical_time(event, d) for d in event.exdate])
    vevent.add("STATUS", event.status.upper())
    vevent.add("TRANSP", "TRANSPARENT" if event.transparent else "OPAQUE")
    _add_text(vevent, "COMMENT", event.comment)
    return vevent


def _add_times(vevent: Event, event: ItipEvent, start: datetime, end: datetime) -> None:
    vevent.add("DTSTART", _ical_time(event, start))
    vevent.add("DTEND", _ical_time(event, end))


def _add_text(vevent: Event, name: str, value: str) -> None:
    if value:
        vevent.add(name, value)


def _add_person(vevent: Event, name: str, person: ItipAttendee | None) -> None:
    if person is None:
        return
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    if name == "ATTENDEE":
        address.params["ROLE"] = person.role
        address.params["PARTSTAT"] = person.partstat
        if person.rsvp:
            address.params["RSVP"] = "TRUE"
    vevent.add(name, address)


def _event_zone(event: ItipEvent) -> tzinfo | None:
    if event.tzid is None or event.floating or event.all_day:
        return None
    zone = resolve_tzid(event.tzid)
    if zone is None:
        raise ValueError(f"event {event.uid!r} has an unknown time zone {event.tzid!r}")
    return None if zone.key in ("UTC", "Etc/UTC") else zone


def _ical_time(event: ItipEvent, value: datetime) -> date | datetime:
    """How one of the event's instants is written: DATE, floating, local with TZID, or UTC."""
    _require_aware(value, "event time")
    if event.all_day:
        return value.date()
    if event.floating:
        return value.replace(tzinfo=None)
    zone = _event_zone(event)
    return value.astimezone(zone) if zone is not None else value.astimezone(UTC)


def _event_instants(event: ItipEvent) -> Iterator[datetime]:
    yield event.start
    yield event.end
    yield from event.rdate
    yield from event.exdate
    if event.recurrence_id is not None:
        yield event.recurrence_id


def _serialize(method: str, prodid: str, vevent: Event, event: ItipEvent, also: tuple[datetime, ...] = ()) -> str:
    calendar = Calendar()
    calendar.add("PRODID", prodid)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    calendar.add_component(vevent)
    zone = _event_zone(event)
    if zone is not None:
        # A window derived from the message alone keeps the bytes stable; ten years covers open-ended series.
        years = [v.astimezone(zone).year for v in (*_event_instants(event), *also)]
        horizon = 11 if event.rrule or event.rdate else 2
        calendar.add_missing_timezones(first_date=date(min(years), 1, 1), last_date=date(max(years) + horizon, 1, 1))
    return calendar.to_ical().decode("utf-8")
