"""Policies (`/v3/policies`): limits, options and spam settings a workspace applies to its accounts.

The spec calls the daily send limit `limit_count_daily_email_sent`, the SDK and CLI call it
`limit_count_daily_message_per_grant`; both are accepted, stored once, and echoed under both names
so either kind of client reads back what it wrote. Nested objects are replaced wholesale on PUT,
as v3 does.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .admin_common import (
    app_ids,
    dumps,
    known_ids,
    list_response,
    loads,
    new_uuid,
    require_name,
    strict_bool,
    strict_int,
    string_list,
)
from .context import JSONDict, ServerContext
from .http import Request, Response, Router, bad_request, deleted, not_found, ok
from .workspaces import detach_policy

SCHEMA = """
CREATE TABLE IF NOT EXISTS policies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    options TEXT NOT NULL,
    limits TEXT NOT NULL,
    spam_detection TEXT NOT NULL,
    rules TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
"""

DAILY_SENT = "limit_count_daily_email_sent"
DAILY_SENT_SDK = "limit_count_daily_message_per_grant"
INT_LIMITS = (
    "limit_attachment_size_limit",
    "limit_attachment_count_limit",
    "limit_size_total_mime",
    "limit_storage_total",
    "limit_count_daily_message_received",
    DAILY_SENT,
    "limit_inbox_retention_period",
    "limit_spam_retention_period",
)


def validate_limits(raw: Any) -> JSONDict:
    """Limits in their stored form (one name for the daily send limit)."""
    if not isinstance(raw, dict):
        raise bad_request("limits must be an object")
    unknown = set(raw) - {*INT_LIMITS, DAILY_SENT_SDK, "limit_attachment_allowed_types"}
    if unknown:
        raise bad_request(f"unknown limit(s): {', '.join(sorted(unknown))}")
    limits: JSONDict = {}
    for key in INT_LIMITS:
        if raw.get(key) is not None:
            limits[key] = strict_int(raw[key], f"limits.{key}", minimum=0)
    if raw.get(DAILY_SENT_SDK) is not None:
        value = strict_int(raw[DAILY_SENT_SDK], f"limits.{DAILY_SENT_SDK}", minimum=0)
        if limits.get(DAILY_SENT, value) != value:
            raise bad_request(f"limits.{DAILY_SENT} and limits.{DAILY_SENT_SDK} name the same limit; they differ")
        limits[DAILY_SENT] = value
    if raw.get("limit_attachment_allowed_types") is not None:
        types = string_list(raw["limit_attachment_allowed_types"], "limits.limit_attachment_allowed_types")
        limits["limit_attachment_allowed_types"] = [t.strip().lower() for t in types if t.strip()]
    inbox, spam = limits.get("limit_inbox_retention_period"), limits.get("limit_spam_retention_period")
    if inbox is not None and spam is not None and inbox <= spam:
        raise bad_request("limit_inbox_retention_period must be longer than limit_spam_retention_period")
    return limits


def validate_options(raw: Any) -> JSONDict:
    if not isinstance(raw, dict):
        raise bad_request("options must be an object")
    unknown = set(raw) - {"additional_folders", "use_cidr_aliasing"}
    if unknown:
        raise bad_request(f"unknown option(s): {', '.join(sorted(unknown))}")
    options: JSONDict = {}
    if raw.get("additional_folders") is not None:
        folders = string_list(raw["additional_folders"], "options.additional_folders", limit=100)
        if not all(f.strip() and len(f) <= 256 for f in folders):
            raise bad_request("options.additional_folders must hold folder names of 1 to 256 characters")
        options["additional_folders"] = folders
    if raw.get("use_cidr_aliasing") is not None:
        options["use_cidr_aliasing"] = strict_bool(raw["use_cidr_aliasing"], "options.use_cidr_aliasing")
    return options


def validate_spam(raw: Any) -> JSONDict:
    if not isinstance(raw, dict):
        raise bad_request("spam_detection must be an object")
    unknown = set(raw) - {"use_list_dnsbl", "use_header_anomaly_detection", "spam_sensitivity"}
    if unknown:
        raise bad_request(f"unknown spam_detection setting(s): {', '.join(sorted(unknown))}")
    spam: JSONDict = {}
    for key in ("use_list_dnsbl", "use_header_anomaly_detection"):
        if raw.get(key) is not None:
            spam[key] = strict_bool(raw[key], f"spam_detection.{key}")
    sensitivity = raw.get("spam_sensitivity")
    if sensitivity is not None:
        if isinstance(sensitivity, bool) or not isinstance(sensitivity, int | float) or not 0.1 <= sensitivity <= 5:
            raise bad_request("spam_detection.spam_sensitivity must be a number from 0.1 to 5.0")
        spam["spam_sensitivity"] = float(sensitivity)
    return spam


def policy_limits(conn: sqlite3.Connection, policy_id: str | None) -> JSONDict:
    """The stored limits of a policy ({} when there is none)."""
    if not policy_id:
        return {}
    row = conn.execute("SELECT limits FROM policies WHERE id = ?", (policy_id,)).fetchone()
    return loads(row["limits"]) if row else {}


def install(ctx: ServerContext, router: Router) -> None:
    """Register the policy routes."""
    ids = app_ids(ctx)

    def policy_json(row: sqlite3.Row) -> JSONDict:
        limits = loads(row["limits"])
        if DAILY_SENT in limits:
            limits[DAILY_SENT_SDK] = limits[DAILY_SENT]
        return {
            "id": row["id"],
            "name": row["name"],
            "application_id": ids.application_id,
            "organization_id": ids.organization_id,
            "options": loads(row["options"]),
            "limits": limits,
            "spam_detection": loads(row["spam_detection"]),
            "rules": loads(row["rules"]),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def load(policy_id: str) -> sqlite3.Row:
        row = ctx.db.one("SELECT * FROM policies WHERE id = ?", (policy_id,))
        if row is None:
            raise not_found("policy")
        return row

    def checked_rules(conn: sqlite3.Connection, raw: Any) -> list[str]:
        rule_ids = list(dict.fromkeys(string_list(raw, "rules")))
        missing = [r for r in rule_ids if r not in known_ids(conn, "rules", rule_ids)]
        if missing:
            raise bad_request(f"rule(s) not found: {', '.join(missing)}")
        return rule_ids

    def write(policy_id: str, body: JSONDict, current: sqlite3.Row | None) -> None:
        name = require_name(body, required=current is None, what="policy")
        now = ctx.timestamp()
        with ctx.db.tx() as conn:
            values = {
                "name": name or (current["name"] if current else ""),
                "options": dumps(validate_options(body["options"])) if "options" in body else None,
                "limits": dumps(validate_limits(body["limits"])) if "limits" in body else None,
                "spam_detection": dumps(validate_spam(body["spam_detection"])) if "spam_detection" in body else None,
                "rules": dumps(checked_rules(conn, body["rules"])) if "rules" in body else None,
            }
            for key in ("options", "limits", "spam_detection"):
                if values[key] is None:
                    values[key] = current[key] if current else "{}"
            if values["rules"] is None:
                values["rules"] = current["rules"] if current else "[]"
            conn.execute(
                "INSERT OR REPLACE INTO policies (id, name, options, limits, spam_detection, rules, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    policy_id,
                    values["name"],
                    values["options"],
                    values["limits"],
                    values["spam_detection"],
                    values["rules"],
                    current["created_at"] if current else now,
                    now,
                ),
            )

    @router.route("GET", "/v3/policies")
    def list_policies(req: Request) -> Response:
        return list_response(ctx, req, "SELECT * FROM policies ORDER BY created_at, id", [], policy_json)

    @router.route("POST", "/v3/policies")
    def create_policy(req: Request) -> Response:
        policy_id = new_uuid()
        write(policy_id, req.json(), None)
        return ok(policy_json(load(policy_id)))

    @router.route("GET", "/v3/policies/{policy_id}")
    def get_policy(req: Request) -> Response:
        return ok(policy_json(load(req.params["policy_id"])))

    @router.route("PUT", "/v3/policies/{policy_id}")
    def update_policy(req: Request) -> Response:
        current = load(req.params["policy_id"])
        write(current["id"], req.json(), current)
        return ok(policy_json(load(current["id"])))

    @router.route("DELETE", "/v3/policies/{policy_id}")
    def delete_policy(req: Request) -> Response:
        row = load(req.params["policy_id"])
        with ctx.db.tx() as conn:
            detach_policy(conn, row["id"], ctx.timestamp())
            conn.execute("DELETE FROM policies WHERE id = ?", (row["id"],))
        return deleted()
