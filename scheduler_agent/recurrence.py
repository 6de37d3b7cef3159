"""Recurring series (RFC 5545 RRULE, RDATE, EXDATE) expanded inside a window only.

A daily meeting that started five years ago must not cost five years of iteration every time we look
at next week, so an unbounded rule is re-anchored: its DTSTART moves forward by whole periods of the rule
(days, weeks, months, years) to just before the window, which yields exactly the same occurrences there
because every RRULE part is periodic in its own FREQ x INTERVAL. Parts that dateutil would otherwise take
implicitly from DTSTART (the weekday of a WEEKLY rule, the day of a MONTHLY one, the day and month of a
YEARLY one) are written out first so that moving DTSTART does not change them. A rule with COUNT becomes
the same rule with UNTIL at its last occurrence (found once, at parse time), so it can move too.

Calendar data can be hostile (an invitation is enough to put an event on the agent's calendar), so rules
that cost without bound are refused or made safe when parsed: sub-hourly frequencies, rules whose parts
can never match (dateutil would search until the year 9999 for them), and counts above
`_MAX_COUNT`, which are treated as endless: at worst a free slot after a very long series stays busy.

Expansion happens in the wall time of the series' zone, as RFC 5545 requires: a 09:00 weekly meeting in
New York stays at 09:00 local across DST. Local times that do not exist (spring forward) take the offset
from before the gap, which moves them forward by the gap, like the RFC says.

Overridden occurrences (RECURRENCE-ID) are the caller's business: it adds their original start to the
exdates and keeps the override as an ordinary event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, HOURLY, MINUTELY, MONTHLY, SECONDLY, WEEKLY, YEARLY, rrule, rrulestr

from .tzmap import resolve_tzid

__all__ = ["Series", "make_series", "occurrence_stamps", "occurrences", "parse_date_list", "split_recurrence_lines"]

_PERIOD_STEP = {
    YEARLY: relativedelta(years=1),
    MONTHLY: relativedelta(months=1),
    WEEKLY: timedelta(weeks=1),
    DAILY: timedelta(days=1),
    HOURLY: timedelta(hours=1),
    MINUTELY: timedelta(minutes=1),
    SECONDLY: timedelta(seconds=1),
}
_LONGEST_PERIOD_SECONDS = {YEARLY: 366 * 86400, MONTHLY: 31 * 86400}  # never overshoot the window
_DATE_VALUE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")
_MAX_RULE_CHARS = 1000
_MAX_COUNT = 5000
_LONGEST_OCCURRENCE = timedelta(days=366)
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True, eq=False)
class Series:
    """One recurring series, ready to expand in any window.

    `start` is the first occurrence (DTSTART) in the series' own zone; `rules` are parsed against its
    naive wall time. `exdates` hold naive wall times in that zone (for all-day series: midnights).
    `last_end` is when the last occurrence ends, or None when the series never ends.
    """

    start: datetime
    duration: timedelta
    all_day: bool
    rules: tuple[rrule, ...]
    walks: tuple[_Walk | None, ...]
    rdates: tuple[datetime, ...]
    exdates: frozenset[datetime]
    last_end: datetime | None

    @property
    def zone(self) -> tzinfo:
        assert self.start.tzinfo is not None
        return self.start.tzinfo


def make_series(
    start: datetime,
    duration: timedelta,
    *,
    rrules: Sequence[str] = (),
    rdates: Iterable[datetime] = (),
    exdates: Iterable[datetime] = (),
    all_day: bool = False,
) -> Series:
    """Parse the rules once; raises ValueError on a rule dateutil cannot read or that never ends in time."""
    if start.tzinfo is None:
        raise ValueError("a series needs a timezone-aware start")
    if not timedelta() <= duration <= _LONGEST_OCCURRENCE:
        raise ValueError(f"an occurrence cannot last {duration}")
    # RFC 5545 3.3.5: a local time that occurs twice (clocks going back) means the first one. A DTSTART
    # read from ICS cannot say otherwise, and a fold=1 start would carry into every later occurrence.
    start = start.replace(fold=0)
    zone = start.tzinfo
    wall = start.replace(tzinfo=None)
    rules: list[rrule] = []
    walks: list[_Walk | None] = []
    for text in rrules:
        body = text.strip()
        if body.upper().startswith("RRULE:"):
            body = body[6:]
        if not body or len(body) > _MAX_RULE_CHARS:
            raise ValueError(f"unreadable RRULE {text[:80]!r}")
        parts = _wall_until(_rule_parts(body), zone, all_day)
        _check_feasible(parts, text)
        if "COUNT" in parts:
            if not parts["COUNT"].isdigit():
                raise ValueError(f"unreadable RRULE {text[:80]!r}: COUNT is not a number")
            counted = {k: v for k, v in parts.items() if k != "UNTIL"}  # RFC 5545 forbids both; the first end wins
            parts = {k: v for k, v in parts.items() if k != "COUNT"}
            if int(counted["COUNT"]) <= _MAX_COUNT:
                final = _compile(counted, wall, text).before(datetime.max, inc=True)
                if final is None:
                    continue  # no occurrence besides DTSTART itself
                until = min(final.strftime("%Y%m%dT%H%M%S"), parts.get("UNTIL", "99991231T235959"))
                parts = parts | {"UNTIL": until}
        parts = _explicit_anchor(parts, wall)
        rules.append(_compile(parts, wall, text))
        walks.append(_simple_walk(parts))
    rd = tuple(sorted(_as_wall(d, zone) for d in rdates))
    ex = frozenset(_as_wall(d, zone) for d in exdates)
    series = Series(
        start=start,
        duration=duration,
        all_day=all_day,
        rules=tuple(rules),
        walks=tuple(walks),
        rdates=rd,
        exdates=ex,
        last_end=None,
    )
    return _with_last_end(series)


def _compile(parts: dict[str, str], wall: datetime, text: str) -> rrule:
    try:
        rule = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=wall)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise ValueError(f"unreadable RRULE {text[:80]!r}: {exc}") from None
    if not isinstance(rule, rrule):
        raise ValueError(f"unreadable RRULE {text[:80]!r}")
    return rule


def occurrences(series: Series, lo: datetime, hi: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Aware (start, end) of every occurrence overlapping [lo, hi), in start order, without duplicates."""
    zone = series.zone
    for begin, end in occurrence_stamps(series, lo.timestamp(), hi.timestamp()):
        yield datetime.fromtimestamp(begin, zone), datetime.fromtimestamp(end, zone)


