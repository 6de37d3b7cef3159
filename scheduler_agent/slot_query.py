"""One question to the availability engine, worked out: bounds, day loads and caps, free gaps, candidate
starts on the slot grid, and the greedy choice of the best ones."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from .busy_calendar import MEETING_FLAG, TENTATIVE_FLAG, BusyCalendar
from .models import Interval, require_aware
from .slot_rules import Blocker, Request, Rules, Slot, horizon_end
from .slot_spans import epoch_spans, intersect_spans, local_stamp, merge_spans, overlaps_any, subtract_spans

_MINUTE = 60.0


class Query:
    """One question to the engine: the bounds, loads and gaps it needs, computed once."""

    def __init__(
        self, calendar: BusyCalendar, rules: Rules, now: datetime, req: Request, holds: Sequence[Interval]
    ) -> None:
        require_aware(now, "now")
        self.cal, self.rules, self.req, self.holds = calendar, rules, req, holds
        self.zone = rules.zone
        self.dur = rules.pick_duration(req.duration).total_seconds()
        self.pad = (rules.buffer_before + rules.buffer_after).total_seconds()
        self.notice_end = (now + rules.min_notice).timestamp()
        self.horizon = horizon_end(rules, now).timestamp()
        self.lo = max(self.notice_end, req.earliest.timestamp() if req.earliest else -math.inf)
        self.hi = min(self.horizon, req.latest.timestamp() if req.latest else math.inf)
        self.day_index0 = datetime.fromtimestamp(max(self.lo, now.timestamp()), self.zone).date()
        self.preferred = merge_spans(epoch_spans(req.preferred))
        self.preferred_starts = [a for a, _ in self.preferred]

    def counts(self, flags: int) -> bool:
        return self.rules.tentative_as_busy or not flags & TENTATIVE_FLAG

    # ----- caps
    def _day_loads(self, first: date, last: date) -> dict[date, tuple[int, float]]:
        """Meetings and meeting seconds per local date, holds included, for dates in [first, last]."""
        lo = local_stamp(first, 0, self.zone)
        hi = local_stamp(last + timedelta(days=1), 0, self.zone)
        loads: dict[date, tuple[int, float]] = {}
        starts = [(a, b) for a, b, f in self.cal.busy(lo, hi) if f & MEETING_FLAG and self.counts(f)]
        starts.extend(epoch_spans(self.holds))
        for a, b in starts:
            if lo <= a < hi:
                day = datetime.fromtimestamp(a, self.zone).date()
                n, secs = loads.get(day, (0, 0.0))
                loads[day] = (n + 1, secs + (b - a))
        return loads

    def caps_hit(self, day: date) -> list[Blocker]:
        r = self.rules
        if not (r.max_per_day or r.max_per_week or r.max_minutes_per_day):
            return []
        week0 = day - timedelta(days=day.weekday())
        loads = self._day_loads(week0, week0 + timedelta(days=6))
        return self._caps_from(loads, day)

    def _caps_from(self, loads: Mapping[date, tuple[int, float]], day: date) -> list[Blocker]:
        r = self.rules
        hit: list[Blocker] = []
        n, secs = loads.get(day, (0, 0.0))
        if r.max_per_day and n >= r.max_per_day:
            hit.append(Blocker.CAP_DAY)
        if r.max_per_week:
            week0 = day - timedelta(days=day.weekday())
            week = sum(loads.get(week0 + timedelta(days=i), (0, 0.0))[0] for i in range(7))
            if week >= r.max_per_week:
                hit.append(Blocker.CAP_WEEK)
        if r.max_minutes_per_day and secs + self.dur > r.max_minutes_per_day * _MINUTE:
            hit.append(Blocker.CAP_MINUTES)
        return hit

    # ----- free time
    def free_gaps(self) -> list[tuple[float, float]]:
        """Working time inside the bounds and windows, minus everything that blocks, as sorted gaps."""
        if self.hi - self.lo < self.dur:
            return []
        first = datetime.fromtimestamp(self.lo, self.zone).date()
        last = datetime.fromtimestamp(self.hi, self.zone).date()
        r = self.rules
        loads = None
        if r.max_per_day or r.max_per_week or r.max_minutes_per_day:
            loads = self._day_loads(first - timedelta(days=first.weekday()), last + timedelta(days=6))
        open_spans: list[tuple[float, float]] = []
        day = first
        while day <= last:
            if not (loads is not None and self._caps_from(loads, day)):
                for a, b in r.hours_on(day):
                    lo, hi = max(local_stamp(day, a, self.zone), self.lo), min(local_stamp(day, b, self.zone), self.hi)
                    if hi - lo >= self.dur:
                        open_spans.append((lo, hi))
            day += timedelta(days=1)
        if self.req.windows:
            open_spans = intersect_spans(open_spans, merge_spans(epoch_spans(self.req.windows)))
        if not open_spans:
            return []
        lo, hi = open_spans[0][0], open_spans[-1][1]
        pad = self.pad
        blocked = [(a - pad, b + pad) for a, b, f in self.cal.busy(lo - pad, hi + pad) if self.counts(f)]
        blocked.extend((a - pad, b + pad) for a, b in epoch_spans(self.holds))
        for extra in (self.req.others_busy, self.req.avoid, r.out_of_office):
            blocked.extend(epoch_spans(extra))
        return [(a, b) for a, b in subtract_spans(open_spans, merge_spans(blocked)) if b - a >= self.dur]

    def add_candidates(self, a: float, b: float, out: dict[date, list[tuple[tuple[int, int, float], float]]]) -> None:
        """Every start on the slot grid inside the gap [a, b), keyed by (not preferred, fragments, time of day)."""
        dur, step = self.dur, self.rules.slot_interval.total_seconds()
        frag = self.rules.min_fragment.total_seconds()
        preferred, pref_starts = self.preferred, self.preferred_starts
        s = first = self._first_on_grid(a)
        if s + dur > b:
            return
        local = datetime.fromtimestamp(s, self.zone)
        day = local.date()
        midnight = local_stamp(day, 0, self.zone)
        bucket = out.setdefault(day, [])
        while s + dur <= b:
            lead, trail = s - first, b - s - dur  # what rounding leaves before `first` is lost anyway
            fragments = (0 < lead < frag) + (0 < trail < frag)
            k = bisect_right(pref_starts, s) - 1
            in_pref = k >= 0 and preferred[k][1] >= s + dur
            bucket.append(((0 if in_pref else 1, fragments, (s - midnight) / 86400.0), s))
            s += step

    def _first_on_grid(self, a: float) -> float:
        """The first start at or after `a` on the rounding grid of local wall-clock minutes."""
        local = datetime.fromtimestamp(a, self.zone)
        r = self.rules.round_to.total_seconds() / _MINUTE
        minutes = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
        target = math.ceil(minutes / r - 1e-9) * r
        s = local_stamp(local.date(), target, self.zone)
        while s < a:
            s += r * _MINUTE
        return s

    def select(self, by_day: dict[date, list[tuple[tuple[int, int, float], float]]]) -> list[Slot]:
        """Greedy, best first: a new day beats a day already used, then preference, day, fragments, time."""
        want = self.req.count or self.rules.proposals
        for items in by_day.values():
            items.sort()
        used: dict[date, int] = {}
        chosen: list[tuple[float, float]] = []
        picked: list[Slot] = []
        while len(picked) < want:
            best: tuple[tuple[int, int, int, int, float], float, date] | None = None
            for day, items in by_day.items():
                for key, s in items:
                    if overlaps_any(s - self.pad, s + self.dur + self.pad, chosen):
                        continue
                    repeat = used.get(day, 0) if self.rules.spread_over_days else 0
                    full = (repeat, key[0], (day - self.day_index0).days, key[1], key[2])
                    if best is None or full < best[0]:
                        best = (full, s, day)
                    break
            if best is None:
                break
            full, s, day = best
            used[day] = used.get(day, 0) + 1
            chosen.append((s, s + self.dur))
            picked.append(self._slot(s, full, min(start for _, start in by_day[day])))
        return picked

    def _slot(self, s: float, key: tuple[int, int, int, int, float], earliest: float) -> Slot:
        repeat, not_pref, day_no, fragments, tod = key
        score = -1e7 * repeat - 1e6 * not_pref - 1e3 * day_no - 100 * fragments - 99 * tod
        reasons = []
        if self.req.preferred and not not_pref:
            reasons.append("inside a preferred time")
        if self.rules.spread_over_days and not repeat:
            reasons.append("on a day of its own")
        if s == earliest:
            reasons.append("earliest free time that day")
        if not fragments:
            reasons.append("leaves no unusably short gap")
        start = datetime.fromtimestamp(s, self.zone)
        return Slot(start, datetime.fromtimestamp(s + self.dur, self.zone), score, tuple(reasons))
