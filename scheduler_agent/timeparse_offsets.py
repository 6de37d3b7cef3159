"""Days and moments counted from another: "3 days ago", "in 2 weeks and 3 days", "the next 5 business days",
"the Monday before May 25", "two weeks from Monday".

Every handler here moves a base (now, today, or the date written beside it) by a count, so they share the
month arithmetic and the shift-then-anchor step: `day_shift` marks a shift during the scan and `anchor_shifts`
joins it to its day afterwards. Resolved against the writer's local `today` and `now`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from .timeparse_lexicon import ORDINALS
from .timeparse_mentions import (
    Alternatives,
    Mention,
    Scan,
    add_months,
    count_of,
    day_span,
    mention,
    next_weekday,
    week_start,
    weekday_of,
)


def ago(m: re.Match[str], s: Scan) -> Mention | None:
    """ "3 days ago", "a week ago", "two months ago": that day in the past (kept for resolution only)."""
    n = 1.0 if m["n"] in ("a", "an") else float(m["n"])
    unit = m["unit"]
    if unit.startswith(("day", "week")):  # "7.2 days ago" said at midnight is Dec 24 at 19:12: counted from now
        day = (s.now - timedelta(days=n * (7 if unit.startswith("week") else 1))).date()
    else:
        day = add_months(s.today, -int(n) * (12 if unit.startswith("year") else 1))
    return mention(m, "days", days=(day,))


_OFFSET_PART = re.compile(r"(\d+(?:\.\d+)?|an?)\s?(year|month|week|day|hour|hr|h|minute|min|sec)")
_MINUTES_PER = {"hour": 60.0, "hr": 60.0, "h": 60.0, "minute": 1.0, "min": 1.0, "sec": 1 / 60}


_MOVED_BEFORE = re.compile(r"\b(?:push|move|shift|bump|delay|postpone|reschedule|slide)\w*\b[^.?!;]{0,30}$")


def compound_offset(m: Alternatives, s: Scan) -> Mention | None:
    """ "1 month 21 days ago", "2 years 21 days later", "1 day 2 hours later", "8.3 hours ago", "2 days later",
    "25 minutes and 20 seconds from now": now moved by every part.

    With hours, minutes or seconds in it the result is a moment; otherwise it is a day. "Push it two days later"
    moves the meeting being discussed, not now, so it names no time of its own.
    """
    if m["dir"] == "later" and _MOVED_BEFORE.search(s.text, 0, m.start()):
        return None
    sign = -1 if m["dir"] == "ago" else 1
    months = days = 0
    minutes = 0.0
    for count, unit in _OFFSET_PART.findall(m["parts"] or ""):
        if unit in _MINUTES_PER:
            minutes += (1.0 if count in ("a", "an") else float(count)) * _MINUTES_PER[unit]
            continue
        n = 1 if count in ("a", "an") else int(float(count))
        if unit in ("year", "month"):
            months += n * (12 if unit == "year" else 1)
        else:
            days += n * (7 if unit == "week" else 1)
    moved = s.now.replace(tzinfo=None)
    moved = datetime.combine(add_months(moved.date(), sign * months), moved.time())
    moved += timedelta(days=sign * days, minutes=sign * minutes)
    if minutes:
        return mention(m, "instant", instant=moved.replace(tzinfo=s.now.tzinfo))
    return mention(m, "days", days=(moved.date(),))


def next_n_days(m: re.Match[str], s: Scan) -> Mention | None:
    """ "in the next couple of days", "within 3 days", "in the next two weeks": the n days after today, and
    today too when scheduling (or "within") — a meeting "in the next two days" may well be today."""
    n = count_of(m["n"] or m["n2"] or "")
    if m["unit"] in ("months", "years"):  # "the next 3 months": the whole ones after this, as last_n_days reads back
        if not 0 < n <= (5 if m["unit"] == "years" else 24):
            return None
        first = date(s.today.year + 1, 1, 1) if m["unit"] == "years" else add_months(s.today.replace(day=1), 1)
        end = date(s.today.year + n + 1, 1, 1) if m["unit"] == "years" else add_months(first, n)
        literal = day_span(first, end - timedelta(days=1))
        return mention(m, "days", days=literal, level="range", scheduled=day_span(s.today, end - timedelta(days=1)))
    if m["unit2"] in ("month", "months", "year", "years"):  # "within a month": today to the same date next month
        months = n * (12 if m["unit2"].startswith("y") else 1)
        if not 0 < months <= 12:
            return None
        scheduled = day_span(s.today, add_months(s.today, months))
        return mention(m, "days", days=scheduled, level="range", scheduled=scheduled)
    if m["unit"] in ("business days", "working days", "weekdays"):  # "the next 4 business days"
        if not 0 < n <= 23:  # a working month at most, as "the next 31 days" is
            return None
        after: list[date] = []
        day = s.today
        while len(after) < n:
            day += timedelta(days=1)
            if day.weekday() < 5:
                after.append(day)
        today = (s.today,) if s.today.weekday() < 5 else ()
        return mention(m, "days", days=tuple(after), level="range", scheduled=today + tuple(after))
    if (m["unit"] or m["unit2"] or "days").startswith("week"):
        n *= 7
    if not 0 < n <= 31:
        return None
    scheduled = day_span(s.today, s.today + timedelta(days=n))
    literal = scheduled if m["n2"] else scheduled[1:]
    return mention(m, "days", days=literal, level="range", scheduled=scheduled)


def last_n_days(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the last 2 days", "past few days": the n days before today; "the last 2 weeks", "past 3 months", "the
    last 2 years": the n whole weeks (months, years) before the current one, as Duckling and Recognizers-Text
    read them (a past reading, which scheduling drops)."""
    n = int(m["n"])
    unit = m["unit"] or "days"
    if unit == "weeks" and 0 < n <= 52:
        monday = week_start(s.today)
        return mention(m, "days", days=day_span(monday - timedelta(weeks=n), monday - timedelta(days=1)), level="past")
    if unit == "months" and 0 < n <= 24:
        first = add_months(s.today.replace(day=1), -n)
        return mention(m, "days", days=day_span(first, s.today.replace(day=1) - timedelta(days=1)), level="past")
    if unit == "years" and 0 < n <= 5:
        first, last = date(s.today.year - n, 1, 1), date(s.today.year - 1, 12, 31)
        return mention(m, "days", days=day_span(first, last), level="past")
    if unit != "days" or not 0 < n <= 31:
        return None
    return mention(m, "days", days=day_span(s.today - timedelta(days=n), s.today - timedelta(days=1)), level="past")


