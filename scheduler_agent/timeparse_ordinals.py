"""Counted parts of a period: "the 5th day of Q1 2002", "the last hour of March 2021", "the 7th hour of 2019".

The ordinal and its unit are one mention ("5th hour"), the period after "of" another (a quarter, a month, a
year, a date); once the scan has both, the part is picked out of the period's literal days. Kept apart from the
date handlers because it works on two finished mentions, as `anchor_shifts` does for counted days. Pure core.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

from .timeparse_lexicon import ORDINALS
from .timeparse_mentions import Mention, Scan, mention

_UNIT = {"day": timedelta(days=1), "hour": timedelta(hours=1), "minute": timedelta(minutes=1)}
_OF_GAP = re.compile(r"^\s*(?:of\s)?$")


def nth_part(m: re.Match[str], s: Scan) -> Mention | None:
    """ "5th hour", "last minute", "100th day", said before "of" and a period: the part waiting for its period
    (`pick_parts`); `minutes` holds the 0-based index, -1 for the last."""
    count = ORDINALS.get(m["ord"]) or int(m["ord"][:-2])
    return mention(m, "part", minutes=-1 if count == -1 else count - 1, zone=m["u"])


def pick_parts(text: str, mentions: list[Mention], zone: tzinfo | None) -> list[Mention]:
    """Each part joined to the period written right after it: a day of it, or the hour or minute of it as a
    moment; a part with no period after it, or one the period does not hold, names nothing."""
    out: list[Mention] = []
    skip = -1
    for i, item in enumerate(mentions):
        if i == skip:
            continue
        if item.kind != "part":
            out.append(item)
            continue
        period = mentions[i + 1] if i + 1 < len(mentions) else None
        if period is None or period.kind != "days" or not period.days:
            continue
        if not _OF_GAP.match(text[item.end : period.start]):
            continue
        skip = i + 1
        picked = _pick(item, period, zone)
        if picked is not None:
            out.append(picked)
    return out


def _pick(part: Mention, period: Mention, zone: tzinfo | None) -> Mention | None:
    step, index = _UNIT[part.zone], part.minutes
    if part.zone == "day":
        if not -1 <= index < len(period.days):
            return None
        return Mention(part.start, period.end, "days", days=(period.days[index],))
    first = datetime.combine(period.days[0], time(0), tzinfo=zone)
    after = datetime.combine(period.days[-1] + timedelta(days=1), time(0), tzinfo=zone)
    moment = after - step if index == -1 else first + index * step
    if not first <= moment < after:
        return None
    return Mention(part.start, period.end, "instant", instant=moment, until=moment + step)
