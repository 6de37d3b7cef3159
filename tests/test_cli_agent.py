"""The agent's command line as users and cron run it: run (a real daemon process), poll --once, replay,
status and doctor, against the embedded local account server."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from cli_harness import AGENT, agent_config, deliver, wait_port

from scheduler_agent.cli import main


def _request(subject: str = "Quick sync") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Dana <dana@client.example>"
    msg["To"] = AGENT
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain="client.example")
    msg.set_content("Could we do a 30 min call next week?")
    return msg


def test_run_daemon_answers_mail_and_stops_cleanly_on_sigterm(tmp_path: Path, smtp_capture: Any) -> None:
    config, ports = agent_config(tmp_path, smtp_capture.address)
    env = {**os.environ, "SCHEDULER_AGENT_API_KEY": "cli-test-key"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduler_agent", "run", "-c", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_port(ports["smtp"])
        with smtplib.SMTP("127.0.0.1", ports["smtp"], timeout=10) as smtp:
            smtp.send_message(_request())
        [reply] = smtp_capture.wait_for(1, timeout=30)
        assert reply["Subject"] == "Re: Quick sync"
        assert "dana@client.example" in reply["To"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    assert AGENT in out
    # The embedded server's HTTP API was up too, with the key from the environment.
    assert f"127.0.0.1:{ports['http']}" in out


def test_poll_once_replay_and_status(tmp_path: Path, smtp_capture: Any, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SCHEDULER_AGENT_API_KEY", "cli-test-key")
    config, _ = agent_config(tmp_path, smtp_capture.address)
    message = _request()
    eml = tmp_path / "request.eml"
    eml.write_bytes(bytes(message))
    # replay of an .eml with --dry-run: what the agent would do, and nothing changes anywhere.
    assert main(["replay", str(eml), "--dry-run", "--json", "-c", str(config)]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["triage"] == "scheduling"
    assert dry["request"]["intent"] == "schedule"
    assert dry["state_before"] is None
    assert dry["state_after"] == "proposed"
    assert [a["type"] for a in dry["actions"]] == ["hold", "send_reply", "schedule_timer"]
    assert main(["status", "--json", "-c", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["conversations"] == {}
    # an .eml cannot be acted on for real
    assert main(["replay", str(eml), "-c", str(config)]) == 2
    capsys.readouterr()

    deliver(config, message)
    # replay by message id, dry run, then the cron pass does exactly that
    from scheduler_agent.backend import open_backend
    from scheduler_agent.clock import SystemClock
    from scheduler_agent.config import load_settings

    backend = open_backend(load_settings(config), clock=SystemClock())
    [waiting] = list(backend.client.iter_inbound(unread=True))
    backend.close()
    assert main(["replay", waiting.id, "--dry-run", "--json", "-c", str(config)]) == 0
    by_id = json.loads(capsys.readouterr().out)
    assert [a["type"] for a in by_id["actions"]] == ["hold", "send_reply", "schedule_timer"]
    assert main(["poll", "--once", "-c", str(config)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["handled"] == 1
    assert report["sent"] == 1
    assert main(["status", "--json", "-c", str(config)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["conversations"] == {"proposed": 1}
    assert status["outbox"] == {"sent": 1}
    assert status["holds"] == 3
    # A second pass has nothing to do: the idle poll sends nothing.
    assert main(["poll", "--once", "-c", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 0


def test_poll_once_skips_while_another_pass_holds_the_lock(tmp_path: Path, capsys, monkeypatch) -> None:
    from scheduler_agent.daemon import single_instance

    monkeypatch.setenv("SCHEDULER_AGENT_API_KEY", "cli-test-key")
    config, _ = agent_config(tmp_path, "")
    with single_instance(tmp_path / "data" / "poll.lock") as mine:
        assert mine
        assert main(["poll", "--once", "-c", str(config)]) == 0
    assert "skipped" in capsys.readouterr().err


def test_doctor_reports_each_check(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SCHEDULER_AGENT_API_KEY", "cli-test-key")
    config, _ = agent_config(tmp_path, "")
    code = main(["doctor", "-c", str(config)])
    out = capsys.readouterr().out
    for name in ("config", "data directory", "keys", "ports", "clock", "calendar and mailbox", "model"):
        assert f"] {name}:" in out
    assert code == 0, out
    bad = tmp_path / "bad.toml"
    bad.write_text('[backend]\nkind = "nylas"\n')
    monkeypatch.delenv("NYLAS_API_KEY", raising=False)
    assert main(["doctor", "-c", str(bad)]) == 1
    assert "NYLAS_API_KEY is not set" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [({}, "cli.example"), ({"SCHEDULER_AGENT_BACKEND_HOSTNAME": "mx.cli.example"}, "mx.cli.example")],
)
def test_the_local_server_names_itself_after_the_agent_unless_told(
    tmp_path: Path, overrides: dict[str, str], expected: str
) -> None:
    from scheduler_agent.backend import open_backend
    from scheduler_agent.clock import SystemClock
    from scheduler_agent.config import load_settings

    config, _ = agent_config(tmp_path, "")
    env = {"SCHEDULER_AGENT_API_KEY": "cli-test-key", **overrides}
    backend = open_backend(load_settings(config, env=env), clock=SystemClock(), env=env)
    try:
        assert backend.server is not None
        assert backend.server.ctx.hostname == expected
    finally:
        backend.close()
