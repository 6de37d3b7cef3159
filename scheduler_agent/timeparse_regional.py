"""Times and dates as Englishes other than US business English, and chat, write them, in the forms the grammar reads.

British and Irish "half ten" (10:30), "twenty to four", "Tuesday week", "next Tuesday but one", "this day week",
"close of play", "bar Friday"; Australian "arvo"; Indian "post lunch", "the second half" of a day, "day after",
"next to next Monday"; Nigerian "next tomorrow"; Scots "the morn"; commercial letters' "the 5th prox."; chat "2day",
"nxt", "thurs eve", "b4 noon". Each rewrite only changes how a time is written, never what it means, so the
recognizers in `timeparse_grammar.py` stay few. `timeparse_normalize.normalize` runs these rules first, on
lower-cased text, before number words become digits ("ten to three" needs its words). Pure core.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .timeparse_lexicon import NUMBER_WORDS, WEEKDAY_RE

# A rewrite: a compiled pattern and what `re.sub` puts for each match.
Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]

_HOUR_WORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
# the minutes before an hour as British English says them
_MINUTES_TO = {"five": 5, "ten": 10, "twenty": 20, "twenty-five": 25, "twenty five": 25}
_PART_ABBREVIATIONS = {"eve": "evening", "aft": "afternoon", "morn": "morning"}
_MONTH_ABBREVIATIONS = {"ins": "this", "pro": "next", "ult": "last"}
_NOT_A_CLOCK_AFTER = r"(?:hours?|hrs?|h\b|minutes?|mins?|days?|weeks?|months?|years?|people|persons?|guests?|%)"


def _minutes_to(m: re.Match[str]) -> str:
    """ "at ten to three" as "at 10 minutes to 3", which the minutes-to-an-hour recognizer reads."""
    minutes = _MINUTES_TO[m["short"] or m["long"]]
    return f"{m['lead'] + ' ' if m['lead'] else ''}{minutes} minutes to {NUMBER_WORDS[m['h']]}"


def _half_past(m: re.Match[str]) -> str:
    """ "half ten", "half 12": British for half past that hour."""
    return f"{NUMBER_WORDS.get(m[1], m[1])}:30"


def _after_next(m: re.Match[str]) -> str:
    """ "next Tuesday but one", "next to next week": the one after the next, as "Tuesday after next" says it."""
    named = m[1] or m[2]
    return f"the {named} after next" if named in ("week", "month") else f"{named} after next"


def _half_of_day(m: re.Match[str]) -> str:
    """ "the second half on Monday", "Monday first half": that day's afternoon or morning."""
    part = "morning" if (m["half"] or m["half_"]) in ("first", "1st") else "afternoon"
    return f"{m['day']} {part}" if m["day"] else part


