"""Dates and times as machines and forms write them, respelled the way people write them.

A mail header, a log line or a form field carries "Thu Sep 25 10:36:28 2003", "20030925T1049", "2003 09 25",
"Sep.25.2003" or "10h36m28s". Each names one date or clock time as surely as "Sep 25 2003 10:36", so they are
rewritten into spellings the grammar already reads instead of growing the grammar. Runs on lower-cased text,
before `timeparse_normalize`'s own rewrites. Pure core.
"""

from __future__ import annotations

import re

from scheduler_agent.timeparse_lexicon import MONTH_RE, ZONE_ABBREVIATION_RE

_YEAR = r"(?:19|20)\d\d"

# "20030925", "20030925T1049", "20030925T104941.5": ISO 8601's basic format, only where month and day are valid
_COMPACT_ISO = re.compile(
    rf"\b({_YEAR})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
    r"(?:t([01]\d|2[0-3])(?::?([0-5]\d))?(?::?([0-5]\d)(?:\.\d+)?)?)?\b"
)
# "Thu Sep 25 10:36:28 2003", "Tue Apr 4 00:22:12 PDT 1995": the date command's order, the year after the time
_YEAR_AFTER_TIME = re.compile(
    rf"\b({MONTH_RE})\.? (\d{{1,2}}) (\d{{1,2}}:\d\d(?::\d\d(?:\.\d+)?)?(?: ?[ap]\.?m\b\.?)?)"
    rf"((?: (?:{ZONE_ABBREVIATION_RE}))?) ({_YEAR})\b"
)
# "2003 09 25", "09 25 2003", "7 4 1976": a numeric date with spaces for separators, told apart by its full year
_SPACED_YMD = re.compile(rf"(?<![\d:/.-])\b({_YEAR}) (0?[1-9]|1[0-2]) (\d{{1,2}})\b(?![\d:/.-]|\s?(?:[ap]m|h)\b)")
_SPACED_DMY = re.compile(rf"(?<![\d:/.-])\b(\d{{1,2}}) (\d{{1,2}}) ({_YEAR})\b(?![\d:/.-])")
# "Sep.25.2003", "Sep-25-2003", "Sep/25/2003" and "2003.Sep.25": a month name between separators
_MONTH_FIRST = re.compile(rf"\b({MONTH_RE})[-./](\d{{1,2}})[-./]({_YEAR})\b")
_YEAR_DOT_MONTH = re.compile(rf"\b({_YEAR})\.({MONTH_RE})\.(\d{{1,2}})\b")
# "2015-15-May": the year first and the month name last, the day between
_YEAR_DAY_MONTH = re.compile(rf"\b({_YEAR})[-./](\d{{1,2}})[-./]({MONTH_RE})\b")
# "13NOV2017": day, month and year run together, as on tickets and in military dates
_RUN_TOGETHER = re.compile(rf"\b(\d{{1,2}})({MONTH_RE})({_YEAR})\b")
# "10h36m28s", "01h02m03": hours, minutes and seconds of a clock (a length carries no seconds: "2h30m"), unless it
# is counted from now ("2h05m10s ago", "in 1h30m10s")
_LETTERED_CLOCK = re.compile(r"(?<!\bin )\b([01]?\d|2[0-3])h([0-5]\d)m([0-5]\d)s?\b(?!\s(?:ago|later|from now)\b)")


def machine_stamps(t: str) -> str:
    """Respell machine-written dates and times in `t` (lower-cased) as the grammar reads them."""
    t = re.sub(r"[ \t]+", " ", t)
    t = re.sub(r"(?<=\w) ,", ",", t)  # "July 4 , 1976": a comma set off by a space
    t = _COMPACT_ISO.sub(_iso_date_time, t)
    t = re.sub(r"\b(\d{4}-\d\d-\d\d)t([01]\d|2[0-3])\b(?![:\d])", r"\1 \2:00", t)  # "2003-09-25T10": an hour
    # "1996.July.10 AD 12:08 PM": the era after a date; after a lone year ("1999 AD") it marks the year and stays
    t = re.sub(r"(?<=\d)(?<!\d{4}) a\.?d\.?(?= (?:at )?\d{1,2}[:h]| ?$)", "", t)
    t = _YEAR_AFTER_TIME.sub(r"\1 \2 \5 \3\4", t)
    t = _SPACED_YMD.sub(r"\1-\2-\3", t)
    t = _SPACED_DMY.sub(r"\1/\2/\3", t)
    t = _MONTH_FIRST.sub(r"\1 \2 \3", t)
    t = _YEAR_DOT_MONTH.sub(r"\3 \2 \1", t)
    t = _YEAR_DAY_MONTH.sub(r"\2 \3 \1", t)
    t = _RUN_TOGETHER.sub(r"\1 \2 \3", t)
    t = _LETTERED_CLOCK.sub(r"\1:\2:\3", t)
    t = re.sub(r"\b(\d{1,2}) ?h ?([ap]m)\b", r"\1\2", t)  # "10h pm": the French hour with a meridiem
    return re.sub(r"(?<![\d/.:-])\b(\d{1,2}) h ([0-5]\d)\b(?![.:]\d)", r"\1h\2", t)  # "10 h 36": "10h36" with spaces


def _iso_date_time(m: re.Match[str]) -> str:
    date = f"{m[1]}-{m[2]}-{m[3]}"
    if m[4] is None:
        return date
    return f"{date} {m[4]}:{m[5] or '00'}" + (f":{m[6]}" if m[6] else "")
