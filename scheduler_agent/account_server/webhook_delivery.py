"""Signed webhook deliveries: the CloudEvents-style envelope, the HMAC signature, a persistent retry queue.

A notification becomes one `webhook_deliveries` row per subscribed destination, written inside the
transaction that produced it (a rolled-back change notifies nobody) and read back by worker threads,
so the API request that caused it pays for one INSERT and a restart resumes whatever was pending.
Workers sign each attempt with the destination's *current* secret (a rotation takes effect at once),
retry 408/429/502/503/504/507 and connection errors with exponential backoff (Retry-After wins on
429), and mark a destination `failing` after repeated failed deliveries, `failed` after 72 hours of
that. Backoff uses the wall clock because retry times are persisted across restarts.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import hmac
import json
import logging
import threading
import time

import httpx

from .admin_common import AppIds, dumps, loads, new_uuid
from .context import JSONDict, ServerContext

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    envelope TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
"""

MAX_ATTEMPTS = 3
RETRYABLE_STATUSES = frozenset({408, 429, 502, 503, 504, 507})
BACKOFF_FACTOR = 4
MAX_RETRY_AFTER = 3600.0
MAX_PAYLOAD_BYTES = 1_000_000
REQUEST_TIMEOUT = 10.0
FAILING_AFTER = 2
FAILED_AFTER_SECONDS = 72 * 3600
FAILED_ROW_RETENTION = 7 * 24 * 3600
IDLE_WAIT = 5.0
ACTIVE_STATUSES = ("active", "failing")


