"""Canonical spellings for the offline grammar: one pattern then covers "3 P.M.", "3pm" and "3 p m".

Every rewrite here keeps the text's meaning and only changes how it is written (number words as digits,
"o'clock" as ":00", ordinal words as "3rd" where they name a day), so the recognizers in
`timeparse_grammar.py` stay few. Pure core.
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
    ZONE_ABBREVIATIONS,
)
from .timeparse_stamps import machine_stamps

_ZONE_WORDS = "|".join(sorted((re.escape(k) for k in ZONE_ABBREVIATIONS), key=len, reverse=True))

_DATE_IN_BRACKETS = "|".join(
    (
        r"\d{1,2}[./]\d{1,2}\.?(?:\d{2,4})?",
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s?{MONTH_RE}",
        rf"{MONTH_RE}\s\d{{1,2}}(?:st|nd|rd|th)?",
    )
)
_NUMBERED_PLACES = frozenset({"seat", "row", "gate", "room", "platform", "track", "terminal", "coach", "car", "deck"})
_ABBREVIATED = r"dep|arr|approx|appr|ca|incl|pls|mr|mrs|ms|dr"


def normalize(text: str) -> str:
    """Lower-case and canonicalize spellings so one pattern covers "3 P.M.", "3pm" and "3 p m"."""
    t = text.lower()
    t = machine_stamps(re.sub(r"[\u2010-\u2015\u2212]", "-", t))
    t = re.sub(r"[$\u20ac\u00a3]\s?\d[\d,]*(?:\.\d+)?", "amount", t)  # "$12.34" is a sum of money, not 12:34
    t = t.replace("\u2019", "'").replace("\u00a0", " ").replace("[", " ").replace("]", " ")
    t = re.sub(r"\bforty[- ]five\b", "45", t)
    t = re.sub(  # "fifty nine" as 59, so "nine fifty nine a m" reads as 9:59am
        r"\b(twenty|thirty|forty|fifty)[- ]?(one|two|three|four|five|six|seven|eight|nine)\b",
        lambda m: str(_TENS[m[1]] + NUMBER_WORDS[m[2]]),
        t,
    )
    t = re.sub(  # "twenty-first" is a day of the month wherever it is written
        r"\b(twenty|thirty)[- ]?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b",
        lambda m: _ordinal_suffix(DAY_ORDINAL_WORDS[f"{m[1]}-{m[2]}"]),
        t,
    )
    # "eleven oh five", "at eleven five": an hour and a single-digit minute, spoken
    t = re.sub(
        r"\b(?:(?<=\bat )|(?=\w+ oh ))(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:oh )?"
        r"(one|two|three|four|five|six|seven|eight|nine)\b(?!\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people)\b)",
        lambda m: f"{NUMBER_WORDS[m[1]]}:0{NUMBER_WORDS[m[2]]}",
        t,
    )
    t = re.sub(  # "twelve thirty", "two fifteen": a spoken clock time
        r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
        r"[ -](ten|fifteen|twenty|thirty|forty|fifty|[1-5]\d)\b"
        r"(?!\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people|persons?)\b)",
        lambda m: f"{NUMBER_WORDS[m[1]]}:{NUMBER_WORDS.get(m[2], m[2])}",
        t,
    )
    words = "|".join(sorted((w for w in NUMBER_WORDS if w != "one" and " " not in w), key=len, reverse=True))
    t = re.sub(rf"\b({words})\b", lambda m: str(NUMBER_WORDS[m.group(1)]), t)
    t = re.sub(r"\bone\b(?=[\s-]*(?:hour|hr|day|week|month|year|minute|min|o'?clock|am|pm|a\.m|p\.m|\d))", "1", t)
    t = re.sub(r"\b2 thousand(?: and)?(?: (\d{1,2}))?\b", lambda m: f"20{int(m[1] or 0):02d}", t)  # a spoken year
    t = re.sub(r"(?<=\bat )one\b", "1", t)
    # "a.m. flight", "p.m. slot": with no number before it, the dotted a.m./p.m. names a part of day
    t = re.sub(r"(?:^|(?<=[^\d\s]\s))([ap])\.m\.(?=\s[a-z])", lambda m: "morning" if m[1] == "a" else "afternoon", t)
    t = re.sub(r"(?:\b|(?<=\d))([ap])\.?\s?m\b\.?", r"\1m", t)
    # "10:30 P", "6:45:25 A": a lone a/p ending the phrase after a clock time is am/pm ("12 a" may be a seat)
    t = re.sub(r"(\d:[0-5]\d) ([ap])(?=\s*(?:[,.;!?)]|$))", r"\1\2m", t)
    t = re.sub(  # "7a", "3:30p" are am and pm; "seat 12A", "gate 4A" are places
        r"(\b[a-z]+\s)?(\d[\d:]*)([ap])\b",
        lambda m: m[0] if (m[1] or "").strip() in _NUMBERED_PLACES else f"{m[1] or ''}{m[2]}{m[3]}m",
        t,
    )
    t = re.sub(r"(?<=\d)(?:ish)?\s(?:in the |at )?([ap]m)\b", r" \1", t)
    t = re.sub(r"(?<![/.-])\b(\d{1,2})\s([0-5]\d)\s?([ap]m)\b", r"\1:\2\3", t)  # not "25/02 11 am"
    t = re.sub(r"\b(\d{1,2})([0-5]\d)\s?([ap]m)\b", r"\1:\2\3", t)
    t = re.sub(r"\ba quarter of an hour\b", "15 minutes", t)
    t = re.sub(r"\b(?:1:1|1-on-1)s?\b", "one-on-one", t)
    t = re.sub(r"\b(\d{1,2})-?ish\b", r"\1:00", t)  # "11ish" names a clock time as surely as "11:00"
    t = re.sub(r"(?<=\d)-?ish\b", "", t)
    # "11 or 2 both work": bare hours offered as alternatives are times.
    t = re.sub(
        r"\b(\d{1,2}(?::\d\d)?) (or|and) (\d{1,2}(?::\d\d)?)"
        r"(?= (?:both |either )?(?:works?|would work|is fine|are fine))",
        r"at \1 \2 at \3",
        t,
    )
    t = re.sub(r"\b(\d{1,2})\s?o'?\s?clock\b", r"\1:00", t)
    # "today at 10, 11, 12 and 1": every hour listed after "at" is a clock time, not only the first
    t = _HOURS_LISTED.sub(lambda m: m[1] + re.sub(r"(,\s?(?:and |or )?|\s(?:and|or)\s)(?=\d)", r"\1at ", m[2]), t)
    t = re.sub(r"\b(?:a )?couple (?:of )?", "2 ", t)
    # British "a week today", "tomorrow week", "Monday fortnight": counted on from that day
    t = re.sub(rf"\b({WEEKDAY_RE}|today|tomorrow) (week|fortnight)\b", r"a \2 from \1", t)
    t = re.sub(r"\ba (week|fortnight) (today|tomorrow)\b", r"a \1 from \2", t)
    t = re.sub(r"\b(\d+) fortnights?\b", lambda m: f"{2 * int(m[1])} weeks", t)
    t = re.sub(r"\b(?:a )?fortnight\b", "2 weeks", t)
    t = re.sub(r"\b(?:a )?few (?=(?:days|weeks|minutes|hours|months|years))", "3 ", t)
    # "15 minutes out", "a min out": that long from now
    t = re.sub(r"\b(\d+|an?) (minutes?|mins?|hours?|hrs?|days?|weeks?) out\b", r"\1 \2 from now", t)
    t = re.sub(r"\bwks?\b", lambda m: "weeks" if m.group(0) == "wks" else "week", t)
    t = re.sub(rf"\bprev\.?(?=\s(?:{WEEKDAY_RE}|week|month|year)\b)", "previous", t)
    # "+5 hours", "+2 days": now moved on by that much, as "in 5 hours" says it
    t = re.sub(r"(?<![\w)])\+\s?(\d+)\s?(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\b", r"in \1 \2", t)
    # "5 minutes before now" says "5 minutes ago" the long way
    t = re.sub(
        r"\b(\d+(?:\.\d+)?|an?)\s?(minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?|yrs?) before now\b",
        r"\1 \2 ago",
        t,
    )
    return re.sub(r"[ \t]+", " ", _ordinal_days(_spellings(t)))


def _spellings(t: str) -> str:
    """Variants of words the patterns know: "week-end", "untill", "afternoonish", "3/4 hour", "1 and a half hours"."""
    t = re.sub(r"\b(?:week[- ]ends?|wkends?)\b", "weekend", t)
    t = re.sub(r"\buntill\b|'?\btil\b", lambda m: "until" if m.group(0) == "untill" else "till", t)
    # "mid-night", "mid day" as one word, "midafternoon" as two (the parts of day are written so); ISO "T12:34:20"
    t = re.sub(
        r"\bmid[- ](?P<one>night|day)\b|\bmid(?P<two>morning|afternoon|evening)\b|(?<![\w:])t(?=\d{2}:\d{2})",
        lambda m: f"mid{m['one']}" if m["one"] else f"mid {m['two']}" if m["two"] else "",
        t,
    )
    t = re.sub(r"(?<![\w'])'(?!\d\d\b)(?=\w)", "", t)  # "in '5 minutes'": an opening quote, not an apostrophe
    t = re.sub(r"\bthis day\b(?!\s(?:and age|of|week|next|last)\b)", "today", t)
    t = re.sub(r"\b(morning|afternoon|evening|lunch|noon)ish\b", r"\1", t)
    t = re.sub(r"\b(early|late|mid)-(morning|afternoon|evening)(s?)\b", r"\1 \2\3", t)
    t = re.sub(r"\b(early|late) in the (morning|afternoon|evening)\b", r"\1 \2", t)
    t = re.sub(
        r"\b(?:the )?rest of (?:the|this|today'?s?|my|current) day\b|\b(?:the )?rest of today\b", "the rest of today", t
    )
    t = re.sub(r"\b(?:the )?rest (?:of )?(?:the |this |my |current )?(week|month)\b", r"the rest of this \1", t)
    t = re.sub(r"\b(?:the )?rest of (?:the |this )?year\b", "the rest of this year", t)
    t = re.sub(r"\byrs?\b", lambda m: "years" if m.group(0) == "yrs" else "year", t)
    t = re.sub(r"\bcurrent (?=(?:week|month|year)\b)", "this ", t)
    t = re.sub(r"\b(end|last day|start|beginning|middle) of (month|week)\b", r"\1 of the \2", t)
    t = re.sub(r"\beow\b", "end of the week", t)  # like "eod" and "eom"
    # "the second Thursday of every month": a recurring day first falls on the month's next one, as "of the month"
    t = re.sub(r"\b(of|in) (?:every|each) month\b", r"\1 the month", t)
    # "3 pm or later", "noon or earlier": an open end written after the time
    t = re.sub(r"\b(\d{1,2}(?::\d\d)?\s?(?:am|pm)?|noon) or (later|after)\b", r"after \1", t)
    t = re.sub(r"\b(\d{1,2}(?::\d\d)?\s?(?:am|pm)?|noon) or (earlier|before)\b", r"before \1", t)
    t = re.sub(rf"\b({MONTH_RE}),\s(?=\d{{1,2}}(?:st|nd|rd|th)\b)", r"\1 ", t)  # "March, 6th 2016"
    t = re.sub(r"\b(this|next) (week|month) or next\b(?! \w+day)", r"\1 \2 or next \2", t)  # "this week or next"
    t = re.sub(
        rf"(?<![\d/.,])\b(\d{{1,2}}(?:/\d{{1,2}}){{2,}}|\d{{1,2}}(?:,\s?\d{{1,2}}){{2,}})\s(?={MONTH_RE}\b)",
        _slashed_days,
        t,
    )
    t = _shared_month(t)
    # "between 8:30am ET and 9am ET": a zone written after both ends of a range is said once, after the end
    t = re.sub(
        rf"(\d(?::\d\d)?\s?(?:am|pm)?)\s({_ZONE_WORDS})\s(and|to|-|until|till)\s(\d{{1,2}}(?::\d\d)?\s?(?:am|pm)?)\s\2\b",
        r"\1 \3 \4 \2",
        t,
    )
    t = _MONTH_AND_YEAR.sub(_month_then_year, t)
    t = re.sub(rf"\b({MONTH_RE})\.(?=\d)", r"\1 ", t)  # "september.16th"
    t = _DAY_LIST.sub(_month_per_day, t)
    t = re.sub(rf"\b({WEEKDAY_RE}|today|tomorrow) am\b", r"\1 morning", t)  # "Tuesday AM", "Tuesday PM"
    t = re.sub(rf"\b({WEEKDAY_RE}|today|tomorrow) pm\b", r"\1 afternoon", t)
    t = re.sub(  # "wed 2nd june pm": after a day-first date, am and pm are its morning and afternoon
        rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s{MONTH_RE}|\d{{1,2}}[./]\d{{1,2}}\.) ([ap]m)\b",
        lambda m: f"{m[1]} {'morning' if m[2] == 'am' else 'afternoon'}",
        t,
    )
    t = re.sub(r"\b(?:a )?(half|quarter) past (\d{1,2})\b(?!:)", lambda m: f"{m[2]}:{30 if m[1] == 'half' else 15}", t)
    # "early (on) Monday morning" is Monday's early morning
    t = re.sub(rf"\b(early|late) (?:on )?({WEEKDAY_RE}|today|tomorrow) (morning|afternoon|evening)\b", r"\2 \1 \3", t)
    t = re.sub(
        r"\b(latest|earliest) (?:arrival|departure|return|start|end|finish|pick-?up|check-?in|check-?out)(?: time)?"
        r"(?: is| would be| will be|:)?",
        r"\1",
        t,
    )
    t = re.sub(r"\b12\s?(noon|midnight)\b", r"\1", t)
    # "until incl. Friday", "up to and including the 20th"
    t = re.sub(r"\b(?:up to|until|till|through) (?:and )?incl(?:uding|usive|\.)?\s", "until ", t)
    t = re.sub(r"\b2mor+ow?\b", "tomorrow", t)
    # "the 10.", "from the 3. until the 7.": a day of the month written with a German ordinal dot
    t = re.sub(r"(?<=\bthe )(\d{1,2})\.(?!\d)", lambda m: _ordinal_suffix(int(m[1])), t)
    t = re.sub(r"\bbegin of\b", "beginning of", t)
    t = re.sub(r"\bafter-tomorrow\b", "the day after tomorrow", t)  # French "apres-demain"
    t = re.sub(
        r"(?<!\bin )(?<!\bwithin )\b(at|@|around) (\d{1,2}) hours?\b(?! (?:later|earlier|before|after|ago|from))",
        r"\1 \2:00",
        t,
    )  # "at 9 hour" (but "in around 5 hours" is a count of hours)
    t = re.sub(r"\b(from|to|until|till):", r"\1", t)  # "FROM: 3.12. TO: 5.12." as a form writes it
    t = re.sub(r"\bkw ?(?=\d{1,2}\b)", "week ", t)  # "KW 50": a calendar week as German writers number it
    # "Mon-Wed (30.11.-2.12.)": the dates in brackets are the weekdays' own
    t = re.sub(
        rf"\b({WEEKDAY_RE})\s?(-|to|until|till)\s?({WEEKDAY_RE}),?\s?\(\s?({_DATE_IN_BRACKETS})\s?"
        rf"(?:-|to|until|till)\s?({_DATE_IN_BRACKETS})\s?\)",
        r"\1 \4 \2 \3 \5",
        t,
    )
    # "no flights before 9": nothing earlier, so from 9 on ("no calls after 6": up to 6)
    t = re.sub(r"\bno (?:[a-z]+ ){1,2}?(before|after)(?= (?:\d|noon\b|midnight\b))", r"not \1", t)
    t = re.sub(r"\bw/e\b", "weekend", t)
    # "w/c 11th May", "week starting Monday" (but "every week starting Monday" is a repetition that starts then)
    t = re.sub(
        r"\bw/c\b|(?<!every )(?<!each )(?<!other )\bweek (?:commencing|beginning|starting)(?: on)?\b", "week of", t
    )
    # "20 and 21 September", "22, 23 or 24 February": days of the month written once, at the end ("between 20
    # and 21" is a range)
    t = re.sub(
        rf"(?<!between )\b((?:\d{{1,2}}(?:st|nd|rd|th)?,\s?)*\d{{1,2}}(?:st|nd|rd|th)?) (and|or|&) "
        rf"(\d{{1,2}}(?:st|nd|rd|th)?) (?:of )?({MONTH_RE})(?!\w)",
        lambda m: ", ".join(f"{d} {m[4]}" for d in re.split(r",\s?", m[1])) + f" {m[2]} {m[3]} {m[4]}",
        t,
    )
    t = re.sub(r"\bh\.?\s?(?=\d{1,2}(?:[:.]\d\d)?\b(?![.:/-]?\d))", "at ", t)  # Italian "h 18.30", "at h. 11"
    t = re.sub(r"\bthe first days of\b", "the beginning of", t)
    t = re.sub(r"\bmid-?week(?= (?:next|this|the following) week\b)", "mid", t)  # "midweek next week"
    t = re.sub(rf"({_DATE_IN_BRACKETS})\s?\(\s?{WEEKDAY_RE}\s?\)", r"\1", t)  # "2 March (Tuesday)": said twice
    # "Sunday evening (26.9.)": the date in brackets is the weekday's own
    t = re.sub(
        rf"\b({WEEKDAY_RE})((?: (?:early |late )?(?:morning|afternoon|evening|night))?),?\s?\(\s?"
        rf"({_DATE_IN_BRACKETS})\s?\)",
        r"\1 \3\2",
        t,
    )
    # "27/28 June": two days of the month the name follows, not a numeric date
    t = re.sub(
        rf"(?<![\d/.])(\d{{1,2}})/(\d{{1,2}})\s(?={MONTH_RE}\b)",
        lambda m: f"{m[1]}-{m[2]} " if int(m[1]) < int(m[2]) <= 31 else m[0],
        t,
    )
    t = re.sub(rf"\b({_ABBREVIATED})\.(?=\s)", r"\1", t)  # "dep. 06.55, arr. 08.40": no sentence ends there
    # "any day but Wednesday next week": the week is what is on offer, the weekday what is ruled out of it
    t = re.sub(
        rf"\b(any ?(?:day|time)) (but|except(?: for)?) ({WEEKDAY_RE}) ((?:next|this|the following) week)\b",
        r"\1 \4 \2 \3",
        t,
    )
    # "Tuesday 1 to Thursday 3 September": the month written once, at the end, belongs to both days
    t = re.sub(
        rf"\b({WEEKDAY_RE}),?\s(\d{{1,2}}(?:st|nd|rd|th)?)\s?(-|to|until|till|through|thru)\s?"
        rf"({WEEKDAY_RE}),?\s(\d{{1,2}}(?:st|nd|rd|th)?)\s({MONTH_RE})(?!\w)",
        r"\1 \2 \6 \3 \4 \5 \6",
        t,
    )  # "12 noon" is one time, not 12 and then noon
    # "15.-17.04.", "15.-17. April": a German-style day range, the first day written without its month
    t = re.sub(
        r"(?<![\d.])(\d{1,2})\.\s?(-|to|until|till)\s?(\d{1,2})\.(\d{1,2})\.(\d{2,4})?",
        lambda m: f"{m[1]}.{m[4]}.{m[5] or ''} {m[2]} {m[3]}.{m[4]}.{m[5] or ''}",
        t,
    )
    t = re.sub(rf"(?<![\d.])(\d{{1,2}})\.\s?(?=(?:-|to|until|till)\s?\d{{1,2}}\.?\s?{MONTH_RE}\b)", r"\1", t)
    # "17-18/8", "17-18.8.": the same with no dot after the first day, when the second day can only be a day
    t = re.sub(
        r"(?<![\d./:-])(\d{1,2})\s?-\s?(1[3-9]|2\d|3[01])(/(?:0?[1-9]|1[0-2])|\.(?:0?[1-9]|1[0-2])\.(?:\d{4})?)(?![\d:])",
        lambda m: f"{m[1]}{m[3]} - {m[2]}{m[3]}" if int(m[1]) < int(m[2]) else m[0],
        t,
    )
    t = re.sub(r"\bhence\b|\bfrom (?:this (?:second|moment|minute)|right now)\b", "from now", t)
    t = re.sub(r"\b(\d+|an?) (days?|weeks?|months?|years?) in the future\b", r"in \1 \2", t)  # "4 weeks in the future"
    # "the 2 next days", "the 5 coming minutes": the count after its word, as "the next 2 days"
    t = re.sub(r"\b(\d+) (next|coming|upcoming|past|previous) (days|weeks|hours|hrs|minutes|mins)\b", r"\2 \1 \3", t)
    t = re.sub(r"\b(\d{1,2}/\d{1,2}/\d{2,4})-(?=\d{1,2}/\d{1,2}/\d{2,4}\b)", r"\1 - ", t)  # "10/1/2018-10/7/2018"
    t = re.sub(r"\bthis (?:very )?(?:second|instant)\b", "right now", t)
    t = re.sub(r"\blast night\b", "yesterday night", t)  # the night before today, not the coming one
    t = re.sub(rf"\bend of (?:the )?(today|tomorrow|{WEEKDAY_RE})(?!\w)", r"\1 end of day", t)
    t = re.sub(rf"\b(\d{{1,2}})\.\s?(?={MONTH_RE}\b)", r"\1 ", t)  # "16. Nov. 2016": the day written with a dot
    t = re.sub(r"\b(jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.(?=,?\s\d)", r"\1", t)  # "1 Dec., 2008"
    # "Aug 29-Sep 2": a dash between two month dates is a range, not a day written against the next month
    t = re.sub(rf"\b({MONTH_RE})\s?(\d{{1,2}}(?:st|nd|rd|th)?)-(?=(?:{MONTH_RE})\b)", r"\1 \2 - ", t)
    t = re.sub(rf"\b(\d{{1,2}})-({MONTH_RE})-(\d\d)\b", r"\1 \2 '\3", t)  # "30-Mar-11": the last part is the year
    # "15SEP", "10-August-2012", "10/August 2012": a day written against its month
    t = re.sub(rf"\b(\d{{1,2}})(?:[-/])?({MONTH_RE})\b(?:[-/](?=\d{{2,4}}\b))?", r"\1 \2 ", t)
    # "on 4-22", "on 4.22" (no such day-first date): after "on", a pair of numbers is a month and day.
    t = re.sub(
        rf"(?<=\bon )(\d{{1,2}})(?:-|\.(?=(?:1[3-9]|[2-9]\d)\b))(\d{{1,2}})\b"
        rf"(?![.:/-]\d|\s?(?:am|pm|h\b)|\s{MONTH_RE}\b)",
        r"\1/\2",
        t,
    )
    t = re.sub(r"\b(\d{4}-\d{1,2}-\d{1,2})t(?=\d{2}:\d{2})", r"\1 ", t)  # ISO "2019-06-18T09:30"
    t = re.sub(r"\b((?:19|20)\d\d):(0[1-9]|1[0-2]):([0-3]\d)\b", r"\1-\2-\3", t)  # EXIF's "2012:05:25 22:06:50"
    t = re.sub(rf"\b(\d{{4}})[-/]({MONTH_RE})[-/](\d{{1,2}})\b", r"\3 \2 \1", t)  # "2006-Jun-16"
    t = re.sub(  # "2010 October 28": a year written first; not the year that ends "July 13th 2014 July 14th 2014"
        rf"\b(?P<dated>{MONTH_RE} \d{{1,2}}(?:st|nd|rd|th)?,? (?:19|20)\d{{2}})\b"
        rf"|\b((?:19|20)\d{{2}}),? ({MONTH_RE}) (\d{{1,2}}(?:st|nd|rd|th)?)\b(?![:.]\d|\s?(?:am|pm|h)\b)",
        lambda m: m["dated"] or f"{m[4]} {m[3]} {m[2]}",
        t,
    )
    t = re.sub(  # "Jan 2 15:04:05 -0700 2006" (Unix `date`, Go's ANSIC): the year written after the time of day
        # (or after a range of times: "Oct 26, 10:00 - 11:00:09 2023")
        rf"\b({MONTH_RE}) +(\d{{1,2}}),? ((?:\d{{1,2}}:\d\d(?::\d\d)? ?- ?)?"
        r"\d{1,2}:\d\d(?::\d\d)?(?: [+-]\d{4}| utc| [a-z]{1,3}t)?) "
        r"((?:19|20)\d{2})\b",
        r"\1 \2 \4 \3",
        t,
    )
    t = re.sub(r"(?<=\d\d:\d\d)(:\d\d(?:\.\d+)?)?z\b", r"\1 utc", t)  # ISO "07:00:00Z" is UTC
    t = re.sub(r"(?<=\d\d:\d\d:\d\d)([+-]\d{1,2})\b(?![:/.-]\d)", r" utc\1", t)  # "01:00:00-8": an offset
    # "16:10 -0400" (RFC 2822): a signed four-digit offset right after a clock time is its zone, not a range's end
    t = re.sub(r"(?<=\d:\d\d) ([+-][01]\d[0-5]\d)\b(?![:.]\d)", r" utc\1", t)
    t = re.sub(r"\bto?m+or+ow\b", "tomorrow", t)  # "tomorow", "tommorrow"
    t = re.sub(r"\bto(?:nite|nigth|nihgt|ngiht|nght)\b", "tonight", t)  # "tonite", "tongiht"
    t = re.sub(r"\bthe day after next\b", "the day after tomorrow", t)
    t = re.sub(r"\bthe following day\b", "the day after", t)  # "Monday, return the following day"
    # "leaving 7h Monday": after a departure or arrival word, "7h" is a clock time, not seven hours
    t = re.sub(r"\b(leaving|departing|departure|arriving|arrival|dep\.|arr\.) (\d{1,2}h)\b(?!\s?\d)", r"\1 at \2", t)
    t = re.sub(r"\b(\d+|an?|one) decades?\b", lambda m: f"{10 * _count(m[1])} years", t)  # "a decade ago"
    # "1d ago", "2y ago", "in 1d", "3w later", "3mo later": a unit's letter, only where a count of time is certain
    t = re.sub(
        r"\b(\d+)\s?(d|w|mo|y|yrs?)\b(?=\s+(?:ago|later)\b)|(?<=\bin )(\d+)\s?(d|w|mo|y)\b",
        lambda m: f"{m[1] or m[3]} {_UNIT_LETTERS[(m[2] or m[4])[0]]}",
        t,
    )
    t = re.sub(r"\b(\d{1,2})h([0-5]?\d)m(?:in)?\b", r"\1 hours \2 minutes", t)  # "2h30m": a length
    # "first to last day of September", "... of 2008": the whole month or year, its first day to its last
    t = re.sub(
        r"\b(?:the )?first to (?:the )?last day of "
        rf"((?:this |next |last )?(?:{MONTH_RE}|month|year)(?: (?:19|20)\d\d)?|(?:19|20)\d\d)\b",
        r"the first day of \1 to the last day of \1",
        t,
    )
    t = re.sub(rf"\b({DAY_ORDINAL_RE}) day of\b", lambda m: f"{_ordinal_suffix(DAY_ORDINAL_WORDS[m[1]])} day of", t)
    # "12 or 12:30": a bare hour offered beside a clock time is a clock time too
    t = re.sub(r"(?<![\d:/.$])\b(\d{1,2}) (or|and) (\d{1,2}:\d\d)\b", r"\1:00 \2 \3", t)
    # "4 or 5 pm": alternatives share the meridiem written after the later one
    t = re.sub(
        r"(?<![\d:/.$])\b(\d{1,2}) or (\d{1,2})(:\d\d)? ?([ap]m)\b",
        lambda m: f"{m[1]}{m[4]} or {m[2]}{m[3] or ''}{m[4]}" if 0 < int(m[1]) < int(m[2]) <= 12 else m[0],
        t,
    )
    # "the 10th of next October": that day of the month named
    t = re.sub(rf"\b(\d{{1,2}}(?:st|nd|rd|th)) of (next|this) ({MONTH_RE})(?!\s?\d)", r"\2 \3 \1", t)
    t = re.sub(r"\b([01]\d|2[0-3])([0-5]\d)\s?(?:h|hrs|hours)\b", r"\1:\2", t)  # "0600h", "1300 hours"
    # "2 or 3 days ago", "in 2 or 3 weeks": the unit and direction belong to both numbers
    t = re.sub(
        r"\b(\d+) or (\d+) (days|weeks|months|years) (ago|from now)\b",
        lambda m: f"{m[1]} {m[3]} {m[4]} or {m[2]} {m[3]} {m[4]}",
        t,
    )
    # "the 2nd of February in the year 1980": the year, written out; "in the year 1980" alone is "in 1980"
    t = re.sub(
        rf"\b({MONTH_RE}|\d{{1,2}}(?:st|nd|rd|th)?|{DAY_ORDINAL_RE}),? in the year (?=(?:19|20)\d{{2}}\b|'\d{{2}}\b)",
        r"\1 ",
        t,
    )
    t = re.sub(r"\bin the year (?=(?:19|20)\d{2}\b)", "in ", t)
    t = re.sub(r"\b(in \d+) more\b", r"\1", t)
    # "1 1/2 hours", "8-1/2": a whole number and a fraction, never a date ("1.5 hours"; alone, "8½")
    t = re.sub(
        r"\b(\d{1,2})[ -]([13])/([24])\b(?![/\d])(?=(\s?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?)\b)?)",
        _mixed_fraction,
        t,
    )
    t = re.sub(r"\b(?:3|three)[- ]quarters? of an hour\b|\b3/4 ?h(?:ours?|rs?)?\b", "45 minutes", t)
    t = re.sub(r"\b1/4 ?h(?:ours?|rs?)?\b", "15 minutes", t)
    t = re.sub(r"\b1/2 ?h(?:ours?|rs?)?\b", "30 minutes", t)
    t = re.sub(r"\b(1|\d+|one) and (?:a |an )?half hours?\b", lambda m: f"{_count(m.group(1))}.5 hours", t)
    t = re.sub(r"\b(1|\d+|one|an?) hours? and (?:a )?half\b", lambda m: f"{_count(m.group(1))}.5 hours", t)
    # "at 3 15": an hour and its minutes with the colon left out, only after a word that announces a time.
    return re.sub(
        r"\b(at|@|around|about|say) (\d{1,2}) ([0-5]\d)\b"
        r"(?!\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people|%)\b|[:/.-]\d)",
        r"\1 \2:\3",
        t,
    )


_HOUR = r"\d{1,2}(?::\d\d)?(?:\s?[ap]m)?"
_HOURS_LISTED = re.compile(
    rf"\b(at {_HOUR})((?:(?:,\s?(?:and |or )?|\s(?:and|or)\s){_HOUR}\b(?![/.:-]\d)){{2,}})"
    r"(?!(?:,\s?(?:and |or )?|\s(?:and|or)\s)?\d|\s?(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|people|persons?|%))"
)
_ORDINAL_LIST = r"\d{1,2}(?:st|nd|rd|th)(?:(?:,\s?|,?\s(?:or|and)\s)\d{1,2}(?:st|nd|rd|th))+"


_LIST_BEFORE_MONTH = re.compile(rf"\b({_ORDINAL_LIST})\s(?:of\s)?({MONTH_RE})\b")


def _shared_month(t: str) -> str:
    """ "the 22nd, 23rd or 31st of March": every day in the list is in that month (a list after the month,
    "July 17th, 18th, or 19th", is _DAY_LIST's)."""
    return _LIST_BEFORE_MONTH.sub(lambda m: re.sub(r"\d{1,2}(?:st|nd|rd|th)", lambda d: f"{d[0]} of {m[2]}", m[1]), t)


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


def _ordinal_days(t: str) -> str:
    """ "March third", "the first of June", "on the second": ordinal words as "3rd" where they name a day.

    Only next to a month or after a word that introduces a date, so "the second option" stays a pick.
    """

    def day(word: str) -> str:
        return _ordinal_suffix(DAY_ORDINAL_WORDS[word])

    t = re.sub(rf"\b({MONTH_RE})\s(the\s)?({DAY_ORDINAL_RE})\b", lambda m: f"{m[1]} {m[2] or ''}{day(m[3])}", t)
    t = re.sub(
        rf"\b({DAY_ORDINAL_RE})(\s(?:of\s)?(?:{MONTH_RE}|next month|this month|the month)\b)",
        lambda m: day(m[1]) + m[2],
        t,
    )
    t = re.sub(  # "May 8th - tenth", "the 5th to the ninth": the second of two ordinals, after one written as a day
        rf"(\d{{1,2}}(?:st|nd|rd|th)\s?(?:-|to|through|thru|until|till)\s?(?:the\s)?)({DAY_ORDINAL_RE})\b",
        lambda m: m[1] + day(m[2]),
        t,
    )
    t = re.sub(  # "eighth to eleventh May": the first of two ordinals joined to a day already written as one
        rf"\b({DAY_ORDINAL_RE})(\s(?:to|-|through|until|till|and)\s)(?=\d{{1,2}}(?:st|nd|rd|th)\s(?:of\s)?{MONTH_RE})",
        lambda m: day(m[1]) + m[2],
        t,
    )
    return re.sub(
        rf"\b(on|by|until|till|before|after|from|through|thru|between) the ({DAY_ORDINAL_RE})\b"
        r"(?=\s?(?:[,.?!;]|$|at\b|and\b|to\b|through\b|-))",
        lambda m: f"{m[1]} the {day(m[2])}",
        t,
    )


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_UNIT_LETTERS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
