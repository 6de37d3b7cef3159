"""Webhooks of the account server: challenge, signed CloudEvents deliveries, retries, pause, rotation."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.account_server.webhook_delivery import WebhookDispatcher, retry_after_seconds, status_after_failure

if TYPE_CHECKING:  # fixtures come from conftest.py; importing it by name breaks once subdirectories have their own
    from conftest import WebhookReceiver

FAST = 0.05
KEY = "restart-test-key"


def signature_ok(secret: str, headers: dict[str, str], body: bytes) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get("x-nylas-signature", ""), expected)


def create_hook(api: httpx.Client, receiver: WebhookReceiver, *triggers: str) -> dict:
    r = api.post("/v3/webhooks", json={"trigger_types": list(triggers), "webhook_url": receiver.url})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def rename(api: httpx.Client, grant: dict, name: str) -> None:
    assert api.patch(f"/v3/grants/{grant['id']}", json={"name": name}).status_code == 200


@pytest.fixture
def fast_retries(account_server: AccountServer) -> None:
    account_server.ctx.webhook_backoff_seconds = FAST


def test_create_runs_the_challenge_and_shows_the_secret_only_once(
    api: httpx.Client, webhook_receiver: WebhookReceiver
) -> None:
    hook = create_hook(api, webhook_receiver, "message.created", "event.updated")
    assert len(webhook_receiver.challenges) == 1
    assert len(webhook_receiver.challenges[0]) >= 16
    assert hook["status"] == "active"
    assert hook["trigger_types"] == ["message.created", "event.updated"]
    assert len(hook["webhook_secret"]) >= 32
    for key in ("id", "webhook_url", "notification_email_addresses", "status_updated_at", "created_at", "updated_at"):
        assert key in hook
    shown = api.get(f"/v3/webhooks/{hook['id']}").json()["data"]
    assert "webhook_secret" not in shown
    listed = api.get("/v3/webhooks").json()
    assert [w["id"] for w in listed["data"]] == [hook["id"]]
    assert "webhook_secret" not in listed["data"][0]


def test_a_failed_challenge_refuses_the_destination(api: httpx.Client, webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.echo_challenge = False
    r = api.post("/v3/webhooks", json={"trigger_types": ["message.created"], "webhook_url": webhook_receiver.url})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "70005"
    assert "challenge" in r.json()["error"]["message"]
    closed = "http://127.0.0.1:9/hooks"  # discard port: nothing listens
    r = api.post("/v3/webhooks", json={"trigger_types": ["message.created"], "webhook_url": closed})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "70005"
    assert api.get("/v3/webhooks").json()["data"] == []


def test_bad_destinations_get_clear_errors(api: httpx.Client, webhook_receiver: WebhookReceiver) -> None:
    for body in (
        {"trigger_types": ["message.exploded"], "webhook_url": webhook_receiver.url},
        {"trigger_types": [], "webhook_url": webhook_receiver.url},
        {"trigger_types": ["message.created"], "webhook_url": "ftp://example.com/x"},
        {"trigger_types": ["message.created"]},
        {"trigger_types": ["message.created"], "webhook_url": webhook_receiver.url, "compressed_delivery": "yes"},
    ):
        r = api.post("/v3/webhooks", json=body)
        assert r.status_code == 400, body
        assert r.json()["error"]["message"]
    assert api.get("/v3/webhooks/nope").status_code == 404


def test_deliveries_are_signed_cloudevents(api: httpx.Client, grant: dict, webhook_receiver: WebhookReceiver) -> None:
    hook = create_hook(api, webhook_receiver, "grant.updated")
    rename(api, grant, "Renamed")
    headers, body = webhook_receiver.wait_for(1)[0]
    assert signature_ok(hook["webhook_secret"], headers, body)
    assert headers["content-type"] == "application/json"
    event = json.loads(body)
    assert event["specversion"] == "1.0"
    assert event["type"] == "grant.updated"
    assert event["id"]
    assert isinstance(event["time"], int)
    assert event["webhook_delivery_attempt"] == 1
    assert event["source"].startswith("/")
    assert event["data"]["grant_id"] == grant["id"]
    assert event["data"]["application_id"]
    assert event["data"]["object"]["id"] == grant["id"]
    assert event["data"]["object"]["name"] == "Renamed"


def test_only_subscribed_triggers_are_delivered(
    api: httpx.Client, account_server: AccountServer, grant: dict, webhook_receiver: WebhookReceiver
) -> None:
    create_hook(api, webhook_receiver, "event.created")
    rename(api, grant, "Not delivered")
    account_server.ctx.notify(grant["id"], "event.created", {"id": "e1", "object": "event"})
    deliveries = webhook_receiver.wait_for(1)
    time.sleep(0.2)
    assert len(webhook_receiver.deliveries) == 1
    assert json.loads(deliveries[0][1])["type"] == "event.created"


def test_rotation_changes_the_signing_secret(api: httpx.Client, grant: dict, webhook_receiver: WebhookReceiver) -> None:
    hook = create_hook(api, webhook_receiver, "grant.updated")
    old = hook["webhook_secret"]
    rotated = api.put(f"/v3/webhooks/{hook['id']}/rotate-secret", json={}).json()["data"]
    assert rotated["webhook_secret"] != old
    rename(api, grant, "After SDK-style rotation")
    headers, body = webhook_receiver.wait_for(1)[0]
    assert signature_ok(rotated["webhook_secret"], headers, body)
    assert not signature_ok(old, headers, body)
    again = api.post(f"/v3/webhooks/rotate-secret/{hook['id']}").json()["data"]  # the spec's route
    rename(api, grant, "After spec-style rotation")
    headers, body = webhook_receiver.wait_for(2)[1]
    assert signature_ok(again["webhook_secret"], headers, body)
    assert not signature_ok(rotated["webhook_secret"], headers, body)


@pytest.mark.usefixtures("fast_retries")
def test_retryable_failures_are_retried_with_backoff(
    api: httpx.Client, grant: dict, webhook_receiver: WebhookReceiver
) -> None:
    hook = create_hook(api, webhook_receiver, "grant.updated")
    webhook_receiver.statuses = [503, 503]
    rename(api, grant, "Retry me")
    deliveries = webhook_receiver.wait_for(3)
    events = [json.loads(body) for _, body in deliveries]
    assert [e["webhook_delivery_attempt"] for e in events] == [1, 2, 3]
    assert len({e["id"] for e in events}) == 1
    assert all(signature_ok(hook["webhook_secret"], h, b) for h, b in deliveries)
    time.sleep(0.2)
    assert len(webhook_receiver.deliveries) == 3
    assert api.get(f"/v3/webhooks/{hook['id']}").json()["data"]["status"] == "active"


def test_retry_after_on_429_wins_over_backoff(
    api: httpx.Client, account_server: AccountServer, grant: dict, webhook_receiver: WebhookReceiver
) -> None:
    account_server.ctx.webhook_backoff_seconds = 60  # a retry this test can see must come from Retry-After
    create_hook(api, webhook_receiver, "grant.updated")
    webhook_receiver.statuses = [429]
    webhook_receiver.retry_after = "0"
    rename(api, grant, "Throttled")
    assert len(webhook_receiver.wait_for(2, timeout=5)) == 2


@pytest.mark.usefixtures("fast_retries")
def test_repeated_failures_mark_the_destination_failing_until_it_recovers(
    api: httpx.Client, grant: dict, webhook_receiver: WebhookReceiver
) -> None:
    hook = create_hook(api, webhook_receiver, "grant.updated")
    webhook_receiver.statuses = [500, 500]  # not retryable: one attempt each
    rename(api, grant, "one")
    rename(api, grant, "two")
    webhook_receiver.wait_for(2)
    deadline = time.time() + 5
    while api.get(f"/v3/webhooks/{hook['id']}").json()["data"]["status"] != "failing" and time.time() < deadline:
        time.sleep(0.02)
    assert api.get(f"/v3/webhooks/{hook['id']}").json()["data"]["status"] == "failing"
    rename(api, grant, "three")  # failing destinations still get deliveries; a success heals them
    webhook_receiver.wait_for(3)
    deadline = time.time() + 5
    while api.get(f"/v3/webhooks/{hook['id']}").json()["data"]["status"] != "active" and time.time() < deadline:
        time.sleep(0.02)
    assert api.get(f"/v3/webhooks/{hook['id']}").json()["data"]["status"] == "active"


def test_pause_stops_deliveries(api: httpx.Client, grant: dict, webhook_receiver: WebhookReceiver) -> None:
    hook = create_hook(api, webhook_receiver, "grant.updated")
    paused = api.put(f"/v3/webhooks/{hook['id']}", json={"status": "pause"}).json()["data"]
    assert paused["status"] == "pause"
    rename(api, grant, "While paused")
    time.sleep(0.4)
    assert webhook_receiver.deliveries == []
    assert api.put(f"/v3/webhooks/{hook['id']}", json={"status": "active"}).json()["data"]["status"] == "active"
    rename(api, grant, "After resume")
    event = json.loads(webhook_receiver.wait_for(1)[0][1])
    assert event["data"]["object"]["name"] == "After resume"
    assert api.put(f"/v3/webhooks/{hook['id']}", json={"status": "failed"}).status_code == 400


def test_update_reverifies_a_new_url_and_delete_reports_success(
    api: httpx.Client, webhook_receiver: WebhookReceiver
) -> None:
    hook = create_hook(api, webhook_receiver, "grant.updated")
    updated = api.put(
        f"/v3/webhooks/{hook['id']}",
        json={
            "description": "agent hook",
            "trigger_types": ["message.created"],
            "webhook_url": webhook_receiver.url + "2",
        },
    ).json()["data"]
    assert updated["description"] == "agent hook"
    assert updated["trigger_types"] == ["message.created"]
    assert updated["webhook_url"].endswith("/hooks2")
    assert len(webhook_receiver.challenges) == 2
    assert "webhook_secret" not in updated
    r = api.delete(f"/v3/webhooks/{hook['id']}")
    assert r.json()["data"] == {"status": "success"}
    assert r.json()["request_id"]
    assert api.get(f"/v3/webhooks/{hook['id']}").status_code == 404


def test_big_payloads_arrive_truncated(
    api: httpx.Client, account_server: AccountServer, grant: dict, webhook_receiver: WebhookReceiver
) -> None:
    create_hook(api, webhook_receiver, "message.created")
    message = {"id": "m1", "grant_id": grant["id"], "object": "message", "subject": "big", "body": "x" * 1_100_000}
    account_server.ctx.notify(grant["id"], "message.created", message)
    _, body = webhook_receiver.wait_for(1)[0]
    event = json.loads(body)
    assert event["type"] == "message.created.truncated"
    assert "body" not in event["data"]["object"]
    assert event["data"]["object"]["subject"] == "big"
    assert len(body) < 10_000


def test_pending_deliveries_survive_a_restart(tmp_path: Path, webhook_receiver: WebhookReceiver) -> None:
    env = {"SCHEDULER_AGENT_API_KEY": KEY}
    first = AccountServer(tmp_path / "data", env=env)
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(transport=httpx.WSGITransport(app=first.app), base_url="http://t", headers=headers) as api:
        create_hook(api, webhook_receiver, "event.created")
        webhook_receiver.statuses = [503]
        first.ctx.notify("g1", "event.created", {"id": "e1", "object": "event"})
        webhook_receiver.wait_for(1)
    first.stop()
    with sqlite3.connect(tmp_path / "data" / "accounts.sqlite3") as db:  # let the 120 s backoff "pass"
        pending = db.execute("UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE state = 'pending'").rowcount
    assert pending == 1
    second = AccountServer(tmp_path / "data", env=env)
    try:
        deliveries = webhook_receiver.wait_for(2)
        assert [json.loads(b)["webhook_delivery_attempt"] for _, b in deliveries] == [1, 2]
    finally:
        second.stop()


def test_mock_payload_test_event_and_ip_addresses(api: httpx.Client, webhook_receiver: WebhookReceiver) -> None:
    mock = api.post("/v3/webhooks/mock-payload", json={"trigger_type": "event.created"}).json()["data"]
    assert mock["type"] == "event.created"
    assert mock["data"]["object"]["when"]["object"] == "timespan"
    assert api.post("/v3/webhooks/mock-payload", json={"trigger_type": "nope"}).status_code == 400
    r = api.post(
        "/v3/webhooks/send-test-event", json={"trigger_type": "message.created", "webhook_url": webhook_receiver.url}
    )
    assert r.status_code == 200, r.text
    headers, body = webhook_receiver.wait_for(1)[0]
    assert signature_ok("mock-webhook-secret", headers, body)
    assert json.loads(body)["data"]["object"]["object"] == "message"
    ips = api.get("/v3/webhooks/ip-addresses").json()["data"]
    assert ips["ip_addresses"]
    assert isinstance(ips["updated_at"], int)


def test_compressed_delivery_signs_the_gzip_bytes(
    api: httpx.Client, grant: dict, webhook_receiver: WebhookReceiver
) -> None:
    r = api.post(
        "/v3/webhooks",
        json={"trigger_types": ["grant.updated"], "webhook_url": webhook_receiver.url, "compressed_delivery": True},
    )
    hook = r.json()["data"]
    assert hook["compressed_delivery"] is True
    rename(api, grant, "Zipped")
    headers, body = webhook_receiver.wait_for(1)[0]
    assert headers["content-encoding"] == "gzip"
    assert signature_ok(hook["webhook_secret"], headers, body)
    assert json.loads(gzip.decompress(body))["data"]["object"]["name"] == "Zipped"


def test_retry_after_values() -> None:
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds("999999") == 3600  # bounded
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(later) or 0) <= 30
    assert retry_after_seconds(format_datetime(datetime(2001, 1, 1, tzinfo=UTC), usegmt=True)) == 0


@pytest.mark.parametrize(
    ("status", "failures", "seconds", "expected"),
    [
        ("active", 1, 0, "active"),
        ("active", 2, 0, "failing"),
        ("failing", 9, 3600, "failing"),
        ("failing", 9, 72 * 3600, "failed"),
        ("pause", 9, 72 * 3600, "pause"),
    ],
)
def test_status_after_repeated_failures(status: str, failures: int, seconds: int, expected: str) -> None:
    assert status_after_failure(status, failures, seconds) == expected


def test_a_broken_queue_never_fails_the_request(
    api: httpx.Client, account_server: AccountServer, grant: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    (dispatcher,) = [n for n in account_server.ctx.notifiers if isinstance(n, WebhookDispatcher)]

    def broken(*args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(dispatcher, "enqueue", broken)
    r = api.patch(f"/v3/grants/{grant['id']}", json={"name": "Still saved"})
    assert r.status_code == 200
    assert api.get(f"/v3/grants/{grant['id']}").json()["data"]["name"] == "Still saved"
