"""Triage on real-looking .eml files: only scheduling and iMIP mail may ever lead to a send."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_agent.eml import read_eml
from scheduler_agent.models import InboundMessage, Person
from scheduler_agent.triage import TriageKind, classify, scheduling_score

EMAILS = Path(__file__).parent / "fixtures" / "emails"
AGENT = "agent@example.com"
FALLBACK_DATE = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def load_eml(path: Path) -> InboundMessage:
    """An .eml file as the v3 client would report it (headers included, calendar parts as attachments)."""
    return read_eml(path.read_bytes(), received=FALLBACK_DATE)[0]


CASES = [
    ("request.eml", {}, TriageKind.SCHEDULING),
    ("reply_pick.eml", {"known_thread": True, "agent_replies_in_thread": 1}, TriageKind.SCHEDULING),
    ("reply_pick.eml", {}, TriageKind.UNRELATED),  # "The second one." means nothing outside a negotiation
    ("auto_submitted.eml", {"known_thread": True}, TriageKind.AUTO_REPLY),
    ("out_of_office_outlook.eml", {}, TriageKind.AUTO_REPLY),
    ("x_autoreply.eml", {"known_thread": True}, TriageKind.AUTO_REPLY),
    ("newsletter.eml", {}, TriageKind.BULK),
    ("bounce.eml", {}, TriageKind.BULK),
    ("own.eml", {}, TriageKind.OWN),
    ("x_loop.eml", {}, TriageKind.LOOP),
    ("other_agent.eml", {"known_thread": True, "agent_replies_in_thread": 2}, TriageKind.LOOP),
    ("request.eml", {"known_thread": True, "agent_replies_in_thread": 8}, TriageKind.LOOP),
    ("invitation.eml", {}, TriageKind.ITIP),
    ("unrelated.eml", {}, TriageKind.UNRELATED),
    ("malformed.eml", {}, TriageKind.MALFORMED),
    ("request.eml", {"block": ["example.com"]}, TriageKind.BLOCKED),
    ("request.eml", {"block": ["ANA@example.com"]}, TriageKind.BLOCKED),
    ("request.eml", {"allow": ["partner.example"]}, TriageKind.BLOCKED),
    ("request.eml", {"allow": ["example.com"], "block": ["someone@else.example"]}, TriageKind.SCHEDULING),
    ("invitation.eml", {"block": ["bo@example.com"]}, TriageKind.BLOCKED),
]


@pytest.mark.parametrize(
    ("name", "options", "kind"), CASES, ids=[f"{c[0]}-{c[2].value}-{i}" for i, c in enumerate(CASES)]
)
def test_fixture_is_classified(name: str, options: dict, kind: TriageKind) -> None:
    verdict = classify(load_eml(EMAILS / name), agent_email=AGENT, **options)
    assert verdict.kind == kind, verdict.reason
    assert verdict.reason
    assert verdict.may_send == (kind in (TriageKind.SCHEDULING, TriageKind.ITIP))


def test_reasons_name_the_evidence() -> None:
    assert "Auto-Submitted" in classify(load_eml(EMAILS / "auto_submitted.eml"), agent_email=AGENT).reason
    assert "Return-Path" in classify(load_eml(EMAILS / "bounce.eml"), agent_email=AGENT).reason
    assert "calendar attachment" in classify(load_eml(EMAILS / "invitation.eml"), agent_email=AGENT).reason
    verdict = classify(load_eml(EMAILS / "request.eml"), agent_email=AGENT)
    assert verdict.to_json() == {"kind": "scheduling", "reason": verdict.reason}


def test_fixture_helper_reads_calendar_parts_and_people() -> None:
    invitation = load_eml(EMAILS / "invitation.eml")
    assert [a.content_type for a in invitation.attachments if a.is_calendar] == ["text/calendar", "application/ics"]
    request = load_eml(EMAILS / "request.eml")
    assert request.cc == (Person("bo@example.com", "Bo Chen"),)
    assert request.date.utcoffset() is not None


def test_auto_submitted_no_is_a_person() -> None:
    base = load_eml(EMAILS / "request.eml")
    human = InboundMessage(**{**_fields(base), "headers": (*base.headers, ("Auto-Submitted", "no"))})
    assert classify(human, agent_email=AGENT).kind == TriageKind.SCHEDULING


def test_out_of_office_subject_alone_is_not_enough() -> None:
    base = load_eml(EMAILS / "request.eml")
    person = InboundMessage(**{**_fields(base), "subject": "Out of office next week - can we meet after?"})
    assert classify(person, agent_email=AGENT).kind == TriageKind.SCHEDULING


def test_another_agent_opening_a_thread_is_not_yet_a_loop() -> None:
    bot = load_eml(EMAILS / "other_agent.eml")
    assert classify(bot, agent_email=AGENT).kind == TriageKind.SCHEDULING


def _fields(message: InboundMessage) -> dict:
    return {name: getattr(message, name) for name in message.__dataclass_fields__}


@settings(max_examples=100, deadline=None)
@given(
    subject=st.text(max_size=200),
    body=st.text(max_size=2000),
    headers=st.lists(st.tuples(st.text(min_size=1, max_size=30), st.text(max_size=80)), max_size=6),
    sender=st.text(max_size=60),
)
def test_hostile_input_never_crashes(subject: str, body: str, headers: list[tuple[str, str]], sender: str) -> None:
    message = InboundMessage(
        id="m",
        thread_id="t",
        subject=subject,
        sender=Person(sender),
        date=FALLBACK_DATE,
        body=body,
        headers=tuple(headers),
    )
    verdict = classify(message, agent_email=AGENT, block=["evil.example"])
    assert verdict.kind in set(TriageKind)


def test_huge_body_is_scored_on_a_bounded_prefix() -> None:
    assert scheduling_score("meeting " * 10 + "x" * 5_000_000) == 20
