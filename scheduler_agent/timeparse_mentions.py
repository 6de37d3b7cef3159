"""What every recognizer shares: the `Mention` it produces, the per-message `Scan` state, and calendar helpers.

Split out of the date handlers so the time, date, offset and holiday modules can all build mentions and do
calendar arithmetic (the coming weekday, a date's year, months added) without importing one another.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .timeparse_lexicon import WEEKDAYS


@dataclass(frozen=True, slots=True)
class Mention:
    """One recognized piece of a message, with its character span in the normalized text.

    kind is one of: days, tod, instant, duration, zone, neg, ref. A days mention's level (day, range, week,
    month, year, past) says how wide it is; only a coming week or month anchors a bare weekday.
    For tod, `tod_end` None means "until the end of the day", `point` marks an exact start time and
    `starts` an open-ended one worded as a start ("starting 1:30pm"), which is exact once a length is known.
    An instant with `until` is a stretch across days ("from Monday 9am to Wednesday 5pm").
    `days` is the literal reading ("next week": Monday to Sunday, "in a week": the date seven days on); where
    scheduling reads the phrase otherwise, `scheduled` holds the days it offers instead (that week's working
    days from today on), so one scan serves both `resolve_times` and `parse_request`.
    `floating` marks a day of the month written with neither month nor weekday ("the 5th"), whose month is
    only a guess from today and may be moved by a date written before it (`days_run_forward`).
    """

    start: int
    end: int
    kind: str
    days: tuple[date, ...] = ()
    level: str = "day"
    weekday: int | None = None
    tod_start: time | None = None
    tod_end: time | None = None
    point: bool = False
    starts: bool = False
    instant: datetime | None = None
    until: datetime | None = None
    minutes: int = 0
    zone: str = ""
    note: str = ""
    scheduled: tuple[date, ...] | None = None
    floating: bool = False


@dataclass(slots=True)
class Scan:
    """The state one message's scan shares between recognizers."""

    text: str
    today: date
    now: datetime


def mention(match: re.Match[str] | Alternatives, kind: str, **kw: object) -> Mention:
    """A mention spanning the whole match."""
    return Mention(match.start(), match.end(), kind, **kw)  # type: ignore[arg-type]


class Alternatives:
    """Lets one handler read the alternative groups of a pattern ("Dec 3" and "3 Dec") under one name."""

    def __init__(self, match: re.Match[str]) -> None:
        self._m = match

    @property
    def text(self) -> str:
        return self._m.group(0)

    def __getitem__(self, key: str) -> str | None:
        value = self._m.groupdict().get(key)
        if value is None:
            value = self._m.groupdict().get(key + "_") or self._m.groupdict().get(key + "2")
        return value

    def start(self, group: str | int = 0) -> int:
        return self._m.start(group)

    def end(self, group: str | int = 0) -> int:
        return self._m.end(group)


# ---- small helpers -------------------------------------------------------------------------------------


def stands_alone(m: re.Match[str] | Alternatives, s: Scan) -> bool:
    """The match is all the text says (bar quotes and end punctuation): a one-word reply like "now" or
    "1730", where words that are ambiguous inside a sentence can only mean a time."""
    return not s.text[: m.start()].strip(" \"'(") and not s.text[m.end() :].strip(" \"').!?")


def next_weekday(today: date, weekday: int, *, include_today: bool) -> date:
    """The coming such weekday: a bare "Friday" is never one gone by."""
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def week_start(day: date) -> date:
    """The Monday of `day`'s week: weeks are read Monday-first, as "next week" means at work."""
    return day - timedelta(days=day.weekday())


def day_span(first: date, last: date) -> tuple[date, ...]:
    """Every calendar day from first to last."""
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def business_days(first: date, last: date, today: date) -> tuple[date, ...]:
    """The working days (Mon-Fri) from first to last not before today: what scheduling offers for a span."""
    days = []
    day = max(first, today)
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def infer_year(today: date, month: int, day: int) -> date | None:
    """The first such date on or after today (Feb 29 may be years away; the search stops after eight)."""
    for year in range(today.year, today.year + 8):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


_LAST_BEFORE = re.compile(r"\b(?:last|this past)\s$")


def yearless_date(s: Scan, start: int, month: int, day: int) -> date | None:
    """A date written without its year: the coming one, or after "last" ("last April 1", "last 9/11") the most
    recent one before today, as "last" does for weekdays."""
    if not _LAST_BEFORE.search(s.text[:start]):
        return infer_year(s.today, month, day)
    for year in range(s.today.year, s.today.year - 8, -1):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate < s.today:
            return candidate
    return None


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the calendar has no such day ("Feb 30"), so a misread number names nothing."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def full_year(text: str) -> int:
    """Two-digit years the POSIX way: 69-99 are the 1900s, 00-68 the 2000s ("10/31/74" is 1974)."""
    year = int(text.lstrip("'"))
    if year >= 100:
        return year
    return year + (1900 if year >= 69 else 2000)


def weekday_of(text: str | None) -> int | None:
    """A weekday word as 0-6 ("tue.", "Mondays" too), so every handler accepts the same spellings."""
    if not text:
        return None
    key = text.strip(" ,.")
    return WEEKDAYS.get(key, WEEKDAYS.get(key[:-1]) if key.endswith("s") else None)


def count_of(word: str) -> int:
    """A count as written: "a"/"an" is one ("a week ago"), else the digits."""
    return 1 if word in ("a", "an") else int(word)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clipped to the last day of a shorter month ("Jan 31" + 1 is Feb 28/29)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def nth_in_month(year: int, month: int, ordinal: int | None, what: str) -> tuple[date, ...]:
    """The ordinal-th day of a kind in a month (-1: the last; None: every one, "every Monday in August");
    a weekend is its Saturday and Sunday."""
    last = calendar.monthrange(year, month)[1]
    days = [date(year, month, d) for d in range(1, last + 1)]
    weekday = weekday_of(what)
    if what in ("working day", "business day", "weekday"):
        days = [d for d in days if d.weekday() < 5]
    elif what == "weekend":
        days = [d for d in days if d.weekday() == 5]
    elif weekday is not None:
        days = [d for d in days if d.weekday() == weekday]
    if ordinal is None:
        return tuple(d + timedelta(days=i) for d in days for i in range(2 if what == "weekend" else 1))
    if not -len(days) <= ordinal < len(days):
        return ()
    found = days[ordinal]
    return (found, found + timedelta(days=1)) if what == "weekend" else (found,)
