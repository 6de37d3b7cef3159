"""Canonical spellings for the offline grammar: one pattern then covers "3 P.M.", "3pm" and "3 p m".

Every rewrite here keeps the text's meaning and only changes how it is written (number words as digits,
"o'clock" as ":00", ordinal words as "3rd" where they name a day), so the recognizers in
`timeparse_grammar.py` stay few. Pure core.

The rewrites are ordered tables of rules compiled once, at import: every text runs through all ~130 of them,
and building each pattern and looking it up in `re`'s cache on every call made normalizing close to half the
engine's time.
"""

from __future__ import annotations

import re
from itertools import pairwise

from .timeparse_lexicon import (
    DAY_ORDINAL_RE,
    DAY_ORDINAL_WORDS,
    MONTH_RE,
    NUMBER_WORDS,
    WEEKDAY_RE,
    ZONE_ABBREVIATION_RE,
)
from .timeparse_regional import REGIONAL_SPELLINGS, Rule
from .timeparse_stamps import machine_stamps

_DATE_IN_BRACKETS = "|".join(
    (
        r"\d{1,2}[./]\d{1,2}\.?(?:\d{2,4})?",
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s?{MONTH_RE}",
        rf"{MONTH_RE}\s\d{{1,2}}(?:st|nd|rd|th)?",
    )
)
# Labels a number-and-letter names a thing after ("seat 12A", "gate 4A", "suite 2B", "Sub-Title 6A"), not a time
_NUMBERED_THINGS = frozenset(
    {"seat", "row", "gate", "room", "platform", "track", "terminal", "coach", "car", "deck"}
    | {"suite", "apt", "unit", "floor", "building", "block", "lot", "bay", "box"}
    | {"title", "chapter", "section", "article", "part", "form", "exhibit", "appendix"}
)
_ABBREVIATED = r"dep|arr|approx|appr|ca|incl|pls|mr|mrs|ms|dr"

# A rewrite: a compiled pattern and what `re.sub` puts for each match.
_Rule = Rule
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# "Wed 13:00 -> Thu 10:00", "Mon \u2192 Fri": an arrow between two times or days closes a span like "to"
_ARROWS = re.compile(r"\s*(?:->|\u2192|=>|\u21d2)\s*")
_MONEY = re.compile(r"[$\u20ac\u00a3]\s?\d[\d,]*(?:\.\d+)?")
_PHONE = re.compile(r"(?<![\w.-])(?:\d{3}[-.]|\(\d{3}\)\s?)\d{3}[-.]\d{4}(?![\w-])")  # "650-650-6500", "(650) 650-6500"
_BLANKS = re.compile(r"[ \t]+")


def normalize(text: str) -> str:
    """Lower-case and canonicalize spellings so one pattern covers "3 P.M.", "3pm" and "3 p m"."""
    t = machine_stamps(_ARROWS.sub(" to ", _DASHES.sub("-", text.lower())))
    t = _MONEY.sub("amount", t)  # "$12.34" is a sum of money, not 12:34
    t = _PHONE.sub("phone number", t)  # "call 650-650-6500": not a date, nor 18:50
    t = t.replace("\u2019", "'").replace("\u00a0", " ").replace("[", " ").replace("]", " ")
    t = _apply(_NUMBERS_AND_CLOCKS, _apply(REGIONAL_SPELLINGS, t))
    return _BLANKS.sub(" ", _apply(_ORDINAL_DAYS, _apply(_SPELLINGS, t)))


def _apply(rules: tuple[_Rule, ...], t: str) -> str:
    """Every rule in order. Most find nothing in a given text, and a `search` that misses is cheaper than a `sub`
    that misses (which still prepares its replacement template), so `sub` runs only where a match is."""
    for pattern, replacement in rules:
        if pattern.search(t):
            t = pattern.sub(replacement, t)
    return t


_HOUR = r"\d{1,2}(?::\d\d)?(?:\s?[ap]m)?"
_MONTH_BEFORE = re.compile(rf"\b(?:{MONTH_RE})\.?\s$")
_HOURS_LISTED = re.compile(
    rf"\b(at {_HOUR})((?:(?:,\s?(?:and |or )?|\s(?:and|or)\s){_HOUR}\b(?![/.:-]\d)){{2,}})"
    r"(?!(?:,\s?(?:and |or )?|\s(?:and|or)\s)?\d|\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people|persons?|%))"
)
_HOUR_JOINER = re.compile(r"(,\s?(?:and |or )?|\s(?:and|or)\s)(?=\d)")
_ORDINAL_LIST = r"\d{1,2}(?:st|nd|rd|th)(?:(?:,\s?|,?\s(?:or|and)\s)\d{1,2}(?:st|nd|rd|th))+"


_LIST_BEFORE_MONTH = re.compile(rf"\b({_ORDINAL_LIST})\s(?:of\s)?({MONTH_RE})\b")
_ORDINAL_DAY = re.compile(r"\d{1,2}(?:st|nd|rd|th)")


def _shared_month(m: re.Match[str]) -> str:
    """ "the 22nd, 23rd or 31st of March": every day in the list is in that month (a list after the month,
    "July 17th, 18th, or 19th", is _DAY_LIST's)."""
    return _ORDINAL_DAY.sub(lambda d: f"{d[0]} of {m[2]}", m[1])


# "2016, nov", "2024-August", "2016-11", "11 - 2016": a month and its year in any order, written as "nov 2016" and
# "11/2016" (not "2006-Jun-16", a date).
_MONTH_AND_YEAR = re.compile(
    rf"\b(?P<y>(?:19|20)\d{{2}})(?:,?\s|[-/])(?P<mon>{MONTH_RE})\b(?!\s?\d|[-/.]\d)"
    r"|(?<![\d/.:-])\b(?P<y2>(?:19|20)\d{2})\s?[-/]\s?(?P<mo2>0?[1-9]|1[0-2])\b(?!\s?[-/.:]\s?\d)"
    r"|(?<![\d/.:-])\b(?P<mo3>0?[1-9]|1[0-2])\s?[-/]\s?(?P<y3>(?:19|20)\d{2})\b(?![-/.:]\d)"
)