def in_n_days(m: re.Match[str], s: Scan) -> Mention | None:
    """ "in 3 days", "after 4 days", "in 3 months", "a year from today", "3 days from tomorrow": that date
    (weeks are read as weeks, in week_phrase)."""
    count = m["n"] or m["n2"]
    n = 1 if count in ("a", "an") else int(count)
    unit = m["u"] or m["u2"] or "day"
    base = (m["base"] or "today").removeprefix("the ")
    start = s.today + timedelta(days=_BASE_DAYS.get(base, 0))
    if unit.startswith("day"):
        return mention(m, "days", days=(start + timedelta(days=n),))
    return mention(m, "days", days=(add_months(start, n * (12 if unit.startswith("year") else 1)),))


_BASE_DAYS = {"tomorrow": 1, "yesterday": -1, "day after tomorrow": 2, "day before yesterday": -2}


def counted_weekday(m: re.Match[str], s: Scan) -> Mention | None:
    """ "4 Mondays from now", "six Mondays ago": the n-th such weekday counted from today."""
    weekday = weekday_of(m["wd"])
    if weekday is None:
        return None
    n = 1 if m["n"] in ("a", "an") else int(m["n"])
    return mention(m, "days", days=(shift_day(s.today, n if m["dir"] != "ago" else -n, "weekday", weekday),))


