"""The date handlers of the offline grammar: dates written out ("Dec 3", "3/12", "2027-01-05", "the 15th"),
months, quarters, weeks, years, and weekdays placed relative to this week.

Every handler here turns one regex match into the days it names, resolved against the writer's
local `today`: future-preferring, because nobody schedules a meeting last Tuesday. Counted offsets live in
`timeparse_offsets.py`, holidays and seasons in `timeparse_holidays.py`, the mention type and calendar
helpers in `timeparse_mentions.py`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta

from .timeparse_lexicon import MONTH_RE, MONTHS, ORDINALS, WEEKDAY_RE
from .timeparse_mentions import (
    Alternatives,
    Mention,
    Scan,
    add_months,
    business_days,
    count_of,
    day_span,
    full_year,
    infer_year,
    mention,
    next_weekday,
    nth_in_month,
    safe_date,
    week_start,
    weekday_of,
    yearless_date,
)
from .timeparse_offsets import shift_day

# Dates ---------------------------------------------------------------------------------------------------


def iso_week(m: re.Match[str], s: Scan) -> Mention | None:
    """ "week 31", "week 2 of 2027": that ISO week, Monday to Sunday (scheduled: its working days from today);
    without a year the coming one, so a week number already past is next year's."""
    number = int(m["n"])
    year = int(m["y"]) if m["y"] else s.today.year
    try:
        monday = date.fromisocalendar(year, number, 1)
        if not m["y"] and monday + timedelta(days=6) < s.today:
            monday = date.fromisocalendar(year + 1, number, 1)
    except ValueError:  # no week 53 that year
        return None
    friday = monday + timedelta(days=4)
    return mention(
        m,
        "days",
        days=day_span(monday, monday + timedelta(days=6)),
        level="week",
        scheduled=business_days(monday, friday, s.today),
    )


def iso_date(m: re.Match[str], s: Scan) -> Mention | None:
    y, a, b = full_year(m["y"]), int(m["mo"]), int(m["d"])
    day = safe_date(y, a, b) or safe_date(y, b, a)
    return mention(m, "days", days=(day,)) if day else None


# a slash date that can only be day-first, or the writer stating the order ("(DD/MM/YYYY)", "day/month/year")
_DAY_FIRST_SLASH = re.compile(r"(?<![\d/.])(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2])(?![\d:])|\b(?:dd/mm|day/month)\b")
# "Mon morning 2/11": a weekday with its part of day just before a date still names that date's weekday
_WEEKDAY_BEFORE = re.compile(
    rf"\b(?P<wd>{WEEKDAY_RE})\.?\s(?:early\s|late\s)?(?:morning|afternoon|evening|night)?,?\s?$"
)


def numeric_date(m: Alternatives, s: Scan) -> Mention | None:
    """US month-first for slashes and dashes ("3/12" is March 12, "06-17-2014"); day-first for dots ("8.5." is 8 May).

    A writer keeps one order, so a slash date in a message that also holds one only day-first can be read
    ("from 11/01 to 14/01") is day-first too. A dotted pair with no year or closing dot after a time word or a
    full date ("29.02.2020 13.12") is a time.
    """
    if (
        m["sep"] == "."
        and not m["y"]
        and not m.text.endswith(".")  # "from 12.03. to 15.03.": the closing dot marks a date
        and re.search(r"(?:at|@|between|around|about|from|until|till|to|and|by|\d{4},?)\s?$", s.text[: m.start()])
    ):
        return None
    a, b = int(m["a"] or 0), int(m["b"] or 0)
    year = m["y"]
    day_first = m["sep"] == "." or (m["sep"] == "/" and _DAY_FIRST_SLASH.search(s.text) is not None)
    month, day = (b, a) if day_first else (a, b)
    if month > 12 and day <= 12 and (m["sep"] != "." or year):  # "05.25.2015" can only be May 25
        month, day = day, month
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year:
        found = safe_date(full_year(year), month, day)
    else:
        found = yearless_date(s, m.start(), month, day)
    weekday = weekday_of(m["wd"])
    if weekday is None and (before := _WEEKDAY_BEFORE.search(s.text, max(0, m.start() - 40), m.start())) is not None:
        weekday = weekday_of(before["wd"])
    if found is not None and weekday is not None and day <= 12 and not (year and found.weekday() == weekday):
        # "Friday 7.6", "Tuesday, 02/03/2027": the weekday written beside it settles the order; without a year the
        # nearer one when both fit
        swapped = safe_date(full_year(year), day, month) if year else infer_year(s.today, day, month)
        fitting = [d for d in (found, swapped) if d is not None and d.weekday() == weekday]
        found = min(fitting, default=found)
    return mention(m, "days", days=(found,)) if found else None


