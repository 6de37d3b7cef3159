"""The account benchmark runs end to end at a tiny size and reports its figures (no timing asserted)."""

from __future__ import annotations

from scheduler_agent.bench_account import measure


def test_bench_measures_a_seeded_mailbox() -> None:
    figures = measure(messages=120, seconds=0.2, smtp_messages=10, clients=1)
    assert figures["messages"] == 120
    assert set(figures) == {"messages", "list_rps", "smtp_msgs_per_s", "seed_msgs_per_s", "clients"}
    assert figures["list_rps"] > 0
    assert figures["smtp_msgs_per_s"] > 0
