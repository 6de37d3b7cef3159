"""The offline, deterministic understanding of meeting requests: English mail text in, MeetingRequest out.

No key, no network, no clock: everything is resolved against `ctx.now` in the writer's time zone.
`timeparse_mail` cleans the mail, `timeparse_grammar` (with its handler modules) finds the mentions,
`timeparse_clauses` groups them ("Tue or Wed afternoon"); this module settles the zone, turns clauses
into concrete windows, matches picks against the proposals already sent and reads the intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .models import Intent, Interval, MeetingRequest, RequestContext
from .timeparse_clauses import Clause, anchor_weekdays, build_clauses, within
from .timeparse_grammar import iter_unclaimed_numbers, scan
from .timeparse_lexicon import (
    ACCEPT_RE,
    ANY_PICK_RE,
    CANCEL_RE,
    COMPARATIVE_PICK_RE,
    CONDITIONAL_RE,
    COUNTER_RE,
    DECLINE_RE,
    INSTEAD_OF_RE,
    LATER_RESCHEDULE_RE,
    ORDINAL_INDEX,
    ORDINAL_PICK_RE,
    RESCHEDULE_RE,
    SCHEDULE_RE,
    URGENT_RE,
)
from .timeparse_mail import clean_body, find_attendees, medium_and_location
from .timeparse_mentions import Mention
from .timeparse_normalize import normalize

MAX_WINDOWS = 120
MAX_DURATION_MINUTES = 8 * 60

_ECHO_GAP = re.compile(r"^\s*(?:/|\(|=|or|aka|i\.e\.,?)\s*$")
_SENTENCE_END = re.compile(r"[.?!;\n]\s|[.?!;\n]$|\botherwise\b")
_EARLY_WORDS = frozenset({"earlier", "earliest", "first", "sooner", "soonest"})


class RulesExtractor:
    """The offline extractor behind the same protocol as the LLM one (see understand.Extractor)."""

    name = "rules"

    def extract(self, text: str, ctx: RequestContext) -> MeetingRequest:
        return parse_request(text, ctx)


def writer_zone(ctx: RequestContext) -> tzinfo:
    """The zone the writer means when they state none: their known zone, else their Date header offset."""
    if ctx.sender_timezone:
        try:
            return ZoneInfo(ctx.sender_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if ctx.date_offset_minutes is not None and abs(ctx.date_offset_minutes) <= 14 * 60:
        return timezone(timedelta(minutes=ctx.date_offset_minutes))
    return ZoneInfo(ctx.home_timezone)


def zone_name(zone: tzinfo) -> str:
    """IANA key when there is one, else "UTC+05:30"."""
    key = getattr(zone, "key", None)
    if key:
        return str(key)
    offset = zone.utcoffset(None) or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _drop_zone_echoes(text: str, mentions: list[Mention], ctx: RequestContext, day: date) -> list[Mention]:
    """ "10am EST / 3pm GMT": the second time restates the first in another zone; keep the first only.

    Only when both name the same moment: "11:30am CST or 5pm CT" offers two times, not one written twice.
    """
    drop: set[int] = set()
    for i in range(len(mentions) - 3):
        time_a, zone_a, time_b, zone_b = mentions[i : i + 4]
        if (
            (time_a.kind, zone_a.kind, time_b.kind, zone_b.kind) == ("tod", "zone", "tod", "zone")
            and time_a.point
            and time_b.point
            and not text[time_a.end : zone_a.start].strip()
            and _ECHO_GAP.match(text[zone_a.end : time_b.start])
            and not text[time_b.end : zone_b.start].strip()
            and _same_moment(day, time_a, _mention_zone(zone_a, ctx, []), time_b, _mention_zone(zone_b, ctx, []))
        ):
            drop |= {i + 2, i + 3}
    return [m for i, m in enumerate(mentions) if i not in drop]


def _same_moment(day: date, a: Mention, zone_a: tzinfo | None, b: Mention, zone_b: tzinfo | None) -> bool:
    if zone_a is None or zone_b is None or a.tod_start is None or b.tod_start is None:
        return True  # a zone we cannot place: keep the old reading, an echo
    return datetime.combine(day, a.tod_start, tzinfo=zone_a) == datetime.combine(day, b.tod_start, tzinfo=zone_b)


def _following_the_proposals(text: str, mentions: list[Mention], ctx: RequestContext, zone: tzinfo) -> list[Mention]:
    """In a reply to proposals, "the following week" is the week after the one proposed, not next week."""
    last = max(p.start for p in ctx.proposals).astimezone(zone).date()
    monday = last - timedelta(days=last.weekday()) + timedelta(days=7)
    week = tuple(monday + timedelta(days=i) for i in range(5))
    return [
        Mention(m.start, m.end, "days", days=week, level="week")
        if m.kind == "days" and text[m.start : m.end] in ("the following week", "following week")
        else m
        for m in mentions
    ]


def _stated_zone(mentions: list[Mention], ctx: RequestContext, notes: list[str]) -> tzinfo | None:
    for m in mentions:
        if m.kind == "zone" and (zone := _mention_zone(m, ctx, notes)) is not None:
            return zone
    return None


def _mention_zone(m: Mention, ctx: RequestContext, notes: list[str]) -> tzinfo | None:
    """The zone a zone mention names; None (with a note) for a name no zone database knows."""
    if m.zone == "@writer":
        return writer_zone(ctx)
    if m.zone == "@agent":
        return ZoneInfo(ctx.home_timezone)
    if m.zone.startswith("offset:"):
        return timezone(timedelta(minutes=int(m.zone.split(":", 1)[1])))
    name = m.zone.removeprefix("iana:")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        notes.append(f"unknown time zone {name!r}")
    return None


def _tod_intervals(day: date, tod: Mention, zone: tzinfo, minutes: int) -> Interval | None:
    start_t = tod.tod_start or time(0)
    start = datetime.combine(day, start_t, tzinfo=zone)
    if tod.point:
        end = start + timedelta(minutes=minutes)
    elif tod.tod_end is None:
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    else:  # a range ending before it starts ("10pm to 2am") ends the next morning
        end = datetime.combine(day + timedelta(days=tod.tod_end < start_t), tod.tod_end, tzinfo=zone)
    if end <= start:
        return None
    return Interval(start, end)


def _whole_day(day: date, zone: tzinfo) -> Interval:
    return Interval(
        datetime.combine(day, time(0), tzinfo=zone), datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    )


def _default_day(tods: list[Mention], now: datetime, zone: tzinfo, minutes: int) -> date:
    """A time with no day means its next occurrence: today if it is still ahead, else tomorrow."""
    today = now.date()
    for tod in tods:
        window = _tod_intervals(today, tod, zone, minutes)
        if window and (window.start > now if tod.point else window.end > now):
            return today
    return today + timedelta(days=1)


def _clause_intervals(clause: Clause, days: list[date], zone: tzinfo, minutes: int) -> list[Interval]:
    out: list[Interval] = [
        Interval(m.instant, m.until or m.instant + timedelta(minutes=minutes))
        for m in clause.instants
        if m.instant is not None
    ]
    for day in days:
        if not clause.tods:
            out.append(_whole_day(day, zone))
            continue
        for tod in clause.tods:
            window = _tod_intervals(day, tod, zone, minutes)
            if window:
                out.append(window)
    return out


def _positive_windows(
    text: str,
    positive: list[Clause],
    negative: list[Clause],
    moved_from: list[date],
    now: datetime,
    zone: tzinfo,
    minutes: int,
) -> list[Interval]:
    """Clauses to windows; a clause with times but no day borrows days from the clauses around it.

    "Can we meet Tuesday? I'm free after 3" puts the 3pm on Tuesday; "move tomorrow's meeting to the
    afternoon" puts the afternoon on the meeting's day (`moved_from`); and an exact time replaces the
    vaguer window it refines on the same days ("lunch on the 3rd. Noon at Café Rouge?").
    """
    day_only = [c for c in positive if c.day_mentions and not c.tods and not c.instants]
    tod_only = [c for c in positive if c.tods and not c.day_mentions]
    shared_days = [d for c in day_only for d in c.days] if tod_only else []
    if tod_only and not shared_days:
        shared_days = [d for c in negative if c.tods for d in c.days]
    plan: list[tuple[Clause, list[date]]] = []
    for clause in positive:
        if clause in day_only and shared_days:
            continue
        days = clause.days
        if not days and clause.tods and not shared_days:
            donor = next((c for c in reversed(positive) if c.start < clause.start and c.day_mentions), None)
            if donor is None and not moved_from:
                # "depart 11:05, arrive 13:20 on Saturday": both times are on the day the sentence names later.
                donor = next((c for c in positive if c.start > clause.end and c.day_mentions and c.tods), None)
                if donor is not None and _SENTENCE_END.search(text, clause.end, donor.start):
                    donor = None
            days = donor.days if donor is not None else moved_from
        if not days and clause.tods:
            days = shared_days or [_default_day(clause.tods, now, zone, minutes)]
        plan.append((clause, days))
    refined = {
        id(vague)
        for exact, exact_days in plan
        for vague, vague_days in plan
        if vague is not exact
        and set(vague_days) == set(exact_days)
        and vague.tods
        and all(any(within(p, r) for p in exact.tods if p.point) for r in vague.tods)
    }
    # "October 14 8:00, October 14": a day said again beside its own exact time restates it, offers no more
    timed_days = {d for clause, days in plan if clause.tods or clause.instants for d in days}
    refined |= {
        id(clause)
        for clause, days in plan
        if not clause.tods and not clause.instants and days and set(days) <= timed_days
    }
    windows: list[Interval] = []
    for clause, days in plan:
        if id(clause) not in refined:
            windows.extend(_clause_intervals(clause, days, zone, minutes))
    return windows


def _subtract(windows: list[Interval], avoid: list[Interval]) -> list[Interval]:
    result = windows
    for hole in avoid:
        next_result: list[Interval] = []
        for w in result:
            if not w.overlaps(hole):
                next_result.append(w)
                continue
            if w.start < hole.start:
                next_result.append(Interval(w.start, hole.start))
            if hole.end < w.end:
                next_result.append(Interval(hole.end, w.end))
        result = next_result
    return result


def _matches(clause: Clause, proposal: Interval, zone: tzinfo) -> bool:
    local = proposal.start.astimezone(zone)
    if not clause.day_mentions and not clause.tods:
        return False
    if clause.day_mentions and local.date() not in clause.days and local.weekday() not in clause.weekdays:
        return False
    for tod in clause.tods:
        start = tod.tod_start or time(0)
        if tod.point and local.time().replace(second=0, microsecond=0) == start:
            return True
        if not tod.point and start <= local.time() and (tod.tod_end is None or local.time() < tod.tod_end):
            return True
    return not clause.tods


def _pick(
    text: str, clauses: list[Clause], ctx: RequestContext, zone: tzinfo, notes: list[str]
) -> tuple[datetime | None, set[int]]:
    """The proposal the writer chose, and the clauses that only served to name it."""
    proposals = ctx.proposals
    ordinal = ORDINAL_PICK_RE.search(text)
    if ordinal:
        index = ORDINAL_INDEX[ordinal["o"]] if ordinal["o"] else int(ordinal["n"] or ordinal["bare"]) - 1
        if -len(proposals) <= index < len(proposals):
            return proposals[index].start, set()
        notes.append(f"picked option {ordinal.group(0)!r} but only {len(proposals)} were offered")
        return None, set()
    used: set[int] = set()
    candidates: list[Interval] = []
    hit_sets: list[set[Interval]] = []
    for number, clause in enumerate(clauses):
        if clause.negated:
            continue
        hits = [p for p in proposals if _matches(clause, p, zone)]
        if hits:
            used.add(number)
            hit_sets.append(set(hits))
            candidates.extend(p for p in hits if p not in candidates)
    if len(candidates) > 1 and len(hit_sets) > 1:
        # "8pm works (the Wednesday one)": each clause narrows the other.
        common = set.intersection(*hit_sets)
        candidates = [p for p in candidates if p in common] or candidates
    relative = COMPARATIVE_PICK_RE.search(text)
    if relative and (candidates or proposals):
        pool = sorted(candidates or proposals)
        early = (relative.group(1) or relative.group(2)) in _EARLY_WORDS
        return (pool[0] if early else pool[-1]).start, used
    if len(candidates) == 1:
        unmatched = [c for n, c in enumerate(clauses) if not c.negated and n not in used]
        if CONDITIONAL_RE.search(text) or (unmatched and re.search(r"\binstead\b", text)):
            return None, set()  # "Tuesday could work, but only if we start at 2:30": a counter, not a pick
        return candidates[0].start, used
    if len(candidates) > 1:
        notes.append("the reply matches several proposed times")
        return None, set()
    if ANY_PICK_RE.search(text):
        # "Monday doesn't work, any of the others are fine": the first option not ruled out.
        ruled_out = {p for c in clauses if c.negated for p in proposals if _matches(c, p, zone)}
        remaining = [p for p in proposals if p not in ruled_out]
        return (remaining or list(proposals))[0].start, set()
    if not clauses and len(proposals) == 1 and ACCEPT_RE.search(text) and not COUNTER_RE.search(text):
        return proposals[0].start, set()
    return None, set()


def _duration(mentions: list[Mention], ctx: RequestContext, notes: list[str]) -> int | None:
    for m in mentions:
        if m.kind != "duration":
            continue
        if m.minutes < 0:
            return max(15, min(30, ctx.default_duration_minutes))
        if m.minutes > MAX_DURATION_MINUTES:
            notes.append(f"a {m.minutes}-minute meeting is longer than allowed")
            return None
        return m.minutes
    return None


def _intent(
    text: str, ctx: RequestContext, chosen: datetime | None, has_windows: bool, has_avoid: bool, duration: int | None
) -> tuple[Intent, bool]:
    """The intent and whether the wording said it outright (which raises confidence)."""
    cancel, reschedule = CANCEL_RE.search(text), RESCHEDULE_RE.search(text)
    decline, counter = DECLINE_RE.search(text), COUNTER_RE.search(text)
    if cancel and LATER_RESCHEDULE_RE.search(text):
        return Intent.CANCEL, True  # "cancel today's call, I'll reschedule next week": cancelled for now
    if reschedule or (not ctx.proposals and INSTEAD_OF_RE.search(text)):
        return Intent.RESCHEDULE, True
    if cancel:
        return Intent.CANCEL, True
    if ctx.proposals:
        if chosen is not None:
            return Intent.ACCEPT, True
        if decline and not (has_windows or counter):
            return Intent.DECLINE, True
        if counter or has_windows or has_avoid:
            return Intent.COUNTER, bool(counter)
        if decline:
            return Intent.DECLINE, True
        return Intent.OTHER, False
    if decline:
        return Intent.DECLINE, True
    if has_windows or duration or SCHEDULE_RE.search(text):
        return Intent.SCHEDULE, bool(SCHEDULE_RE.search(text))
    return Intent.OTHER, False


@dataclass(slots=True)
class _Reading:
    """What a message says about time, resolved against now but not yet held to scheduling policy."""

    body: str
    norm: str
    mentions: list[Mention]
    zone: tzinfo
    now: datetime
    duration: int | None
    chosen: datetime | None
    windows: list[Interval]
    avoid: list[Interval]


def _scheduled(mentions: list[Mention]) -> list[Mention]:
    """The scheduling policy over the literal reading: a week or a month offers its working days from today on,
    "in a week" that week's working days; a phrase left with no such day ("this week" on a Saturday) drops out."""
    return [
        m if m.scheduled is None else replace(m, days=m.scheduled, scheduled=None)
        for m in mentions
        if m.scheduled is None or m.scheduled
    ]


