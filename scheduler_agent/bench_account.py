"""`scheduler-agent bench account`: how fast the self-hosted account server lists and takes in mail.

A mailbox of N messages is seeded straight through the mail store (the same insert SMTP ingress uses,
minus the socket), then two figures are measured on loopback: v3 message-list requests per second
over TCP (`limit=50`, the agent's polling call) and inbound SMTP messages per second through the real
listener. Load comes from separate client processes so the clients do not share the server's GIL.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import smtplib
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

from .account_server.grants import create_grant
from .account_server.mail_store import store_message
from .account_server.mime import parse
from .account_server.server import AccountServer

AGENT = "bench@agents.example"
BENCH_KEY = "bench-key-0123456789"


def _sample(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Person {n % 97} <person{n % 97}@example.org>"
    msg["To"] = AGENT
    msg["Subject"] = f"Meeting request {n}"
    msg["Message-ID"] = f"<bench-{n}@example.org>"
    msg.set_content(f"Could we meet next week? Request number {n}.\n" + "Some context. " * 20)
    return msg.as_bytes()


def seed(server: AccountServer, grant_id: str, count: int) -> None:
    """Insert `count` inbox messages in batches (one transaction each)."""
    template = parse(_sample(0))
    start = server.ctx.timestamp() - count
    batch = 1000
    for first in range(0, count, batch):
        with server.db.tx() as conn:
            for n in range(first, min(first + batch, count)):
                mail = replace(
                    template,
                    subject=f"Meeting request {n}",
                    message_id=f"<bench-{n}@example.org>",
                    from_=[{"name": f"Person {n % 97}", "email": f"person{n % 97}@example.org"}],
                )
                store_message(conn, grant_id, mail, None, date=start + n, folders=["inbox"], unread=True)


def _list_page(host: str, port: int, grant_id: str) -> None:
    """One list request; a bare http.client keeps the load generator's own CPU use small."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", f"/v3/grants/{grant_id}/messages?limit=50", headers={"Authorization": f"Bearer {BENCH_KEY}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200 or body.count(b'"object":"message"') != 50:
        raise RuntimeError(f"unexpected list answer {response.status}")


def _list_worker(host: str, port: int, grant_id: str, seconds: float, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        _list_page(host, port, grant_id)
        done += 1
    results.put((done, time.perf_counter() - started))


def _smtp_worker(host: str, port: int, count: int, offset: int, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    samples = [_sample(n) for n in range(offset, offset + count)]
    started = time.perf_counter()
    with smtplib.SMTP(host, port, timeout=30) as client:
        for n, raw in enumerate(samples, offset):
            client.sendmail(f"person{n % 97}@example.org", [AGENT], raw)
    results.put((count, time.perf_counter() - started))


def _run_processes(target: Callable[..., None], argsets: list[tuple[object, ...]]) -> tuple[int, float]:
    """Run one client process per argument tuple; (operations done, longest client's measured seconds).

    Clients time themselves, so process start-up and imports are not counted against the server.
    """
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, results)) for args in argsets]
    for p in procs:
        p.start()
    reports = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    return sum(done for done, _ in reports), max(seconds for _, seconds in reports)


def measure(messages: int, seconds: float, smtp_messages: int, clients: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="bench-account-") as tmp:
        server = AccountServer(Path(tmp), env={"SCHEDULER_AGENT_API_KEY": BENCH_KEY})
        try:
            grant = create_grant(server.ctx, {"provider": "nylas", "settings": {"email": AGENT}})
            seed_started = time.perf_counter()
            seed(server, grant["id"], messages)
            seed_seconds = time.perf_counter() - seed_started
            host, port = server.start_http("127.0.0.1", 0)
            _list_page(host, port, grant["id"])
            listed, list_seconds = _run_processes(_list_worker, [(host, port, grant["id"], seconds)] * clients)
            smtp_host, smtp_port = server.start_smtp("127.0.0.1", 0)
            per = smtp_messages // clients
            sent, smtp_seconds = _run_processes(
                _smtp_worker, [(smtp_host, smtp_port, per, messages + i * per) for i in range(clients)]
            )
            stored = server.db.one("SELECT count(*) AS n FROM mail_messages WHERE grant_id = ?", (grant["id"],))
            if stored is None or stored["n"] != messages + sent:
                raise RuntimeError("not every benchmark message was stored")
        finally:
            server.stop()
    return {
        "messages": messages,
        "list_rps": round(listed / list_seconds, 1),
        "smtp_msgs_per_s": round(sent / smtp_seconds, 1),
        "seed_msgs_per_s": round(messages / seed_seconds, 1),
        "clients": clients,
    }


def run_bench(*, quick: bool, as_json: bool) -> int:
    figures = measure(
        messages=1000 if quick else 10_000,
        seconds=1.0 if quick else 5.0,
        smtp_messages=100 if quick else 1000,
        clients=2,
    )
    if as_json:
        print(json.dumps(figures))
    else:
        print(f"mailbox: {figures['messages']} messages (seeded at {figures['seed_msgs_per_s']} msgs/s)")
        print(f"list (limit=50, HTTP over TCP, {figures['clients']} clients): {figures['list_rps']} requests/s")
        print(f"inbound SMTP through the listener: {figures['smtp_msgs_per_s']} messages/s")
    return 0