def occurrence_stamps(series: Series, lo: float, hi: float) -> list[tuple[float, float]]:
    """`occurrences` in epoch seconds: what the availability engine's inner loop wants."""
    zone = series.zone
    if series.last_end is not None and series.last_end.timestamp() <= lo:
        return []
    wall_lo = datetime.fromtimestamp(lo, zone).replace(tzinfo=None) - series.duration - timedelta(days=2)
    wall_hi = datetime.fromtimestamp(hi, zone).replace(tzinfo=None) + timedelta(days=2)
    starts: set[datetime] = set()
    first = series.start.replace(tzinfo=None)
    if wall_lo <= first <= wall_hi:
        starts.add(first)  # RFC 5545: DTSTART is always the first instance, even if the rule skips it
    for rule, walk in zip(series.rules, series.walks, strict=True):
        if walk is not None:
            starts.update(walk.starts(first, wall_lo, wall_hi))
        else:
            starts.update(_moved(rule, wall_lo).between(wall_lo, wall_hi, inc=True))
    starts.update(d for d in series.rdates if wall_lo <= d <= wall_hi)
    length = series.duration.total_seconds()
    found: list[tuple[float, float]] = []
    for wall in sorted(starts - series.exdates):
        begin = wall.replace(tzinfo=zone).timestamp()
        end = (wall + series.duration).replace(tzinfo=zone).timestamp() if series.all_day else begin + length
        if begin < hi and end > lo:
            found.append((begin, end))
    return found


def split_recurrence_lines(lines: Iterable[str], zone: tzinfo) -> tuple[list[str], list[datetime], list[datetime]]:
    """Nylas `recurrence` lists ("RRULE:...", "EXDATE;TZID=...:...", "RDATE:...") into rules and dates."""
    rules: list[str] = []
    rdates: list[datetime] = []
    exdates: list[datetime] = []
    for raw in lines:
        line = raw.strip()
        name, _, rest = line.partition(":")
        key, *params = name.split(";")
        key = key.upper()
        if key == "RRULE":
            rules.append(rest)
        elif key in {"EXDATE", "RDATE"}:
            tzid = next((p.split("=", 1)[1] for p in params if p.upper().startswith("TZID=")), None)
            target = exdates if key == "EXDATE" else rdates
            target.extend(parse_date_list(rest, zone if tzid is None else _named_zone(tzid, zone)))
        elif line:
            raise ValueError(f"unknown recurrence line {line[:80]!r}")
    return rules, rdates, exdates


