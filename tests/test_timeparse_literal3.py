"""The literal reading (`resolve_times`) where two-timer, olebedev/when and earlier third-party golds agree, while
`parse_request` keeps its scheduling policy (the coming date, never one gone by)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import reading_context

from scheduler_agent.models import Interval, RequestContext
from scheduler_agent.timeparse import parse_request, resolve_times

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)  # a Wednesday in November


def ctx() -> RequestContext:
    return reading_context(NOW, horizon_days=5000)


def days(windows: tuple[Interval, ...]) -> tuple[date, date]:
    """First and last day a reading covers."""
    return windows[0].start.astimezone(NY).date(), windows[-1].start.astimezone(NY).date()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this September", (date(2026, 9, 1), date(2026, 9, 30))),  # gone by this year: this year's
        ("this april", (date(2026, 4, 1), date(2026, 4, 30))),
        ("this December", (date(2026, 12, 1), date(2026, 12, 31))),  # still to come: unchanged
    ],
)
def test_this_month_name_reads_as_this_years_month(text: str, expected: tuple[date, date]) -> None:
    assert days(resolve_times(text, ctx())) == expected


def test_this_month_name_gone_by_is_still_scheduled_in_the_coming_one() -> None:
    windows = parse_request("could we meet this September?", ctx()).windows
    assert windows
    assert {w.start.astimezone(NY).date().year for w in windows} == {2027}
    assert all(w.start.astimezone(NY).month == 9 for w in windows)
