"""Rule evaluation as a pure function: conditions, match modes, priorities and the terminal block."""

from __future__ import annotations

import pytest

from scheduler_agent.account_server.rules import Facts, address_part, evaluate


def rule(rule_id: str, conditions: list[tuple[str, str, object]], actions: list[dict], mode: str = "all") -> dict:
    return {
        "id": rule_id,
        "match": {"operator": mode, "conditions": [{"field": f, "operator": o, "value": v} for f, o, v in conditions]},
        "actions": actions,
    }


LISTS = {"bad-domains": frozenset({"spam.example"}), "vip": frozenset({"boss@corp.example"})}
OUT = Facts("agent@example.com", ("dana@corp.example", "kim@home.ru"), "reply")


@pytest.mark.parametrize(
    ("facts", "condition", "matches"),
    [
        (Facts("Dana@Corp.Example"), ("from.address", "is", "dana@corp.example"), True),
        (Facts("dana@corp.example"), ("from.domain", "is", "example"), False),
        (Facts("dana@corp.example"), ("from.tld", "is", "example"), True),
        (Facts("dana@corp.example"), ("from.domain", "contains", "corp"), True),
        (Facts("dana@corp.example"), ("from.domain", "is_not", "corp.example"), False),
        (Facts("x@spam.example"), ("from.domain", "in_list", ["bad-domains"]), True),
        (Facts("x@sub.spam.example"), ("from.domain", "in_list", ["bad-domains"]), False),
        (Facts("boss@corp.example"), ("from.address", "in_list", ["bad-domains", "vip"]), True),
        (Facts(""), ("from.address", "is", ""), True),  # the null sender of a bounce
        (Facts(""), ("from.domain", "contains", "x"), False),
        (OUT, ("recipient.tld", "is", "ru"), True),  # any recipient
        (OUT, ("recipient.domain", "is_not", "home.ru"), False),  # no recipient may be it
        (OUT, ("recipient.domain", "is_not", "other.example"), True),
        (OUT, ("outbound.type", "is", "reply"), True),
        (OUT, ("outbound.type", "is_not", "compose"), True),
        (Facts("a@b.example"), ("outbound.type", "is", "reply"), False),
    ],
)
def test_conditions(facts: Facts, condition: tuple[str, str, object], matches: bool) -> None:
    verdict = evaluate([rule("r", [condition], [{"type": "mark_as_read"}])], facts, LISTS)
    assert verdict.mark_read is matches
    assert verdict.matched_rule_ids == (("r",) if matches else ())


def test_all_and_any() -> None:
    conditions = [("from.tld", "is", "io"), ("from.address", "contains", "billing")]
    facts = Facts("hello@startup.io")
    assert not evaluate([rule("r", conditions, [{"type": "trash"}])], facts, {}).trash
    assert evaluate([rule("r", conditions, [{"type": "trash"}], mode="any")], facts, {}).trash


def test_actions_accumulate_until_a_block() -> None:
    rules = [
        rule("star", [("from.tld", "is", "io")], [{"type": "mark_as_starred"}]),
        rule("file", [("from.tld", "is", "io")], [{"type": "assign_to_folder", "value": "Startups"}]),
        rule("again", [("from.tld", "is", "io")], [{"type": "assign_to_folder", "value": "Startups"}]),
        rule("block", [("from.domain", "is", "spam.io")], [{"type": "block"}]),
        rule("late", [("from.tld", "is", "io")], [{"type": "archive"}]),
    ]
    clean = evaluate(rules, Facts("a@good.io"), {})
    assert (clean.starred, clean.folder_names, clean.archive, clean.blocked) == (True, ("Startups",), True, False)
    assert clean.matched_rule_ids == ("star", "file", "again", "late")
    blocked = evaluate(rules, Facts("a@spam.io"), {})
    assert blocked.blocked
    assert blocked.matched_rule_ids == ("star", "file", "again", "block")
    assert not blocked.archive


@pytest.mark.parametrize(
    ("address", "part", "expected"),
    [
        (" Dana@Corp.Example ", "address", "dana@corp.example"),
        ("dana@corp.example", "domain", "corp.example"),
        ("dana@corp.example", "tld", "example"),
        ("dana@localhost", "tld", "localhost"),
        ("", "domain", ""),
    ],
)
def test_address_parts(address: str, part: str, expected: str) -> None:
    assert address_part(address, part) == expected
