"""Named days and seasons: the public holidays of the lexicon's table (fixed dates, "the 4th Thursday of
November", days counted from Easter) and the astronomical seasons.

Kept apart from the date handlers because they follow calendar rules of their own (the Easter computus,
season bounds) rather than reading numbers off the text.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .timeparse_lexicon import HOLIDAYS
from .timeparse_mentions import Mention, Scan, business_days, day_span, full_year, mention, nth_in_month, safe_date

# Astronomical seasons as Duckling reads them: (first month, day), (last month, day); winter runs into the new year.
_SEASONS = {"spring": ((3, 20), (6, 20)), "summer": ((6, 21), (9, 23)), "fall": ((9, 24), (12, 20))}
_SEASONS |= {"autumn": _SEASONS["fall"], "winter": ((12, 21), (3, 20))}


def _season_in(name: str, year: int) -> tuple[date, date]:
    """The season that starts in `year`."""
    (m1, d1), (m2, d2) = _SEASONS[name]
    return date(year, m1, d1), date(year + (m2 < m1), m2, d2)


def season(m: re.Match[str], s: Scan) -> Mention | None:
    """ "this summer", "next spring", "winter 2027": every day of it; scheduling offers its working days ahead.

    "this" (or none) is the one not yet over, "next" the first that has not begun, "last" the latest one over."""
    name = m["season"]
    candidates = [_season_in(name, year) for year in range(s.today.year - 2, s.today.year + 2)]
    if m["y"]:
        first, last = _season_in(name, full_year(m["y"]))  # "summer of '69"
    elif m["mod"] == "next":
        first, last = next(c for c in candidates if c[0] > s.today)
    elif m["mod"] in ("last", "past"):
        first, last = [c for c in candidates if c[1] < s.today][-1]
    else:
        first, last = next(c for c in candidates if c[1] >= s.today)
    days = day_span(first, last)
    if last < s.today:
        return mention(m, "days", days=days, level="past")
    return mention(m, "days", days=days, level="month", scheduled=business_days(first, last, s.today))


def easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm of 1876, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    r = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * r) // 433
    month = (h + r - 7 * m + 90) // 25
    return date(year, month, (h + r - 7 * m + 33 * month + 19) % 32)


def _holiday_in(year: int, spec: tuple[int, int] | tuple[int, str, int, int]) -> date | None:
    if len(spec) == 2:
        return safe_date(year, spec[0], spec[1])
    month, weekday, nth, after = spec
    if weekday == "easter":
        return easter(year) + timedelta(days=after)
    days = nth_in_month(year, month, nth - 1 if nth > 0 else nth, weekday)
    return days[0] + timedelta(days=after) if days else None


def holiday(m: re.Match[str], s: Scan) -> Mention | None:
    """ "Thanksgiving", "next Memorial Day", "Christmas 2027": the next one (the last one for "last"); "<holiday>
    eve" the day before it."""
    spec = next(spec for pattern, spec in HOLIDAYS if re.fullmatch(pattern, m["h"]))
    if m["y"] or m["rel"]:  # "Christmas 2027", "Thanksgiving of next year"
        year = full_year(m["y"]) if m["y"] else s.today.year + {"next": 1, "this": 0}.get(m["rel"], -1)
        found = _holiday_in(year, spec)
    elif m["mod"] in ("last", "previous"):
        found = max(
            (d for y in (s.today.year - 1, s.today.year) if (d := _holiday_in(y, spec)) and d < s.today), default=None
        )
    else:
        found = min(
            (d for y in (s.today.year, s.today.year + 1) if (d := _holiday_in(y, spec)) and d >= s.today), default=None
        )
    if found and m["eve"]:  # "Halloween eve", "Easter eve": the day before
        found -= timedelta(days=1)
    return mention(m, "days", days=(found,)) if found else None
