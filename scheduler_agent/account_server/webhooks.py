"""Webhook destinations (`/v3/webhooks`): CRUD, the challenge handshake, secrets, test events.

A destination is only stored once its URL has answered `GET <url>?challenge=…` with exactly that
string within 10 s, as v3 requires; the same check runs again when an update changes the URL. The
secret that signs deliveries is shown only when it is made (create, rotate). Deliveries themselves
are webhook_delivery.py's job; this module wires its dispatcher into `ctx.notifiers`.
"""

from __future__ import annotations

import secrets
import socket
import sqlite3
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import webhook_delivery
from .admin_common import AppIds, app_ids, dumps, loads, new_uuid, optional_text, strict_bool, string_list
from .context import JSONDict, ServerContext
from .grants import valid_email
from .http import ApiError, Request, Response, Router, bad_request, deleted, not_found, ok, ok_list
from .webhook_delivery import REQUEST_TIMEOUT, WebhookDispatcher, encode, envelope, sign

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY,
    description TEXT,
    trigger_types TEXT NOT NULL,
    webhook_url TEXT NOT NULL,
    status TEXT NOT NULL,
    notification_email_addresses TEXT NOT NULL,
    compressed_delivery INTEGER NOT NULL DEFAULT 0,
    secret TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    status_updated_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