def numeric_month(m: re.Match[str], s: Scan) -> Mention | None:
    """ "04/2016": that month's working days (all of them when it is not the current month)."""
    year, month = int(m["y"]), int(m["mo"])
    first = s.today if (year, month) == (s.today.year, s.today.month) else date(year, month, 1)
    return _month_mention(m, year, month, "", first)


# "8 May earliest 9.00", "7 May except 12-14", "4 May in the morning": "may" the verb is followed by a bare verb,
# never by a bound, a preposition of time or a part of day
_MAY_IS_A_DATE = re.compile(
    rf",?\s?(?:\d{{1,2}}[:.]\d\d|\d{{1,2}}\s?(?:am|pm|h)\b|$|(?:-|to|until|till|through|and|or|&)\s?(?:{WEEKDAY_RE},?\s)?\d"
    r"|(?:earliest|latest|except|between|from|at\s\d|in the (?:morning|afternoon|evening)|morning|afternoon|evening)\b)"
)


def month_date(m: Alternatives, s: Scan) -> Mention | None:
    # "5 may be late" is no date; "5 May 2013", "5th May", "Fri 1 May", "5 May 12:00", "4 May 6am",
    # "12 May, 18:00", "30 May - 2 June", "1 May to Sun 3 May" are.
    if (
        m["mon_"]
        and m["mon_"].startswith("may")
        and not (m["y"] or m["ry"] or m["wd"])
        and not re.search(r"\d(?:st|nd|rd|th)|\bof\b", m.text)
        and not _MAY_IS_A_DATE.match(s.text, m.end())
    ):
        return None
    month_word, day_text = m["mon"], m["d"]
    if month_word is None or day_text is None:
        return None
    month = MONTHS[month_word.rstrip(".")]
    day = int(day_text)
    weekday = weekday_of(m["wd"]) if m["wd"] else weekday_of(m["wd2"])
    if m["ry"]:  # "January 30th of last year"
        found = safe_date(s.today.year + {"last": -1, "next": 1}.get(m["ry"], 0), month, day)
    elif m["y"]:
        found = safe_date(full_year(m["y"]), month, day)
    else:
        found = yearless_date(s, m.start(), month, day)
    if found == s.today and not m["y"] and re.search(r"\bnext\s$", s.text[: m.start()]):
        found = infer_year(s.today + timedelta(days=1), month, day)  # "next December 31" said on Dec 31
    if found is None:
        return None
    note = ""
    if weekday is not None and found.weekday() != weekday:
        # "Thursday, Dec 2" when Dec 2 is a Wednesday: almost always a slip; keep the date, say so. Read
        # literally, a weekday that fits the same date just gone names that one ("Sunday, Feb 10" said on the 12th,
        # as Duckling reads it); scheduling keeps the coming date and the note.
        note = f"{m.text.strip()}: {found:%b} {found.day} is a {found:%A}"
        gone = None if m["y"] or m["ry"] else safe_date(found.year - 1, month, day)
        if gone is not None and gone.weekday() == weekday:
            return mention(m, "days", days=(gone,), note=note, scheduled=(found,))
    return mention(m, "days", days=(found,), note=note)


def month_date_range(m: re.Match[str], s: Scan) -> Mention | None:
    """ "July 13-15", "23rd to 26th Oct": every day between; without a year, the next such span not yet over."""
    month = MONTHS[m["mon"].rstrip(".")]
    end = infer_year(s.today, month, int(m["d2"])) if not m["y"] else safe_date(full_year(m["y"]), month, int(m["d2"]))
    first = safe_date(end.year, month, int(m["d1"])) if end else None
    if first is None:
        return None
    last = end
    if last is None or last < first:
        return None
    span = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
    return mention(m, "days", days=span, level="range")