def sign(secret: str, body: bytes) -> str:
    """X-Nylas-Signature: lowercase hex HMAC-SHA256 of the exact bytes sent."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def envelope(
    ids: AppIds, trigger: str, grant_id: str | None, obj: JSONDict, *, now: int, notification_id: str
) -> JSONDict:
    """The notification as v3 sends it; over 1 MB the object loses its body and the type gains `.truncated`."""
    body: JSONDict = {
        "specversion": "1.0",
        "type": trigger,
        "source": "/nylas/agent-account",
        "id": notification_id,
        "time": now,
        "webhook_delivery_attempt": 1,
        "data": {"application_id": ids.application_id, "grant_id": grant_id, "object": obj},
    }
    if len(dumps(body).encode("utf-8")) > MAX_PAYLOAD_BYTES:
        body["type"] = f"{trigger}.truncated"
        body["data"]["object"] = {k: v for k, v in obj.items() if k != "body"}
    return body


def encode(notification: JSONDict, attempt: int) -> bytes:
    return dumps({**notification, "webhook_delivery_attempt": attempt}).encode("utf-8")


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), bounded; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, when.timestamp() - time.time()), MAX_RETRY_AFTER)


class WebhookDispatcher:
    """The `ctx.notifiers` listener and the worker threads that deliver what it queues."""

    def __init__(self, ctx: ServerContext, ids: AppIds, *, workers: int = 2) -> None:
        self._ctx = ctx
        self._ids = ids
        self._http = httpx.Client(timeout=REQUEST_TIMEOUT, follow_redirects=False)
        self._cond = threading.Condition()
        self._signal = 0
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"webhooks-{i}", daemon=True) for i in range(workers)]

    def start(self) -> None:
        """Resume deliveries a previous process left mid-attempt, then start the workers."""
        with self._ctx.db.tx() as conn:
            conn.execute("UPDATE webhook_deliveries SET state = 'pending' WHERE state = 'sending'")
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=REQUEST_TIMEOUT + 1)
        self._http.close()

    def __call__(self, grant_id: str, trigger: str, obj: JSONDict) -> None:
        """Queue one notification for every destination subscribed to it; never raises into the caller."""
        try:
            queued = self.enqueue(grant_id, trigger, obj)
        except Exception:
            log.exception("could not queue webhook %s for grant %s", trigger, grant_id)
            return
        if queued:
            self._wake()

    def enqueue(self, grant_id: str | None, trigger: str, obj: JSONDict) -> int:
        """Write the delivery rows; returns how many destinations will be called.

        The subscription check is a plain read, so mail and calendar writes pay nothing extra while no
        destination wants their trigger; the insert re-checks each destination still exists.
        """
        rows = self._ctx.db.query("SELECT id, trigger_types FROM webhooks WHERE status IN (?, ?)", ACTIVE_STATUSES)
        hooks = [row["id"] for row in rows if trigger in loads(row["trigger_types"], [])]
        if not hooks:
            return 0
        notification = envelope(
            self._ids, trigger, grant_id, obj, now=self._ctx.timestamp(), notification_id=new_uuid()
        )
        text, now = dumps(notification), time.time()
        with self._ctx.db.tx() as conn:
            conn.executemany(
                "INSERT INTO webhook_deliveries (webhook_id, envelope, next_attempt_at, created_at)"
                " SELECT id, ?, ?, ? FROM webhooks WHERE id = ?",
                [(text, now, now, hook_id) for hook_id in hooks],
            )
        return len(hooks)

    def _wake(self) -> None:
        with self._cond:
            self._signal += 1
            self._cond.notify_all()

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._cond:
                seen = self._signal
            try:
                claimed, next_due = self._claim()
                if claimed is not None:
                    self._attempt(claimed)
                    continue
            except Exception:
                log.exception("webhook worker error; retrying shortly")
                next_due = time.time() + IDLE_WAIT
            wait = IDLE_WAIT if next_due is None else min(IDLE_WAIT, max(0.0, next_due - time.time()))
            with self._cond:
                if self._signal == seen and not self._stopping.is_set():
                    self._cond.wait(wait)

    def _claim(self) -> tuple[JSONDict | None, float | None]:
        """Take the next due delivery (and its destination), or report when the next one falls due."""
        now = time.time()
        with self._ctx.db.tx() as conn:
            row = conn.execute(
                "SELECT d.*, w.webhook_url, w.secret, w.status, w.compressed_delivery FROM webhook_deliveries d"
                " JOIN webhooks w ON w.id = d.webhook_id"
                " WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT 1",
                (now,),
            ).fetchone()
            if row is None:
                due = conn.execute("SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'")
                return None, due.fetchone()[0]
            if row["status"] not in ACTIVE_STATUSES:
                # Paused or failed destinations drop what was queued: v3 does not replay those events.
                conn.execute("DELETE FROM webhook_deliveries WHERE id = ?", (row["id"],))
                return None, now
            conn.execute("UPDATE webhook_deliveries SET state = 'sending' WHERE id = ?", (row["id"],))
        return dict(row), None

    def _attempt(self, delivery: JSONDict) -> None:
        attempt = delivery["attempts"] + 1
        body = encode(json.loads(delivery["envelope"]), attempt)
        headers = {"Content-Type": "application/json", "User-Agent": "scheduler-agent-webhooks"}
        if delivery["compressed_delivery"]:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        headers["X-Nylas-Signature"] = sign(delivery["secret"], body)
        status: int | None = None
        retry_after: float | None = None
        try:
            response = self._http.post(delivery["webhook_url"], content=body, headers=headers)
            status = response.status_code
            error = None if 200 <= status < 300 else f"HTTP {status}"
            if status == 429:
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            self._succeeded(delivery)
        elif attempt < MAX_ATTEMPTS and (status is None or status in RETRYABLE_STATUSES):
            delay = self._ctx.webhook_backoff_seconds * BACKOFF_FACTOR ** (attempt - 1)
            self._reschedule(delivery, attempt, status, error, retry_after if retry_after is not None else delay)
        else:
            self._failed(delivery, attempt, status, error)

    def _succeeded(self, delivery: JSONDict) -> None:
        with self._ctx.db.tx() as conn:
            conn.execute("DELETE FROM webhook_deliveries WHERE id = ?", (delivery["id"],))
            conn.execute(
                "UPDATE webhooks SET failures = 0, status = CASE WHEN status = 'failing' THEN 'active' ELSE status END,"
                " status_updated_at = CASE WHEN status = 'failing' THEN ? ELSE status_updated_at END WHERE id = ?",
                (self._ctx.timestamp(), delivery["webhook_id"]),
            )

    def _reschedule(self, delivery: JSONDict, attempt: int, status: int | None, error: str, delay: float) -> None:
        log.info("webhook %s attempt %d failed (%s); retry in %.1f s", delivery["webhook_id"], attempt, error, delay)
        with self._ctx.db.tx() as conn:
            conn.execute(
                "UPDATE webhook_deliveries SET state = 'pending', attempts = ?, next_attempt_at = ?, last_status = ?,"
                " last_error = ? WHERE id = ?",
                (attempt, time.time() + delay, status, error, delivery["id"]),
            )

    def _failed(self, delivery: JSONDict, attempt: int, status: int | None, error: str) -> None:
        log.warning("webhook %s delivery gave up after %d attempt(s): %s", delivery["webhook_id"], attempt, error)
        now, stamp = time.time(), self._ctx.timestamp()
        with self._ctx.db.tx() as conn:
            conn.execute(
                "UPDATE webhook_deliveries SET state = 'failed', attempts = ?, last_status = ?, last_error = ?"
                " WHERE id = ?",
                (attempt, status, error, delivery["id"]),
            )
            conn.execute(
                "DELETE FROM webhook_deliveries WHERE state = 'failed' AND created_at < ?",
                (now - FAILED_ROW_RETENTION,),
            )
            hook = conn.execute(
                "UPDATE webhooks SET failures = failures + 1 WHERE id = ?"
                " RETURNING failures, status, status_updated_at",
                (delivery["webhook_id"],),
            ).fetchone()
            if hook is None:
                return
            new_status = status_after_failure(hook["status"], hook["failures"], stamp - hook["status_updated_at"])
            if new_status != hook["status"]:
                log.warning("webhook %s is now %s", delivery["webhook_id"], new_status)
                conn.execute(
                    "UPDATE webhooks SET status = ?, status_updated_at = ?, updated_at = ? WHERE id = ?",
                    (new_status, stamp, stamp, delivery["webhook_id"]),
                )


def status_after_failure(status: str, failures: int, seconds_in_status: float) -> str:
    """A destination's status after a delivery gave up: failing after repeated failures, failed 72 h on."""
    if status == "active" and failures >= FAILING_AFTER:
        return "failing"
    if status == "failing" and seconds_in_status >= FAILED_AFTER_SECONDS:
        return "failed"
    return status
