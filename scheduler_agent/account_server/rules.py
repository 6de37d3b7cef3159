"""Rules (`/v3/rules`): sender and recipient conditions with actions, and their evaluation.

A rule is validated completely when written (fields allowed for its trigger, operators, `in_list`
ids that exist and whose list type fits the field, a `block` that stands alone), so evaluation at
SMTP time never meets a malformed rule and can stay a pure function: `evaluate` takes the rules,
the facts about one message and the list contents, and returns the verdict. Every evaluation that
ran rules is recorded and served by `GET /v3/grants/{grant}/rule-evaluations`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .admin_common import (
    app_ids,
    dumps,
    list_response,
    loads,
    new_uuid,
    optional_text,
    require_name,
    strict_bool,
    strict_int,
)
from .context import InboundVerdict, JSONDict, ServerContext
from .http import Request, Response, Router, bad_request, deleted, not_found, ok
from .lists import list_types
from .workspaces import detach_rule

SCHEMA = """
CREATE TABLE IF NOT EXISTS rules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    priority INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    match TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rule_evaluations (
    id TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    message_id TEXT,
    evaluated_at INTEGER NOT NULL,
    stage TEXT NOT NULL,
    input TEXT NOT NULL,
    applied TEXT NOT NULL,
    matched TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rule_evaluations_by_grant ON rule_evaluations (grant_id, evaluated_at);
"""

TRIGGERS = ("inbound", "outbound")
SENDER_FIELDS = ("from.address", "from.domain", "from.tld")
RECIPIENT_FIELDS = ("recipient.address", "recipient.domain", "recipient.tld")
OPERATORS = ("is", "is_not", "contains", "in_list")
OUTBOUND_TYPES = ("compose", "reply")
ACTIONS = ("block", "mark_as_spam", "assign_to_folder", "mark_as_read", "mark_as_starred", "archive", "trash")
MAX_CONDITIONS = 50
# Evaluations are an audit trail, not a mail archive: keep a month of them per grant.
EVALUATION_RETENTION_SECONDS = 30 * 24 * 3600


# ---------------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Facts:
    """What a rule may look at for one message."""

    from_address: str
    recipients: tuple[str, ...] = ()
    outbound_type: str | None = None

    @cached_property
    def _by_field(self) -> dict[str, list[str]]:
        """Every field's values, split once per message rather than once per condition."""
        out = {"outbound.type": [self.outbound_type] if self.outbound_type else []}
        for kind, addresses in (("from", (self.from_address,)), ("recipient", self.recipients)):
            for part in ("address", "domain", "tld"):
                out[f"{kind}.{part}"] = [address_part(a, part) for a in addresses]
        return out

    def values(self, name: str) -> list[str]:
        """The values of a condition field (recipient fields have one per recipient)."""
        return self._by_field[name]

    def candidates(self) -> set[str]:
        """Every value any sender or recipient field can take (what `in_list` lookups need)."""
        return {value for name in (*SENDER_FIELDS, *RECIPIENT_FIELDS) for value in self._by_field[name] if value}


def address_part(address: str, part: str) -> str:
    """`address`, `domain` or `tld` of an email address, lower-cased ("" for the null sender)."""
    address = address.strip().lower()
    if part == "address":
        return address
    domain = address.rpartition("@")[2]
    return domain if part == "domain" else domain.rpartition(".")[2]


def _condition_matches(condition: JSONDict, facts: Facts, lists: Mapping[str, frozenset[str]]) -> bool:
    values = facts.values(condition["field"])
    operator, expected = condition["operator"], condition["value"]
    if operator == "is":
        return expected in values
    if operator == "is_not":
        return expected not in values
    if operator == "contains":
        return any(expected in v for v in values)
    members = frozenset().union(*(lists.get(list_id, frozenset()) for list_id in expected))
    return any(v in members for v in values)


def evaluate(rules: Sequence[JSONDict], facts: Facts, lists: Mapping[str, frozenset[str]]) -> InboundVerdict:
    """Apply rules (already filtered to the stage and sorted by priority) to one message.

    `block` is terminal: evaluation stops at the first blocking rule. The other actions accumulate.
    """
    verdict: dict[str, Any] = {}
    folders: list[str] = []
    matched: list[str] = []
    for rule in rules:
        conditions = rule["match"]["conditions"]
        test = all if rule["match"].get("operator", "all") == "all" else any
        if not test(_condition_matches(c, facts, lists) for c in conditions):
            continue
        matched.append(rule["id"])
        for action in rule["actions"]:
            kind = action["type"]
            if kind == "assign_to_folder":
                if action["value"] not in folders:
                    folders.append(action["value"])
            else:
                verdict[_VERDICT_FIELD[kind]] = True
        if verdict.get("blocked"):
            break
    return InboundVerdict(**verdict, folder_names=tuple(folders), matched_rule_ids=tuple(matched))


_VERDICT_FIELD = {
    "block": "blocked",
    "mark_as_spam": "spam",
    "mark_as_read": "mark_read",
    "mark_as_starred": "starred",
    "archive": "archive",
    "trash": "trash",
}


@dataclass(frozen=True)
class Evaluation:
    """One evaluation to record: the stage, the facts, what was applied."""

    grant_id: str
    stage: str
    facts: Facts
    verdict: InboundVerdict
    folder_ids: list[str] = field(default_factory=list)
    message_id: str | None = None


def record_evaluation(conn: sqlite3.Connection, evaluation: Evaluation, now: int) -> None:
    """Store one evaluation in the v3 shape (only true `applied_actions` fields are kept)."""
    facts, verdict = evaluation.facts, evaluation.verdict
    stage_input: JSONDict = {
        "from_address": address_part(facts.from_address, "address"),
        "from_domain": address_part(facts.from_address, "domain"),
        "from_tld": address_part(facts.from_address, "tld"),
    }
    if evaluation.stage == "outbound_send":
        stage_input["recipient_addresses"] = facts.values("recipient.address")
        stage_input["recipient_domains"] = sorted(set(facts.values("recipient.domain")))
        stage_input["recipient_tlds"] = sorted(set(facts.values("recipient.tld")))
        stage_input["outbound_type"] = facts.outbound_type
    applied: JSONDict = {
        key: True
        for key, flag in (
            ("blocked", verdict.blocked),
            ("marked_as_spam", verdict.spam),
            ("marked_as_read", verdict.mark_read),
            ("marked_starred", verdict.starred),
            ("archived", verdict.archive),
            ("trashed", verdict.trash),
        )
        if flag
    }
    if evaluation.folder_ids:
        applied["folder_ids"] = evaluation.folder_ids
    conn.execute(
        "INSERT INTO rule_evaluations (id, grant_id, message_id, evaluated_at, stage, input, applied, matched)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_uuid(),
            evaluation.grant_id,
            evaluation.message_id,
            now,
            evaluation.stage,
            dumps(stage_input),
            dumps(applied),
            dumps(list(verdict.matched_rule_ids)),
        ),
    )
    conn.execute(
        "DELETE FROM rule_evaluations WHERE grant_id = ? AND evaluated_at < ?",
        (evaluation.grant_id, now - EVALUATION_RETENTION_SECONDS),
    )


