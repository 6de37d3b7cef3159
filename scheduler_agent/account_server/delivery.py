"""Outbound mail: the MailSubmitter every sender uses (the send API, drafts, iMIP) and the outbox worker.

A submitted message is stored in the grant's Sent folder, delivered at once to recipients this server
hosts (through `inbound.receive`, the same path as SMTP ingress), and queued in `mail_outbox` for the
others. The worker hands queued mail to the smarthost with smtplib, retrying with exponential backoff;
a message is never dropped: without a smarthost it waits, and after the last attempt it stays visible
as `failed` with its last error (GET /v3/grants/{grant}/outbox).
"""

from __future__ import annotations

import json
import logging
import smtplib
import sqlite3
import threading
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime

from scheduler_agent.config import split_hostport
from scheduler_agent.errors import ConfigError

from . import mail_store
from .context import JSONDict, ServerContext, new_id
from .grants import find_grant
from .inbound import receive
from .mime import parse

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
SMTP_TIMEOUT_SECONDS = 30
POLL_SECONDS = 1.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS mail_outbox (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL,
    message_id TEXT,
    mail_from TEXT NOT NULL,
    recipients TEXT NOT NULL,
    raw BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS mail_outbox_grant ON mail_outbox (grant_id, created_at);
"""


def outbox_json(row: sqlite3.Row) -> JSONDict:
    """Our extension's object: one outbound message waiting for (or given up by) the smarthost."""
    return {
        "id": row["id"],
        "grant_id": row["grant_id"],
        "object": "outbox",
        "message_id": row["message_id"],
        "recipients": json.loads(row["recipients"]),
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "next_attempt_at": row["next_attempt_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def recipients_of(message: EmailMessage) -> list[str]:
    """Every To/Cc/Bcc address once, in order."""
    seen: dict[str, str] = {}
    for name in ("to", "cc", "bcc"):
        header = message.get(name)
        for address in getattr(header, "addresses", ()) if header is not None else ():
            if address.addr_spec:
                seen.setdefault(address.addr_spec.lower(), address.addr_spec)
    return list(seen.values())


def wire_bytes(message: EmailMessage) -> bytes:
    """What recipients get: the message without its Bcc header, CRLF line endings."""
    copy = BytesParser(policy=policy.SMTP).parsebytes(message.as_bytes(policy=policy.SMTP))
    del copy["Bcc"]
    return copy.as_bytes(policy=policy.SMTP)


class Delivery:
    """The MailSubmitter, plus the background worker that drains the outbox to the smarthost."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, grant: JSONDict, message: EmailMessage, *, thread_id: str | None = None) -> JSONDict:
        """Store the Sent copy, deliver locally, queue the rest; the policy may refuse (http.ApiError)."""
        ctx = self.ctx
        if message.get("Message-ID") is None:
            message["Message-ID"] = f"<{new_id()}@{ctx.hostname}>"
        if message.get("Date") is None:
            message["Date"] = format_datetime(ctx.now())
        stored_bytes = message.as_bytes(policy=policy.SMTP)
        mail = parse(stored_bytes)
        recipients = recipients_of(message)
        wire = wire_bytes(message)
        now = ctx.timestamp()
        local: list[JSONDict] = []
        remote: list[str] = []
        for address in recipients:
            target = find_grant(ctx, "email:" + address)
            if target is None:
                remote.append(address)
            else:
                local.append(target)
        reply = message.get("In-Reply-To") is not None or message.get("References") is not None
        with ctx.db.tx() as conn:
            ctx.policy.check_send(conn, grant, recipients, reply=reply)
            message_id = mail_store.store_message(
                conn,
                grant["id"],
                mail,
                stored_bytes,
                date=now,
                folders=["sent"],
                unread=False,
                sent=True,
                thread_id=thread_id,
            )
            if remote:
                conn.execute(
                    "INSERT INTO mail_outbox (id, grant_id, message_id, mail_from, recipients, raw, next_attempt_at,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (new_id(), grant["id"], message_id, grant["email"], json.dumps(remote), wire, now, now, now),
                )
        sent = mail_store.get_message(ctx.db, message_id)
        ctx.notify(grant["id"], "message.created", sent)
        for target in local:
            try:
                receive(ctx, target, wire, envelope_from=grant["email"])
            except Exception:  # one mailbox failing must not fail the send for the others
                log.exception("local delivery of %s to %s failed", message_id, target["email"])
        if remote:
            self._wake.set()
        return sent

    def run_once(self) -> int:
        """Try every due outbox entry once; returns how many reached the smarthost."""
        ctx = self.ctx
        try:
            if not ctx.smarthost:
                raise ConfigError("no smarthost configured (backend.smarthost)")
            smarthost = split_hostport(ctx.smarthost, "backend.smarthost")
        except ConfigError as exc:
            # The mail waits, and says why, until the smarthost is set.
            with ctx.db.tx() as conn:
                conn.execute(
                    "UPDATE mail_outbox SET last_error = ? WHERE status = 'queued' AND attempts = 0", (str(exc),)
                )
            return 0
        due = ctx.db.query(
            "SELECT * FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY created_at LIMIT 100",
            (ctx.timestamp(),),
        )
        delivered = 0
        for row in due:
            if self._stop.is_set():
                break
            delivered += self._attempt(row, smarthost)
        return delivered

    def _attempt(self, row: sqlite3.Row, smarthost: tuple[str, int]) -> int:
        ctx = self.ctx
        recipients: list[str] = json.loads(row["recipients"])
        host, port = smarthost
        permanent = False
        refused: dict[str, tuple[int, bytes]] = {}
        error: str | None = None
        try:
            with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS, local_hostname=ctx.hostname) as smtp:
                refused = smtp.sendmail(row["mail_from"], recipients, row["raw"])
        except smtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients
        except smtplib.SMTPResponseException as exc:
            permanent = exc.smtp_code >= 500
            error = f"{exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace')}"
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if refused:
            # Some (or all) recipients were refused: only they are still owed the message.
            recipients = list(refused)
            permanent = all(code >= 500 for code, _ in refused.values())
            error = "; ".join(f"{r}: {c} {m.decode('utf-8', 'replace')}" for r, (c, m) in refused.items())
        now = ctx.timestamp()
        attempts = int(row["attempts"]) + 1
        with ctx.db.tx() as conn:
            if error is None:
                conn.execute(
                    "UPDATE mail_outbox SET status = 'sent', attempts = ?, last_error = NULL, updated_at = ?"
                    " WHERE id = ?",
                    (attempts, now, row["id"]),
                )
                return 1
            give_up = permanent or attempts >= MAX_ATTEMPTS
            delay = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
            conn.execute(
                "UPDATE mail_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?,"
                " recipients = ?, updated_at = ? WHERE id = ?",
                (
                    "failed" if give_up else "queued",
                    attempts,
                    error[:1000],
                    now + delay,
                    json.dumps(recipients),
                    now,
                    row["id"],
                ),
            )
        log.warning("outbox %s: attempt %d via %s failed: %s", row["id"], attempts, ctx.smarthost, error)
        return 0

    def start(self) -> Callable[[], None]:
        """Run the worker on a daemon thread; returns its stopper (for AccountServer.add_stopper)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="account-delivery", daemon=True)
            self._thread.start()
        return self.stop

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=SMTP_TIMEOUT_SECONDS + 5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("outbox pass failed; retrying")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
