"""The agent benchmark's cost figures are counts, not timings, so they can be checked as tests."""

from __future__ import annotations

from scheduler_agent.bench_agent import measure


def test_costs_per_request_and_idle_poll() -> None:
    figures = measure(20)
    assert figures["handled"] == 20
    assert figures["sent"] == 20
    assert figures["idle_poll_api_calls"] == 1
    assert figures["api_calls_per_request"] <= 6
