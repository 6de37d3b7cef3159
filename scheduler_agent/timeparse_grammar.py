"""The time grammar of the offline engine: normalized English text in, positioned mentions out.

Each recognizer is a compiled pattern plus a small function; they run in priority order and a later
one never claims characters an earlier one already took, so "between 2 and 4" is one time range
rather than two bare numbers. They read text `timeparse_normalize.py` has put in canonical spellings.
Times, durations, zones and negations are read here; the date handlers live in `timeparse_dates.py`;
combining mentions into windows is `timeparse.py`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .timeparse_dates import (
    Alternatives,
    Mention,
    Scan,
    ago,
    anchor_shifts,
    compound_offset,
    counted_weekday,
    day_of_relative_month,
    day_shift,
    days_run_forward,
    end_of_year,
    holiday,
    in_n_days,
    iso_date,
    iso_week,
    last_n_days,
    mention,
    month_date,
    month_date_range,
    month_only,
    month_phrase,
    next_n_days,
    nth_of_month,
    nth_of_period,
    numeric_date,
    numeric_month,
    ordinal_day,
    quarter,
    relative_day,
    season,
    stands_alone,
    this_part_of_day,
    week_phrase,
    weekday_mention,
    weeks_from_day,
    year_phrase,
)
from .timeparse_lexicon import (
    CITY_ZONES,
    HOLIDAY_RE,
    MONTH_RE,
    PART_OF_DAY_RE,
    PARTS_OF_DAY,
    WEEKDAY_RE,
    WEEKDAYS,
    ZONE_ABBREVIATIONS,
    ZONE_NEEDS_TIME_WORD,
)


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


# ---- patterns ------------------------------------------------------------------------------------------

_T = (
    # seconds after a colon, or after a dot once the minutes came after a colon ("5:32.19pm", "15:30.30")
    r"(?:(?P<{p}h>\d{{1,2}})(?:[:.h](?P<{p}m>\d{{2}})(?::\d{{2}}(?:\.\d+)?|(?<=:\d\d)\.\d{{2}}(?!\d))?)?"
    r"\s?(?P<{p}ap>am|pm)?(?:\b|(?=h\b))(?:\s?(?P<{p}hs>h)\b)?"
    r"|(?P<{p}noon>noon|midday|midnight))"
)
T1 = _T.format(p="a")
T2 = _T.format(p="b")
HHMM4 = r"(?P<{p}4>[0-2]\d[0-5]\d)"

# "- 2pm March 3", "-2 pm on Friday": the rest of an end time that names its own day
_ENDS_ON_A_DAY = rf"\d?(?::[0-5]\d)?\s?(?:am|pm)\s(?:on\s)?(?:{MONTH_RE}|{WEEKDAY_RE})\b"
_POINT_PREFIX = r"(?:at|@|around|about|by|for|say|maybe|ideally|~)"
_AFTER = (
    r"(?:(?<!no )(?<!not )after|(?<!no )(?<!not )later than|from|"
    r"since|not before|no earlier than|not earlier than|earliest(?: at)?|starting(?: at| from)?|any ?time after|"
    r"anytime from|beginning at|onwards? from|as early as)"
)
_BEFORE = (
    r"(?:before|until|till|til|through|thru|up to|"
    r"not after|no later than|not later than|latest(?: at| by)?|by|ending(?: at| by)?|prior to|in advance of|"
    r"(?<!no )(?<!not )earlier than|(?<!no )(?<!not )sooner than|as late as)"
)
# "from 3 in the morning until 5pm": a part of day that fixes the range's start, not its end.
_START_PART = r"(?:\s(?P<apod>in the (?:morning|afternoon|evening)|at night))?"
# "... until five in the afternoon": the part of day after a range's end belongs to the range (it sets am/pm), so it
# is not read again as a window of its own that the wider range would be dropped for.
_END_PART = r"(?:\s?(?:in the (?:morning|afternoon|evening)|at night)\b)?"
_AFTER_A_DAY = re.compile(rf"\b(?:{WEEKDAY_RE}|today|tomorrow|tmrw?|tonight),?\s$")
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


def _tod_hint(text: str, start: int, end: int) -> str | None:
    """A part of day written next to a bare hour ("8 in the evening", "in the morning at 9") fixes am/pm."""
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


Recognizer = Callable[[re.Match[str], "Scan"], Mention | None]


_MINUTES_IN = {"h": 60.0, "m": 1.0, "s": 1 / 60}  # by a unit's first letter: hours, minutes, seconds


def _in_n_time(m: Alternatives, s: Scan) -> Mention | None:
    """ "in 2 hours", "20 minutes from now", "half an hour ago", "in 5 seconds": a moment counted from now."""
    n = 0.5 if m["half"] else 1.0 if m["n"] in ("a", "an") else float(m["n"] or 0)
    minutes = n * _MINUTES_IN[m["u"][0]] + int(m["hm"] or 0)  # "in 1h30"
    sign = -1 if m["dir"] == "ago" else 1
    return mention(m, "instant", instant=s.now + timedelta(minutes=sign * minutes))


def _within_n_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "within 5 hours", "in the next 30 minutes", "the next hour": any time from now until then, a stretch
    rather than the moment it ends."""
    if m["n"] is None and m["next"] is None:  # "within hours" says no length
        return None
    n = 1.0 if m["n"] in (None, "a", "an") else 0.5 if m["n"].startswith("half") else float(m["n"])
    minutes = n * 60 if m["u"].startswith("h") else n
    return mention(m, "instant", instant=s.now, until=s.now + timedelta(minutes=minutes))


