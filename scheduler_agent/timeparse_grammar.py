"""The time grammar of the offline engine: normalized English text in, positioned mentions out.

Each recognizer is a compiled pattern plus a small function; they run in priority order and a later
one never claims characters an earlier one already took, so "between 2 and 4" is one time range
rather than two bare numbers. They read text `timeparse_normalize.py` has put in canonical spellings.
This module holds only that table (`RECOGNIZERS`) and the scan, so the order that settles every conflict
is read in one place; the handlers live in `timeparse_times.py` (times, durations, zones, negations),
`timeparse_dates.py`, `timeparse_offsets.py` and `timeparse_holidays.py`; combining mentions into windows
is `timeparse.py`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime

from .timeparse_dates import (
    day_of_relative_month,
    days_run_forward,
    end_of_year,
    iso_date,
    iso_week,
    month_date,
    month_date_range,
    month_only,
    month_phrase,
    nth_of_month,
    nth_of_period,
    numeric_date,
    numeric_month,
    ordinal_day,
    quarter,
    relative_day,
    this_part_of_day,
    week_phrase,
    weekday_mention,
    year_phrase,
)
from .timeparse_holidays import holiday, season
from .timeparse_lexicon import EVENT_NOUN_RE, HOLIDAY_RE, MONTH_RE, PART_OF_DAY_RE, WEEKDAY_RE, ZONE_ABBREVIATION_RE
from .timeparse_mentions import Alternatives, Mention, Scan, stands_alone
from .timeparse_offsets import (
    ago,
    anchor_shifts,
    compound_offset,
    counted_weekday,
    day_shift,
    in_n_days,
    last_n_days,
    next_n_days,
    weeks_from_day,
)
from .timeparse_ordinals import nth_part, pick_parts
from .timeparse_times import (
    after_time,
    before_time,
    but_negation,
    clock_offset,
    duration,
    early_in_day,
    hhmm_point,
    iana_zone,
    in_n_time,
    last_n_time,
    military_time,
    named_zone,
    negation,
    offset_from_time,
    part_of_day,
    past_the_hour,
    past_to,
    point_time,
    possessive_day,
    quick_call,
    reference,
    rest_of_today,
    right_now,
    spoken_oh_minutes,
    time_range,
    within_n_time,
    within_parts,
    zone_offset,
)

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


Recognizer = Callable[[re.Match[str], "Scan"], Mention | None]


_UNIT = r"(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"


_WD = rf"(?P<wd>{WEEKDAY_RE})"
# "move our 3pm to 4pm" names the meeting being moved; "the 9:40 to Zurich" is a departure, a time on offer.
_MOVED_TO = (
    rf"(?:\d|noon|midnight|later|earlier|next|this|tomorrow|today|tonight|{WEEKDAY_RE}|{MONTH_RE}|"
    r"the (?:morning|afternoon|evening|following|next|same|week|day|\d))"
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
_NOT_A_TIME_AFTER = (
    r"(?![ \t]?(?:(?:business |working |calendar )?days?|weeks?|months?|people|persons?|"
    r"min|mins|minutes?|hours?|hrs?|h\b))"
)
_NOT_A_DAY_AFTER = (
    r"(?!\s(?:one|option|slot|choice|time|proposal|suggestion|week|day|half|meeting|call|round|attempt|floor|"
    r"ave|avenue|st|street|rd|road|place|grade|anniversary|birthday|edition|try|row|quarter|qtr|door|gate|level|"
    r"stop|exit|chapter|lap|hole|prize|century|percentile)\b)"
)
# "30 minutes before the 2pm meeting": a time counted from a meeting's, not the meeting named as a reference
_NOT_COUNTED_FROM = "".join(
    f"(?<!{u} {d} )" for u in ("hour", "hours", "minutes", "mins", "hrs") for d in ("before", "after")
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
            # the subject is often left out at the start of a sentence: "Will be travelling on 26th", "On leave Monday"
            # (but "travelling 31/1 - 2/2" alone names the trip)
            r"(?:(?:i'?m|i am|i'?ll be|i will be|we'?re|we are|(?:^|(?<=[.;!?,] ))(?:will be|am)) "
            r"(?:out(?: of (?:the )?office)?|away|off|travell?ing|booked|tied up|on (?:holiday|vacation|leave))|"
            r"(?:^|(?<=[.;!?,] ))on (?:holiday|vacation|leave)|"
            r"(?:i'?m|i am|i'?ll be|i will be|we'?re|we are|we'?ll be) (?:at|in) (?:a |an |the |our )?"
            r"(?:conference|offsite|off-site|workshop|training|summit|trade show|wedding|retreat)|"
            r"busy|unavailable|not available|ooo|out of (?:the )?office|slammed|swamped|packed|booked solid|"
            r"(?:tak(?:e|ing)|took|have|having) (?:the |a )?days? off|"
            r"(?:a |another )?conflict(?: on)?)"
            # "I have a call at 3" is the writer's own; "we have a slot free at 3", "an appointment available" offer it
            r"(?: all day)?(?: on)?|no|(?:i have|i've got|i got|we have)"
            r"(?:\s(?!(?:available|free|open|spare|left|availability|openings?|slots?|vacanc(?:y|ies))\b)[a-z']+){1,3}"
            r"(?=\sat\s\d))"
            r"(?=\s(?!later\b|earlier\b|sooner\b|problem\b|worries\b|rush\b|before\b|after\b|until\b|sure\b|more\b))",
            negation,
        ),
        (r"\bbut\b", but_negation),
        (
            # "OOO until Monday", "on vacation until December": the end of an absence, not a time on offer.
            r"\b(?:ooo|out of (?:the )?office|on vacation|on holiday|on leave|away|out|travell?ing|off) "
            r"(?:until|till|through|thru) (?:the |next |early |mid-?|end of )?"
            rf"(?:{WEEKDAY_RE}|{MONTH_RE}(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?|\d{{1,2}}/\d{{1,2}}|\d{{1,2}}(?:st|nd|rd|th)|"
            r"tomorrow|next week|the (?:week|month))",
            reference,
        ),
        (
            # "I'm having lunch at 12" is the writer's own plan; "let's have lunch" offers the lunch hour
            r"(?<!let's )(?<!lets )(?<!let us )(?<!shall we )(?<!why don't we )"
            r"\b(?:have|having|grab(?:bing)?|my|eat(?:ing)?) (?:lunch|breakfast|dinner)\b",
            reference,
        ),
        (
            # "from now to Friday", and "now to 2010-01-01" opening the text: a span from now, not "now" alone
            r"(?:(?<=\bbetween )|(?<=\bfrom )"
            rf"|^(?=now (?:until|till|to|through) (?:\d|next\b|tomorrow\b|{WEEKDAY_RE}|{MONTH_RE})))"
            r"(?P<w>now)(?= (?:and|until|till|to|through)\b)",
            relative_day,
        ),
        (
            r"\b(?!good friday\b)(?:good|great|lovely|nice|happy|enjoy (?:the|your)|have a (?:good|great|nice|lovely))"
            r"(?: rest of (?:the|your))?\s(?:morning|afternoon|evening|night|day|weekend|week|"
            r"monday|tuesday|wednesday|thursday|friday)\b",
            reference,
        ),
        (
            rf"\binstead of (?:the |our |my )?(?:\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?|{WEEKDAY_RE}|today|tomorrow)(?!\w)",
            reference,
        ),
        (
            rf"\b(?P<what>{WEEKDAY_RE}|tomorrow|today)'s\b"
            r"(?!\s(?:fine|good|great|perfect|ok|okay|better|best|open|free|bad|out|no good|tough|not|booked|works?))",
            possessive_day,
        ),
        (
            _NOT_COUNTED_FROM + r"\b(?:our|my|the|today'?s|tomorrow'?s) "
            r"(?=\d{1,2}(?::\d\d)?\s?(?:am|pm)?\s(?:meeting|call|sync|slot|chat)\b"
            r"|\d{1,2}(?::\d\d|\s?(?:am|pm))\sto\s" + _MOVED_TO + r")"
            r"\d{1,2}(?::\d\d)?\s?(?:am|pm)?",
            reference,
        ),
        (
            rf"\b(?:our|my|the|this|that) {WEEKDAY_RE}(?:\s\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?)?"
            r"(?=\s(?:meeting|call|sync|review|chat|one-on-one|session|interview|demo|catch-?up|standup)\b)",
            reference,
        ),
        (r"^\W*(?:good )?(?:morning|afternoon|evening)\b(?=\s?[,!.\u2014-])", reference),
        # "chapter 18.27", "section 4.12", "v2.10": a numbered part of a text or a release, neither time nor date
        (
            r"\b(?:chapters?|sections?|sec\.|§|articles?|clauses?|paragraphs?|para\.|pages?|pp?\.|versions?|v|"
            r"figures?|fig\.|tables?|items?|steps?|exhibits?|appendix|rules?|titles?)\s?\d+(?:\.\d+)+\b(?!\s?(?:am|pm)\b)",
            reference,
        ),
        # "a table for 6", "seats for 2": how many, not when
        (
            r"\b(?:table|party|group|reservation|booking|seats?|tickets?|rooms?) for \d{1,2}\b"
            rf"(?![:./-]|(?:st|nd|rd|th)\b|\s?(?:am|pm|h|o'?clock)\b|\s?(?:-|to|and)\s?\d|\s{MONTH_RE}\b)",
            reference,
        ),
        (
            # "move the flight from Tuesday to Wednesday": the day it leaves is the booking being moved
            r"\b(?:move|moving|shift|shifting|change|changing|push|reschedule|rebook|postpone)\b[^.?!]{0,30}?\bfrom\s"
            rf"(?:{WEEKDAY_RE}|today|tomorrow|the \d{{1,2}}(?:st|nd|rd|th)|\d{{1,2}}[./]\d{{1,2}}\.?)"
            r"(?=\s(?:to|until)\s)",
            reference,
        ),
        (
            # "change July 22nd meeting to August 22nd": the date names the meeting being moved, not a time offered.
            r"\b(?:change|move|reschedule|push|shift|bump)\s(?:the |our |my |this |that )?"
            rf"(?:{MONTH_RE}\s?\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{MONTH_RE}|\d{{1,2}}/\d{{1,2}})"
            r"(?=\s(?:meeting|call|appointment|sync|session|review|interview|demo)\b)",
            reference,
        ),
        # "Merry Christmas!", "Happy New Year": a greeting, not a day on offer.
        (r"\b(?:merry|happy)\s(?:christmas|xmas|new year'?s?|easter|thanksgiving|holidays)\b", reference),
        # Zones.
        (r"\b(?:utc|gmt)(?:\s?(?P<sign>[+-])\s?|(?=\d))(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b", zone_offset),  # "utc4:30"
        (
            # "23.00+14": the hours alone after a clock time too
            r"(?:(?<=\d)|(?<=\d[ap]m)|(?<=\d [ap]m))\s?(?P<sign>[+-])(?P<h>[01]\d)(?::?(?P<m>[0-5]\d))?\b(?![:.]\d)",
            clock_offset,
        ),
        (
            r"\b(?P<z>(?:america|europe|asia|africa|australia|pacific|atlantic|indian)/[a-z_]+(?:/[a-z_]+)?|"
            # the old country links still written in calendars and libraries ("2pm Canada/Eastern", "US/Pacific")
            r"us/(?:eastern|central|mountain|pacific|alaska|hawaii|arizona)|"
            r"canada/(?:atlantic|central|eastern|mountain|newfoundland|pacific|saskatchewan|yukon))\b",
            iana_zone,
        ),
        (r"\b(?P<z>my|mine|your|yours|local|our)\s(?P<tw>time\s?zone|time|tz)\b", named_zone),
        (
            r"(?<![\w@])(?P<z>"
            + ZONE_ABBREVIATION_RE
            # "pacific daylight (saving) time", "eastern standard time"
            + r")(?P<tw>\s(?:(?:standard|daylight(?: saving)?)\s)?(?:time\s?zone|time|tz))?\b(?!['@-])",
            named_zone,
        ),
        # Relative instants, then durations.
        (
            # "within 1 day and 5 hours", "within the next 2 days 1 hour 5 minutes": from now until then
            r"\bwithin (?:the )?(?:next |upcoming |coming )?(?P<parts>(?:\d+|an?) "
            + _UNIT
            + r"(?:(?:,\s?|\s)(?:and\s)?(?:\d+|an?) "
            + _UNIT
            + r")+)\b",
            within_parts,
        ),
        (
            r"\b(?P<parts>(?:\d+|an?) (?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)"
            r"(?:(?:,\s?|\s)(?:and\s)?(?:\d+|an?) "
            r"(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?))+)"
            r"\s(?P<dir>ago|later|from now)\b"
            # "half an hour ago" is read whole by in_n_time, not from its "an hour ago"
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
            # "6 hours before tomorrow": a day alone is counted from its start (offset_from_time)
            r"\s(?P<dir>after|before)\s(?:(?P<day>today|tomorrow|yesterday)(?!'s)\b(?:,?\s(?:at\s)?)?)?(?:the\s(?=\d))?(?:"
            + T1
            + rf")?(?:\s{EVENT_NOUN_RE}\b)?",  # "an hour before the 9:30 train": the time of a named event, moved
            offset_from_time,
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
            lambda m, s: in_n_time(Alternatives(m), s),
        ),
        (
            r"\b(?:(?:in|over|during|for) )?(?:the )?(?:last|past|previous) (?P<n>\d+(?:\.\d+)?)\s?"
            r"(?P<u>hours?|hrs?|minutes?|mins?)\b(?! of\b)",
            last_n_time,
        ),
        (r"\bthe rest of today\b", rest_of_today),
        (
            # "within half an hour", "within around 3 hours"
            r"\b(?:within (?:about |around |roughly |approximately )?|"
            r"(?:in |over |during )?(?=(?:the )?(?:next|coming|upcoming) ))(?:the )?"
            r"(?P<next>(?:next|coming|upcoming) )?(?:(?P<n>\d+(?:\.\d+)?|an?|half(?: an?)?)\s?)?"
            r"(?P<u>hours?|hrs?|minutes?|mins?)\b(?P<half> and a half\b)?",
            within_n_time,
        ),
        (
            r"\b(?:(?P<half>half an hour|half hour|1/2 ?(?:h|hr|hour)\b)|(?P<quarter>quarter[- ]hour\b)|"
            r"(?P<hh_n>\d+) ?½ hours?|"
            r"(?P<n>\d+(?:\.\d+)?|an?(?=\s)|another(?=\s))[\s-]?(?P<u>hours?|hrs?|h|minutes?|mins?|m)\b"
            r"(?:\s?(?:and\s)?(?P<n2>\d{1,2})\s?(?:minutes?|mins?|m)\b|(?P<n2b>\d{2})\b|"
            r"\sand\s(?P<frac>a half|a quarter|3 quarters)\b)?)"
            # "30 minutes later" is an instant, but "30 minutes later this week" is a length and a day.
            r"(?!\s?(?:from now|ago|(?:later|earlier)(?!\s(?:this|that|in|on|today|tomorrow|next))))"
            r"(?!\s(?:past|to)\s(?:\d{1,2}|noon)\b(?!\s?(?:minutes?|mins?|hours?|hrs?|h)\b))",  # "20 min past 8"
            duration,
        ),
        (
            r"\b(?:quick|brief|short)\s(?:(?:phone|video|zoom|intro|teams)\s)?"
            r"(?:call|chat|sync|catch[- ]?up|question|meeting|touch ?base|check[- ]?in|convo)",
            quick_call,
        ),
        # Relative instants and days.
        (
            r"\b(?:(?:in|over|within|during|for) )?(?:the )?(?:next|coming) (?P<n>\d+) "
            r"(?P<unit>days|weeks|months|years|business days|working days|weekdays)\b"
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
            r"(?P<season>spring|summer|fall|autumn|winter)(?:\s(?:of\s)?(?P<y>(?:19|20)\d{2}|'\d{2}))?\b"
            r"|\b(?P<season_>spring|summer|fall|autumn|winter)\s(?:of\s)?(?P<y_>(?:19|20)\d{2}|'\d{2})\b"
            r"|\b(?P<season2>spring|summer|fall|autumn|winter)\b",
            lambda m, s: season(Alternatives(m), s) if not m["season2"] or stands_alone(m, s) else None,
        ),
        (
            # "3 years ago tomorrow", "tomorrow 1 year ago", "11 january 2 years ago": counted back from the day
            # written beside it (`anchor_shifts` joins them, or counts from today when no day is there)
            r"(?<![\d.])\b(?P<n>\d+|an?) (?P<u>days?|weeks?|months?|years?) (?P<dir>ago)(?= (?:tomorrow|yesterday)\b)"
            r"|(?:(?<=\w )|(?<=\w, ))(?<!\bof )(?<!\bor )(?<!\band )(?<!\bto )"
            r"(?P<n_>\d+|an?) (?P<u_>days?|weeks?|months?|years?) (?P<dir_>ago)\b",
            lambda m, s: day_shift(Alternatives(m), s),
        ),
        # not "the 1st of 3 months ago", "the Monday of 2 weeks ago": those name a day of that month or week
        (r"(?<![\d.])(?<!\bof )\b(?P<n>\d+(?:\.\d+)?|an?) (?P<unit>days?|weeks?|months?|years?) ago\b", ago),
        (
            rf"\b(?:(?P<mod>this|next|last|coming|previous|following) )?(?P<h>{HOLIDAY_RE})(?P<eve>\seve)?"
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
            # "3 days after", "a month after", "the 2nd Monday before": counted from the date written next.
            rf"\b(?:(?P<n>\d+|an?) (?:(?P<u>days?|weeks?|months?|years?)|(?P<wd>{WEEKDAY_RE}))|the (?P<u_>day)|"
            rf"(?:the )?(?:(?P<ord>first|second|third|fourth|fifth|1st|2nd|3rd|[4-9]th) )?(?P<wd_>{WEEKDAY_RE}))"
            r" (?P<dir>before|after)(?=[\s?!.,;]|$)"  # "what's your plan for the day after?"
            rf"(?! (?:next|last)\b(?!\s(?:{WEEKDAY_RE}|week|month))| that\b| it\b| the (?:meeting|call)\b)"
            # "Friday after 1", "Friday before noon" are times on that day, not days counted from another
            # ("2 weeks after 3 May": a day of a month, not a clock time)
            rf"(?! (?:{PART_OF_DAY_RE}|noon|midnight|work|school)\b"
            rf"| \d{{1,2}}(?:[:.]\d\d)?\s?(?:am|pm)?(?![\w/.-]|\s(?:of\s)?(?:{MONTH_RE})\b))",
            lambda m, s: day_shift(Alternatives(m), s),
        ),
        (
            # "next week on Tuesday" is that week's Tuesday (weekday_mention), "next week from Tue to Thu" a week:
            # neither counts weeks after a day; "in 3 weeks from tomorrow" counts them like "3 weeks from tomorrow"
            # (but "in 2 weeks on Tuesday" is the Tuesday of the week in 2 weeks: week_phrase and weekday_mention)
            r"(?<!in )(?<!the )(?<!next )(?<!this )(?<!last )(?<!coming )(?<!following )(?<!\d )"
            r"\b(?:(?:in (?=(?:\d+|a) weeks? from\b))?(?P<n>\d+|a) )?weeks? (?:on|from|after) "
            rf"(?:(?P<mod>this|coming|next) )?(?:(?P<wd>{WEEKDAY_RE})|(?P<rd>tomorrow|yesterday))(?=\W|$)",
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
            # "the last Tuesday in Jun 96": a bare two-digit year only where no day of a month can be that number
            rf"(?P<next>this |next |last )?(?P<mon>{MONTH_RE})(?:,?\s(?P<y>(?:19|20)\d{{2}}|'\d{{2}}|3[2-9]|[4-9]\d))?|"
            r"(?P<yr>(?:19|20)\d{2}))"
            r"(?=\W|$)",
            nth_of_month,
        ),
        (  # "the 5th day of Q1 2002", "the last hour of March 2021": picked out of the period after "of" (pick_parts)
            r"\b(?:the\s)?(?P<ord>first|second|third|fourth|fifth|sixth|last|final|\d{1,3}(?:st|nd|rd|th))\s"
            r"(?P<u>day|hour|minute)(?=\sof\s)",
            nth_part,
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
            right_now,
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
            # "24 dec to 26", "24th of December - 26th": the month written after the first day, not after both
            rf"(?<![\d/.:-])\b(?P<d1>\d{{1,2}}){_ORD}(?:\sof)?\s(?P<mon>{MONTH_RE})\s?(?:-|to|through|thru|until|till)"
            rf"\s?(?:the\s)?(?P<d2>\d{{1,2}}){_ORD}\b(?![:.]\d|\s?(?:am|pm|h)\b|\s(?:of\s)?{MONTH_RE}\b){_YEAR}",
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
            rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:\sof)?\s(?P<mon>{MONTH_RE})(?=\W|$)(?!\s\d{{1,2}}(?:st|nd|rd|th)?\b){_YEAR}",
            month_date_range,
        ),
        (
            # "18 Oct 5 am": a number with am/pm after the month is a time, not the month's day
            rf"(?:{_WD},?\s(?:the\s)?)?\b(?:(?P<mon>{MONTH_RE})(?:\s?|[-/])(?:the\s)?(?P<d>\d{{1,2}}){_ORD}\b(?!:\d)|(?:the\s)?(?P<d_>\d{{1,2}}){_ORD}(?P<of>\sof)?\s?(?P<mon_>{MONTH_RE})\b"
            # "3 Aug 96", "1 Jan 20", "14th April 15": two digits after a day and its month are the year; after "of"
            # a number is the month's day ("from 5 to 6 of April 22" is April 22), and so is any ordinal
            r"(?(of)(?!\s?(?:[12]?\d|3[01])(?:st|nd|rd|th)?\b(?![:.]\d|\s?(?:am|pm)\b))"
            r"|(?!\s?(?:\d(?:st|nd|rd|th)?|(?:[12]\d|3[01])(?:st|nd|rd|th))\b(?![:.]\d|\s?(?:am|pm)\b))"
            rf"(?:\s(?P<y2>\d\d)\b(?!\s?(?:am|pm|h\b|hours?|hrs?|min|[:.]\d)){_COUNTED}{_NOT_A_TIME_AFTER})?))(?!\d)"
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
            # "the", or before a clock time: "Thursday 11 at 17", or before a part of day it cannot be an hour of:
            # "Sunday 11 in the afternoon") is the day of the month.
            rf"{_WD},?\s(?:(?:the\s)?(?P<d>1[3-9]|2\d|3[01])|the\s(?P<d_>[1-9]|1[0-2])|"
            r"(?P<d2>(?:[1-9]|1[0-2])(?=\sat\s\d)|(?:[7-9]|1[01])(?=\s(?:in the )?afternoon\b)))\b"
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
            r"(?:the )?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|final) (?:quarter|qtr)|"
            r"(?:(?P<qmod>this|next|last|past|previous) )?q(?P<n>[1-4]))"
            r"(?:,?\s(?:of\s)?(?P<y>(?:19|20)\d{2})|\s(?:of\s)?(?P<rel>this|next|last) year)?\b",
            quarter,
        ),
        (
            rf"(?<!\d\s)\b{_PART}(?P<inw>in |(?:the )?month of |every |each )?"
            r"(?P<mod>next |last |past |this past |previous |this )?"
            rf"(?P<mon>{MONTH_RE})"
            # "may 97": a two-digit number no month has days for is the year; "June of 2022"
            r"(?:(?:,?\s|\sof\s(?=(?:19|20)\d\d|'\d\d))(?P<y>(?:19|20)\d{2}|'\d{2}|(?:3[2-9]|[4-9]\d)\b(?!\s?(?:am|pm|h\b|[:.]\d))"
            rf"{_COUNTED}{_NOT_A_TIME_AFTER})|\s(?:of\s)?(?P<ny>next|this|last) year|\s(?P<an>after next))?\b(?!\s?\d)",
            month_only,
        ),
        (
            r"\b(?:end of (?:(?:the |this |(?P<rel>next|last|previous) )?year|(?P<y>(?:19|20)\d{2})(?![-/.:]\d))"
            r"|eoy)\b",
            end_of_year,
        ),
        (
            r"\b(?:(?P<rest>the rest of )|(?P<half>early|late|later) )?"
            # "1999 AD", "2008CE": a number marked with its era is a year wherever it stands
            r"(?:(?P<mod>this|next|last|previous|past) year|(?:in|of|during|for) (?P<y>(?:19|20)\d{2})"
            r"|(?P<ey>\d{4}) ?(?:ad|ce))\b"
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
        (r"\b(?P<h>\d{1,2})\s(?:o|oh)\s(?P<mi>[1-9])\b(?![:./-]\d)(?:\s?(?P<ap>am|pm)\b)?", spoken_oh_minutes),
        (
            # "at 10 to 3", "@ 20 to 4pm": after "at" a count of minutes "to" an hour is one moment (14:50), where
            # "10 to 3" alone is as often the range 10:00-15:00 and is read so below.
            r"(?:\bat|@)\s?(?P<n>5|10|15|20|25)\s(?P<dir>to)\s(?P<h>\d{1,2}|noon)(?::(?P<hm>[0-5]\d))?\s?(?P<ap>am|pm)?\b"
            r"(?![:.]\d|\s?-)",
            past_to,
        ),
        (
            rf"\b(?:between|from)?\s?{HHMM4.format(p='a')}\s?(?:-|to|and|until|till)\s?{HHMM4.format(p='b')}\b",
            time_range,
        ),
        (rf"\bbetween\s{T1}{_START_PART}\sand\s{T2}{_END_PART}", time_range),
        (
            # "3 pm - 7/19 2 pm": a number that begins a date is no end time; "2pm and goes until 4pm" is a range too
            rf"(?<!\d-)\b(?:from\s)?{T1}{_START_PART}\s?(?:-|to|until|till|til|through|thru|"
            r"(?:and\s|,\s?)?(?:goes|runs|lasts|continues|going|running|lasting)\s(?:until|till|to))"
            rf"\s?{T2}{_NOT_A_TIME_AFTER}(?![/.]\d|-\d)"  # "1-2-3" holds no range of times
            rf"{_END_PART}",
            time_range,
        ),
        (
            r"\b(?P<n>half|quarter|3 quarters|\d{1,2})(?:\s(?:minutes?|mins?))?\s"
            r"(?P<dir>past|after|to|before|prior to)\s(?P<h>\d{1,2}|noon)(?::(?P<hm>[0-5]\d))?\s?(?P<ap>am|pm)?\b",
            past_to,
        ),
        (
            # "at half past", "at 20 past", "at quarter to" with the hour left out: the next such moment from now
            r"(?:\bat|@)\s?(?P<n>half|quarter|\d{1,2})(?:\s(?:minutes?|mins?))?\s(?P<dir>past|after|to)(?=\s?(?:[,;.!?)]|$))",
            past_the_hour,
        ),
        (rf"\b{_AFTER}\s{T1}\s?,?\s(?:but|and)\s{_BEFORE}\s{T2}", time_range),
        # "after 2 days of meetings", "before 2 weeks pass": a count of days is no clock time
        (rf"\b{_AFTER}\s{T1}{_NOT_A_TIME_AFTER}", after_time),
        (rf"\b{_BEFORE}\s{T1}{_NOT_A_TIME_AFTER}", before_time),
        # "10 at the latest", "9:30 at the earliest": the bound written after its time
        (rf"(?<![\d/.:-])\b{T1}\s(?:at the (?:very )?|at )latest\b", before_time),
        (rf"(?<![\d/.:-])\b{T1}\s(?:(?:at the (?:very )?|at )earliest|onwards?)\b", after_time),  # "2pm onwards"
        (
            # "priced at 1.6714", "1.230,00 EUR": a decimal number is no clock time; "@2" needs no space
            rf"(?:(?<!\w)(?P<prefix>{_POINT_PREFIX})(?:\s|(?<=@)))?"
            rf"(?<!\d/)(?<!\d,)(?<!\d\.)(?<!\bhalf )\b{T1}(?:ish)?(?![.,]\d)"
            # ("3pm - 2pm March 3", "7:00 - 28.08 16:00": a range that ends on another day is two times, joined by
            # _spans_across_days; "10:30 pm -0500": a zone offset; "06:55 / Return: ..." is a time before a separator)
            # "12.53%": a percentage
            rf"(?![ \t]?(?:/(?!\s[a-z])|%|-\s?\d(?!\d?[/.]\d|{_ENDS_ON_A_DAY}|\d{{3}}\b)|"
            r"(?:business |working |calendar )?days?|weeks?|months?|times"
            rf"|options?|slots?|(?:{_COUNT_NOUNS})\b))",
            point_time,
        ),
        (
            r"(?<![\w$\u20ac\u00a3#.,:/-])(?P<h>[01]\d|2[0-3]|[1-9](?=[0-5]\d(?!\d)))(?P<mi>[0-5]\d)(?P<s>[0-5]\d)?"
            r"(?![\w.:/-]|,\d|\s?%)" + _COUNTED,
            military_time,
        ),
        (
            rf"\b(?:{_POINT_PREFIX}|approximately)\s(?P<h>[01]?\d|2[0-3])(?P<mi>[0-5]\d)(?:\s?(?P<ap>am|pm))?\b"
            rf"(?![,.]\d){_COUNTED}",
            hhmm_point,
        ),
        # "3 nights", "2 mornings a week": a small number right before a part of day counts it (a year or the end
        # of a date, "28/10 late afternoon", does not);
        # "189.00 per night" is a rate
        (
            r"(?:\b(?:in|at|during|over|around) (?:the )?)?(?<!(?<![\d/.])\d\s)(?<!(?<![\d/.])\d\d\s)(?<!\bper )"
            rf"\b(?P<pod>{PART_OF_DAY_RE})s?\b(?!-[a-z])",  # not "one-night-only"
            part_of_day,
        ),
        # "early Monday", "an early flight on Friday" (the day follows) or "1st June early" (it came before)
        (
            r"\bearly(?:\s(?:flight|train|departure|start))?"
            rf"(?:(?P<ahead>(?=\s(?:on\s)?(?:{WEEKDAY_RE}|today|tomorrow|tmrw?)\b))|(?=\s?(?:[,;.!?)]|$)))",
            early_in_day,
        ),
    )
)


def _free_matches(pattern: re.Pattern[str], text: str, taken: bytearray) -> Iterator[re.Match[str]]:
    """Non-empty matches over unclaimed text. One that overlaps a claim is tried again just after its start,
    so "taking the day off on Tuesday" still yields "Tuesday" when the negation already took the "on"."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        if match.end() == match.start() or any(taken[match.start() : match.end()]):
            # "11 january 2 years ago" with "2 years ago" claimed: the match is tried again up to the claim
            claim = taken.find(1, match.start(), match.end())
            shorter = pattern.search(text, pos, claim) if claim > pos else None
            if shorter is not None and shorter.end() > shorter.start() and not any(taken[shorter.start() : claim]):
                yield shorter
                pos = shorter.end()
                continue
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
    return days_run_forward(anchor_shifts(text, pick_parts(text, found, now.tzinfo), today), today)


def iter_unclaimed_numbers(text: str, spans: list[tuple[int, int]]) -> Iterator[str]:
    """Short, time-like numbers no recognizer used ("at 25", "3 30"): a hint that something was missed.

    Phone numbers, addresses and long figures are not time-like and are left alone.
    """
    for match in re.finditer(r"(?<![\w@.:/#-])\d{1,2}(?:[:/.]\d{1,2})?(?![\w@:/-]|\.\d|\s?%)", text):
        if not any(a <= match.start() < b for a, b in spans):
            yield match.group(0)
