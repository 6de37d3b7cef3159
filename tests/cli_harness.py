"""Helpers for tests that run the agent's command line against the embedded account server: a config on
free ports, a wait for a listening port, and delivery into the agent's mailbox over the server's own SMTP.
Shared by tests/test_cli_agent.py and tests/test_faults.py."""

from __future__ import annotations

import smtplib
import socket
import time
from email.message import EmailMessage
from pathlib import Path

from scheduler_agent.backend import open_backend
from scheduler_agent.clock import SystemClock
from scheduler_agent.config import load_settings

AGENT = "agent@cli.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def agent_config(tmp_path: Path, smarthost: str) -> tuple[Path, dict[str, int]]:
    ports = {"http": free_port(), "smtp": free_port()}
    path = tmp_path / "agent.toml"
    path.write_text(
        f'[agent]\nemail = "{AGENT}"\ntimezone = "America/New_York"\n'
        f'[backend]\ndata_dir = "{tmp_path / "data"}"\nhttp = "127.0.0.1:{ports["http"]}"\n'
        f'smtp = "127.0.0.1:{ports["smtp"]}"\nsmarthost = "{smarthost}"\n'
        "[schedule]\npoll_seconds = 1\nmin_notice_hours = 0\n"
    )
    return path, ports


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


def deliver(config: Path, message: EmailMessage) -> None:
    """Put a mail into the agent's mailbox through the account server's own SMTP ingress."""
    settings = load_settings(config)
    backend = open_backend(settings, clock=SystemClock())
    try:
        assert backend.server is not None
        host, port = backend.server.start_smtp("127.0.0.1", 0)
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            smtp.send_message(message)
    finally:
        backend.close()