def parse_date_list(text: str, zone: tzinfo) -> list[datetime]:
    """Comma-separated DATE / DATE-TIME values; a date means midnight in `zone`, `Z` means UTC."""
    found: list[datetime] = []
    for value in text.split(","):
        value = value.strip().split("/", 1)[0]  # RDATE periods: only their start matters here
        m = _DATE_VALUE.match(value)
        if not m:
            raise ValueError(f"unreadable date {value[:40]!r}")
        y, mo, d, h, mi, s, z = m.groups()
        naive = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        found.append(naive.replace(tzinfo=UTC) if z else naive.replace(tzinfo=zone))
    return found


def _named_zone(tzid: str, fallback: tzinfo) -> tzinfo:
    return resolve_tzid(tzid) or fallback


def _rule_parts(body: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in body.split(";"):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"unreadable RRULE part {item[:40]!r}")
        parts[key.strip().upper()] = value.strip()
    if "FREQ" not in parts:
        raise ValueError("RRULE without FREQ")
    return parts


def _wall_until(parts: dict[str, str], zone: tzinfo, all_day: bool) -> dict[str, str]:
    """UNTIL in UTC or as a bare date, turned into the series' wall time (dateutil wants naive with naive)."""
    until = parts.get("UNTIL")
    if until is None:
        return parts
    m = _DATE_VALUE.match(until)
    if not m:
        raise ValueError(f"unreadable UNTIL {until[:40]!r}")
    y, mo, d, h, mi, s, z = m.groups()
    if h is None:
        wall = datetime(int(y), int(mo), int(d)) + (timedelta() if all_day else timedelta(days=1, seconds=-1))
    else:
        wall = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
        if z:
            wall = wall.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    return {**parts, "UNTIL": wall.strftime("%Y%m%dT%H%M%S")}


def _check_feasible(parts: dict[str, str], text: str) -> None:
    """Refuse rules that would make every query slow: too frequent, or never matching any date."""
    freq = parts["FREQ"].upper()
    if freq in {"SECONDLY", "MINUTELY"}:
        raise ValueError(f"RRULE {text[:80]!r}: FREQ={freq} is not a meeting rule")
    try:
        months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else list(range(1, 13))
        monthdays = [abs(int(d)) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
        ordinals = [int(d[:-2]) for d in parts.get("BYDAY", "").upper().split(",") if len(d.strip()) > 2]
    except ValueError:
        raise ValueError(f"unreadable RRULE {text[:80]!r}") from None
    if any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"RRULE {text[:80]!r}: BYMONTH out of range")
    if monthdays and not any(d <= _MONTH_DAYS[m - 1] for d in monthdays for m in months):
        raise ValueError(f"RRULE {text[:80]!r} never occurs: no such day in those months")
    if freq == "MONTHLY" and any(abs(n) > 5 for n in ordinals):
        raise ValueError(f"RRULE {text[:80]!r} never occurs: no month has that many such weekdays")
    plain_days = "BYDAY" in parts and not ordinals and not any(k in parts for k in ("BYMONTHDAY", "BYHOUR", "BYMINUTE"))
    if freq == "MONTHLY" and plain_days and "BYSETPOS" in parts:
        most = 5 * len(parts["BYDAY"].split(","))
        try:
            positions = [abs(int(p)) for p in parts["BYSETPOS"].split(",")]
        except ValueError:
            raise ValueError(f"unreadable RRULE {text[:80]!r}") from None
        if all(p > most for p in positions):
            raise ValueError(f"RRULE {text[:80]!r} never occurs: BYSETPOS beyond the days a month has")
    if any(k in parts for k in ("BYWEEKNO", "BYYEARDAY")) and "BYMONTH" in parts:
        raise ValueError(f"RRULE {text[:80]!r}: BYWEEKNO/BYYEARDAY together with BYMONTH is not supported")


