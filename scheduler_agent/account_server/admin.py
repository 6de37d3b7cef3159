"""The Policy the mail path consults (`ctx.policy`): workspace rules, the daily send limit, the size limit.

Inbound: the SMTP listener asks once per recipient grant, before it accepts the data, so a `block`
becomes a 550 and nothing is stored. Outbound: the mailer calls `check_send` inside its own
transaction; an approved send is counted there in `send_counts`, so a send that rolls back is not
counted and two racing sends cannot both take the last slot. Days are UTC days.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, time, timedelta

from . import mail_store
from .admin_common import loads
from .context import InboundVerdict, JSONDict, ServerContext
from .http import ApiError, Router
from .lists import list_values
from .policies import DAILY_SENT, policy_limits
from .rules import Evaluation, Facts, evaluate, record_evaluation, referenced_lists, stage_rules
from .workspaces import resolve_workspace

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS send_counts (
    grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (grant_id, day)
);
"""


def _seconds_to_midnight(now: datetime) -> int:
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return max(1, int((tomorrow - now).total_seconds()))


class AdminPolicy:
    """Rules, lists and policy limits, read fresh on every call so API changes apply at once."""

    def __init__(self, ctx: ServerContext) -> None:
        self._ctx = ctx

    def _evaluate(
        self, conn: sqlite3.Connection, grant: JSONDict, workspace: sqlite3.Row | None, stage: str, facts: Facts
    ) -> InboundVerdict:
        trigger = "inbound" if stage == "smtp_rcpt" else "outbound"
        rules = stage_rules(conn, loads(workspace["rule_ids"], []) if workspace else [], trigger)
        if not rules:
            return InboundVerdict()
        verdict = evaluate(rules, facts, list_values(conn, referenced_lists(rules), facts.candidates()))
        folder_ids = [
            f for f in (mail_store.resolve_folder(self._ctx.db, grant["id"], n) for n in verdict.folder_names) if f
        ]
        record_evaluation(conn, Evaluation(grant["id"], stage, facts, verdict, folder_ids), self._ctx.timestamp())
        return verdict

    def inbound(self, grant: JSONDict, from_address: str) -> InboundVerdict:
        with self._ctx.db.tx() as conn:
            verdict = self._evaluate(conn, grant, resolve_workspace(conn, grant), "smtp_rcpt", Facts(from_address))
        if verdict.blocked:
            log.info("grant %s: sender %r blocked by rule(s) %s", grant["id"], from_address, verdict.matched_rule_ids)
        return verdict

    def max_message_bytes(self, grant: JSONDict) -> int | None:
        with self._ctx.db.tx() as conn:
            workspace = resolve_workspace(conn, grant)
            limit = policy_limits(conn, workspace["policy_id"] if workspace else None).get("limit_size_total_mime")
        return limit or None

    def check_send(
        self, conn: sqlite3.Connection, grant: JSONDict, recipients: list[str], *, reply: bool = False
    ) -> None:
        facts = Facts(grant["email"], tuple(recipients), "reply" if reply else "compose")
        workspace = resolve_workspace(conn, grant)
        verdict = self._evaluate(conn, grant, workspace, "outbound_send", facts)
        if verdict.blocked:
            raise ApiError(
                403,
                "forbidden",
                f"sending to {', '.join(recipients)} is blocked by outbound rule(s)"
                f" {', '.join(verdict.matched_rule_ids)}",
            )
        limit = policy_limits(conn, workspace["policy_id"] if workspace else None).get(DAILY_SENT)
        now = self._ctx.now().astimezone(UTC)
        day = now.date().isoformat()
        row = conn.execute(
            "SELECT count FROM send_counts WHERE grant_id = ? AND day = ?", (grant["id"], day)
        ).fetchone()
        sent_today = row["count"] if row else 0
        if limit is not None and sent_today >= limit:
            wait = _seconds_to_midnight(now)
            raise ApiError(
                429,
                "rate_limit_error",
                f"daily send limit reached: {sent_today} of {limit} messages sent today (UTC) by {grant['email']};"
                f" the limit resets in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        conn.execute(
            "INSERT INTO send_counts (grant_id, day, count) VALUES (?, ?, 1)"
            " ON CONFLICT(grant_id, day) DO UPDATE SET count = count + 1",
            (grant["id"], day),
        )
        conn.execute("DELETE FROM send_counts WHERE grant_id = ? AND day < ?", (grant["id"], day))


def install(ctx: ServerContext, router: Router) -> None:
    """Make the admin policy the server's policy (it has no routes of its own)."""
    ctx.policy = AdminPolicy(ctx)