def shift_day(base: date, count: int, unit: str, weekday: int | None = None) -> date:
    """`base` moved by `count` days, weeks, months, years or (unit "weekday") occurrences of a weekday, never
    counting base."""
    if unit.startswith(("month", "year")):
        return add_months(base, count * (12 if unit.startswith("year") else 1))
    if unit == "weekday" and weekday is not None:
        if count >= 0:
            return base + timedelta(days=((weekday - base.weekday()) % 7 or 7) + 7 * (count - 1))
        return base - timedelta(days=((base.weekday() - weekday) % 7 or 7) + 7 * (-count - 1))
    return base + timedelta(days=count * (7 if unit.startswith("week") else 1))


def day_shift(m: re.Match[str], s: Scan) -> Mention | None:
    """ "3 days after", "the 2nd Monday before", "two weeks after", "3 years ago" before "tomorrow": the first
    half of a date counted from another one ("the Monday before May 25"); `anchor_shifts` joins it to the date
    written after it."""
    word = m["n"] or m["ord"] or "1"
    count = 1 if word in ("a", "an") else ORDINALS.get(word) or int(re.sub(r"\D", "", word) or 1)
    weekday = weekday_of(m["wd"])
    unit = "weekday" if weekday is not None else m["u"]
    sign = -1 if m["dir"] in ("before", "ago") else 1
    return mention(m, "shift", minutes=sign * count, zone=unit, weekday=weekday)


def anchor_shifts(text: str, mentions: list[Mention], today: date) -> list[Mention]:
    """A shift followed by one day ("the Monday before | May 25") becomes that counted day; one with no day
    after it counts from the day just before it ("Feb 28 or 2 days after", "tomorrow 1 year ago"), else from today."""
    out: list[Mention] = []
    skip: set[int] = set()
    for i, item in enumerate(mentions):
        if i in skip or item.kind != "shift":
            if i not in skip:
                out.append(item)
            continue
        target = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            target is not None
            and target.kind == "days"
            and len(target.days) == 1
            and not text[item.end : target.start].strip()
        ):
            base, end = target.days[0], target.end
            skip.add(i + 1)
        else:
            previous = out[-1] if out else None
            offered = (
                previous is not None
                and previous.kind == "days"
                and len(previous.days) == 1
                # "Monday, return the day after": a travel leg's words between them still count from that day
                and re.fullmatch(
                    r"[\s,]*(?:or|and)?\s*"
                    r"(?:(?:return(?:ing)?|back|coming back|leaving|departing|arriving)(?: on)?\s*)?",
                    text[previous.end : item.start],
                )
                is not None
            )
            base, end = (previous.days[0] if offered and previous else today), item.end
            gap = text[previous.end : item.start].strip() if previous else ""
            # "tomorrow 1 year ago", "yesterday, 2 years ago": the day only anchors the count, it is not offered
            # itself (after a comma only for "ago": "Feb 28, 2 days after" offers both)
            if offered and previous and (not gap or (gap == "," and text.startswith("ago", item.end - 3))):
                out.pop()
                item = replace(item, start=previous.start)
        out.append(Mention(item.start, end, "days", days=(shift_day(base, item.minutes, item.zone, item.weekday),)))
    return out


def weeks_from_day(m: re.Match[str], s: Scan) -> Mention | None:
    """ "two weeks from Monday", "a week on Friday", "2 weeks from yesterday": that day, so many weeks later."""
    weeks = 1 if m["n"] in ("a", None) else int(m["n"])
    if m["wd"] is None:
        base = s.today + timedelta(days=-1 if m["rd"] == "yesterday" else 1)
    else:
        weekday = weekday_of(m["wd"])
        if weekday is None:
            return None
        base = next_weekday(s.today, weekday, include_today=False)
        if m["mod"] == "next":  # "a week from next Tuesday": from Tuesday of next calendar week
            base = week_start(s.today) + timedelta(days=7 + weekday)
    return mention(m, "days", days=(base + timedelta(days=7 * weeks),))