"""
    + webhook_delivery.SCHEMA
)

TRIGGERS = frozenset(
    {
        *(f"booking.{s}" for s in ("created", "pending", "rescheduled", "cancelled", "reminder")),
        *(f"calendar.{s}" for s in ("created", "updated", "deleted")),
        *(f"contact.{s}" for s in ("updated", "deleted")),
        *(f"event.{s}" for s in ("created", "updated", "deleted")),
        *(f"folder.{s}" for s in ("created", "updated", "deleted")),
        *(f"grant.{s}" for s in ("created", "updated", "deleted", "expired")),
        *(
            f"message.{s}"
            for s in (
                "created",
                "created.cleaned",
                "updated",
                "deleted",
                "send_success",
                "send_failed",
                "bounce_detected",
                "opened",
                "link_clicked",
                "opened.legacy",
                "link_clicked.legacy",
                "delivered",
                "bounced",
                "complaint",
                "rejected",
                "intelligence.order",
                "intelligence.tracking",
                "intelligence.return",
            )
        ),
        "thread.replied",
        "thread.replied.legacy",
    }
)
SETTABLE_STATUSES = ("active", "pause")
MOCK_SECRET = "mock-webhook-secret"


def challenge_failed(reason: str) -> ApiError:
    return ApiError(400, "70005", f"unable.verify.webhook_url : {reason}")


def verify_url(url: str) -> None:
    """The v3 handshake: the endpoint must echo the challenge, byte for byte, with a 200, within 10 s."""
    challenge = secrets.token_urlsafe(24)
    try:
        response = httpx.get(url, params={"challenge": challenge}, timeout=REQUEST_TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise challenge_failed(f"{url} could not be reached ({type(exc).__name__}: {exc})") from None
    if response.status_code != 200:
        raise challenge_failed(f"{url} answered the challenge with HTTP {response.status_code}, not 200")
    if response.content != challenge.encode("ascii"):
        raise challenge_failed(f"{url} did not echo the challenge string exactly")


def checked_url(raw: Any) -> str:
    parts = urlsplit(raw) if isinstance(raw, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or len(raw) > 2048:
        raise bad_request("webhook_url must be an absolute http(s) URL of at most 2048 characters")
    return str(raw)


def checked_triggers(raw: Any) -> list[str]:
    triggers = list(dict.fromkeys(string_list(raw, "trigger_types", limit=100)))
    if not triggers:
        raise bad_request("trigger_types must name at least one trigger")
    unknown = [t for t in triggers if t not in TRIGGERS]
    if unknown:
        raise bad_request(f"unknown trigger type(s): {', '.join(unknown)}")
    return triggers


def checked_emails(raw: Any) -> list[str]:
    emails = string_list(raw or [], "notification_email_addresses", limit=20)
    bad = [e for e in emails if not valid_email(e)]
    if bad:
        raise bad_request(f"not email addresses: {', '.join(bad)}")
    return emails


def sample_object(trigger: str, grant_id: str, now: int) -> JSONDict:
    """An example `data.object` for mock payloads and test events, shaped like the real one."""
    kind = trigger.split(".", 1)[0]
    object_id = f"mock-{kind}-{secrets.token_hex(6)}"
    if kind == "message":
        return {
            "id": object_id,
            "grant_id": grant_id,
            "object": "message",
            "thread_id": f"mock-thread-{secrets.token_hex(6)}",
            "subject": "Can we meet next week?",
            "from": [{"name": "Dana Example", "email": "dana@example.com"}],
            "to": [{"name": "Agent", "email": "agent@example.com"}],
            "cc": [],
            "bcc": [],
            "reply_to": [],
            "date": now,
            "created_at": now,
            "unread": True,
            "starred": False,
            "snippet": "Do you have 30 minutes on Tuesday?",
            "body": "<p>Do you have 30 minutes on Tuesday?</p>",
            "folders": ["inbox"],
            "attachments": [],
            "metadata": {},
        }
    if kind == "event":
        return {
            "id": object_id,
            "grant_id": grant_id,
            "calendar_id": "primary",
            "object": "event",
            "title": "Planning",
            "busy": True,
            "status": "cancelled" if trigger == "event.deleted" else "confirmed",
            "participants": [{"email": "dana@example.com", "status": "noreply"}],
            "when": {"object": "timespan", "start_time": now + 86400, "end_time": now + 88200},
            "created_at": now,
            "updated_at": now,
        }
    return {"id": object_id, "grant_id": grant_id, "object": kind}


def _egress_addresses() -> list[str]:
    """The addresses this host may call webhook URLs from (every address its own name resolves to)."""
    found: set[str] = set()
    for name in {socket.gethostname(), "localhost"}:
        try:
            found.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
        except OSError:
            continue
    return sorted(found)


def install(ctx: ServerContext, router: Router) -> None:
    """Register the webhook routes and start the delivery workers."""
    ids: AppIds = app_ids(ctx)
    started_at = ctx.timestamp()
    dispatcher = WebhookDispatcher(ctx, ids)
    ctx.notifiers.append(dispatcher)
    ctx.stoppers.append(dispatcher.stop)
    dispatcher.start()

    def webhook_json(row: sqlite3.Row, *, with_secret: bool = False) -> JSONDict:
        data = {
            "id": row["id"],
            "description": row["description"],
            "trigger_types": loads(row["trigger_types"]),
            "webhook_url": row["webhook_url"],
            "status": row["status"],
            "notification_email_addresses": loads(row["notification_email_addresses"]),
            "compressed_delivery": bool(row["compressed_delivery"]),
            "status_updated_at": row["status_updated_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        if with_secret:
            data["webhook_secret"] = row["secret"]
        return data

    def load(webhook_id: str) -> sqlite3.Row:
        row = ctx.db.one("SELECT * FROM webhooks WHERE id = ?", (webhook_id,))
        if row is None:
            raise not_found("webhook")
        return row

    @router.route("GET", "/v3/webhooks")
    def list_webhooks(req: Request) -> Response:
        return ok_list([webhook_json(r) for r in ctx.db.query("SELECT * FROM webhooks ORDER BY created_at, id")], None)

    @router.route("POST", "/v3/webhooks")
    def create_webhook(req: Request) -> Response:
        body = req.json()
        triggers = checked_triggers(body.get("trigger_types"))
        url = checked_url(body.get("webhook_url"))
        description = optional_text(body, "description")
        emails = checked_emails(body.get("notification_email_addresses"))
        compressed = strict_bool(body.get("compressed_delivery", False), "compressed_delivery")
        verify_url(url)
        webhook_id, now = new_uuid(), ctx.timestamp()
        with ctx.db.tx() as conn:
            conn.execute(
                "INSERT INTO webhooks (id, description, trigger_types, webhook_url, status,"
                " notification_email_addresses, compressed_delivery, secret, status_updated_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)",
                (
                    webhook_id,
                    description,
                    dumps(triggers),
                    url,
                    dumps(emails),
                    int(compressed),
                    secrets.token_hex(32),
                    now,
                    now,
                    now,
                ),
            )
        return ok(webhook_json(load(webhook_id), with_secret=True))

    @router.route("GET", "/v3/webhooks/ip-addresses")
    def ip_addresses(req: Request) -> Response:
        return ok({"ip_addresses": _egress_addresses(), "updated_at": started_at})

    @router.route("GET", "/v3/webhooks/{webhook_id}")
    def get_webhook(req: Request) -> Response:
        return ok(webhook_json(load(req.params["webhook_id"])))

    @router.route("PUT", "/v3/webhooks/{webhook_id}")
    def update_webhook(req: Request) -> Response:
        row = load(req.params["webhook_id"])
        body = req.json()
        sets: dict[str, Any] = {}
        if "trigger_types" in body:
            sets["trigger_types"] = dumps(checked_triggers(body["trigger_types"]))
        if "description" in body:
            sets["description"] = optional_text(body, "description")
        if "notification_email_addresses" in body:
            sets["notification_email_addresses"] = dumps(checked_emails(body["notification_email_addresses"]))
        if "compressed_delivery" in body:
            sets["compressed_delivery"] = int(strict_bool(body["compressed_delivery"], "compressed_delivery"))
        now = ctx.timestamp()
        if "status" in body:
            if body["status"] not in SETTABLE_STATUSES:
                raise bad_request("status must be active or pause")
            if body["status"] != row["status"]:
                sets.update(status=body["status"], status_updated_at=now, failures=0)
        if "webhook_url" in body and body["webhook_url"] != row["webhook_url"]:
            sets["webhook_url"] = checked_url(body["webhook_url"])
            verify_url(sets["webhook_url"])
        sets["updated_at"] = now
        with ctx.db.tx() as conn:
            assignments = ", ".join(f"{column} = ?" for column in sets)
            conn.execute(f"UPDATE webhooks SET {assignments} WHERE id = ?", [*sets.values(), row["id"]])
        return ok(webhook_json(load(row["id"])))

    @router.route("DELETE", "/v3/webhooks/{webhook_id}")
    def delete_webhook(req: Request) -> Response:
        row = load(req.params["webhook_id"])
        with ctx.db.tx() as conn:
            conn.execute("DELETE FROM webhooks WHERE id = ?", (row["id"],))
        return deleted({"status": "success"})

    def rotate(webhook_id: str) -> Response:
        row = load(webhook_id)
        with ctx.db.tx() as conn:
            conn.execute(
                "UPDATE webhooks SET secret = ?, updated_at = ? WHERE id = ?",
                (secrets.token_hex(32), ctx.timestamp(), row["id"]),
            )
        return ok(webhook_json(load(row["id"]), with_secret=True))

    router.add("POST", "/v3/webhooks/rotate-secret/{webhook_id}", lambda req: rotate(req.params["webhook_id"]))
    router.add("PUT", "/v3/webhooks/{webhook_id}/rotate-secret", lambda req: rotate(req.params["webhook_id"]))

    def mock_envelope(trigger: Any) -> JSONDict:
        if trigger not in TRIGGERS:
            raise bad_request(f"trigger_type must be one of the webhook triggers, not {trigger!r}")
        now = ctx.timestamp()
        grant_id = "mock-grant-id"
        return envelope(
            ids, trigger, grant_id, sample_object(trigger, grant_id, now), now=now, notification_id=new_uuid()
        )

    @router.route("POST", "/v3/webhooks/mock-payload")
    def mock_payload(req: Request) -> Response:
        return ok(mock_envelope(req.json().get("trigger_type")))

    @router.route("POST", "/v3/webhooks/send-test-event")
    def send_test_event(req: Request) -> Response:
        body = req.json()
        url = checked_url(body.get("webhook_url"))
        payload = encode(mock_envelope(body.get("trigger_type")), 1)
        headers = {"Content-Type": "application/json", "X-Nylas-Signature": sign(MOCK_SECRET, payload)}
        try:
            answer = httpx.post(url, content=payload, headers=headers, timeout=REQUEST_TIMEOUT, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise bad_request(f"test event could not be delivered to {url}: {type(exc).__name__}: {exc}") from None
        if not 200 <= answer.status_code < 300:
            raise bad_request(f"test event delivered to {url}, which answered HTTP {answer.status_code}")
        return ok({"status": "success"})
