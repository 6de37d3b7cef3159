"""The agent's calendar as the availability engine sees it: blocking events, indexed by time once.

A query reads only the events inside its window (sorted starts + bisect; long events in a short side list)
and expands recurring series inside the window only. What comes out is (start, end, flags) in epoch
seconds; the flags say whether the block is a meeting (it counts towards caps) and whether it is tentative.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from .models import Interval, require_aware
from .recurrence import Series, occurrence_stamps

_LONG_EVENT = 2 * 86400.0  # longer events sit in a short side list so bisect windows stay narrow
# Bits of the flags in a busy (start, end, flags) tuple.
MEETING_FLAG = 1
TENTATIVE_FLAG = 2


class EventStatus(StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One event of the agent's calendar, reduced to what availability needs: never a title.

    All-day and floating events are already placed in the home zone by the reader; `series` carries the
    recurrence (then `start`/`end` are the first occurrence).
    """

    start: datetime
    end: datetime
    all_day: bool = False
    busy: bool = True
    status: EventStatus = EventStatus.CONFIRMED
    declined: bool = False
    series: Series | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "CalendarEvent.start")
        require_aware(self.end, "CalendarEvent.end")
        if self.end < self.start:
            raise ValueError(f"event ends before it starts: {self.start} > {self.end}")

    @property
    def blocks_time(self) -> bool:
        """Cancelled, declined and free (transparent) events never block; tentative ones depend on the rules."""
        return self.busy and not self.declined and self.status is not EventStatus.CANCELLED


class BusyCalendar:
    """The blocking events of one calendar, indexed by time once and queried many times."""

    __slots__ = ("_ends", "_flags", "_long", "_longest", "_series", "_starts")

    def __init__(self, events: Iterable[CalendarEvent]) -> None:
        singles: list[tuple[float, float, int]] = []
        self._long: list[tuple[float, float, int]] = []
        self._series: list[tuple[float, float, Series, int]] = []
        for ev in events:
            if not ev.blocks_time:
                continue
            flags = (0 if ev.all_day else MEETING_FLAG) | (TENTATIVE_FLAG if ev.status is EventStatus.TENTATIVE else 0)
            if ev.series is not None:
                last = math.inf if ev.series.last_end is None else ev.series.last_end.timestamp()
                self._series.append((ev.start.timestamp(), last, ev.series, flags))
                continue
            s, e = ev.start.timestamp(), ev.end.timestamp()
            (self._long if e - s > _LONG_EVENT else singles).append((s, e, flags))
        singles.sort()
        self._starts = [s for s, _, _ in singles]
        self._ends = [e for _, e, _ in singles]
        self._flags = [f for _, _, f in singles]
        self._longest = max((e - s for s, e, _ in singles), default=0.0)

    def __len__(self) -> int:
        return len(self._starts) + len(self._long) + len(self._series)

    def busy(self, lo: float, hi: float) -> list[tuple[float, float, int]]:
        """(start, end, flags) of every blocking occurrence overlapping [lo, hi), in epoch seconds."""
        i = bisect_left(self._starts, lo - self._longest)
        j = bisect_left(self._starts, hi)
        ends, flags, starts = self._ends, self._flags, self._starts
        found = [(starts[k], ends[k], flags[k]) for k in range(i, j) if ends[k] > lo]
        found.extend(item for item in self._long if item[0] < hi and item[1] > lo)
        for first, last, series, f in self._series:
            if first < hi and last > lo:
                found.extend((b, e, f) for b, e in occurrence_stamps(series, lo, hi))
        return found

    def intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Blocking time overlapping [start, end), for display and tests."""
        return [
            Interval(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC))
            for s, e, _ in sorted(self.busy(start.timestamp(), end.timestamp()))
        ]