def _last_n_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the last 3 minutes", "past 2 hours", "previous 3 mins": the stretch that ends now (a past reading, which
    scheduling drops), as Recognizers-Text and Duckling read it; not a meeting length."""
    n = float(m["n"])
    minutes = n * 60 if m["u"].startswith("h") else n
    return mention(m, "instant", instant=s.now - timedelta(minutes=minutes), until=s.now)


_UNIT = r"(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"


def _within_parts(m: re.Match[str], s: Scan) -> Mention | None:
    """ "within 1 day and 5 hours": any time from now until now moved by every part, a stretch (only with a clock
    part; "within 2 weeks and 3 days" is left to the day readings)."""
    moved = compound_offset(Alternatives(m), s)
    if moved is None or moved.instant is None:
        return None
    return replace(moved, instant=s.now, until=moved.instant)


def _rest_of_today(m: re.Match[str], s: Scan) -> Mention | None:
    """ "the rest of the day": from now to midnight (today, clipped to now, is what scheduling offers anyway)."""
    midnight = datetime.combine(s.today + timedelta(days=1), time(0), tzinfo=s.now.tzinfo)
    return mention(m, "instant", instant=s.now, until=midnight)


# Times ---------------------------------------------------------------------------------------------------


def _time_range(m: re.Match[str], s: Scan) -> Mention | None:
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
    if start is None or end is None or end <= start:
        return None
    return mention(m, "tod", tod_start=start, tod_end=end)


def _after_time(m: re.Match[str], s: Scan) -> Mention | None:
    start = _time_from(m, "a", None, s.text)
    if start is None:
        return None
    starts = m.group(0).startswith(("starting", "beginning")) and " from" not in m.group(0)
    return mention(m, "tod", tod_start=start, tod_end=None, starts=starts)


def _before_time(m: re.Match[str], s: Scan) -> Mention | None:
    end = _time_from(m, "a", None, s.text)
    if end is None or end == time(0):
        return None
    return mention(m, "tod", tod_start=time(0), tod_end=end)


def _point_time(m: re.Match[str], s: Scan) -> Mention | None:
    explicit = m["prefix"] or m["aap"] or m["am"] or m["anoon"] or m["ahs"] or m["ah"].startswith("0")
    # "next Monday 9", "tomorrow 3", "3 on Friday", "evening 6": a bare hour right beside a day is a time of day.
    beside_day = (
        m["ah"]
        and int(m["ah"]) <= 12
        and (
            _AFTER_A_DAY.search(s.text, 0, m.start()) is not None
            or _AFTER_A_PART.search(s.text, 0, m.start()) is not None
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


def _hhmm_point(m: re.Match[str], s: Scan) -> Mention | None:
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
    rf"(?:\b{_DAY_BESIDE},?|\b(?:dep|depart(?:s|ing|ure)?|arr|arriv(?:e|es|ing|al)|leav(?:e|es|ing)|"
    r"pick-?up|check-?in|check-?out|return(?:ing)?|boarding|landing)(?: at)?:?)\s$"
)
_YEAR_AFTER_DATE = re.compile(rf"{MONTH_RE}(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?,?\s$")  # "29 February 2014"
_HHMM_AFTER = re.compile(rf",?\s(?:on\s)?{_DAY_BESIDE}(?!\w)")
_CODE_BEFORE = re.compile(
    r"(?:\b(?!(?:at|by|on|to|in|or|is|it|am|pm|so|up|of|if|be|we|me|my|us|do|go|an|as|ok)\s)[a-z][a-z\d]|"
    r"\b(?:flight|flt|train|bus|ice|tgv|room|rm|gate|seat|platform|track|no\.?|nr\.?|number|ref|order|booking|"
    r"ticket|invoice|code|pin|ext\.?|apt|suite|unit)|#)\s?$"
)


_LENGTH_BEFORE = re.compile(
    r"\b(?:for|need|needs|book|block|reserve|take|takes|spend|have|has|got|get|allow)\s"
    r"(?:(?:about|around|roughly|at least|maybe)\s)?$"
)


def _offset_from_time(m: re.Match[str], s: Scan) -> Mention | None:
    """ "5 hours after noon", "half an hour before 12:00 pm", "3 hours before midnight": a clock time moved by a
    length, one moment of the day (midnight, counted back from, ends the day rather than starting it).

    With a day before the clock time ("7 hours before tomorrow at noon") it is a moment that may fall on
    another day."""
    if _LENGTH_BEFORE.search(s.text, 0, m.start()):
        return None  # "I need 2 hours before noon": a length and a deadline, not a moment
    base = _time_from(m, "a", None, s.text)
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


def _right_now(m: re.Match[str], s: Scan) -> Mention | None:
    """ "can you talk right now?", or a reply of just "now": this very moment. Only at the end of a sentence:
    "right now Tuesday looks best" and "I'm slammed right now, maybe Thursday" say "at present", and the
    adverb in "now that..." is no time at all."""
    asked = _ASK_NOW.search(s.text, 0, m.start()) is not None  # "schedule a meeting now", "can we talk now?"
    return mention(m, "instant", instant=s.now) if m["right"] or asked or stands_alone(m, s) else None


_ASK_NOW = re.compile(
    r"\b(?:meet|meeting|talk|call|chat|schedule|book|start|join|hop on|speak|sync|go|come|leave|back|free|available)"
    r"\b[^.!?,;]*$"
)


def _military_time(m: re.Match[str], s: Scan) -> Mention | None:
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


def _past_to(m: re.Match[str], s: Scan) -> Mention | None:
    hour = 12 if m["h"] == "noon" else int(m["h"])
    minutes = {"half": 30, "quarter": 15, "3 quarters": 45}.get(m["n"]) or int(m["n"])
    hint = "pm" if m["h"] == "noon" else m["ap"]
    base = clock(hour, int(m["hm"] or 0), m["ap"], hint or _tod_hint(s.text, m.start(), m.end()))  # "3 mins to 5:30"
    if base is None:
        return None
    when = datetime.combine(s.today, base) + timedelta(minutes=minutes if m["dir"] in ("past", "after") else -minutes)
    return mention(m, "tod", tod_start=when.time(), tod_end=when.time(), point=True)


def _half_hour_british(m: re.Match[str], s: Scan) -> Mention | None:
    at = clock(int(m["h"]), 30, None, _tod_hint(s.text, m.start(), m.end()))
    return mention(m, "tod", tod_start=at, tod_end=at, point=True) if at else None


def _part_of_day(m: re.Match[str], s: Scan) -> Mention | None:
    start, end = PARTS_OF_DAY[m["pod"]]
    return mention(m, "tod", tod_start=start, tod_end=end)


# Durations, zones, negation ------------------------------------------------------------------------------


def _duration(m: re.Match[str], s: Scan) -> Mention | None:
    if m["half"]:
        minutes = 30.0
    elif m["hh_n"]:
        minutes = float(m["hh_n"]) * 60 + 30
    else:
        n = 1.0 if m["n"] in ("a", "an", "another") else float(m["n"])  # "another hour" is one more
        minutes = n * 60 if m["u"].startswith("h") else n
        if m["n2"] or m["n2b"]:
            minutes += float(m["n2"] or m["n2b"])
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


def _quick(m: re.Match[str], s: Scan) -> Mention | None:
    return mention(m, "duration", minutes=-1)


def _zone(m: re.Match[str], s: Scan) -> Mention | None:
    name = m["z"]
    if name in ("my", "mine", "local", "our"):
        return mention(m, "zone", zone="@writer")
    if name in ("your", "yours"):
        return mention(m, "zone", zone="@agent")
    right_after_a_time = re.search(r"(?:\d|am|pm)\s?$", s.text[: m.start()]) is not None
    if name in ZONE_NEEDS_TIME_WORD and not m["tw"] and not right_after_a_time:
        return None
    return mention(m, "zone", zone=ZONE_ABBREVIATIONS[name])


def _zone_offset(m: re.Match[str], s: Scan) -> Mention | None:
    hours = int(m["h"])
    minutes = int(m["m"] or 0)
    if hours > 14 or minutes > 59:
        return None
    total = (hours * 60 + minutes) * (-1 if m["sign"] == "-" else 1)
    # Outlook's "(UTC+01:00) Amsterdam, Berlin, ...": the offset labels its first city's zone, summer time included
    city = _CITY_AFTER_OFFSET.match(s.text, m.end())
    name = CITY_ZONES.get(city["c"]) if city else None
    if name is not None and total in _standard_and_summer_minutes(name, s.today.year):
        return mention(m, "zone", zone=f"iana:{name}")
    return mention(m, "zone", zone=f"offset:{total}")


_CITY_AFTER_OFFSET = re.compile(r"\)\s(?P<c>[a-z]+(?: [a-z]+)?)(?=[,\n]|$)")


def _standard_and_summer_minutes(name: str, year: int) -> set[int]:
    """The UTC offsets, in minutes, a zone keeps in January and July of `year`."""
    zone = ZoneInfo(name)
    return {
        int(offset.total_seconds() // 60)
        for month in (1, 7)
        if (offset := datetime(year, month, 1, tzinfo=zone).utcoffset()) is not None
    }


# The clock time an offset follows; "+" or seconds mark the offset, since "9:30-12:00" is a range of times.
_CLOCK_BEFORE = re.compile(r"\d[:.][0-5]\d(?P<sec>:[0-5]\d(?:\.\d+)?)?(?P<ap>\s?[ap]m)?\s?$")


def _clock_offset(m: re.Match[str], s: Scan) -> Mention | None:
    """ "2011-07-03 22:11:35 +0100", "2012-08-02T13:00:00+01:00", "10:00 +0200", "10:30 PM -0500": a numeric UTC
    offset written right after a clock time (ISO 8601, mail headers) is the zone of that time, not a second time or a
    range's end."""
    clock_before = _CLOCK_BEFORE.search(s.text, 0, m.start())
    # "10:00-1130", "10 am-1130" are ranges; after seconds ("22:30:00-0400") or a spaced am/pm ("10:30 pm -0500")
    # it is an offset
    spaced = clock_before is not None and clock_before["ap"] and m.group(0)[0].isspace()
    if clock_before is None or (m["sign"] == "-" and not (clock_before["sec"] or spaced)):
        return None
    return _zone_offset(m, s)


