"""The time handlers of the offline grammar: clock times and ranges ("between 2 and 4", "after 3pm", "0730"),
parts of day, moments counted from now ("in 2 hours"), durations, time zones, negations and references to
the meeting being discussed.

Each turns one match of a pattern in `timeparse_grammar.RECOGNIZERS` into a mention. They live apart from that
table so it reads as one priority list, and how English writes a time of day is read in one place.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time, timedelta

from .timeparse_lexicon import (
    EVENT_NOUN_RE,
    MONTH_RE,
    PARTS_OF_DAY,
    WEEKDAY_RE,
    WEEKDAYS,
    ZONE_ABBREVIATIONS,
    ZONE_NEEDS_A_CLOCK,
    ZONE_NEEDS_TIME_WORD,
)
from .timeparse_mentions import Alternatives, Mention, Scan, mention, next_weekday, stands_alone
from .timeparse_offsets import compound_offset
from .tzmap import zone_from_display_name


def clock(hour: int, minute: int, meridiem: str | None, hint: str | None = None) -> time | None:
    """A spoken hour as a time: "3" means 15:00 in business talk, "8" means 08:00, unless told otherwise."""
    if minute > 59 or hour > 24:
        return None
    if meridiem == "am":
        if hour > 12:
            return time(hour % 24, minute)
        return time(0 if hour == 12 else hour, minute)
    if meridiem == "pm":
        if hour > 12:
            return time(hour % 24, minute)
        return time(12 if hour == 12 else hour + 12, minute)
    if hour >= 13 or hour == 0:
        return time(hour % 24, minute)
    if hint in ("pm", "evening", "night", "afternoon"):
        return time(12 if hour == 12 else hour + 12, minute)
    if hint == "am":
        return time(0 if hour == 12 else hour, minute)
    if hour == 12 or hour <= 6:
        return time(12 if hour == 12 else hour + 12, minute)
    return time(hour, minute)


_AFTER_A_DAY = re.compile(rf"\b(?:{WEEKDAY_RE}|today|tomorrow|tmrw?|tonight),?\s(?:either\s)?$")
# "tomorrow 9 or 11", "at 9 or 11": a bare hour listed after an hour that a day or "at" made a time is one too
_LISTED_AFTER_A_TIME = re.compile(
    rf"\b(?:{WEEKDAY_RE}|today|tomorrow|tmrw?|tonight|at|around|about),?\s(?:either\s)?"
    r"\d{1,2}(?:[:.][0-5]\d)?(?:\s?(?:am|pm))?\s(?:or|and)\s$"
)
# "Sunday evening 6", "tomorrow morning 9": a bare hour right after a part of day is its clock time.
_AFTER_A_PART = re.compile(r"\b(?:morning|afternoon|evening|night),?\s$")
_DAYPART_AFTER = re.compile(
    r"[\s,]*(?:tonight|this (?:evening|morning|afternoon)|in the (?:evening|morning|afternoon|night)|at night)"
)
# "5 on May 28", "3 on Friday": a bare hour with "on" and a day after it is a time on that day, unless the
# words before it make it a count ("we'll be 5 on Friday", "I have 2 on Monday", "top 3 on Monday's list").
_ON_A_DAY_AFTER = re.compile(rf"\s?on\s(?:the\s)?(?:{WEEKDAY_RE}|{MONTH_RE}|\d{{1,2}}(?:st|nd|rd|th))(?![\w'])")
_COUNT_BEFORE = re.compile(
    r"\b(?:be|been|am|is|are|was|were|have|has|had|got|need|needs|top|of|the|all|only|just|another|other)\s$"
)


_PART_RIGHT_AFTER = re.compile(r"\s?(?:in the |this |at )(?P<part>morning|afternoon|evening|night)\b")


def _tod_hint(text: str, start: int, end: int) -> str | None:
    """A part of day written next to a bare hour ("8 in the evening", "in the morning at 9") fixes am/pm; the one
    right after the hour wins over another nearby ("from 8 tonight till 2 in the morning": 2am)."""
    right_after = _PART_RIGHT_AFTER.match(text, end)
    if right_after is not None:
        return "am" if right_after["part"] == "morning" else "pm"
    around = text[max(0, start - 30) : end + 25]
    if re.search(r"evening|tonight|night|afternoon|after work|dinner|supper", around):
        return "pm"
    if re.search(r"morning|breakfast|\bam\b", around):
        return "am"
    return None


_TWENTY_FOUR_HOUR = re.compile(r"(?<![\d.:])(?:1[3-9]|2[0-3])[:.h][0-5]\d(?!\s?(?:am|pm)\b)")


def _time_from(match: re.Match[str], p: str, hint: str | None, text: str) -> time | None:
    noon = match.group(f"{p}noon")
    if noon:
        return time(0) if noon == "midnight" else time(12)
    hour = int(match.group(f"{p}h"))
    minute = int(match.group(f"{p}m") or 0)
    meridiem = match.group(f"{p}ap")
    if meridiem is None and match.group(f"{p}h").startswith("0") and minute <= 59:
        return time(hour, minute)  # "06:00" is written on a 24-hour clock
    if meridiem is None and match.group(f"{p}m") and hour <= 24 and hint is None and _TWENTY_FOUR_HOUR.search(text):
        # "6:00-8:00 or 18:00-20:00": the writer keeps a 24-hour clock ("28.08" is no hour but a date)
        return time(hour % 24, minute)
    if hint is None:
        hint = _tod_hint(text, match.start(), match.end())
    return clock(hour, minute, meridiem, hint)


# Moments counted from now --------------------------------------------------------------------------------

_MINUTES_IN = {"h": 60.0, "m": 1.0, "s": 1 / 60}  # by a unit's first letter: hours, minutes, seconds


def in_n_time(m: Alternatives, s: Scan) -> Mention | None:
    """ "in 2 hours", "20 minutes from now", "half an hour ago", "in 5 seconds": a moment counted from now."""
    n = 0.5 if m["half"] else 1.0 if m["n"] in ("a", "an") else float(m["n"] or 0)
    minutes = n * _MINUTES_IN[m["u"][0]] + int(m["hm"] or 0)  # "in 1h30"
    sign = -1 if m["dir"] == "ago" else 1
    return mention(m, "instant", instant=s.now + timedelta(minutes=sign * minutes))


def within_n_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "within 5 hours", "in the next 30 minutes", "the next hour", "the next hour and a half": any time from now
    until then, a stretch rather than the moment it ends."""
    if m["n"] is None and m["next"] is None:  # "within hours" says no length
        return None
    n = 1.0 if m["n"] in (None, "a", "an") else 0.5 if m["n"].startswith("half") else float(m["n"])
    n += 0.5 if m["half"] else 0.0
    minutes = n * 60 if m["u"].startswith("h") else n
    return mention(m, "instant", instant=s.now, until=s.now + timedelta(minutes=minutes))