REGIONAL_SPELLINGS: tuple[Rule, ...] = (
    # "twenty to four", "at ten to three": minutes to a spoken hour, the British clock time. "ten to three" and
    # "five to seven" alone are as often ranges of hours, so those two need a word that announces one moment;
    # "twenty" and "twenty-five" are no business hours. "ten to twelve people" is a count.
    (
        re.compile(
            r"(?<!\bfrom )(?<!\bbetween )\b(?:(?P<lead>at|by|say|about|around) (?P<short>five|ten)|"
            rf"(?P<long>twenty[- ]five|twenty)) to (?P<h>{_HOUR_WORD})\b(?![ -]?{_NOT_A_CLOCK_AFTER})"
        ),
        _minutes_to,
    ),
    # "half ten", "till half 12", "half 9ish": half past that hour, so it joins ranges and dates like any clock time
    (re.compile(rf"\bhalf (1[0-2]|[1-9]|{_HOUR_WORD})(?:-?ish)?\b(?![:.]\d|\s?{_NOT_A_CLOCK_AFTER})"), _half_past),
    # Irish "this day week"; "a week Tuesday" (as "a week on Tuesday"); "next Tuesday but one" and Indian "next to
    # next Tuesday" (the one after it)
    (re.compile(r"\bthis day (week|fortnight)\b"), r"a \1 from today"),
    (re.compile(rf"(?<!\bonce )(?<!\bper )\ba (week|fortnight) (?={WEEKDAY_RE}(?!\w))"), r"a \1 on "),
    (
        re.compile(rf"\bnext ({WEEKDAY_RE}|week|month) but one\b|\bnext to next ({WEEKDAY_RE}|week|month)\b"),
        _after_next,
    ),
    # chat: "2moro", "2day", "2nite", "nite", "nxt", "b4 noon" (not "gate B4")
    (re.compile(r"\b2mor+ow?\b"), "tomorrow"),
    (re.compile(r"\b2day\b"), "today"),
    (re.compile(r"\b2ni(?:te|ght)\b"), "tonight"),
    (re.compile(r"\bnite\b"), "night"),
    (
        re.compile(rf"\bb4 (?=\d|(?:noon|midnight|lunch|the|end|eod|cob|today|tomorrow|tmrw?|{WEEKDAY_RE})(?!\w))"),
        "before ",
    ),
    (re.compile(r"\bnxt\b"), "next"),
    # Nigerian and Ghanaian "next tomorrow"
    (re.compile(r"\bnext tomorrow\b"), "the day after tomorrow"),
    # Indian office English: "post lunch", "post 3 pm", "pre 10am"; the "first half" and "second half" of a working
    # day (said of a day, or "of the day") are its morning and afternoon ("the second half of March" is read with
    # the month)
    (re.compile(r"\bpost[- ]lunch\b"), "after lunch"),
    (
        re.compile(r"\b(post|pre)[- ](?=\d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\d{1,2}:\d\d\b|noon\b|midday\b)"),
        lambda m: "after " if m[1] == "post" else "before ",
    ),
    (
        re.compile(
            r"\b(?:in )?(?:the )?(?P<half>first|second|1st|2nd) half"
            rf"(?: of the day\b|(?= (?:on |of )?(?:{WEEKDAY_RE}|today|tomorrow)\b))"
            rf"|\b(?P<day>{WEEKDAY_RE}|today|tomorrow),? (?:in )?(?:the )?(?P<half_>first|second|1st|2nd) half"
            r"\b(?! of\b)"
        ),
        _half_of_day,
    ),
    # Australian "arvo", "sat arvo": the afternoon; "thurs eve", "this aft", "mornin'" in chat; Scots "the morn" is
    # tomorrow; British "elevenses" the break at 11
    (re.compile(r"\barvo(s?)\b"), r"afternoon\1"),
    (
        re.compile(rf"\b({WEEKDAY_RE}|today|tomorrow|tmrw?|this) (eve|aft|morn)\b"),
        lambda m: f"{m[1]} {_PART_ABBREVIATIONS[m[2]]}",
    ),
    (re.compile(r"\bmornin(?:'|\b)"), "morning"),
    (re.compile(r"(?<!\bin )(?<!\bof )\bthe morn\b"), "tomorrow"),
    (re.compile(r"\belevenses\b"), "11:00"),
    # British "last thing Friday": the end of that working day ("the last thing I want" names no time)
    (re.compile(rf"\blast thing (?:on )?({WEEKDAY_RE}|today|tomorrow)(?!\w)"), r"\1 end of day"),
    # commercial letters: "the 10th inst." of this month, "the 5th prox." of the next, "the 12th ult." of the last
    (
        re.compile(r"\b(\d{1,2}(?:st|nd|rd|th)?) (inst(?:ant)?|prox(?:imo)?|ult(?:imo)?)\b\.?"),
        lambda m: f"{m[1]} of {_MONTH_ABBREVIATIONS[m[2][:3]]} month",
    ),
    # British "any day bar Friday": but for
    (
        re.compile(
            r"\b((?:any|every|all|each)\b[^.?!;]{0,40}?)\sbar\s"
            rf"(?=(?:{WEEKDAY_RE}|today|tomorrow|weekends?|the \d)(?!\w))"
        ),
        r"\1 except ",
    ),
    # Indian "day after" on its own: the day after tomorrow ("the day after", "a day after", "every day after 3" are
    # not)
    (
        re.compile(
            r"(?:^|(?<=[,;:(] )|(?<=\bon )|(?<=\bby )|(?<=\bor )|(?<=\band )|(?<=\bfrom )|(?<=\buntil )|(?<=\btill ))"
            r"day after(?=\s?(?:[,.;!?)]|$)|\s(?:at|in the|morning|afternoon|evening)\b)"
        ),
        "the day after tomorrow",
    ),
)
