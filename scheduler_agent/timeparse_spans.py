"""Stretches across days: "from Monday 9am to Wednesday 5pm", "Friday evening till Sunday", "from now until midnight".

Split out of the clause builder because it has one job, turning a run of day and time mentions that a span
word joins into one instant mention with an end (`Mention.until`), before clauses group what is left. Pure core.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo

from .timeparse_mentions import Mention, safe_date

MAX_RANGE_DAYS = 62
PAIR_GAP = re.compile(r"^[\s,]*(?:at|@|on)?\s*$")
_SPAN_GAP = re.compile(r"^\s*(?:-|to|until|till|through|thru)\s*$")
_BETWEEN = re.compile(r"\bbetween\s$")
_AND = re.compile(r"^\s*and\s*$")
_FROM_BEFORE = re.compile(r"\bfrom\s$")
# "Friday evening till Sunday": "till" (unlike "to" or "-") closes a span with no "from" before it
_UNTIL_GAP = re.compile(r"^\s*(?:until|till|through|thru)\s*$")
_UNTIL_CLOCK = re.compile(r"(?:-|to|until|till|through|thru)\s")  # a time read with the word that closes a span
_BARE_DAY = re.compile(r"(?:the\s)?\d{1,2}(?:st|nd|rd|th)?")  # "the 15th": a day of no stated month


def next_month(day: date) -> date | None:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return None


def _day_and_time(
    text: str, first: Mention, second: Mention, zone: tzinfo, *, opening: bool = False
) -> datetime | None:
    """ "Monday 9am", "9am on Monday": one day and one exact time written together, as a moment. An `opening`
    moment may be worded as a start ("from 4pm today to 5pm tomorrow"): the span's end closes it."""
    pair = sorted((first, second), key=lambda m: m.kind)
    day, clock = pair
    exact = clock.point or (opening and clock.tod_start is not None and clock.tod_end is None)
    if day.kind != "days" or len(day.days) != 1 or clock.kind != "tod" or not exact:
        return None
    if not PAIR_GAP.match(text[first.end : second.start]):
        return None
    return datetime.combine(day.days[0], clock.tod_start or time(0), tzinfo=zone)


def spans_across_days(text: str, items: list[Mention], zone: tzinfo) -> list[Mention]:
    """ "from Monday 9am to Wednesday 5pm", "Friday 6pm until Sunday noon": one stretch across days,
    not two half-hour slots (and not "until Sunday" as a deadline)."""
    out: list[Mention] = []
    i = 0
    while i < len(items):
        quad = items[i : i + 4]
        gap = text[quad[1].end : quad[2].start] if len(quad) == 4 else ""
        # "between 4pm on Jan 1 and 5pm today": "and" closes a span that "between" opened
        if len(quad) == 4 and (_SPAN_GAP.match(gap) or (_BETWEEN.search(text, 0, quad[0].start) and _AND.match(gap))):
            start = _day_and_time(text, quad[0], quad[1], zone, opening=True) or _day_and_part(
                text, quad[0], quad[1], zone
            )
            end = _day_and_time(text, quad[2], quad[3], zone)
            if start is not None and end is not None:
                end = _weekday_after(end, start, quad[2], quad[3])
            if start is not None and end is not None and start < end:
                out.append(Mention(quad[0].start, quad[3].end, "instant", instant=start, until=end))
                i += 4
                continue
        if (
            len(quad) >= 3
            and (len(quad) == 3 or quad[3].kind != "tod")
            and (_FROM_BEFORE.search(text, 0, quad[0].start) or _UNTIL_GAP.match(text[quad[1].end : quad[2].start]))
        ):
            span = _span_to_a_day(text, quad[0], quad[1], quad[2], zone)
            if span is not None:
                out.append(span)
                i += 3
                continue
        # the first day must have no time of its own ("7pm on 19 June until noon on 21 June" is read later)
        if len(quad) >= 3 and not (out and out[-1].kind == "tod" and PAIR_GAP.match(text[out[-1].end : quad[0].start])):
            span = _span_from_a_day(text, quad[0], quad[1], quad[2], zone)
            if span is not None:
                out.append(span)
                i += 3
                continue
        out.append(items[i])
        i += 1
    return out