def _read(text: str, ctx: RequestContext, notes: list[str], *, literal: bool = False) -> _Reading:
    """The times a text names; `literal` keeps the plain reading, otherwise scheduling policy shapes the days."""
    body = clean_body(text or "")
    norm = normalize(body)
    mentions, zone, now = _read_in_zone(norm, ctx, notes)
    if not literal:
        mentions = _scheduled(mentions)
    duration = _duration(mentions, ctx, notes)
    slot_minutes = duration or ctx.default_duration_minutes

    if ctx.proposals:
        mentions = _following_the_proposals(norm, mentions, ctx, zone)
    clauses = build_clauses(norm, mentions, now.date(), zone, opens=now if literal else None)
    if duration:  # "book 90 minutes on the 2nd, starting 1:30pm": a start time, not "free from 1:30 on"
        for clause in clauses:
            clause.tods = [replace(t, point=True, tod_end=t.tod_start) if t.starts else t for t in clause.tods]
    anchor_weekdays(norm, clauses)
    chosen, pick_clauses = _pick(norm, clauses, ctx, zone, notes) if ctx.proposals else (None, set())

    positive = [c for i, c in enumerate(clauses) if not c.negated and i not in pick_clauses]
    negative = [c for c in clauses if c.negated]
    moved_from = [d for m in mentions if m.kind == "ref" for d in m.days]
    windows = _positive_windows(norm, positive, negative, moved_from, now, zone, slot_minutes)
    avoid = _avoid_windows(negative, windows, now, zone, ctx.horizon_days, slot_minutes)
    windows = _subtract(windows, avoid)
    return _Reading(body, norm, mentions, zone, now, duration, chosen, windows, avoid)