def _zone_iana(m: re.Match[str], s: Scan) -> Mention | None:
    parts = [
        "_".join(w.upper() if len(w) <= 2 else w.capitalize() for w in part.split("_")) for part in m["z"].split("/")
    ]
    return mention(m, "zone", zone="iana:" + "/".join(parts))


def _neg(m: re.Match[str], s: Scan) -> Mention | None:
    return mention(m, "neg")


def _but(m: re.Match[str], s: Scan) -> Mention | None:
    """ "any day next week but Friday" rules Friday out; "Tuesday works but Friday is better" does not."""
    return mention(m, "neg") if re.search(r"\b(?:any|every|all)\b[^.;!?]{0,40}$", s.text[: m.start()]) else None


def _possessive_day(m: re.Match[str], s: Scan) -> Mention | None:
    """ "tomorrow's meeting", "Thursday's call": the meeting being moved; its day is kept for "to the afternoon"."""
    what = m["what"]
    if what in ("today", "tomorrow"):
        day = s.today + timedelta(days=1 if what == "tomorrow" else 0)
    else:
        weekday = WEEKDAYS.get(what.rstrip("."))
        if weekday is None:
            return mention(m, "ref")
        day = s.today + timedelta(days=(weekday - s.today.weekday()) % 7)
    return mention(m, "ref", days=(day,))


def _reference(m: re.Match[str], s: Scan) -> Mention | None:
    """ "Thursday's call", "our 2pm": the meeting being talked about, not a time the writer is offering."""
    return mention(m, "ref")


_WD = rf"(?P<wd>{WEEKDAY_RE})"
# "move our 3pm to 4pm" names the meeting being moved; "the 9:40 to Zurich" is a departure, a time on offer.
_MOVED_TO = (
    rf"(?:\d|noon|midnight|later|earlier|next|this|tomorrow|today|tonight|{WEEKDAY_RE}|{MONTH_RE}|"
    r"the (?:morning|afternoon|evening|following|next|same|week|day|\d))"
)
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
# "at 101 points", "for 3 peeps": a number that counts something is no clock time.
_COUNT_NOUNS = (
    r"points?|percent|per cent|people|persons?|guests?|attendees?|folks|peeps|adults?|kids?|child|children|seats?|"
    r"tickets?|users|items|pages|"
    # a booking's counts: "1 adult, 2 rooms, 1 bag"
    r"pax|passengers?|travell?ers?|infants?|bab(?:y|ies)|rooms?|bags?|suitcases?|"
    r"copies|units|dollars|euros?|pounds|miles|km|feet|meters|metres"
)
_COUNTED = rf"(?!\s(?:{_COUNT_NOUNS})\b)"
# (on the same line: "17:30\nDay: Monday" is a time and then a field)
_NOT_A_TIME_AFTER = r"(?![ \t]?(?:days?|weeks?|months?|people|persons?|min|mins|minutes?|hours?|hrs?|h\b))"
_NOT_A_DAY_AFTER = (
    r"(?!\s(?:one|option|slot|choice|time|proposal|suggestion|week|day|half|meeting|call|round|attempt|floor|"
    r"ave|avenue|st|street|rd|road|place|grade|anniversary|birthday|edition|try|row|quarter|qtr|door|gate|level|"
    r"stop|exit|chapter|lap|hole|prize|century|percentile)\b)"
)
_YEAR = r"(?:,?\s(?P<y>(?:19|20)\d{2}|'\d{2}))?"
_ORD = r"(?:st|nd|rd|th)?"
_PART = (
    r"(?:(?P<part>early|beginning of|start of|the beginning of|the start of|mid-?|middle of|the middle of|"
    r"late|end of|the end of|the rest of|(?:the )?(?:first|1st|second|2nd|third|3rd|fourth|4th|last|final) week of|"
    r"(?:the )?(?:first|1st|second|2nd|latter|last) half of)\s?)?"
)

