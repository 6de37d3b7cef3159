"""Shared fixtures: a real account server on a temporary data directory, reached in-process or over TCP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.clock import FixedClock

TEST_KEY = "test-key-0123456789"


@pytest.fixture
def account_server(tmp_path: Path) -> Iterator[AccountServer]:
    """An account server with no listeners; tests reach it through `api` (WSGI, no sockets)."""
    server = AccountServer(tmp_path / "data", env={"SCHEDULER_AGENT_API_KEY": TEST_KEY})
    yield server
    server.stop()


@pytest.fixture
def api(account_server: AccountServer) -> Iterator[httpx.Client]:
    """An authenticated httpx client wired straight into the server's WSGI app."""
    with httpx.Client(
        transport=httpx.WSGITransport(app=account_server.app),
        base_url="http://account.test",
        headers={"Authorization": f"Bearer {TEST_KEY}"},
    ) as client:
        yield client


@pytest.fixture
def http_server(account_server: AccountServer) -> str:
    """The same server listening on a free loopback port (for clients that need TCP, like the Nylas SDK)."""
    host, port = account_server.start_http("127.0.0.1", 0)
    return f"http://{host}:{port}"


@pytest.fixture
def grant(api: httpx.Client) -> dict:
    """A fresh Agent Account."""
    r = api.post(
        "/v3/connect/custom", json={"provider": "nylas", "name": "Agent", "settings": {"email": "agent@example.com"}}
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


class RecordingMailer:
    """A MailSubmitter that keeps what it is handed, for tests of what the server sends rather than how."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def submit(self, grant: dict, message: EmailMessage, *, thread_id: str | None = None) -> dict:
        self.sent.append(message)
        return {"id": f"recorded-{len(self.sent)}", "grant_id": grant["id"], "object": "message"}


@pytest.fixture
def outbox(account_server: AccountServer) -> RecordingMailer:
    """Replaces the server's mailer with a recorder (end-to-end SMTP tests use the real one)."""
    mailer = RecordingMailer()
    account_server.ctx.mailer = mailer
    return mailer


@pytest.fixture
def clock(account_server: AccountServer) -> FixedClock:
    """The server's clock, fixed at Monday 2026-03-02 08:00 UTC and movable by the test."""
    fixed = FixedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    account_server.ctx.clock = fixed
    return fixed
