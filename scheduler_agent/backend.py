"""Opens the agent's grant: a real Nylas grant, or the embedded local Agent Account server.

This and cli.py form the composition root; they are the only modules allowed to import the account
server. Either way the agent gets the same `NylasClient`, so the rest of the code cannot tell them
apart. With the local backend the server runs in this process: the agent reaches its WSGI app
through httpx's in-process transport (no socket, no HTTP parsing), while people and other programs
reach the same server over loopback SMTP and HTTP when `listen` is set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .account_server.grants import create_grant, find_grant
from .account_server.server import AccountServer
from .clock import Clock
from .config import Settings, nylas_api_key, split_hostport
from .errors import ConfigError
from .nylas import NylasClient

log = logging.getLogger(__name__)

LOCAL_API_URI = "http://account.local"


@dataclass
class Backend:
    """The agent's grant, plus the embedded server when there is one (None for real Nylas)."""

    client: NylasClient
    grant_id: str
    server: AccountServer | None = None
    addresses: dict[str, tuple[str, int]] = field(default_factory=dict)

    def close(self) -> None:
        self.client.close()
        if self.server is not None:
            self.server.stop()


def agent_data_dir(settings: Settings) -> Path:
    """Where the agent keeps its own state (conversations, outbox, locks)."""
    return Path(settings.backend.data_dir)


def account_data_dir(settings: Settings) -> Path:
    """Where the local account server keeps mailboxes and calendars (shared by `run` and `account serve`)."""
    return Path(settings.backend.data_dir) / "account"


def server_hostname(settings: Settings) -> str:
    """The local server's own name, so its Message-IDs and Received lines name the agent's domain rather
    than "localhost" (which spam filters and threading heuristics distrust) unless the operator says so."""
    return settings.backend.hostname or settings.agent.email.rpartition("@")[2] or "localhost"


def open_backend(
    settings: Settings,
    *,
    clock: Clock,
    listen: bool = False,
    env: Mapping[str, str] | None = None,
    server_options: Mapping[str, Any] | None = None,
) -> Backend:
    """Connect to the configured grant; with the local backend, host the server (and create the account)."""
    env = os.environ if env is None else env
    if settings.backend.kind == "nylas":
        key = nylas_api_key(env)
        if not key:
            raise ConfigError("backend.kind is 'nylas' but NYLAS_API_KEY is not set")
        grant_id = settings.backend.nylas.grant_id
        if not grant_id:
            raise ConfigError("backend.kind is 'nylas' but backend.nylas.grant_id is empty")
        client = NylasClient.connect(settings.backend.nylas.api_uri, key, grant_id)
        return Backend(client=client, grant_id=grant_id)

    server = AccountServer(
        account_data_dir(settings),
        clock=clock,
        env=env,
        smarthost=settings.backend.smarthost,
        hostname=server_hostname(settings),
        **dict(server_options or {}),
    )
    try:
        grant = find_grant(server.ctx, settings.agent.email)
        if grant is None:
            grant = create_grant(
                server.ctx,
                {"provider": "nylas", "name": settings.agent.name, "settings": {"email": settings.agent.email}},
            )
            log.info("created the local Agent Account %s (grant %s)", settings.agent.email, grant["id"])
        addresses: dict[str, tuple[str, int]] = {}
        if listen:
            addresses["http"] = server.start_http(*split_hostport(settings.backend.http, "backend.http"))
            addresses["smtp"] = server.start_smtp(*split_hostport(settings.backend.smtp, "backend.smtp"))
        client = NylasClient.connect(
            LOCAL_API_URI, server.api_key, grant["id"], transport=httpx.WSGITransport(app=server.app)
        )
    except BaseException:
        server.stop()
        raise
    return Backend(client=client, grant_id=grant["id"], server=server, addresses=addresses)
