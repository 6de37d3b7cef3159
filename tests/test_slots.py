"""The availability engine, rule by rule: one table row per rule, plus DST days and odd zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler_agent.busy_calendar import BusyCalendar, CalendarEvent, EventStatus
from scheduler_agent.config import ScheduleSettings
from scheduler_agent.models import Interval
from scheduler_agent.slot_rules import Blocker, Request, Rules, horizon_end, rules_from_schedule
from scheduler_agent.slots import find_slots, why_not

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
WEEK = (((540, 1020),),) * 5 + ((), ())  # Mon-Fri 09:00-17:00
MIN = timedelta(minutes=1)


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0, zone: ZoneInfo = NY) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=zone)


def rules(zone: ZoneInfo = NY, **kw: Any) -> Rules:
    return Rules(zone=zone, weekly=kw.pop("weekly", WEEK), **kw)


def ev(start: datetime, end: datetime, **kw: Any) -> CalendarEvent:
    return CalendarEvent(start=start, end=end, **kw)


def window(start: datetime, end: datetime) -> Interval:
    return Interval(start, end)


MON = at(2026, 3, 2, 8)  # Monday 2 March 2026, 08:00 in New York


def first_starts(r: Rules, events: list[CalendarEvent] = [], now: datetime = MON, **kw: Any) -> list[datetime]:  # noqa: B006 - read only
    holds = kw.pop("holds", ())
    now = kw.pop("now", now)
    return [s.start for s in find_slots(BusyCalendar(events), r, now=now, request=Request(**kw), holds=holds)]


CASES: list[tuple[str, Rules, list[CalendarEvent], dict[str, Any], list[datetime]]] = [
    (
        "empty calendar: one per day, earliest first",
        rules(),
        [],
        {},
        [at(2026, 3, 2, 9), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "busy event pushes the start",
        rules(),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 10))],
        {},
        [at(2026, 3, 2, 10), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "buffers stack with the event's own and round up",
        rules(buffer_before=10 * MIN, buffer_after=10 * MIN),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 10))],
        {},
        [at(2026, 3, 2, 10, 30), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "minimum notice",
        rules(min_notice=timedelta(hours=4)),
        [],
        {},
        [at(2026, 3, 2, 12), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "calendar-day horizon",
        rules(horizon_days=1),
        [],
        {},
        [at(2026, 3, 2, 9), at(2026, 3, 3, 9), at(2026, 3, 2, 9, 30)],
    ),
    (
        "business-day horizon skips the weekend",
        rules(horizon_days=1, horizon_business_days=True),
        [],
        {"now": at(2026, 3, 6, 8)},
        [at(2026, 3, 6, 9), at(2026, 3, 9, 9), at(2026, 3, 6, 9, 30)],
    ),
    (
        "several ranges a day: no slot across lunch",
        rules(weekly=(((540, 720), (780, 1020)),) * 5 + ((), ())),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 11, 45))],
        {"duration": 30 * MIN},
        [at(2026, 3, 2, 13), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "date override: extra Saturday hours, Tuesday off",
        rules(overrides={date(2026, 3, 7): ((600, 660),), date(2026, 3, 3): ()}),
        [ev(at(2026, 3, 2, 8), at(2026, 3, 2, 18)), ev(at(2026, 3, 4, 8), at(2026, 3, 6, 18))],
        {},
        [at(2026, 3, 7, 10), at(2026, 3, 9, 9), at(2026, 3, 10, 9)],
    ),
    (
        "out of office",
        rules(out_of_office=(window(at(2026, 3, 2), at(2026, 3, 4)),)),
        [],
        {},
        [at(2026, 3, 4, 9), at(2026, 3, 5, 9), at(2026, 3, 6, 9)],
    ),
    (
        "slot interval and start rounding",
        rules(round_to=30 * MIN, slot_interval=30 * MIN, spread_over_days=False),
        [ev(at(2026, 3, 2, 8), at(2026, 3, 2, 9, 7))],
        {},
        [at(2026, 3, 2, 9, 30), at(2026, 3, 2, 10), at(2026, 3, 2, 10, 30)],
    ),
    (
        "cap: meetings per day",
        rules(max_per_day=2),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 9, 30)), ev(at(2026, 3, 2, 14), at(2026, 3, 2, 14, 30))],
        {},
        [at(2026, 3, 3, 9), at(2026, 3, 4, 9), at(2026, 3, 5, 9)],
    ),
    (
        "cap: meetings per week",
        rules(max_per_week=2),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 9, 30)), ev(at(2026, 3, 3, 14), at(2026, 3, 3, 14, 30))],
        {},
        [at(2026, 3, 9, 9), at(2026, 3, 10, 9), at(2026, 3, 11, 9)],
    ),
    (
        "cap: meeting minutes per day, the new meeting included",
        rules(max_minutes_per_day=90),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 10, 15))],
        {},
        [at(2026, 3, 3, 9), at(2026, 3, 4, 9), at(2026, 3, 5, 9)],
    ),
    (
        "tentative events can be treated as free",
        rules(tentative_as_busy=False),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 12), status=EventStatus.TENTATIVE)],
        {},
        [at(2026, 3, 2, 9), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "tentative events are busy by default",
        rules(),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 12), status=EventStatus.TENTATIVE)],
        {},
        [at(2026, 3, 2, 12), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "free, cancelled and declined events do not block",
        rules(),
        [
            ev(at(2026, 3, 2, 9), at(2026, 3, 2, 10), busy=False),
            ev(at(2026, 3, 2, 9), at(2026, 3, 2, 10), status=EventStatus.CANCELLED),
            ev(at(2026, 3, 2, 9), at(2026, 3, 2, 10), declined=True),
        ],
        {},
        [at(2026, 3, 2, 9), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "an opaque all-day event blocks its day in the home zone",
        rules(),
        [ev(at(2026, 3, 2), at(2026, 3, 3), all_day=True)],
        {},
        [at(2026, 3, 3, 9), at(2026, 3, 4, 9), at(2026, 3, 5, 9)],
    ),
    (
        "holds for other conversations are busy",
        rules(),
        [],
        {"holds": (window(at(2026, 3, 2, 9), at(2026, 3, 2, 11)),)},
        [at(2026, 3, 2, 11), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "request windows in the requester's zone (Tue 9-11 in Los Angeles)",
        rules(),
        [],
        {"windows": (window(at(2026, 3, 3, 9, zone=LA), at(2026, 3, 3, 11, zone=LA)),)},
        [at(2026, 3, 3, 12), at(2026, 3, 3, 12, 30), at(2026, 3, 3, 13)],
    ),
    (
        "avoided times",
        rules(),
        [],
        {"avoid": (window(at(2026, 3, 2), at(2026, 3, 3, 12)),)},
        [at(2026, 3, 3, 12), at(2026, 3, 4, 9), at(2026, 3, 5, 9)],
    ),
    (
        "earliest and latest",
        rules(),
        [],
        {"earliest": at(2026, 3, 4, 10), "latest": at(2026, 3, 5, 9, 30)},
        [at(2026, 3, 4, 10), at(2026, 3, 5, 9), at(2026, 3, 4, 10, 30)],
    ),
    (
        "other participants' busy blocks",
        rules(),
        [],
        {"others_busy": (window(at(2026, 3, 2, 6, zone=LA), at(2026, 3, 2, 8, zone=LA)),)},
        [at(2026, 3, 2, 11), at(2026, 3, 3, 9), at(2026, 3, 4, 9)],
    ),
    (
        "preferred times come first",
        rules(),
        [],
        {"preferred": (window(at(2026, 3, 4, 14), at(2026, 3, 4, 15)),)},
        [at(2026, 3, 4, 14), at(2026, 3, 2, 9), at(2026, 3, 3, 9)],
    ),
    (
        "a gap the meeting fills exactly beats one that leaves a useless scrap",
        rules(min_fragment=30 * MIN, horizon_days=1, duration=60 * MIN),
        [ev(at(2026, 3, 2, 10, 15), at(2026, 3, 2, 11)), ev(at(2026, 3, 2, 12), at(2026, 3, 2, 17))],
        {"count": 1},
        [at(2026, 3, 2, 11)],
    ),
    (
        "without spreading, the earliest times of one day",
        rules(spread_over_days=False),
        [],
        {},
        [at(2026, 3, 2, 9), at(2026, 3, 2, 9, 30), at(2026, 3, 2, 10)],
    ),
    ("the request can ask for more options", rules(), [], {"count": 5}, [at(2026, 3, d, 9) for d in (2, 3, 4, 5, 6)]),
    (
        "allowed durations: 20 minutes becomes 30 (the third option cannot touch the second)",
        rules(allowed_durations=(30 * MIN, 60 * MIN), spread_over_days=False),
        [],
        {"duration": 20 * MIN},
        [at(2026, 3, 2, 9), at(2026, 3, 2, 9, 30), at(2026, 3, 2, 10)],
    ),
]


@pytest.mark.parametrize(("name", "r", "events", "request_kw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(
    name: str, r: Rules, events: list[CalendarEvent], request_kw: dict[str, Any], expected: list[datetime]
) -> None:
    assert first_starts(r, events, **request_kw) == expected


def test_slots_have_the_duration_and_come_in_the_home_zone() -> None:
    slots = find_slots(BusyCalendar([]), rules(), now=MON, request=Request(duration=45 * MIN))
    assert all(s.end - s.start == 45 * MIN and s.start.tzinfo == NY for s in slots)
    assert [s.score for s in slots] == sorted((s.score for s in slots), reverse=True)
    assert "on a day of its own" in slots[1].reasons


def test_pick_duration_snaps_to_allowed_lengths() -> None:
    r = rules(allowed_durations=(15 * MIN, 30 * MIN, 60 * MIN))
    assert r.pick_duration(None) == 30 * MIN
    assert r.pick_duration(20 * MIN) == 30 * MIN
    assert r.pick_duration(90 * MIN) == 60 * MIN
    assert rules().pick_duration(50 * MIN) == 50 * MIN
    with pytest.raises(ValueError, match="longer than zero"):
        r.pick_duration(timedelta())


def test_nothing_free_is_an_empty_list() -> None:
    busy = [ev(at(2026, 3, 1), at(2026, 5, 1))]
    assert find_slots(BusyCalendar(busy), rules(), now=MON) == []


# ----- DST and zones


def test_spring_forward_day_has_one_hour_less() -> None:
    r = rules(overrides={date(2026, 3, 8): ((60, 240),)}, slot_interval=60 * MIN, spread_over_days=False)
    got = first_starts(r, now=at(2026, 3, 7, 12), duration=60 * MIN, latest=at(2026, 3, 8, 12))
    assert [s.astimezone(UTC) for s in got] == [
        datetime(2026, 3, 8, 6, tzinfo=UTC),
        datetime(2026, 3, 8, 7, tzinfo=UTC),
    ]


def test_fall_back_day_has_one_hour_more() -> None:
    r = rules(overrides={date(2026, 11, 1): ((0, 180),)}, slot_interval=60 * MIN, spread_over_days=False)
    got = first_starts(r, now=at(2026, 10, 31, 12), duration=60 * MIN, latest=at(2026, 11, 1, 12), count=10)
    assert [s.astimezone(UTC).hour for s in got] == [4, 5, 6, 7]


def test_working_hours_keep_local_time_across_dst() -> None:
    got = first_starts(rules(), now=at(2026, 3, 6, 8), count=2)
    assert [s.astimezone(UTC).hour for s in got] == [14, 13]  # 09:00 EST on Friday, 09:00 EDT on Monday


@pytest.mark.parametrize(
    ("zone", "now", "first_utc"),
    [
        ("Asia/Kolkata", datetime(2026, 3, 2, 0, 0, tzinfo=UTC), datetime(2026, 3, 2, 3, 30, tzinfo=UTC)),
        ("Asia/Kathmandu", datetime(2026, 3, 2, 0, 0, tzinfo=UTC), datetime(2026, 3, 2, 3, 15, tzinfo=UTC)),
        ("Australia/Adelaide", datetime(2026, 4, 5, 12, tzinfo=UTC), datetime(2026, 4, 5, 23, 30, tzinfo=UTC)),
        ("Australia/Adelaide", datetime(2026, 3, 1, 12, tzinfo=UTC), datetime(2026, 3, 1, 22, 30, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2026, 3, 2, 0, 0, tzinfo=UTC), datetime(2026, 3, 2, 0, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 3, 29, 12, tzinfo=UTC), datetime(2026, 3, 30, 8, 0, tzinfo=UTC)),
    ],
)
def test_first_slot_in_odd_zones(zone: str, now: datetime, first_utc: datetime) -> None:
    got = first_starts(rules(ZoneInfo(zone), round_to=60 * MIN), now=now, count=1)
    assert [s.astimezone(UTC) for s in got] == [first_utc]


def test_rounding_follows_local_wall_clock_in_half_hour_zones() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    r = rules(kolkata, round_to=60 * MIN, slot_interval=60 * MIN, spread_over_days=False)
    busy = [ev(at(2026, 3, 2, 9, zone=kolkata), at(2026, 3, 2, 9, 10, zone=kolkata))]
    got = first_starts(r, busy, now=at(2026, 3, 2, 7, zone=kolkata), count=2)
    assert [(s.hour, s.minute) for s in got] == [(10, 0), (11, 0)]


def test_horizon_end_is_local_midnight() -> None:
    assert horizon_end(rules(horizon_days=2), MON) == at(2026, 3, 5)
    assert horizon_end(rules(horizon_days=5, horizon_business_days=True), MON) == at(2026, 3, 10)


def test_business_horizon_without_any_working_day_still_ends() -> None:
    r = rules(weekly=((),) * 7, horizon_days=3, horizon_business_days=True)
    assert horizon_end(r, MON) < MON + timedelta(days=400)
    assert find_slots(BusyCalendar([]), r, now=MON) == []


# ----- why not


WHY: list[tuple[str, Rules, list[CalendarEvent], dict[str, Any], datetime, set[Blocker]]] = [
    ("free", rules(), [], {}, at(2026, 3, 2, 10), set()),
    ("notice", rules(min_notice=timedelta(hours=4)), [], {}, at(2026, 3, 2, 10), {Blocker.NOTICE}),
    ("horizon", rules(horizon_days=2), [], {}, at(2026, 3, 10, 10), {Blocker.HORIZON}),
    ("weekend", rules(), [], {}, at(2026, 3, 7, 10), {Blocker.DAY_OFF}),
    ("override day off", rules(overrides={date(2026, 3, 3): ()}), [], {}, at(2026, 3, 3, 10), {Blocker.DAY_OFF}),
    ("evening", rules(), [], {}, at(2026, 3, 2, 16, 45), {Blocker.OUTSIDE_HOURS}),
    (
        "ooo",
        rules(out_of_office=(window(at(2026, 3, 2), at(2026, 3, 3)),)),
        [],
        {},
        at(2026, 3, 2, 10),
        {Blocker.OUT_OF_OFFICE},
    ),
    ("busy", rules(), [ev(at(2026, 3, 2, 10), at(2026, 3, 2, 11))], {}, at(2026, 3, 2, 10, 15), {Blocker.BUSY}),
    (
        "buffer",
        rules(buffer_before=10 * MIN, buffer_after=5 * MIN),
        [ev(at(2026, 3, 2, 10), at(2026, 3, 2, 11))],
        {},
        at(2026, 3, 2, 11, 10),
        {Blocker.BUFFER},
    ),
    (
        "hold",
        rules(),
        [],
        {"holds": (window(at(2026, 3, 2, 10), at(2026, 3, 2, 11)),)},
        at(2026, 3, 2, 10),
        {Blocker.HOLD},
    ),
    (
        "windows",
        rules(),
        [],
        {"windows": (window(at(2026, 3, 3, 9), at(2026, 3, 3, 12)),)},
        at(2026, 3, 2, 10),
        {Blocker.OUTSIDE_WINDOWS},
    ),
    (
        "avoid",
        rules(),
        [],
        {"avoid": (window(at(2026, 3, 2, 10), at(2026, 3, 2, 12)),)},
        at(2026, 3, 2, 10),
        {Blocker.AVOID},
    ),
    ("earliest", rules(), [], {"earliest": at(2026, 3, 3)}, at(2026, 3, 2, 10), {Blocker.EARLIEST}),
    ("latest", rules(), [], {"latest": at(2026, 3, 2, 10)}, at(2026, 3, 2, 10), {Blocker.LATEST}),
    (
        "others",
        rules(),
        [],
        {"others_busy": (window(at(2026, 3, 2, 10), at(2026, 3, 2, 11)),)},
        at(2026, 3, 2, 10),
        {Blocker.OTHERS_BUSY},
    ),
    (
        "cap day",
        rules(max_per_day=1),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 9, 30))],
        {},
        at(2026, 3, 2, 14),
        {Blocker.CAP_DAY},
    ),
    (
        "cap week",
        rules(max_per_week=1),
        [ev(at(2026, 3, 3, 9), at(2026, 3, 3, 9, 30))],
        {},
        at(2026, 3, 2, 14),
        {Blocker.CAP_WEEK},
    ),
    (
        "cap minutes",
        rules(max_minutes_per_day=60),
        [ev(at(2026, 3, 2, 9), at(2026, 3, 2, 9, 45))],
        {},
        at(2026, 3, 2, 14),
        {Blocker.CAP_MINUTES},
    ),
    (
        "several at once",
        rules(min_notice=timedelta(days=1)),
        [ev(at(2026, 3, 2, 10), at(2026, 3, 2, 11))],
        {},
        at(2026, 3, 2, 10),
        {Blocker.NOTICE, Blocker.BUSY},
    ),
]


@pytest.mark.parametrize(("name", "r", "events", "kw", "when", "expected"), WHY, ids=[w[0] for w in WHY])
def test_why_not(
    name: str, r: Rules, events: list[CalendarEvent], kw: dict[str, Any], when: datetime, expected: set[Blocker]
) -> None:
    holds = kw.pop("holds", ())
    got = why_not(BusyCalendar(events), r, when, now=MON, request=Request(**kw), holds=holds)
    assert set(got) == expected
    assert len(got) == len(expected)


def test_why_not_never_names_the_event() -> None:
    blockers = why_not(BusyCalendar([ev(at(2026, 3, 2, 10), at(2026, 3, 2, 11))]), rules(), at(2026, 3, 2, 10), now=MON)
    assert [b.value for b in blockers] == ["it conflicts with another meeting"]


# ----- inputs


def test_malformed_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="seven days"):
        Rules(zone=NY, weekly=((),) * 5)
    with pytest.raises(ValueError, match="minutes within a day"):
        Rules(zone=NY, weekly=((540, 1020),) * 5 + ((), ()))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="minutes within a day"):
        rules(overrides={date(2026, 3, 2): ((600, 500),)})


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CalendarEvent(start=datetime(2026, 3, 2, 9), end=datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        find_slots(BusyCalendar([]), rules(), now=datetime(2026, 3, 2, 9))
    with pytest.raises(ValueError, match="ends before"):
        CalendarEvent(start=at(2026, 3, 2, 10), end=at(2026, 3, 2, 9))


def test_rules_from_default_settings() -> None:
    r = rules_from_schedule(ScheduleSettings(), NY)
    assert r.weekly[0] == ((540, 720), (780, 1020))
    assert r.weekly[5] == ()
    assert (r.buffer_before, r.buffer_after, r.min_notice) == (10 * MIN, 10 * MIN, timedelta(hours=4))
    assert r.allowed_durations == (15 * MIN, 30 * MIN, 45 * MIN, 60 * MIN)


def test_rules_from_settings_with_overrides_and_out_of_office() -> None:
    s = ScheduleSettings(
        overrides={"2026-12-24": ("09:00-12:00",), "2026-12-25": ()},
        out_of_office=("2026-12-28/2026-12-31", "2026-12-22T13:00/2026-12-22T17:00"),
        working_hours={"mon": ("09:00-24:00",)},
    )
    r = rules_from_schedule(s, NY)
    assert r.hours_on(date(2026, 12, 24)) == ((540, 720),)
    assert r.hours_on(date(2026, 12, 25)) == ()
    assert r.weekly[0] == ((540, 1440),)
    assert r.out_of_office[0] == window(at(2026, 12, 28), at(2027, 1, 1))
    assert r.out_of_office[1] == window(at(2026, 12, 22, 13), at(2026, 12, 22, 17))


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"overrides": {"24 Dec": ("09:00-12:00",)}}, "YYYY-MM-DD"),
        ({"overrides": {"2026-12-24": ("9-12",)}}, "HH:MM-HH:MM"),
        ({"working_hours": {"mon": ("17:00-09:00",)}}, "within one day"),
        ({"out_of_office": ("2026-12-28",)}, "START/END"),
        ({"out_of_office": ("2026-12-28/someday",)}, "out-of-office"),
    ],
)
def test_bad_settings_are_clear_errors(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rules_from_schedule(ScheduleSettings(**kw), NY)


def test_busy_index_reads_only_the_window() -> None:
    events = [
        ev(at(2026, 1, 1) + timedelta(hours=h), at(2026, 1, 1) + timedelta(hours=h, minutes=30)) for h in range(2000)
    ]
    events.append(ev(at(2025, 1, 1), at(2027, 1, 1), all_day=True, busy=False))
    events.append(ev(at(2025, 12, 1), at(2026, 2, 1)))
    cal = BusyCalendar(events)
    got = cal.intervals(at(2026, 1, 2, 0), at(2026, 1, 2, 3))
    assert [i.start for i in got] == [at(2025, 12, 1), at(2026, 1, 2, 0), at(2026, 1, 2, 1), at(2026, 1, 2, 2)]
    assert len(cal) == 2001
