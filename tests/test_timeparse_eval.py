"""The labelled evaluation set as a regression floor (figures and method: tests/eval/README.md)."""

from __future__ import annotations

from scheduler_agent.bench_parse import (
    DEV_FILES,
    evaluate,
    external_items,
    load_cases,
    ours_resolution,
    side_by_side,
)
from scheduler_agent.timeparse import parse_request

# A little under what the engine measured when these floors were set (97.8% dev, 73.8% external).
DEV_FLOOR = 0.95
CATEGORY_FLOOR = 0.85
EXTERNAL_FLOOR = 0.70


def test_the_set_is_large_labelled_and_unique() -> None:
    cases = load_cases(*DEV_FILES)
    assert len(cases) >= 200
    assert len({c["id"] for c in cases}) == len(cases)
    assert all(c["cat"] and c["expect"] for c in cases)
    assert len({c["cat"] for c in cases}) >= 10


def test_accuracy_on_the_evaluation_set_stays_above_the_floor() -> None:
    score = evaluate(load_cases(*DEV_FILES), parse_request)
    report = "\n".join(f"{case_id}: {text!r} {wrong}" for case_id, text, wrong in score.failures)
    assert score.accuracy >= DEV_FLOOR, report
    weak = {cat: row for cat, row in score.by_category().items() if row["accuracy"] < CATEGORY_FLOOR}
    assert not weak, report


def test_exact_resolution_on_the_held_out_corpus_stays_above_the_floor() -> None:
    accuracy = side_by_side(external_items(), {"ours": ours_resolution})["ours"]
    assert accuracy >= EXTERNAL_FLOOR