def rule_from_row(row: sqlite3.Row) -> JSONDict:
    """The stored rule as evaluate() and the API see it."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "priority": row["priority"],
        "enabled": bool(row["enabled"]),
        "trigger": row["trigger"],
        "match": loads(row["match"]),
        "actions": loads(row["actions"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def stage_rules(conn: sqlite3.Connection, rule_ids: Sequence[str], trigger: str) -> list[JSONDict]:
    """The enabled rules of a workspace for one trigger, lowest priority first (ties: attachment order)."""
    if not rule_ids:
        return []
    marks = ",".join("?" * len(rule_ids))
    rows = conn.execute(
        f"SELECT * FROM rules WHERE id IN ({marks}) AND enabled = 1 AND trigger = ?", [*rule_ids, trigger]
    ).fetchall()
    order = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    return sorted((rule_from_row(r) for r in rows), key=lambda r: (r["priority"], order[r["id"]]))


def referenced_lists(rules: Sequence[JSONDict]) -> list[str]:
    return sorted(
        {
            list_id
            for rule in rules
            for c in rule["match"]["conditions"]
            if c["operator"] == "in_list"
            for list_id in c["value"]
        }
    )


# ---------------------------------------------------------------------------------------------- validation


def _validate_condition(conn: sqlite3.Connection, raw: Any, trigger: str, index: int) -> JSONDict:
    where = f"match.conditions[{index}]"
    if not isinstance(raw, dict):
        raise bad_request(f"{where} must be an object with field, operator and value")
    name, operator, value = raw.get("field"), raw.get("operator"), raw.get("value")
    allowed = SENDER_FIELDS if trigger == "inbound" else (*SENDER_FIELDS, *RECIPIENT_FIELDS, "outbound.type")
    if name not in allowed:
        raise bad_request(f"{where}.field must be one of {', '.join(allowed)} for {trigger} rules")
    if operator not in OPERATORS:
        raise bad_request(f"{where}.operator must be one of {', '.join(OPERATORS)}")
    if name == "outbound.type":
        if operator not in ("is", "is_not") or value not in OUTBOUND_TYPES:
            raise bad_request(f"{where}: outbound.type takes is/is_not with compose or reply")
        return {"field": name, "operator": operator, "value": value}
    if operator == "in_list":
        ids = [value] if isinstance(value, str) else value
        if not isinstance(ids, list) or not ids or not all(isinstance(v, str) for v in ids):
            raise bad_request(f"{where}.value must be an array of list ids for in_list")
        found = list_types(conn, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise bad_request(f"{where}: list(s) not found: {', '.join(missing)}")
        wanted = name.partition(".")[2]
        wrong = [i for i in ids if found[i] != wanted]
        if wrong:
            raise bad_request(f"{where}: {name} needs {wanted} lists; {', '.join(wrong)} are of another type")
        return {"field": name, "operator": operator, "value": list(dict.fromkeys(ids))}
    if not isinstance(value, str) or not value.strip() or len(value) > 256:
        raise bad_request(f"{where}.value must be a non-empty string of at most 256 characters")
    return {"field": name, "operator": operator, "value": value.strip().lower()}


def _validate_match(conn: sqlite3.Connection, raw: Any, trigger: str) -> JSONDict:
    if not isinstance(raw, dict):
        raise bad_request("match must be an object with conditions")
    operator = raw.get("operator", "all")
    if operator not in ("all", "any"):
        raise bad_request("match.operator must be all or any")
    conditions = raw.get("conditions")
    if not isinstance(conditions, list) or not conditions or len(conditions) > MAX_CONDITIONS:
        raise bad_request(f"match.conditions must be an array of 1 to {MAX_CONDITIONS} conditions")
    return {
        "operator": operator,
        "conditions": [_validate_condition(conn, c, trigger, i) for i, c in enumerate(conditions)],
    }


def _validate_actions(raw: Any) -> list[JSONDict]:
    if not isinstance(raw, list) or not raw:
        raise bad_request("actions must be a non-empty array")
    actions: list[JSONDict] = []
    for i, action in enumerate(raw):
        kind = action.get("type") if isinstance(action, dict) else None
        if kind not in ACTIONS:
            raise bad_request(f"actions[{i}].type must be one of {', '.join(ACTIONS)}")
        if kind == "assign_to_folder":
            value = action.get("value")
            if not isinstance(value, str) or not value.strip() or len(value) > 256:
                raise bad_request(f"actions[{i}]: assign_to_folder needs a folder name as value")
            actions.append({"type": kind, "value": value.strip()})
        else:
            actions.append({"type": kind})
    if any(a["type"] == "block" for a in actions) and len(actions) > 1:
        raise bad_request("block is terminal and cannot be combined with other actions")
    return actions


def validate_rule(conn: sqlite3.Connection, body: JSONDict, current: JSONDict | None) -> JSONDict:
    """The complete rule after applying `body` to `current` (None on create); 400 on any problem."""
    rule: JSONDict = dict(current or {"description": None, "priority": 10, "enabled": True, "trigger": "inbound"})
    name = require_name(body, required=current is None, what="rule")
    if name is not None:
        rule["name"] = name
    if "description" in body:
        rule["description"] = optional_text(body, "description")
    if "priority" in body:
        rule["priority"] = strict_int(body["priority"], "priority", minimum=0, maximum=1000)
    if "enabled" in body:
        rule["enabled"] = strict_bool(body["enabled"], "enabled")
    if "trigger" in body:
        if body["trigger"] not in TRIGGERS:
            raise bad_request("trigger must be inbound or outbound")
        rule["trigger"] = body["trigger"]
    if current is None and ("match" not in body or "actions" not in body):
        raise bad_request("a rule needs match and actions")
    # A changed trigger re-validates the kept match, since the fields allowed depend on it.
    rule["match"] = _validate_match(conn, body.get("match", rule.get("match")), rule["trigger"])
    rule["actions"] = _validate_actions(body.get("actions", rule.get("actions")))
    return rule


# ---------------------------------------------------------------------------------------------- routes


def install(ctx: ServerContext, router: Router) -> None:
    """Register the rule and rule-evaluation routes."""
    ids = app_ids(ctx)

    def rule_json(row: sqlite3.Row) -> JSONDict:
        return {**rule_from_row(row), "application_id": ids.application_id, "organization_id": ids.organization_id}

    def load(rule_id: str) -> sqlite3.Row:
        row = ctx.db.one("SELECT * FROM rules WHERE id = ?", (rule_id,))
        if row is None:
            raise not_found("rule")
        return row

    def store(conn: sqlite3.Connection, rule: JSONDict) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO rules (id, name, description, priority, enabled, trigger, match, actions,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rule["id"],
                rule["name"],
                rule["description"],
                rule["priority"],
                int(rule["enabled"]),
                rule["trigger"],
                dumps(rule["match"]),
                dumps(rule["actions"]),
                rule["created_at"],
                rule["updated_at"],
            ),
        )

    @router.route("GET", "/v3/rules")
    def list_rules(req: Request) -> Response:
        return list_response(ctx, req, "SELECT * FROM rules ORDER BY priority, created_at, id", [], rule_json)

    @router.route("POST", "/v3/rules")
    def create_rule(req: Request) -> Response:
        body = req.json()
        rule_id, now = new_uuid(), ctx.timestamp()
        with ctx.db.tx() as conn:
            rule = validate_rule(conn, body, None)
            store(conn, {**rule, "id": rule_id, "created_at": now, "updated_at": now})
        return ok(rule_json(load(rule_id)))

    @router.route("GET", "/v3/rules/{rule_id}")
    def get_rule(req: Request) -> Response:
        return ok(rule_json(load(req.params["rule_id"])))

    @router.route("PUT", "/v3/rules/{rule_id}")
    def update_rule(req: Request) -> Response:
        current = rule_from_row(load(req.params["rule_id"]))
        body = req.json()
        with ctx.db.tx() as conn:
            rule = validate_rule(conn, body, current)
            store(conn, {**rule, "updated_at": ctx.timestamp()})
        return ok(rule_json(load(current["id"])))

    @router.route("DELETE", "/v3/rules/{rule_id}")
    def delete_rule(req: Request) -> Response:
        row = load(req.params["rule_id"])
        with ctx.db.tx() as conn:
            detach_rule(conn, row["id"], ctx.timestamp())
            conn.execute("DELETE FROM rules WHERE id = ?", (row["id"],))
        return deleted()

    @router.route("GET", "/v3/grants/{grant}/rule-evaluations")
    def list_evaluations(req: Request) -> Response:
        def evaluation_json(row: sqlite3.Row) -> JSONDict:
            return {
                "id": row["id"],
                "grant_id": row["grant_id"],
                "message_id": row["message_id"],
                "evaluated_at": row["evaluated_at"],
                "evaluation_stage": row["stage"],
                "evaluation_input": loads(row["input"]),
                "applied_actions": loads(row["applied"]),
                "matched_rule_ids": loads(row["matched"]),
                "application_id": ids.application_id,
                "organization_id": ids.organization_id,
                "created_at": row["evaluated_at"],
                "updated_at": row["evaluated_at"],
            }

        sql = "SELECT * FROM rule_evaluations WHERE grant_id = ? ORDER BY evaluated_at DESC, rowid DESC"
        return list_response(ctx, req, sql, [req.grant_id], evaluation_json)