RECOGNIZERS: tuple[tuple[re.Pattern[str], Recognizer], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        # Negation and references first: they only mark positions and claim the cue words.
        (
            r"\b(?:but not|neither (?:does|do|is|would|will)|nor|except(?: for)?|other than|excluding|apart from|"
            r"anything but|instead of|rather than|not on|not|avoid|"
            r"can'?t do|cannot do|can'?t make|cannot make|can'?t meet|(?:can'?t|cannot) (?:travel|fly)|"
            r"won'?t be (?:able|available)(?: on)?|"
            r"(?:(?:i'?m|i am|i'?ll be|i will be|we'?re|we are) "
            r"(?:out(?: of (?:the )?office)?|away|off|travell?ing|booked|tied up|on (?:holiday|vacation|leave))|"
            r"(?:i'?m|i am|i'?ll be|i will be|we'?re|we are|we'?ll be) (?:at|in) (?:a |an |the |our )?"
            r"(?:conference|offsite|off-site|workshop|training|summit|trade show|wedding|retreat)|"
            r"busy|unavailable|not available|ooo|out of (?:the )?office|slammed|swamped|packed|booked solid|"
            r"(?:tak(?:e|ing)|took|have|having) (?:the |a )?days? off|"
            r"(?:a |another )?conflict(?: on)?)"
            r"(?: all day)?(?: on)?|no|(?:i have|i've got|i got|we have)(?:\s[a-z']+){1,3}(?=\sat\s\d))"
            r"(?=\s(?!later\b|earlier\b|sooner\b|problem\b|worries\b|rush\b|before\b|after\b|until\b|sure\b|more\b))",
            _neg,
        ),
        (r"\bbut\b", _but),
        (
            # "OOO until Monday", "on vacation until December": the end of an absence, not a time on offer.
            r"\b(?:ooo|out of (?:the )?office|on vacation|on holiday|on leave|away|out|travell?ing|off) "
            r"(?:until|till|through|thru) (?:the |next |early |mid-?|end of )?"
            rf"(?:{WEEKDAY_RE}|{MONTH_RE}(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?|\d{{1,2}}/\d{{1,2}}|\d{{1,2}}(?:st|nd|rd|th)|"
            r"tomorrow|next week|the (?:week|month))",
            _reference,
        ),
        (
            # "I'm having lunch at 12" is the writer's own plan; "let's have lunch" offers the lunch hour
            r"(?<!let's )(?<!lets )(?<!let us )(?<!shall we )(?<!why don't we )"
            r"\b(?:have|having|grab(?:bing)?|my|eat(?:ing)?) (?:lunch|breakfast|dinner)\b",
            _reference,
        ),
        (r"(?:(?<=\bbetween )|(?<=\bfrom ))(?P<w>now)(?= (?:and|until|till|to|through)\b)", relative_day),
        (
            r"\b(?!good friday\b)(?:good|great|lovely|nice|happy|enjoy (?:the|your)|have a (?:good|great|nice|lovely))"
            r"(?: rest of (?:the|your))?\s(?:morning|afternoon|evening|night|day|weekend|week|"
            r"monday|tuesday|wednesday|thursday|friday)\b",
            _reference,
        ),
        (
            rf"\binstead of (?:the |our |my )?(?:\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?|{WEEKDAY_RE}|today|tomorrow)(?!\w)",
            _reference,
        ),
        (
            rf"\b(?P<what>{WEEKDAY_RE}|tomorrow|today)'s\b"
            r"(?!\s(?:fine|good|great|perfect|ok|okay|better|best|open|free|bad|out|no good|tough|not|booked|works?))",
            _possessive_day,
        ),
        (
            r"\b(?:our|my|the|today'?s|tomorrow'?s) "
            r"(?=\d{1,2}(?::\d\d)?\s?(?:am|pm)?\s(?:meeting|call|sync|slot|chat)\b"
            r"|\d{1,2}(?::\d\d|\s?(?:am|pm))\sto\s" + _MOVED_TO + r")"
            r"\d{1,2}(?::\d\d)?\s?(?:am|pm)?",
            _reference,
        ),
        (
            rf"\b(?:our|my|the|this|that) {WEEKDAY_RE}(?:\s\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?)?"
            r"(?=\s(?:meeting|call|sync|review|chat|one-on-one|session|interview|demo|catch-?up|standup)\b)",
            _reference,
        ),
        (r"^\W*(?:good )?(?:morning|afternoon|evening)\b(?=\s?[,!.\u2014-])", _reference),
        # "a table for 6", "seats for 2": how many, not when
        (
            r"\b(?:table|party|group|reservation|booking|seats?|tickets?|rooms?) for \d{1,2}\b"
            rf"(?![:./-]|(?:st|nd|rd|th)\b|\s?(?:am|pm|h|o'?clock)\b|\s?(?:-|to|and)\s?\d|\s{MONTH_RE}\b)",
            _reference,
        ),
        (
            # "move the flight from Tuesday to Wednesday": the day it leaves is the booking being moved
            r"\b(?:move|moving|shift|shifting|change|changing|push|reschedule|rebook|postpone)\b[^.?!]{0,30}?\bfrom\s"
            rf"(?:{WEEKDAY_RE}|today|tomorrow|the \d{{1,2}}(?:st|nd|rd|th)|\d{{1,2}}[./]\d{{1,2}}\.?)"
            r"(?=\s(?:to|until)\s)",
            _reference,
        ),
        (
            # "change July 22nd meeting to August 22nd": the date names the meeting being moved, not a time offered.
            r"\b(?:change|move|reschedule|push|shift|bump)\s(?:the |our |my |this |that )?"
            rf"(?:{MONTH_RE}\s?\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{MONTH_RE}|\d{{1,2}}/\d{{1,2}})"
            r"(?=\s(?:meeting|call|appointment|sync|session|review|interview|demo)\b)",
            _reference,
        ),
        # "Merry Christmas!", "Happy New Year": a greeting, not a day on offer.
        (r"\b(?:merry|happy)\s(?:christmas|xmas|new year'?s?|easter|thanksgiving|holidays)\b", _reference),
        # Zones.
        (r"\b(?:utc|gmt)(?:\s?(?P<sign>[+-])\s?|(?=\d))(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b", _zone_offset),  # "utc4:30"
        (
            # "23.00+14": the hours alone after a clock time too
            r"(?:(?<=\d)|(?<=\d[ap]m)|(?<=\d [ap]m))\s?(?P<sign>[+-])(?P<h>[01]\d)(?::?(?P<m>[0-5]\d))?\b(?![:.]\d)",
            _clock_offset,
        ),
        (
            r"\b(?P<z>(?:america|europe|asia|africa|australia|pacific|atlantic|indian)/[a-z_]+(?:/[a-z_]+)?)\b",
            _zone_iana,
        ),
        (r"\b(?P<z>my|mine|your|yours|local|our)\s(?P<tw>time\s?zone|time|tz)\b", _zone),
        (
            r"(?<![\w@])(?P<z>"
            + "|".join(sorted((re.escape(k) for k in ZONE_ABBREVIATIONS), key=len, reverse=True))
            # "pacific daylight (saving) time", "eastern standard time"
            + r")(?P<tw>\s(?:(?:standard|daylight(?: saving)?)\s)?(?:time\s?zone|time|tz))?\b(?!['@-])",
            _zone,
        ),
        # Relative instants, then durations.
        (
            # "within 1 day and 5 hours", "within the next 2 days 1 hour 5 minutes": from now until then
            r"\bwithin (?:the )?(?:next |upcoming |coming )?(?P<parts>(?:\d+|an?) "
            + _UNIT
            + r"(?:(?:,\s?|\s)(?:and\s)?(?:\d+|an?) "
            + _UNIT
            + r")+)\b",
            _within_parts,
        ),
        (
            r"\b(?P<parts>(?:\d+|an?) (?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"
            r"(?:(?:,\s?|\s)(?:and\s)?(?:\d+|an?) "
            r"(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?))+)"
            r"\s(?P<dir>ago|later|from now)\b"
            # "half an hour ago" is read whole by _in_n_time, not from its "an hour ago"
            r"|(?<!half )\b(?P<parts_>(?:\d+(?:\.\d+)?|an?)\s?(?:hours?|hrs?|h|minutes?|mins?))\s(?P<dir_>ago)\b"
            # "2 days later" (a lone "an hour later" moves the meeting being discussed, not now)
            r"|(?<![\d.])\b(?P<parts2>(?:\d+|an?) (?:years?|months?|weeks?|days?))\s"
            r"(?P<dir2>later)\b(?!\s(?:this|that|in|on|today|tomorrow|next))",
            lambda m, s: compound_offset(Alternatives(m), s),
        ),
        (
            # "in 2 weeks and 3 days", "in 1 hour 30 minutes", "in 1d 2hr 5min": now moved by every part, like
            # "... from now"
            r"\bin (?P<parts>(?:\d+\s?|an?\s)(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?)"
            r"(?:(?:,\s?|\s)(?:and\s)?(?:\d+\s?|an?\s)(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?))+)\b",
            lambda m, s: compound_offset(Alternatives(m), s),
        ),
        (
            r"\b(?P<n>\d+(?:\.\d+)?|an?|half an?)\s?(?P<u>hours?|hrs?|h|minutes?|mins?|seconds?|secs?)"
            r"\s(?P<dir>after|before)\s(?:(?P<day>today|tomorrow|yesterday),?\s(?:at\s)?)?" + T1,
            _offset_from_time,
        ),
        (
            # "after an hour" as well, but not "after 17h": that is a clock time
            r"\b(?:in|after(?=\s(?:an?|\d+(?:\.\d+)?)\s(?:hours?|hrs?|minutes?|mins?)\b)) "
            r"(?:about |around |roughly |approximately |like )?~?"
            r"(?P<n>\d+(?:\.\d+)?|an?|(?P<half>(?:an? )?half(?: an?)?))\s?"
            r"(?P<u>hours?|hrs?|h(?P<hm>[0-5]\d)?|minutes?|mins?|seconds?|secs?)\b"
            r"|\b(?P<n_>\d+(?:\.\d+)?|an?|(?P<half_>(?:an? )?half(?: an?)?))\s?"
            r"(?P<u_>hours?|hrs?|h(?P<hm_>[0-5]\d)|minutes?|mins?|m|seconds?|secs?) "
            r"(?P<dir>from now|ago)\b",
            lambda m, s: _in_n_time(Alternatives(m), s),
        ),
        (
            r"\b(?:(?:in|over|during|for) )?(?:the )?(?:last|past|previous) (?P<n>\d+(?:\.\d+)?)\s?"
            r"(?P<u>hours?|hrs?|minutes?|mins?)\b(?! of\b)",
            _last_n_time,
        ),
        (r"\bthe rest of today\b", _rest_of_today),
        (
            # "within half an hour", "within around 3 hours"
            r"\b(?:within (?:about |around |roughly |approximately )?|"
            r"(?:in |over |during )?(?=(?:the )?(?:next|coming|upcoming) ))(?:the )?"
            r"(?P<next>(?:next|coming|upcoming) )?(?:(?P<n>\d+(?:\.\d+)?|an?|half an?)\s?)?"
            r"(?P<u>hours?|hrs?|minutes?|mins?)\b",
            _within_n_time,
        ),
        (
            r"\b(?:(?P<half>half an hour|half hour|1/2 ?(?:h|hr|hour)\b)|"
            r"(?P<hh_n>\d+) ?½ hours?|"
            r"(?P<n>\d+(?:\.\d+)?|an?(?=\s)|another(?=\s))[\s-]?(?P<u>hours?|hrs?|h|minutes?|mins?|m)\b"
            r"(?:\s?(?:and\s)?(?P<n2>\d{1,2})\s?(?:minutes?|mins?|m)\b|(?P<n2b>\d{2})\b)?)"
            # "30 minutes later" is an instant, but "30 minutes later this week" is a length and a day.
            r"(?!\s?(?:from now|ago|(?:later|earlier)(?!\s(?:this|that|in|on|today|tomorrow|next))))"
            r"(?!\s(?:past|to)\s(?:\d{1,2}|noon)\b(?!\s?(?:minutes?|mins?|hours?|hrs?|h)\b))",  # "20 min past 8"
            _duration,
        ),
        (
            r"\b(?:quick|brief|short)\s(?:(?:phone|video|zoom|intro|teams)\s)?"
            r"(?:call|chat|sync|catch[- ]?up|question|meeting|touch ?base|check[- ]?in|convo)",
            _quick,
        ),
        # Relative instants and days.
        (
            r"\b(?:(?:in|over|within|during|for) )?(?:the )?(?:next|coming) (?P<n>\d+) "
            r"(?P<unit>days|weeks|business days|working days|weekdays)\b"
            # "within 2 weeks (after today)", "within 10 day", "within a month", "within 1 year"
            r"|\bwithin (?P<n2>\d+|an?) (?P<unit2>days?|weeks?|months?|years?)\b",
            next_n_days,
        ),
        (
            r"\b(?:(?:in|over|during|for) )?(?:the )?(?:last|past|previous) (?P<n>\d+) "
            r"(?P<unit>days|weeks|months|years)\b(?! of\b)",
            last_n_days,
        ),
        (
            # A season needs a cue: "spring" and "fall" alone are as often a verb, unless it is all the text says.
            r"\b(?:(?P<mod>this|next|last|past|coming) |(?:in|during|over|until|by) (?:the )?|the )"
            r"(?P<season>spring|summer|fall|autumn|winter)(?:\s(?:of\s)?(?P<y>(?:19|20)\d{2}))?\b"
            r"|\b(?P<season_>spring|summer|fall|autumn|winter)\s(?:of\s)?(?P<y_>(?:19|20)\d{2})\b"
            r"|\b(?P<season2>spring|summer|fall|autumn|winter)\b",
            lambda m, s: season(Alternatives(m), s) if not m["season2"] or stands_alone(m, s) else None,
        ),
        (
            # "3 years ago tomorrow", "tomorrow 1 year ago": counted back from the day written beside it
            # (`anchor_shifts` joins them)
            r"(?<![\d.])\b(?P<n>\d+|an?) (?P<u>days?|weeks?|months?|years?) (?P<dir>ago)(?= (?:tomorrow|yesterday)\b)"
            r"|(?:(?<=\btomorrow )|(?<=\byesterday ))"
            r"(?P<n_>\d+|an?) (?P<u_>days?|weeks?|months?|years?) (?P<dir_>ago)\b",
            lambda m, s: day_shift(Alternatives(m), s),
        ),
        # not "the 1st of 3 months ago", "the Monday of 2 weeks ago": those name a day of that month or week
        (r"(?<![\d.])(?<!\bof )\b(?P<n>\d+(?:\.\d+)?|an?) (?P<unit>days?|weeks?|months?|years?) ago\b", ago),
        (
            rf"\b(?:(?P<mod>this|next|last|coming|previous|following) )?(?P<h>{HOLIDAY_RE})"
            r"(?:,?\s(?:of\s)?(?P<y>(?:19|20)\d{2}|'\d{2})|\s(?:of\s)?(?P<rel>next|this|last) year)?(?!\w)",
            holiday,
        ),
        (
            # not "the first Monday in 2 months"
            r"(?<!day )\b(?:(?:in|after) (?P<n>\d+|an?) (?P<u>days?|months?|years?)(?! of\b)|"
            r"(?P<n2>\d+|an?) (?P<u2>days?|months?|years?) from "
            r"(?P<base>now|today|tomorrow|yesterday|(?:the )?day after tomorrow|(?:the )?day before yesterday))\b",
            in_n_days,
        ),
        (rf"\b(?P<n>\d+|an?) (?P<wd>{WEEKDAY_RE}) (?P<dir>from now|from today|ago)\b", counted_weekday),
        (
            # "3 days after", "the day before", "the 2nd Monday before": counted from the date written next.
            rf"\b(?:(?P<n>\d+|an?) (?:(?P<u>days?|weeks?)|(?P<wd>{WEEKDAY_RE}))|the (?P<u_>day)|"
            rf"(?:the )?(?:(?P<ord>first|second|third|fourth|fifth|1st|2nd|3rd|[4-9]th) )?(?P<wd_>{WEEKDAY_RE}))"
            r" (?P<dir>before|after)(?=[\s?!.,;]|$)"  # "what's your plan for the day after?"
            rf"(?! (?:next|last)\b(?!\s(?:{WEEKDAY_RE}|week|month))| that\b| it\b| the (?:meeting|call)\b)"
            # "Friday after 1", "Friday before noon" are times on that day, not days counted from another
            rf"(?! (?:{PART_OF_DAY_RE}|noon|midnight|work|school)\b| \d{{1,2}}(?:[:.]\d\d)?\s?(?:am|pm)?(?![\w/.-]))",
            lambda m, s: day_shift(Alternatives(m), s),
        ),
        (
            # "next week on Tuesday" is that week's Tuesday (weekday_mention), "next week from Tue to Thu" a week:
            # neither counts weeks after a day; "in 3 weeks from tomorrow" counts them like "3 weeks from tomorrow"
            # (but "in 2 weeks on Tuesday" is the Tuesday of the week in 2 weeks: week_phrase and weekday_mention)
            r"(?<!in )(?<!the )(?<!next )(?<!this )(?<!last )(?<!coming )(?<!following )(?<!\d )"
            r"\b(?:(?:in (?=(?:\d+|a) weeks? from\b))?(?P<n>\d+|a) )?weeks? (?:on|from|after) (?:(?:this|coming) )?"
            rf"(?:(?P<wd>{WEEKDAY_RE})|(?P<rd>tomorrow|yesterday))(?=\W|$)",
            weeks_from_day,
        ),
        (
            # "the 3rd day of next week", "4th day last week", "3rd month next year", "the first month of 2027"
            r"\b(?:the\s)?(?P<ord>first|second|third|fourth|fifth|sixth|last|\d{1,3}(?:st|nd|rd|th))\s"
            r"(?:(?P<unit>day)\s(?:of\s)?(?:the\s)?(?P<mod>this|next|coming|last|previous)\s(?P<period>week)|"
            r"(?P<unit_>day|month)\s(?:of\s)?(?:the\s)?(?:(?P<mod_>this|next|coming|last|previous)\s(?P<period_>year)|"
            r"(?:in\s)?(?P<y>(?:19|20)\d{2})))\b",
            lambda m, s: nth_of_period(Alternatives(m), s),
        ),
        (
            r"\b(?:the\s)?(?P<ord>first|second|third|fourth|fifth|last|final|\d{1,2}(?:st|nd|rd|th)|every|each|all)\s"
            rf"(?P<what>{WEEKDAY_RE}|day|weekend|working day|business day|weekday)s?\s"
            r"(?:(?:of|in|during)\s|(?=(?:this|next|last) ))"
            r"(?:(?P<rel>the month|this month|next month|last month|(?:\d+|a) months?)|"
            rf"(?P<next>this |next |last )?(?P<mon>{MONTH_RE})(?:,?\s(?P<y>(?:19|20)\d{{2}}|'\d{{2}}))?|"
            r"(?P<yr>(?:19|20)\d{2}))"
            r"(?=\W|$)",
            nth_of_month,
        ),
        (
            # "from 4-23 in next month", "4 till 23 of this month": those days of that month.
            r"\b(?:from\s|between\s)?(?:the\s)?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s?(?:-|to|till|until|through|thru|and)\s?"
            r"(?:the\s)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s|in\s)?"
            r"(?P<rel>(?:this|next|the following|last) month|the month after next)\b",
            day_of_relative_month,
        ),
        (
            r"\b(?:the\s)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\sof\s"
            r"(?P<rel>the month after next|(?:this|next|the following|last|the) month|"
            r"(?:\d+|a) months? (?:ago|from now))\b",
            day_of_relative_month,
        ),
        (
            # "November between 19 and 20", "March from 3 to 5": the month written first.
            # (not "14 May from 9 till 12": that month has its day already)
            rf"(?<!\d\s)\b(?P<mon>{MONTH_RE})\s(?:between|from)\s(?:the\s)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s?"
            r"(?:-|to|and|till|until)\s?"
            rf"(?:the\s)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s?(?::|am|pm|h\b)){_YEAR}",
            month_date_range,
        ),
        (
            r"(?<!days from )(?<!day from )(?<!weeks from )(?<!week from )"
            r"\b(?P<w>(?:the )?day after tomorrow|(?:the )?day before yesterday|"
            r"today|tomorrow|tmrw|tmr|yesterday|(?:the )?next day)\b",
            relative_day,
        ),
        (r"\bthis (?P<pod>morning|afternoon|evening)\b", this_part_of_day),
        (
            r"(?<!from )(?<!until )(?<!till )\b(?P<right>right )?now\b(?=\s*(?:[?!.]|$))",
            _right_now,
        ),  # not "2 weeks from now"
        (
            r"\b(?:the )?week (?:number |no\.? |#)?(?P<n>[1-9]|[1-4]\d|5[0-3])\b"
            r"(?:,?\s(?:of\s)?(?P<y>(?:19|20)\d{2}))?(?![:.]\d)",
            iso_week,
        ),
        (
            # "Friday 2018-7-6": the weekday beside the date is part of it, not another day
            # "'69-5-31", "69/5/31": a two-digit year leads when marked or when no month or day can be that number
            rf"(?:{_WD},?\s)?(?<![\w'])(?P<y>\d{{4}}|'\d\d|3[2-9]|[4-9]\d)[-/.](?P<mo>\d{{1,2}})[-/.](?P<d>\d{{1,2}})\b"
            r"(?![-/.]\d)",
            iso_date,
        ),
        (r"(?<![\d/.:-])\b(?P<mo>0?[1-9]|1[0-2])/(?P<y>(?:19|20)\d{2})\b(?![/.:-]\d)", numeric_month),
        (
            rf"(?:{_WD},?\s)?\b(?P<mon>{MONTH_RE})\s?(?P<d1>\d{{1,2}}){_ORD}\s?(?:-|to|through|thru|until|till)"
            rf"\s?(?P<d2>\d{{1,2}}){_ORD}\b(?![:.]\d|\s?(?:am|pm)\b){_YEAR}",
            month_date_range,
        ),
        (
            r"\bbetween (?:the )?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\sand\s(?:the )?(?P<d2>\d{1,2})(?:st|nd|rd|th)?"
            rf"(?:\sof)?\s(?P<mon>{MONTH_RE})(?=\W|$){_YEAR}",
            month_date_range,
        ),
        (
            rf"\bbetween (?:the )?(?P<mon>{MONTH_RE})\s?(?P<d1>\d{{1,2}}){_ORD}"
            rf"\sand\s(?:the )?(?P<d2>\d{{1,2}}){_ORD}\b{_YEAR}",
            month_date_range,
        ),
        (
            r"\b(?:from\s)?(?:the\s)?(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s?(?:-|to|through|thru|until|till)\s?(?:the\s)?"
            rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:\sof)?\s(?P<mon>{MONTH_RE})(?=\W|$)(?!\s\d{{1,2}}\b){_YEAR}",
            month_date_range,
        ),
        (
            # "18 Oct 5 am": a number with am/pm after the month is a time, not the month's day
            rf"(?:{_WD},?\s(?:the\s)?)?\b(?:(?P<mon>{MONTH_RE})(?:\s?|[-/])(?:the\s)?(?P<d>\d{{1,2}}){_ORD}\b(?!:\d)|(?:the\s)?(?P<d_>\d{{1,2}}){_ORD}(?:\sof)?\s?(?P<mon_>{MONTH_RE})\b(?!\s?(?:[12]?\d|3[01])\b(?![:.]\d|\s?(?:am|pm)\b))"
            # "3 Aug 96": a two-digit number no month has days for is the year
            r"(?:\s(?P<y2>3[2-9]|[4-9]\d)\b(?!\s?(?:am|pm|h\b|hours?|hrs?|min|[:.]\d)))?)(?!\d)"
            # "January 12 of 2016": "of" before a four-digit year
            rf"(?:(?:,?\s|,|\sof\s(?=(?:19|20)\d\d))(?P<y>(?:19|20)\d{{2}}|'\d{{2}}|(?:3[2-9]|[4-9]\d)\b(?!\s?(?:am|pm|h\b|[:.]\d)){_COUNTED}"
            rf"{_NOT_A_TIME_AFTER})|\s(?:of\s)?(?P<ry>last|next|this) year\b)?(?:,?\s(?P<wd2>{WEEKDAY_RE}))?",
            lambda m, s: month_date(Alternatives(m), s),
        ),
        (
            rf"(?:{_WD},?\s)?"
            r"(?<![\d/.:])(?P<a>\d{1,2})(?:(?P<sep>[/.])(?P<b>\d{1,2})|(?P<sep_>-)(?P<b_>\d{1,2})(?=-'?\d\d)"
            # "25-08": with no year a dashed pair is a date only when the first number is no hour and no month
            r"|(?<=1[3-9]|2\d|3[01])(?P<sep2>-)(?P<b2>0?[1-9]|1[0-2])(?![\d:.]|\s?(?:am|pm)))"
            r"(?:(?P=sep)(?P<y>\d{4}|'?\d{2})\b|-(?P<y_>\d{4}|'?\d{2})\b|,(?P<y2>\s?\d{4}|\d{2})\b|\.(?=[\s,;!?)-]|$)|\b)(?![/.:]\d|\s?(?:am|pm|h\b|hours?|uhr))",
            lambda m, s: numeric_date(Alternatives(m), s),
        ),
        (
            rf"(?:{_WD},?\s)?(?:\bthe )?(?<![\d.,/:])(?<!\d-)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)\b"
            rf"(?!\s(?:of\s)?{MONTH_RE})"
            rf"{_NOT_A_DAY_AFTER}|"
            rf"(?P<wd_>{WEEKDAY_RE}),?\s(?:the\s)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)\b{_NOT_A_DAY_AFTER}",
            lambda m, s: ordinal_day(Alternatives(m), s),
        ),
        (
            # "on 15 at 8:00", "8pm on the 15", "for the 27": after these words a bare number is a day of the month.
            r"(?:(?<=\bon )|(?<=\bon the )|(?<=\bfor the ))(?P<d>[1-9]|[12]\d|3[01])\b"
            r"(?=\s?(?:[,.?!;)]|$|at\b|and\b|or\b|to\b|from\b|between\b|-\s?[a-z]))",
            lambda m, s: ordinal_day(Alternatives(m), s),
        ),
        (
            # "Monday 21", "Friday the 15": after a weekday, a number no clock uses in business talk (or any, after
            # "the", or before a clock time: "Thursday 11 at 17") is the day of the month.
            rf"{_WD},?\s(?:(?:the\s)?(?P<d>1[3-9]|2\d|3[01])|the\s(?P<d_>[1-9]|1[0-2])|(?P<d2>[1-9]|1[0-2])(?=\sat\s\d))\b"
            rf"(?!\s?(?::|\.\d|am|pm|h\b|hours?|hrs?|min|people|%)){_NOT_A_DAY_AFTER}",
            lambda m, s: ordinal_day(Alternatives(m), s),
        ),
        (
            r"\b(?P<mod>(?:this|next|last) week(?: on)?|"
            r"this|next|coming|following|the following|on the following|last|past|previous|on)?"
            rf"\s?\b{_WD}(?=\W|$)"  # "onthursday" is no weekday
            r"(?:\s(?P<tail>after next|before last|(?:of )?the week after next|"
            r"(?:of )?(?:\d+|a) weeks? (?:ago|from now)|"
            r"next week|of next week|this week|of this week|(?:of )?last week|"
            r"week(?!\s(?:of|after|before|from))\b))?",
            weekday_mention,
        ),
        (
            rf"\b{_PART}(?P<w>(?:the )?week(?:end)? after next|"
            r"(?:this|next|the following|following|coming|the|last|past|this past) weekend|"
            r"(?:\d+|a) weekends? (?:from (?:now|today)|ago)|weekend|"
            r"(?:this|next|the following|following|coming|last|past|previous) week|"
            # "in 2 weeks from now" is the date 2 weeks on, as "2 weeks from now" is, not that week's working days
            r"later this week|later in the week|the week|in (?:\d+|a) weeks?(?! from (?:now|today)\b)|"
            r"(?:\d+|a) weeks? from (?:now|today))\b"
            # "the weekend of the 24th": that date's weekend (timeparse_clauses); but "next week after 2pm" is a time
            # ("the weekend of 27/28 June", "of 27 June" are dates)
            rf"(?! (?:of|after|before)\b(?! (?:\d{{1,2}}(?!\d|\s?[/.-]\s?\d|\s{MONTH_RE}\b)|noon|midnight|lunch)))",
            week_phrase,
        ),
        (
            rf"\b{_PART}(?P<w>(?:this|next|the following|(?:up)?coming|last|past|previous) month|the month after next|"
            r"the month|eom|later (?:this|in the) month)\b",
            month_phrase,
        ),
        (
            r"\b(?P<end>(?:the )?end of )?(?:(?P<mod>this|next|last|the) (?:quarter|qtr)(?! of an?\b| past\b)|"
            r"(?:the )?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|final) (?:quarter|qtr)|q(?P<n>[1-4]))"
            r"(?:,?\s(?:of\s)?(?P<y>(?:19|20)\d{2})|\s(?:of\s)?(?P<rel>this|next|last) year)?\b",
            quarter,
        ),
        (
            rf"(?<!\d\s)\b{_PART}(?P<inw>in |(?:the )?month of |every |each )?"
            r"(?P<mod>next |last |past |this past |previous |this )?"
            rf"(?P<mon>{MONTH_RE})"
            # "may 97": a two-digit number no month has days for is the year; "June of 2022"
            r"(?:(?:,?\s|\sof\s(?=(?:19|20)\d\d))(?P<y>(?:19|20)\d{2}|'\d{2}|(?:3[2-9]|[4-9]\d)\b(?!\s?(?:am|pm|h\b|[:.]\d))"
            rf"{_COUNTED}{_NOT_A_TIME_AFTER})|\s(?:of\s)?(?P<ny>next year))?\b(?!\s?\d)",
            month_only,
        ),
        (
            r"\b(?:end of (?:(?:the |this |(?P<rel>next|last|previous) )?year|(?P<y>(?:19|20)\d{2})(?![-/.:]\d))"
            r"|eoy)\b",
            end_of_year,
        ),
        (
            r"\b(?:(?P<rest>the rest of )|(?P<half>early|late|later) )?"
            r"(?:(?P<mod>this|next|last|previous|past) year|(?:in|of|during|for) (?P<y>(?:19|20)\d{2}))\b"
            r"(?!\s?[-/.:]\d)",
            year_phrase,
        ),
        (
            # "the 30 at 7h", "the morning of the 9", "from the 19 to the 23 October": once no other date took it,
            # a bare number after "the" that ends a phrase is a day of the month.
            r"(?<=\bthe )(?P<d>[1-9]|[12]\d|3[01])\b"
            r"(?=\s?(?:[,.?!;)]|$|at\b|and\b|or\b|to\b|from\b|between\b|in the\b|-\s?[a-z]))",
            lambda m, s: ordinal_day(Alternatives(m), s),
        ),
        # Times of day.
        (
            rf"\b(?:between|from)?\s?{HHMM4.format(p='a')}\s?(?:-|to|and|until|till)\s?{HHMM4.format(p='b')}\b",
            _time_range,
        ),
        (rf"\bbetween\s{T1}{_START_PART}\sand\s{T2}{_END_PART}", _time_range),
        (
            # "3 pm - 7/19 2 pm": a number that begins a date is no end time; "2pm and goes until 4pm" is a range too
            rf"(?<!\d-)\b(?:from\s)?{T1}{_START_PART}\s?(?:-|to|until|till|til|through|thru|"
            r"(?:and\s|,\s?)?(?:goes|runs|lasts|continues|going|running|lasting)\s(?:until|till|to))"
            rf"\s?{T2}{_NOT_A_TIME_AFTER}(?![/.]\d|-\d)"  # "1-2-3" holds no range of times
            rf"{_END_PART}",
            _time_range,
        ),
        (
            r"\b(?P<n>half|quarter|3 quarters|\d{1,2})(?:\s(?:minutes?|mins?))?\s"
            r"(?P<dir>past|after|to|before|prior to)\s(?P<h>\d{1,2}|noon)(?::(?P<hm>[0-5]\d))?\s?(?P<ap>am|pm)?\b",
            _past_to,
        ),
        (rf"\b{_AFTER}\s{T1}\s?,?\s(?:but|and)\s{_BEFORE}\s{T2}", _time_range),
        # "after 2 days of meetings", "before 2 weeks pass": a count of days is no clock time
        (rf"\b{_AFTER}\s{T1}{_NOT_A_TIME_AFTER}", _after_time),
        (rf"\b{_BEFORE}\s{T1}{_NOT_A_TIME_AFTER}", _before_time),
        (
            # "priced at 1.6714", "1.230,00 EUR": a decimal number is no clock time; "@2" needs no space
            rf"(?:(?<!\w)(?P<prefix>{_POINT_PREFIX})(?:\s|(?<=@)))?"
            rf"(?<!\d/)(?<!\d,)(?<!\d\.)(?<!\bhalf )\b{T1}(?:ish)?(?![.,]\d)"
            # ("3pm - 2pm March 3", "7:00 - 28.08 16:00": a range that ends on another day is two times, joined by
            # _spans_across_days; "10:30 pm -0500": a zone offset; "06:55 / Return: ..." is a time before a separator)
            # "12.53%": a percentage
            rf"(?![ \t]?(?:/(?!\s[a-z])|%|-\s?\d(?!\d?[/.]\d|{_ENDS_ON_A_DAY}|\d{{3}}\b)|days?|weeks?|months?|times"
            rf"|options?|slots?|(?:{_COUNT_NOUNS})\b))",
            _point_time,
        ),
        (r"\bhalf (?P<h>\d{1,2})\b", _half_hour_british),
        (
            r"(?<![\w$\u20ac\u00a3#.,:/-])(?P<h>[01]\d|2[0-3]|[1-9](?=[0-5]\d(?!\d)))(?P<mi>[0-5]\d)(?P<s>[0-5]\d)?"
            r"(?![\w.:/-]|,\d|\s?%)" + _COUNTED,
            _military_time,
        ),
        (
            rf"\b(?:{_POINT_PREFIX}|approximately)\s(?P<h>[01]?\d|2[0-3])(?P<mi>[0-5]\d)(?:\s?(?P<ap>am|pm))?\b"
            rf"(?![,.]\d){_COUNTED}",
            _hhmm_point,
        ),
        # "3 nights", "2 mornings a week": a small number right before a part of day counts it (a year or the end
        # of a date, "28/10 late afternoon", does not);
        # "189.00 per night" is a rate
        (
            r"(?:\b(?:in|at|during|over|around) (?:the )?)?(?<!(?<![\d/.])\d\s)(?<!(?<![\d/.])\d\d\s)(?<!\bper )"
            rf"\b(?P<pod>{PART_OF_DAY_RE})s?\b(?!-[a-z])",  # not "one-night-only"
            _part_of_day,
        ),
    )
)


