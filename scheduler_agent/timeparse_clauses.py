"""Grouping the offline engine's mentions into clauses: which days go with which times.

"Tue or Wed afternoon" is one clause (two days, one part of day); "2pm Tue or Wed 4pm" is two; "not
Monday" is a negated one. Day mentions are first adjusted for how people write lists and ranges
("Mon-Wed", "the week of Dec 7", "by Friday", "Tuesday or later in the week"). Pure core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise

from .timeparse_lexicon import FIXED_HOLIDAY_RE, MONTH_RE, WEEKDAY_RE
from .timeparse_mentions import Mention, safe_date
from .timeparse_spans import (
    CLOCK,
    MAX_DATED_RANGE_DAYS,
    MAX_RANGE_DAYS,
    MAX_WRITTEN_RANGE_DAYS,
    PAIR_GAP,
    next_month,
    range_around_day,
    spans_across_days,
)
from .timeparse_times import POSTNEG

_JOIN_GAP = re.compile(
    r"^[\s,/&(]*(?:(?:or|and|and/or|either|at|on|in|of|the|from|around|about|@|any ?time|sometime|maybe|ideally|"
    r"preferably|say|perhaps|also|is|are|works?|would work|fine|good|for me|ok|okay|early|late|-)[\s,/&)]*)*$"
)
_LIST_GAP = re.compile(r"^\s*(?:-|to|through|thru|till|until|,?\s*and|,?\s*or|,|/|&)\s*$")  # "Wed, Thu, or Fri"
_DEADLINE = re.compile(
    r"\b(by|before|no later than|not later than|until|till|through|thru|within|deadline(?: (?:for|of) [a-z]+)?:?)"
    r"\s(?:the end of\s|the\s)?$"
)
_PAST_TOLD = re.compile(
    r"\b(?:i|we|he|she|they)\s(?:have\s|had\s|'ve\s)?"
    r"(?:flew|flown|arrived|landed|came|come|went|gone|stayed|returned|travell?ed|checked|departed|got|left)"
    r"(?:\s(?:in|out|back|home|here|there))?(?:(?:\s(?:from|to|at|in)?\s?(?!on\b|since\b)[a-z]+){1,2})?(?:\s(?P<on>on|since))?\s(?:the\s)?$"
)
_AFTER_DAY = re.compile(r"\bafter\s(?:the\s)?$")
_WEEK_OF = re.compile(r"\bweek(?P<end>end)? (?P<rel>of|after|before)\s*$")
_SAID_AS_RANGE = re.compile(r"\b(?:from|between)\s$")  # "from May 5 until August 10": a range, however long
_OR_GAP = re.compile(r"^[\s,]*or\s*$")
_RANGE_GAP = re.compile(r"^\s*(?:-|to|through|thru|till|until|and)\s*$")
_WRITTEN_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")  # a date written with its year keeps it in a range
# "today", "now", "Friday": a range's first day named from now, never moved into the last one's year
_CALENDAR_DATE = re.compile(rf"\d|\b(?:{MONTH_RE})")
# "7:00 on next Sunday afternoon": the day may sit between the clock time and its part of day.
_PART_GAP = re.compile(
    rf"^[\s,]*(?:at|@|from|between|around|about)?\s*(?:(?:on\s)?(?:(?:next|this|coming)\s)?(?:{WEEKDAY_RE}|today|tomorrow|yesterday)\s*"
    r"|(?:this|that)\s)?$"  # "7pm this afternoon", "9 that evening"
)
_NEG_GAP = re.compile(r"^[\s,]*(?:(?:it|on|the|a|at|in|for|do|make|any|of|from|between)\s+)*$")


@dataclass(slots=True)
class Clause:
    """Mentions that belong together: the days of "Tue or Wed" with the "afternoon" after them."""

    start: int
    end: int
    day_mentions: list[Mention] = field(default_factory=list)
    tods: list[Mention] = field(default_factory=list)
    instants: list[Mention] = field(default_factory=list)
    negated: bool = False
    last_kind: str = ""

    @property
    def days(self) -> list[date]:
        found: list[date] = []
        for m in self.day_mentions:
            found.extend(d for d in m.days if d not in found)
        return found

    @property
    def weekdays(self) -> set[int]:
        return {m.weekday for m in self.day_mentions if m.weekday is not None}


def _tonight_is_today(text: str, items: list[Mention], today: date) -> list[Mention]:
    """ "tonight or tomorrow morning": "tonight" names today as well as its evening, so it keeps its own day
    instead of sharing the one written after it (a day or clock time written right before it, "midnight
    tonight", still settles it)."""
    out: list[Mention] = []
    for index, item in enumerate(items):
        before = items[index - 1] if index else None
        bare = before is None or before.kind == "instant" or bool(text[before.end : item.start].strip(" ,"))
        if item.kind == "tod" and text.startswith("tonight", item.start) and bare:
            out.append(Mention(item.start, item.start, "days", days=(today,)))
        out.append(item)
    return out


def _earlier_month_day(day: date, today: date, *, weekday: bool) -> date | None:
    """The last month before `day` whose same day is past (and, when a weekday was named, falls on it)."""
    year, month = day.year, day.month
    for _ in range(14):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found = safe_date(year, month, day.day)
        if found is not None and found < today and (not weekday or found.weekday() == day.weekday()):
            return found
    return None


def _after_a_day(text: str, items: list[Mention]) -> list[Mention]:
    """ "after the 15th", "after Christmas": the first day past it, not the day itself; "after July", "after next
    week": the first day past the whole period (its working days may end before it does)."""
    out: list[Mention] = []
    for item in items:
        one_day = item.kind == "days" and len(item.days) == 1
        period = item.kind == "days" and len(item.days) > 1 and item.level in ("week", "month", "year")
        cue = _AFTER_DAY.search(text, 0, item.start) if one_day or period else None
        if cue is not None:
            day = item.days[0] + timedelta(days=1) if one_day else _day_after_period(item.days[0], item.level)
            item = Mention(cue.start(), item.end, "days", days=(day,))
        out.append(item)
    return out


def _day_after_period(day: date, level: str) -> date:
    """The first day after the (Monday-first) week, the month or the year holding `day`."""
    if level == "week":
        return day + timedelta(days=7 - day.weekday())
    if level == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date(day.year + 1, 1, 1)


def _deadlines(text: str, items: list[Mention], today: date, zone: tzinfo, opens: datetime | None) -> list[Mention]:
    """ "by Friday", "no later than Tuesday", "through the end of next week": every working day from today up
    to it ("before": not it); the end of a period counts up to its last day.

    With a clock time ("by Friday 3pm", "until Thursday at noon") the deadline is that moment: one stretch
    from the start of today up to it, not the same hour on every day before. Read literally (`opens`, the
    moment of writing) a deadline is one stretch from that moment to it, weekend included, as Duckling and
    Recognizers-Text read "by the end of next month" and "within 5 hours"; the working days are scheduling's."""
    out: list[Mention] = []
    skip = False
    for index, item in enumerate(items):
        if skip:
            skip = False
            continue
        one_day = len(item.days) == 1 or text.startswith(("end of", "the end of"), item.start)
        dated = item.kind == "days" and bool(item.days)
        period = dated and not one_day and item.level in ("week", "month", "year")
        cue = _DEADLINE.search(text, 0, item.start) if dated and (one_day or period) else None
        if period and cue is not None and cue.group(1) != "before":
            cue = None  # "by September", "until December": the period itself, as natty and nickel read them
        clock = items[index + 1] if index + 1 < len(items) else None
        if (
            cue is not None
            and one_day
            and today <= item.days[0]
            and clock is not None
            and clock.kind == "tod"
            and clock.point
            and PAIR_GAP.match(text[item.end : clock.start])
        ):
            start = opens or datetime.combine(today, time(0), tzinfo=zone)
            until = datetime.combine(item.days[-1], clock.tod_start or time(0), tzinfo=zone)
            out.append(Mention(cue.start(), clock.end, "instant", instant=start, until=until))
            skip = True
            continue
        if cue is not None and today <= item.days[0]:
            if period:  # "before next week", "before March": up to the day before the period begins
                last = item.days[0] - timedelta(days=1)
            else:
                last = item.days[-1] - timedelta(days=1 if cue.group(1) == "before" else 0)
            paired = clock is not None and clock.kind == "tod" and PAIR_GAP.match(text[item.end : clock.start])
            if opens is not None and not paired and today <= last:
                until = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
                out.append(Mention(cue.start(), item.end, "instant", instant=opens, until=until))
                continue
            span = [today + timedelta(days=i) for i in range((last - today).days + 1)]
            days = tuple(d for d in span if d.weekday() < 5) or tuple(span)
            item = Mention(cue.start(), item.end, "days", days=days, level="range") if days else item
        out.append(item)
    return out


def _told_as_past(text: str, items: list[Mention], today: date) -> list[Mention]:
    """ "I flew in on 10.5.", "we arrived on the 3rd": a date told as done is the last such date, not the next.

    Only a past-tense travel verb with "on" or "since" right before the date counts ("I left Madrid on 28
    July"): "I was hoping to fly on the 20th" still offers the 20th.
    """
    out: list[Mention] = []
    for item in items:
        told = item.kind == "days" and len(item.days) == 1 and item.days[0] > today
        said = text[item.start : item.end]
        cue = _PAST_TOLD.search(text, 0, item.start) if told else None
        on = cue is not None and (cue["on"] or said.startswith(("on ", "since ")))
        if on and not re.search(r"\d{4}|next|this|tomorrow", said):
            day = item.days[0]
            if re.search(rf"{MONTH_RE}|\d[./]\d|{FIXED_HOLIDAY_RE}", said):
                earlier = safe_date(day.year - 1, day.month, day.day)
            elif re.search(r"\d", said):  # "the 3rd", "Monday the 26th": an earlier month's
                earlier = _earlier_month_day(day, today, weekday=re.search(WEEKDAY_RE, said) is not None)
            elif re.search(WEEKDAY_RE, said):
                earlier = day - timedelta(days=7)
            else:
                earlier = None
            if earlier is not None and earlier < today:
                item = Mention(item.start, item.end, "days", days=(earlier,))
        out.append(item)
    return out


def build_clauses(
    text: str, mentions: list[Mention], today: date, zone: tzinfo, *, opens: datetime | None = None
) -> list[Clause]:
    for m in mentions:
        if m.kind in ("zone", "duration"):  # "8am PT on Friday": the zone does not split the clause
            text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    items = [m for m in mentions if m.kind in ("days", "tod", "instant")]
    items = spans_across_days(text, _tonight_is_today(text, items, today), zone, today, opens)
    items = range_around_day(text, items)
    items = _merge_day_ranges(text, _later_that_week(text, _expand_week_of(text, items)))
    items = _deadlines(text, _after_a_day(text, _told_as_past(text, items, today)), today, zone, opens)
    negs = [m for m in mentions if m.kind == "neg"]
    clauses: list[Clause] = []
    current: Clause | None = None
    for index, item in enumerate(items):
        gap = text[current.end : item.start] if current else ""
        starts_new = (
            current is None
            or len(gap) > 40
            or not _JOIN_GAP.match(gap)
            or (current.negated and "," in gap)
            or (item.kind == "days" and current.tods and current.day_mentions and _binds_forward(text, items, index))
            or (item.kind == "days" and current.tods and current.day_mentions and current.last_kind == "tod")
            or (
                item.kind == "tod"
                and current.tods
                and current.day_mentions
                and current.last_kind == "days"
                and not any(_related(t, item) for t in current.tods)
                and not _PART_GAP.match(text[current.tods[-1].end : item.start])
            )
        )
        if starts_new:
            moved = _time_before_its_day(text, current, item)
            current = Clause(start=item.start, end=item.end)
            current.negated = any(n.end <= item.start and _NEG_GAP.match(text[n.end : item.start]) for n in negs)
            clauses.append(current)
            if moved is not None:
                current.tods.append(moved)
                current.start = moved.start
        assert current is not None
        if item.kind == "days":
            current.day_mentions.append(item)
        elif item.kind == "tod":
            current.tods.append(item)
        else:
            current.instants.append(item)
        current.end = item.end
        current.last_kind = item.kind
    for clause in clauses:
        if not clause.negated and POSTNEG.match(text, clause.end):
            clause.negated = True
        # The most specific time wins: "tomorrow afternoon at 5" is 5pm, "lunch 12:30-1:30" is 12:30-1:30.
        clause.tods = [t for t in clause.tods if not any(u is not t and _narrower(u, t) for u in clause.tods)]
        clause.tods = _clock_beside_part(text, _before_within_part(_between_bounds(_after_within_part(clause.tods))))
    return clauses


def _time_before_its_day(text: str, current: Clause | None, item: Mention) -> Mention | None:
    """ "7/17 4-5 PM or 5-6 PM today": the last of several times, written right before a new day, is that day's.

    It is taken out of the clause it was read into and returned, to open the new day's clause."""
    if (
        current is None
        or item.kind != "days"
        or not current.day_mentions
        or len(current.tods) < 2
        or current.last_kind != "tod"
        or not re.fullmatch(r"\s*(?:on\s*)?", text[current.tods[-1].end : item.start])
    ):
        return None
    moved = current.tods.pop()
    current.end = max(m.end for m in (*current.day_mentions, *current.tods))
    return moved


def _related(a: Mention, b: Mention) -> bool:
    """Two times of day that describe one window: one inside the other, or "after 7" inside "evening"."""
    return (
        _narrower(a, b)
        or _narrower(b, a)
        or _after_within_part([a, b]) != [a, b]
        or _before_within_part([a, b]) != [a, b]
    )


def _after_within_part(tods: list[Mention]) -> list[Mention]:
    """ "after 7 tomorrow evening": from 7 to the end of the evening, not the evening plus all night from 7;
    "tonight after 9": from 9 on, the evening only told 9 from 9am."""
    opens = [t for t in tods if not t.point and t.tod_end is None and t.tod_start is not None]
    parts = [t for t in tods if not t.point and t.tod_end is not None]
    for after in opens:
        at = after.tod_start or time(0)
        part = next((p for p in parts if (p.tod_start or time(0)) <= at < (p.tod_end or time.max)), None)
        if part is not None:
            narrowed = Mention(after.start, after.end, "tod", tod_start=after.tod_start, tod_end=part.tod_end)
            tods = [narrowed if t is after else t for t in tods if t is not part]
        else:
            tods = [t for t in tods if not (t in parts and (t.tod_end or time.max) <= at)]
    return tods


def _before_within_part(tods: list[Mention]) -> list[Mention]:
    """ "tonight not later than 20:30", "tomorrow morning by 10": from the part of day's start to that time, not
    the whole day up to it; the part of day said when the trip may start. A part written after the bound ("by 2
    in the afternoon") only tells its am from pm."""
    closes = [t for t in tods if not t.point and t.tod_start == time(0) and t.tod_end is not None]
    for before in closes:
        at = before.tod_end or time.max
        part = next(
            (p for p in tods if not p.point and p.end <= before.start and time(0) < (p.tod_start or time(0)) < at),
            None,
        )
        if part is not None:
            narrowed = Mention(part.start, before.end, "tod", tod_start=part.tod_start, tod_end=before.tod_end)
            tods = [narrowed if t is before else t for t in tods if t is not part]
    return tods


def _between_bounds(tods: list[Mention]) -> list[Mention]:
    """ "earliest 9:00, latest 17:30": an open start and an open end on the same day are one window."""
    opens = [t for t in tods if not t.point and t.tod_end is None and t.tod_start is not None]
    closes = [t for t in tods if not t.point and t.tod_start == time(0) and t.tod_end is not None]
    for after in opens:
        before = next((c for c in closes if (after.tod_start or time(0)) < (c.tod_end or time.max)), None)
        if before is not None:
            start, end = min(after.start, before.start), max(after.end, before.end)
            joined = Mention(start, end, "tod", tod_start=after.tod_start, tod_end=before.tod_end)
            tods = [joined if t is after else t for t in tods if t is not before]
            closes.remove(before)
    return tods


def _clock_beside_part(text: str, tods: list[Mention]) -> list[Mention]:
    """ "tonight at 11", "Monday morning 6-8": a clock time written right beside a part of day replaces it,
    even outside the part's usual hours; the part of day only told am from pm."""
    drop: set[int] = set()
    for first, second in pairwise(tods):
        if not _PART_GAP.match(text[first.end : second.start]):
            continue
        vague = [t for t in (first, second) if not t.point and not CLOCK.search(text, t.start, t.end)]
        exact = [t for t in (first, second) if t not in vague and t.tod_end is not None]
        if len(vague) == 1 and len(exact) == 1:
            drop.add(id(vague[0]))
    return [t for t in tods if id(t) not in drop]


def _narrower(inner: Mention, outer: Mention) -> bool:
    """Whether `inner` is an exact time or a shorter span inside the part of day `outer`."""
    if outer.point:
        return False
    if not inner.point and outer.tod_start == time(0) and (inner.tod_end or time.max) < (outer.tod_end or time.max):
        return False  # "tonight till 11pm": the bound reaches past the part of day and extends it (see below)
    if inner.point:
        return within(inner, outer)
    low, high = outer.tod_start or time(0), outer.tod_end or time(23, 59, 59)
    start, end = inner.tod_start or time(0), inner.tod_end or time(23, 59, 59)
    return low <= start and end <= high and (start, end) != (low, high)


def within(point: Mention, span: Mention) -> bool:
    """Whether an exact time falls inside a part of day ("tomorrow afternoon at 5": the 5 is what counts)."""
    at = point.tod_start or time(0)
    return not span.point and (span.tod_start or time(0)) <= at and (span.tod_end is None or at <= span.tod_end)


def _binds_forward(text: str, items: list[Mention], index: int) -> bool:
    """In "2pm Tue or Wed 4pm" the Wednesday goes with the 4pm written right after it, not with the 2pm."""
    following = items[index + 1] if index + 1 < len(items) else None
    return (
        following is not None
        and following.kind == "tod"
        and re.fullmatch(r"\s*(?:at|@|,)?\s*", text[items[index].end : following.start]) is not None
    )


def _expand_week_of(text: str, items: list[Mention]) -> list[Mention]:
    """ "the week of Dec 7": the working days of that week, not just the 7th ("the weekend of": its weekend);
    "the week after Easter", "the weekend before the 24th": the one after or before that date's."""
    expanded: list[Mention] = []
    for item in items:
        cue = _WEEK_OF.search(text, 0, item.start) if item.kind == "days" and len(item.days) == 1 else None
        if cue is not None:
            step = {"of": 0, "after": 7, "before": -7}[cue["rel"]]
            monday = item.days[0] - timedelta(days=item.days[0].weekday() - step)
            week = tuple(monday + timedelta(days=i) for i in ((5, 6) if cue["end"] else range(5)))
            item = Mention(cue.start(), item.end, "days", days=week, level="week")  # "after" is its own
        expanded.append(item)
    return expanded


def _later_that_week(text: str, items: list[Mention]) -> list[Mention]:
    """ "Tuesday afternoon or later in the week": the days after that Tuesday, up to its Friday."""
    out: list[Mention] = []
    for item in items:
        previous = next((m for m in reversed(out) if m.kind == "days" and len(m.days) == 1), None)
        if (
            previous is not None
            and item.kind == "days"
            and re.fullmatch(r"later (?:in|that) the week|later that week", text[item.start : item.end])
        ):
            day = previous.days[0]
            week = tuple(day + timedelta(days=i) for i in range(1, 5 - day.weekday()))
            item = Mention(item.start, item.end, "days", days=week, level="range") if week else item
        out.append(item)
    return out


def _merge_day_ranges(text: str, items: list[Mention]) -> list[Mention]:
    """ "Mon-Wed", "from Tuesday to Friday", "between Tue and Thu": one mention covering every day between.

    A range between two weekdays keeps its first weekday, so "next week from Tue to Thu" can move it whole."""
    merged: list[Mention] = []
    for item in items:
        prev = merged[-1] if merged else None
        listed = prev is not None and _LIST_GAP.match(text[prev.end : item.start])
        # "Tuesday 9 am or Thursday 1 pm": the list runs forward from the day before the time as well
        prev_day = prev if prev is None or prev.kind == "days" else _day_before_time(text, merged)
        if (
            prev_day is not None
            and listed
            and item.weekday is not None
            and prev_day.days
            and item.days[0] < prev_day.days[0]
        ):
            later = item.days[0] + timedelta(days=7 * (1 + (prev_day.days[0] - item.days[0]).days // 7))
            item = Mention(item.start, item.end, "days", days=(later,), weekday=item.weekday)
        if (
            prev is not None
            and prev.kind == item.kind == "days"
            and len(prev.days) == 1
            and len(item.days) == 1
            and _RANGE_GAP.match(text[prev.end : item.start])
            and (
                text[prev.end : item.start].strip() != "and"
                or text[max(0, prev.start - 8) : prev.start].strip() == "between"
            )
            and (
                ends := _range_ends(
                    prev.days[0],
                    item.days[0],
                    _has_year(text, prev),
                    _has_year(text, item),
                    _CALENDAR_DATE.search(text, prev.start, prev.end) is not None,
                    said_as_range=_SAID_AS_RANGE.search(text, 0, prev.start) is not None
                    or text[prev.end : item.start].strip() in ("through", "thru", "until", "till"),
                )
            )
            is not None
        ):
            first, last = ends
            span = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
            weekday = prev.weekday if item.weekday is not None else None
            merged[-1] = Mention(prev.start, item.end, "days", days=span, level="range", weekday=weekday)
            continue
        if (
            prev is not None
            and prev.kind == item.kind == "days"
            and _whole_months(prev)
            and _whole_months(item)
            and _RANGE_GAP.match(text[prev.end : item.start])
            and (
                text[prev.end : item.start].strip() != "and"
                or text[max(0, prev.start - 8) : prev.start].strip() == "between"
            )
            and (months := _month_range_days(prev.days, item.days, _has_year(text, item))) is not None
        ):
            merged[-1] = Mention(prev.start, item.end, "days", days=months, level="month")
            continue
        merged.append(item)
    return merged


def _whole_months(item: Mention) -> bool:
    """A month (or quarter, season) read as days: ahead, or gone by ("August 1996") and then read whole."""
    if not item.days or item.level not in ("month", "past"):
        return False
    return item.level == "month" or (item.days[0].day == 1 and (item.days[-1] + timedelta(days=1)).day == 1)


def _month_range_days(first: tuple[date, ...], last: tuple[date, ...], last_has_year: bool) -> tuple[date, ...] | None:
    """ "January to March", "between May and August 1996": every day of the months from the first to the last.
    When the first was read as a later month than the last, the last moves to the year after it ("January to
    March" said in February: the coming January to the March after it), unless the last carries its year
    ("January to March 2019"): then the first moves into that year (or the one before). Months read as their
    working days ("next month" in a request) keep to working days."""
    start, end = first[0].replace(day=1), last[-1]
    if start > end and last_has_year:
        start = start.replace(year=end.year - (start.month > end.month))
    elif start > end:
        end = safe_date(start.year + (end.month < start.month), end.month, end.day) or end
    if not 0 < (end - start).days <= MAX_DATED_RANGE_DAYS:
        return None
    span = tuple(start + timedelta(days=i) for i in range((end - start).days + 1))
    working = all(d.weekday() < 5 for d in first + last)
    return tuple(d for d in span if d.weekday() < 5) if working else span


def _range_ends(
    first: date,
    last: date,
    first_has_year: bool = False,
    last_has_year: bool = False,
    first_movable: bool = True,
    *,
    said_as_range: bool = False,
) -> tuple[date, date] | None:
    """Where a range of two dates starts and ends, if they make one. "August 29 - September 2, 2006": a first
    date written without a year shares the last one's (or the year before, across New Year); "January 3, 2017 -
    February 1st": a first date written with its year lends it to the last one (or the year after); "from the
    29th to the 2nd": a last day of the month that comes before the first is in the month after. A year
    written at the end dates the whole range, which may then run up to a year ("Aug 8 to December 12 2008",
    "3 feb 2022 to 6 oct 2022"): without one, two dates months apart are more likely two separate mentions. A
    first day named from now ("from now to 2010-01-01") is not a calendar date to move: too long a span is no range.
    Two dates each written with its year ("May 5, 2010 to July 10, 2011") are fixed, up to a few years apart."""
    if first_has_year and last_has_year:
        return (first, last) if 0 < (last - first).days <= MAX_WRITTEN_RANGE_DAYS else None
    shared = [(_in_year(first, last.year), last), (_in_year(first, last.year - 1), last)] if first_movable else []
    candidates = [(first, last)]
    if first_has_year:
        candidates += [(first, _in_year(last, first.year)), (first, _in_year(last, first.year + 1))]
    elif last_has_year and first_movable:
        candidates = shared
    else:
        candidates += shared
    if last < first and last.day < first.day:
        candidates.append((first, next_month(last)))
    longest = MAX_DATED_RANGE_DAYS if last_has_year or said_as_range else MAX_RANGE_DAYS
    for start, end in candidates:
        if start is not None and end is not None and 0 < (end - start).days <= longest:
            return start, end
    return None


def _has_year(text: str, item: Mention) -> bool:
    return _WRITTEN_YEAR.search(text, item.start, item.end) is not None


def _in_year(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # February 29
        return None


def _day_before_time(text: str, merged: list[Mention]) -> Mention | None:
    """The day a trailing run of times belongs to ("Tuesday 9 am", "Monday at 1-3 pm"), if only they follow it."""
    index = len(merged) - 1
    while (
        index > 0 and merged[index].kind == "tod" and _JOIN_GAP.match(text[merged[index - 1].end : merged[index].start])
    ):
        index -= 1
    return merged[index] if index < len(merged) - 1 and merged[index].kind == "days" else None


def _offered_instead(text: str, clause: Clause, item: Mention) -> bool:
    """ "Feb 5 or next weekend", "Friday or next week": a week or month given as another choice after "or" is
    one more offer, not the context of the day before it."""
    earlier = [m for m in clause.day_mentions if m.end <= item.start]
    return bool(earlier) and _OR_GAP.match(text[earlier[-1].end : item.start]) is not None


def anchor_weekdays(text: str, clauses: list[Clause]) -> None:
    """A bare "Tuesday" (or "Tue-Thu") said next to "next week" means next week's; the week is then context."""
    weeks = [
        m
        for c in clauses
        if not c.negated
        for m in c.day_mentions
        if m.level in ("week", "month") and m.days and not _offered_instead(text, c, m)
    ]
    if not weeks:
        return
    anchor = weeks[0]
    monday = anchor.days[0] - timedelta(days=anchor.days[0].weekday())
    for clause in clauses:
        clause.day_mentions = [
            Mention(
                m.start,
                m.end,
                "days",
                days=tuple(monday + timedelta(days=m.weekday + i) for i in range(len(m.days))),
                level=m.level,
                weekday=m.weekday,
            )
            if m.weekday is not None and anchor.level == "week"
            else m
            for m in clause.day_mentions
        ]
        if any(m.level in ("day", "range") for m in clause.day_mentions):
            clause.day_mentions = [
                m for m in clause.day_mentions if m.level not in ("week", "month") or _offered_instead(text, clause, m)
            ] or clause.day_mentions
    specific = {
        d for c in clauses if not c.negated for m in c.day_mentions if m.level in ("day", "range") for d in m.days
    }
    for clause in clauses:
        if (
            specific
            and not clause.negated
            and not clause.tods
            and all(m.level in ("week", "month") for m in clause.day_mentions)
            and specific & set(clause.days)
        ):
            clause.day_mentions = []
