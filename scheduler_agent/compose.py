"""The words of every mail the agent writes: short, polite, plain text, pure.

Times are written in the reader's zone with the zone named, and in the agent's zone as well when the
two clocks differ at that instant, because the most common scheduling mistake is a silent zone shift.
Nothing here ever sees another meeting: callers pass only the slots being offered or booked, so a mail
can say "taken" or "busy" but never what the other meeting is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .models import Interval, Person

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Generic names people use for North American zones; the DST-specific abbreviations (EST/EDT) are
# wrong half the year when a reader copies them into a calendar.
_SHORT_ZONE = {
    "America/New_York": "ET",
    "America/Toronto": "ET",
    "America/Detroit": "ET",
    "America/Chicago": "CT",
    "America/Denver": "MT",
    "America/Los_Angeles": "PT",
    "America/Vancouver": "PT",
}
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Voice:
    """Who writes and who reads: enough to greet, sign and put times in the right zones."""

    agent_name: str
    agent_zone: str
    reader_zone: str | None = None
    reader_name: str = ""


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """An IANA zone, or None for a missing or unknown name (mail may carry anything)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def reply_subject(subject: str) -> str:
    """ "Re: <subject>" exactly once, however many reply prefixes (in whatever language) came in."""
    core = _REPLY_PREFIX.sub("", one_line(subject, 200)).strip()
    return f"Re: {core}" if core else "Re: scheduling"


def one_line(text: str, limit: int) -> str:
    """Untrusted text (titles, names) flattened to one bounded line so it cannot reshape the mail."""
    flat = " ".join(_UNSAFE_TEXT.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _clock(moment: datetime) -> tuple[str, str]:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}", "am" if moment.hour < 12 else "pm"


