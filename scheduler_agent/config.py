"""Configuration: one TOML file plus environment overrides, loaded once into frozen Settings.

The defaults live in the dataclasses below; `config/agent.toml` documents every key and a test keeps
the two identical. Any key can be overridden with `SCHEDULER_AGENT_<SECTION>_<KEY>` (nested sections
join with `_`, e.g. `SCHEDULER_AGENT_BACKEND_NYLAS_GRANT_ID`). Secrets never come from the file: the
Nylas key comes from `NYLAS_API_KEY`, the local server key from `SCHEDULER_AGENT_API_KEY`, and LLM
provider keys from the provider's usual variable.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .slot_rules import rules_from_schedule

ENV_PREFIX = "SCHEDULER_AGENT_"
DEFAULT_CONFIG_PATH = Path("config") / "agent.toml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentSettings:
    """Who the agent is."""

    email: str = "agent@localhost"
    name: str = "Scheduling Agent"
    timezone: str = "America/New_York"


@dataclass(frozen=True, slots=True, kw_only=True)
class NylasSettings:
    """A real Nylas grant; the key is read from NYLAS_API_KEY only."""

    api_uri: str = "https://api.us.nylas.com"
    grant_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BackendSettings:
    """Where the agent's mailbox and calendar live."""

    kind: str = "local"
    data_dir: str = "data"
    http: str = "127.0.0.1:8025"
    smtp: str = "127.0.0.1:2525"
    smarthost: str = ""
    hostname: str = ""
    nylas: NylasSettings = field(default_factory=NylasSettings)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelSettings:
    """Which extractor understands mail: "rules" (offline) or a langchain provider string."""

    name: str = "rules"
    temperature: float = 0.0
    timeout_seconds: float = 30.0
    max_input_tokens: int = 3000


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSettings:
    """The booking rules. Working hours are "HH:MM-HH:MM" ranges in `timezone` (default: agent's)."""

    poll_seconds: int = 30
    timezone: str = ""
    working_hours: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "mon": ("09:00-12:00", "13:00-17:00"),
            "tue": ("09:00-12:00", "13:00-17:00"),
            "wed": ("09:00-12:00", "13:00-17:00"),
            "thu": ("09:00-12:00", "13:00-17:00"),
            "fri": ("09:00-12:00", "13:00-17:00"),
            "sat": (),
            "sun": (),
        }
    )
    duration_minutes: int = 30
    buffer_minutes: int = 10
    min_notice_hours: float = 4.0
    horizon_days: int = 30
    proposals: int = 3
    allowed_durations: tuple[int, ...] = (15, 30, 45, 60)
    slot_interval_minutes: int = 15
    round_to_minutes: int = 15
    horizon_business_days: bool = False
    max_meetings_per_day: int = 0
    max_meetings_per_week: int = 0
    max_meeting_minutes_per_day: int = 0
    tentative_as_busy: bool = True
    spread_over_days: bool = True
    min_fragment_minutes: int = 15
    out_of_office: tuple[str, ...] = ()
    overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySettings:
    """Who may book and how the agent behaves in a conversation: follow-ups, expiry, limits."""

    allow: tuple[str, ...] = ()
    block: tuple[str, ...] = ()
    follow_ups: int = 2
    follow_up_business_days: int = 2
    expire_business_days: int = 2
    max_rounds: int = 4
    min_confidence: float = 0.5
    max_agent_replies: int = 8
    daily_send_limit: int = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the program needs, resolved once at start-up."""

    agent: AgentSettings = field(default_factory=AgentSettings)
    backend: BackendSettings = field(default_factory=BackendSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    source: str = "<defaults>"

    @property
    def home_zone(self) -> ZoneInfo:
        return ZoneInfo(self.agent.timezone)

    @property
    def schedule_zone(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.timezone or self.agent.timezone)


def parse_hour_range(text: str) -> tuple[time, time]:
    """Turn "09:00-17:30" into two times; "24:00" is allowed as an end meaning midnight."""
    m = _RANGE.match(text)
    if not m:
        raise ConfigError(f"working-hours range {text!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ConfigError(f"working-hours range {text!r} has an impossible time")
    start = time(h1, m1)
    end = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ConfigError(f"working-hours range {text!r} ends before it starts")
    return start, end


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the TOML file (explicit path, else ./config/agent.toml, else defaults) and apply env overrides."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    source = "<defaults>"
    candidate = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    if candidate.is_file():
        try:
            raw = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{candidate}: {exc}") from exc
        source = str(candidate)
    elif path is not None:
        raise ConfigError(f"config file {candidate} does not exist")
    settings = _build(Settings, raw, "")
    settings = _apply_env(settings, env)
    settings = dataclasses.replace(settings, source=source)
    _validate(settings)
    return settings


def _build(cls: type, raw: Mapping[str, Any], where: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"unknown config key(s) in [{where or 'top'}]: {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for name in known & set(raw):
        hint = hints[name]
        value = raw[name]
        key = f"{where}.{name}" if where else name
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, Mapping):
                raise ConfigError(f"[{key}] must be a table")
            kwargs[name] = _build(hint, value, key)
        else:
            kwargs[name] = _coerce(value, hint, key)
    return cls(**kwargs)


def _coerce(value: Any, hint: Any, key: str) -> Any:
    text_hint = str(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return value.lower() in {"1", "true", "yes", "on"}
        raise ConfigError(f"{key} must be true or false, not {value!r}")
    if hint is int:
        try:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key} must be a whole number, not {value!r}") from None
    if hint is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key} must be a number, not {value!r}") from None
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be a string, not {value!r}")
        return value
    if text_hint.startswith("collections.abc.Mapping[str, tuple"):
        if isinstance(value, str):
            value = _json(value, key)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key} must be a table")
        return {str(k): _str_tuple(v, f"{key}.{k}") for k, v in value.items()}
    if text_hint.startswith("tuple[str"):
        return _str_tuple(value, key)
    if text_hint.startswith("tuple[int"):
        if isinstance(value, str):
            value = _json(value, key) if value.strip().startswith("[") else [v for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{key} must be a list of whole numbers")
        items = value
        return tuple(_coerce(v, int, f"{key}[{i}]") for i, v in enumerate(items))
    raise ConfigError(f"{key}: unsupported setting type {hint!r}")


def _json(text: str, key: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{key}: environment value is not JSON: {exc}") from exc


def _str_tuple(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = _json(value, key) if value.strip().startswith("[") else [v for v in value.split(",") if v]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return tuple(v.strip() for v in value)


def _env_names(cls: type, prefix: str, path: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    names: dict[str, tuple[str, ...]] = {}
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name == "source":
            continue
        env_name = f"{prefix}{f.name.upper()}"
        if dataclasses.is_dataclass(hints[f.name]):
            names.update(_env_names(hints[f.name], env_name + "_", (*path, f.name)))
        else:
            names[env_name] = (*path, f.name)
    return names


def _apply_env(settings: Settings, env: Mapping[str, str]) -> Settings:
    names = _env_names(Settings, ENV_PREFIX, ())
    for env_name, path in names.items():
        if env_name in env:
            settings = _replace_path(settings, path, env[env_name], env_name)
    return settings


def _replace_path(obj: Any, path: tuple[str, ...], value: str, env_name: str) -> Any:
    head, *rest = path
    if rest:
        return dataclasses.replace(obj, **{head: _replace_path(getattr(obj, head), tuple(rest), value, env_name)})
    hint = get_type_hints(type(obj))[head]
    return dataclasses.replace(obj, **{head: _coerce(value, hint, env_name)})


def _validate(settings: Settings) -> None:
    for label, zone in (("agent.timezone", settings.agent.timezone), ("schedule.timezone", settings.schedule.timezone)):
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"{label} {zone!r} is not an IANA time zone") from None
    if settings.backend.kind not in {"local", "nylas"}:
        raise ConfigError(f"backend.kind must be 'local' or 'nylas', not {settings.backend.kind!r}")
    for label, hostport in (("backend.http", settings.backend.http), ("backend.smtp", settings.backend.smtp)):
        split_hostport(hostport, label)
    if settings.backend.smarthost:
        split_hostport(settings.backend.smarthost, "backend.smarthost")
    bad_days = set(settings.schedule.working_hours) - set(WEEKDAYS)
    if bad_days:
        raise ConfigError(f"schedule.working_hours has unknown day(s): {', '.join(sorted(bad_days))}")
    for ranges in settings.schedule.working_hours.values():
        for text in ranges:
            parse_hour_range(text)
    s = settings.schedule
    if s.duration_minutes <= 0 or s.proposals <= 0 or s.horizon_days <= 0 or s.poll_seconds <= 0:
        raise ConfigError("schedule durations, proposals, horizon and poll interval must be positive")
    if s.buffer_minutes < 0 or s.min_notice_hours < 0:
        raise ConfigError("schedule.buffer_minutes and min_notice_hours cannot be negative")
    p = settings.policy
    if min(p.follow_up_business_days, p.expire_business_days, p.max_rounds, p.max_agent_replies) < 1:
        raise ConfigError("policy day counts, max_rounds and max_agent_replies must be at least 1")
    if p.follow_ups < 0 or p.daily_send_limit < 0 or not 0.0 <= p.min_confidence <= 1.0:
        raise ConfigError("policy.follow_ups and daily_send_limit cannot be negative; min_confidence is 0..1")
    if s.slot_interval_minutes <= 0 or s.round_to_minutes <= 0 or any(d <= 0 for d in s.allowed_durations):
        raise ConfigError("schedule slot interval, rounding and allowed durations must be positive")
    caps = (s.max_meetings_per_day, s.max_meetings_per_week, s.max_meeting_minutes_per_day, s.min_fragment_minutes)
    if min(caps) < 0:
        raise ConfigError("schedule caps and min_fragment_minutes cannot be negative (0 means no cap)")
    try:  # the engine owns the meaning of working hours, overrides and out-of-office ranges
        rules_from_schedule(s, settings.schedule_zone)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def split_hostport(text: str, label: str = "address") -> tuple[str, int]:
    """Split "host:port" (IPv6 as "[::1]:25") and check the port."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{label} {text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def nylas_api_key(env: Mapping[str, str] | None = None) -> str:
    """The real Nylas API key, from the environment only."""
    return (os.environ if env is None else env).get("NYLAS_API_KEY", "")