def _month_then_year(m: re.Match[str]) -> str:
    if m["mon"]:
        return f"{m['mon']} {m['y']}"
    return f"{m['mo2'] or m['mo3']}/{m['y2'] or m['y3']}"


# "June 5, 6 or 7": later days listed after a month date share its month; not "June 5, 2pm" or "June 5, 2 people".
_DAY_LIST = re.compile(
    rf"\b(?P<mon>{MONTH_RE})\s(?P<first>\d{{1,2}}(?:st|nd|rd|th)?)"
    r"(?P<rest>(?:(?:,\s?|,?\s(?:or|and|&)\s)\d{1,2}(?:st|nd|rd|th)?\b)+)"
    r"(?!\s?(?:am|pm|h\b|[:.]\d|hours?|hrs?|min|people|persons?|slots?|options?|nights?|rooms?|guests?|%)"
    r"|,?\s?(?:or |and |& )?\d)"
)


def _month_per_day(m: re.Match[str]) -> str:
    days = [int(re.sub(r"\D", "", d)) for d in re.findall(r"\d{1,2}", m["first"] + m["rest"])]
    if any(later <= earlier for earlier, later in pairwise(days)) or days[-1] > 31:
        return m.group(0)  # "June 5 or 3" lists no later days: leave it as written
    head = m.group(0)[: m.end("first") - m.start()]
    return head + re.sub(r"(\d{1,2}(?:st|nd|rd|th)?)\b", lambda d: f"{m['mon']} {d.group(1)}", m["rest"])


def _slashed_days(m: re.Match[str]) -> str:
    """ "nights 26/27/28 Jan", "23, 24, 25 Sept": three or more days listed with slashes or bare commas before their
    month are a list of that month's days (two are read elsewhere: "the weekend of 27/28 June")."""
    parts = [p.strip() for p in re.split(r"[/,]", m[1])]
    days = [int(p) for p in parts]
    if any(later <= earlier for earlier, later in pairwise(days)) or days[-1] > 31:
        return m.group(0)  # "12/3 Jan" lists no later days: leave it as written
    return f"{', '.join(parts[:-1])} and {parts[-1]} "


def _mixed_fraction(m: re.Match[str]) -> str:
    value = int(m[1]) + int(m[2]) / int(m[3])
    return f"{value:g}" if m[4] else f"{m[1]}{_VULGAR[m[2] + '/' + m[3]]}"


_VULGAR = {"1/2": "\u00bd", "1/4": "\u00bc", "3/4": "\u00be"}


def _count(word: str) -> int:
    return 1 if word in ("one", "a", "an") else int(word)


def _ordinal_suffix(n: int) -> str:
    return f"{n}th" if 10 <= n % 100 <= 20 else f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _ordinal_day(word: str) -> str:
    """An ordinal word as the day it names: "third" as "3rd"."""
    return _ordinal_suffix(DAY_ORDINAL_WORDS[word])


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_UNIT_LETTERS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
# "+2d", "-18h": a unit's letter after a signed count ("m" is left out: minutes or months)
_SIGNED_UNITS = {"s": "seconds", "h": "hours", "d": "days", "w": "weeks", "y": "years"}

# Every number word but "one" as digits: "one" is a number only before a unit or a time, or after "at" (the
# rules after it).
_NUMBER_WORDS_BUT_ONE = "|".join(
    sorted((w for w in NUMBER_WORDS if w != "one" and " " not in w), key=len, reverse=True)
)


