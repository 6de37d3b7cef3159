"""Property tests over random calendars, rules and zones, checked against an independent oracle."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scheduler_agent.busy_calendar import BusyCalendar, CalendarEvent, EventStatus
from scheduler_agent.models import Interval
from scheduler_agent.slot_rules import Request, Rules, horizon_end
from scheduler_agent.slots import find_slots, why_not

ZONES = [
    ZoneInfo(z)
    for z in (
        "America/New_York",
        "Europe/London",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Australia/Adelaide",
        "Australia/Lord_Howe",
        "Asia/Tokyo",
        "Pacific/Chatham",
    )
]
MIN = timedelta(minutes=1)
BASE = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    cuts = sorted(draw(st.lists(st.integers(0, 96), min_size=0, max_size=4, unique=True)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return tuple((cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts), 2))


@st.composite
def intervals(draw: st.DrawFn, near: datetime, max_size: int) -> tuple[Interval, ...]:
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        start = near + draw(st.integers(0, 12 * 24 * 4)) * 15 * MIN
        out.append(Interval(start, start + draw(st.integers(1, 40)) * 15 * MIN))
    return tuple(out)


@st.composite
def scenarios(
    draw: st.DrawFn, simple: bool = False
) -> tuple[Rules, list[CalendarEvent], Request, datetime, list[Interval]]:
    zone = draw(st.sampled_from(ZONES))
    now = BASE + draw(st.integers(0, 364 * 24 * 4)) * 15 * MIN + draw(st.integers(0, 14)) * MIN
    step = draw(st.sampled_from([30, 60])) if simple else draw(st.sampled_from([15, 30, 60]))
    rules = Rules(
        zone=zone,
        weekly=tuple(draw(day_hours()) for _ in range(7)),
        overrides={(now + timedelta(days=draw(st.integers(0, 6)))).date(): draw(day_hours())},
        duration=draw(st.sampled_from([15, 30, 45, 60, 90])) * MIN,
        buffer_before=draw(st.sampled_from([0, 5, 10, 15])) * MIN,
        buffer_after=draw(st.sampled_from([0, 5, 10])) * MIN,
        min_notice=draw(st.sampled_from([0, 1, 4, 24])) * 60 * MIN,
        horizon_days=draw(st.integers(1, 4 if simple else 20)),
        horizon_business_days=False if simple else draw(st.booleans()),
        slot_interval=step * MIN,
        round_to=step * MIN if simple else draw(st.sampled_from([5, 15, 30, 60])) * MIN,
        max_per_day=draw(st.integers(0, 3)),
        max_per_week=draw(st.integers(0, 8)),
        max_minutes_per_day=draw(st.sampled_from([0, 60, 120, 240])),
        tentative_as_busy=draw(st.booleans()),
        spread_over_days=False if simple else draw(st.booleans()),
        min_fragment=0 * MIN if simple else draw(st.sampled_from([0, 15, 30])) * MIN,
        proposals=draw(st.integers(1, 5)),
    )
    events = []
    for _ in range(draw(st.integers(0, 40))):
        start = now - timedelta(days=2) + draw(st.integers(0, 24 * 24 * 4)) * 15 * MIN
        all_day = draw(st.integers(0, 9)) == 0
        if all_day:
            day = start.astimezone(zone).date()
            start = datetime(day.year, day.month, day.day, tzinfo=zone)
            end = start + timedelta(days=1)
        else:
            end = start + draw(st.integers(1, 24)) * 15 * MIN
        events.append(
            CalendarEvent(
                start=start,
                end=end,
                all_day=all_day,
                busy=draw(st.integers(0, 5)) > 0,
                status=draw(st.sampled_from(list(EventStatus))),
                declined=draw(st.integers(0, 6)) == 0,
            )
        )
    request = Request(
        windows=() if draw(st.integers(0, 3)) else draw(intervals(now, 3)),
        preferred=() if simple else draw(intervals(now, 2)),
        avoid=draw(intervals(now, 2)),
        others_busy=draw(intervals(now, 4)),
        earliest=None if draw(st.booleans()) else now + draw(st.integers(0, 96)) * 15 * MIN,
        latest=None if draw(st.booleans()) else now + draw(st.integers(4, 20 * 96)) * 15 * MIN,
    )
    holds = list(draw(intervals(now, 3)))
    return rules, events, request, now, holds


def _local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute == 1440:
        day, minute = day + timedelta(days=1), 0
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)


def _overlap(a: datetime, b: datetime, c: datetime, d: datetime) -> bool:
    return a.timestamp() < d.timestamp() and c.timestamp() < b.timestamp()


def check_slot(
    rules: Rules,
    events: list[CalendarEvent],
    req: Request,
    now: datetime,
    holds: list[Interval],
    s: datetime,
    e: datetime,
) -> None:
    """Every rule, re-derived from the inputs without the engine's internals."""
    zone, pad = rules.zone, rules.buffer_before + rules.buffer_after
    assert e.timestamp() - s.timestamp() == rules.duration.total_seconds()
    assert s.timestamp() >= (now + rules.min_notice).timestamp()
    assert e.timestamp() <= horizon_end(rules, now).timestamp()
    if not rules.horizon_business_days:
        assert s.astimezone(zone).date() <= now.astimezone(zone).date() + timedelta(days=rules.horizon_days)
    day = s.astimezone(zone).date()
    spans = [(_local(day, a, zone), _local(day, b, zone)) for a, b in rules.hours_on(day)]
    assert any(a.timestamp() <= s.timestamp() and e.timestamp() <= b.timestamp() for a, b in spans)
    meetings = []
    for ev in events:
        blocks = ev.blocks_time and (rules.tentative_as_busy or ev.status is not EventStatus.TENTATIVE)
        if blocks:
            assert not _overlap(s - pad, e + pad, ev.start, ev.end), "overlaps an event or its buffers"
            if not ev.all_day:
                meetings.append((ev.start, ev.end))
    for h in holds:
        assert not _overlap(s - pad, e + pad, h.start, h.end), "overlaps a hold"
        meetings.append((h.start, h.end))
    for iv in (*req.avoid, *req.others_busy, *rules.out_of_office):
        assert not _overlap(s, e, iv.start, iv.end)
    if req.windows:
        assert any(w.start.timestamp() <= s.timestamp() and e.timestamp() <= w.end.timestamp() for w in req.windows)
    if req.earliest:
        assert s >= req.earliest
    if req.latest:
        assert e <= req.latest
    same_day = [(a, b) for a, b in meetings if a.astimezone(zone).date() == day]
    if rules.max_per_day:
        assert len(same_day) < rules.max_per_day
    if rules.max_minutes_per_day:
        used = sum((b.timestamp() - a.timestamp() for a, b in same_day), 0.0)
        assert used + rules.duration.total_seconds() <= rules.max_minutes_per_day * 60
    if rules.max_per_week:
        week0 = day - timedelta(days=day.weekday())
        week = [a for a, _ in meetings if week0 <= a.astimezone(zone).date() < week0 + timedelta(days=7)]
        assert len(week) < rules.max_per_week


