"""The availability engine: busy time + booking rules ⇒ ranked free slots, and why any other time is not.

Free time is computed here, by code, never guessed by the model (design section 2, invariant 1).
Inside, every instant is a UTC epoch second (a float): the zone is applied once, where a local date or
wall-clock time turns into an instant, so DST days and half-hour zones come out exact and the hot loops
are plain comparisons. Cost: the calendar is indexed once (sorted starts + bisect); a query reads only the
events inside its window, expands recurring series inside the window only, merges busy time once and walks
the free gaps instead of testing every possible start.

Buffers stack the way booking tools do it: an existing meeting keeps its own buffer and the new one keeps
its own, so two meetings end up `before + after` apart. Other participants' busy blocks, out-of-office
ranges and avoided times carry no buffer.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from .models import Interval, require_aware
from .recurrence import Series, occurrence_stamps

__all__ = [
    "Blocker",
    "BusyCalendar",
    "CalendarEvent",
    "EventStatus",
    "Request",
    "Rules",
    "ScheduleConfig",
    "Slot",
    "find_slots",
    "horizon_end",
    "rules_from_schedule",
    "why_not",
]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_LONG_EVENT = 2 * 86400.0  # longer events sit in a short side list so bisect windows stay narrow
_MINUTE = 60.0

MinuteRange = tuple[int, int]  # minutes after local midnight; the end may be 1440 (midnight)


class EventStatus(StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One event of the agent's calendar, reduced to what availability needs: never a title.

    All-day and floating events are already placed in the home zone by the reader; `series` carries the
    recurrence (then `start`/`end` are the first occurrence).
    """

    start: datetime
    end: datetime
    all_day: bool = False
    busy: bool = True
    status: EventStatus = EventStatus.CONFIRMED
    declined: bool = False
    series: Series | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "CalendarEvent.start")
        require_aware(self.end, "CalendarEvent.end")
        if self.end < self.start:
            raise ValueError(f"event ends before it starts: {self.start} > {self.end}")

    @property
    def blocks_time(self) -> bool:
        """Cancelled, declined and free (transparent) events never block; tentative ones depend on the rules."""
        return self.busy and not self.declined and self.status is not EventStatus.CANCELLED


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


