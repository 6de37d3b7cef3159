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
MAX_DATED_RANGE_DAYS = 366  # a range its words leave no doubt about: a year at its end, "from now"
# two dates each written with its year: a range of years, but not decades ("born 1996 ... hired 2013" are two)
MAX_WRITTEN_RANGE_DAYS = 5 * 366
PAIR_GAP = re.compile(r"^[\s,]*(?:at|@|on)?\s*$")
CLOCK = re.compile(r"\d|\bnoon\b|\bmidnight\b")  # "afternoon" holds no clock time
_SPAN_GAP = re.compile(r"^\s*(?:-|to|until|till|through|thru)\s*$")
_BETWEEN = re.compile(r"\bbetween\s$")
_AND = re.compile(r"^\s*and\s*$")
_FROM_BEFORE = re.compile(r"\bfrom\s$")
# "Friday evening till Sunday": "till" (unlike "to" or "-") closes a span with no "from" before it
_UNTIL_GAP = re.compile(r"^\s*(?:until|till|through|thru)\s*$")
_UNTIL_CLOCK = re.compile(r"(?:-|to|until|till|through|thru)\s")  # a time read with the word that closes a span
_PART_OF_THE_END = re.compile(r"\s?(?:in the (?:morning|afternoon|evening)|at night)$")
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


def spans_across_days(
    text: str, items: list[Mention], zone: tzinfo, today: date, opens: datetime | None = None
) -> list[Mention]:
    """ "from Monday 9am to Wednesday 5pm", "Friday 6pm until Sunday noon", "from 6pm tonight to 10am tomorrow",
    "Thursday evening to Saturday morning": one stretch across days, not two half-hour slots (and not "until
    Sunday" as a deadline). A stretch from "now" opens at the moment of writing (`from_now`)."""
    out: list[Mention] = []
    i = 0
    while i < len(items):
        quad = [_tonight_as_day(text, items, i + k, today) for k in range(min(4, len(items) - i))]
        from_now = _from_now(text, quad, zone, opens)
        if from_now is not None:
            span, used = from_now
            out.append(span)
            i += used
            continue
        # "between 4pm on Jan 1 and 5pm today": "and" closes a span that "between" opened
        if len(quad) == 4 and _closes(text, quad[1], quad[2], quad[0]):
            start = _day_and_time(text, quad[0], quad[1], zone, opening=True) or _day_and_part(
                text, quad[0], quad[1], zone
            )
            end = _closing_moment(text, quad[2], quad[3], zone)
            if start is not None and end is not None:
                end = _weekday_after(end, start, quad[2], quad[3])
            if start is not None and end is not None and start < end:
                out.append(Mention(quad[0].start, quad[3].end, "instant", instant=start, until=end))
                i += 4
                continue
        after_day = bool(out) and out[-1].kind == "days" and PAIR_GAP.match(text[out[-1].end : quad[0].start])
        overnight = _past_midnight(text, quad, zone, today, bool(after_day))
        if overnight is not None:
            out.append(overnight[0])
            i += overnight[1]
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
            span = _span_from_a_day(text, quad[0], quad[1], quad[2], zone) or _range_split_by_a_day(
                text, quad[0], quad[1], quad[2], zone
            )
            if span is not None:
                out.append(span)
                i += 3
                continue
        out.append(items[i])
        i += 1
    return out


def _closes(text: str, opening: Mention, closing: Mention, first: Mention) -> bool:
    """Whether the words between two halves close a span: "to", "until", "-" (also read into the closing time,
    "until noon"), or "and" after a "between" before the first half."""
    gap = text[opening.end : closing.start]
    if _SPAN_GAP.match(gap):
        return True
    if not gap.strip() and closing.kind == "tod" and _UNTIL_CLOCK.match(text, closing.start):
        return True
    return bool(_BETWEEN.search(text, 0, first.start) and _AND.match(gap))


def _closing_moment(text: str, first: Mention, second: Mention, zone: tzinfo) -> datetime | None:
    """Where a span across days ends: an exact time on its day ("Wednesday 5pm"), or the end of a stretch of
    that day ("noon tomorrow" read as "until noon", "Saturday morning": a part of day ends the span with it)."""
    exact = _day_and_time(text, first, second, zone)
    if exact is not None:
        return exact
    day, clock = sorted((first, second), key=lambda m: m.kind)
    if day.kind != "days" or len(day.days) != 1 or clock.kind != "tod" or clock.point or clock.tod_end is None:
        return None
    if clock.tod_start is None or not PAIR_GAP.match(text[first.end : second.start]):
        return None
    bound = clock.tod_start == time(0) and _UNTIL_CLOCK.match(text, clock.start) is not None
    if not bound and CLOCK.search(text, clock.start, clock.end):  # "Tue 11/24 10-11am" is a slot, not an end
        return None
    return datetime.combine(day.days[0], clock.tod_end, tzinfo=zone)


def _tonight_as_day(text: str, items: list[Mention], index: int, today: date) -> Mention:
    """ "6pm tonight": beside a clock time "tonight" only names the day (the clock replaces the evening), so a
    span can open or close on it like on "today"."""
    item = items[index]
    if item.kind != "tod" or text[item.start : item.end] != "tonight":
        return item
    beside = [items[k] for k in (index - 1, index + 1) if 0 <= k < len(items)]
    if any(m.kind == "tod" and (m.point or m.tod_end is None) for m in beside):
        return Mention(item.start, item.end, "days", days=(today,))
    return item


