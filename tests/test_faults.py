"""Fault tests (design section 7): the agent killed with SIGKILL at random moments, the v3 API failing under
it, two passes racing over one store, and hostile mail, each through the real loop and real SMTP.

What they prove is design section 4, invariants 2 and 6: every request is answered exactly once (counted
at the capturing smarthost by recipient and In-Reply-To), nothing is lost, and the loop goes on.
"""

from __future__ import annotations

import json
import os
import random
import signal
import smtplib
import subprocess
import sys
import time
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_cli_agent import AGENT as CLI_AGENT
from test_cli_agent import _config, _wait_port

from scheduler_agent.cli import main

REQUEST = "Could we find 30 minutes next week for a call?"


def _person(n: int) -> str:
    return f"person{n:02d}@client{n:02d}.example"


def _request_mail(n: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Person {n} <{_person(n)}>"
    msg["To"] = CLI_AGENT
    msg["Subject"] = f"Sync {n}"
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=f"client{n:02d}.example")
    msg.set_content(REQUEST)
    return msg


def _replies(capture: Any) -> dict[tuple[str, str], list[str]]:
    """Message-IDs of the mails that reached the smarthost, by (recipients, In-Reply-To): one thread each."""
    found: dict[tuple[str, str], list[str]] = {}
    for message, (_, rcpts) in zip(capture.messages, capture.envelopes, strict=True):
        found.setdefault((", ".join(sorted(rcpts)), str(message["In-Reply-To"])), []).append(str(message["Message-ID"]))
    return found


def _assert_one_reply_each(capture: Any, requesters: list[str]) -> int:
    """Every requester got exactly one reply, and no two distinct mails went to one thread.

    Returns how many copies were SMTP redeliveries of a mail already received (same Message-ID): a relay
    killed after the smarthost's 250 but before it recorded the delivery sends it again on restart, the
    at-least-once hop RFC 5321 section 6.1 accepts. That is the same mail, not a second answer.
    """
    replies = _replies(capture)
    assert sorted(rcpt for rcpt, _ in replies) == sorted(requesters), replies
    for thread, ids in replies.items():
        assert len(set(ids)) == 1, (thread, ids)
    return sum(len(ids) - 1 for ids in replies.values())


_STEP_MARKS = (" -> proposed", "/messages/send ->", "PUT /v3/grants/")


class Daemon:
    """`scheduler-agent run` as a real process whose logs go to files (a full pipe would stall it)."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, smtp_port: int) -> None:
        self.starts += 1
        env = {**os.environ, "SCHEDULER_AGENT_API_KEY": "fault-key"}
        with open(self.logs / f"run{self.starts}.log", "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "scheduler_agent", "run", "-c", str(self.config)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_port(smtp_port)

    def kill_at(self, step: int, delay: float, timeout: float = 5.0) -> str:
        """SIGKILL `delay` seconds after the pass logs its `step`-th step, or when the pass ends short of it;
        returns where the kill landed."""
        log = self.logs / f"run{self.starts}.log"
        deadline = time.monotonic() + timeout
        where = "idle"
        while time.monotonic() < deadline:
            lines = log.read_text(errors="replace").splitlines()
            steps = [line for line in lines if any(mark in line for mark in _STEP_MARKS)]
            if len(steps) >= step:
                where = f"mid-pass after {steps[step - 1].split(': ', 1)[-1][:40]}"
                break
            if any("pass: " in line for line in lines):
                where = "after a pass"
                break
            time.sleep(0.002)
        time.sleep(delay)
        self.kill()
        return where

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def log_tail(self) -> str:
        return (self.logs / f"run{self.starts}.log").read_text(errors="replace")[-3000:]


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def _server_queue(http_port: int) -> list[dict[str, Any]]:
    """The embedded account server's undelivered mail (our `/outbox` extension), over its real HTTP API."""
    headers = {"Authorization": "Bearer fault-key"}
    base = f"http://127.0.0.1:{http_port}/v3"
    with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
        [grant] = http.get("/grants").json()["data"]
        return http.get(f"/grants/{grant['id']}/outbox", params={"status": "queued"}).json()["data"]


def test_kill_9_at_random_moments_answers_every_request_exactly_once(
    tmp_path: Path, smtp_capture: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    config, ports = _config(tmp_path, smtp_capture.address)
    daemon = Daemon(config, tmp_path)
    rng = random.Random(20261122)
    people = 12
    kills: list[str] = []
    try:
        for cycle in range(8):
            daemon.start(ports["smtp"])
            if cycle % 2 == 0 and cycle < 6:
                with smtplib.SMTP("127.0.0.1", ports["smtp"], timeout=10) as smtp:
                    for n in range(cycle * 2, cycle * 2 + 4):
                        smtp.send_message(_request_mail(n))
            # Kill on the k-th step the pass logs (a decision committed, a send, a mark-read), a moment later:
            # that lands between any two of them, and inside the deciding of the next mail.
            kills.append(daemon.kill_at(rng.randint(1, 8), rng.uniform(0.0, 0.015)))
        daemon.start(ports["smtp"])
        _wait(lambda: len(smtp_capture.messages) >= people, 30, f"{people} replies ({daemon.log_tail()})")
        _wait(lambda: not _server_queue(ports["http"]), 15, "the server's delivery queue to drain")
        assert daemon.stop() == 0, daemon.log_tail()
    finally:
        if daemon.proc is not None and daemon.proc.poll() is None:
            daemon.kill()
    assert sum(k.startswith("mid-pass") for k in kills) >= 4, kills
    redelivered = _assert_one_reply_each(smtp_capture, [_person(n) for n in range(people)])
    capsys.readouterr()
    assert main(["status", "--json", "-c", str(config)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["conversations"] == {"proposed": people}
    assert status["outbox"] == {"sent": people}
    with capsys.disabled():
        print(
            f"\n{len(kills)} kills, {redelivered} SMTP redeliveries of an already delivered reply:", *kills, sep="\n  "
        )