def resolve_times(text: str, ctx: RequestContext) -> tuple[Interval, ...]:
    """The times a text names, resolved against `ctx.now` but before scheduling policy.

    `parse_request` drops what is past or beyond the horizon, clips today's windows to now and offers a week or
    a month on its working days; this is the literal reading itself ("yesterday", "last week" and "this week"
    as Monday to Sunday, "next month" as the whole month, "in a week" as one date, "at 9" said at noon), which
    is what an exact-resolution comparison with other time parsers measures.
    """
    return tuple(sorted(set(_read(text, ctx, [], literal=True).windows)))


def parse_request(text: str, ctx: RequestContext) -> MeetingRequest:
    """Understand one message. Pure: the same text and context always give the same request."""
    notes: list[str] = []
    reading = _read(text, ctx, notes)
    body, norm, mentions, zone, now = reading.body, reading.norm, reading.mentions, reading.zone, reading.now
    duration, chosen = reading.duration, reading.chosen
    windows = _bound(reading.windows, now, ctx, notes)
    avoid = [a for a in reading.avoid if a.end > now]

    notes.extend(m.note for m in mentions if m.note)
    claimed = [(m.start, m.end) for m in mentions] + [o.span() for o in ORDINAL_PICK_RE.finditer(norm)]
    notes.extend(f"did not understand {n!r}" for n in iter_unclaimed_numbers(norm, claimed))
    attendees = find_attendees(body, ctx, notes)
    medium, location = medium_and_location(body, norm)
    intent, explicit = _intent(norm, ctx, chosen, bool(windows), bool(avoid), duration)
    if intent is Intent.OTHER and ctx.proposals and ACCEPT_RE.search(norm) and chosen is None:
        notes.append("agreed, but which proposed time is unclear")
    subject = re.sub(r"^(?:\s*(?:re|fwd?|aw|sv)\s*:\s*)+", "", ctx.subject, flags=re.IGNORECASE).strip()
    return MeetingRequest(
        intent=intent,
        duration_minutes=duration,
        windows=tuple(sorted(set(windows))[:MAX_WINDOWS]),
        avoid=tuple(sorted(set(avoid))[:MAX_WINDOWS]),
        timezone=zone_name(zone),
        attendees=attendees,
        title=subject or None,
        location=location,
        medium=medium,
        chosen=chosen,
        urgent=bool(URGENT_RE.search(norm)),
        confidence=_confidence(intent, explicit, bool(windows or chosen), len(notes)),
        not_understood=tuple(dict.fromkeys(notes)),
        extractor="rules",
    )


