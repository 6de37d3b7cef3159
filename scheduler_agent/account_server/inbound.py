"""Delivery of one message into one hosted mailbox: the single path for SMTP ingress and local delivery.

Mail between two hosted accounts goes through exactly the code that mail from the internet does, so
rules, threading, iMIP handling and `message.created` behave the same whichever way a message came.
"""

from __future__ import annotations

import logging
import sqlite3

from . import mail_store
from .context import InboundVerdict, JSONDict, ServerContext, new_id
from .mime import ParsedMail, parse

log = logging.getLogger(__name__)


def policy_sender(envelope_from: str | None, mail: ParsedMail) -> str:
    """The address rules judge: the envelope sender, else (bounces have none) the From header."""
    if envelope_from:
        return envelope_from
    return mail.from_[0]["email"] if mail.from_ else ""


def _folders(ctx: ServerContext, grant_id: str, verdict: InboundVerdict) -> list[str]:
    if verdict.trash:
        return ["trash"]
    if verdict.spam:
        return ["junk"]
    named = [f for f in (mail_store.resolve_folder(ctx.db, grant_id, n) for n in verdict.folder_names) if f]
    skipped = len(verdict.folder_names) - len(named)
    if skipped:
        log.info("grant %s: %d rule folder(s) do not exist; skipped", grant_id, skipped)
    if named:
        return named
    return ["archive"] if verdict.archive else ["inbox"]


def receive(
    ctx: ServerContext,
    grant: JSONDict,
    raw: bytes,
    *,
    envelope_from: str | None,
    verdict: InboundVerdict | None = None,
    mail: ParsedMail | None = None,
) -> JSONDict | None:
    """Store `raw` for `grant`; returns the stored Message, or None when the grant's rules block the sender.

    `verdict` is passed when the SMTP listener already asked the policy at RCPT time (asking twice would
    record two rule evaluations); `mail` when the caller already parsed the bytes.
    """
    mail = mail or parse(raw)
    if verdict is None:
        verdict = ctx.policy.inbound(grant, policy_sender(envelope_from, mail))
    if verdict.blocked:
        log.info("grant %s: mail from %s blocked by its rules", grant["id"], envelope_from)
        return None
    if mail.problems:
        log.warning("grant %s: stored a malformed message: %s", grant["id"], "; ".join(mail.problems[:5]))
    if not mail.message_id:
        # RFC 5322 wants one and MTAs add it; without it nobody could reply into this thread.
        mail.message_id = f"<{new_id()}@{ctx.hostname}>"
    with ctx.db.tx() as conn:
        message_id = mail_store.store_message(
            conn,
            grant["id"],
            mail,
            raw,
            date=ctx.timestamp(),
            folders=_folders(ctx, grant["id"], verdict),
            unread=not verdict.mark_read,
            starred=verdict.starred,
        )
        if ctx.calendar_inbound is not None:
            for ics in mail.calendar_parts:
                _hand_to_calendar(ctx, conn, grant, message_id, ics)
    stored = mail_store.get_message(ctx.db, message_id)
    ctx.notify(grant["id"], "message.created", stored)
    return stored


def _hand_to_calendar(
    ctx: ServerContext, conn: sqlite3.Connection, grant: JSONDict, message_id: str, ics: bytes
) -> None:
    """Apply one iMIP part inside a savepoint, so a failing calendar handler cannot lose the message."""
    assert ctx.calendar_inbound is not None
    conn.execute("SAVEPOINT imip")
    try:
        outcome = ctx.calendar_inbound(conn, grant, message_id, ics)
    except Exception as exc:
        conn.execute("ROLLBACK TO imip")
        log.exception("grant %s: calendar part of message %s could not be applied", grant["id"], message_id)
        outcome = f"error: the calendar part could not be applied ({type(exc).__name__})"
    else:
        log.info("grant %s: calendar part of message %s: %s", grant["id"], message_id, outcome)
    finally:
        conn.execute("RELEASE imip")
    if outcome.startswith("error:"):
        # Flag the kept message so a person (or the agent) can see why no event came of it.
        reason = outcome.removeprefix("error:").strip()[:500]
        conn.execute(
            "UPDATE mail_messages SET metadata = json_set(metadata, '$.ics_error', ?) WHERE id = ?",
            (reason, message_id),
        )