def ordinal_day(m: Alternatives, s: Scan) -> Mention | None:
    """ "the 15th", "Tuesday the 8th": the next such day of a month, matching the weekday when given."""
    day = int(m["d"])  # type: ignore[arg-type]
    weekday = weekday_of(m["wd"])
    found = _next_day_of_month(s.today, day, weekday)
    if found is None or weekday is None:
        return mention(m, "days", days=(found,), floating=True) if found else None
    # Read literally, "Thursday the 21st" said on the 27th is this month's, gone by, when it fits the weekday
    # (Recognizers-Text; Duckling reads "Sunday, Feb 10" alike); scheduling offers the coming one.
    gone = safe_date(s.today.year, s.today.month, day)
    if gone is not None and gone < s.today and gone.weekday() == weekday:
        return mention(m, "days", days=(gone,), scheduled=(found,))
    return mention(m, "days", days=(found,))


def _next_day_of_month(start: date, day: int, weekday: int | None = None) -> date | None:
    """The first date on or after `start` that is the `day`-th of its month (and falls on `weekday`, if given)."""
    cursor = date(start.year, start.month, 1)
    for _ in range(15):
        candidate = safe_date(cursor.year, cursor.month, day)
        if candidate and candidate >= start and (weekday is None or candidate.weekday() == weekday):
            return candidate
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return None


def days_run_forward(mentions: list[Mention], today: date) -> list[Mention]:
    """A bare day of the month after a dated day is the such day nearest to it (never before today): "pick up
    on the 3rd, return the 5th" said on 4 March returns on 5 April, "depart the 30th, return the 3rd" on the
    3rd of the month after, and "conference on the 12th, arrive the 11th" arrives the day before. Read from
    today alone, the first two would fall weeks before the day they follow."""
    out: list[Mention] = []
    previous: date | None = None
    for item in mentions:
        if item.floating and previous is not None:
            month = previous.replace(day=1)
            near = [
                found
                for start in (month - timedelta(days=1), month, month + timedelta(days=31))
                if (found := safe_date(start.year, start.month, item.days[0].day)) is not None and found >= today
            ]
            item = replace(item, days=(min(near, key=lambda d: abs(d - previous)),)) if near else item
        if item.kind == "days" and item.level == "day" and len(item.days) == 1:
            previous = item.days[0]
        out.append(item)
    return out


_MONTH_CUE_BEFORE = re.compile(r"\b(?:from|until|till|through|thru|since|between|by)\s$")
# "jan or feb", "may and june", "May through July": another month listed right after it, or closing a range
_MONTH_LISTED_AFTER = re.compile(rf",?\s(?:or|and|&|to|-|through|thru|until|till)\s(?:in\s)?(?:{MONTH_RE})\b")
# "between march and may", "march to may": the month after another listed right before it
_MONTH_LISTED_BEFORE = re.compile(rf"\b(?:{MONTH_RE}),?\s(?:or|and|&|to|-|through|thru|till|until)\s$")


