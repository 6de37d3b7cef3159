"""Word tables for the offline English engine: names, numbers, zones, parts of day and intent cues.

Kept apart from the grammar so that adding a synonym never touches the parsing logic, and so the
tables can be read (and reviewed) as data.
"""

from __future__ import annotations

import re
from datetime import time

WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon"),
        ("tuesday", "tue", "tues"),
        ("wednesday", "wed", "weds"),
        ("thursday", "thu", "thur", "thurs"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    )
):
    for _name in _names:
        WEEKDAYS[_name] = _index

# No two-letter forms: "so", "do" and "sa" are ordinary words far more often than weekdays.
# Only abbreviations take a dot, so "Tuesday." still ends its sentence.
WEEKDAY_RE = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
    r"|(?:mon|tues|tue|weds|wed|thurs|thur|thu|fri|sat|sun)s?\.?)"
)

MONTHS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sept", "sep"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _index

# What a clock time may name in "an hour before the 9:30 train", "30 minutes after the 2pm call"
EVENT_NOUN_RE = (
    r"(?:train|flight|bus|ferry|meeting|call|appointment|session|talk|class|show|departure|arrival|kick-?off|"
    r"stand-?up|sync|demo|slot|one)"
)
MONTH_RE = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?)"
)

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "forty-five": 45,
    "fortyfive": 45,
    "forty five": 45,
    "sixty": 60,
    "ninety": 90,
}

# Ordinal words for days of the month ("March third", "the twenty-first of June"), read in date contexts only.
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
DAY_ORDINAL_WORDS: dict[str, int] = {word: n for n, word in enumerate(_UNITS, start=1)}
DAY_ORDINAL_WORDS |= {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
DAY_ORDINAL_WORDS |= {f"twenty-{word}": 20 + n for n, word in enumerate(_UNITS, start=1)}
DAY_ORDINAL_WORDS["thirty-first"] = 31
DAY_ORDINAL_RE = "|".join(sorted(DAY_ORDINAL_WORDS, key=len, reverse=True))

ORDINALS: dict[str, int] = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "last": -1,
    "final": -1,
}

# Parts of the day as [start, end) in the writer's zone; "24:00" is written as None (end of day).
PARTS_OF_DAY: dict[str, tuple[time, time | None]] = {
    "early morning": (time(7), time(9)),
    "first thing": (time(8), time(10)),
    "late morning": (time(10), time(12)),
    "mid morning": (time(9, 30), time(11, 30)),
    "midmorning": (time(9, 30), time(11, 30)),
    "morning": (time(8), time(12)),
    "mornings": (time(8), time(12)),
    "forenoon": (time(8), time(12)),
    "am": (time(8), time(12)),
    "lunchtime": (time(11, 30), time(13, 30)),
    "lunch time": (time(11, 30), time(13, 30)),
    "lunch": (time(11, 30), time(13, 30)),
    "midday": (time(11, 30), time(13, 30)),
    "early afternoon": (time(12), time(14)),
    "after lunch": (time(13), time(17)),
    "mid afternoon": (time(14), time(16)),
    "mid-afternoon": (time(14), time(16)),
    "late afternoon": (time(15), time(17)),
    "afternoon": (time(12), time(17)),
    "afternoons": (time(12), time(17)),
    "pm": (time(12), time(17)),
    "end of day": (time(16), time(18)),
    "end of the day": (time(16), time(18)),
    "eod": (time(16), time(18)),
    "close of business": (time(16), time(18)),
    "cob": (time(16), time(18)),
    "close of play": (time(16), time(18)),
    "end of play": (time(16), time(18)),
    "after work": (time(17), time(20)),
    "early evening": (time(17), time(19)),
    "late evening": (time(20), time(23)),
    "evening": (time(17), time(21)),
    "evenings": (time(17), time(21)),
    "tonight": (time(17), time(21)),
    "night": (time(20), time(23)),
}
PART_OF_DAY_RE = "|".join(sorted((re.escape(k) for k in PARTS_OF_DAY if k not in {"am", "pm"}), key=len, reverse=True))