def _day(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"


def _span(start: datetime, end: datetime) -> str:
    (s, s_half), (e, e_half) = _clock(start), _clock(end)
    return f"{s}–{e} {e_half}" if s_half == e_half else f"{s} {s_half}–{e} {e_half}"


def short_zone_name(zone: ZoneInfo, at: datetime) -> str:
    """How the agent's own zone is named after the dash: "ET", else the abbreviation, else the IANA key."""
    if zone.key in _SHORT_ZONE:
        return _SHORT_ZONE[zone.key]
    abbreviation = at.astimezone(zone).tzname() or ""
    return abbreviation if abbreviation.isalpha() else zone.key


def format_slot(slot: Interval, *, reader_zone: str | None, agent_zone: str) -> str:
    """ "Tue 3 Dec, 2:00–2:30 pm (Asia/Tokyo) — 12:00–12:30 am ET"; one zone when the clocks agree."""
    agent = zone_or_none(agent_zone) or ZoneInfo("UTC")
    reader = zone_or_none(reader_zone) or agent
    start, end = slot.start.astimezone(reader), slot.end.astimezone(reader)
    text = f"{_day(start)}, {_span(start, end)} ({reader.key})"
    if start.utcoffset() == slot.start.astimezone(agent).utcoffset():
        return text
    a_start, a_end = slot.start.astimezone(agent), slot.end.astimezone(agent)
    day = "" if a_start.date() == start.date() else f"{_day(a_start)}, "
    return f"{text} — {day}{_span(a_start, a_end)} {short_zone_name(agent, slot.start)}"


def _greeting(voice: Voice) -> str:
    first = one_line(voice.reader_name, 60).split(" ")[0].strip("\"'<>,") if voice.reader_name else ""
    return f"Hi {first}," if first and "@" not in first else "Hi,"


def _letter(voice: Voice, *paragraphs: str) -> str:
    return "\n\n".join((_greeting(voice), *paragraphs, f"Best,\n{one_line(voice.agent_name, 80)}")) + "\n"


def _numbered(voice: Voice, slots: Sequence[Interval]) -> str:
    return "\n".join(
        f"  {i}. {format_slot(s, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)}"
        for i, s in enumerate(slots, 1)
    )


def _what(title: str, duration_minutes: int) -> str:
    return f"“{one_line(title, 80)}”" if title.strip() else f"a {duration_minutes}-minute meeting"


_PICK_ONE = "Reply with the number that suits you, or suggest another time, and I'll send the invitation."


def proposals(voice: Voice, slots: Sequence[Interval], *, title: str, duration_minutes: int) -> str:
    """The first offer of options for a new request."""
    return _letter(
        voice, f"Here are some times for {_what(title, duration_minutes)}:\n\n{_numbered(voice, slots)}", _PICK_ONE
    )


def new_options(voice: Voice, slots: Sequence[Interval], *, title: str, duration_minutes: int) -> str:
    """A further round after a counter or "none of these work"."""
    return _letter(
        voice,
        f"No problem. Here are some other times for {_what(title, duration_minutes)}:\n\n{_numbered(voice, slots)}",
        _PICK_ONE,
    )


def nearest_options(voice: Voice, slots: Sequence[Interval], *, title: str, duration_minutes: int) -> str:
    """Nothing was free inside the times asked for: say so plainly and offer the closest free ones."""
    return _letter(
        voice,
        "I'm not free at any of the times you mentioned. The nearest times that work for "
        f"{_what(title, duration_minutes)} are:\n\n{_numbered(voice, slots)}",
        _PICK_ONE,
    )


def slot_taken(voice: Voice, taken: Interval, slots: Sequence[Interval]) -> str:
    """The picked time was booked by someone else between our offer and the reply."""
    when = format_slot(taken, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    return _letter(
        voice,
        f"Sorry, {when} has just been taken. Here are other times that are free:\n\n{_numbered(voice, slots)}",
        _PICK_ONE,
    )


def slot_passed(voice: Voice, passed: Interval, slots: Sequence[Interval]) -> str:
    """The picked time is already in the past (a late answer)."""
    when = format_slot(passed, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    return _letter(
        voice, f"{when} has already passed. Here are some new times:\n\n{_numbered(voice, slots)}", _PICK_ONE
    )


def counter_busy(voice: Voice, proposed: Interval, slots: Sequence[Interval]) -> str:
    """Someone proposed a new time (iMIP COUNTER) that is busy or outside bookable hours."""
    when = format_slot(proposed, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    return _letter(voice, f"Unfortunately {when} is not free. These times are:\n\n{_numbered(voice, slots)}", _PICK_ONE)


def reschedule_offer(voice: Voice, current: Interval | None, slots: Sequence[Interval]) -> str:
    """New times for a meeting that is already booked; the old time stands until one is picked."""
    keep = (
        f" Until you pick one, the meeting stays at "
        f"{format_slot(current, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)}."
        if current
        else ""
    )
    return _letter(voice, f"Sure, here are some new times:\n\n{_numbered(voice, slots)}", _PICK_ONE + keep)


def guest_declined(voice: Voice, guest: Person, slots: Sequence[Interval]) -> str:
    """The only guest declined the invitation: offer new times instead of keeping a meeting of one."""
    who = one_line(guest.name, 60) or guest.email
    return _letter(
        voice, f"{who} declined the invitation. Here are some new times:\n\n{_numbered(voice, slots)}", _PICK_ONE
    )


def follow_up(voice: Voice, slots: Sequence[Interval]) -> str:
    """A gentle nudge after silence, repeating the options still held."""
    return _letter(
        voice,
        f"Just checking in: these times are still open for you:\n\n{_numbered(voice, slots)}",
        "Reply with a number, or let me know if another time is better.",
    )


def confirmation(
    voice: Voice,
    slot: Interval,
    *,
    title: str,
    duration_minutes: int,
    guests: Sequence[Person],
    location: str | None = None,
) -> str:
    """The meeting is booked; the invitation itself travels as iMIP."""
    when = format_slot(slot, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    where = f" Where: {one_line(location, 200)}." if location and location.strip() else ""
    names = ", ".join(one_line(p.name, 60) or p.email for p in guests)
    sent = f" A calendar invitation is on its way to {names}." if names else ""
    return _letter(voice, f"You're booked: {_what(title, duration_minutes)} on {when}.{where}{sent}")


def moved(voice: Voice, slot: Interval, *, title: str, duration_minutes: int) -> str:
    """A booked meeting now has a new time; an updated invitation follows."""
    when = format_slot(slot, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    return _letter(
        voice, f"Done: {_what(title, duration_minutes)} is now on {when}. An updated invitation is on its way."
    )


def cancellation(voice: Voice, slot: Interval | None, *, title: str, duration_minutes: int) -> str:
    """Confirms a cancellation; with no booked slot it only releases the offered times."""
    if slot is None:
        return _letter(
            voice, "No problem, I've released the times I was holding. Write any time if you'd like to meet."
        )
    when = format_slot(slot, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    return _letter(
        voice, f"Done: {_what(title, duration_minutes)} on {when} is cancelled. Attendees will get a cancellation."
    )


def question(voice: Voice, text: str) -> str:
    """One clear question when something essential is missing."""
    return _letter(voice, text)


ASK_WHICH_OPTION = "Which of the times I offered works best for you? Just reply with its number."
ASK_AFTER_OPTIONS_PASSED = (
    "The times I offered have passed. If you'd still like to meet, reply with a day or range that suits you."
)
ASK_NEW_WINDOW = "I couldn't find a free time that fits. Could you suggest another day or a wider range of times?"


def ask_email_for(names: Sequence[str]) -> str:
    """The question asked when someone named a person we have no address for."""
    listed = ", ".join(one_line(n, 60) for n in names)
    return f"What is the email address for {listed}, so I can include them in the invitation?"


def decline_invitation(voice: Voice, title: str, slot: Interval, alternatives: Sequence[Interval]) -> str:
    """A short note sent with a "no" RSVP: the time is busy, here is when it is not."""
    when = format_slot(slot, reader_zone=voice.reader_zone, agent_zone=voice.agent_zone)
    what = f"“{one_line(title, 80)}”" if title.strip() else "your invitation"
    head = f"Thanks for {what}. I'm busy at {when}, so I've declined."
    if not alternatives:
        return _letter(voice, head)
    return _letter(
        voice,
        f"{head} I'm free at:\n\n{_numbered(voice, alternatives)}",
        "Send an updated invitation if one of these works.",
    )