def _read_in_zone(norm: str, ctx: RequestContext, notes: list[str]) -> tuple[list[Mention], tzinfo, datetime]:
    """Mentions resolved in the zone the writer means: a stated one ("2pm ET") wins over their own."""
    zone = writer_zone(ctx)
    now = ctx.now.astimezone(zone)
    mentions = _drop_zone_echoes(norm, scan(norm, today=now.date(), now=now), ctx, now.date())
    stated = _stated_zone(mentions, ctx, notes)
    if stated is not None and stated is not zone:
        zone = stated
        if ctx.now.astimezone(zone).date() != now.date():  # "today" is another date over there: read again
            there = ctx.now.astimezone(zone)
            mentions = _drop_zone_echoes(norm, scan(norm, today=there.date(), now=there), ctx, there.date())
        now = ctx.now.astimezone(zone)
    return mentions, zone, now


def _avoid_windows(
    negative: list[Clause], windows: list[Interval], now: datetime, zone: tzinfo, horizon_days: int, minutes: int
) -> list[Interval]:
    """What the writer ruled out; "no mornings" with no day applies to the days offered, else to every day."""
    offered = sorted({w.start.astimezone(zone).date() for w in windows})
    avoid: list[Interval] = []
    for clause in negative:
        if clause.instants and not clause.days and not clause.tods:  # "I'll be out next hour": that stretch only
            avoid.extend(_clause_intervals(clause, [], zone, minutes))
            continue
        days = clause.days or offered or [now.date() + timedelta(days=i) for i in range(horizon_days)]
        avoid.extend(_clause_intervals(clause, days, zone, minutes))
    return avoid


