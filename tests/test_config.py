"""The example config is the documentation: it must load, and equal the built-in defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler_agent.config import Settings, load_settings, parse_hour_range
from scheduler_agent.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_config_equals_defaults() -> None:
    loaded = load_settings(ROOT / "config" / "agent.toml", env={})
    assert loaded.source.endswith("agent.toml")
    defaults = Settings()
    for section in ("agent", "backend", "model", "schedule"):
        assert getattr(loaded, section) == getattr(defaults, section), section


def test_every_shipped_key_is_commented() -> None:
    lines = (ROOT / "config" / "agent.toml").read_text().splitlines()
    section = ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line
        elif "=" in line and not line.lstrip().startswith("#"):
            # The weekday keys of a per-day table share the comment above the first of them.
            documented = lines[i - 1].lstrip().startswith("#") or (
                section == "[schedule.working_hours]" and "=" in lines[i - 1]
            )
            assert documented, f"key without a comment: {line!r}"


def test_env_overrides_nested_and_typed(tmp_path: Path) -> None:
    env = {
        "SCHEDULER_AGENT_BACKEND_SMTP": "127.0.0.1:2600",
        "SCHEDULER_AGENT_BACKEND_NYLAS_GRANT_ID": "g-123",
        "SCHEDULER_AGENT_SCHEDULE_PROPOSALS": "5",
        "SCHEDULER_AGENT_SCHEDULE_MIN_NOTICE_HOURS": "1.5",
        "SCHEDULER_AGENT_SCHEDULE_WORKING_HOURS": '{"mon": ["10:00-16:00"], "sat": []}',
    }
    s = load_settings(None, env=env)
    assert s.backend.smtp == "127.0.0.1:2600"
    assert s.backend.nylas.grant_id == "g-123"
    assert s.schedule.proposals == 5
    assert s.schedule.min_notice_hours == 1.5
    assert s.schedule.working_hours == {"mon": ("10:00-16:00",), "sat": ()}


def test_file_is_read_and_env_wins(tmp_path: Path) -> None:
    cfg = tmp_path / "a.toml"
    cfg.write_text('[agent]\nemail = "sched@example.com"\ntimezone = "Asia/Tokyo"\n[schedule]\nproposals = 2\n')
    s = load_settings(cfg, env={"SCHEDULER_AGENT_SCHEDULE_PROPOSALS": "4"})
    assert s.agent.email == "sched@example.com"
    assert str(s.home_zone) == "Asia/Tokyo"
    assert s.schedule.proposals == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[agent]\ntimezone = "Mars/Olympus"\n', "IANA"),
        ('[agent]\nemal = "x"\n', "unknown config key"),
        ('[backend]\nkind = "imap"\n', "backend.kind"),
        ('[backend]\nsmtp = "nohost"\n', "HOST:PORT"),
        ('[schedule]\nproposals = "many"\n', "whole number"),
        ('[schedule.working_hours]\nmon = ["17:00-09:00"]\n', "ends before"),
        ('[schedule.working_hours]\nfunday = ["09:00-10:00"]\n', "unknown day"),
        ("[agent\n", "a.toml"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "a.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(cfg, env={})


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_hour_ranges() -> None:
    start, end = parse_hour_range("9:30-24:00")
    assert (start.hour, start.minute) == (9, 30)
    assert end.hour == 23
    with pytest.raises(ConfigError):
        parse_hour_range("25:00-26:00")