ADELAIDE = ZoneInfo("Australia/Adelaide")
FALL_BACK = (  # options either side of the hour Adelaide lives twice (2026-04-05 03:00 -> 02:00)
    Rules(
        zone=ADELAIDE,
        weekly=((), (), (), (), (), (), ((0, 180),)),
        overrides={date(2026, 4, 1): ()},
        duration=timedelta(minutes=15),
        buffer_before=timedelta(minutes=10),
        buffer_after=timedelta(minutes=10),
        horizon_days=3,
        slot_interval=timedelta(minutes=15),
        round_to=timedelta(minutes=5),
        tentative_as_busy=False,
        spread_over_days=False,
        min_fragment=timedelta(0),
        proposals=5,
    ),
    [],
    Request(earliest=datetime(2026, 4, 1, 19, 15, tzinfo=UTC), latest=datetime(2026, 4, 4, 16, 45, tzinfo=UTC)),
    datetime(2026, 4, 1, 19, 15, tzinfo=UTC),
    [],
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@example(FALL_BACK)
def test_every_slot_obeys_every_rule(
    scenario: tuple[Rules, list[CalendarEvent], Request, datetime, list[Interval]],
) -> None:
    rules, events, req, now, holds = scenario
    cal = BusyCalendar(events)
    slots = find_slots(cal, rules, now=now, request=req, holds=holds)
    assert len(slots) <= rules.proposals
    assert [x.score for x in slots] == sorted((x.score for x in slots), reverse=True)
    pad = rules.buffer_before + rules.buffer_after
    for i, slot in enumerate(slots):
        check_slot(rules, events, req, now, holds, slot.start, slot.end)
        assert why_not(cal, rules, slot.start, now=now, request=req, holds=holds) == ()
        for other in slots[:i]:
            # in UTC: aware arithmetic in one zone is wall-clock arithmetic, wrong across a clock change
            start, end = slot.start.astimezone(UTC) - pad, slot.end.astimezone(UTC) + pad
            assert not _overlap(start, end, other.start, other.end), "options overlap"
    if rules.spread_over_days and slots:
        days = [x.start.astimezone(rules.zone).date() for x in slots]
        first_repeat = next((i for i, d in enumerate(days) if d in days[:i]), len(days))
        assert len(set(days[first_repeat:]) - set(days[:first_repeat])) == 0, "a new day came after a repeat"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(simple=True))
def test_first_slot_is_the_earliest_free_grid_time(
    scenario: tuple[Rules, list[CalendarEvent], Request, datetime, list[Interval]],
) -> None:
    """Gap walking finds exactly what testing every grid start with why_not finds first."""
    rules, events, req, now, holds = scenario
    cal = BusyCalendar(events)
    slots = find_slots(cal, rules, now=now, request=req, holds=holds)
    zone = rules.zone
    step = int(rules.round_to.total_seconds() // 60)
    expected = None
    day = now.astimezone(zone).date()
    end = horizon_end(rules, now)
    while expected is None and _local(day, 0, zone) < end:
        for minute in range(0, 1440, step):
            start = _local(day, minute, zone)
            if start.astimezone(zone).replace(tzinfo=None) != datetime(
                day.year, day.month, day.day, minute // 60, minute % 60
            ):
                continue  # a wall time the DST gap skips
            if not why_not(cal, rules, start, now=now, request=req, holds=holds):
                expected = start
                break
        day += timedelta(days=1)
    got = slots[0].start if slots else None
    assert (got.timestamp() if got else None) == (expected.timestamp() if expected else None)