def _confidence(intent: Intent, explicit: bool, found: bool, notes: int) -> float:
    """A rough 0..1: worded intent and concrete times raise it, every note lowers it; "other" stays low."""
    score = 0.35 + (0.25 if explicit else 0.0) + (0.3 if found else 0.0) - 0.15 * notes
    if intent is Intent.OTHER:
        score = min(score, 0.3)
    return max(0.05, min(1.0, score))


def _bound(windows: list[Interval], now: datetime, ctx: RequestContext, notes: list[str]) -> list[Interval]:
    """Keep windows between now and the horizon; say so when the writer asked for a time outside them."""
    horizon = now + timedelta(days=ctx.horizon_days)
    kept: list[Interval] = []
    for window in windows:
        if now < window.end and window.start < horizon:
            kept.append(Interval(max(window.start, now), min(window.end, horizon)))
    past = [w for w in windows if w.end <= now]
    beyond = [w for w in windows if w.start >= horizon]
    # One note for "in 2019", not one per day; and a past day beside a time on offer ("thanks for last
    # Friday! lunch Monday?") is only context, so the past is noted when nothing else is left.
    if past and not kept:
        notes.append(f"{min(past).start.date().isoformat()} is in the past")
    if beyond:
        notes.append(f"{min(beyond).start.date().isoformat()} is beyond the {ctx.horizon_days}-day horizon")
    return kept