def month_only(m: re.Match[str], s: Scan) -> Mention | None:
    """ "June", "next March", "last September", "feb 1979": every day of that month (scheduled: its working days).

    A month already over ("last September", "in October 2006") is read whole, as a past reference."""
    # "May", "Jan" and "mar" alone are as likely a verb or a name; a cue around them ("from May to December",
    # "jan or feb") makes them months.
    if (
        m["mon"] in ("may", "jan", "mar")
        and not (m["part"] or m["inw"] or m["mod"] or m["y"] or m["ny"])
        and not _MONTH_CUE_BEFORE.search(s.text, 0, m.start())
        and not _MONTH_LISTED_AFTER.match(s.text, m.end())
        and not _MONTH_LISTED_BEFORE.search(s.text, 0, m.start())
    ):
        return None
    month = MONTHS[m["mon"].rstrip(".")]
    year = full_year(m["y"]) if m["y"] else (s.today.year if month >= s.today.month else s.today.year + 1)
    mod = (m["mod"] or "").strip()
    if mod == "this":  # "this Sept": the coming one, as a bare month is
        mod = ""
    if m["ny"] in ("this", "last"):  # "march this year", "apr last year"
        year = s.today.year - (m["ny"] == "last")
    elif m["ny"] or (mod == "next" and not m["y"] and month <= s.today.month):  # "June next year", "next March"
        year = s.today.year + 1
    elif mod and mod != "next" and not m["y"]:  # "last September": the latest one before this month
        year = s.today.year if month < s.today.month else s.today.year - 1
    if m["an"]:  # "March after next": a year after the March a bare "March" names
        year += 1
    found = _month_mention(m, year, month, m["part"] or "", s.today)
    if m["mod"] and m["mod"].strip() == "this" and not m["y"] and month < s.today.month:
        # "this April" said in May reads as this year's April, gone by (two-timer and Recognizers-Text agree);
        # scheduling still offers the coming one, as it does for a bare month
        gone = _month_mention(m, s.today.year, month, m["part"] or "", s.today)
        return replace(gone, scheduled=found.scheduled)
    if (year, month) < (s.today.year, s.today.month):  # "Aug 2006": a month gone by, kept for resolution
        return replace(found, level="past", scheduled=None)
    return found


def _month_mention(m: re.Match[str], year: int, month: int, part: str, today: date) -> Mention:
    """A (part of a) month: read literally as every day of it, scheduled on its working days from `today` on."""
    first, last, working = _month_range(year, month, part)
    days = _calendar_week_of_month(year, month, part) if working else day_span(first, last)
    return mention(m, "days", days=days, level="month", scheduled=business_days(first, last, today))


def _calendar_week_of_month(year: int, month: int, part: str) -> tuple[date, ...]:
    """ "the first week of October" read literally, as Duckling and Recognizers-Text do: Monday to Sunday from
    the month's first Monday ("the last week of": from the last Monday whose week ends inside the month)."""
    ordinal = _WEEK_ORDINALS.get(part.removeprefix("the ").split()[0])
    if ordinal is None:
        last = date(year, month, calendar.monthrange(year, month)[1])
        monday = last - timedelta(days=(last.weekday() + 1) % 7 + 6)
    else:
        monday = next_weekday(date(year, month, 1), 0, include_today=True) + timedelta(weeks=ordinal)
    return day_span(monday, monday + timedelta(days=6))


def quarter(m: re.Match[str], s: Scan) -> Mention | None:
    """ "next quarter", "the third quarter of 2016", "Q4 2018": every day of those three months (scheduling:
    their working days from today on); "the end of Q1" its last day. A quarter named without a year is this
    year's unless it is over; "the last quarter" without one is the previous quarter, with one its fourth."""
    current = (s.today.month - 1) // 3
    mod = m["mod"] or ("last" if m["ord"] in ("last", "final") and not (m["y"] or m["rel"]) else None)
    if m["qmod"] and not (m["y"] or m["rel"]):
        # "next Q1", "last Q4": the coming or latest such quarter, as "next March" and "last September" are months
        index = int(m["n"]) - 1
        ahead = {"this": 0, "next": int(index <= current)}.get(m["qmod"], -int(index >= current))
        year = s.today.year + ahead
    elif mod:
        index = current + {"this": 0, "the": 0, "next": 1, "last": -1}[mod]
        year, index = s.today.year + index // 4, index % 4
    else:
        index = 3 if m["ord"] in ("last", "final") else ORDINALS[m["ord"]] - 1 if m["ord"] else int(m["n"]) - 1
        if m["y"]:
            year = int(m["y"])
        elif m["rel"]:
            year = s.today.year + {"next": 1, "this": 0, "last": -1}[m["rel"]]
        else:
            year = s.today.year + (1 if index < current else 0)
    first = date(year, 3 * index + 1, 1)
    last = date(year + (index == 3), (3 * index + 3) % 12 + 1, 1) - timedelta(days=1)
    if m["end"]:
        return mention(m, "days", days=(last,))
    return mention(m, "days", days=day_span(first, last), level="month", scheduled=business_days(first, last, s.today))


_WEEK_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}


