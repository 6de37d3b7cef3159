"""Scenario harness: the real agent loop against the real account server, mail in and out over SMTP.

People write to the agent with smtplib through the server's SMTP listener; the agent's mail leaves
through the server's delivery worker to a capturing SMTP server acting as smarthost; the clock is a
FixedClock shared by the server and the agent, so follow-ups and expiry can be driven by the test.
"""

from __future__ import annotations

import dataclasses
import smtplib
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest

from scheduler_agent.agent import Agent, TickReport
from scheduler_agent.backend import Backend, open_backend
from scheduler_agent.clock import FixedClock
from scheduler_agent.config import Settings, load_settings
from scheduler_agent.store import AgentStore
from scheduler_agent.understand import build_extractor

AGENT = "agent@sched.example"
NEW_YORK = "America/New_York"


class Scenario:
    """One agent, one account server, one capture server, one clock."""

    def __init__(self, tmp_path: Path, capture: Any, start: datetime, **overrides: Any) -> None:
        env = {"SCHEDULER_AGENT_API_KEY": "scenario-key"}
        base = load_settings(None, env={})
        settings = dataclasses.replace(
            base,
            agent=dataclasses.replace(base.agent, email=AGENT, name="Sched Agent", timezone=NEW_YORK),
            backend=dataclasses.replace(base.backend, data_dir=str(tmp_path / "data"), smarthost=capture.address),
        )
        for section, values in overrides.items():
            settings = dataclasses.replace(
                settings, **{section: dataclasses.replace(getattr(settings, section), **values)}
            )
        self.settings: Settings = settings
        self.clock = FixedClock(start)
        self.capture = capture
        self.backend: Backend = open_backend(settings, clock=self.clock, env=env)
        assert self.backend.server is not None
        self.server = self.backend.server
        self.smtp = self.server.start_smtp("127.0.0.1", 0)
        self.store = AgentStore(tmp_path / "data" / "agent.sqlite3")
        self.agent = Agent(self.backend.client, self.store, build_extractor(settings.model), settings)
        self.seen = 0

    def close(self) -> None:
        self.store.close()
        self.backend.close()

    # ── people writing to the agent ─────────────────────────────────────────────────────────────

    def mail(
        self,
        sender: str,
        subject: str,
        body: str,
        *,
        to: tuple[str, ...] = (AGENT,),
        cc: tuple[str, ...] = (),
        reply_to: EmailMessage | None = None,
        offset: str = "-0500",
        headers: dict[str, str] | None = None,
        ics: str | None = None,
        ics_method: str = "REQUEST",
    ) -> EmailMessage:
        """Send one mail over SMTP to the server, as a person (or their mail client) would."""
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = ", ".join(to)
        if cc:
            msg["Cc"] = ", ".join(cc)
        msg["Subject"] = subject
        local = self.clock.now().astimezone(_offset_zone(offset))
        msg["Date"] = format_datetime(local)
        msg["Message-ID"] = make_msgid(domain=sender.split("@")[-1].strip(">"))
        if reply_to is not None:
            msg["In-Reply-To"] = reply_to["Message-ID"]
            refs = [*str(reply_to.get("References", "")).split(), str(reply_to["Message-ID"])]
            msg["References"] = " ".join(refs)
        for name, value in (headers or {}).items():
            msg[name] = value
        msg.set_content(body)
        if ics is not None:
            msg.add_alternative(ics, subtype="calendar", params={"method": ics_method})
        with smtplib.SMTP(*self.smtp, timeout=10) as smtp:
            smtp.send_message(msg, to_addrs=[*to, *cc])
        return msg

    def raw(self, sender: str, data: bytes) -> None:
        with smtplib.SMTP(*self.smtp, timeout=10) as smtp:
            smtp.sendmail(sender, [AGENT], data)

    # ── the agent ──────────────────────────────────────────────────────────────────────────────

    def tick(self) -> TickReport:
        """One pass. When exactly one mail is waiting, first ask `decide` (what `replay --dry-run` runs)
        what it would do, and check afterwards that the live pass did exactly that."""
        now = self.clock.now()
        waiting = [m for m in self.backend.client.iter_inbound(unread=True, in_folder="inbox")]
        dry = None
        if len(waiting) == 1:
            try:
                dry = self.agent.decide(waiting[0], now)
            except Exception:  # the live pass must then survive the same failure; nothing to compare
                dry = None
        report = self.agent.tick(now)
        if dry is not None:
            entry = next(
                e
                for e in reversed(self.store.audit_log(limit=500))
                if e.details.get("message_id") == waiting[0].id or (e.kind == "skip" and e.thread_id == dry.thread_id)
            )
            live = entry.details.get("actions", [])
            assert live == [a.type for a in dry.actions], (live, dry.to_json())
            for action in dry.actions:
                if action.type in {"send_reply", "create_event", "update_event", "delete_event", "send_rsvp"}:
                    assert self.store.outbox_item(action.key) is not None, action
        return report

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    def outgoing(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait for `count` new mails from the agent at the smarthost and return just those."""
        messages = self.capture.wait_for(self.seen + count, timeout)
        new = messages[self.seen : self.seen + count]
        self.seen += count
        return new

    def nothing_sent(self, settle: float = 0.5) -> None:
        time.sleep(settle)
        assert len(self.capture.messages) == self.seen, [m["Subject"] for m in self.capture.messages[self.seen :]]

    def events(self) -> list[dict[str, Any]]:
        now = self.clock.now()
        return list(
            self.backend.client.list_events(start=now - timedelta(days=1), end=now + timedelta(days=90), limit=200)
        )

    def conversation(self, thread_id: str | None = None) -> Any:
        conversations = self.store.conversations()
        if thread_id is None:
            assert len(conversations) == 1, [c.thread_id for c in conversations]
            return conversations[0]
        return next(c for c in conversations if c.thread_id == thread_id)


def _offset_zone(offset: str) -> Any:
    from datetime import timezone

    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[3:5])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def calendar_part(message: EmailMessage) -> str | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            content = part.get_content()
            return content if isinstance(content, str) else content.decode()
    return None


def invitation_ics(
    organizer: str, start: datetime, end: datetime, *, uid: str, title: str = "Partner review", method: str = "REQUEST"
) -> str:
    """Someone else's invitation to the agent, as their calendar would send it."""
    from scheduler_agent.itip import ItipAttendee, ItipEvent, build_cancel, build_request

    event = ItipEvent(
        uid=uid,
        start=start,
        end=end,
        summary=title,
        organizer=ItipAttendee(email=organizer, name="Org"),
        attendees=(ItipAttendee(email=AGENT, rsvp=True), ItipAttendee(email=organizer, partstat="ACCEPTED")),
        tzid="America/New_York",
    )
    build = build_cancel if method == "CANCEL" else build_request
    return build(event, dtstamp=start - timedelta(days=1))


def reply_ics(uid: str, attendee: str, partstat: str, start: datetime, end: datetime, sequence: int = 0) -> str:
    """An attendee's iMIP REPLY to the agent's invitation."""
    from scheduler_agent.itip import ItipAttendee, ItipEvent, build_reply

    event = ItipEvent(
        uid=uid,
        sequence=sequence,
        start=start,
        end=end,
        organizer=ItipAttendee(email=AGENT),
        attendees=(ItipAttendee(email=attendee),),
    )
    return build_reply(event, attendee=attendee, partstat=partstat, dtstamp=start - timedelta(days=1))


@pytest.fixture
def scenario(tmp_path: Path, smtp_capture: Any) -> Iterator[Any]:
    """A factory: `scenario(start, **settings_overrides)` gives a running Scenario; all are closed after."""
    made: list[Scenario] = []

    def make(start: datetime, **overrides: Any) -> Scenario:
        s = Scenario(tmp_path / f"s{len(made)}", smtp_capture, start, **overrides)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def counter_ics(uid: str, attendee: str, start: datetime, end: datetime, proposed: datetime, sequence: int = 0) -> str:
    """Outlook's "propose new time": an iMIP COUNTER from a guest to the agent."""
    from scheduler_agent.itip import ItipAttendee, ItipEvent, build_counter

    event = ItipEvent(
        uid=uid,
        sequence=sequence,
        start=start,
        end=end,
        organizer=ItipAttendee(email=AGENT),
        attendees=(ItipAttendee(email=attendee),),
        tzid="America/New_York",
    )
    length = end - start
    return build_counter(
        event, attendee=attendee, start=proposed, end=proposed + length, dtstamp=start - timedelta(days=1)
    )
