"""What a question to the availability engine is made of and what it answers with.

The booking rules (and how the `[schedule]` settings' text becomes them), the booking horizon, what one
request adds, and the answers: ranked slots, and blockers that say why any other time is not free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from .models import Interval, require_aware
from .slot_spans import local_stamp, merge_spans

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

MinuteRange = tuple[int, int]  # minutes after local midnight; the end may be 1440 (midnight)


class Blocker(StrEnum):
    """Why a time cannot be offered; the value is the sentence shown to people (no titles, ever)."""

    NOTICE = "it is under the minimum notice"
    EARLIEST = "it is before the earliest time asked for"
    LATEST = "it is after the latest time asked for"
    HORIZON = "it is beyond the booking horizon"
    DAY_OFF = "it is a day off"
    OUT_OF_OFFICE = "it is during time out of office"
    OUTSIDE_HOURS = "it is outside working hours"
    OUTSIDE_WINDOWS = "it is outside the times asked for"
    AVOID = "it is a time asked to avoid"
    BUSY = "it conflicts with another meeting"
    HOLD = "it is held for another conversation"
    BUFFER = "it is too close to another meeting"
    OTHERS_BUSY = "another participant is busy"
    CAP_DAY = "that day already has the most meetings allowed"
    CAP_WEEK = "that week already has the most meetings allowed"
    CAP_MINUTES = "that day already has the most meeting time allowed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """The booking rules, in the schedule's zone. Zero caps mean "no cap"."""

    zone: ZoneInfo
    weekly: tuple[tuple[MinuteRange, ...], ...]  # Monday first, seven entries
    overrides: Mapping[date, tuple[MinuteRange, ...]] = field(default_factory=dict)
    out_of_office: tuple[Interval, ...] = ()
    duration: timedelta = timedelta(minutes=30)
    allowed_durations: tuple[timedelta, ...] = ()
    buffer_before: timedelta = timedelta()
    buffer_after: timedelta = timedelta()
    min_notice: timedelta = timedelta()
    horizon_days: int = 30
    horizon_business_days: bool = False
    slot_interval: timedelta = timedelta(minutes=15)
    round_to: timedelta = timedelta(minutes=15)
    max_per_day: int = 0
    max_per_week: int = 0
    max_minutes_per_day: int = 0
    tentative_as_busy: bool = True
    spread_over_days: bool = True
    min_fragment: timedelta = timedelta(minutes=15)
    proposals: int = 3

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly hours need seven days, Monday first")
        for ranges in (*self.weekly, *self.overrides.values()):
            for pair in ranges:
                if not (isinstance(pair, tuple) and len(pair) == 2 and 0 <= pair[0] < pair[1] <= 1440):
                    raise ValueError(f"working hours are (start, end) minutes within a day, not {pair!r}")
        for what in (self.duration, self.slot_interval, self.round_to):
            if what <= timedelta():
                raise ValueError("duration, slot interval and rounding must be positive")
        if self.horizon_days <= 0 or self.proposals <= 0:
            raise ValueError("horizon and proposals must be positive")

    def hours_on(self, day: date) -> tuple[MinuteRange, ...]:
        """Working ranges of a local date: its override when there is one, else the weekday's."""
        found = self.overrides.get(day)
        return self.weekly[day.weekday()] if found is None else found

    def pick_duration(self, asked: timedelta | None) -> timedelta:
        """The asked length when allowed; otherwise the shortest allowed one that fits it (or the longest)."""
        if asked is None:
            return self.duration
        if asked <= timedelta():
            raise ValueError("a meeting must last longer than zero minutes")
        if not self.allowed_durations or asked in self.allowed_durations:
            return asked
        longer = [d for d in self.allowed_durations if d >= asked]
        return min(longer) if longer else max(self.allowed_durations)


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """What this particular request adds: hard windows, soft preferences, avoided times, others' busy time."""

    duration: timedelta | None = None
    windows: tuple[Interval, ...] = ()
    preferred: tuple[Interval, ...] = ()
    avoid: tuple[Interval, ...] = ()
    earliest: datetime | None = None
    latest: datetime | None = None
    others_busy: tuple[Interval, ...] = ()
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """A proposed time with its score (higher is better) and the reasons it ranked where it did."""

    start: datetime
    end: datetime
    score: float
    reasons: tuple[str, ...] = ()

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


