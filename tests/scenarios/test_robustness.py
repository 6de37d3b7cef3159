"""Mail that must not cause a send, mail that arrives twice, broken mail, and crashes mid-pass."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from scenario_harness import AGENT

from scheduler_agent.errors import ApiUnavailable

NY = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=NY)
REQUEST = "Could we do a 30 min call later this week?"
BROKEN = (
    b"From: broken@client.example\r\nSubject: =?utf-8?b?broken\r\n"
    b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n'
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n--x"
)


def test_auto_replies_bulk_and_own_mail_are_ignored(scenario) -> None:
    s = scenario(MONDAY)
    s.mail(
        "dana@client.example",
        "Automatic reply: Quick sync",
        "I am out of office until Monday. " + REQUEST,
        headers={"Auto-Submitted": "auto-replied"},
    )
    s.mail(
        "news@list.example",
        "Weekly digest",
        "Meet the team! " + REQUEST,
        headers={"List-Id": "<digest.list.example>", "Precedence": "bulk"},
    )
    s.mail(f"Sched Agent <{AGENT}>", "Re: Quick sync", "Here are some times. " + REQUEST)
    report = s.tick()
    s.nothing_sent()
    assert report.handled == 0
    assert sum(report.skipped.values()) == 3
    assert s.store.conversations() == []
    assert list(s.backend.client.iter_inbound(unread=True)) == []  # handled means marked read


def test_blocked_sender_is_ignored(scenario) -> None:
    s = scenario(MONDAY, policy={"block": ("spammy.example",)})
    s.mail("sales@spammy.example", "Meeting?", REQUEST)
    s.mail("ok@client.example", "Meeting?", REQUEST)
    s.tick()
    [only] = s.outgoing(1)
    assert "ok@client.example" in only["To"]
    s.nothing_sent()


def test_the_same_message_delivered_twice_is_answered_once(scenario) -> None:
    s = scenario(MONDAY)
    first = s.mail("dana@client.example", "Quick sync", REQUEST)
    s.tick()
    s.outgoing(1)
    # The sender's server retries the delivery: same Message-ID, new copy in the mailbox.
    raw = first.as_bytes()
    s.raw("dana@client.example", raw)
    s.tick()
    s.nothing_sent()
    assert len(s.store.conversations()) == 1


def test_a_malformed_message_is_skipped_and_the_loop_goes_on(scenario) -> None:
    s = scenario(MONDAY)
    s.raw("broken@client.example", BROKEN)
    s.mail("dana@client.example", "Quick sync", REQUEST)
    report = s.tick()
    [answer] = s.outgoing(1)
    assert "dana@client.example" in answer["To"]
    assert not report.errors
    assert list(s.backend.client.iter_inbound(unread=True)) == []


def test_an_api_outage_mid_pass_loses_nothing_and_sends_once(scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    s = scenario(MONDAY)
    s.mail("dana@client.example", "Quick sync", REQUEST)
    real_send = s.backend.client.send_message
    calls = {"n": 0}

    def flaky(body, *, idempotency_key, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            real_send(body, idempotency_key=idempotency_key, **kw)  # it went out, but the answer was lost
            raise ApiUnavailable("connection reset", status=503)
        return real_send(body, idempotency_key=idempotency_key, **kw)

    monkeypatch.setattr(s.backend.client, "send_message", flaky)
    report = s.tick()
    assert report.errors
    assert [item.type for item in s.store.pending()] == ["send_reply"]  # the decision is durable, the send waits
    s.advance(minutes=1)
    s.tick()  # the outbox retries under the same Idempotency-Key; the server answers from its cache
    s.outgoing(1)
    s.nothing_sent()
    assert calls["n"] == 2
    assert list(s.backend.client.iter_inbound(unread=True)) == []


def test_the_daily_send_limit_holds_mail_until_the_next_day(scenario) -> None:
    s = scenario(MONDAY, policy={"daily_send_limit": 1})
    s.mail("dana@client.example", "Quick sync", REQUEST)
    s.mail("lee@other.example", "Chat", REQUEST)
    s.tick()
    s.outgoing(1)
    s.nothing_sent()
    assert [item.type for item in s.store.pending()] == ["send_reply"]
    assert any("send limit" in e["message"] for e in s.store.last_errors())
    s.advance(days=1)
    s.tick()
    s.outgoing(1)
    assert s.store.pending() == []


def test_mail_without_a_message_id_still_gets_a_threaded_reply(scenario) -> None:
    s = scenario(MONDAY)
    s.raw(
        "dana@client.example",
        b"From: dana@client.example\r\nTo: " + AGENT.encode() + b"\r\nSubject: Quick sync\r\n"
        b"Date: Mon, 23 Nov 2026 09:00:00 -0500\r\n\r\n" + REQUEST.encode() + b"\r\n",
    )
    s.tick()
    [reply] = s.outgoing(1)
    assert reply["In-Reply-To"]
    assert reply["In-Reply-To"].endswith("@sched.example>")  # the server named it after the agent's domain


def test_a_mail_that_keeps_failing_is_set_aside_visibly(scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    s = scenario(MONDAY)
    s.mail("dana@client.example", "Quick sync", REQUEST)

    def broken(text, ctx):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(s.agent.extractor, "extract", broken)
    for _ in range(2):
        report = s.tick()
        assert report.errors
        assert list(s.backend.client.iter_inbound(unread=True))  # retried next pass, not lost
    report = s.tick()
    assert report.skipped == {"failed": 1}
    assert list(s.backend.client.iter_inbound(unread=True)) == []
    assert any("gave up after 3 failures" in e["message"] for e in s.store.last_errors())
    s.nothing_sent()


def test_a_flagged_thread_waits_for_a_person_then_resumes(scenario, tmp_path, capsys) -> None:
    from scheduler_agent.cli import main

    s = scenario(MONDAY)
    first = s.mail("dana@client.example", "Quick sync", REQUEST + " Please also invite bob@outside.example.")
    s.tick()
    s.nothing_sent()  # someone off the thread to invite: no guess is sent
    conv = s.conversation()
    assert conv.state.value == "needs_human"
    assert "bob@outside.example" in conv.reason
    config = tmp_path / "resume.toml"
    config.write_text(f'[backend]\ndata_dir = "{s.settings.backend.data_dir}"\n')
    assert main(["status", "--json", "-c", str(config)]) == 0
    assert '"needs_human"' in capsys.readouterr().out
    assert main(["resume", conv.thread_id, "--by", "ops", "-c", str(config)]) == 0
    assert "needs_human -> new" in capsys.readouterr().out
    assert s.conversation().state.value == "new"
    assert main(["resume", conv.thread_id, "-c", str(config)]) == 1  # nothing to resume any more
    # Dana answers in the thread without the outsider; the agent takes it from there.
    s.advance(minutes=30)
    s.mail("dana@client.example", "Re: Quick sync", "Just the two of us then. " + REQUEST, reply_to=first)
    s.tick()
    s.outgoing(1)
    assert s.conversation().state.value == "proposed"