def _from_now(text: str, quad: list[Mention], zone: tzinfo, opens: datetime | None) -> tuple[Mention, int] | None:
    """ "from now until midnight", "between now and Friday noon", "from now till 6pm": a stretch from the moment
    of writing to that moment (a clock time at or before now is its next occurrence, "midnight" the coming one).
    "from now through Wednesday", up to the end of a day, is read so only literally (`opens`): scheduling offers
    those days whole, clipped to now, which is the same stretch in working days."""
    if len(quad) < 2 or quad[0].kind != "days" or quad[0].instant is None:
        return None
    # "from now until the end of the year": the article before the closing period is part of the span words
    article = text.endswith(" the ", 0, quad[1].start) and _SPAN_GAP.match(text[quad[0].end : quad[1].start - 4])
    if not (_closes(text, quad[0], quad[1], quad[0]) or article):
        return None
    now = quad[0].instant
    end = _closing_moment(text, quad[1], quad[2], zone) if len(quad) > 2 else None
    used = 3
    if end is None and quad[1].kind == "tod" and quad[1].tod_start is not None:
        clock = quad[1].tod_start if quad[1].point else quad[1].tod_end
        used = 2
        if clock is not None and (quad[1].point or quad[1].tod_start == time(0)):
            end = datetime.combine(now.date(), clock, tzinfo=zone)
            if end <= now:
                end += timedelta(days=1)
    if end is None and opens is not None and quad[1].kind == "days" and quad[1].days:
        end, used = datetime.combine(quad[1].days[-1] + timedelta(days=1), time(0), tzinfo=zone), 2
    if end is None or not now < end or (end - now).days > MAX_DATED_RANGE_DAYS:  # "from now" leaves no doubt
        return None
    return Mention(quad[0].start, quad[used - 1].end, "instant", instant=now, until=end), used


def _range_split_by_a_day(text: str, first: Mention, clock: Mention, last: Mention, zone: tzinfo) -> Mention | None:
    """ "Tuesday 9am to 3pm on Friday": the scanner reads "9am to 3pm" as one range, but its end names a later
    day of its own, so it is a stretch from the first day's start time to the last day's end time."""
    if (
        first.kind != "days"
        or last.kind != "days"
        or len(first.days) != 1
        or len(last.days) != 1
        or clock.kind != "tod"
        or clock.point
        or clock.tod_start in (None, time(0))
        or clock.tod_end is None
        or not PAIR_GAP.match(text[first.end : clock.start])
        or not re.fullmatch(r"\s?(?:on\s)?", text[clock.end : last.start])
        or (not text.startswith("on ", last.start) and "on" not in text[clock.end : last.start])
        or not re.search(r"\s(?:-|to|until|till|through|thru)\s|\d-\d", text[clock.start : clock.end])
    ):
        return None
    start = datetime.combine(first.days[0], clock.tod_start or time(0), tzinfo=zone)
    end = _weekday_after(datetime.combine(last.days[0], clock.tod_end, tzinfo=zone), start, last)
    if last.days[0] == first.days[0] or not start < end or (end - start).days > MAX_RANGE_DAYS:
        return None
    return Mention(first.start, last.end, "instant", instant=start, until=end)


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


def _day_and_part(text: str, first: Mention, second: Mention, zone: tzinfo) -> datetime | None:
    """ "Friday evening", "lunchtime Friday": the start of a part of day on one day, where a stretch across days
    opens."""
    day, part = sorted((first, second), key=lambda m: m.kind)
    if day.kind != "days" or len(day.days) != 1 or part.kind != "tod" or part.point or part.tod_end is None:
        return None
    if part.tod_start is None or not PAIR_GAP.match(text[first.end : second.start]):
        return None
    if part is first and CLOCK.search(text, part.start, part.end):  # "9 to 5 tomorrow through Sunday": every day
        return None
    return datetime.combine(day.days[0], part.tod_start, tzinfo=zone)


def _past_midnight(
    text: str, quad: list[Mention], zone: tzinfo, today: date, after_day: bool
) -> tuple[Mention, int] | None:
    """ "from 11pm tonight until 3am", "Friday 10pm to 2am", "from 8 tonight till 2 in the morning": an end hour
    with no day of its own, earlier than the start, is on the next day; one stretch through the night. The start
    is a day and its time, or a time alone (today's) that no day before it claims (`after_day`). (A later end hour
    is a range on the start's day, which the clauses read.) Returns the stretch and how many items it took."""
    dated = _day_and_time(text, quad[0], quad[1], zone, opening=True) if len(quad) > 2 else None
    used = 3 if dated is not None else 2
    start = dated
    opening = quad[0].kind == "tod" and quad[0].tod_start is not None and (quad[0].point or quad[0].tod_end is None)
    if start is None and not after_day and opening and quad[0].tod_start is not None:
        start = datetime.combine(today, quad[0].tod_start, tzinfo=zone)
    if start is None or len(quad) < used:
        return None
    closing = quad[used - 1]
    if closing.kind != "tod" or closing.tod_start is None or not _closes(text, quad[used - 2], closing, quad[0]):
        return None
    if len(quad) > used and quad[used].kind == "days" and PAIR_GAP.match(text[closing.end : quad[used].start]):
        return None  # the end names its own day
    bound = closing.tod_start == time(0) and closing.tod_end is not None and _UNTIL_CLOCK.match(text, closing.start)
    clock = closing.tod_end if bound else closing.tod_start if closing.point else None
    if clock is None:
        return None
    end = datetime.combine(start.date(), clock, tzinfo=zone)
    if end > start:
        return None
    if len(quad) > used and _PART_OF_THE_END.match(text[closing.end : quad[used].end]):
        closing, used = quad[used], used + 1  # "till 2 in the morning": the part only told the hour's am
    return Mention(quad[0].start, closing.end, "instant", instant=start, until=end + timedelta(days=1)), used


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
