"""Arithmetic on time spans as (start, end) pairs of UTC epoch seconds: the availability engine's hot loops.

Spans are half-open; `merge_spans` and `subtract_spans` work in one sweep over sorted input. A local date
and wall-clock minute becomes an instant only in `local_stamp`, so DST gaps are handled in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .models import Interval


def local_stamp(day: date, minute: float, zone: ZoneInfo) -> float:
    """Epoch seconds of a wall-clock minute on a local date (1440 = next midnight); gaps move forward."""
    if minute >= 1440:
        day, minute = day + timedelta(days=1), minute - 1440
    whole = int(minute)
    seconds = (minute - whole) * 60
    stamp = datetime(day.year, day.month, day.day, whole // 60, whole % 60, tzinfo=zone).timestamp()
    return stamp + seconds


def epoch_spans(items: Iterable[Interval]) -> list[tuple[float, float]]:
    return [(i.start.timestamp(), i.end.timestamp()) for i in items]


def merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, disjoint union of spans; touching spans join."""
    spans.sort()
    out: list[tuple[float, float]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def subtract_spans(spans: list[tuple[float, float]], holes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted disjoint `spans` minus sorted disjoint `holes`, in one sweep."""
    out: list[tuple[float, float]] = []
    j = 0
    for a, b in spans:
        while j < len(holes) and holes[j][1] <= a:
            j += 1
        k = j
        cur = a
        while k < len(holes) and holes[k][0] < b:
            if holes[k][0] > cur:
                out.append((cur, holes[k][0]))
            cur = max(cur, holes[k][1])
            k += 1
        if cur < b:
            out.append((cur, b))
    return out


def intersect_spans(xs: list[tuple[float, float]], ys: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if a < b:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def overlaps_any(a: float, b: float, spans: Iterable[tuple[float, float]]) -> bool:
    return any(x < b and a < y for x, y in spans)