def last_n_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the last 3 minutes", "past 2 hours", "previous 3 mins": the stretch that ends now (a past reading, which
    scheduling drops), as Recognizers-Text and Duckling read it; not a meeting length."""
    n = float(m["n"])
    minutes = n * 60 if m["u"].startswith("h") else n
    return mention(m, "instant", instant=s.now - timedelta(minutes=minutes), until=s.now)


def within_parts(m: re.Match[str], s: Scan) -> Mention | None:
    """ "within 1 day and 5 hours": any time from now until now moved by every part, a stretch (only with a clock
    part; "within 2 weeks and 3 days" is left to the day readings)."""
    moved = compound_offset(Alternatives(m), s)
    if moved is None or moved.instant is None:
        return None
    return replace(moved, instant=s.now, until=moved.instant)


def rest_of_today(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the rest of the day": from now to midnight (today, clipped to now, is what scheduling offers anyway)."""
    midnight = datetime.combine(s.today + timedelta(days=1), time(0), tzinfo=s.now.tzinfo)
    return mention(m, "instant", instant=s.now, until=midnight)


# Times ---------------------------------------------------------------------------------------------------


def time_range(m: re.Match[str], s: Scan) -> Mention | None:
    """ "2-4pm", "between 9 and 11", "from 10am until noon", "1400-1600": one window of the day; an end without
    am/pm after its start is read as later that day ("11-2" runs to 14:00)."""
    hint = _tod_hint(s.text, m.start(), m.end())
    if m.groupdict().get("a4"):
        start: time | None = time(int(m["a4"][:2]), int(m["a4"][2:]))
        end: time | None = time(int(m["b4"][:2]), int(m["b4"][2:]))
    elif m.groupdict().get("apod") and m["ah"]:
        start = clock(int(m["ah"]), int(m["am"] or 0), "am" if m["apod"].endswith("morning") else "pm")
        end = _time_from(m, "b", None, s.text)
        if start and end and end <= start and end.hour < 12 and m["bap"] is None:
            end = time(end.hour + 12, end.minute)
    else:
        end_ap = m["bap"]
        if m["aap"] is None and end_ap and m["ah"]:
            start = clock(int(m["ah"]), int(m["am"] or 0), end_ap, hint)
            end = _time_from(m, "b", hint, s.text)
            if start and end and start >= end:
                start = clock(int(m["ah"]), int(m["am"] or 0), "am" if end_ap in ("pm", "p") else "pm", hint)
        else:
            start = _time_from(m, "a", hint, s.text)
            end = _time_from(m, "b", hint, s.text)
            if start and end and end <= start and end.hour < 12 and m["bap"] is None:
                end = time(end.hour + 12, end.minute)
    if start is not None and end == time(0) and start != end:  # "6 pm - 12 am": until midnight, the day's end
        return mention(m, "tod", tod_start=start, tod_end=None)
    if start and end and end < start and start.hour >= 12 and m["bap"] in ("am", "a"):
        return mention(m, "tod", tod_start=start, tod_end=end)  # "10pm to 2am": on into the next morning
    if start is None or end is None or end <= start:
        return None
    return mention(m, "tod", tod_start=start, tod_end=end)


