"""The agent's own durable state in one SQLite file: what it has handled, promised, held and still has to send.

Crash safety comes from SQLite transactions, not from care at call sites: `commit_step` writes a
conversation, its holds and timers, the outbox rows for every external effect and the "done" mark of
the inbound message in one `BEGIN IMMEDIATE` transaction, so a kill at any instant leaves either all
of it or none. Outbox keys are the actions' Idempotency-Keys, so enqueueing twice is harmless and a
restart resends nothing that was confirmed sent. WAL mode and a busy timeout let cron runs and the
daemon share the file; one connection behind a lock serves the threads of one process.

`now` is always passed in; timestamps are stored as UTC ISO-8601 text, which sorts chronologically.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import ConfigError, StaleConversation
from .models import (
    Action,
    CancelTimers,
    Conversation,
    ConversationState,
    FlagHuman,
    Interval,
    PlaceHolds,
    ReleaseHolds,
    ScheduleTimer,
    TimerDue,
    TimerKind,
    require_aware,
)

# Forward-only migrations: (version, statements). Never edit a released entry; append a new one.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """CREATE TABLE processed (
                message_id TEXT PRIMARY KEY,
                status TEXT NOT NULL CHECK (status IN ('claimed', 'done')),
                claimed_at TEXT NOT NULL,
                done_at TEXT
            )""",
            """CREATE TABLE conversations (
                thread_id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                event_id TEXT,
                ical_uid TEXT,
                data TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX conversations_state ON conversations (state)",
            "CREATE INDEX conversations_uid ON conversations (ical_uid)",
            "CREATE INDEX conversations_event ON conversations (event_id)",
            """CREATE TABLE holds (
                id INTEGER PRIMARY KEY,
                thread_id TEXT NOT NULL,
                start TEXT NOT NULL,
                "end" TEXT NOT NULL,
                expires TEXT NOT NULL
            )""",
            "CREATE INDEX holds_start ON holds (start)",
            'CREATE UNIQUE INDEX holds_thread ON holds (thread_id, start, "end")',
            """CREATE TABLE timers (
                thread_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                at TEXT NOT NULL,
                PRIMARY KEY (thread_id, kind, at)
            )""",
            "CREATE INDEX timers_at ON timers (at)",
            """CREATE TABLE outbox (
                key TEXT PRIMARY KEY,
                thread_id TEXT NOT NULL,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX outbox_status ON outbox (status, created_at)",
            """CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                thread_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                details TEXT NOT NULL
            )""",
            "CREATE INDEX audit_thread ON audit (thread_id, id)",
            "CREATE TABLE send_counter (day TEXT PRIMARY KEY, count INTEGER NOT NULL)",
            """CREATE TABLE errors (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                source TEXT NOT NULL,
                message TEXT NOT NULL
            )""",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
# Effects that leave the process go through the outbox; the rest change local state directly.
EXTERNAL_ACTIONS = frozenset({"send_reply", "create_event", "update_event", "delete_event", "send_rsvp"})
_KEEP_ERRORS = 200


def _ts(moment: datetime) -> str:
    return require_aware(moment, "store timestamp").astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class Hold:
    """A tentative slot kept for one conversation so concurrent conversations cannot offer it too."""

    thread_id: str
    interval: Interval
    expires: datetime


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An external effect waiting to be executed (or done); `key` doubles as the Idempotency-Key."""

    key: str
    thread_id: str
    type: str
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One decision, kept for `status`, `replay` comparisons and after-the-fact questions."""

    at: datetime
    thread_id: str
    kind: str
    details: dict[str, Any]


class AgentStore:
    """The SQLite-backed state; every public method is one transaction unless called inside `transaction()`."""

    def __init__(self, path: str | Path, *, busy_timeout_seconds: float = 10.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout_seconds, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"agent state {self.path} is not a usable SQLite database: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AgentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[AgentStore]:
        """One `BEGIN IMMEDIATE` transaction; nested use joins the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction():
            self._conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            current = self.schema_version
            if current > SCHEMA_VERSION:
                raise ConfigError(
                    f"agent state {self.path} has schema {current}, newer than this program's {SCHEMA_VERSION}"
                )
            for version, statements in MIGRATIONS:
                if version > current:
                    for statement in statements:
                        self._conn.execute(statement)
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )

    @property
    def schema_version(self) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row["value"]) if row else 0

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self.transaction():
            return self._conn.execute(sql, params)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # ── processed message ids ──────────────────────────────────────────────────────────────────

    def claim(self, message_id: str, *, now: datetime, lease: timedelta = timedelta(minutes=10)) -> bool:
        """Atomically take a message for handling; False when it is done or someone else holds it.

        A claim older than `lease` is taken over: its holder died mid-handling, and the message must
        not be lost (design invariant 2).
        """
        cursor = self._execute(
            "INSERT INTO processed (message_id, status, claimed_at) VALUES (?, 'claimed', ?) "
            "ON CONFLICT (message_id) DO UPDATE SET claimed_at = excluded.claimed_at "
            "WHERE processed.status = 'claimed' AND processed.claimed_at <= ?",
            (message_id, _ts(now), _ts(now - lease)),
        )
        return cursor.rowcount == 1

    def mark_done(self, message_id: str, *, now: datetime) -> None:
        self._execute(
            "INSERT INTO processed (message_id, status, claimed_at, done_at) VALUES (?, 'done', ?, ?) "
            "ON CONFLICT (message_id) DO UPDATE SET status = 'done', done_at = excluded.done_at",
            (message_id, _ts(now), _ts(now)),
        )

    def release(self, message_id: str) -> None:
        """Give a claimed message back (handling failed); a finished one stays finished."""
        self._execute("DELETE FROM processed WHERE message_id = ? AND status = 'claimed'", (message_id,))

    def release_abandoned_claims(self) -> int:
        """Free every claim; only for a caller holding the pass lock that all passes over this store take.

        Under that lock no other pass is running, so any claim left is from a pass that was killed
        mid-message: without this its mail would wait out the whole lease after a restart.
        """
        return self._execute("DELETE FROM processed WHERE status = 'claimed'").rowcount

    def is_done(self, message_id: str) -> bool:
        rows = self._query("SELECT 1 FROM processed WHERE message_id = ? AND status = 'done'", (message_id,))
        return bool(rows)

    # ── conversations ──────────────────────────────────────────────────────────────────────────

    def get_conversation(self, thread_id: str) -> Conversation | None:
        rows = self._query("SELECT data FROM conversations WHERE thread_id = ?", (thread_id,))
        return Conversation.from_json(json.loads(rows[0]["data"])) if rows else None

    def put_conversation(self, conversation: Conversation) -> None:
        self._execute(
            "INSERT INTO conversations (thread_id, state, event_id, ical_uid, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id) DO UPDATE SET state = excluded.state, "
            "event_id = excluded.event_id, ical_uid = excluded.ical_uid, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (
                conversation.thread_id,
                conversation.state.value,
                conversation.event_id,
                conversation.ical_uid,
                json.dumps(conversation.to_json(), ensure_ascii=False),
                _ts(conversation.last_activity),
            ),
        )

    def conversations(self, state: ConversationState | None = None) -> list[Conversation]:
        if state is None:
            rows = self._query("SELECT data FROM conversations ORDER BY updated_at DESC")
        else:
            rows = self._query(
                "SELECT data FROM conversations WHERE state = ? ORDER BY updated_at DESC", (state.value,)
            )
        return [Conversation.from_json(json.loads(r["data"])) for r in rows]

    def conversation_for_event(self, *, ical_uid: str = "", event_id: str = "") -> Conversation | None:
        """The conversation an iMIP REPLY/COUNTER or calendar change belongs to."""
        rows = self._query(
            "SELECT data FROM conversations WHERE (? != '' AND ical_uid = ?) OR (? != '' AND event_id = ?) "
            "ORDER BY updated_at DESC LIMIT 1",
            (ical_uid, ical_uid, event_id, event_id),
        )
        return Conversation.from_json(json.loads(rows[0]["data"])) if rows else None

    # ── holds ──────────────────────────────────────────────────────────────────────────────────

    def place_holds(self, thread_id: str, intervals: Sequence[Interval], *, expires: datetime) -> None:
        """Hold slots for a thread; holding the same slot again only moves its expiry (re-runs are harmless)."""
        with self.transaction():
            self._conn.executemany(
                'INSERT INTO holds (thread_id, start, "end", expires) VALUES (?, ?, ?, ?) '
                'ON CONFLICT (thread_id, start, "end") DO UPDATE SET expires = excluded.expires',
                [(thread_id, _ts(i.start), _ts(i.end), _ts(expires)) for i in intervals],
            )

    def release_holds(self, thread_id: str) -> int:
        return self._execute("DELETE FROM holds WHERE thread_id = ?", (thread_id,)).rowcount

    def holds(self, *, now: datetime, window: Interval | None = None, exclude_thread: str | None = None) -> list[Hold]:
        """Unexpired holds, optionally only those overlapping `window` and not belonging to one thread."""
        sql = 'SELECT thread_id, start, "end", expires FROM holds WHERE expires > ?'
        params: list[Any] = [_ts(now)]
        if window is not None:
            sql += ' AND start < ? AND "end" > ?'
            params += [_ts(window.end), _ts(window.start)]
        if exclude_thread is not None:
            sql += " AND thread_id != ?"
            params.append(exclude_thread)
        rows = self._query(sql + " ORDER BY start", params)
        return [Hold(r["thread_id"], Interval(_dt(r["start"]), _dt(r["end"])), _dt(r["expires"])) for r in rows]

    def purge_expired_holds(self, *, now: datetime) -> int:
        return self._execute("DELETE FROM holds WHERE expires <= ?", (_ts(now),)).rowcount

    # ── timers ─────────────────────────────────────────────────────────────────────────────────

    def schedule_timer(self, thread_id: str, kind: TimerKind, at: datetime) -> None:
        self._execute(
            "INSERT INTO timers (thread_id, kind, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (thread_id, kind.value, _ts(at)),
        )

    def cancel_timers(self, thread_id: str) -> int:
        return self._execute("DELETE FROM timers WHERE thread_id = ?", (thread_id,)).rowcount

    def due_timers(self, *, now: datetime) -> list[TimerDue]:
        rows = self._query("SELECT thread_id, kind, at FROM timers WHERE at <= ? ORDER BY at", (_ts(now),))
        return [TimerDue(thread_id=r["thread_id"], kind=TimerKind(r["kind"]), at=_dt(r["at"])) for r in rows]

    def timer_done(self, timer: TimerDue) -> None:
        self._execute(
            "DELETE FROM timers WHERE thread_id = ? AND kind = ? AND at = ?",
            (timer.thread_id, timer.kind.value, _ts(timer.at)),
        )

    # ── outbox ─────────────────────────────────────────────────────────────────────────────────

    def enqueue(self, key: str, *, thread_id: str, type: str, payload: dict[str, Any], now: datetime) -> bool:
        """Add an effect to send; False (and no change) when the key is already there."""
        cursor = self._execute(
            "INSERT INTO outbox (key, thread_id, type, payload, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO NOTHING",
            (key, thread_id, type, json.dumps(payload, ensure_ascii=False), _ts(now), _ts(now)),
        )
        return cursor.rowcount == 1

    def pending(self, *, limit: int = 100) -> list[OutboxItem]:
        rows = self._query("SELECT * FROM outbox WHERE status = 'pending' ORDER BY created_at, rowid LIMIT ?", (limit,))
        return [self._item(r) for r in rows]

    def outbox_item(self, key: str) -> OutboxItem | None:
        rows = self._query("SELECT * FROM outbox WHERE key = ?", (key,))
        return self._item(rows[0]) if rows else None

    @staticmethod
    def _item(row: sqlite3.Row) -> OutboxItem:
        return OutboxItem(
            key=row["key"],
            thread_id=row["thread_id"],
            type=row["type"],
            payload=json.loads(row["payload"]),
            status=row["status"],
            attempts=row["attempts"],
            last_error=row["last_error"],
            created_at=_dt(row["created_at"]),
        )

    def mark_sent(self, key: str, *, now: datetime) -> None:
        self._execute(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = NULL, updated_at = ? "
            "WHERE key = ?",
            (_ts(now), key),
        )

    def mark_failed(
        self, key: str, error: str, *, now: datetime, permanent: bool = False, max_attempts: int = 5
    ) -> str:
        """Count a failed attempt; the item stays pending for a retry until it is permanent or out of tries."""
        with self.transaction():
            self._conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, updated_at = ?, "
                "status = CASE WHEN ? OR attempts + 1 >= ? THEN 'failed' ELSE 'pending' END WHERE key = ?",
                (error[:1000], _ts(now), permanent, max_attempts, key),
            )
            row = self._conn.execute("SELECT status FROM outbox WHERE key = ?", (key,)).fetchone()
        return row["status"] if row else "missing"

    # ── audit, quota and errors ────────────────────────────────────────────────────────────────

    def audit(self, thread_id: str, kind: str, details: dict[str, Any], *, now: datetime) -> None:
        self._execute(
            "INSERT INTO audit (at, thread_id, kind, details) VALUES (?, ?, ?, ?)",
            (_ts(now), thread_id, kind, json.dumps(details, ensure_ascii=False, default=str)),
        )

    def audit_log(self, *, thread_id: str | None = None, limit: int = 50) -> list[AuditEntry]:
        if thread_id is None:
            rows = self._query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._query("SELECT * FROM audit WHERE thread_id = ? ORDER BY id DESC LIMIT ?", (thread_id, limit))
        return [AuditEntry(_dt(r["at"]), r["thread_id"], r["kind"], json.loads(r["details"])) for r in reversed(rows)]

    def replies_sent(self, thread_id: str) -> int:
        """Mails the agent has queued in a thread: triage treats a long run of them as a mail loop."""
        rows = self._query("SELECT COUNT(*) AS n FROM outbox WHERE thread_id = ? AND type = 'send_reply'", (thread_id,))
        return int(rows[0]["n"])

    def take_send_quota(self, *, now: datetime, limit: int) -> bool:
        """Count one send against today's (UTC) limit; False, counting nothing, when the limit is reached."""
        day = now.astimezone(UTC).date().isoformat()
        with self.transaction():
            row = self._conn.execute("SELECT count FROM send_counter WHERE day = ?", (day,)).fetchone()
            if row and row["count"] >= limit:
                return False
            self._conn.execute(
                "INSERT INTO send_counter (day, count) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET count = count + 1",
                (day,),
            )
        return True

    def sends_today(self, *, now: datetime) -> int:
        rows = self._query("SELECT count FROM send_counter WHERE day = ?", (now.astimezone(UTC).date().isoformat(),))
        return rows[0]["count"] if rows else 0

    def record_error(self, source: str, message: str, *, now: datetime) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO errors (at, source, message) VALUES (?, ?, ?)", (_ts(now), source, message[:2000])
            )
            self._conn.execute("DELETE FROM errors WHERE id <= (SELECT MAX(id) FROM errors) - ?", (_KEEP_ERRORS,))

    def last_errors(self, *, limit: int = 10) -> list[dict[str, str]]:
        rows = self._query("SELECT at, source, message FROM errors ORDER BY id DESC LIMIT ?", (limit,))
        return [{"at": r["at"], "source": r["source"], "message": r["message"]} for r in rows]

    # ── one step, atomically ───────────────────────────────────────────────────────────────────

    def commit_step(
        self,
        conversation: Conversation,
        actions: Sequence[Action],
        *,
        before: Conversation | None,
        now: datetime,
        message_id: str | None = None,
        also_done: Sequence[str] = (),
        timer: TimerDue | None = None,
        audit: dict[str, Any] | None = None,
    ) -> list[str]:
        """Persist the outcome of one `negotiation.step` in a single transaction.

        Local actions (holds, timers, human flags) are applied in order; external ones are queued in
        the outbox under their keys. The inbound message is marked done (or the fired timer removed)
        in the same transaction, so either the whole step is durable or it will be handled again;
        `also_done` marks further ids (the mail's RFC Message-ID, so a second delivery is recognised).
        `before` is the conversation the step started from: if the stored one differs (a cron run and
        the daemon handled two mails of one thread at once), nothing is saved and StaleConversation
        is raised, so the caller releases its claim and the message is handled again on fresh state.
        Returns the outbox keys newly queued.
        """
        queued: list[str] = []
        with self.transaction():
            if self.get_conversation(conversation.thread_id) != before:
                raise StaleConversation(f"conversation {conversation.thread_id} changed while a step was running")
            self.put_conversation(conversation)
            for action in actions:
                if isinstance(action, PlaceHolds):
                    self._check_free(action, now=now)
                    self.place_holds(action.thread_id, action.intervals, expires=action.expires)
                elif isinstance(action, ReleaseHolds):
                    self.release_holds(action.thread_id)
                elif isinstance(action, ScheduleTimer):
                    self.schedule_timer(action.thread_id, action.kind, action.at)
                elif isinstance(action, CancelTimers):
                    self.cancel_timers(action.thread_id)
                elif isinstance(action, FlagHuman):
                    self.audit(action.thread_id, "flag_human", {"reason": action.reason}, now=now)
                elif action.type in EXTERNAL_ACTIONS and self.enqueue(
                    action.key, thread_id=action.thread_id, type=action.type, payload=action.to_json(), now=now
                ):
                    queued.append(action.key)
            self.audit(
                conversation.thread_id,
                "step",
                {
                    **(audit or {}),
                    "message_id": message_id,
                    "timer": timer.source_id if timer else None,
                    "state": conversation.state.value,
                    "actions": [a.type for a in actions],
                },
                now=now,
            )
            if message_id is not None:
                self.mark_done(message_id, now=now)
            for other in also_done:
                self.mark_done(other, now=now)
            if timer is not None:
                self.timer_done(timer)
        return queued

    def _check_free(self, hold: PlaceHolds, *, now: datetime) -> None:
        """Refuse holds on time another conversation holds: that decision was made before the other's holds
        were committed (two passes at once), and offering one slot to two people is what holds prevent."""
        for interval in hold.intervals:
            if self.holds(now=now, window=interval, exclude_thread=hold.thread_id):
                raise StaleConversation(
                    f"conversation {hold.thread_id}: {interval.start.isoformat()} is held by another conversation"
                )

    def status(self, *, now: datetime) -> dict[str, Any]:
        """The `status --json` summary: conversations by state, who needs a person, holds, outbox, errors."""
        by_state = {
            r["state"]: r["n"] for r in self._query("SELECT state, COUNT(*) AS n FROM conversations GROUP BY state")
        }
        outbox = {r["status"]: r["n"] for r in self._query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")}
        flagged = [
            {"thread_id": c.thread_id, "reason": c.reason, "since": c.last_activity.isoformat()}
            for c in self.conversations(ConversationState.NEEDS_HUMAN)
        ]
        return {
            "schema_version": self.schema_version,
            "conversations": by_state,
            "needs_human": flagged,
            "holds": len(self.holds(now=now)),
            "timers_due": len(self.due_timers(now=now)),
            "outbox": outbox,
            "sends_today": self.sends_today(now=now),
            "last_errors": self.last_errors(),
        }