def _month_range(year: int, month: int, part: str) -> tuple[date, date, bool]:
    """The first and last day a (part of a) month names, and whether it is a working week (only its working
    days count): "early" 1-10, "mid" 10-20, "late" the last ten days, "the first week of" the Mon-Fri week
    holding the month's first weekday, "the last week of" the one holding its last day, clipped to the month."""
    last = calendar.monthrange(year, month)[1]
    part = part.removeprefix("the ").strip()
    week = re.fullmatch(r"(\w+) week of", part)
    if week:
        ordinal = _WEEK_ORDINALS.get(week.group(1))
        if ordinal is None:
            anchor = date(year, month, last)
            monday = anchor - timedelta(days=anchor.weekday())
        else:
            first = date(year, month, 1)
            monday = first - timedelta(days=first.weekday()) + timedelta(days=7 if first.weekday() >= 5 else 0)
            monday += timedelta(days=7 * ordinal)
        return max(monday, date(year, month, 1)), min(monday + timedelta(days=4), date(year, month, last)), True
    first_day, last_day = 1, last
    if part.endswith("half of"):
        first_day, last_day = (1, 15) if part.startswith(("first", "1st")) else (16, last)
    elif part in ("early", "beginning of", "start of"):
        last_day = 10
    elif part in ("mid", "mid-", "middle of"):
        first_day, last_day = 10, 20
    elif part in ("late", "end of"):
        first_day = last - 9
    return date(year, month, first_day), date(year, month, last_day), False


# Relative days -------------------------------------------------------------------------------------------


def relative_day(m: re.Match[str], s: Scan) -> Mention | None:
    word = m["w"].removeprefix("the ")
    offsets = {"today": 0, "now": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "yesterday": -1, "next day": 1}
    if word.startswith("day after"):
        offset = 2
    elif word.startswith("day before"):
        offset = -2
    else:
        offset = offsets[word]
    # "now" is also the moment itself, where a stretch "from now until midnight" opens
    return mention(m, "days", days=(s.today + timedelta(days=offset),), instant=s.now if word == "now" else None)


def this_part_of_day(m: re.Match[str], s: Scan) -> Mention | None:
    """ "this afternoon": today (the part of day itself is recognized separately)."""
    return Mention(m.start(), m.start("pod"), "days", days=(s.today,))


_ABBREVIATIONS_THAT_ARE_WORDS = frozenset({"sun", "sat", "wed"})
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a)\s$")


def weekday_mention(m: re.Match[str], s: Scan) -> Mention | None:
    weekday = weekday_of(m["wd"])
    if weekday is None:
        return None
    # "the sun to shine", "a sat phone": an abbreviation that is also a word is that word after an article
    if m["wd"] in _ABBREVIATIONS_THAT_ARE_WORDS and _ARTICLE_BEFORE.search(s.text, 0, m.start("wd")):
        return None
    mod = (m["mod"] or "").strip()
    tail = (m["tail"] or "").strip()
    this_week = week_start(s.today)
    if mod.endswith((" week", " week on")):  # "next week Sunday", "last week on Friday": that week's day
        mod, tail = "", f"{mod.split()[0]} week"
    if tail.endswith("last week"):
        return mention(m, "days", days=(this_week - timedelta(days=7 - weekday),))
    if tail == "before last":  # "Tuesday before last": a week before the last Tuesday
        return mention(m, "days", days=(shift_day(s.today, -2, "weekday", weekday),))
    if tail.endswith("the week after next"):  # "Wed of the week after next"
        return mention(m, "days", days=(this_week + timedelta(days=14 + weekday),))
    weeks = re.search(r"(\d+|an?) weeks? (ago|from now)", tail)  # "Tuesday of 3 weeks from now": that week's
    if weeks:
        moved = s.today + timedelta(days=7 * count_of(weeks.group(1)) * (-1 if weeks.group(2) == "ago" else 1))
        return mention(m, "days", days=(week_start(moved) + timedelta(days=weekday),))
    if mod in ("next", "following", "the following", "on the following") or tail in ("next week", "of next week"):
        day = this_week + timedelta(days=7 + weekday)
        if tail == "after next":
            day += timedelta(days=7)
    elif tail in ("after next", "week"):  # "Friday after next", British "Thursday week"
        day = next_weekday(s.today, weekday, include_today=False) + timedelta(days=7)
    elif tail in ("this week", "of this week") or mod == "this":
        day = this_week + timedelta(days=weekday)
        # "this Monday" said on a Thursday is the coming one; "Monday of this week" stays in this week (past).
        if day < s.today and not tail:
            day = next_weekday(s.today, weekday, include_today=False)
    elif mod in ("last", "past", "previous"):
        day = s.today - timedelta(days=((s.today.weekday() - weekday) % 7) or 7)
    else:
        day = next_weekday(s.today, weekday, include_today=False)
        return mention(m, "days", days=(day,), weekday=weekday if mod in ("", "on") else None)
    return mention(m, "days", days=(day,))


