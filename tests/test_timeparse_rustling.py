"""Rules added for rustling-ontology's English examples (round 6), each checked on phrasings beyond the corpus's."""

from datetime import UTC, datetime

import pytest

from scheduler_agent.models import RequestContext
from scheduler_agent.timeparse import parse_request, resolve_times

NOW = datetime(2013, 2, 12, 4, 30, tzinfo=UTC)  # a Tuesday


def _ctx() -> RequestContext:
    return RequestContext(now=NOW, home_timezone="UTC", horizon_days=5000)


def _first(text: str) -> str:
    windows = resolve_times(text, _ctx())
    return f"{windows[0].start:%Y-%m-%d %H:%M}" if windows else ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at ten to three", "2013-02-12 14:50"),
        ("call me @ 20 to 4pm", "2013-02-12 15:40"),
        ("at 10 to 11 on Friday", "2013-02-15 10:50"),
    ],
)
def test_minutes_to_an_hour_after_at_are_one_moment(text: str, expected: str) -> None:
    assert _first(text) == expected


def test_minutes_to_an_hour_without_at_stay_a_range() -> None:
    windows = parse_request("free from 10 to 3", _ctx()).windows
    assert (f"{windows[0].start:%H:%M}", f"{windows[0].end:%H:%M}") == ("10:00", "15:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("at nine o nine", "2013-02-12 09:09"), ("Friday at 8 oh 5 pm", "2013-02-15 20:05")],
)
def test_spoken_oh_minutes(text: str, expected: str) -> None:
    assert _first(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("March after next", "2014-03-01"), ("june after next", "2014-06-01")])
def test_a_month_after_next_is_a_year_on(text: str, expected: str) -> None:
    assert _first(text)[:10] == expected


def test_the_ides_of_march() -> None:
    assert _first("shall we meet on the ides of march?")[:10] == "2013-03-15"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [("the next 3 months", "2013-03-01", "2013-05-31"), ("over the next two years", "2014-01-01", "2015-12-31")],
)
def test_the_next_n_months_read_as_whole_months(text: str, first: str, last: str) -> None:
    windows = resolve_times(text, _ctx())
    assert (f"{windows[0].start:%Y-%m-%d}", f"{windows[-1].start:%Y-%m-%d}") == (first, last)
    assert f"{parse_request(text, _ctx()).windows[0].start:%Y-%m-%d}" == "2013-02-12"  # scheduling starts today


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Aug 8 to december 12 2008", "2008-08-08", "2008-12-12"),
        ("from jan 8 to dec 12 2019", "2019-01-08", "2019-12-12"),
    ],
)
def test_a_year_written_at_the_end_dates_a_long_range(text: str, first: str, last: str) -> None:
    windows = resolve_times(text, _ctx())
    assert (f"{windows[0].start:%Y-%m-%d}", f"{windows[-1].start:%Y-%m-%d}") == (first, last)


def test_two_dates_months_apart_without_a_year_are_not_one_range() -> None:
    assert len(resolve_times("Aug 8 to december 12", _ctx())) == 2


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("during about seven hours and a quarter", 435),
        ("a 2 hours and a half workshop", 150),
        ("a quarter-hour call", 15),
    ],
)
def test_fractions_of_an_hour_in_a_length(text: str, minutes: int) -> None:
    assert parse_request(text, _ctx()).duration_minutes == minutes


@pytest.mark.parametrize("text", ["will the sun shine on February 11", "bring a sat phone on February 11"])
def test_a_weekday_abbreviation_after_an_article_is_the_word(text: str) -> None:
    assert [f"{w.start:%m-%d}" for w in resolve_times(text, _ctx())] == ["02-11"]


def test_a_weekday_abbreviation_alone_is_still_the_day() -> None:
    assert _first("see you sun")[:10] == "2013-02-17"
