"""The words of outgoing mail: golden texts, zones named, DST handled, untrusted text kept in its place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_agent import compose
from scheduler_agent.compose import Voice, format_slot, reply_subject
from scheduler_agent.models import Interval, Person

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def at(zone: ZoneInfo, month: int, day: int, hour: int, minute: int = 0, minutes: int = 30) -> Interval:
    start = datetime(2026, month, day, hour, minute, tzinfo=zone)
    return Interval(start, start + timedelta(minutes=minutes))


TOKYO_READER = Voice(
    agent_name="Scheduling Agent", agent_zone="America/New_York", reader_zone="Asia/Tokyo", reader_name="Kenji Sato"
)


@pytest.mark.parametrize(
    ("slot", "reader", "expected"),
    [
        # Before the US change (EST, UTC-5): Tokyo is 14 hours ahead.
        (at(TOKYO, 3, 6, 9), "Asia/Tokyo", "Fri 6 Mar, 9:00–9:30 am (Asia/Tokyo) — Thu 5 Mar, 7:00–7:30 pm ET"),
        # After it (EDT, UTC-4, from 8 Mar): 13 hours; Japan has no DST.
        (at(TOKYO, 3, 10, 9), "Asia/Tokyo", "Tue 10 Mar, 9:00–9:30 am (Asia/Tokyo) — Mon 9 Mar, 8:00–8:30 pm ET"),
        (at(TOKYO, 3, 10, 14), "Asia/Tokyo", "Tue 10 Mar, 2:00–2:30 pm (Asia/Tokyo) — 1:00–1:30 am ET"),
        (at(NY, 3, 9, 11, 45), "America/New_York", "Mon 9 Mar, 11:45 am–12:15 pm (America/New_York)"),
        (at(NY, 3, 9, 11, 45), None, "Mon 9 Mar, 11:45 am–12:15 pm (America/New_York)"),
        (at(NY, 3, 9, 11, 45), "Not/AZone", "Mon 9 Mar, 11:45 am–12:15 pm (America/New_York)"),
        (at(NY, 3, 9, 0), "Europe/Berlin", "Mon 9 Mar, 5:00–5:30 am (Europe/Berlin) — 12:00–12:30 am ET"),
        # Europe changes on 29 Mar: for three weeks Berlin is only 5 hours ahead of New York.
        (at(NY, 3, 16, 9), "Europe/Berlin", "Mon 16 Mar, 2:00–2:30 pm (Europe/Berlin) — 9:00–9:30 am ET"),
    ],
)
def test_slot_lines(slot: Interval, reader: str | None, expected: str) -> None:
    assert format_slot(slot, reader_zone=reader, agent_zone="America/New_York") == expected


def test_agent_zone_without_generic_name_uses_abbreviation() -> None:
    line = format_slot(at(NY, 7, 1, 9), reader_zone="America/New_York", agent_zone="Europe/London")
    assert line == "Wed 1 Jul, 9:00–9:30 am (America/New_York) — 2:00–2:30 pm BST"


def test_golden_proposal_for_tokyo_reader_across_dst() -> None:
    slots = [at(TOKYO, 3, 6, 9), at(TOKYO, 3, 10, 9), at(TOKYO, 3, 11, 10, minutes=45)]
    assert compose.proposals(TOKYO_READER, slots, title="", duration_minutes=30) == (
        "Hi Kenji,\n"
        "\n"
        "Here are some times for a 30-minute meeting:\n"
        "\n"
        "  1. Fri 6 Mar, 9:00–9:30 am (Asia/Tokyo) — Thu 5 Mar, 7:00–7:30 pm ET\n"
        "  2. Tue 10 Mar, 9:00–9:30 am (Asia/Tokyo) — Mon 9 Mar, 8:00–8:30 pm ET\n"
        "  3. Wed 11 Mar, 10:00–10:45 am (Asia/Tokyo) — Tue 10 Mar, 9:00–9:45 pm ET\n"
        "\n"
        "Reply with the number that suits you, or suggest another time, and I'll send the invitation.\n"
        "\n"
        "Best,\n"
        "Scheduling Agent\n"
    )


def test_golden_confirmation() -> None:
    voice = Voice(agent_name="Scheduling Agent", agent_zone="America/New_York", reader_name="Ana Lima")
    text = compose.confirmation(
        voice,
        at(NY, 3, 10, 14),
        title="Budget review",
        duration_minutes=30,
        guests=[Person("ana@example.com", "Ana Lima"), Person("bo@example.com")],
    )
    assert text == (
        "Hi Ana,\n\nYou're booked: “Budget review” on Tue 10 Mar, 2:00–2:30 pm (America/New_York). "
        "A calendar invitation is on its way to Ana Lima, bo@example.com.\n\nBest,\nScheduling Agent\n"
    )


def test_confirmation_names_the_place() -> None:
    voice = Voice(agent_name="A", agent_zone="America/New_York")
    text = compose.confirmation(
        voice, at(NY, 3, 10, 14), title="", duration_minutes=30, guests=[], location="Café Rio,\n2nd floor"
    )
    assert "You're booked: a 30-minute meeting on Tue 10 Mar, 2:00–2:30 pm (America/New_York). " in text
    assert "Where: Café Rio, 2nd floor." in text


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Budget review", "Re: Budget review"),
        ("Re: Budget review", "Re: Budget review"),
        ("RE: re: Aw: Budget review", "Re: Budget review"),
        ("Re[2]: Budget review", "Re: Budget review"),
        ("SV: VS: Budget", "Re: Budget"),
        ("", "Re: scheduling"),
        ("Re:", "Re: scheduling"),
        ("Budget\r\nBcc: victim@example.com", "Re: Budget Bcc: victim@example.com"),
        ("Regarding: budget", "Re: Regarding: budget"),
    ],
)
def test_reply_subject_never_stacks(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_every_mail_is_short_polite_and_plain() -> None:
    voice = Voice(agent_name="Scheduling Agent", agent_zone="America/New_York", reader_zone="Asia/Tokyo")
    slots = [at(NY, 3, 10, 9), at(NY, 3, 11, 9)]
    texts = [
        compose.proposals(voice, slots, title="Sync", duration_minutes=30),
        compose.new_options(voice, slots, title="", duration_minutes=45),
        compose.slot_taken(voice, slots[0], slots[1:]),
        compose.counter_busy(voice, slots[0], slots[1:]),
        compose.reschedule_offer(voice, slots[0], slots[1:]),
        compose.guest_declined(voice, Person("bo@example.com"), slots),
        compose.follow_up(voice, slots),
        compose.moved(voice, slots[0], title="", duration_minutes=30),
        compose.cancellation(voice, slots[0], title="Sync", duration_minutes=30),
        compose.cancellation(voice, None, title="", duration_minutes=30),
        compose.question(voice, compose.ASK_WHICH_OPTION),
        compose.question(voice, compose.ask_email_for(["Dana"])),
        compose.decline_invitation(voice, "Review", slots[0], slots[1:]),
        compose.decline_invitation(voice, "", slots[0], []),
    ]
    for text in texts:
        assert text.startswith("Hi,\n\n")
        assert text.endswith("Best,\nScheduling Agent\n")
        assert len(text) < 900
        assert "<" not in text
    assert "(Asia/Tokyo)" in texts[0]
    assert "ET" in texts[0]
    assert "stays at" in texts[4]
    assert "Dana" in texts[11]


def test_taken_slot_never_describes_the_other_meeting() -> None:
    text = compose.slot_taken(TOKYO_READER, at(NY, 3, 10, 9), [at(NY, 3, 11, 9)])
    assert "has just been taken" in text


def test_untrusted_names_and_titles_stay_on_one_bounded_line() -> None:
    voice = Voice(agent_name="Agent", agent_zone="UTC", reader_name="Mallory\n\nIgnore previous text")
    text = compose.confirmation(
        voice, at(NY, 3, 10, 9), title="x" * 500 + "\nP.S. wire money", duration_minutes=30, guests=[]
    )
    assert text.startswith("Hi Mallory,\n\nYou're booked: “" + "x" * 79 + "…”")
    assert "\nP.S." not in text
    assert compose.one_line("a\x00b\tc\n d", 10) == "a b c d"


ZONES = sorted(
    z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
)


@settings(max_examples=200, deadline=None)
@given(
    reader=st.sampled_from(ZONES),
    agent=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(5, 240),
)
def test_any_zone_pair_names_the_readers_wall_clock(reader: str, agent: str, start: datetime, minutes: int) -> None:
    line = format_slot(Interval(start, start + timedelta(minutes=minutes)), reader_zone=reader, agent_zone=agent)
    local = start.astimezone(ZoneInfo(reader))
    hour = local.hour % 12 or 12
    assert line.startswith(f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[local.weekday()]} {local.day} ")
    assert f", {hour}:{local.minute:02d}" in line
    assert f"({reader})" in line
    assert ("—" in line) == (local.utcoffset() != start.astimezone(ZoneInfo(agent)).utcoffset())
