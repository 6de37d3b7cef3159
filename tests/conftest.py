"""Shared fixtures: a real account server on a temporary data directory, reached in-process or over TCP."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import settings as hypothesis_settings

from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.clock import FixedClock

# CI runs the same examples every time (a red build must be reproducible, never a lucky draw);
# developers' runs keep exploring new random examples.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

TEST_KEY = "test-key-0123456789"
# The `scenario` fixture: the real agent loop against the real account server over SMTP.
pytest_plugins = ["scenario_harness"]


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


class WebhookReceiver:
    """A real HTTP endpoint on loopback: answers v3 challenges and records deliveries.

    `statuses` scripts the answers to POSTs (then 200 forever); `retry_after` is sent with 429s.
    """

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.challenges: list[str] = []
        self.statuses: list[int] = []
        self.retry_after: str | None = None
        self.echo_challenge = True
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                challenge = parse_qs(urlsplit(self.path).query).get("challenge", [""])[0]
                receiver.challenges.append(challenge)
                body = (challenge if receiver.echo_challenge else "nope").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status == 429 and receiver.retry_after:
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver.arrived:
                    receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.arrived.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[tuple[dict[str, str], bytes]]:
        """Block until `count` POSTs have arrived; returns them all."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.deliveries) >= count, timeout)
        return list(self.deliveries)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


class SmtpCapture:
    """A loopback SMTP server that accepts everything: a stand-in smarthost or remote MX for tests.

    `.messages` are the received `EmailMessage`s, `.envelopes` the (mail_from, rcpt_tos) pairs;
    `refuse` scripts SMTP answers to DATA (e.g. "451 4.3.0 try later"), then it accepts again.
    """

    def __init__(self) -> None:
        from email import message_from_bytes
        from email import policy as email_policy

        from scheduler_agent.account_server.smtp_in import serve_smtp

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: list[str] = []
        self.arrived = threading.Condition()
        capture = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                if capture.refuse:
                    return capture.refuse.pop(0)
                raw = envelope.original_content or b""  # type: ignore[attr-defined]
                with capture.arrived:
                    capture.messages.append(message_from_bytes(raw, policy=email_policy.default))  # type: ignore[arg-type]
                    capture.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
                    capture.arrived.notify_all()
                return "250 2.0.0 captured"

        self._running = serve_smtp(Handler(), "127.0.0.1", 0, hostname="capture.test", data_size_limit=50 * 2**20)
        self.host, self.port = self._running.host, self._running.port

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until `count` messages have arrived; fails the test if they do not."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} message(s) at the capture server, got {len(self.messages)}")
        return list(self.messages)

    def close(self) -> None:
        self._running.stop()


@pytest.fixture
def smtp_capture() -> Iterator[SmtpCapture]:
    capture = SmtpCapture()
    yield capture
    capture.close()
