"""Composition of the account server: data directory, API key, database, feature modules, listeners.

`AccountServer` is what `scheduler-agent account serve` runs and what `scheduler-agent run` embeds
(the agent then reaches `server.app` through httpx's in-process WSGI transport). Feature modules are
listed in MODULES; each exposes `SCHEMA` (its tables) and `install(ctx, router)`.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path
from socketserver import ThreadingMixIn
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from scheduler_agent.clock import Clock, SystemClock

from . import (
    admin,
    availability,
    calendars,
    events,
    freebusy,
    grants,
    lists,
    mail,
    policies,
    rules,
    smtp_in,
    webhooks,
    workspaces,
)
from .context import ServerContext
from .db import Database
from .http import App

log = logging.getLogger(__name__)

MODULES: list[ModuleType] = [
    grants,
    mail,
    calendars,
    events,
    freebusy,
    availability,
    lists,
    rules,
    policies,
    workspaces,
    admin,
    webhooks,
]
API_KEY_ENV = "SCHEDULER_AGENT_API_KEY"
KEY_FILE = "api_key"
DB_FILE = "accounts.sqlite3"


def resolve_api_key(data_dir: Path, env: Mapping[str, str]) -> str:
    """SCHEDULER_AGENT_API_KEY if set; else the key stored (owner-only) in the data dir, made on first start."""
    if env.get(API_KEY_ENV):
        return env[API_KEY_ENV]
    path = data_dir / KEY_FILE
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    key = "sa_" + secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    os.chmod(path, 0o600)
    return key


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    """wsgiref prints every request to stderr; route that through logging at DEBUG instead."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http %s %s", self.client_address[0], format % args)


class AccountServer:
    """The self-hosted Agent Account server: one data directory, any number of accounts and domains."""

    def __init__(
        self,
        data_dir: str | Path,
        *,
        clock: Clock | None = None,
        env: Mapping[str, str] | None = None,
        smarthost: str = "",
        hostname: str = "localhost",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = os.environ if env is None else env
        self.api_key = resolve_api_key(self.data_dir, env)
        self.db = Database(self.data_dir / DB_FILE, [m.SCHEMA for m in MODULES])
        self.ctx = ServerContext(
            db=self.db,
            clock=clock or SystemClock(),
            api_key=self.api_key,
            hostname=hostname,
            smarthost=smarthost,
            data_dir=self.data_dir,
        )
        self.app = App(api_key=self.api_key, resolve_grant=lambda ref: grants.find_grant(self.ctx, ref))
        for module in MODULES:
            module.install(self.ctx, self.app.router)
        self._http: _ThreadingWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._stoppers: list[Any] = []
        for stop in self.ctx.stoppers:
            self.add_stopper(stop)

    @property
    def http_address(self) -> tuple[str, int] | None:
        if self._http is None:
            return None
        host, port = self._http.server_address[:2]
        return str(host), int(port)

    def start_http(self, host: str = "127.0.0.1", port: int = 8025) -> tuple[str, int]:
        """Serve the v3 API on a background thread; port 0 picks a free port. Returns the bound address."""
        self._http = make_server(host, port, self.app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        thread = threading.Thread(target=self._http.serve_forever, name="account-http", daemon=True)
        thread.start()
        self._threads.append(thread)
        address = self.http_address
        assert address is not None
        log.info("account server HTTP API on http://%s:%d", *address)
        return address

    def start_smtp(self, host: str = "127.0.0.1", port: int = 2525) -> tuple[str, int]:
        """Listen for inbound SMTP (port 0 picks a free port) and start the outbox worker; returns the address."""
        listener = smtp_in.start_listener(self.ctx, host, port)
        self.add_stopper(listener.stop)
        if isinstance(self.ctx.mailer, mail.Delivery):
            self.add_stopper(self.ctx.mailer.start())
        return listener.host, listener.port

    def add_stopper(self, stop: Any) -> None:
        """Feature modules with their own threads (SMTP, delivery, webhooks) register how to stop them."""
        self._stoppers.append(stop)

    def stop(self) -> None:
        for stop in reversed(self._stoppers):
            try:
                stop()
            except Exception:
                log.exception("error while stopping the account server")
        self._stoppers.clear()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        self.db.close()
