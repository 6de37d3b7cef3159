"""A requester in Tokyo, the agent in New York, across the US switch to daylight time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scenario_harness import body_text

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_tokyo_requester_across_the_dst_change(scenario) -> None:
    # Friday 6 March 2026: New York is on EST (UTC-5); on Sunday 8 March it moves to EDT (UTC-4). Tokyo has no DST.
    s = scenario(datetime(2026, 3, 6, 9, 0, tzinfo=NY))
    s.mail(
        "Kenji <kenji@tokyo.example>",
        "Intro call",
        "Could we do a 30 minute call next Tuesday or Wednesday after 9pm my time?",
        offset="+0900",
    )
    s.tick()
    [proposal] = s.outgoing(1)
    conv = s.conversation()
    assert conv.proposals
    for slot in conv.proposals:
        tokyo, new_york = slot.start.astimezone(TOKYO), slot.start.astimezone(NY)
        assert tokyo.date().isoformat() in {"2026-03-10", "2026-03-11"}
        assert tokyo.hour >= 21  # after 9pm in Tokyo
        assert 9 <= new_york.hour < 17  # inside the agent's working hours, on daylight time
        assert new_york.utcoffset().total_seconds() == -4 * 3600
    text = body_text(proposal)
    first = conv.proposals[0]
    # Written in the reader's zone first, with the agent's zone alongside since they differ.
    tokyo_time = first.start.astimezone(TOKYO).strftime("%-I:%M")
    ny_time = first.start.astimezone(NY).strftime("%-I:%M")
    assert tokyo_time in text
    assert ny_time in text
    assert "ET" in text or "New_York" in text
    # 10 pm in Tokyo is 9 am in New York only on daylight time: the engine used the zone of the meeting day.
    assert first.start.astimezone(TOKYO).hour == 22


def test_nothing_free_in_the_asked_window_offers_the_nearest_times(scenario) -> None:
    # 5-9 pm in Tokyo is 4-8 am in New York: outside the agent's hours every day.
    s = scenario(datetime(2026, 3, 6, 9, 0, tzinfo=NY))
    s.mail(
        "Kenji <kenji@tokyo.example>",
        "Intro call",
        "Could we do a 30 minute call next Tuesday or Wednesday evening, my time?",
        offset="+0900",
    )
    s.tick()
    [reply] = s.outgoing(1)
    text = body_text(reply)
    assert "not free at any of the times you mentioned" in text
    conv = s.conversation()
    assert conv.state.value == "proposed"
    assert len(conv.proposals) == 3
    for slot in conv.proposals:
        assert 9 <= slot.start.astimezone(NY).hour < 17