class BusyCalendar:
    """The blocking events of one calendar, indexed by time once and queried many times."""

    __slots__ = ("_ends", "_flags", "_long", "_longest", "_series", "_starts")

    def __init__(self, events: Iterable[CalendarEvent]) -> None:
        singles: list[tuple[float, float, int]] = []
        self._long: list[tuple[float, float, int]] = []
        self._series: list[tuple[float, float, Series, int]] = []
        for ev in events:
            if not ev.blocks_time:
                continue
            flags = (0 if ev.all_day else _MEETING) | (_TENTATIVE if ev.status is EventStatus.TENTATIVE else 0)
            if ev.series is not None:
                last = math.inf if ev.series.last_end is None else ev.series.last_end.timestamp()
                self._series.append((ev.start.timestamp(), last, ev.series, flags))
                continue
            s, e = ev.start.timestamp(), ev.end.timestamp()
            (self._long if e - s > _LONG_EVENT else singles).append((s, e, flags))
        singles.sort()
        self._starts = [s for s, _, _ in singles]
        self._ends = [e for _, e, _ in singles]
        self._flags = [f for _, _, f in singles]
        self._longest = max((e - s for s, e, _ in singles), default=0.0)

    def __len__(self) -> int:
        return len(self._starts) + len(self._long) + len(self._series)

    def busy(self, lo: float, hi: float) -> list[tuple[float, float, int]]:
        """(start, end, flags) of every blocking occurrence overlapping [lo, hi), in epoch seconds."""
        i = bisect_left(self._starts, lo - self._longest)
        j = bisect_left(self._starts, hi)
        ends, flags, starts = self._ends, self._flags, self._starts
        found = [(starts[k], ends[k], flags[k]) for k in range(i, j) if ends[k] > lo]
        found.extend(item for item in self._long if item[0] < hi and item[1] > lo)
        for first, last, series, f in self._series:
            if first < hi and last > lo:
                found.extend((b, e, f) for b, e in occurrence_stamps(series, lo, hi))
        return found

    def intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Blocking time overlapping [start, end), for display and tests."""
        return [
            Interval(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC))
            for s, e, _ in sorted(self.busy(start.timestamp(), end.timestamp()))
        ]


_MEETING = 1
_TENTATIVE = 2


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
    return datetime.fromtimestamp(_local(day + timedelta(days=1), 0, rules.zone), rules.zone)


def find_slots(
    calendar: BusyCalendar,
    rules: Rules,
    *,
    now: datetime,
    request: Request | None = None,
    holds: Sequence[Interval] = (),
) -> list[Slot]:
    """The best free slots, best first; an empty list when nothing satisfies the rules and the request."""
    q = _Query(calendar, rules, now, request or Request(), holds)
    candidates_by_day: dict[date, list[tuple[tuple[int, int, float], float]]] = {}
    for a, b in q.free_gaps():
        q.add_candidates(a, b, candidates_by_day)
    return q.select(candidates_by_day)


def why_not(
    calendar: BusyCalendar,
    rules: Rules,
    start: datetime,
    *,
    now: datetime,
    request: Request | None = None,
    holds: Sequence[Interval] = (),
) -> tuple[Blocker, ...]:
    """Every reason the meeting starting at `start` cannot be offered; empty when it can.

    Any start is judged, not only those on the slot grid: a person asking "why not 10:05?" deserves the
    real answer, and the grid only decides which free times `find_slots` lists.
    """
    require_aware(start, "start")
    q = _Query(calendar, rules, now, request or Request(), holds)
    s = start.timestamp()
    e = s + q.dur
    found: list[Blocker] = []
    if s < q.notice_end:
        found.append(Blocker.NOTICE)
    if q.req.earliest is not None and s < q.req.earliest.timestamp():
        found.append(Blocker.EARLIEST)
    if q.req.latest is not None and e > q.req.latest.timestamp():
        found.append(Blocker.LATEST)
    if e > q.horizon:
        found.append(Blocker.HORIZON)
    day = datetime.fromtimestamp(s, rules.zone).date()
    hours = rules.hours_on(day)
    if not hours:
        found.append(Blocker.DAY_OFF)
    elif not any(_local(day, a, rules.zone) <= s and e <= _local(day, b, rules.zone) for a, b in hours):
        found.append(Blocker.OUTSIDE_HOURS)
    if _overlaps_any(s, e, _spans(rules.out_of_office)):
        found.append(Blocker.OUT_OF_OFFICE)
    if q.req.windows and not any(w.start.timestamp() <= s and e <= w.end.timestamp() for w in q.req.windows):
        found.append(Blocker.OUTSIDE_WINDOWS)
    if _overlaps_any(s, e, _spans(q.req.avoid)):
        found.append(Blocker.AVOID)
    events = calendar.busy(s - q.pad, e + q.pad)
    blocking = [(a, b) for a, b, f in events if q.counts(f)]
    held = _spans(holds)
    if _overlaps_any(s, e, blocking):
        found.append(Blocker.BUSY)
    if _overlaps_any(s, e, held):
        found.append(Blocker.HOLD)
    clear = Blocker.BUSY not in found and Blocker.HOLD not in found
    if clear and _overlaps_any(s - q.pad, e + q.pad, blocking + held):
        found.append(Blocker.BUFFER)
    if _overlaps_any(s, e, _spans(q.req.others_busy)):
        found.append(Blocker.OTHERS_BUSY)
    found.extend(q.caps_hit(day))
    return tuple(found)


class _Query:
    """One question to the engine: the bounds, loads and gaps it needs, computed once."""

    def __init__(
        self, calendar: BusyCalendar, rules: Rules, now: datetime, req: Request, holds: Sequence[Interval]
    ) -> None:
        require_aware(now, "now")
        self.cal, self.rules, self.req, self.holds = calendar, rules, req, holds
        self.zone = rules.zone
        self.dur = rules.pick_duration(req.duration).total_seconds()
        self.pad = (rules.buffer_before + rules.buffer_after).total_seconds()
        self.notice_end = (now + rules.min_notice).timestamp()
        self.horizon = horizon_end(rules, now).timestamp()
        self.lo = max(self.notice_end, req.earliest.timestamp() if req.earliest else -math.inf)
        self.hi = min(self.horizon, req.latest.timestamp() if req.latest else math.inf)
        self.day_index0 = datetime.fromtimestamp(max(self.lo, now.timestamp()), self.zone).date()
        self.preferred = _merge(_spans(req.preferred))
        self.preferred_starts = [a for a, _ in self.preferred]

    def counts(self, flags: int) -> bool:
        return self.rules.tentative_as_busy or not flags & _TENTATIVE

    # ----- caps
    def _day_loads(self, first: date, last: date) -> dict[date, tuple[int, float]]:
        """Meetings and meeting seconds per local date, holds included, for dates in [first, last]."""
        lo = _local(first, 0, self.zone)
        hi = _local(last + timedelta(days=1), 0, self.zone)
        loads: dict[date, tuple[int, float]] = {}
        starts = [(a, b) for a, b, f in self.cal.busy(lo, hi) if f & _MEETING and self.counts(f)]
        starts.extend(_spans(self.holds))
        for a, b in starts:
            if lo <= a < hi:
                day = datetime.fromtimestamp(a, self.zone).date()
                n, secs = loads.get(day, (0, 0.0))
                loads[day] = (n + 1, secs + (b - a))
        return loads

    def caps_hit(self, day: date) -> list[Blocker]:
        r = self.rules
        if not (r.max_per_day or r.max_per_week or r.max_minutes_per_day):
            return []
        week0 = day - timedelta(days=day.weekday())
        loads = self._day_loads(week0, week0 + timedelta(days=6))
        return self._caps_from(loads, day)

    def _caps_from(self, loads: Mapping[date, tuple[int, float]], day: date) -> list[Blocker]:
        r = self.rules
        hit: list[Blocker] = []
        n, secs = loads.get(day, (0, 0.0))
        if r.max_per_day and n >= r.max_per_day:
            hit.append(Blocker.CAP_DAY)
        if r.max_per_week:
            week0 = day - timedelta(days=day.weekday())
            week = sum(loads.get(week0 + timedelta(days=i), (0, 0.0))[0] for i in range(7))
            if week >= r.max_per_week:
                hit.append(Blocker.CAP_WEEK)
        if r.max_minutes_per_day and secs + self.dur > r.max_minutes_per_day * _MINUTE:
            hit.append(Blocker.CAP_MINUTES)
        return hit

    # ----- free time
    def free_gaps(self) -> list[tuple[float, float]]:
        """Working time inside the bounds and windows, minus everything that blocks, as sorted gaps."""
        if self.hi - self.lo < self.dur:
            return []
        first = datetime.fromtimestamp(self.lo, self.zone).date()
        last = datetime.fromtimestamp(self.hi, self.zone).date()
        r = self.rules
        loads = None
        if r.max_per_day or r.max_per_week or r.max_minutes_per_day:
            loads = self._day_loads(first - timedelta(days=first.weekday()), last + timedelta(days=6))
        open_spans: list[tuple[float, float]] = []
        day = first
        while day <= last:
            if not (loads is not None and self._caps_from(loads, day)):
                for a, b in r.hours_on(day):
                    lo, hi = max(_local(day, a, self.zone), self.lo), min(_local(day, b, self.zone), self.hi)
                    if hi - lo >= self.dur:
                        open_spans.append((lo, hi))
            day += timedelta(days=1)
        if self.req.windows:
            open_spans = _intersect(open_spans, _merge(_spans(self.req.windows)))
        if not open_spans:
            return []
        lo, hi = open_spans[0][0], open_spans[-1][1]
        pad = self.pad
        blocked = [(a - pad, b + pad) for a, b, f in self.cal.busy(lo - pad, hi + pad) if self.counts(f)]
        blocked.extend((a - pad, b + pad) for a, b in _spans(self.holds))
        for extra in (self.req.others_busy, self.req.avoid, r.out_of_office):
            blocked.extend(_spans(extra))
        return [(a, b) for a, b in _subtract(open_spans, _merge(blocked)) if b - a >= self.dur]

    def add_candidates(self, a: float, b: float, out: dict[date, list[tuple[tuple[int, int, float], float]]]) -> None:
        """Every start on the slot grid inside the gap [a, b), keyed by (not preferred, fragments, time of day)."""
        dur, step = self.dur, self.rules.slot_interval.total_seconds()
        frag = self.rules.min_fragment.total_seconds()
        preferred, pref_starts = self.preferred, self.preferred_starts
        s = first = self._first_on_grid(a)
        if s + dur > b:
            return
        local = datetime.fromtimestamp(s, self.zone)
        day = local.date()
        midnight = _local(day, 0, self.zone)
        bucket = out.setdefault(day, [])
        while s + dur <= b:
            lead, trail = s - first, b - s - dur  # what rounding leaves before `first` is lost anyway
            fragments = (0 < lead < frag) + (0 < trail < frag)
            k = bisect_right(pref_starts, s) - 1
            in_pref = k >= 0 and preferred[k][1] >= s + dur
            bucket.append(((0 if in_pref else 1, fragments, (s - midnight) / 86400.0), s))
            s += step

    def _first_on_grid(self, a: float) -> float:
        """The first start at or after `a` on the rounding grid of local wall-clock minutes."""
        local = datetime.fromtimestamp(a, self.zone)
        r = self.rules.round_to.total_seconds() / _MINUTE
        minutes = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
        target = math.ceil(minutes / r - 1e-9) * r
        s = _local(local.date(), target, self.zone)
        while s < a:
            s += r * _MINUTE
        return s

    def select(self, by_day: dict[date, list[tuple[tuple[int, int, float], float]]]) -> list[Slot]:
        """Greedy, best first: a new day beats a day already used, then preference, day, fragments, time."""
        want = self.req.count or self.rules.proposals
        for items in by_day.values():
            items.sort()
        used: dict[date, int] = {}
        chosen: list[tuple[float, float]] = []
        picked: list[Slot] = []
        while len(picked) < want:
            best: tuple[tuple[int, int, int, int, float], float, date] | None = None
            for day, items in by_day.items():
                for key, s in items:
                    if _overlaps_any(s - self.pad, s + self.dur + self.pad, chosen):
                        continue
                    repeat = used.get(day, 0) if self.rules.spread_over_days else 0
                    full = (repeat, key[0], (day - self.day_index0).days, key[1], key[2])
                    if best is None or full < best[0]:
                        best = (full, s, day)
                    break
            if best is None:
                break
            full, s, day = best
            used[day] = used.get(day, 0) + 1
            chosen.append((s, s + self.dur))
            picked.append(self._slot(s, full, min(start for _, start in by_day[day])))
        return picked

    def _slot(self, s: float, key: tuple[int, int, int, int, float], earliest: float) -> Slot:
        repeat, not_pref, day_no, fragments, tod = key
        score = -1e7 * repeat - 1e6 * not_pref - 1e3 * day_no - 100 * fragments - 99 * tod
        reasons = []
        if self.req.preferred and not not_pref:
            reasons.append("inside a preferred time")
        if self.rules.spread_over_days and not repeat:
            reasons.append("on a day of its own")
        if s == earliest:
            reasons.append("earliest free time that day")
        if not fragments:
            reasons.append("leaves no unusably short gap")
        start = datetime.fromtimestamp(s, self.zone)
        return Slot(start, datetime.fromtimestamp(s + self.dur, self.zone), score, tuple(reasons))


def _local(day: date, minute: float, zone: ZoneInfo) -> float:
    """Epoch seconds of a wall-clock minute on a local date (1440 = next midnight); gaps move forward."""
    if minute >= 1440:
        day, minute = day + timedelta(days=1), minute - 1440
    whole = int(minute)
    seconds = (minute - whole) * 60
    stamp = datetime(day.year, day.month, day.day, whole // 60, whole % 60, tzinfo=zone).timestamp()
    return stamp + seconds


def _spans(items: Iterable[Interval]) -> list[tuple[float, float]]:
    return [(i.start.timestamp(), i.end.timestamp()) for i in items]


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, disjoint union of spans; touching spans join."""
    spans.sort()
    out: list[tuple[float, float]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _subtract(spans: list[tuple[float, float]], holes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted disjoint `spans` minus sorted disjoint `holes`, in one sweep."""
    out: list[tuple[float, float]] = []
    j = 0
    for a, b in spans:
        while j < len(holes) and holes[j][1] <= a:
            j += 1
        k = j
        cur = a
        while k < len(holes) and holes[k][0] < b:
            if holes[k][0] > cur:
                out.append((cur, holes[k][0]))
            cur = max(cur, holes[k][1])
            k += 1
        if cur < b:
            out.append((cur, b))
    return out


def _intersect(xs: list[tuple[float, float]], ys: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if a < b:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def _overlaps_any(a: float, b: float, spans: Iterable[tuple[float, float]]) -> bool:
    return any(x < b and a < y for x, y in spans)


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
    return tuple((int(a), int(b)) for a, b in _merge([(float(a), float(b)) for a, b in ranges]))


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
