"""Shared fixtures: a real account server on a temporary data directory, reached in-process or over TCP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scheduler_agent.account_server.server import AccountServer

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
