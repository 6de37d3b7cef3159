"""What the feature modules of the account server share: the database, the clock and three seams.

The seams keep modules apart: mail submission (delivery.py implements it; calendar.py sends iMIP
through it), inbound calendar mail (smtp ingress hands text/calendar parts to calendar.py), and
notifications (webhooks.py turns them into signed deliveries). The policy seam lets the admin
module (rules, lists, policies) decide about inbound senders and outbound quotas without the mail
module knowing how.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from scheduler_agent.clock import Clock

from .db import Database

JSONDict = dict[str, Any]


def new_id(prefix: str = "") -> str:
    """Opaque, URL-safe ids (v3 ids are opaque strings; ours never need percent-encoding)."""
    return prefix + secrets.token_hex(12)


class MailSubmitter(Protocol):
    """Sends a finished RFC 5322 message from a grant: stores the Sent copy, delivers locally or queues.

    Returns the stored (sent) message's v3 object. Raises http.ApiError for quota or policy refusals.
    """

    def submit(self, grant: JSONDict, message: EmailMessage, *, thread_id: str | None = None) -> JSONDict: ...


class InboundCalendarHandler(Protocol):
    """Applies an inbound iMIP part (REQUEST/REPLY/CANCEL/COUNTER) to the grant's calendar.

    Returns a short outcome string for logs; must never raise for bad ICS (it flags instead).
    Outcomes starting with "error:" mean the part was unusable (bad ICS): the mail side keeps the
    message and flags it with the outcome in its metadata as `ics_error`. "ignored:" means the part
    was readable but refused (stale, spoofed, unknown event); anything else was applied.
    """

    def __call__(self, conn: sqlite3.Connection, grant: JSONDict, message_id: str, ics: bytes) -> str: ...


@dataclass(frozen=True)
class InboundVerdict:
    """What inbound rules decided for one sender at SMTP time."""

    blocked: bool = False
    spam: bool = False
    mark_read: bool = False
    starred: bool = False
    archive: bool = False
    trash: bool = False
    folder_names: tuple[str, ...] = ()
    matched_rule_ids: tuple[str, ...] = ()


class Policy(Protocol):
    """Rules, lists and policy limits as the mail path sees them."""

    def inbound(self, grant: JSONDict, from_address: str) -> InboundVerdict: ...

    def max_message_bytes(self, grant: JSONDict) -> int | None: ...

    def check_send(
        self, conn: sqlite3.Connection, grant: JSONDict, recipients: list[str], *, reply: bool = False
    ) -> None:
        """Raise http.ApiError (403/429) when the daily send limit or an outbound rule forbids it.

        Called once per submitted message inside the mailer's transaction: an approved send is counted
        against the daily limit there, so a send that later rolls back is not counted. `reply` feeds
        the `outbound.type` rule condition (a reply has reply_to_message_id or In-Reply-To/References).
        """
        ...


class AllowAll:
    """The policy in force when no admin module is installed."""

    def inbound(self, grant: JSONDict, from_address: str) -> InboundVerdict:
        return InboundVerdict()

    def max_message_bytes(self, grant: JSONDict) -> int | None:
        return None

    def check_send(
        self, conn: sqlite3.Connection, grant: JSONDict, recipients: list[str], *, reply: bool = False
    ) -> None:
        return None


Notify = Callable[[str, str, JSONDict], None]
GrantHook = Callable[[sqlite3.Connection, JSONDict], None]


@dataclass
class ServerContext:
    """Handed to every feature module's `install`."""

    db: Database
    clock: Clock
    api_key: str
    hostname: str = "localhost"
    smarthost: str = ""
    data_dir: Path | None = None
    mailer: MailSubmitter | None = None
    calendar_inbound: InboundCalendarHandler | None = None
    policy: Policy = field(default_factory=AllowAll)
    notifiers: list[Notify] = field(default_factory=list)
    grant_created: list[GrantHook] = field(default_factory=list)
    grant_deleted: list[GrantHook] = field(default_factory=list)
    # Modules with their own threads register how to stop them; AccountServer.stop calls these.
    stoppers: list[Callable[[], None]] = field(default_factory=list)
    # First webhook retry delay (later ones grow 4x); tests shrink it to keep retry tests fast.
    webhook_backoff_seconds: float = 120.0

    def now(self) -> datetime:
        return self.clock.now()

    def timestamp(self) -> int:
        return int(self.clock.now().timestamp())

    def notify(self, grant_id: str, trigger: str, obj: JSONDict) -> None:
        """Fire a webhook trigger (message.created, event.updated, …); listeners must not raise."""
        for listener in self.notifiers:
            listener(grant_id, trigger, obj)