def _explicit_anchor(parts: dict[str, str], wall: datetime) -> dict[str, str]:
    """Write out what dateutil would otherwise take from DTSTART, so moving DTSTART keeps the rule."""
    freq = parts["FREQ"].upper()
    if any(k in parts for k in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYEASTER")):
        return parts
    out = dict(parts)
    if freq == "YEARLY":
        out.setdefault("BYMONTH", str(wall.month))
        out["BYMONTHDAY"] = str(wall.day)
    elif freq == "MONTHLY":
        out["BYMONTHDAY"] = str(wall.day)
    elif freq == "WEEKLY":
        out["BYDAY"] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[wall.weekday()]
    return out


@dataclass(frozen=True, slots=True)
class _Walk:
    """A DAILY or WEEKLY rule made only of INTERVAL, BYDAY (plain weekdays), WKST and UNTIL.

    Most real series look like this, and stepping through their days directly is several times cheaper
    than dateutil's general iterator; the property tests hold it to dateutil's answers.
    """

    weekly: bool
    interval: int
    weekdays: tuple[int, ...] | None  # None: every day (DAILY without BYDAY)
    week_start: int
    until: datetime | None

    def starts(self, first: datetime, lo: datetime, hi: datetime) -> Iterator[datetime]:
        """Occurrence starts (naive wall time) in [lo, hi], never before `first` (DTSTART) or after UNTIL."""
        clock = first.time()
        last = hi if self.until is None else min(hi, self.until)
        begin = max(lo, first)
        if self.weekly:
            period = timedelta(days=7 * self.interval)
            week = first.date() - timedelta(days=(first.weekday() - self.week_start) % 7)
            offsets = sorted((d - self.week_start) % 7 for d in self.weekdays or ())
        else:
            period = timedelta(days=self.interval)
            week = first.date()
            offsets = [0]
        skip = max(0, (begin.date() - week).days // period.days - 1)
        week += period * skip
        while week <= last.date():
            for offset in offsets:
                day = week + timedelta(days=offset)
                if self.weekly or self.weekdays is None or day.weekday() in self.weekdays:
                    wall = datetime.combine(day, clock)
                    if begin <= wall <= last:
                        yield wall
            week += period


def _simple_walk(parts: dict[str, str]) -> _Walk | None:
    freq = parts["FREQ"].upper()
    if freq not in {"DAILY", "WEEKLY"} or set(parts) - {"FREQ", "INTERVAL", "BYDAY", "WKST", "UNTIL"}:
        return None
    names = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    days = [d.strip().upper() for d in parts["BYDAY"].split(",")] if "BYDAY" in parts else None
    if days is not None and any(d not in names for d in days):
        return None  # "1MO", "-1FR": positional weekdays need the general iterator
    wkst = parts.get("WKST", "MO").upper()
    interval = int(parts.get("INTERVAL", "1") or "1")
    if wkst not in names or interval < 1:
        return None
    until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S") if "UNTIL" in parts else None
    return _Walk(
        weekly=freq == "WEEKLY",
        interval=interval,
        weekdays=None if days is None else tuple(names.index(d) for d in days),
        week_start=names.index(wkst),
        until=until,
    )


def _moved(rule: rrule, wall_lo: datetime) -> rrule:
    """The same rule with DTSTART moved forward by whole periods to just before `wall_lo`."""
    dtstart: datetime = rule._dtstart  # dateutil has no public accessors for these
    freq: int = rule._freq
    interval: int = rule._interval
    if wall_lo <= dtstart:
        return rule
    gap = (wall_lo - dtstart).total_seconds()
    step = _PERIOD_STEP[freq]
    if isinstance(step, timedelta):
        periods = int(gap // (step.total_seconds() * interval))
        if periods < 2:
            return rule
        return rule.replace(dtstart=dtstart + step * interval * (periods - 1))
    periods = int(gap // (_LONGEST_PERIOD_SECONDS[freq] * interval)) - 1
    if periods < 2:
        return rule
    # The day part of the rule is explicit (see _explicit_anchor), so a 31st clamped to a 30th is harmless:
    # dateutil only yields DTSTART itself when it matches the rule.
    months = interval * periods * (12 if freq == YEARLY else 1)
    return rule.replace(dtstart=dtstart + relativedelta(months=months))


def _as_wall(value: datetime | date, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def _end_of(series: Series, wall: datetime) -> datetime:
    """When the occurrence starting at `wall` ends; all-day lengths are counted in local days."""
    zone = series.zone
    if series.all_day:
        return (wall + series.duration).replace(tzinfo=zone)
    return (wall.replace(tzinfo=zone).astimezone(UTC) + series.duration).astimezone(zone)


def _with_last_end(series: Series) -> Series:
    """When a series with UNTIL on every rule ends (at the latest); endless series keep None."""
    last = series.start.replace(tzinfo=None)
    for rule in series.rules:
        until: datetime | None = rule._until  # dateutil has no public accessor
        if until is None:
            return series
        last = max(last, until)
    if series.rdates:
        last = max(last, series.rdates[-1])
    end = _end_of(series, last)
    return replace(series, last_end=end)
