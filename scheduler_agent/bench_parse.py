"""`scheduler-agent bench parse`: how well and how fast the offline engine understands requests.

Three figures, all from files under tests/eval/ so the numbers can be reproduced and argued with:
- the labelled evaluation set (our mail-style cases plus phrases from Duckling's English corpus),
  scored field by field, with a per-category report;
- exact time resolution side by side with dateparser (future-preferring, RELATIVE_BASE = now) and
  ctparse, on the same set, on public phrases with their sources' own values (literal/: "third-party
  gold", the literal reading rather than our scheduling labels) and on a held-out external corpus
  (ctparse's English time corpus) that the engine was not developed against;
- sentences per second on one core.
dateparser and ctparse are optional (`pip install 'scheduler-agent[bench]'`); missing ones are skipped.
"""

from __future__ import annotations

import json
import logging
import re
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .models import Interval, MeetingRequest, Person, RequestContext
from .timeparse import parse_request, resolve_times

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
EXTERNAL_FILE = Path("external") / "ctparse_en.jsonl"
LITERAL_DIR = Path("literal")
DEFAULT_NOW = "2026-11-18T09:00"
DEFAULT_TZ = "America/New_York"
DUCKLING_NOW, DUCKLING_TZ = "2013-02-12T04:30", "Etc/GMT+2"
AGENT = "agent@localhost"
STD_PROPOSALS = ("2026-11-24T14:00", "2026-11-25T10:00", "2026-11-26T15:00")
_GOLD_POINT = re.compile(r"(\w+)-(\w+)-(\w+) (\w+):(\w+) \(([^/]*)/([^)]*)\)")

# A resolved time as comparable fields: (year, month, day, hour, minute); None where a system gave none.
Fields = tuple[int | None, int | None, int | None, int | None, int | None]
Resolution = tuple[Fields, Fields | None]


def dev_files(base: Path = EVAL_DIR) -> tuple[str, ...]:
    """Every labelled case file directly under the eval folder; the held-out corpus lives in external/ and the
    third-party gold in literal/, so a new source is one new file, with no list to keep in step."""
    return tuple(sorted(path.name for path in base.glob("*.jsonl")))


DEV_FILES = dev_files()


def load_cases(*names: str | Path, base: Path = EVAL_DIR) -> list[dict[str, Any]]:
    """Read JSON Lines case files; every line is one case."""
    cases: list[dict[str, Any]] = []
    for name in names:
        path = base / name
        with path.open(encoding="utf-8") as handle:
            cases.extend(json.loads(line) for line in handle if line.strip())
    return cases


def _zone(name: str | None) -> tzinfo:
    """IANA names, or "+05:30"-style fixed offsets used by labels."""
    if name and name[0] in "+-":
        sign = -1 if name[0] == "-" else 1
        hours, minutes = name[1:].split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return ZoneInfo(name or "UTC")


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _person(text: str) -> Person:
    match = re.match(r"\s*(.*?)\s*<([^>]+)>\s*$", text)
    return Person(email=match.group(2), name=match.group(1)) if match else Person(email=text.strip())


def case_context(case: dict[str, Any]) -> RequestContext:
    """The RequestContext a case describes, with the suite's defaults filled in."""
    duckling = case.get("cat") == "duckling"
    tz_name = case.get("tz", DUCKLING_TZ if duckling else DEFAULT_TZ)
    home = DUCKLING_TZ if duckling else DEFAULT_TZ
    local = _zone(tz_name or home)
    now = datetime.fromisoformat(case.get("now", DUCKLING_NOW if duckling else DEFAULT_NOW)).replace(tzinfo=local)
    raw = STD_PROPOSALS if case.get("proposals") == "std" else case.get("proposals") or ()
    proposals = tuple(
        Interval(start, start + timedelta(minutes=30))
        for start in (_local(datetime.fromisoformat(p), local) for p in raw)
    )
    return RequestContext(
        now=now,
        home_timezone=home,
        sender=Person(email="dana@example.com", name="Dana Lee"),
        recipients=tuple(_person(r) for r in case.get("recipients", [AGENT])),
        agent_email=AGENT,
        sender_timezone=case.get("sender_tz", tz_name),
        date_offset_minutes=case.get("date_offset"),
        proposals=proposals,
        default_duration_minutes=case.get("default_duration", 30),
        horizon_days=case.get("horizon", 5000 if duckling else 60),
    )