_CLOCK_TEXT = r"(?:\d{1,2}(?::\d\d)?\s?(?:am|pm)|\d{1,2}:\d\d|noon|midnight)"
_CLOCK_BEFORE = re.compile(rf"\b{_CLOCK_TEXT}\s$")
_CLOCK_AFTER = re.compile(rf"\s(?:at\s)?{_CLOCK_TEXT}\b")


def week_phrase(m: re.Match[str], s: Scan) -> Mention | None:
    phrase = m["w"]
    monday = week_start(s.today)
    past = _PAST.match(phrase) is not None
    if "weekend" in phrase:
        counted = re.match(r"(\d+|a) weekends? (from|ago)", phrase)  # "2 weekends ago", "1 weekend from now"
        if counted:
            n, past = count_of(counted.group(1)), counted.group(2) == "ago"
            shift = -7 * n if past else 7 * (n - 1)
        else:
            ahead = 7 if phrase.startswith(("next", "the following")) else 0
            shift = -7 if past else 14 if "after next" in phrase else ahead
        sat = monday + timedelta(days=shift + 5)
        weekend = (sat, sat + timedelta(days=1))
        if past:
            return mention(m, "days", days=weekend, level="past")
        return mention(m, "days", days=weekend, level="week", scheduled=tuple(d for d in weekend if d >= s.today))
    part = m["part"] or ""
    if phrase == "the week" and not part:
        return None
    count = re.search(r"(\d+) weeks?", phrase)
    # "21:00 in 2 weeks", "in a week at 3pm": a clock time makes it that one day, not that week.
    clocked = phrase.startswith("in ") and (
        _CLOCK_BEFORE.search(s.text, 0, m.start()) is not None or _CLOCK_AFTER.match(s.text, m.end()) is not None
    )
    if "from" in phrase or (clocked and not part):
        return mention(m, "days", days=(s.today + timedelta(days=7 * (int(count.group(1)) if count else 1)),))
    shift = 0
    if past:  # "last week", "late last week": a reading kept for resolution (scheduling drops the past)
        shift = -1
    elif "after next" in phrase:
        shift = 2
    elif count:
        shift = int(count.group(1))
    elif re.search(r"\ba week|next|following|coming", phrase):
        shift = 1
    start = monday + timedelta(days=7 * shift)
    first, last = start, start + timedelta(days=4)
    literal = day_span(start, start + timedelta(days=6))  # a whole week: Monday to Sunday
    if phrase.startswith("in "):  # "in 2 weeks": the date that far on (scheduling offers that week)
        literal = (s.today + timedelta(days=7 * (int(count.group(1)) if count else 1)),)
    if phrase.startswith("later this") or phrase.startswith("later in the"):
        first = s.today + timedelta(days=1)
    if part in ("early", "beginning of", "start of", "the beginning of", "the start of"):
        last = start + timedelta(days=1)
    elif part in ("mid", "mid-", "middle of", "the middle of"):
        first, last = start + timedelta(days=1), start + timedelta(days=3)
    elif part in ("late", "end of", "the end of"):
        first = start + timedelta(days=3)
    elif part.endswith("half of"):
        first, last = (
            (start, start + timedelta(days=2))
            if "first" in part or "1st" in part
            else (start + timedelta(days=2), last)
        )
    if part == "the rest of":  # "the rest of the week": today to its Sunday (scheduled: to its Friday)
        first = max(start, s.today)
        literal = day_span(first, start + timedelta(days=6))
    elif (first, last) != (start, start + timedelta(days=4)):  # a part of the week: its working days
        literal = business_days(first, last, first)
    if past:
        return mention(m, "days", days=literal, level="past")
    return mention(m, "days", days=literal, level="week", scheduled=business_days(first, last, s.today))