def _weekday_after(end: datetime, start: datetime, *closing: Mention) -> datetime:
    """A bare weekday closing a span falls after the span's start: "from Tuesday 9am to Friday 3pm" said on a
    Tuesday ends on the Friday after that Tuesday, not on this week's, as weekdays in a range run forward."""
    if end <= start and any(m.kind == "days" and m.weekday is not None for m in closing):
        end += timedelta(weeks=(start - end).days // 7 + 1)
    return end


def _span_from_a_day(text: str, first: Mention, clock: Mention, last: Mention, zone: tzinfo) -> Mention | None:
    """ "Tuesday through 3 PM on Friday", "from May 13 to 3pm on May 16": from the start of the first day to
    that moment on the last, one stretch (the scanner may have read "through 3 PM" as one time, up to 3 PM)."""
    if first.kind != "days" or first.level != "day" or len(first.days) != 1 or clock.kind != "tod":
        return None
    gap = text[first.end : clock.start]
    if _SPAN_GAP.match(gap):
        end = _day_and_time(text, clock, last, zone)
    elif (
        not gap.strip()
        and _UNTIL_CLOCK.match(text, clock.start)
        and clock.tod_end is not None
        and last.kind == "days"
        and len(last.days) == 1
        and PAIR_GAP.match(text[clock.end : last.start])
    ):
        end = datetime.combine(last.days[0], clock.tod_end, tzinfo=zone)
    else:
        return None
    if end is None:
        return None
    start = datetime.combine(first.days[0], time(0), tzinfo=zone)
    end = _weekday_after(end, start, last)
    if not start < end or (end - start).days > MAX_RANGE_DAYS:
        return None
    return Mention(first.start, last.end, "instant", instant=start, until=end)


def _span_to_a_day(text: str, first: Mention, clock: Mention, last: Mention, zone: tzinfo) -> Mention | None:
    """ "from Feb 12 at 3pm to the 15th", "from Wednesday 3pm to Friday", "Friday evening till Sunday": from that
    moment (or the part of day's start) to the end of the last day, one stretch. A bare day of the month at the
    end is in the first date's month (or the next)."""
    start = _day_and_time(text, first, clock, zone) or _day_and_part(text, first, clock, zone)
    if start is None or last.kind != "days" or len(last.days) != 1 or not _SPAN_GAP.match(text[clock.end : last.start]):
        return None
    end_day = last.days[0]
    if _BARE_DAY.fullmatch(text[last.start : last.end]):
        end_day = safe_date(start.year, start.month, end_day.day) or end_day
        if end_day < start.date():
            end_day = next_month(end_day) or end_day
    end = _weekday_after(datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=zone), start, last)
    if not start < end or (end - start).days > MAX_RANGE_DAYS:
        return None
    return Mention(first.start, last.end, "instant", instant=start, until=end)


def _day_and_part(text: str, day: Mention, part: Mention, zone: tzinfo) -> datetime | None:
    """ "Friday evening": the start of a part of day on one day, where a stretch across days opens."""
    if day.kind != "days" or len(day.days) != 1 or part.kind != "tod" or part.point or part.tod_end is None:
        return None
    if part.tod_start is None or not PAIR_GAP.match(text[day.end : part.start]):
        return None
    return datetime.combine(day.days[0], part.tod_start, tzinfo=zone)


def range_around_day(text: str, items: list[Mention]) -> list[Mention]:
    """ "16:00 Nov 6 to 17:00", "6am Dec 5 to 7am": a time range written around its day is that range on
    that day, not two exact times."""
    out: list[Mention] = []
    i = 0
    while i < len(items):
        trio = items[i : i + 3]
        if (
            len(trio) == 3
            and trio[0].kind == trio[2].kind == "tod"
            and trio[0].point
            and trio[2].point
            and trio[1].kind == "days"
            and len(trio[1].days) == 1
            and PAIR_GAP.match(text[trio[0].end : trio[1].start])
            and _SPAN_GAP.match(text[trio[1].end : trio[2].start])
            and (trio[0].tod_start or time(0)) < (trio[2].tod_start or time(0))
        ):
            start, day, end = trio
            out += [replace(start, point=False, tod_end=end.tod_start), replace(day, end=end.end)]
            i += 3
            continue
        out.append(items[i])
        i += 1
    return out
