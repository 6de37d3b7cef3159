"""Phrasings met in the Rust parsers' tests (two_timer, chrono-english): what they mean on Wednesday
2026-11-18 09:00 New York, read literally by `resolve_times` (past times kept)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from timeparse_helpers import first_start

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import resolve_times

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=NY)


def first(text: str) -> str | None:
    return first_start(text, NOW, horizon_days=20000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "last" before a date without its year: the most recent one, as for weekdays
        ("last 9/11", "2026-09-11 00:00"),
        ("last April 1 at 9am", "2026-04-01 09:00"),
        ("last December 25", "2025-12-25 00:00"),
        ("April 1", "2027-04-01 00:00"),
        # a marked or unmistakable two-digit year
        ("5-31-'69", "1969-05-31 00:00"),
        ("31/5/'69", "1969-05-31 00:00"),
        ("'69-5-31", "1969-05-31 00:00"),
        ("69/5/31", "1969-05-31 00:00"),
        ("'69.05.31", "1969-05-31 00:00"),
        # "m" for minutes before "ago"
        ("15m ago", "2026-11-18 08:45"),
        # seconds count like minutes and hours, from now or from a clock time
        ("ten seconds from now", "2026-11-18 09:00"),
        ("in 90 seconds", "2026-11-18 09:01"),
        ("two seconds before 12:00 PM", "2026-11-18 11:59"),
    ],
)
def test_rust_corpus_phrasings(text: str, expected: str) -> None:
    assert first(text) == expected


def test_a_version_number_is_no_date() -> None:
    assert first("upgrade to 45.5.3.1 please") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a span from a whole day to a time on a later one
        ("Tuesday through 3 PM on Friday", ("2026-11-24 00:00", "2026-11-27 15:00")),
        ("from Nov 24 to 3pm on Nov 27", ("2026-11-24 00:00", "2026-11-27 15:00")),
        # a weekday closing a span falls after its start (said on a Wednesday)
        ("from Wednesday 9am to Monday 3pm", ("2026-11-25 09:00", "2026-11-30 15:00")),
    ],
)
def test_spans_across_days(text: str, expected: tuple[str, str]) -> None:
    windows = resolve_times(text, RequestContext(now=NOW, home_timezone="America/New_York", horizon_days=20000))
    assert [
        (w.start.astimezone(NY).strftime("%Y-%m-%d %H:%M"), w.end.astimezone(NY).strftime("%Y-%m-%d %H:%M"))
        for w in windows
    ] == [expected]
