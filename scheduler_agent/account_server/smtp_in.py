"""SMTP ingress: an aiosmtpd listener that accepts mail only for addresses this server hosts.

Never an open relay: RCPT for any address without an Agent Account gets `550 5.1.1`. The grant's
inbound rules are asked once, at RCPT time, with the envelope sender (a blocked sender gets
`550 5.7.1`); the verdict travels with the envelope to DATA, where each recipient's copy is stored
through `inbound.receive`. Size limits answer `552`, mail loops `554 5.4.6`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from .context import InboundVerdict, JSONDict, ServerContext
from .grants import find_grant, valid_email
from .inbound import receive
from .mime import parse

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024
# The listener's own ceiling: policies may only tighten the default, so this bounds memory per message.
LISTENER_MAX_BYTES = DEFAULT_MAX_MESSAGE_BYTES + 1024 * 1024
MAX_HEADER_BYTES = 256 * 1024
MAX_RECEIVED_HEADERS = 30
MAX_RECIPIENTS = 100


@dataclass
class _Accepted:
    grant: JSONDict
    verdict: InboundVerdict


@dataclass
class RunningSmtp:
    """An SMTP server on its own event-loop thread; `stop()` closes it."""

    host: str
    port: int
    _loop: asyncio.AbstractEventLoop
    _server: asyncio.AbstractServer
    _thread: threading.Thread
    _stopped: bool = field(default=False)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True

        async def shutdown() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


def serve_smtp(handler: Any, host: str, port: int, *, hostname: str, data_size_limit: int) -> RunningSmtp:
    """Start aiosmtpd's SMTP protocol on host:port (port 0 picks a free one) in a background thread.

    aiosmtpd's Controller cannot bind port 0 (it connects back to the requested port to check it is
    up), and tests need free ports, so the server is created from the loop directly.
    """
    loop = asyncio.new_event_loop()

    def factory() -> SMTP:
        return SMTP(handler, hostname=hostname, data_size_limit=data_size_limit, enable_SMTPUTF8=True, loop=loop)

    server = loop.run_until_complete(loop.create_server(factory, host=host, port=port))
    thread = threading.Thread(target=loop.run_forever, name=f"smtp-{host}:{port}", daemon=True)
    thread.start()
    bound_host, bound_port = server.sockets[0].getsockname()[:2]
    return RunningSmtp(str(bound_host), int(bound_port), loop, server, thread)


def header_section(raw: bytes) -> bytes:
    """The bytes before the first empty line (CRLF or, from sloppy clients, bare LF)."""
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return raw[: min(ends)] if ends else raw


class IngressHandler:
    """aiosmtpd hooks for the account server's inbound mail."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self._accepted: weakref.WeakKeyDictionary[Envelope, list[_Accepted]] = weakref.WeakKeyDictionary()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        grant = find_grant(self.ctx, "email:" + address) if valid_email(address) else None
        if grant is None:
            return f"550 5.1.1 <{address}>: no such mailbox here (this server is not a relay)"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 too many recipients"
        accepted = self._accepted.setdefault(envelope, [])
        if any(a.grant["id"] == grant["id"] for a in accepted):
            return "250 2.1.5 OK (duplicate recipient)"
        verdict = self.ctx.policy.inbound(grant, envelope.mail_from or "")
        if verdict.blocked:
            return f"550 5.7.1 <{address}>: message refused by the recipient's rules"
        accepted.append(_Accepted(grant, verdict))
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        accepted = self._accepted.pop(envelope, [])
        raw = envelope.original_content or b""
        if not accepted:
            return "554 5.5.1 no valid recipients"
        limits = [self.ctx.policy.max_message_bytes(a.grant) or DEFAULT_MAX_MESSAGE_BYTES for a in accepted]
        if len(raw) > min(limits):
            return f"552 5.3.4 message size {len(raw)} exceeds the limit of {min(limits)} bytes"
        head = header_section(raw)
        if len(head) > MAX_HEADER_BYTES:
            return f"552 5.3.4 header section over {MAX_HEADER_BYTES} bytes"
        hops = sum(1 for line in head.split(b"\n") if line[:9].lower() == b"received:")
        if hops >= MAX_RECEIVED_HEADERS:
            return f"554 5.4.6 mail loop detected ({hops} Received headers)"
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
        stamped = (
            f"Received: from {session.host_name or 'unknown'} ([{peer}])\r\n"
            f"\tby {self.ctx.hostname} (scheduler-agent); {format_datetime(self.ctx.now())}\r\n"
        ).encode("ascii", "replace") + raw
        mail = parse(stamped)
        stored: list[str] = []
        failed = 0
        for entry in accepted:
            try:
                message = receive(
                    self.ctx, entry.grant, stamped, envelope_from=envelope.mail_from, verdict=entry.verdict, mail=mail
                )
            except Exception:
                failed += 1
                log.exception("inbound message from %s for %s not stored", envelope.mail_from, entry.grant["email"])
                continue
            if message is not None:
                stored.append(message["id"])
        if failed:
            # The sender retries the whole message: a recipient that already has it gets a second copy
            # (it joins the same thread by Message-ID), which beats losing it for the one that failed.
            return "451 4.3.0 temporary failure storing the message; try again later"
        return f"250 2.0.0 OK: stored as {', '.join(stored) or 'nothing'}"


def start_listener(ctx: ServerContext, host: str, port: int) -> RunningSmtp:
    running = serve_smtp(IngressHandler(ctx), host, port, hostname=ctx.hostname, data_size_limit=LISTENER_MAX_BYTES)
    log.info("account server SMTP on %s:%d", running.host, running.port)
    return running
