"""`scheduler-agent bench slots`: the availability engine against the obvious approach, same calendars.

Each size is a synthetic calendar spread over five years around `now`: single meetings in office hours
plus 5% recurring series (weekly, daily or monthly; bounded by COUNT or UNTIL, a few endless), each with
two EXDATEs and one moved occurrence. The engine answers from its index (built once, reported apart as
`index_ms`). The baseline is what one writes first: expand the calendar with `recurring-ical-events`,
then test every slot start against every busy interval. Both must return the same slots (`agree`), so
the speed-up is never bought with a wrong answer. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TypeVar
from zoneinfo import ZoneInfo

import icalendar

from .busy_calendar import BusyCalendar, CalendarEvent, EventStatus
from .recurrence import make_series, occurrences
from .slot_rules import Rules, horizon_end
from .slots import find_slots

T = TypeVar("T")
ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=ZONE)
SPAN_DAYS = 5 * 365
HORIZON_DAYS = 30
RULES = Rules(
    zone=ZONE,
    weekly=(((540, 720), (780, 1020)),) * 5 + ((), ()),
    duration=timedelta(minutes=30),
    buffer_before=timedelta(minutes=10),
    buffer_after=timedelta(minutes=10),
    min_notice=timedelta(hours=4),
    horizon_days=HORIZON_DAYS,
    min_fragment=timedelta(),  # rank purely by time, so the brute-force baseline must find the same slots
)
_DAYS = ("MO", "TU", "WE", "TH", "FR")


@dataclass(frozen=True, slots=True)
class Sample:
    """One synthetic calendar in both shapes: engine events and the iCalendar text of the same events."""

    events: list[CalendarEvent]
    ics: str
    series: int


def synthetic_calendar(n: int, *, seed: int = 7) -> Sample:
    """`n` events, 5% of them recurring series with exceptions, deterministic for a seed."""
    rng = random.Random(seed)
    first_day = (NOW - timedelta(days=SPAN_DAYS // 2)).date()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//scheduler-agent//bench//EN"]
    events: list[CalendarEvent] = []
    n_series = n // 20
    for i in range(n):
        day = first_day + timedelta(days=rng.randrange(SPAN_DAYS))
        start = datetime(day.year, day.month, day.day, rng.randrange(7, 19), rng.choice((0, 15, 30, 45)), tzinfo=ZONE)
        length = timedelta(minutes=rng.choice((15, 30, 30, 45, 60, 60, 90, 120)))
        tentative = rng.random() < 0.1
        uid = f"bench-{i}@example.com"
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART;TZID=America/New_York:{_ical(start)}"]
        lines.append(f"DTEND;TZID=America/New_York:{_ical(start + length)}")
        if tentative:
            lines.append("STATUS:TENTATIVE")
        series = None
        if i < n_series:
            rule = _series_rule(rng, start)
            plain = make_series(start, length, rrules=[rule])
            firsts = [a for a, _ in islice(occurrences(plain, start, start + timedelta(days=400)), 6)]
            exdates, moved = firsts[1:3], firsts[3:4]
            lines.append(f"RRULE:{rule}")
            lines += [f"EXDATE;TZID=America/New_York:{_ical(d)}" for d in exdates]
            series = make_series(start, length, rrules=[rule], exdates=[*exdates, *moved])
            for moved_from in moved:  # the fourth occurrence moves to the next day, an hour later
                moved_to = moved_from + timedelta(days=1, hours=1)
                lines += ["END:VEVENT", "BEGIN:VEVENT", f"UID:{uid}"]
                lines.append(f"RECURRENCE-ID;TZID=America/New_York:{_ical(moved_from)}")
                lines.append(f"DTSTART;TZID=America/New_York:{_ical(moved_to)}")
                lines.append(f"DTEND;TZID=America/New_York:{_ical(moved_to + length)}")
                events.append(CalendarEvent(start=moved_to, end=moved_to + length))
        lines.append("END:VEVENT")
        status = EventStatus.TENTATIVE if tentative else EventStatus.CONFIRMED
        events.append(CalendarEvent(start=start, end=start + length, status=status, series=series))
    lines.append("END:VCALENDAR")
    return Sample(events=events, ics="\r\n".join(lines) + "\r\n", series=n_series)


def _series_rule(rng: random.Random, start: datetime) -> str:
    """Mostly weekly, some weekday-daily and monthly; bounded by COUNT or UNTIL (weeks to months), 1 in 20 endless."""
    kind = rng.random()
    if kind < 0.7:
        rule = f"FREQ=WEEKLY;BYDAY={_DAYS[start.weekday() % 5]}"
    elif kind < 0.8:
        rule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
    else:
        rule = "FREQ=MONTHLY"
    bound = rng.random()
    if bound < 0.05:
        return rule
    if bound < 0.5:
        return rule + f";COUNT={rng.randrange(4, 20)}"
    return rule + f";UNTIL={(start + timedelta(days=rng.randrange(30, 120))).astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _ical(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def baseline(calendar: icalendar.Calendar, rules: Rules, now: datetime) -> list[datetime]:
    """The obvious way: expand with recurring-ical-events, then test every slot start against every interval."""
    import recurring_ical_events

    zone = rules.zone
    pad = rules.buffer_before + rules.buffer_after
    lo, hi = now + rules.min_notice, horizon_end(rules, now)
    busy = []
    for ev in recurring_ical_events.of(calendar).between(lo - pad, hi + pad):
        if str(ev.get("TRANSP", "")).upper() == "TRANSPARENT" or str(ev.get("STATUS", "")).upper() == "CANCELLED":
            continue
        busy.append((ev["DTSTART"].dt - pad, ev["DTEND"].dt + pad))
    step = rules.slot_interval
    t = lo.astimezone(zone).replace(second=0, microsecond=0)
    t += timedelta(minutes=-t.minute % int(rules.round_to.total_seconds() // 60))
    found: list[datetime] = []
    days: set[object] = set()
    while t + rules.duration <= hi and len(found) < rules.proposals:
        local = t.astimezone(zone)
        minute = local.hour * 60 + local.minute
        end_minute = minute + int(rules.duration.total_seconds() // 60)
        in_hours = any(a <= minute and end_minute <= b for a, b in rules.hours_on(local.date()))
        if in_hours and local.date() not in days and not any(s < t + rules.duration and t < e for s, e in busy):
            found.append(t)
            days.add(local.date())
        t = (t.astimezone(UTC) + step).astimezone(zone)
    return found


def _timed(fn: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    times: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def measure(n: int, *, repeat: int, baseline_repeat: int) -> dict[str, object]:
    """Figures for one calendar size."""
    sample = synthetic_calendar(n)
    t0 = time.perf_counter()
    cal = BusyCalendar(sample.events)
    index_ms = (time.perf_counter() - t0) * 1000
    times, slots = _timed(lambda: find_slots(cal, RULES, now=NOW), repeat)
    parsed = icalendar.Calendar.from_ical(sample.ics)
    base_times, base_slots = _timed(lambda: baseline(parsed, RULES, NOW), baseline_repeat)
    lo, hi = NOW.timestamp(), horizon_end(RULES, NOW).timestamp()
    in_window = len(cal.busy(lo, hi))
    median = statistics.median(times)
    base_median = statistics.median(base_times)
    return {
        "events": n,
        "series": sample.series,
        "horizon_days": HORIZON_DAYS,
        "busy_in_window": in_window,
        "index_ms": round(index_ms, 2),
        "median_ms": round(median, 3),
        "p95_ms": round(_p95(times), 3),
        "baseline_median_ms": round(base_median, 1),
        "speedup": round(base_median / median, 1),
        "slots": len(slots),
        "agree": [s.start for s in slots] == base_slots,
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def run_bench(*, quick: bool = False, as_json: bool = False) -> int:
    """Print one line (JSON object or table row) per size; exit 0 when both approaches agree everywhere."""
    sizes = [(1_000, 50, 5), (10_000, 30, 2)] if quick else [(1_000, 200, 5), (10_000, 100, 3), (100_000, 50, 1)]
    if not as_json:
        print(
            f"{'events':>8} {'series':>7} {'busy/win':>8} {'index ms':>9} {'median ms':>10} {'p95 ms':>8} "
            f"{'baseline ms':>12} {'speedup':>8} {'slots':>5} agree"
        )
    ok = True
    for n, repeat, baseline_repeat in sizes:
        row = measure(n, repeat=repeat, baseline_repeat=baseline_repeat)
        ok &= bool(row["agree"])
        if as_json:
            print(json.dumps(row), flush=True)
        else:
            print(
                f"{row['events']:>8} {row['series']:>7} {row['busy_in_window']:>8} {row['index_ms']:>9} "
                f"{row['median_ms']:>10} {row['p95_ms']:>8} {row['baseline_median_ms']:>12} {row['speedup']:>8} "
                f"{row['slots']:>5} {row['agree']}",
                flush=True,
            )
    return 0 if ok else 1