# Spoken numbers as digits, am/pm and clock times in one spelling, counts and units in words the grammar reads.
_NUMBERS_AND_CLOCKS: tuple[_Rule, ...] = (
    (re.compile(r"\bforty[- ]five\b"), "45"),
    # "fifty nine" as 59, so "nine fifty nine a m" reads as 9:59am
    (
        re.compile(r"\b(twenty|thirty|forty|fifty)[- ]?(one|two|three|four|five|six|seven|eight|nine)\b"),
        lambda m: str(_TENS[m[1]] + NUMBER_WORDS[m[2]]),
    ),
    # "twenty-first" is a day of the month wherever it is written
    (
        re.compile(r"\b(twenty|thirty)[- ]?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b"),
        lambda m: _ordinal_suffix(DAY_ORDINAL_WORDS[f"{m[1]}-{m[2]}"]),
    ),
    # "eleven oh five", "at eleven five": an hour and a single-digit minute, spoken
    (
        re.compile(
            r"\b(?:(?<=\bat )|(?=\w+ oh ))(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:oh )?"
            r"(one|two|three|four|five|six|seven|eight|nine)\b(?!\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people)\b)"
        ),
        lambda m: f"{NUMBER_WORDS[m[1]]}:0{NUMBER_WORDS[m[2]]}",
    ),
    # "twelve thirty", "two fifteen": a spoken clock time
    (
        re.compile(
            r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
            r"[ -](ten|fifteen|twenty|thirty|forty|fifty|[1-5]\d)\b"
            r"(?!\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people|persons?)\b)"
        ),
        lambda m: f"{NUMBER_WORDS[m[1]]}:{NUMBER_WORDS.get(m[2], m[2])}",
    ),
    (re.compile(rf"\b({_NUMBER_WORDS_BUT_ONE})\b"), lambda m: str(NUMBER_WORDS[m.group(1)])),
    (re.compile(r"\bone\b(?=[\s-]*(?:hour|hr|day|week|month|year|minute|min|o'?clock|am|pm|a\.m|p\.m|\d))"), "1"),
    # a spoken year
    (re.compile(r"\b2 thousand(?: and)?(?: (\d{1,2}))?\b"), lambda m: f"20{int(m[1] or 0):02d}"),
    (re.compile(r"(?<=\bat )one\b"), "1"),
    # "a.m. flight", "p.m. slot": with no number before it, the dotted a.m./p.m. names a part of day
    (re.compile(r"(?:^|(?<=[^\d\s]\s))([ap])\.m\.(?=\s[a-z])"), lambda m: "morning" if m[1] == "a" else "afternoon"),
    (re.compile(r"(?:\b|(?<=\d))([ap])\.?\s?m\b\.?"), r"\1m"),
    # "10:30 P", "6:45:25 A": a lone a/p ending the phrase after a clock time is am/pm ("12 a" may be a seat)
    (re.compile(r"(\d:[0-5]\d) ([ap])(?=\s*(?:[,.;!?)]|$))"), r"\1\2m"),
    # "7a", "3:30p" are am and pm; "seat 12A", "gate 4A" are places
    (
        re.compile(r"(\b[a-z]+\s)?(\d[\d:]*)([ap])\b"),
        lambda m: m[0] if (m[1] or "").strip() in _NUMBERED_THINGS else f"{m[1] or ''}{m[2]}{m[3]}m",
    ),
    (re.compile(r"(?<=\d)(?:ish)?\s(?:in the |at )?([ap]m)\b"), r" \1"),
    # "from 8 tonight till 2 in the morning": a bare evening hour before "tonight" is pm, and "tonight" stays a
    # word of its own that names the day (the scanner would otherwise read it into the hour and drop it)
    (re.compile(r"(?<![\d:.])\b([5-9]|1[01])(:[0-5]\d)? tonight\b"), r"\1\2pm tonight"),
    # "10 30am" is 10:30am; not "25/02 11 am", nor "jan 1 12am", a day of the month and then the time
    (
        re.compile(r"(?<![/.-])\b(\d{1,2})\s([0-5]\d)\s?([ap]m)\b"),
        lambda m: m[0] if _MONTH_BEFORE.search(m.string, max(0, m.start() - 12), m.start()) else f"{m[1]}:{m[2]}{m[3]}",
    ),
    (re.compile(r"\b(\d{1,2})([0-5]\d)\s?([ap]m)\b"), r"\1:\2\3"),
    (re.compile(r"\ba quarter of an hour\b"), "15 minutes"),
    (re.compile(r"\b(?:1:1|1-on-1)s?\b"), "one-on-one"),
    # "11ish" names a clock time as surely as "11:00"
    (re.compile(r"\b(\d{1,2})-?ish\b"), r"\1:00"),
    (re.compile(r"(?<=\d)-?ish\b"), ""),
    # "11 or 2 both work": bare hours offered as alternatives are times.
    (
        re.compile(
            r"\b(\d{1,2}(?::\d\d)?) (or|and) (\d{1,2}(?::\d\d)?)"
            r"(?= (?:both |either )?(?:works?|would work|is fine|are fine))"
        ),
        r"at \1 \2 at \3",
    ),
    (re.compile(r"\b(\d{1,2})\s?o'?\s?clock\b"), r"\1:00"),
    # "today at 10, 11, 12 and 1": every hour listed after "at" is a clock time, not only the first
    (_HOURS_LISTED, lambda m: m[1] + _HOUR_JOINER.sub(r"\1at ", m[2])),
    # "a couple of days": 2, but only as a count of time ("at a couple of places" names no time)
    (
        re.compile(
            r"\b(?:a )?couple (?:of )?(?=(?:more |extra |other )?"
            r"(?:min|hour|hr|day|week|month|year|night|business|working|weekend|fortnight|mon|tue|wed|thu|fri|sat|sun))"
        ),
        "2 ",
    ),
    # British "a week today", "tomorrow week", "Monday fortnight": counted on from that day
    (re.compile(rf"\b({WEEKDAY_RE}|today|tomorrow) (week|fortnight)\b"), r"a \2 from \1"),
    (re.compile(r"\ba (week|fortnight) (today|tomorrow)\b"), r"a \1 from \2"),
    (re.compile(r"\b(\d+) fortnights?\b"), lambda m: f"{2 * int(m[1])} weeks"),
    (re.compile(r"\b(?:a )?fortnight\b"), "2 weeks"),
    (re.compile(r"\b(?:a )?few (?=(?:days|weeks|minutes|hours|months|years))"), "3 "),
    # "15 minutes out", "a min out": that long from now
    (re.compile(r"\b(\d+|an?) (minutes?|mins?|hours?|hrs?|days?|weeks?) out\b"), r"\1 \2 from now"),
    (re.compile(r"\bwks?\b"), lambda m: "weeks" if m.group(0) == "wks" else "week"),
    (re.compile(rf"\bprev\.?(?=\s(?:{WEEKDAY_RE}|week|month|year)\b)"), "previous"),
    # "+5 hours", "+2d": now moved on by that much, as "in 5 hours" says it; "-2 days", "-18h" (the sign against
    # the number, so "- 2 days" stays a list item): moved back, as "2 days ago" says it
    (
        re.compile(
            r"(?<![\w)])(?:(\+)\s?|-)(\d+)\s?"
            r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|[sdhwy](?=\s|$|[,.;!?)]))\b"
        ),
        lambda m: (
            f"in {m[2]} {_SIGNED_UNITS.get(m[3], m[3])}" if m[1] else f"{m[2]} {_SIGNED_UNITS.get(m[3], m[3])} ago"
        ),
    ),
    # "5 minutes before now" says "5 minutes ago" the long way
    (
        re.compile(
            r"\b(\d+(?:\.\d+)?|an?)\s?(minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?|yrs?) before now\b"
        ),
        r"\1 \2 ago",
    ),
)


