"""Window-only recurrence: agrees with recurring-ical-events on vendor calendars and with plain dateutil
iteration from DTSTART on random rules (so re-anchoring the rule never changes an occurrence)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import x_wr_timezone
from dateutil.rrule import rrulestr
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scheduler_agent.calendar_ics import events_from_ics
from scheduler_agent.recurrence import make_series, occurrences, parse_date_list, split_recurrence_lines

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
NY = ZoneInfo("America/New_York")
HOME = ZoneInfo("Europe/Berlin")


def ours(text: str, lo: datetime, hi: datetime) -> set[tuple[datetime, datetime]]:
    """Every occurrence (blocking or not) our reader and expander find in [lo, hi), in UTC."""
    found: set[tuple[datetime, datetime]] = set()
    for ev in events_from_ics(text, home=HOME):
        spans = occurrences(ev.series, lo, hi) if ev.series else [(ev.start, ev.end)]
        found.update((a.astimezone(UTC), b.astimezone(UTC)) for a, b in spans if a < hi and b > lo)
    return found


def reference(text: str, lo: datetime, hi: datetime) -> set[tuple[datetime, datetime]]:
    """The same through recurring-ical-events (and x-wr-timezone, as Google calendars need)."""
    cal = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(text))
    found: set[tuple[datetime, datetime]] = set()
    for ev in recurring_ical_events.of(cal).between(lo, hi):
        a, b = _utc(ev["DTSTART"].dt), _utc(ev["DTEND"].dt)
        if a < hi and b > lo:
            found.add((a, b))
    return found


def _utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=HOME)
    return value.astimezone(UTC)


WINDOWS = [
    (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)),
    (datetime(2026, 3, 6, tzinfo=UTC), datetime(2026, 3, 20, tzinfo=UTC)),  # US spring-forward inside
    (datetime(2026, 3, 27, 12, tzinfo=UTC), datetime(2026, 4, 8, tzinfo=UTC)),  # EU and Adelaide changes
]


@pytest.mark.parametrize("name", ["google.ics", "outlook.ics", "apple.ics"])
@pytest.mark.parametrize(("lo", "hi"), WINDOWS)
def test_vendor_calendars_agree_with_recurring_ical_events(name: str, lo: datetime, hi: datetime) -> None:
    text = (FIXTURES / name).read_text()
    mine = ours(text, lo, hi)
    assert mine == reference(text, lo, hi)
    assert mine, "each window holds occurrences"


def test_google_utc_series_keeps_local_time_across_dst() -> None:
    text = (FIXTURES / "google.ics").read_text()
    la = ZoneInfo("America/Los_Angeles")
    (event,) = [
        e
        for e in events_from_ics(text, home=NY)
        if e.series and e.start.astimezone(la).hour == 9 and e.start.minute == 0
    ]
    assert event.series is not None
    starts = [
        a.astimezone(la)
        for a, _ in occurrences(event.series, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 20, tzinfo=UTC))
    ]
    assert [(s.day, s.hour) for s in starts] == [(3, 9), (10, 9), (17, 9)]


def test_weekly_meeting_keeps_wall_time_and_exdates_apply() -> None:
    s = make_series(
        datetime(2026, 2, 2, 9, tzinfo=NY),
        timedelta(minutes=30),
        rrules=["RRULE:FREQ=WEEKLY;BYDAY=MO"],
        exdates=[datetime(2026, 3, 16, 13, tzinfo=UTC)],
    )
    got = list(occurrences(s, datetime(2026, 3, 1, tzinfo=NY), datetime(2026, 3, 24, tzinfo=NY)))
    assert [(a.day, a.hour, a.utcoffset()) for a, _ in got] == [
        (2, 9, timedelta(hours=-5)),
        (9, 9, timedelta(hours=-4)),
        (23, 9, timedelta(hours=-4)),
    ]
    assert s.last_end is None


def test_nonexistent_local_time_moves_forward() -> None:
    s = make_series(datetime(2026, 3, 1, 2, 30, tzinfo=NY), timedelta(minutes=30), rrules=["FREQ=DAILY;COUNT=10"])
    got = list(occurrences(s, datetime(2026, 3, 8, tzinfo=NY), datetime(2026, 3, 9, tzinfo=NY)))
    assert [a.astimezone(UTC) for a, _ in got] == [datetime(2026, 3, 8, 7, 30, tzinfo=UTC)]


def test_bounded_series_know_their_end_and_stop() -> None:
    counted = make_series(datetime(2026, 1, 5, 9, tzinfo=NY), timedelta(hours=1), rrules=["FREQ=DAILY;COUNT=3"])
    assert counted.last_end == datetime(2026, 1, 7, 10, tzinfo=NY)
    until_date = make_series(
        datetime(2026, 1, 5, 9, tzinfo=NY), timedelta(hours=1), rrules=["FREQ=DAILY;UNTIL=20260107"]
    )
    got = list(occurrences(until_date, datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 2, 1, tzinfo=NY)))
    assert [a.day for a, _ in got] == [5, 6, 7]


def test_dtstart_counts_even_when_the_rule_skips_it() -> None:
    s = make_series(datetime(2026, 1, 6, 9, tzinfo=NY), timedelta(hours=1), rrules=["FREQ=WEEKLY;BYDAY=MO;COUNT=2"])
    got = list(occurrences(s, datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 2, 1, tzinfo=NY)))
    assert [a.day for a, _ in got] == [6, 12, 19]


def test_all_day_series_are_whole_local_days() -> None:
    s = make_series(datetime(2026, 3, 7, tzinfo=NY), timedelta(days=1), rrules=["FREQ=DAILY;COUNT=3"], all_day=True)
    got = list(occurrences(s, datetime(2026, 3, 1, tzinfo=NY), datetime(2026, 3, 31, tzinfo=NY)))
    assert [b.astimezone(UTC) - a.astimezone(UTC) for a, b in got] == [timedelta(hours=h) for h in (24, 23, 24)]


def test_nylas_recurrence_lines() -> None:
    rules, rdates, exdates = split_recurrence_lines(
        ["RRULE:FREQ=WEEKLY;BYDAY=TU", "EXDATE;TZID=Europe/Berlin:20260310T100000", "RDATE:20260312T090000Z"], NY
    )
    assert rules == ["FREQ=WEEKLY;BYDAY=TU"]
    assert exdates == [datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Europe/Berlin"))]
    assert rdates == [datetime(2026, 3, 12, 9, tzinfo=UTC)]
    assert parse_date_list("20260310", NY) == [datetime(2026, 3, 10, tzinfo=NY)]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["RRULE:FREQ=SOMETIMES"], "unreadable RRULE"),
        (["RRULE:BYDAY=MO"], "without FREQ"),
        (["RRULE:FREQ=DAILY;UNTIL=tomorrow"], "UNTIL"),
        (["RRULE:FREQ=DAILY;" + "X" * 2000], "unreadable RRULE"),
    ],
)
def test_bad_rules_are_value_errors(lines: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_series(datetime(2026, 1, 1, 9, tzinfo=NY), timedelta(hours=1), rrules=lines)


def test_bad_recurrence_lines_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown recurrence line"):
        split_recurrence_lines(["FOO:BAR"], NY)
    with pytest.raises(ValueError, match="unreadable date"):
        parse_date_list("2026-03-10", NY)
    with pytest.raises(ValueError, match="timezone-aware"):
        make_series(datetime(2026, 1, 1), timedelta(hours=1))


# ----- property: re-anchoring never changes what a window sees

ZONES = [NY, ZoneInfo("Asia/Kolkata"), ZoneInfo("Australia/Adelaide"), ZoneInfo("Europe/London"), UTC]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rule_texts(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 4))}"]
    if freq in {"DAILY", "WEEKLY"} and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))))
    if freq == "MONTHLY":
        kind = draw(st.sampled_from(["none", "monthday", "nth"]))
        if kind == "monthday":
            parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 15, 28, 30, 31, -1]))}")
        elif kind == "nth":
            parts.append(f"BYDAY={draw(st.sampled_from(['1', '2', '-1']))}{draw(st.sampled_from(DAYS))}")
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(DAYS))}")
    bound = draw(st.sampled_from(["none", "until", "count"]))
    if bound == "until":
        parts.append(f"UNTIL={draw(st.integers(2027, 2031))}0601T000000Z")
    elif bound == "count":
        parts.append(f"COUNT={draw(st.integers(1, 80))}")
    return ";".join(parts)


def brute(start: datetime, length: timedelta, rule: str, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """The obvious expansion: iterate from DTSTART with dateutil, in wall time, nothing skipped."""
    zone: tzinfo = start.tzinfo  # type: ignore[assignment]
    wall = start.replace(tzinfo=None)
    text = rule
    if "UNTIL=" in rule:
        until = datetime.strptime(rule.split("UNTIL=")[1][:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        text = rule.replace(rule.split("UNTIL=")[1][:16], until.astimezone(zone).strftime("%Y%m%dT%H%M%S"))
    walls = set(
        rrulestr(text, dtstart=wall).between(
            wall - timedelta(days=3), hi.astimezone(zone).replace(tzinfo=None) + timedelta(days=3), inc=True
        )
    )
    walls.add(wall)
    out = []
    for w in sorted(walls):
        a = w.replace(tzinfo=zone)
        b = (a.astimezone(UTC) + length).astimezone(zone)
        if a < hi and b > lo:
            out.append((a, b))
    return out


@settings(max_examples=300, deadline=None)
@given(
    rule=rule_texts(),
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2012, 1, 1), max_value=datetime(2026, 12, 31)),
    offset_days=st.integers(0, 365 * 6),
    span_days=st.integers(1, 70),
    minutes=st.sampled_from([15, 30, 60, 180]),
)
@example(  # a fold=1 start must not move a later occurrence at the repeated hour to its second instance
    rule="FREQ=DAILY;INTERVAL=1",
    zone=ZoneInfo("Australia/Adelaide"),
    start=datetime(2016, 3, 31, 2, 0, fold=1),
    offset_days=0,
    span_days=4,
    minutes=15,
)
def test_window_expansion_equals_iterating_from_dtstart(
    rule: str, zone: tzinfo, start: datetime, offset_days: int, span_days: int, minutes: int
) -> None:
    first = start.replace(second=0, microsecond=0, tzinfo=zone)
    lo = (first + timedelta(days=offset_days)).astimezone(UTC)
    hi = lo + timedelta(days=span_days)
    length = timedelta(minutes=minutes)
    series = make_series(first, length, rrules=[rule])
    got = [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in occurrences(series, lo, hi)]
    want = [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in brute(first, length, rule, lo, hi)]
    assert got == want


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
        ("FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31", "never occurs"),
        ("FREQ=MONTHLY;BYDAY=6MO", "never occurs"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=9", "never occurs"),
        ("FREQ=MINUTELY", "not a meeting rule"),
        ("FREQ=SECONDLY;COUNT=5", "not a meeting rule"),
        ("FREQ=DAILY;COUNT=many", "COUNT is not a number"),
        ("FREQ=YEARLY;BYMONTH=13", "out of range"),
    ],
)
def test_hostile_rules_are_refused_when_parsed(rule: str, message: str) -> None:
    """dateutil would search until the year 9999 for some of these on every query."""
    with pytest.raises(ValueError, match=message):
        make_series(datetime(2026, 1, 1, 9, tzinfo=NY), timedelta(hours=1), rrules=[rule])


def test_a_huge_count_is_treated_as_endless() -> None:
    s = make_series(datetime(1990, 1, 1, 9, tzinfo=NY), timedelta(hours=1), rrules=["FREQ=DAILY;COUNT=1000000000"])
    assert s.last_end is None
    got = list(occurrences(s, datetime(2026, 3, 1, tzinfo=NY), datetime(2026, 3, 8, tzinfo=NY)))
    assert len(got) == 7


def test_a_count_rule_that_only_matches_dtstart_keeps_dtstart() -> None:
    s = make_series(
        datetime(2026, 1, 5, 9, tzinfo=NY),
        timedelta(hours=1),
        rrules=["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=1;UNTIL=20270101T000000Z"],
    )
    got = list(occurrences(s, datetime(2026, 1, 1, tzinfo=NY), datetime(2027, 1, 1, tzinfo=NY)))
    assert [a.date() for a, _ in got] == [date(2026, 1, 5)]


ICS_ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide"]


@settings(max_examples=150, deadline=None)
@given(
    rule=rule_texts(),
    zone_name=st.sampled_from(ICS_ZONES),
    start=st.datetimes(min_value=datetime(2022, 1, 1), max_value=datetime(2026, 6, 30)),
    minutes=st.sampled_from([30, 60, 90]),
    exclude=st.booleans(),
    move=st.booleans(),
    offset_days=st.integers(0, 900),
)
def test_random_ics_series_agree_with_recurring_ical_events(
    rule: str, zone_name: str, start: datetime, minutes: int, exclude: bool, move: bool, offset_days: int
) -> None:
    """A whole VEVENT (TZID, RRULE, EXDATE, a moved occurrence) through our reader and through the reference."""
    zone = ZoneInfo(zone_name)
    first = start.replace(second=0, microsecond=0)
    plain = make_series(first.replace(tzinfo=zone), timedelta(minutes=minutes), rrules=[rule])
    upcoming = [
        a for a, _ in occurrences(plain, first.replace(tzinfo=zone), first.replace(tzinfo=zone) + timedelta(days=800))
    ]
    stamp = "%Y%m%dT%H%M%S"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:s@example.com"]
    lines += [f"DTSTART;TZID={zone_name}:{first:{stamp}}", f"DURATION:PT{minutes}M", f"RRULE:{rule}"]
    if exclude and len(upcoming) > 1:
        lines.append(f"EXDATE;TZID={zone_name}:{upcoming[1]:{stamp}}")
    lines.append("END:VEVENT")
    if move and len(upcoming) > 2:
        moved = upcoming[2] + timedelta(hours=3)
        lines += ["BEGIN:VEVENT", "UID:s@example.com", f"RECURRENCE-ID;TZID={zone_name}:{upcoming[2]:{stamp}}"]
        lines += [f"DTSTART;TZID={zone_name}:{moved:{stamp}}", f"DURATION:PT{minutes}M", "END:VEVENT"]
    text = "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"
    lo = (first + timedelta(days=offset_days)).replace(tzinfo=zone).astimezone(UTC)
    hi = lo + timedelta(days=45)
    mine, theirs = ours(text, lo, hi), reference(text, lo, hi)
    if 1 <= first.hour < 4:
        # On a spring-forward day a 02:00 occurrence does not exist; both move it to 03:00, but the reference
        # then ends it at 02:00 + PT60M in wall time (a zero-length event). RFC 5545 makes hours in a DURATION
        # exact, so ours lasts the full hour: compare starts only for these night-time series.
        mine, theirs = {a for a, _ in mine}, {a for a, _ in theirs}  # type: ignore[assignment]
    assert mine == theirs
