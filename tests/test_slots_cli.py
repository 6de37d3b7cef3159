"""`scheduler-agent slots --ics` and `bench slots`, end to end through the CLI entry point."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scheduler_agent import cli
from scheduler_agent.bench_slots import measure, synthetic_calendar
from scheduler_agent.busy_calendar import BusyCalendar
from scheduler_agent.calendar_ics import events_from_ics

ROOT = Path(__file__).resolve().parent.parent
GOOGLE = ROOT / "tests" / "fixtures" / "ics" / "google.ics"
NOW = "2026-03-02T06:00:00-08:00"  # Monday morning in Los Angeles


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text('[agent]\nemail = "agent@example.com"\ntimezone = "America/Los_Angeles"\n')
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_slots_json_from_an_ics_file(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "slots", "-c", str(config), "--ics", str(GOOGLE), "--now", NOW, "--json")
    assert code == 0
    slots = json.loads(out)
    assert len(slots) == 3
    busy = BusyCalendar(events_from_ics(GOOGLE.read_text(), home=datetime.fromisoformat(NOW).tzinfo))  # type: ignore[arg-type]
    for item in slots:
        start, end = datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["end"])
        assert start.utcoffset() == timedelta(hours=-8)
        assert end - start == timedelta(minutes=30)
        pad = timedelta(minutes=20)  # 10-minute buffers on both meetings
        assert busy.intervals(start - pad, end + pad) == []
    # 4 hours' notice: not before 10:00; the 09:30-09:45 standup plus both buffers: not before 10:05
    assert slots[0]["start"] == "2026-03-02T10:15:00-08:00"


def test_slots_table_in_the_home_zone(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "slots", "-c", str(config), "--ics", str(GOOGLE), "--now", NOW, "--duration", "60", "--days", "3"
    )
    assert code == 0
    assert out.splitlines()[0] == "Free 60-minute slots (America/Los_Angeles):"
    assert "1. Mon 02 Mar 2026  10:15–11:15" in out


def test_slots_duration_snaps_to_an_allowed_length(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "slots", "-c", str(config), "--ics", str(GOOGLE), "--now", NOW, "--duration", "20", "--json"
    )
    assert code == 0
    assert "using 30 min" in err
    first = json.loads(out)[0]
    assert datetime.fromisoformat(first["end"]) - datetime.fromisoformat(first["start"]) == timedelta(minutes=30)


def test_no_free_slot_exits_1(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ics = tmp_path / "busy.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260501\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    code, out, _ = run(capsys, "slots", "-c", str(config), "--ics", str(ics), "--now", NOW, "--json")
    assert (code, json.loads(out)) == (1, [])
    code, out, _ = run(capsys, "slots", "-c", str(config), "--ics", str(ics), "--now", NOW)
    assert code == 1
    assert out.startswith("No free 30-minute slot")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--ics", "/nonexistent/cal.ics"], 2, "cannot read"),
        (["--now", "next tuesday", "--ics", str(GOOGLE)], 2, "not an ISO-8601 time"),
        (["--days", "0", "--ics", str(GOOGLE)], 2, "--days must be positive"),
        (["--duration", "-5", "--ics", str(GOOGLE)], 2, "--duration must be positive"),
        (["--ics", str(ROOT / "README.md")], 1, "not a readable iCalendar file"),
    ],
)
def test_slots_bad_usage(
    config: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    got, _, err = run(capsys, "slots", "-c", str(config), *argv)
    assert got == code
    assert message in err


def test_bench_targets_without_an_entry_say_so(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(cli.BENCHES, "slots")
    code, _, err = run(capsys, "bench", "slots", "-c", str(config))
    assert code == 2
    assert "not available" in err


def test_bench_figures_on_a_small_calendar() -> None:
    sample = synthetic_calendar(400, seed=3)
    assert sample.series == 20
    assert sum(e.series is not None for e in sample.events) == 20
    row = measure(400, repeat=3, baseline_repeat=1)
    assert row["agree"] is True
    assert row["events"] == 400
    assert set(row) >= {"events", "series", "horizon_days", "median_ms", "p95_ms", "baseline_median_ms", "speedup"}


def test_slots_read_the_calendar_and_holds_through_the_grant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scheduler_agent.backend import open_backend
    from scheduler_agent.clock import FixedClock
    from scheduler_agent.config import load_settings
    from scheduler_agent.models import Interval
    from scheduler_agent.store import AgentStore

    data = tmp_path / "data"
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'[agent]\nemail = "agent@example.com"\n[backend]\ndata_dir = "{data}"\n')
    settings = load_settings(cfg, env={})
    ny = settings.schedule_zone
    now = datetime(2026, 3, 2, 8, tzinfo=ny)
    backend = open_backend(settings, clock=FixedClock(now), env={})
    try:
        when = {
            "start_time": int(datetime(2026, 3, 2, 13, tzinfo=ny).timestamp()),
            "end_time": int(datetime(2026, 3, 2, 17, tzinfo=ny).timestamp()),
        }
        backend.client.create_event({"title": "Board meeting", "when": when, "busy": True}, notify_participants=False)
    finally:
        backend.close()
    with AgentStore(data / "agent.sqlite3") as store:
        hold = Interval(datetime(2026, 3, 3, 9, tzinfo=ny), datetime(2026, 3, 3, 10, tzinfo=ny))
        store.place_holds("thread-1", [hold], expires=now + timedelta(days=2))
    code, out, _ = run(capsys, "slots", "-c", str(cfg), "--now", now.isoformat(), "--json")
    assert code == 0
    starts = [datetime.fromisoformat(s["start"]) for s in json.loads(out)]
    # Monday: 4 hours' notice, then the 13:00-17:00 meeting; Tuesday: the hold plus both buffers
    assert starts == [
        datetime(2026, 3, 3, 10, 30, tzinfo=ny),
        datetime(2026, 3, 4, 9, tzinfo=ny),
        datetime(2026, 3, 5, 9, tzinfo=ny),
    ]
