"""`scheduler-agent parse`: one text, or JSON Lines in and out in order (design section 6 keys)."""

from __future__ import annotations

import io
import json

import pytest

from scheduler_agent.cli import main

CONTRACT = {
    "intent",
    "duration_minutes",
    "windows",
    "timezone",
    "attendees",
    "title",
    "location",
    "chosen",
    "extractor",
}


def test_parse_json_prints_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["parse", "30 min Tue afternoon my time?", "--json", "--now", "2026-11-18T09:00", "--tz", "Europe/Berlin"]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(data) >= CONTRACT
    assert data["intent"] == "schedule"
    assert data["duration_minutes"] == 30
    assert data["timezone"] == "Europe/Berlin"
    assert data["windows"] == [{"start": "2026-11-24T12:00:00+01:00", "end": "2026-11-24T17:00:00+01:00"}]


def test_parse_without_json_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "zoom tomorrow at 3pm", "--now", "2026-11-18T09:00-05:00"]) == 0
    out = capsys.readouterr().out
    assert "intent: schedule" in out
    assert "window: 2026-11-19T15:00:00-05:00 .. 2026-11-19T15:30:00-05:00" in out
    assert "medium: video" in out


def test_parse_stdin_json_lines_in_order(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        json.dumps({"text": "next Tuesday at 2", "now": "2026-11-18T09:00", "tz": "America/Los_Angeles"}),
        "friday morning",
        "",
        json.dumps({"text": "Monday", "tz": "Mars/Olympus"}),
        json.dumps("cancel it please"),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["parse", "-", "--now", "2026-11-18T09:00-05:00"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 4
    assert out[0]["windows"][0]["start"] == "2026-11-24T14:00:00-08:00"
    assert out[1]["windows"][0]["start"] == "2026-11-20T08:00:00-05:00"
    assert "Mars/Olympus" in out[2]["error"]
    assert out[3]["intent"] == "cancel"


def test_bad_zone_or_time_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "tomorrow", "--tz", "Nowhere/City"]) == 2
    assert main(["parse", "tomorrow", "--now", "not-a-time"]) == 2
    assert "parse:" in capsys.readouterr().err