def after_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "after 3pm", "from 10", "starting 1:30pm": the day from that time on (open-ended)."""
    start = _time_from(m, "a", None, s.text)
    if start is None:
        return None
    starts = m.group(0).startswith(("starting", "beginning")) and " from" not in m.group(0)
    return mention(m, "tod", tod_start=start, tod_end=None, starts=starts)


def before_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "before 11", "by 5pm", "until noon": the day up to that time."""
    end = _time_from(m, "a", None, s.text)
    if end is None or end == time(0):
        return None
    return mention(m, "tod", tod_start=time(0), tod_end=end)


def point_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "at 3", "3pm", "9:30": an exact start time; a bare number is one only with a cue (a prefix, am/pm,
    minutes) or right beside a day or a part of day, since "3" alone is as often a count."""
    explicit = m["prefix"] or m["aap"] or m["am"] or m["anoon"] or m["ahs"] or m["ah"].startswith("0")
    # "next Monday 9", "tomorrow 3", "3 on Friday", "evening 6": a bare hour right beside a day is a time of day.
    beside_day = (
        m["ah"]
        and int(m["ah"]) <= 12
        and (
            _AFTER_A_DAY.search(s.text, 0, m.start()) is not None
            or _AFTER_A_PART.search(s.text, 0, m.start()) is not None
            or _LISTED_AFTER_A_TIME.search(s.text, 0, m.start()) is not None
            or (
                _ON_A_DAY_AFTER.match(s.text, m.end()) is not None
                and _COUNT_BEFORE.search(s.text, 0, m.start()) is None
            )
        )
    )
    if not explicit and not beside_day and not _DAYPART_AFTER.match(s.text, m.end()):
        return None
    at = _time_from(m, "a", None, s.text)
    return mention(m, "tod", tod_start=at, tod_end=at, point=True) if at is not None else None


def hhmm_point(m: re.Match[str], s: Scan) -> Mention | None:
    """ "at 1030", "around 730 in the evening": four or three digits after a word that announces a time."""
    at = clock(int(m["h"]), int(m["mi"]), m["ap"], _tod_hint(s.text, m.start(), m.end()))
    return mention(m, "tod", tod_start=at, tod_end=at, point=True) if at is not None else None


# A bare "1700" beside a day ("pick-up 1700 tomorrow", "Fri 18.5. 0715") or announced by a travel word
# ("dep 0715") is a 24-hour time; after a carrier code or a counted thing ("LH 1234", "room 1204") it is not.
_DAY_BESIDE = (
    rf"(?:{WEEKDAY_RE}|today|tomorrow|tonight|\d{{1,2}}(?:st|nd|rd|th)|\d{{1,2}}[./]\d{{1,2}}\.?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s{MONTH_RE}|{MONTH_RE}\s\d{{1,2}}(?:st|nd|rd|th)?)"
)
_HHMM_BEFORE = re.compile(
    # "Dec 2 2026 1930": after a date that already has its year, four digits are its time (see _YEAR_AFTER_DATE)
    rf"(?:\b{_DAY_BESIDE},?|{MONTH_RE}(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?,?\s(?:19|20)\d\d,?|"
    r"\b(?:dep|depart(?:s|ing|ure)?|arr|arriv(?:e|es|ing|al)|leav(?:e|es|ing)|"
    r"pick-?up|check-?in|check-?out|return(?:ing)?|boarding|landing)(?: at)?:?)\s$"
)
_YEAR_AFTER_DATE = re.compile(rf"{MONTH_RE}(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?,?\s$")  # "29 February 2014"
# "1700 on Friday", "1930 on the 4th", "the 2030 train": a day, or the event the clock time is the time of
_HHMM_AFTER = re.compile(rf",?\s(?:on\s)?(?:the\s)?{_DAY_BESIDE}(?!\w)|\s{EVENT_NOUN_RE}\b")
_CODE_BEFORE = re.compile(
    r"(?:\b(?!(?:at|by|on|to|in|or|is|it|am|pm|so|up|of|if|be|we|me|my|us|do|go|an|as|ok)\s)[a-z][a-z\d]|"
    r"\b(?:flight|flt|train|bus|ice|tgv|room|rm|gate|seat|platform|track|no\.?|nr\.?|number|ref|order|booking|"
    r"ticket|invoice|code|pin|ext\.?|apt|suite|unit)|#)\s?$"
)


_LENGTH_BEFORE = re.compile(
    r"\b(?:for|need|needs|book|block|reserve|take|takes|spend|have|has|got|get|allow)\s"
    r"(?:(?:about|around|roughly|at least|maybe)\s)?$"
)


def offset_from_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "5 hours after noon", "half an hour before 12:00 pm", "3 hours before midnight": a clock time moved by a
    length, one moment of the day (midnight, counted back from, ends the day rather than starting it).

    With a day before the clock time ("7 hours before tomorrow at noon") it is a moment that may fall on
    another day; a day alone ("6 hours before tomorrow") is counted from its start, as a date is a midnight."""
    if _LENGTH_BEFORE.search(s.text, 0, m.start()):
        return None  # "I need 2 hours before noon": a length and a deadline, not a moment
    base = _time_from(m, "a", None, s.text) if m["ah"] or m["anoon"] else time(0) if m["day"] else None
    if base is None:
        return None
    n = 0.5 if m["n"].startswith("half") else 1.0 if m["n"] in ("a", "an") else float(m["n"])
    minutes = n * _MINUTES_IN[m["u"][0]]
    day = s.today + timedelta(days={"tomorrow": 1, "yesterday": -1}.get(m["day"] or "", 0))
    start = datetime.combine(day, base)
    if m["dir"] == "before" and m["anoon"] == "midnight":
        start += timedelta(days=1)
    moved = start + timedelta(minutes=minutes if m["dir"] == "after" else -minutes)
    if m["day"]:
        return mention(m, "instant", instant=moved.replace(tzinfo=s.now.tzinfo))
    if moved.date() != s.today:
        return None
    return mention(m, "tod", tod_start=moved.time(), tod_end=moved.time(), point=True)