# Abbreviations people write in mail, mapped to the IANA zone they mean in practice: "EST" in July
# still means New York time, so the DST-aware zone is used rather than a fixed offset.
ZONE_ABBREVIATIONS: dict[str, str] = {
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "akdt": "America/Anchorage",
    "brt": "America/Sao_Paulo",
    "alaska": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "hawaii": "Pacific/Honolulu",
    "gmt": "UTC",
    "utc": "UTC",
    "z": "UTC",
    "bst": "Europe/London",
    "uk": "Europe/London",
    "london": "Europe/London",
    "wet": "Europe/Lisbon",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "berlin": "Europe/Berlin",
    "paris": "Europe/Paris",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "msk": "Europe/Moscow",
    "irst": "Asia/Tehran",
    "irdt": "Asia/Tehran",
    "pkt": "Asia/Karachi",
    "sast": "Africa/Johannesburg",
    "ist": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "sgt": "Asia/Singapore",
    "pht": "Asia/Manila",
    "wib": "Asia/Jakarta",
    "hkt": "Asia/Hong_Kong",
    "jst": "Asia/Tokyo",
    "tokyo": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "acst": "Australia/Adelaide",
    "acdt": "Australia/Adelaide",
    "awst": "Australia/Perth",
    "sydney": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
    "wat": "Africa/Lagos",
    "myt": "Asia/Kuala_Lumpur",
    "ict": "Asia/Bangkok",
    "new york": "America/New_York",
    "ny": "America/New_York",
    "nyc": "America/New_York",
    "sf": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "chicago": "America/Chicago",
    "toronto": "America/Toronto",
    "montreal": "America/Toronto",
    "vancouver": "America/Vancouver",
    "seattle": "America/Los_Angeles",
    "denver": "America/Denver",
    "boston": "America/New_York",
    "singapore": "Asia/Singapore",
    "hong kong": "Asia/Hong_Kong",
    "shanghai": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "dubai": "Asia/Dubai",
    "madrid": "Europe/Madrid",
    "amsterdam": "Europe/Amsterdam",
    "zurich": "Europe/Zurich",
    "melbourne": "Australia/Melbourne",
}

# The abbreviations as one alternation, longest first so "cest" wins over "cet"
ZONE_ABBREVIATION_RE = "|".join(sorted((re.escape(k) for k in ZONE_ABBREVIATIONS), key=len, reverse=True))

# Words that name a time zone only when followed by "time" (a city name alone is usually a place).
ZONE_NEEDS_TIME_WORD = frozenset({"eastern", "central", "mountain", "pacific", "uk", "london", "berlin", "paris"})
ZONE_NEEDS_TIME_WORD |= frozenset(
    {"alaska", "hawaii", "india", "tokyo", "sydney", "new york", "ny", "nyc", "sf", "la", "chicago"}
)
ZONE_NEEDS_TIME_WORD |= frozenset({"toronto", "montreal", "vancouver", "seattle", "denver", "boston", "singapore"})
ZONE_NEEDS_TIME_WORD |= frozenset({"hong kong", "shanghai", "beijing", "dubai", "madrid", "amsterdam", "zurich"})
ZONE_NEEDS_TIME_WORD |= frozenset({"melbourne"})
# "ET is one of my favorite movies": the two-letter US zones are words too, so they need a time or "time" beside them.
ZONE_NEEDS_TIME_WORD |= frozenset({"et", "ct", "mt", "pt"})
# "wat time works?" (chat for "what"), "ICT time": these are zones only right after a clock time ("10am WAT").
ZONE_NEEDS_A_CLOCK = frozenset({"wat", "ict"})

MEDIUM_CUES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:zoom|google meet|gmeet|meet link|teams|hangouts?|webex|video(?: call| chat)?|facetime|on camera)\b",
        "video",
    ),
    (r"\b(?:phone|call me|ring me|dial[- ]in|by telephone|my (?:cell|mobile)|give me a call)\b", "phone"),
    (
        r"\b(?:in person|in-person|face to face|face-to-face|coffee|breakfast|brunch|lunch|drinks|dinner|come by|"
        r"stop by|our office|the usual place|meet up|grab a (?:drink|bite))\b",
        "in_person",
    ),
)

URGENT_RE = re.compile(r"\b(?:asap|urgent(?:ly)?|as soon as possible|time[- ]sensitive|right away|at your earliest)\b")

SIGN_OFFS = re.compile(
    r"^(?:thanks|thank you|thx|cheers|best|best regards|regards|kind regards|warm regards|sincerely|"
    r"all the best|talk soon|many thanks|br|--|—|sent from my \w+.*)[,.!]?\s*$",
    re.IGNORECASE,
)

