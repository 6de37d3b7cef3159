"""Classify an inbound mail before anything else looks at it: only `scheduling` and `itip` may lead to a send.

The rules are cheap header checks in order of how certain they are, then a conservative keyword score
for everything else. Erring towards "unrelated" is deliberate: a missed request waits in the mailbox
for a person, while a wrong answer to a robot can start a mail loop (design section 4, invariant 3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .models import InboundMessage

_SCAN_LIMIT = 20_000
_DAEMON_LOCALS = frozenset(
    {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce", "bounces"}
)
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply")
# Headers other automated schedulers (and other instances of this one) put on their mail.
AGENT_SIGNATURE_HEADERS = ("x-scheduler-agent",)
_OOO_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply|abwesenheitsnotiz"
    r"|réponse automatique|respuesta automática|absence)\b",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]{0,2000}>")
_STRONG = re.compile(
    r"\b(?:meet(?:ing|ings|up)?|schedul\w*|reschedul\w*|availab\w*|calendar|call|catch up|sync|appointment"
    r"|find (?:a )?time|book (?:a )?(?:time|slot|call|meeting)|slots?|invit\w*|works for me|cancel\w*)\b",
    re.IGNORECASE,
)
_WEAK = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|next week|this week"
    r"|morning|afternoon|evening|minutes?|mins?|hours?|options?|free|\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})\b",
    re.IGNORECASE,
)


class TriageKind(StrEnum):
    """What kind of mail it is, as printed by `replay --json` (design section 6)."""

    OWN = "own"
    AUTO_REPLY = "auto_reply"
    BULK = "bulk"
    LOOP = "loop"
    BLOCKED = "blocked"
    ITIP = "itip"
    SCHEDULING = "scheduling"
    UNRELATED = "unrelated"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class Triage:
    """The verdict and the reason a person reading the audit log would want."""

    kind: TriageKind
    reason: str

    @property
    def may_send(self) -> bool:
        return self.kind in (TriageKind.SCHEDULING, TriageKind.ITIP)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "reason": self.reason}


def _address_matches(email: str, entries: Iterable[str]) -> str | None:
    """The allow/block entry that covers an address: the exact address, or its domain or a parent domain."""
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    for raw in entries:
        entry = raw.strip().lower().lstrip("@")
        if not entry:
            continue
        if "@" in entry:
            if entry == email:
                return raw
        elif domain == entry or domain.endswith("." + entry):
            return raw
    return None


def _has(message: InboundMessage, name: str) -> bool:
    return message.header(name) is not None


def _auto_reply(message: InboundMessage) -> str | None:
    submitted = message.header("Auto-Submitted")
    if submitted is not None and submitted.split(";")[0].strip().lower() != "no":
        return f"Auto-Submitted: {submitted.strip()[:40]}"
    for name in _AUTOREPLY_HEADERS:
        if _has(message, name):
            return f"{name} header present"
    precedence = (message.header("Precedence") or "").strip().lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    if _OOO_SUBJECT.match(message.subject) and _has(message, "X-Auto-Response-Suppress"):
        return "out-of-office subject with X-Auto-Response-Suppress"
    return None


def _bulk(message: InboundMessage, sender: str) -> str | None:
    precedence = (message.header("Precedence") or "").strip().lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    for name in ("List-Id", "List-Unsubscribe"):
        if _has(message, name):
            return f"{name} header present"
    if (message.header("Return-Path") or "").strip() == "<>":
        return "empty Return-Path (bounce or notification)"
    if sender.partition("@")[0] in _DAEMON_LOCALS:
        return f"sent by {sender.partition('@')[0]}"
    if (message.header("Content-Type") or "").strip().lower().startswith("multipart/report"):
        return "delivery report"
    return None


def _loop(message: InboundMessage, agent: str, replies: int, max_replies: int) -> str | None:
    for value in [v for k, v in message.headers if k.lower() == "x-loop"]:
        if agent and agent in value.lower():
            return "X-Loop names the agent"
    if replies >= max_replies:
        return f"the agent already sent {replies} mails in this thread"
    signature = next((h for h in AGENT_SIGNATURE_HEADERS if _has(message, h)), None)
    if signature and replies:
        return f"another agent ({signature}) answering the agent"
    return None


def _itip(message: InboundMessage) -> str | None:
    content_type = (message.header("Content-Type") or "").lower()
    method = re.search(r"method=\"?([a-z]+)", content_type)
    if content_type.startswith("text/calendar"):
        return f"text/calendar body{f' ({method.group(1).upper()})' if method else ''}"
    calendars = [a for a in message.attachments if a.is_calendar]
    if calendars:
        return f"calendar attachment {calendars[0].filename or calendars[0].content_type}"[:120]
    if (message.header("Content-Class") or "").lower() == "urn:content-classes:calendarmessage":
        return "Outlook calendar message"
    return None


def scheduling_score(text: str) -> int:
    """Two points per clearly scheduling word, one per time-ish word; ≥ 2 counts as scheduling."""
    sample = _TAGS.sub(" ", text[:_SCAN_LIMIT])
    return 2 * len(_STRONG.findall(sample)) + len(_WEAK.findall(sample))


def classify(
    message: InboundMessage,
    *,
    agent_email: str,
    block: Iterable[str] = (),
    allow: Iterable[str] = (),
    agent_replies_in_thread: int = 0,
    max_agent_replies: int = 8,
    known_thread: bool = False,
) -> Triage:
    """Decide what a mail is. `known_thread` says the thread already has a conversation with the agent."""
    agent = agent_email.strip().lower()
    sender = (message.sender.email if message.sender else "").strip().lower()
    if not message.id or not message.thread_id:
        return Triage(TriageKind.MALFORMED, "no message or thread id")
    if not sender or "@" not in sender or any(c.isspace() for c in sender):
        return Triage(TriageKind.MALFORMED, "no usable sender address")
    if sender == agent:
        return Triage(TriageKind.OWN, "sent by the agent itself")
    reason = _loop(message, agent, agent_replies_in_thread, max_agent_replies)
    if reason:
        return Triage(TriageKind.LOOP, reason)
    blocked = _address_matches(sender, block)
    if blocked:
        return Triage(TriageKind.BLOCKED, f"sender matches block entry {blocked!r}")
    allow = tuple(allow)
    if allow and not _address_matches(sender, allow):
        return Triage(TriageKind.BLOCKED, "sender is not on the allow list")
    reason = _bulk(message, sender)
    if reason:
        return Triage(TriageKind.BULK, reason)
    reason = _itip(message)
    if reason:
        return Triage(TriageKind.ITIP, reason)
    reason = _auto_reply(message)
    if reason:
        return Triage(TriageKind.AUTO_REPLY, reason)
    if known_thread:
        return Triage(TriageKind.SCHEDULING, "reply in a thread the agent is negotiating")
    score = scheduling_score(f"{message.subject}\n{message.body or message.snippet}")
    if score >= 2:
        return Triage(TriageKind.SCHEDULING, f"scheduling wording (score {score})")
    return Triage(TriageKind.UNRELATED, f"no scheduling wording (score {score})")