def _free_matches(pattern: re.Pattern[str], text: str, taken: bytearray) -> Iterator[re.Match[str]]:
    """Non-empty matches over unclaimed text. One that overlaps a claim is tried again just after its start,
    so "taking the day off on Tuesday" still yields "Tuesday" when the negation already took the "on"."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        if match.end() == match.start() or any(taken[match.start() : match.end()]):
            pos = match.start() + 1
            continue
        yield match
        pos = match.end()


def scan(text: str, *, today: date, now: datetime) -> list[Mention]:
    """Every mention in `text` (already normalized), sorted by position, spans never overlapping."""
    state = Scan(text=text, today=today, now=now)
    taken = bytearray(len(text) + 1)
    found: list[Mention] = []
    for pattern, handler in RECOGNIZERS:
        for match in _free_matches(pattern, text, taken):
            mention = handler(match, state)
            if mention is None:
                continue
            lead = len(text[mention.start : mention.end]) - len(text[mention.start : mention.end].lstrip())
            trail = len(text[mention.start : mention.end]) - len(text[mention.start : mention.end].rstrip())
            if lead or trail:
                mention = replace(mention, start=mention.start + lead, end=mention.end - trail)
            found.append(mention)
            taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    found.sort(key=lambda m: m.start)
    return days_run_forward(anchor_shifts(text, found, today), today)


def iter_unclaimed_numbers(text: str, spans: list[tuple[int, int]]) -> Iterator[str]:
    """Short, time-like numbers no recognizer used ("at 25", "3 30"): a hint that something was missed.

    Phone numbers, addresses and long figures are not time-like and are left alone.
    """
    for match in re.finditer(r"(?<![\w@.:/#-])\d{1,2}(?:[:/.]\d{1,2})?(?![\w@:/-]|\.\d|\s?%)", text):
        if not any(a <= match.start() < b for a, b in spans):
            yield match.group(0)