# Intent cues, read on normalized (lower-case) text; the intent rules in timeparse.py weigh them.
CANCEL_RE = re.compile(
    r"\b(?:cancel(?:l?ed|l?ing|s)?|call(?:ing)? (?:it|this|the \w+) off|scrap (?:it|the)|"
    r"no longer (?:need|necessary|required)|"
    r"won'?t be needed|not needed any ?more|drop the (?:meeting|call))\b"
)
RESCHEDULE_RE = re.compile(
    r"\b(?:re-?schedul\w*|push(?:ed|ing)? (?:it|this|that|the|our|my|\w+'s)|push(?:ed|ing)? (?:back|out)|"
    r"move[sd]? (?:it|this|that|the|our|my|\w+'s)|moving (?:it|this|the|our)|postpon\w*|prepon\w*|"
    r"bring(?:ing)?(?: (?:it|this|that|(?:the|our|my|\w+'s) \w+))? forward|"
    r"shift(?:ed|ing)? (?:it|the|our)|"
    r"bump(?:ed)? (?:it|the|our)|rebook\w*|delay (?:it|the|our)|change (?:the|our) (?:time|date|day)|rain ?check|"
    r"chang(?:e|ed|ing) (?:the |our |my |this |that )?(?:[\w/]+ ){0,3}(?:meeting|call|appointment|sync|session))\b"
)
COMPARATIVE_PICK_RE = re.compile(
    r"\b(?:the )?(earlier|earliest|later|latest|sooner|soonest) (?:one|option|slot|time|choice)\b|"
    r"\bwhichever (?:one )?is (first|earlier|earliest|sooner|soonest|later|latest|last)\b"
)
LATER_RESCHEDULE_RE = re.compile(r"\b(?:i'?ll|i will|we'?ll|will|to) (?:reschedule|rebook|find (?:a|another) time)\b")
INSTEAD_OF_RE = re.compile(r"\binstead of\b")
CONDITIONAL_RE = re.compile(r"\b(?:only if|but only|provided (?:that|we)|as long as|if we can|if you can)\b")
DECLINE_RE = re.compile(
    r"\b(?:can'?t make it|cannot make it|can'?t attend|cannot attend|won'?t be able to (?:make|attend|join|come)|"
    r"unable to (?:make|attend|join)|(?:have|need) to decline|declin(?:e|ing)|not interested|no,? thanks|"
    r"i'?ll (?:have to )?pass|pass on this|not going to make it|regretfully|won'?t make it|"
    r"no longer able to (?:attend|make it|join|come)|go ahead without me|count me out|won'?t be attending)\b"
)
COUNTER_RE = re.compile(
    r"\b(?:none of (?:these|those|them|the \w+)|neither|how about|what about|could we (?:do|try|make it)|"
    r"can we (?:do|try|make it)|instead|alternatively|any chance (?:we|you) could|other (?:options?|times?|days?)|"
    r"(?:don'?t|doesn'?t|do not|does not) work(?: for me)?|"
    r"(?:can'?t|cannot|can not|won'?t be able to) (?:do|make|manage) (?:any|either) of (?:these|those|them|the \w+))\b"
)
ACCEPT_RE = re.compile(
    r"\b(?:works?(?: for me| great| well| fine)?|sounds? (?:good|great|perfect)|perfect|great|let'?s do|"
    r"book (?:it|that|me)|lock (?:it|that) in|confirm(?:ed)?|see you (?:then|there)|(?:that'?s|is) fine|fine by me|"
    r"ok(?:ay)?|yes|yep|sure|good for me|i'?ll take)\b"
)
ANY_PICK_RE = re.compile(
    r"\b(?:any(?: of (?:them|those|these|the others|the other ones|the rest))?|either(?: one)?|"
    r"all of (?:them|those|these)|the others|the other ones|the rest) (?:works?|is fine|are fine|would work)\b"
)
SCHEDULE_RE = re.compile(
    r"\b(?:meet(?:ing)?|call|chat|sync|catch[- ]?up|schedule|set up|book|find (?:a )?time|get together|coffee|lunch|"
    r"demo|interview|intro|talk|connect|hop on|touch base|one[- ]on[- ]one|availability|available|free|slot)\b"
)
ORDINAL_PICK_RE = re.compile(
    r"\b(?:the\s)?(?P<o>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|final|former|latter)\s"
    r"(?:one|option|slot|time|choice|proposal|suggestion|date|1|works?|is (?:fine|good|great|perfect|best))\b|"
    r"(?:\b(?:option|slot|choice|number|no\.?)|#)\s?(?P<n>\d)\b|"
    r"^\s*\(?(?P<bare>[1-9])\)?(?=\s*(?:works?\b|is (?:fine|good|great|perfect|best)|please|pls|[.!]|$))"
)
ORDINAL_INDEX = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4,
    "last": -1, "final": -1, "former": 0, "latter": -1,
}  # fmt: skip

