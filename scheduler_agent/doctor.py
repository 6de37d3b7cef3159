"""`scheduler-agent doctor`: the checks a first run depends on, each with a plain-language verdict.

Every check runs even when an earlier one fails, so one invocation lists everything to fix.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .backend import agent_data_dir, open_backend
from .clock import SystemClock
from .config import Settings, nylas_api_key, split_hostport
from .errors import AgentError
from .models import Intent
from .understand import build_extractor, request_context

Check = tuple[bool, str, str]


def _config(settings: Settings) -> Check:
    zone = settings.home_zone
    local = datetime.now(UTC).astimezone(zone)
    return True, "config", f"{settings.source}; agent {settings.agent.email}, home zone {zone.key} (now {local:%H:%M})"


def _data_dir(settings: Settings) -> Check:
    path = agent_data_dir(settings)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path):
            pass
    except OSError as exc:
        return False, "data directory", f"{path} is not writable: {exc.strerror}"
    return True, "data directory", f"{path.resolve()} is writable"


def _keys(settings: Settings) -> Check:
    if settings.backend.kind == "nylas":
        if not nylas_api_key():
            return False, "keys", "backend.kind is 'nylas' but NYLAS_API_KEY is not set"
        if not settings.backend.nylas.grant_id:
            return False, "keys", "backend.kind is 'nylas' but backend.nylas.grant_id is empty"
        return True, "keys", f"NYLAS_API_KEY set; grant {settings.backend.nylas.grant_id}"
    source = "SCHEDULER_AGENT_API_KEY" if os.environ.get("SCHEDULER_AGENT_API_KEY") else "the data directory"
    return True, "keys", f"local account server; its API key comes from {source}"


def _ports(settings: Settings) -> Check:
    if settings.backend.kind != "local":
        return True, "ports", "not needed with the nylas backend"
    busy: list[str] = []
    for label, text in (("HTTP", settings.backend.http), ("SMTP", settings.backend.smtp)):
        host, port = split_hostport(text)
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                busy.append(f"{label} {text}")
    if busy:
        return False, "ports", f"in use (a daemon already running?): {', '.join(busy)}"
    return True, "ports", f"HTTP {settings.backend.http} and SMTP {settings.backend.smtp} are free"


def _calendar(settings: Settings) -> Check:
    now = SystemClock().now()
    backend = open_backend(settings, clock=SystemClock())
    try:
        calendar = backend.client.get_calendar("primary")
        events = list(backend.client.list_events(start=now, end=now + timedelta(days=7), max_items=500))
        unread = list(backend.client.list_messages(unread=True, in_folder="inbox", limit=1, max_items=1))
    finally:
        backend.close()
    return (
        True,
        "calendar and mailbox",
        (
            f"primary calendar {calendar.get('name', calendar.get('id'))!r}: {len(events)} events in the next 7 days; "
            f"{'unread mail waiting' if unread else 'no unread mail'}"
        ),
    )


def _model(settings: Settings) -> Check:
    extractor = build_extractor(settings.model)
    now = SystemClock().now()
    request = extractor.extract(
        "Could we meet for 30 minutes next Tuesday afternoon?", request_context(settings, now=now)
    )
    ok = request.intent is Intent.SCHEDULE and request.duration_minutes == 30 and bool(request.windows)
    detail = (
        f"{request.extractor}: understood a sample request as {request.intent.value}, {request.duration_minutes} min"
    )
    return ok, "model", detail if ok else detail + " (expected schedule, 30 min, with windows)"


def _clock(settings: Settings) -> Check:
    now = SystemClock().now()
    if now.year < 2024:
        return False, "clock", f"the system clock says {now.isoformat()}; proposals would be wrong"
    return True, "clock", f"{now.isoformat(timespec='seconds')} (UTC)"


CHECKS: tuple[Callable[[Settings], Check], ...] = (_config, _data_dir, _keys, _ports, _clock, _calendar, _model)


def run_checks(settings: Settings) -> list[Check]:
    """Run every check; an exception in one becomes its FAIL line."""
    results: list[Check] = []
    for check in CHECKS:
        name = check.__name__.lstrip("_")
        try:
            results.append(check(settings))
        except (AgentError, OSError, ValueError) as exc:
            results.append((False, name, str(exc)))
    return results
