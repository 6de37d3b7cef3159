"""The availability engine: busy time + booking rules ⇒ ranked free slots, and why any other time is not.

Free time is computed here, by code, never guessed by the model (design section 2, invariant 1).
Inside, every instant is a UTC epoch second (a float): the zone is applied once, where a local date or
wall-clock time turns into an instant, so DST days and half-hour zones come out exact and the hot loops
are plain comparisons. Cost: the calendar is indexed once (sorted starts + bisect); a query reads only the
events inside its window, expands recurring series inside the window only, merges busy time once and walks
the free gaps instead of testing every possible start.

Buffers stack the way booking tools do it: an existing meeting keeps its own buffer and the new one keeps
its own, so two meetings end up `before + after` apart. Other participants' busy blocks, out-of-office
ranges and avoided times carry no buffer.

Where the parts live: the calendar index in `busy_calendar`, the rules, requests and answers in
`slot_rules`, the working-out of one query in `slot_query`, the span arithmetic in `slot_spans`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from .busy_calendar import BusyCalendar
from .models import Interval, require_aware
from .slot_query import Query
from .slot_rules import Blocker, Request, Rules, Slot
from .slot_spans import epoch_spans, local_stamp, overlaps_any

__all__ = ["find_slots", "why_not"]


def find_slots(
    calendar: BusyCalendar,
    rules: Rules,
    *,
    now: datetime,
    request: Request | None = None,
    holds: Sequence[Interval] = (),
) -> list[Slot]:
    """The best free slots, best first; an empty list when nothing satisfies the rules and the request."""
    q = Query(calendar, rules, now, request or Request(), holds)
    candidates_by_day: dict[date, list[tuple[tuple[int, int, float], float]]] = {}
    for a, b in q.free_gaps():
        q.add_candidates(a, b, candidates_by_day)
    return q.select(candidates_by_day)


def why_not(
    calendar: BusyCalendar,
    rules: Rules,
    start: datetime,
    *,
    now: datetime,
    request: Request | None = None,
    holds: Sequence[Interval] = (),
) -> tuple[Blocker, ...]:
    """Every reason the meeting starting at `start` cannot be offered; empty when it can.

    Any start is judged, not only those on the slot grid: a person asking "why not 10:05?" deserves the
    real answer, and the grid only decides which free times `find_slots` lists.
    """
    require_aware(start, "start")
    q = Query(calendar, rules, now, request or Request(), holds)
    s = start.timestamp()
    e = s + q.dur
    found: list[Blocker] = []
    if s < q.notice_end:
        found.append(Blocker.NOTICE)
    if q.req.earliest is not None and s < q.req.earliest.timestamp():
        found.append(Blocker.EARLIEST)
    if q.req.latest is not None and e > q.req.latest.timestamp():
        found.append(Blocker.LATEST)
    if e > q.horizon:
        found.append(Blocker.HORIZON)
    day = datetime.fromtimestamp(s, rules.zone).date()
    hours = rules.hours_on(day)
    if not hours:
        found.append(Blocker.DAY_OFF)
    elif not any(local_stamp(day, a, rules.zone) <= s and e <= local_stamp(day, b, rules.zone) for a, b in hours):
        found.append(Blocker.OUTSIDE_HOURS)
    if overlaps_any(s, e, epoch_spans(rules.out_of_office)):
        found.append(Blocker.OUT_OF_OFFICE)
    if q.req.windows and not any(w.start.timestamp() <= s and e <= w.end.timestamp() for w in q.req.windows):
        found.append(Blocker.OUTSIDE_WINDOWS)
    if overlaps_any(s, e, epoch_spans(q.req.avoid)):
        found.append(Blocker.AVOID)
    events = calendar.busy(s - q.pad, e + q.pad)
    blocking = [(a, b) for a, b, f in events if q.counts(f)]
    held = epoch_spans(holds)
    if overlaps_any(s, e, blocking):
        found.append(Blocker.BUSY)
    if overlaps_any(s, e, held):
        found.append(Blocker.HOLD)
    clear = Blocker.BUSY not in found and Blocker.HOLD not in found
    if clear and overlaps_any(s - q.pad, e + q.pad, blocking + held):
        found.append(Blocker.BUFFER)
    if overlaps_any(s, e, epoch_spans(q.req.others_busy)):
        found.append(Blocker.OTHERS_BUSY)
    found.extend(q.caps_hit(day))
    return tuple(found)