def month_phrase(m: re.Match[str], s: Scan) -> Mention | None:
    phrase = m["w"]
    year, month = s.today.year, s.today.month
    if "next" in phrase or "following" in phrase or "coming" in phrase:  # "the month after next": two on
        moved = add_months(date(year, month, 1), 2 if "after next" in phrase else 1)
        year, month = moved.year, moved.month
    part = m["part"] or ""
    if _PAST.match(phrase):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        if part in ("end of", "the end of"):  # "the end of last month" is its last day, as for next month's
            return mention(m, "days", days=(date(year, month, calendar.monthrange(year, month)[1]),), level="past")
        return replace(_month_mention(m, year, month, part, s.today), level="past", scheduled=None)
    if phrase == "the month" and not part:  # "partner of the month" names no dates, as "the week" names none
        return None
    if phrase.startswith("later"):  # "later this month": the days after today (scheduled: the working ones)
        first, last = s.today + timedelta(days=1), date(year, month, calendar.monthrange(year, month)[1])
        if first > last:
            return None
        return mention(
            m, "days", days=day_span(first, last), level="month", scheduled=business_days(first, last, first)
        )
    if part in ("end of", "the end of") or phrase in ("eom",):
        day = date(year, month, calendar.monthrange(year, month)[1])
        return mention(m, "days", days=(day,)) if day >= s.today else None
    if part == "the rest of":  # "the rest of the month": today to its last day
        first, last = max(s.today, date(year, month, 1)), date(year, month, calendar.monthrange(year, month)[1])
        return mention(
            m, "days", days=day_span(first, last), level="month", scheduled=business_days(first, last, first)
        )
    return _month_mention(m, year, month, part, s.today)


_PAST = re.compile(r"(?:this )?(?:last|past|previous)\b")


def year_phrase(m: re.Match[str], s: Scan) -> Mention | None:
    """ "next year", "last year", "in 2027", "2008 CE": every day of it (scheduling "this year" offers the rest of it);
    "the rest of this year" is read from today; "early next year" is its first half and "late(r) this year"
    its second, as Recognizers-Text reads them."""
    if m["y"] or m["ey"]:
        year = int(m["y"] or m["ey"])
    else:
        year = s.today.year + {"next": 1, "this": 0}.get(m["mod"], -1)
    first, last = date(year, 1, 1), date(year, 12, 31)
    if m["half"]:
        first, last = (first, date(year, 6, 30)) if m["half"] == "early" else (date(year, 7, 1), last)
    days = day_span(max(first, s.today) if m["rest"] else first, last)
    scheduled = tuple(d for d in days if d >= s.today) if m["mod"] == "this" else None
    return mention(m, "days", days=days, level="year", scheduled=scheduled)


def end_of_year(m: re.Match[str], s: Scan) -> Mention | None:
    """ "end of the year", "EOY", "end of next year", "the end of last year", "end of 1998": that year's last day."""
    shift = {"next": 1, "last": -1, "previous": -1}.get(m["rel"] or "", 0)
    return mention(m, "days", days=(date(int(m["y"]) if m["y"] else s.today.year + shift, 12, 31),))


_PERIOD_SHIFT = {"this": 0, "next": 1, "coming": 1, "last": -1, "previous": -1}