def _label_window(text: str, zone: tzinfo) -> tuple[datetime, datetime]:
    day, span = text.split(" ")
    start_text, end_text = span.split("-")
    base = date.fromisoformat(day)
    start = datetime.combine(base, datetime.strptime(start_text, "%H:%M").time(), tzinfo=zone)
    if end_text == "24:00":
        end = datetime.combine(base + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    else:
        end = datetime.combine(base, datetime.strptime(end_text, "%H:%M").time(), tzinfo=zone)
    return start, end


def check(case: dict[str, Any], got: MeetingRequest, ctx: RequestContext) -> list[str]:
    """Every way `got` differs from the case's expectations; empty means the case passes."""
    expect = case["expect"]
    zone = _zone(expect.get("label_tz") or case.get("tz", DEFAULT_TZ) or DEFAULT_TZ)
    if case.get("cat") == "duckling":
        zone = _zone(DUCKLING_TZ)
    wrong: list[str] = []
    windows = [(w.start, w.end) for w in got.windows]

    def local_days(items: Iterable[Interval]) -> list[str]:
        return sorted({w.start.astimezone(zone).date().isoformat() for w in items})

    simple = {
        "intent": got.intent.value,
        "duration": got.duration_minutes,
        "medium": got.medium.value,
        "location": got.location,
        "timezone": got.timezone,
        "urgent": got.urgent,
    }
    for key, actual in simple.items():
        if key in expect and expect[key] != actual:
            wrong.append(f"{key}: expected {expect[key]!r}, got {actual!r}")
    if "windows" in expect and sorted(_label_window(w, zone) for w in expect["windows"]) != sorted(windows):
        wrong.append(f"windows: got {[w.to_json() for w in got.windows][:6]}")
    if "avoid" in expect and sorted(_label_window(w, zone) for w in expect["avoid"]) != sorted(
        (w.start, w.end) for w in got.avoid
    ):
        wrong.append(f"avoid: got {[w.to_json() for w in got.avoid][:6]}")
    if "days" in expect and sorted(expect["days"]) != local_days(got.windows):
        wrong.append(f"days: got {local_days(got.windows)}")
    if "avoid_days" in expect and sorted(expect["avoid_days"]) != local_days(got.avoid):
        wrong.append(f"avoid_days: got {local_days(got.avoid)}")
    first = got.windows[0].start.astimezone(zone) if got.windows else None
    if "first_day" in expect and (first is None or first.date().isoformat() != expect["first_day"]):
        wrong.append(f"first_day: got {first}")
    if "first" in expect and (first is None or first.strftime("%Y-%m-%d %H:%M") != expect["first"]):
        wrong.append(f"first: got {first}")
    if "chosen" in expect:
        wanted = ctx.proposals[expect["chosen"] - 1].start if expect["chosen"] else None
        if got.chosen != wanted:
            wrong.append(f"chosen: expected {wanted}, got {got.chosen}")
    if "attendees" in expect and sorted(expect["attendees"]) != sorted(p.email for p in got.attendees):
        wrong.append(f"attendees: got {[p.email for p in got.attendees]}")
    if "note" in expect and not any(expect["note"] in n for n in got.not_understood):
        wrong.append(f"not_understood lacks {expect['note']!r}: {got.not_understood}")
    return wrong


@dataclass
class Score:
    """Passes out of cases, per category."""

    passed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def add(self, category: str, ok: bool) -> None:
        self.total[category] += 1
        self.passed[category] += int(ok)

    @property
    def accuracy(self) -> float:
        total = sum(self.total.values())
        return sum(self.passed.values()) / total if total else 0.0

    def by_category(self) -> dict[str, dict[str, float]]:
        return {
            cat: {"passed": self.passed[cat], "total": n, "accuracy": round(self.passed[cat] / n, 3)}
            for cat, n in sorted(self.total.items())
        }


def evaluate(cases: list[dict[str, Any]], extract: Callable[[str, RequestContext], MeetingRequest]) -> Score:
    """Run every case through `extract` and score it field by field."""
    score = Score()
    for case in cases:
        ctx = case_context(case)
        got = extract(case["text"], ctx)
        if case.get("past"):  # a reference to the past ("last week"): its reading, which scheduling would drop
            got = replace(got, windows=resolve_times(case["text"], ctx))
        wrong = check(case, got, ctx)
        score.add(case["cat"], not wrong)
        if wrong:
            score.failures.append((case["id"], case["text"], wrong))
    return score


# ---- exact time resolution, side by side --------------------------------------------------------------


def _fields(moment: datetime) -> Fields:
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def _gold_point(text: str) -> Fields | None:
    if text.strip() == "None":
        return None
    match = _GOLD_POINT.search(text)
    if not match:
        raise ValueError(f"unreadable gold {text!r}")
    return tuple(None if g == "X" else int(g) for g in match.groups()[:5])  # type: ignore[return-value]


def parse_gold(gold: str) -> Resolution | tuple[None, Fields | None]:
    """ctparse's `Time[]{...}` / `Interval[]{... - ...}` notation as (start, end) fields."""
    body = gold[gold.index("{") + 1 : gold.rindex("}")]
    if gold.startswith("Interval"):
        left, right = body.split(" - ", 1)
        return _gold_point(left), _gold_point(right)  # type: ignore[return-value]
    return _gold_point(body), None  # type: ignore[return-value]


def _agrees(gold: Fields | None, got: Fields | None) -> bool:
    if gold is None:
        return True
    if got is None:
        return False
    return all(g is None or g == v for g, v in zip(gold, got, strict=True))


def resolution_matches(gold: tuple[Fields | None, Fields | None], got: Resolution | None) -> bool:
    """Every field the gold fixes must agree; a side the gold leaves open (None) is not checked."""
    if got is None:
        return False
    start, end = got
    if gold[0] is not None and not _agrees(gold[0], start):
        return False
    return gold[1] is None or _agrees(gold[1], end)


def ours_resolution(text: str, ref: datetime, zone: tzinfo) -> Resolution | None:
    """The engine's reading (resolve_times, past times kept, like the other parsers) as resolution fields."""
    ctx = RequestContext(now=ref, home_timezone=getattr(zone, "key", "UTC"), horizon_days=5000)
    return _window_fields(resolve_times(text, ctx), zone)


def ours_scheduling_resolution(text: str, ref: datetime, zone: tzinfo) -> Resolution | None:
    """The same through parse_request: the windows the agent would schedule in (past dropped, today clipped)."""
    ctx = RequestContext(now=ref, home_timezone=getattr(zone, "key", "UTC"), horizon_days=5000)
    return _window_fields(parse_request(text, ctx).windows, zone)


def _window_fields(windows: tuple[Interval, ...], zone: tzinfo) -> Resolution | None:
    """First..last window as fields in the reference zone (date-only ends: the last day)."""
    if not windows:
        return None
    first, last = windows[0].start.astimezone(zone), windows[-1].end.astimezone(zone)
    whole_day = last.hour == 0 and last.minute == 0
    end = _fields(last - timedelta(microseconds=1)) if whole_day else _fields(last)
    if whole_day:
        end = (*end[:3], None, None)
    return _fields(first), end


def dateparser_resolution(text: str, ref: datetime, zone: tzinfo) -> Resolution | None:
    """dateparser as a Python user would call it for scheduling: future-preferring, relative to now."""
    import dateparser
    from dateparser.search import search_dates

    settings: Any = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": ref.replace(tzinfo=None)}
    found = dateparser.parse(text, languages=["en"], settings=settings)
    if found is None:
        hits = search_dates(text, languages=["en"], settings=settings)
        found = hits[0][1] if hits else None
    if found is None:
        return None
    if found.tzinfo is not None:
        found = found.astimezone(zone).replace(tzinfo=None)
    return _fields(found), _fields(found)


def ctparse_resolution(text: str, ref: datetime, zone: tzinfo) -> Resolution | None:
    """ctparse's best parse, its Time or Interval read field by field."""
    from ctparse import ctparse

    logging.getLogger("ctparse").setLevel(logging.ERROR)  # it warns once per phrase it cannot parse
    parsed = ctparse(text, ts=ref.replace(tzinfo=None), timeout=1.0)
    if parsed is None or parsed.resolution is None:
        return None
    res = parsed.resolution

    def fields(t: Any) -> Fields | None:
        if t is None:
            return None
        return (t.year, t.month, t.day, t.hour, t.minute)

    if hasattr(res, "t_from"):
        start = fields(getattr(res, "t_from", None)) or (None, None, None, None, None)
        return start, fields(getattr(res, "t_to", None))
    point = fields(res)
    return (point, point) if point else None


def dev_time_gold(case: dict[str, Any]) -> tuple[Fields | None, Fields | None] | None:
    """The first time a dev case expects, at the granularity it was labelled with (None: not a time case)."""
    expect = case["expect"]
    if expect.get("first"):
        start = datetime.strptime(expect["first"], "%Y-%m-%d %H:%M")
        return _fields(start), None
    day = expect.get("first_day") or min(expect.get("days") or [""]) or None
    if day:
        parsed = date.fromisoformat(day)
        return (parsed.year, parsed.month, parsed.day, None, None), None
    if expect.get("windows"):
        first = min(expect["windows"])
        zone = _zone(expect.get("label_tz") or case.get("tz") or DEFAULT_TZ)
        start = _label_window(first, zone)[0]
        if first.endswith("00:00-24:00"):
            return (start.year, start.month, start.day, None, None), None
        return _fields(start), None
    return None


Resolver = Callable[[str, datetime, tzinfo], Resolution | None]


def side_by_side(items: list[tuple[str, datetime, tzinfo, Any]], systems: dict[str, Resolver]) -> dict[str, float]:
    """Exact-resolution accuracy of each system over (text, ref, zone, gold) items."""
    result: dict[str, float] = {}
    for name, resolve in systems.items():
        hits = 0
        for text, ref, zone, gold in items:
            try:
                got = resolve(text, ref, zone)
            except Exception:  # a third-party parser crashing on one input counts as a miss
                got = None
            hits += resolution_matches(gold, got)
        result[name] = round(hits / len(items), 3) if items else 0.0
    return result


def available_systems() -> dict[str, Resolver]:
    """Ours always; dateparser and ctparse when installed (bench extra)."""
    systems: dict[str, Resolver] = {
        "scheduler-agent": ours_resolution,
        "scheduler-agent (scheduling windows)": ours_scheduling_resolution,
    }
    for module, resolver in (("dateparser", dateparser_resolution), ("ctparse", ctparse_resolution)):
        try:
            __import__(module)
        except ImportError:
            continue
        systems[module] = resolver
    return systems


def dev_items(cases: list[dict[str, Any]]) -> list[tuple[str, datetime, tzinfo, Any]]:
    items: list[tuple[str, datetime, tzinfo, Any]] = []
    for case in cases:
        gold = dev_time_gold(case)
        if gold is None:
            continue
        ctx = case_context(case)
        zone = ctx.now.tzinfo
        assert zone is not None  # RequestContext guarantees an aware now
        items.append((str(case["text"]), ctx.now, zone, gold))
    return items


def external_items(base: Path = EVAL_DIR) -> list[tuple[str, datetime, tzinfo, Any]]:
    utc = UTC
    return [
        (c["text"], datetime.fromisoformat(c["ref_time"]).replace(tzinfo=utc), utc, parse_gold(c["gold"]))
        for c in load_cases(EXTERNAL_FILE, base=base)
    ]


def literal_items(base: Path = EVAL_DIR) -> list[tuple[str, datetime, tzinfo, Any]]:
    """Public corpora's phrases with their sources' *own* values (literal/), not relabelled in our scheduling
    conventions: how close the engine's reading is to a third party's literal one, which a held-out gold uses."""
    items: list[tuple[str, datetime, tzinfo, Any]] = []
    for path in sorted((base / LITERAL_DIR).glob("*.jsonl")):
        for case in load_cases(path.name, base=base / LITERAL_DIR):
            zone = _zone(case.get("tz"))
            ref = datetime.fromisoformat(case["ref_time"]).replace(tzinfo=zone)
            items.append((case["text"], ref, zone, parse_gold(case["gold"])))
    return items


def sentences_per_second(cases: list[dict[str, Any]], *, rounds: int) -> float:
    """Offline engine throughput on the evaluation texts, contexts prepared beforehand."""
    prepared = [(c["text"], case_context(c)) for c in cases]
    started = clock.perf_counter()
    for _ in range(rounds):
        for text, ctx in prepared:
            parse_request(text, ctx)
    elapsed = clock.perf_counter() - started
    return len(prepared) * rounds / elapsed if elapsed else 0.0


def run_bench(*, quick: bool = False, as_json: bool = False, base: Path = EVAL_DIR) -> int:
    """Print the figures; returns the exit status."""
    names = dev_files(base)
    if not names:
        print(f"bench parse: evaluation set not found under {base} (run from a source checkout)")
        return 1
    cases = load_cases(*names, base=base)
    score = evaluate(cases, parse_request)
    systems = available_systems()
    report: dict[str, Any] = {
        "cases": len(cases),
        "accuracy": round(score.accuracy, 3),
        "by_category": score.by_category(),
        "time_resolution_dev": side_by_side(dev_items(cases), systems),
        "time_resolution_literal": side_by_side(literal_items(base), systems),
        "literal_cases": len(literal_items(base)),
        "time_resolution_external": side_by_side(external_items(base), systems),
        "external_cases": len(external_items(base)),
        "sentences_per_second": round(sentences_per_second(cases, rounds=1 if quick else 5)),
        "skipped": sorted({"dateparser", "ctparse"} - set(systems)),
    }
    if as_json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"evaluation set: {report['cases']} cases, accuracy {report['accuracy']:.1%}")
    for cat, row in report["by_category"].items():
        print(f"  {cat:<14} {row['passed']:>4}/{row['total']:<4} {row['accuracy']:.1%}")
    for label, title in (
        ("time_resolution_dev", "time resolution dev"),
        ("time_resolution_literal", f"time resolution, third-party gold ({report['literal_cases']} phrases)"),
        ("time_resolution_external", "time resolution external"),
    ):
        shown = ", ".join(f"{k} {v:.1%}" for k, v in report[label].items())
        print(f"{title}: {shown}")
    print(f"external corpus: {report['external_cases']} held-out cases (ctparse EN corpus)")
    print(f"offline engine: {report['sentences_per_second']} sentences/second (one core)")
    if report["skipped"]:
        print(f"skipped (not installed): {', '.join(report['skipped'])}")
    return 0
