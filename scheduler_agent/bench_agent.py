"""`scheduler-agent bench agent`: how fast the whole agent handles meeting requests, and what it costs.

A local account server runs in-process (as in `run`); N requests from N different people are put in
the agent's inbox through the server's own MIME parser and store, then one agent pass handles them
all with the offline engine: understanding, slot finding against the calendar and the other
conversations' holds, the state machine, the durable store and the sends. Reported: requests handled
per second, v3 API requests per handled mail, the API requests of an idle poll, and resident memory.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from .account_server.mail_store import store_message
from .account_server.mime import parse
from .agent import Agent
from .backend import open_backend
from .clock import FixedClock
from .config import Settings
from .store import AgentStore
from .understand import build_extractor

AGENT = "bench-agent@agents.example"
START = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("America/New_York"))
TEXTS = (
    "Could we do a 30 min call next week?",
    "Do you have 45 minutes Tuesday or Wednesday afternoon?",
    "Can we meet for an hour sometime next week, mornings are best for me.",
    "Quick 15 minute sync on Thursday?",
)


def _request(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Person {n} <person{n}@client{n % 17}.example>"
    msg["To"] = AGENT
    msg["Subject"] = f"Meeting {n}"
    msg["Date"] = "Mon, 23 Nov 2026 07:59:00 -0500"
    msg["Message-ID"] = f"<bench-agent-{n}@client.example>"
    msg.set_content(TEXTS[n % len(TEXTS)] + "\n\nThanks,\nPerson")
    return msg.as_bytes()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(requests: int, settings: Settings | None = None) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="sa-bench-agent-") as tmp:
        base = settings or Settings()
        settings = dataclasses.replace(
            base,
            agent=dataclasses.replace(base.agent, email=AGENT),
            backend=dataclasses.replace(base.backend, kind="local", data_dir=tmp, smarthost=""),
            model=dataclasses.replace(base.model, name="rules"),
            policy=dataclasses.replace(base.policy, daily_send_limit=10 * requests + 100),
        )
        clock = FixedClock(START)
        backend = open_backend(settings, clock=clock, env={"SCHEDULER_AGENT_API_KEY": "bench-agent-key"})
        assert backend.server is not None
        server = backend.server
        with server.db.tx() as conn:
            for n in range(requests):
                store_message(
                    conn,
                    backend.grant_id,
                    parse(_request(n)),
                    None,
                    date=int(START.timestamp()) - requests + n,
                    folders=["inbox"],
                    unread=True,
                )
        store = AgentStore(Path(tmp) / "agent.sqlite3")
        agent = Agent(backend.client, store, build_extractor(settings.model), settings)
        try:
            calls = backend.client.request_count
            handled = sent = 0
            started = time.perf_counter()
            while handled < requests:  # a pass takes at most MAX_MESSAGES_PER_TICK mails
                report = agent.tick(clock.now())
                if not report.handled:
                    break
                handled += report.handled
                sent += report.sent
            elapsed = time.perf_counter() - started
            handled_calls = backend.client.request_count - calls
            calls = backend.client.request_count
            agent.tick(clock.now())
            idle = backend.client.request_count - calls
            return {
                "requests": requests,
                "handled": handled,
                "sent": sent,
                "handled_per_s": round(handled / elapsed, 1),
                "api_calls_per_request": round(handled_calls / max(handled, 1), 2),
                "idle_poll_api_calls": idle,
                "rss_mb": _rss_mb(),
            }
        finally:
            store.close()
            backend.close()


def run_bench(*, quick: bool, as_json: bool) -> int:
    figures = measure(50 if quick else 500)
    if as_json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['handled']} of {figures['requests']} requests handled at {figures['handled_per_s']}/s; "
            f"{figures['api_calls_per_request']} API calls per request; idle poll: {figures['idle_poll_api_calls']} "
            f"API call(s); RSS {figures['rss_mb']} MB"
        )
    return 0