# Variants of words the patterns know: "week-end", "untill", "afternoonish", "3/4 hour", "1 and a half hours".
_SPELLINGS: tuple[_Rule, ...] = (
    (re.compile(r"\b(?:week[- ]ends?|wkends?)\b"), "weekend"),
    (re.compile(r"\buntill\b|'?\btil\b"), lambda m: "until" if m.group(0) == "untill" else "till"),
    # "mid-night", "mid day" as one word, "midafternoon" as two (the parts of day are written so); ISO "T12:34:20"
    (
        re.compile(
            r"\bmid[- ](?P<one>night|day)\b|\bmid(?P<two>morning|afternoon|evening)\b|(?<![\w:])t(?=\d{2}:\d{2})"
        ),
        lambda m: f"mid{m['one']}" if m["one"] else f"mid {m['two']}" if m["two"] else "",
    ),
    # "in '5 minutes'": an opening quote, not an apostrophe
    (re.compile(r"(?<![\w'])'(?!\d\d\b)(?=\w)"), ""),
    (re.compile(r"\bthis day\b(?!\s(?:and age|of|week|next|last)\b)"), "today"),
    (re.compile(r"\b(morning|afternoon|evening|lunch|noon)ish\b"), r"\1"),
    (re.compile(r"\b(early|late|mid)-(morning|afternoon|evening)(s?)\b"), r"\1 \2\3"),
    (re.compile(r"\b(early|late) in the (morning|afternoon|evening)\b"), r"\1 \2"),
    (
        re.compile(r"\b(?:the )?rest of (?:the|this|today'?s?|my|current) day\b|\b(?:the )?rest of today\b"),
        "the rest of today",
    ),
    (re.compile(r"\b(?:the )?rest (?:of )?(?:the |this |my |current )?(week|month)\b"), r"the rest of this \1"),
    (re.compile(r"\b(?:the )?rest of (?:the |this )?year\b"), "the rest of this year"),
    (re.compile(r"\byrs?\b"), lambda m: "years" if m.group(0) == "yrs" else "year"),
    (re.compile(r"\bcurrent (?=(?:week|month|year)\b)"), "this "),
    (re.compile(r"\b(end|last day|start|beginning|middle) of (month|week)\b"), r"\1 of the \2"),
    # like "eod" and "eom"
    (re.compile(r"\beow\b"), "end of the week"),
    # "the second Thursday of every month": a recurring day first falls on the month's next one, as "of the month"
    (re.compile(r"\b(of|in) (?:every|each) month\b"), r"\1 the month"),
    # "3 pm or later", "noon or earlier": an open end written after the time
    (re.compile(r"\b(\d{1,2}(?::\d\d)?\s?(?:am|pm)?|noon) or (later|after)\b"), r"after \1"),
    (re.compile(r"\b(\d{1,2}(?::\d\d)?\s?(?:am|pm)?|noon) or (earlier|before)\b"), r"before \1"),
    # "March, 6th 2016"
    (re.compile(rf"\b({MONTH_RE}),\s(?=\d{{1,2}}(?:st|nd|rd|th)\b)"), r"\1 "),
    # "this week or next"
    (re.compile(r"\b(this|next) (week|month) or next\b(?! \w+day)"), r"\1 \2 or next \2"),
    (
        re.compile(
            rf"(?<![\d/.,])\b(\d{{1,2}}(?:/\d{{1,2}}){{2,}}|\d{{1,2}}(?:,\s?\d{{1,2}}){{2,}})\s(?={MONTH_RE}\b)"
        ),
        _slashed_days,
    ),
    (_LIST_BEFORE_MONTH, _shared_month),
    # "between 8:30am ET and 9am ET": a zone written after both ends of a range is said once, after the end
    (
        re.compile(
            rf"(\d(?::\d\d)?\s?(?:am|pm)?)\s({ZONE_ABBREVIATION_RE})\s(and|to|-|until|till)\s(\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?)\s\2\b"
        ),
        r"\1 \3 \4 \2",
    ),
    (_MONTH_AND_YEAR, _month_then_year),
    # "september.16th"
    (re.compile(rf"\b({MONTH_RE})\.(?=\d)"), r"\1 "),
    (_DAY_LIST, _month_per_day),
    # "Tuesday AM", "Tuesday PM"
    (re.compile(rf"\b({WEEKDAY_RE}|today|tomorrow) am\b"), r"\1 morning"),
    (re.compile(rf"\b({WEEKDAY_RE}|today|tomorrow) pm\b"), r"\1 afternoon"),
    # "wed 2nd june pm": after a day-first date, am and pm are its morning and afternoon
    (
        re.compile(rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s{MONTH_RE}|\d{{1,2}}[./]\d{{1,2}}\.) ([ap]m)\b"),
        lambda m: f"{m[1]} {'morning' if m[2] == 'am' else 'afternoon'}",
    ),
    (re.compile(r"\b(?:a )?(half|quarter) past (\d{1,2})\b(?!:)"), lambda m: f"{m[2]}:{30 if m[1] == 'half' else 15}"),
    # "early (on) Monday morning" is Monday's early morning
    (re.compile(rf"\b(early|late) (?:on )?({WEEKDAY_RE}|today|tomorrow) (morning|afternoon|evening)\b"), r"\2 \1 \3"),
    (
        re.compile(
            r"\b(latest|earliest) (?:arrival|departure|return|start|end|finish|pick-?up|check-?in|check-?out)(?: time)?"
            r"(?: is| would be| will be|:)?"
        ),
        r"\1",
    ),
    (re.compile(r"\b12\s?(noon|midnight)\b"), r"\1"),  # "12 noon" is one time, not 12 and then noon
    # "until incl. Friday", "up to and including the 20th"
    (re.compile(r"\b(?:up to|until|till|through) (?:and )?incl(?:uding|usive|\.)?\s"), "until "),
    # "the 10.", "from the 3. until the 7.": a day of the month written with a German ordinal dot
    (re.compile(r"(?<=\bthe )(\d{1,2})\.(?!\d)"), lambda m: _ordinal_suffix(int(m[1]))),
    (re.compile(r"\bbegin of\b"), "beginning of"),
    # French "apres-demain"
    # "overmorrow", "ereyesterday": one word for two days on or back (as German "übermorgen", "vorgestern")
    (re.compile(r"\b(?:after-tomorrow|overmorrow)\b"), "the day after tomorrow"),
    (re.compile(r"\bereyesterday\b"), "the day before yesterday"),
    # "at 9 hour" (but "in around 5 hours" is a count of hours)
    (
        re.compile(
            r"(?<!\bin )(?<!\bwithin )\b(at|@|around) (\d{1,2}) (?:hours?|hrs?)\b"
            r"(?! (?:later|earlier|before|after|ago|from))"
        ),
        r"\1 \2:00",
    ),
    # "FROM: 3.12. TO: 5.12." as a form writes it
    (re.compile(r"\b(from|to|until|till):"), r"\1"),
    # "KW 50": a calendar week as German writers number it
    (re.compile(r"\bkw ?(?=\d{1,2}\b)"), "week "),
    # "Mon-Wed (30.11.-2.12.)": the dates in brackets are the weekdays' own
    (
        re.compile(
            rf"\b({WEEKDAY_RE})\s?(-|to|until|till)\s?({WEEKDAY_RE}),?\s?\(\s?({_DATE_IN_BRACKETS})\s?"
            rf"(?:-|to|until|till)\s?({_DATE_IN_BRACKETS})\s?\)"
        ),
        r"\1 \4 \2 \3 \5",
    ),
    # "no flights before 9": nothing earlier, so from 9 on ("no calls after 6": up to 6)
    (re.compile(r"\bno (?:[a-z]+ ){1,2}?(before|after)(?= (?:\d|noon\b|midnight\b))"), r"not \1"),
    (re.compile(r"\bw/e\b"), "weekend"),
    # "w/c 11th May", "week starting Monday" (but "every week starting Monday" is a repetition that starts then)
    (
        re.compile(r"\bw/c\b|(?<!every )(?<!each )(?<!other )\bweek (?:commencing|beginning|starting)(?: on)?\b"),
        "week of",
    ),
    # "20 and 21 September", "22, 23 or 24 February": days of the month written once, at the end ("between 20
    # and 21" is a range)
    (
        re.compile(
            rf"(?<!between )\b((?:\d{{1,2}}(?:st|nd|rd|th)?,\s?)*\d{{1,2}}(?:st|nd|rd|th)?) (and|or|&) "
            rf"(\d{{1,2}}(?:st|nd|rd|th)?) (?:of )?({MONTH_RE})(?!\w)"
        ),
        lambda m: ", ".join(f"{d} {m[4]}" for d in re.split(r",\s?", m[1])) + f" {m[2]} {m[3]} {m[4]}",
    ),
    # Italian "h 18.30", "at h. 11"
    (re.compile(r"\bh\.?\s?(?=\d{1,2}(?:[:.]\d\d)?\b(?![.:/-]?\d))"), "at "),
    (re.compile(r"\bthe first days of\b"), "the beginning of"),
    # "midweek next week"
    (re.compile(r"\bmid-?week(?= (?:next|this|the following) week\b)"), "mid"),
    # "2 March (Tuesday)": said twice
    (re.compile(rf"({_DATE_IN_BRACKETS})\s?\(\s?{WEEKDAY_RE}\s?\)"), r"\1"),
    # "Sunday evening (26.9.)": the date in brackets is the weekday's own
    (
        re.compile(
            rf"\b({WEEKDAY_RE})((?: (?:early |late )?(?:morning|afternoon|evening|night))?),?\s?\(\s?"
            rf"({_DATE_IN_BRACKETS})\s?\)"
        ),
        r"\1 \3\2",
    ),
    # "27/28 June": two days of the month the name follows, not a numeric date
    (
        re.compile(rf"(?<![\d/.])(\d{{1,2}})/(\d{{1,2}})\s(?={MONTH_RE}\b)"),
        lambda m: f"{m[1]}-{m[2]} " if int(m[1]) < int(m[2]) <= 31 else m[0],
    ),
    # "dep. 06.55, arr. 08.40": no sentence ends there
    (re.compile(rf"\b({_ABBREVIATED})\.(?=\s)"), r"\1"),
    # "any day but Wednesday next week": the week is what is on offer, the weekday what is ruled out of it
    (
        re.compile(rf"\b(any ?(?:day|time)) (but|except(?: for)?) ({WEEKDAY_RE}) ((?:next|this|the following) week)\b"),
        r"\1 \4 \2 \3",
    ),
    # "Tuesday 1 to Thursday 3 September": the month written once, at the end, belongs to both days
    (
        re.compile(
            rf"\b({WEEKDAY_RE}),?\s(\d{{1,2}}(?:st|nd|rd|th)?)\s?(-|to|until|till|through|thru)\s?"
            rf"({WEEKDAY_RE}),?\s(\d{{1,2}}(?:st|nd|rd|th)?)\s({MONTH_RE})(?!\w)"
        ),
        r"\1 \2 \6 \3 \4 \5 \6",
    ),
    # "15.-17.04.", "15.-17. April": a German-style day range, the first day written without its month
    (
        re.compile(r"(?<![\d.])(\d{1,2})\.\s?(-|to|until|till)\s?(\d{1,2})\.(\d{1,2})\.(\d{2,4})?"),
        lambda m: f"{m[1]}.{m[4]}.{m[5] or ''} {m[2]} {m[3]}.{m[4]}.{m[5] or ''}",
    ),
    (re.compile(rf"(?<![\d.])(\d{{1,2}})\.\s?(?=(?:-|to|until|till)\s?\d{{1,2}}\.?\s?{MONTH_RE}\b)"), r"\1"),
    # "17-18/8", "17-18.8.": the same with no dot after the first day, when the second day can only be a day
    (
        re.compile(
            r"(?<![\d./:-])(\d{1,2})\s?-\s?(1[3-9]|2\d|3[01])(/(?:0?[1-9]|1[0-2])|\.(?:0?[1-9]|1[0-2])\.(?:\d{4})?)(?![\d:])"
        ),
        lambda m: f"{m[1]}{m[3]} - {m[2]}{m[3]}" if int(m[1]) < int(m[2]) else m[0],
    ),
    (re.compile(r"\bhence\b|\bfrom (?:this (?:second|moment|minute)|right now)\b"), "from now"),
    # "2 weeks back", "a year back": that long ago
    (re.compile(r"\b(\d+|an?) (days?|weeks?|months?|years?) back\b"), r"\1 \2 ago"),
    # "one hour from today", "90 minutes from today": a clock count runs from the moment, not from midnight
    (re.compile(r"\b(\d+(?:\.\d+)?|an?) (hours?|hrs?|minutes?|mins?) from today\b"), r"\1 \2 from now"),
    # "4 weeks in the future"
    (re.compile(r"\b(\d+|an?) (days?|weeks?|months?|years?) in the future\b"), r"in \1 \2"),
    # "the 2 next days", "the 5 coming minutes": the count after its word, as "the next 2 days"
    (re.compile(r"\b(\d+) (next|coming|upcoming|past|previous) (days|weeks|hours|hrs|minutes|mins)\b"), r"\2 \1 \3"),
    # "10/1/2018-10/7/2018"
    (re.compile(r"\b(\d{1,2}/\d{1,2}/\d{2,4})-(?=\d{1,2}/\d{1,2}/\d{2,4}\b)"), r"\1 - "),
    (re.compile(r"\bthis (?:very )?(?:second|instant)\b"), "right now"),
    # the night before today, not the coming one
    (re.compile(r"\blast night\b"), "yesterday night"),
    (re.compile(rf"\bend of (?:the )?(today|tomorrow|{WEEKDAY_RE})(?!\w)"), r"\1 end of day"),
    # "16. Nov. 2016": the day written with a dot
    (re.compile(rf"\b(\d{{1,2}})\.\s?(?={MONTH_RE}\b)"), r"\1 "),
    # "1 Dec., 2008"
    (re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.(?=,?\s\d)"), r"\1"),
    # "Aug 29-Sep 2": a dash between two month dates is a range, not a day written against the next month
    (re.compile(rf"\b({MONTH_RE})\s?(\d{{1,2}}(?:st|nd|rd|th)?)-(?=(?:{MONTH_RE})\b)"), r"\1 \2 - "),
    # "30-Mar-11", "28th-Oct-18": the last part is the year
    (re.compile(rf"\b(\d{{1,2}}(?:st|nd|rd|th)?)-({MONTH_RE})-(\d\d)\b"), r"\1 \2 '\3"),
    # "15SEP", "10-August-2012", "10/August 2012": a day written against its month
    (re.compile(rf"\b(\d{{1,2}})(?:[-/])?({MONTH_RE})\b(?:[-/](?=\d{{2,4}}\b))?"), r"\1 \2 "),
    # "on 4-22", "on 4.22" (no such day-first date): after "on", a pair of numbers is a month and day.
    (
        re.compile(
            rf"(?<=\bon )(\d{{1,2}})(?:-|\.(?=(?:1[3-9]|[2-9]\d)\b))(\d{{1,2}})\b"
            rf"(?![.:/-]\d|\s?(?:am|pm|h\b)|\s{MONTH_RE}\b)"
        ),
        r"\1/\2",
    ),
    # ISO "2019-06-18T09:30"
    (re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2})t(?=\d{2}:\d{2})"), r"\1 "),
    # EXIF's "2012:05:25 22:06:50"
    (re.compile(r"\b((?:19|20)\d\d):(0[1-9]|1[0-2]):([0-3]\d)\b"), r"\1-\2-\3"),
    # "2006-Jun-16"
    (re.compile(rf"\b(\d{{4}})[-/]({MONTH_RE})[-/](\d{{1,2}})\b"), r"\3 \2 \1"),
    # "2010 October 28": a year written first; not the year that ends "July 13th 2014 July 14th 2014"
    (
        re.compile(
            rf"\b(?P<dated>{MONTH_RE} \d{{1,2}}(?:st|nd|rd|th)?,? (?:19|20)\d{{2}})\b"
            rf"|\b((?:19|20)\d{{2}}),? ({MONTH_RE}) (\d{{1,2}}(?:st|nd|rd|th)?)\b(?![:.]\d|\s?(?:am|pm|h)\b)"
        ),
        lambda m: m["dated"] or f"{m[4]} {m[3]} {m[2]}",
    ),
    # "Jan 2 15:04:05 -0700 2006" (Unix `date`, Go's ANSIC): the year written after the time of day
    # (or after a range of times: "Oct 26, 10:00 - 11:00:09 2023")
    (
        re.compile(
            rf"\b({MONTH_RE}) +(\d{{1,2}}),? ((?:\d{{1,2}}:\d\d(?::\d\d)? ?- ?)?"
            r"\d{1,2}:\d\d(?::\d\d)?(?: [+-]\d{4}| utc| [a-z]{1,3}t)?) "
            r"((?:19|20)\d{2})\b"
        ),
        r"\1 \2 \4 \3",
    ),
    # ISO "07:00:00Z" is UTC; ISO 8601 also writes the seconds' fraction after a comma ("09:04:08,00123Z")
    (re.compile(r"(?<=\d\d:\d\d)(:\d\d(?:[.,]\d+)?)?z\b"), lambda m: f"{(m[1] or '').replace(',', '.')} utc"),
    # "01:00:00-8": an offset
    (re.compile(r"(?<=\d\d:\d\d:\d\d)([+-]\d{1,2})\b(?![:/.-]\d)"), r" utc\1"),
    # "16:10 -0400" (RFC 2822): a signed four-digit offset right after a clock time is its zone, not a range's end
    (re.compile(r"(?<=\d:\d\d) ([+-][01]\d[0-5]\d)\b(?![:.]\d)"), r" utc\1"),
    # "tomorow", "tommorrow"
    (re.compile(r"\bto?m+or+ow\b"), "tomorrow"),
    # "2 monthes from tomorrow": the plural as it is often misspelt
    (re.compile(r"\bmonthes\b"), "months"),
    # "tonite", "tongiht"
    (re.compile(r"\bto(?:nite|nigth|nihgt|ngiht|nght)\b"), "tonight"),
    (re.compile(r"\b(?:the )?day after next\b"), "the day after tomorrow"),
    # "in a year and a half", "2 and a half years ago": whole months, which every reading of a year count knows
    (
        re.compile(r"\b(\d+|an?|one) years? and a half\b|\b(\d+|one) and a half years\b"),
        lambda m: f"{12 * _count(m[1] or m[2]) + 6} months",
    ),
    # "weekends in July", "mondays of next month": every one of them, as "every weekend in July" reads
    (
        re.compile(
            r"(?<!every )(?<!each )(?<!all )"
            r"\b((?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend)s (?:in|of|during) )"
            rf"(?=(?:the |this |next )?(?:{MONTH_RE}|month)\b)"
        ),
        r"every \1",
    ),
    # "Monday, return the following day"
    (re.compile(r"\bthe following day\b"), "the day after"),
    # "leaving 7h Monday": after a departure or arrival word, "7h" is a clock time, not seven hours
    (re.compile(r"\b(leaving|departing|departure|arriving|arrival|dep\.|arr\.) (\d{1,2}h)\b(?!\s?\d)"), r"\1 at \2"),
    # "a decade ago"
    (re.compile(r"\b(\d+|an?|one) decades?\b"), lambda m: f"{10 * _count(m[1])} years"),
    # "1d ago", "2y ago", "in 1d", "3w later", "3mo later": a unit's letter, only where a count of time is certain
    (
        re.compile(r"\b(\d+)\s?(d|w|mo|y|yrs?)\b(?=\s+(?:ago|later)\b)|(?<=\bin )(\d+)\s?(d|w|mo|y)\b"),
        lambda m: f"{m[1] or m[3]} {_UNIT_LETTERS[(m[2] or m[4])[0]]}",
    ),
    # "2h30m", "2h5m10s": a length
    (
        re.compile(r"\b(\d{1,2})h([0-5]?\d)m(?:in)?(?:([0-5]?\d)s(?:ec)?)?\b"),
        lambda m: f"{m[1]} hours {m[2]} minutes" + (f" {m[3]} seconds" if m[3] else ""),
    ),
    # "first to last day of September", "... of 2008": the whole month or year, its first day to its last
    (
        re.compile(
            r"\b(?:the )?first to (?:the )?last day of "
            rf"((?:this |next |last )?(?:{MONTH_RE}|month|year)(?: (?:19|20)\d\d)?|(?:19|20)\d\d)\b"
        ),
        r"the first day of \1 to the last day of \1",
    ),
    (re.compile(rf"\b({DAY_ORDINAL_RE}) day of\b"), lambda m: f"{_ordinal_suffix(DAY_ORDINAL_WORDS[m[1]])} day of"),
    # "12 or 12:30": a bare hour offered beside a clock time is a clock time too
    (re.compile(r"(?<![\d:/.$])\b(\d{1,2}) (or|and) (\d{1,2}:\d\d)\b"), r"\1:00 \2 \3"),
    # "4 or 5 pm": alternatives share the meridiem written after the later one
    (
        re.compile(r"(?<![\d:/.$])\b(\d{1,2}) or (\d{1,2})(:\d\d)? ?([ap]m)\b"),
        lambda m: f"{m[1]}{m[4]} or {m[2]}{m[3] or ''}{m[4]}" if 0 < int(m[1]) < int(m[2]) <= 12 else m[0],
    ),
    # "the 10th of next October": that day of the month named
    (re.compile(rf"\b(\d{{1,2}}(?:st|nd|rd|th)) of (next|this) ({MONTH_RE})(?!\s?\d)"), r"\2 \3 \1"),
    # "0600h", "1300 hours"; "15:30 hours", "10.30 hrs" (the unit after a clock time names no length)
    (re.compile(r"\b([01]\d|2[0-3])([0-5]\d)\s?(?:h|hrs|hours)\b"), r"\1:\2"),
    (re.compile(r"\b(\d{1,2}:[0-5]\d)\s?(?:hrs?|hours)\b"), r"\1"),
    # "from 10 to 12 hours", "between 9 and 11 h": a range of clock hours as much of Europe writes it (not "10 to 12
    # hours of work", "from 10 to 12 hours long", "the drive takes from 10 to 12 hours")
    (
        re.compile(
            r"(?<!\btakes )(?<!\btake )(?<!\blasts )(?<!\blast )(?<!\bfor )"
            r"\b(from|between) (\d{1,2}) (to|and|until|till|-) (\d{1,2}) (?:hours|hrs|h)\b"
            r"(?! (?:of|per|a|each|long|later|ago|before|after|from|away|drive|flight|journey|trip))"
        ),
        r"\1 \2:00 \3 \4:00",
    ),
    # "2 or 3 days ago", "in 2 or 3 weeks": the unit and direction belong to both numbers
    (
        re.compile(r"\b(\d+) or (\d+) (days|weeks|months|years) (ago|from now)\b"),
        lambda m: f"{m[1]} {m[3]} {m[4]} or {m[2]} {m[3]} {m[4]}",
    ),
    # "the 2nd of February in the year 1980": the year, written out; "in the year 1980" alone is "in 1980"
    (
        re.compile(
            rf"\b({MONTH_RE}|\d{{1,2}}(?:st|nd|rd|th)?|{DAY_ORDINAL_RE}),? in the year "
            r"(?=(?:19|20)\d{2}\b|'\d{2}\b)"
        ),
        r"\1 ",
    ),
    (re.compile(r"\bin the year (?=(?:19|20)\d{2}\b)"), "in "),
    (re.compile(r"\b(in \d+) more\b"), r"\1"),
    # "1 1/2 hours", "8-1/2": a whole number and a fraction, never a date ("1.5 hours"; alone, "8½")
    (
        re.compile(r"\b(\d{1,2})[ -]([13])/([24])\b(?![/\d])(?=(\s?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?)\b)?)"),
        _mixed_fraction,
    ),
    (re.compile(r"\b(?:3|three)[- ]quarters? of an hour\b|\b3/4 ?h(?:ours?|rs?)?\b"), "45 minutes"),
    (re.compile(r"\b1/4 ?h(?:ours?|rs?)?\b"), "15 minutes"),
    (re.compile(r"\b1/2 ?h(?:ours?|rs?)?\b"), "30 minutes"),
    (re.compile(r"\b(1|\d+|one) and (?:a |an )?half hours?\b"), lambda m: f"{_count(m.group(1))}.5 hours"),
    (re.compile(r"\b(1|\d+|one|an?) hours? and (?:a )?half\b"), lambda m: f"{_count(m.group(1))}.5 hours"),
    # "at 3 15": an hour and its minutes with the colon left out, only after a word that announces a time.
    (
        re.compile(
            r"\b(at|@|around|about|say) (\d{1,2}) ([0-5]\d)\b"
            r"(?!\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people|%)\b|[:/.-]\d)"
        ),
        r"\1 \2:\3",
    ),
    # "march and april 2022", "jan 2 or jan 4, 2023": a year closing a list of dates dates each of them
    (
        re.compile(
            rf"\b((?:{MONTH_RE})(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?)"
            rf"(,?\s(?:and|or|&)\s(?:{MONTH_RE})(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?,?\s((?:19|20)\d{{2}}))\b(?![:.]\d)"
        ),
        lambda m: f"{m[1]} {m[3]}{m[2]}",
    ),
    # "Sep-2012", "march-2027": a month and its year joined by a dash
    (re.compile(rf"\b({MONTH_RE})-((?:19|20)\d{{2}})\b"), r"\1 \2"),
)


