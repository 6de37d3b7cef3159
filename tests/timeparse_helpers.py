"""Contexts and renderings shared by the per-area engine tests (tests/test_timeparse_<area>.py): one place
decides what a "reading" context and a "mail" context are, so the areas differ only in their phrases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scheduler_agent.models import Person, RequestContext
from scheduler_agent.timeparse import resolve_times


def reading_context(now: datetime, *, horizon_days: int = 20000) -> RequestContext:
    """A phrase read on its own, in the zone of `now`, with a horizon wide enough for far-off dates."""
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)
    return RequestContext(now=now, home_timezone=zone.key, horizon_days=horizon_days)


def mail_context(now: datetime, *, horizon_days: int = 365) -> RequestContext:
    """A phrase in a mail from Dana to the agent, written in the zone of `now`."""
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)
    return RequestContext(
        now=now,
        home_timezone=zone.key,
        sender=Person("dana@example.com", "Dana Lee"),
        agent_email="agent@localhost",
        recipients=(Person("agent@localhost"),),
        horizon_days=horizon_days,
    )


def first_start(text: str, now: datetime, *, horizon_days: int = 20000) -> str | None:
    """Where the reading of `text` starts, as local "YYYY-MM-DD HH:MM" (None: no time named)."""
    windows = resolve_times(text, reading_context(now, horizon_days=horizon_days))
    return windows[0].start.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M") if windows else None