def right_now(m: re.Match[str], s: Scan) -> Mention | None:
    """ "can you talk right now?", or a reply of just "now": this very moment. Only at the end of a sentence:
    "right now Tuesday looks best" and "I'm slammed right now, maybe Thursday" say "at present", and the
    adverb in "now that..." is no time at all."""
    # "schedule a meeting now", "can we talk now?", "the best time is now"
    asked = _ASK_NOW.search(s.text, 0, m.start()) is not None
    return mention(m, "instant", instant=s.now) if m["right"] or asked or stands_alone(m, s) else None


_ASK_NOW = re.compile(
    r"\b(?:meet|meeting|talk|call|chat|schedule|book|start|join|hop on|speak|sync|go|come|leave|back|free|available|"
    r"time)"
    r"\b[^.!?,;]*$"
)


def military_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "0730", "tomorrow 1730", "1700 on Friday", "dep 0715", a reply of just "2300": four digits on a 24-hour
    clock with no word before them.

    A bare four-digit number is as often a count, a flight, a room or a year, so it is a time only with a
    leading zero (no count is written so), beside a day, after a travel word, or when it is all the text says
    and is no year, and never after a carrier code or a counted thing; six digits ("173000") are a time only
    right after a day, and three ("730") only when they are all the text says, read like a spoken hour.
    """
    before = s.text[: m.start()]
    if _CODE_BEFORE.search(before) or (m["h"] in ("19", "20") and _YEAR_AFTER_DATE.search(before)):
        return None
    leading_zero = m["h"].startswith("0")
    after_day = _AFTER_A_DAY.search(before) is not None
    beside = _HHMM_BEFORE.search(before) is not None or _HHMM_AFTER.match(s.text, m.end()) is not None
    alone = stands_alone(m, s)
    if (m["s"] and not after_day) or (len(m["h"]) == 1 and not alone):
        return None
    if len(m["h"]) == 1:
        at = clock(int(m["h"]), int(m["mi"]), None)
        return mention(m, "tod", tod_start=at, tod_end=at, point=True) if at else None
    if not (leading_zero or after_day or beside or (alone and m["h"] not in ("19", "20"))):
        return None
    at = time(int(m["h"]), int(m["mi"]))
    return mention(m, "tod", tod_start=at, tod_end=at, point=True)


def past_to(m: re.Match[str], s: Scan) -> Mention | None:
    """ "quarter past 3", "10 to 5", "half past noon": the hour moved by minutes, one moment of the day."""
    hour = 12 if m["h"] == "noon" else int(m["h"])
    minutes = {"half": 30, "quarter": 15, "3 quarters": 45}.get(m["n"]) or int(m["n"])
    hint = "pm" if m["h"] == "noon" else m["ap"]
    base = clock(hour, int(m["hm"] or 0), m["ap"], hint or _tod_hint(s.text, m.start(), m.end()))  # "3 mins to 5:30"
    if base is None:
        return None
    when = datetime.combine(s.today, base) + timedelta(minutes=minutes if m["dir"] in ("past", "after") else -minutes)
    return mention(m, "tod", tod_start=when.time(), tod_end=when.time(), point=True)


def past_the_hour(m: re.Match[str], s: Scan) -> Mention | None:
    """ "at half past", "at 20 past", "at quarter to": with the hour left out, the next such moment from now, as
    the hour it was said in (or the one after) is meant when it is said aloud."""
    minutes = {"half": 30, "quarter": 15}.get(m["n"]) or int(m["n"])
    if not 0 < minutes < 60:
        return None
    when = s.now.replace(minute=minutes if m["dir"] != "to" else 60 - minutes, second=0, microsecond=0)
    if when <= s.now:
        when += timedelta(hours=1)
    return mention(m, "tod", tod_start=when.time(), tod_end=when.time(), point=True)


def spoken_oh_minutes(m: re.Match[str], s: Scan) -> Mention | None:
    """ "nine o nine", "at 8 oh 5 am": minutes under ten said as "oh" and a digit, one moment of the day."""
    at = clock(int(m["h"]), int(m["mi"]), m["ap"], _tod_hint(s.text, m.start(), m.end()))
    return mention(m, "tod", tod_start=at, tod_end=at, point=True) if at else None


def part_of_day(m: re.Match[str], s: Scan) -> Mention | None:
    """ "morning", "in the afternoon", "tonight": the hours the lexicon gives that part of the day."""
    start, end = PARTS_OF_DAY[m["pod"]]
    return mention(m, "tod", tod_start=start, tod_end=end)


# "1st june early", "Mon 30.3. early", "tomorrow early": a day written right before a closing "early"
_DAY_BEFORE = re.compile(rf"\b(?:\d(?:st|nd|rd|th)?\.?(?:\s{MONTH_RE})?|{WEEKDAY_RE}|today|tomorrow|tmrw?),?\s$")


def early_in_day(m: re.Match[str], s: Scan) -> Mention | None:
    """ "early Monday", "1st June early", "an early flight on Friday": "early" said of one day is that day's early
    morning, when a trip starts; "early March" and "early next week" (the first days of a period) are read
    before this, and an "early" beside no day ("we finished early") is no time at all."""
    if m["ahead"] is None and _DAY_BEFORE.search(s.text, max(0, m.start() - 24), m.start()) is None:
        return None
    start, end = PARTS_OF_DAY["early morning"]
    return mention(m, "tod", tod_start=start, tod_end=end)


# Durations, zones, negation ------------------------------------------------------------------------------


def duration(m: re.Match[str], s: Scan) -> Mention | None:
    """ "30 min", "1.5h", "an hour and a half", "a quarter-hour": a meeting length in minutes (up to a day);
    "16h", "at 8h" are European clock times, not lengths."""
    if m["half"] or m["quarter"]:
        minutes = 30.0 if m["half"] else 15.0
    elif m["hh_n"]:
        minutes = float(m["hh_n"]) * 60 + 30
    else:
        n = 1.0 if m["n"] in ("a", "an", "another") else float(m["n"])  # "another hour" is one more
        minutes = n * 60 if m["u"].startswith("h") else n
        if m["n2"] or m["n2b"]:
            minutes += float(m["n2"] or m["n2b"])
        if m["frac"]:  # "7 hours and a quarter": a fraction of the unit
            unit = 60 if m["u"].startswith("h") else 1
            minutes += {"a half": 0.5, "a quarter": 0.25, "3 quarters": 0.75}[m["frac"]] * unit
    # "16h", "at 8h", "Friday 8h", "9.30h", "14.00 hrs": a time of day written the European way, not a length
    # ("1.25h", "2.50 hrs" are lengths)
    clock = re.fullmatch(r"(\d{1,2})(?:\.[0-5]\d)?", m["n"] or "") if m["u"] in ("h", "hrs", "hr") else None
    before = s.text[: m.start()]
    if (
        clock
        and (m["u"] == "h" or "." in clock[0])
        and (
            int(clock[1]) > (6 if "." in clock[0] else 8)
            or re.search(r"(?:\bat|@|\baround|\bby)\s?$", before)
            or _AFTER_A_DAY.search(before)
        )
    ):
        return None
    if not 0 < minutes <= 24 * 60:
        return None
    return mention(m, "duration", minutes=round(minutes))


def quick_call(m: re.Match[str], s: Scan) -> Mention | None:
    """ "a quick call", "brief chat": a short meeting whose length the caller picks (minutes -1)."""
    return mention(m, "duration", minutes=-1)


def named_zone(m: re.Match[str], s: Scan) -> Mention | None:
    """ "ET", "CET", "my time", "your time": the zone a time is written in ("@writer"/"@agent" for the
    speakers' own); ambiguous abbreviations need a time or a "time" word beside them."""
    name = m["z"]
    if name in ("my", "mine", "local", "our"):
        return mention(m, "zone", zone="@writer")
    if name in ("your", "yours"):
        return mention(m, "zone", zone="@agent")
    right_after_a_time = re.search(r"(?:\d|am|pm)\s?$", s.text[: m.start()]) is not None
    if name in ZONE_NEEDS_TIME_WORD and not m["tw"] and not right_after_a_time:
        return None
    if name in ZONE_NEEDS_A_CLOCK and not right_after_a_time:
        return None
    return mention(m, "zone", zone=ZONE_ABBREVIATIONS[name])


def zone_offset(m: re.Match[str], s: Scan) -> Mention | None:
    """ "UTC+5:30", "GMT-3": a fixed offset, or the city's zone when Outlook names one the offset fits."""
    hours = int(m["h"])
    minutes = int(m["m"] or 0)
    if hours > 14 or minutes > 59:
        return None
    total = (hours * 60 + minutes) * (-1 if m["sign"] == "-" else 1)
    # Outlook's "(UTC+01:00) Amsterdam, Berlin, ..." or "(UTC-05:00) Eastern Time (US & Canada)" labels a zone that
    # keeps summer time, not a fixed offset: the label is read as the ICS reader reads such a TZID
    label = _LABEL_AFTER_OFFSET.match(s.text, m.end())
    zone = zone_from_display_name(label["rest"], total) if label else None
    if zone is not None:
        return mention(m, "zone", zone=f"iana:{zone.key}")
    return mention(m, "zone", zone=f"offset:{total}")


_LABEL_AFTER_OFFSET = re.compile(r"\)[ \t]+(?P<rest>[^\n]+)")


# The clock time an offset follows; "+" or seconds mark the offset, since "9:30-12:00" is a range of times.
_CLOCK_BEFORE = re.compile(r"\d[:.][0-5]\d(?P<sec>:[0-5]\d(?:\.\d+)?)?(?P<ap>\s?[ap]m)?\s?$")


def clock_offset(m: re.Match[str], s: Scan) -> Mention | None:
    """ "2011-07-03 22:11:35 +0100", "2012-08-02T13:00:00+01:00", "10:00 +0200", "10:30 PM -0500": a numeric UTC
    offset written right after a clock time (ISO 8601, mail headers) is the zone of that time, not a second time or a
    range's end."""
    clock_before = _CLOCK_BEFORE.search(s.text, 0, m.start())
    # "10:00-1130", "10 am-1130" are ranges; after seconds ("22:30:00-0400") or a spaced am/pm ("10:30 pm -0500")
    # it is an offset
    spaced = clock_before is not None and clock_before["ap"] and m.group(0)[0].isspace()
    if clock_before is None or (m["sign"] == "-" and not (clock_before["sec"] or spaced)):
        return None
    return zone_offset(m, s)


def iana_zone(m: re.Match[str], s: Scan) -> Mention | None:
    """ "Europe/Berlin", "america/new_york": the IANA zone, in its canonical capitalization."""
    parts = [
        "_".join(w.upper() if len(w) <= 2 else w.capitalize() for w in part.split("_")) for part in m["z"].split("/")
    ]
    return mention(m, "zone", zone="iana:" + "/".join(parts))


def negation(m: re.Match[str], s: Scan) -> Mention | None:
    """ "not", "except", "I'm out": a cue whose position rules out the days and times after it."""
    return mention(m, "neg")


def but_negation(m: re.Match[str], s: Scan) -> Mention | None:
    """ "any day next week but Friday" rules Friday out; "Tuesday works but Friday is better" does not."""
    return mention(m, "neg") if re.search(r"\b(?:any|every|all)\b[^.;!?]{0,40}$", s.text[: m.start()]) else None


def possessive_day(m: re.Match[str], s: Scan) -> Mention | None:
    """ "tomorrow's meeting", "Thursday's call": the meeting being moved; its day is kept for "to the afternoon"."""
    what = m["what"]
    if what in ("today", "tomorrow"):
        day = s.today + timedelta(days=1 if what == "tomorrow" else 0)
    else:
        weekday = WEEKDAYS.get(what.rstrip("."))
        if weekday is None:
            return mention(m, "ref")
        day = next_weekday(s.today, weekday, include_today=True)
    return mention(m, "ref", days=(day,))


def reference(m: re.Match[str], s: Scan) -> Mention | None:
    """ "Thursday's call", "our 2pm": the meeting being talked about, not a time the writer is offering."""
    return mention(m, "ref")


# What, right after a date or time, says the writer cannot do it ("Monday doesn't work", "Tue is out").
POSTNEG = re.compile(
    r"[\s,]*(?:(?:is|are|would be|will be)\s)?"
    r"(?:(?:doesn'?t|does not|won'?t|will not|don'?t|do not|wouldn'?t|isn'?t|is not|"
    r"are not|aren'?t|not)\s(?:really\s)?(?:work|suit|good|great|possible|ideal|an option|going to work|available)|"
    r"(?:a (?:public |bank |national |school )?holiday|off)\b|"
    r"(?:(?:fully|completely|totally|all) )?"
    # ("Sunday 3/8 out of LGA" is a departure; "out of the question", "out of office" rule the day out)
    r"(?:out(?!\sof\s(?!(?:the\s)?(?:question|office|town|country)\b))|bad|no good|tough|difficult|booked|full|"
    r"blocked|taken|impossible|a no)\b|"
    r"(?:i'?m|i am|we'?re) (?:out|busy|booked|travell?ing|off|away|unavailable))"
)