class ScheduleConfig(Protocol):
    """The `[schedule]` settings this module reads (config.ScheduleSettings satisfies it)."""

    working_hours: Mapping[str, tuple[str, ...]]
    overrides: Mapping[str, tuple[str, ...]]
    out_of_office: tuple[str, ...]
    duration_minutes: int
    allowed_durations: tuple[int, ...]
    buffer_minutes: int
    min_notice_hours: float
    horizon_days: int
    horizon_business_days: bool
    slot_interval_minutes: int
    round_to_minutes: int
    max_meetings_per_day: int
    max_meetings_per_week: int
    max_meeting_minutes_per_day: int
    tentative_as_busy: bool
    spread_over_days: bool
    min_fragment_minutes: int
    proposals: int


def rules_from_schedule(schedule: ScheduleConfig, zone: ZoneInfo) -> Rules:
    """Turn the text settings into Rules; ValueError names the bad key."""
    weekly = tuple(_merge_ranges([_minute_range(t) for t in schedule.working_hours.get(day, ())]) for day in _DAYS)
    overrides: dict[date, tuple[MinuteRange, ...]] = {}
    for key, ranges in schedule.overrides.items():
        try:
            day = date.fromisoformat(key)
        except ValueError:
            raise ValueError(f"schedule.overrides key {key!r} is not a YYYY-MM-DD date") from None
        overrides[day] = _merge_ranges([_minute_range(t) for t in ranges])
    minutes = timedelta(minutes=1)
    return Rules(
        zone=zone,
        weekly=weekly,
        overrides=overrides,
        out_of_office=tuple(_out_of_office(t, zone) for t in schedule.out_of_office),
        duration=schedule.duration_minutes * minutes,
        allowed_durations=tuple(m * minutes for m in schedule.allowed_durations),
        buffer_before=schedule.buffer_minutes * minutes,
        buffer_after=schedule.buffer_minutes * minutes,
        min_notice=timedelta(hours=schedule.min_notice_hours),
        horizon_days=schedule.horizon_days,
        horizon_business_days=schedule.horizon_business_days,
        slot_interval=schedule.slot_interval_minutes * minutes,
        round_to=schedule.round_to_minutes * minutes,
        max_per_day=schedule.max_meetings_per_day,
        max_per_week=schedule.max_meetings_per_week,
        max_minutes_per_day=schedule.max_meeting_minutes_per_day,
        tentative_as_busy=schedule.tentative_as_busy,
        spread_over_days=schedule.spread_over_days,
        min_fragment=schedule.min_fragment_minutes * minutes,
        proposals=schedule.proposals,
    )


def horizon_end(rules: Rules, now: datetime) -> datetime:
    """Local midnight after the last bookable date: today + N calendar days, or + N business days."""
    require_aware(now, "now")
    day = now.astimezone(rules.zone).date()
    if rules.horizon_business_days:
        counted = 0
        stop = day + timedelta(days=7 * rules.horizon_days + 366)  # a schedule with no working days ends somewhere
        while counted < rules.horizon_days and day < stop:
            day += timedelta(days=1)
            counted += bool(rules.hours_on(day))
    else:
        day += timedelta(days=rules.horizon_days)
    return datetime.fromtimestamp(local_stamp(day + timedelta(days=1), 0, rules.zone), rules.zone)


def _minute_range(text: str) -> MinuteRange:
    m = _RANGE.match(text)
    if not m:
        raise ValueError(f"working-hours range {text!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 1440 or end <= start:
        raise ValueError(f"working-hours range {text!r} is not a range within one day")
    return start, end


def _merge_ranges(ranges: list[MinuteRange]) -> tuple[MinuteRange, ...]:
    return tuple((int(a), int(b)) for a, b in merge_spans([(float(a), float(b)) for a, b in ranges]))


def _out_of_office(text: str, zone: ZoneInfo) -> Interval:
    """ "2026-12-24/2026-12-31" (whole days, inclusive) or "2026-12-24T13:00/2026-12-24T17:00" (local times)."""
    first, sep, last = text.partition("/")
    if not sep:
        raise ValueError(f"out-of-office range {text!r} is not START/END")
    try:
        if "T" not in first and "T" not in last:
            start = _aware(datetime.combine(date.fromisoformat(first.strip()), time()), zone)
            end = _aware(datetime.combine(date.fromisoformat(last.strip()) + timedelta(days=1), time()), zone)
        else:
            start = _aware(datetime.fromisoformat(first.strip()), zone)
            end = _aware(datetime.fromisoformat(last.strip()), zone)
        return Interval(start, end)
    except ValueError as exc:
        raise ValueError(f"out-of-office range {text!r}: {exc}") from None


def _aware(value: datetime, zone: ZoneInfo) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)