# "March third", "the first of June", "on the second": ordinal words as "3rd" where they name a day; only next to a
# month or after a word that introduces a date, so "the second option" stays a pick.
_ORDINAL_DAYS: tuple[_Rule, ...] = (
    (
        re.compile(rf"\b({MONTH_RE})\s(the\s)?({DAY_ORDINAL_RE})\b"),
        lambda m: f"{m[1]} {m[2] or ''}{_ordinal_day(m[3])}",
    ),
    (
        re.compile(rf"\b({DAY_ORDINAL_RE})(\s(?:of\s)?(?:{MONTH_RE}|next month|this month|the month)\b)"),
        lambda m: _ordinal_day(m[1]) + m[2],
    ),
    # "the third week of 2019", "2nd week in 2027": that ISO week of the year, as "week 3 of 2019" reads
    (
        re.compile(rf"\b(?:the\s)?(\d{{1,2}}(?:st|nd|rd|th)|{DAY_ORDINAL_RE})\sweek\s(?:of|in)\s((?:19|20)\d{{2}})\b"),
        lambda m: f"week {DAY_ORDINAL_WORDS.get(m[1]) or m[1][:-2]} of {m[2]}",
    ),
    # "feb 2 or third", "March 3rd and fifth": an ordinal listed after a month's day is another day of it
    (
        re.compile(rf"\b((?:{MONTH_RE})\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:or|and|&)\s(?:the\s)?)({DAY_ORDINAL_RE})\b"),
        lambda m: m[1] + _ordinal_day(m[2]),
    ),
    # "May 8th - tenth", "the 5th to the ninth": the second of two ordinals, after one written as a day
    (
        re.compile(rf"(\d{{1,2}}(?:st|nd|rd|th)\s?(?:-|to|through|thru|until|till)\s?(?:the\s)?)({DAY_ORDINAL_RE})\b"),
        lambda m: m[1] + _ordinal_day(m[2]),
    ),
    # "eighth to eleventh May": the first of two ordinals joined to a day already written as one
    (
        re.compile(
            rf"\b({DAY_ORDINAL_RE})(\s(?:to|-|through|until|till|and)\s)(?=\d{{1,2}}(?:st|nd|rd|th)\s(?:of\s)?{MONTH_RE})"
        ),
        lambda m: _ordinal_day(m[1]) + m[2],
    ),
    (
        re.compile(
            rf"\b(on|by|until|till|before|after|from|through|thru|between) the ({DAY_ORDINAL_RE})\b"
            r"(?=\s?(?:[,.?!;]|$|at\b|and\b|to\b|through\b|-))"
        ),
        lambda m: f"{m[1]} the {_ordinal_day(m[2])}",
    ),
)