def nth_of_period(m: Alternatives, s: Scan) -> Mention | None:
    """ "the 3rd day of next week", "4th day last week", "3rd month next year", "the first month of 2027": that
    day of the (Monday-first) week, or that day or month of the year, rather than the whole period."""
    n = ORDINALS.get(m["ord"]) or int(m["ord"][:-2])
    if m["period"] == "week":
        monday = week_start(s.today) + timedelta(days=7 * _PERIOD_SHIFT[m["mod"]])
        return mention(m, "days", days=(monday + timedelta(days=6 if n == -1 else n - 1),)) if n <= 7 else None
    year = int(m["y"]) if m["y"] else s.today.year + _PERIOD_SHIFT[m["mod"]]
    if m["unit"] == "day":
        day = date(year, 12, 31) if n == -1 else date(year, 1, 1) + timedelta(days=n - 1)
        return mention(m, "days", days=(day,)) if day.year == year else None
    month = 12 if n == -1 else n
    if not 1 <= month <= 12:
        return None
    found = _month_mention(m, year, month, "", s.today)
    return replace(found, level="past", scheduled=None) if (year, month) < (s.today.year, s.today.month) else found


def nth_of_month(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the first Monday in December", "the last Friday of the month", "third day of October", "last weekend of July",
    "the last day of 1998".

    A month without a year is its next occurrence that still holds the day ("next January": not this month's);
    "the month" rolls to the next one once its day has passed; "this month" and "last month" stay put. A day no
    such month has ("the 5th Tuesday in February") names no day at all: the phrase is claimed with a note, so its
    pieces are not read as "the 5th" and "Tuesday".
    """
    word = m["ord"]
    ordinal: int | None = None  # "every Monday in August"
    if word in ("last", "final"):
        ordinal = -1
    elif word not in ("every", "each", "all"):
        ordinal = ORDINALS[word] - 1 if word in ORDINALS else int(word[:-2]) - 1
    what = m["what"].rstrip(".")
    missing = mention(m, "ref", note=f"no such day: {m.group(0).strip()}")
    if m["yr"]:  # "the last day of 1998": the first of a year is January's, the last December's
        days = nth_in_month(int(m["yr"]), 1 if ordinal >= 0 else 12, ordinal, what)
        return mention(m, "days", days=days) if days else None
    if m["y"]:
        days = nth_in_month(full_year(m["y"]), MONTHS[m["mon"].rstrip(".")], ordinal, what)
        return mention(m, "days", days=days) if days else missing
    if m["rel"]:
        year, month = s.today.year, s.today.month
        ahead = re.search(r"(\d+|an?) months?", m["rel"])  # "the first Monday in 2 months"
        if m["rel"] in ("next month", "last month") or ahead:
            step = count_of(ahead.group(1)) if ahead else -1 if m["rel"] == "last month" else 1
            moved = add_months(date(year, month, 1), step)
            year, month = moved.year, moved.month
    else:
        month = MONTHS[m["mon"].rstrip(".")]
        if m["next"] == "last ":  # "the 1st Tuesday last November": in the latest such month gone by
            days = nth_in_month(s.today.year - (month >= s.today.month), month, ordinal, what)
            return mention(m, "days", days=days) if days else missing
        ahead = month > s.today.month or (month == s.today.month and m["next"] != "next ")
        year = s.today.year if ahead else s.today.year + 1
    for _ in range(3):
        days = nth_in_month(year, month, ordinal, what)
        if days and (days[-1] >= s.today or m["rel"] in ("this month", "last month")):
            return mention(m, "days", days=days)
        if m["rel"]:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        else:
            year += 1
    return missing


def day_of_relative_month(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the 5th of next month", "the 20th of this month": that day of the month named ("4 to 23": those days);
    "the 1st of the month" is the next one to come."""
    shift = {"next": 1, "the following": 1, "last": -1, "the month after next": 2}.get(
        m["rel"].removesuffix(" month"), 0
    )
    counted = re.match(r"(\d+|an?) months? (ago|from now)", m["rel"])  # "the 1st of 3 months ago"
    if counted:
        shift = count_of(counted.group(1)) * (-1 if counted.group(2) == "ago" else 1)
    if m["rel"] == "the month" and int(m["d"]) < s.today.day:
        shift = 1
    moved = add_months(date(s.today.year, s.today.month, 1), shift)
    year, month = moved.year, moved.month
    found = safe_date(year, month, int(m["d"]))
    first = safe_date(year, month, int(m["d1"])) if m.groupdict().get("d1") else found
    if found is None or first is None or first > found:
        return None
    return mention(m, "days", days=tuple(first + timedelta(days=i) for i in range((found - first).days + 1)))