# Holidays people schedule around: (pattern, (month, day)) for fixed dates, or (pattern, (month, weekday name,
# nth, days after)) for "the fourth Thursday of November" kinds (nth -1: the last one).
HOLIDAYS: tuple[tuple[str, tuple[int, int] | tuple[int, str, int, int]], ...] = (
    (r"christmas eve|xmas eve", (12, 24)),
    (r"christmas(?: day)?|xmas(?: day)?", (12, 25)),
    (r"boxing day|kwanzaa", (12, 26)),
    (r"epiphany|three kings'? day", (1, 6)),
    (r"leap day", (2, 29)),
    (r"assumption day|(?:the )?assumption of mary", (8, 15)),
    (r"all saints'? day", (11, 1)),
    (r"new year'?s? eve|nye", (12, 31)),
    (r"(?<!the )new year(?:'?s)?(?: day)?", (1, 1)),  # "in the new year" is next year, not its first day
    (r"valentine'?s?(?: day)?", (2, 14)),
    (r"groundhog'?s? day", (2, 2)),
    (r"(?:st\.?|saint) (?:patrick|patty|paddy)'?s day", (3, 17)),
    (r"april fool'?s'?(?: day)?", (4, 1)),  # "april fools" is as often said without "day"
    (r"tax day", (4, 15)),
    (r"earth day", (4, 22)),
    (r"cinco de mayo", (5, 5)),
    (r"may day|(?:international|int'?l) workers'? day", (5, 1)),
    (r"flag day", (6, 14)),
    (r"juneteenth", (6, 19)),
    (r"independence day", (7, 4)),
    (r"patriot day", (9, 11)),
    (r"halloween", (10, 31)),
    (r"veterans'? day", (11, 11)),
    (r"guy fawkes(?: day| night)?|bonfire night", (11, 5)),
    (r"(?:the )?ides of march", (3, 15)),  # a named day of the year, still said ("by the Ides of March")
    (r"good friday", (0, "easter", 0, -2)),  # month 0: counted from Easter Sunday
    (r"easter monday", (0, "easter", 0, 1)),
    (r"easter(?: sunday)?", (0, "easter", 0, 0)),
    (r"ascension(?: day| thursday)?", (0, "easter", 0, 39)),
    (r"whit ?monday|pentecost monday", (0, "easter", 0, 50)),
    (r"whit ?sunday|pentecost(?: sunday)?|whitsun", (0, "easter", 0, 49)),
    (r"corpus christi", (0, "easter", 0, 60)),
    (r"early may bank holiday", (5, "monday", 1, 0)),
    (r"spring bank holiday", (5, "monday", -1, 0)),
    (r"(?:late )?(?:august|summer) bank holiday", (8, "monday", -1, 0)),
    (r"mlk(?: jr\.?)?(?: day)?|martin luther king(?: jr\.?)? day", (1, "monday", 3, 0)),  # "off for MLK"
    (r"arbor day", (4, "friday", -1, 0)),  # US national: the last Friday in April
    (r"presidents?'?s?'? day", (2, "monday", 3, 0)),
    (r"mother'?s'? day", (5, "sunday", 2, 0)),
    (r"memorial day", (5, "monday", -1, 0)),
    (r"father'?s'? day", (6, "sunday", 3, 0)),
    (r"labou?r day", (9, "monday", 1, 0)),
    (r"election day", (11, "monday", 1, 1)),  # US: the Tuesday after the first Monday in November
    (r"columbus day", (10, "monday", 2, 0)),
    (r"thanks ?giving(?: day)?", (11, "thursday", 4, 0)),
    (r"black friday", (11, "thursday", 4, 1)),
    (r"cyber monday", (11, "thursday", 4, 4)),
)
HOLIDAY_RE = "|".join(pattern for pattern, _ in HOLIDAYS)
# Holidays on the same date every year ("Boxing Day"): last year's is a year back.
FIXED_HOLIDAY_RE = "|".join(pattern for pattern, spec in HOLIDAYS if len(spec) == 2 and spec[0])
