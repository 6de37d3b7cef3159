"""Workspaces (`/v3/workspaces`): groups of Agent Accounts that share a policy and a set of rules.

A grant's workspace is `grants.workspace_id`; else the auto-group workspace whose `domain` is the
grant's email domain; else the default workspace, which always exists. New grants get their
workspace written at creation (the grant-created hook), so the grant object shows it, and
manual-assign / auto-group move grants by writing that same column — the one place this module
writes the grants table, which is what those endpoints are for.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .admin_common import (
    AppIds,
    app_ids,
    dumps,
    known_ids,
    loads,
    new_uuid,
    require_name,
    strict_bool,
    strict_int,
    string_list,
)
from .context import JSONDict, ServerContext
from .http import Request, Response, Router, bad_request, deleted, not_found, ok, ok_list
from .lists import normalise_value

SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    auto_group INTEGER NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    policy_id TEXT,
    rule_ids TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS workspaces_by_domain ON workspaces (domain);
"""

MAX_ASSIGN = 500


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def resolve_workspace(conn: sqlite3.Connection, grant: JSONDict) -> sqlite3.Row | None:
    """The workspace whose policy and rules govern this grant."""
    if grant.get("workspace_id"):
        row = conn.execute("SELECT * FROM workspaces WHERE id = ?", (grant["workspace_id"],)).fetchone()
        if row is not None:
            return row
    return conn.execute(
        "SELECT * FROM workspaces WHERE (auto_group = 1 AND domain = ?) OR is_default = 1 ORDER BY is_default LIMIT 1",
        (email_domain(grant["email"]),),
    ).fetchone()


def detach_policy(conn: sqlite3.Connection, policy_id: str, now: int) -> None:
    conn.execute("UPDATE workspaces SET policy_id = NULL, updated_at = ? WHERE policy_id = ?", (now, policy_id))


def detach_rule(conn: sqlite3.Connection, rule_id: str, now: int) -> None:
    for row in conn.execute("SELECT id, rule_ids FROM workspaces").fetchall():
        rule_ids = loads(row["rule_ids"], [])
        if rule_id in rule_ids:
            rule_ids.remove(rule_id)
            conn.execute(
                "UPDATE workspaces SET rule_ids = ?, updated_at = ? WHERE id = ?", (dumps(rule_ids), now, row["id"])
            )


def _ensure_default(conn: sqlite3.Connection, now: int) -> None:
    if conn.execute("SELECT 1 FROM workspaces WHERE is_default = 1").fetchone() is None:
        conn.execute(
            "INSERT INTO workspaces (id, name, domain, auto_group, is_default, created_at, updated_at)"
            " VALUES (?, 'Default', '', 0, 1, ?, ?)",
            (new_uuid(), now, now),
        )


def _workspace_json(row: sqlite3.Row, ids: AppIds) -> JSONDict:
    return {
        "workspace_id": row["id"],
        "application_id": ids.application_id,
        "name": row["name"],
        "domain": row["domain"],
        "auto_group": bool(row["auto_group"]),
        "default": bool(row["is_default"]),
        "policy_id": row["policy_id"],
        "rule_ids": loads(row["rule_ids"], []),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _checked_attachments(conn: sqlite3.Connection, body: JSONDict) -> dict[str, Any]:
    """policy_id and rule_ids from a body, each checked to exist."""
    out: dict[str, Any] = {}
    if "policy_id" in body:
        policy_id = body["policy_id"]
        if policy_id is not None and (not isinstance(policy_id, str) or not known_ids(conn, "policies", [policy_id])):
            raise bad_request(f"policy {policy_id!r} not found")
        out["policy_id"] = policy_id
    if "rule_ids" in body:
        rule_ids = list(dict.fromkeys(string_list(body["rule_ids"] or [], "rule_ids", limit=100)))
        found = known_ids(conn, "rules", rule_ids)
        missing = [r for r in rule_ids if r not in found]
        if missing:
            raise bad_request(f"rule(s) not found: {', '.join(missing)}")
        out["rule_ids"] = dumps(rule_ids)
    return out


def install(ctx: ServerContext, router: Router) -> None:
    """Register the workspace routes, make the default workspace and place new grants."""
    ids = app_ids(ctx)
    with ctx.db.tx() as conn:
        _ensure_default(conn, ctx.timestamp())

    def place_new_grant(conn: sqlite3.Connection, grant: JSONDict) -> None:
        if grant.get("workspace_id"):
            if not known_ids(conn, "workspaces", [grant["workspace_id"]]):
                raise bad_request(f"workspace {grant['workspace_id']!r} not found")
            return
        workspace = resolve_workspace(conn, grant)
        if workspace is not None:
            conn.execute("UPDATE grants SET workspace_id = ? WHERE id = ?", (workspace["id"], grant["id"]))

    ctx.grant_created.append(place_new_grant)

    def load(ref: str) -> sqlite3.Row:
        """A workspace by id or, as the SDK documents for manual-assign, by its domain."""
        row = ctx.db.one("SELECT * FROM workspaces WHERE id = ? OR (domain != '' AND domain = ?)", (ref, ref.lower()))
        if row is None:
            raise not_found("workspace")
        return row

    def checked_domain(raw: Any) -> str:
        if raw in (None, ""):
            return ""
        domain = normalise_value("domain", raw)
        if domain is None:
            raise bad_request(f"domain {raw!r} is not a valid domain")
        return domain

    @router.route("GET", "/v3/workspaces")
    def list_workspaces(req: Request) -> Response:
        rows = ctx.db.query("SELECT * FROM workspaces ORDER BY is_default DESC, created_at, id")
        return ok_list([_workspace_json(r, ids) for r in rows], None)

    @router.route("POST", "/v3/workspaces")
    def create_workspace(req: Request) -> Response:
        body = req.json()
        name = require_name(body, required=True, what="workspace")
        domain = checked_domain(body.get("domain"))
        auto_group = strict_bool(body["auto_group"], "auto_group") if "auto_group" in body else bool(domain)
        if auto_group and not domain:
            raise bad_request("auto_group needs a domain")
        workspace_id, now = new_uuid(), ctx.timestamp()
        with ctx.db.tx() as conn:
            if domain and conn.execute("SELECT 1 FROM workspaces WHERE domain = ?", (domain,)).fetchone():
                raise bad_request(f"a workspace for domain {domain} already exists")
            attached = _checked_attachments(conn, body)
            conn.execute(
                "INSERT INTO workspaces (id, name, domain, auto_group, policy_id, rule_ids, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    workspace_id,
                    name,
                    domain,
                    int(auto_group),
                    attached.get("policy_id"),
                    attached.get("rule_ids", "[]"),
                    now,
                    now,
                ),
            )
        return ok(_workspace_json(load(workspace_id), ids))

    @router.route("GET", "/v3/workspaces/{workspace_id}")
    def get_workspace(req: Request) -> Response:
        return ok(_workspace_json(load(req.params["workspace_id"]), ids))

    @router.route("PATCH", "/v3/workspaces/{workspace_id}")
    def update_workspace(req: Request) -> Response:
        row = load(req.params["workspace_id"])
        body = req.json()
        if not set(body) & {"name", "domain", "auto_group", "policy_id", "rule_ids"}:
            raise bad_request("send at least one of name, domain, auto_group, policy_id, rule_ids")
        if "domain" in body and checked_domain(body["domain"]) != row["domain"]:
            raise bad_request("a workspace's domain cannot be changed")
        sets: dict[str, Any] = {}
        name = require_name(body, required=False, what="workspace")
        if name is not None:
            sets["name"] = name
        if "auto_group" in body:
            if strict_bool(body["auto_group"], "auto_group") and not row["domain"]:
                raise bad_request("auto_group cannot be true on a workspace without a domain")
            sets["auto_group"] = int(body["auto_group"])
        with ctx.db.tx() as conn:
            sets.update(_checked_attachments(conn, body))
            sets["updated_at"] = ctx.timestamp()
            assignments = ", ".join(f"{column} = ?" for column in sets)
            conn.execute(f"UPDATE workspaces SET {assignments} WHERE id = ?", [*sets.values(), row["id"]])
        return ok(_workspace_json(load(row["id"]), ids))

    @router.route("DELETE", "/v3/workspaces/{workspace_id}")
    def delete_workspace(req: Request) -> Response:
        row = load(req.params["workspace_id"])
        if row["is_default"]:
            raise bad_request("the default workspace cannot be deleted")
        with ctx.db.tx() as conn:
            conn.execute("UPDATE grants SET workspace_id = NULL WHERE workspace_id = ?", (row["id"],))
            conn.execute("DELETE FROM workspaces WHERE id = ?", (row["id"],))
        return deleted()

    @router.route("POST", "/v3/workspaces/auto-group")
    def auto_group(req: Request) -> Response:
        body = req.json()
        after = strict_int(body["after_created_at"], "after_created_at") if "after_created_at" in body else 0
        invalid_also = strict_bool(body.get("invalid_also", False), "invalid_also")
        only_domain = checked_domain(body.get("specific_domain"))
        moved = 0
        with ctx.db.tx() as conn:
            groups = {
                r["domain"]: r["id"]
                for r in conn.execute("SELECT id, domain FROM workspaces WHERE auto_group = 1 AND domain != ''")
            }
            candidates = conn.execute(
                "SELECT id, email, grant_status, workspace_id FROM grants WHERE created_at >= ?", (after,)
            ).fetchall()
            for grant in candidates:
                domain = email_domain(grant["email"])
                if (only_domain and domain != only_domain) or (grant["grant_status"] != "valid" and not invalid_also):
                    continue
                target = groups.get(domain)
                if target is not None and grant["workspace_id"] != target:
                    conn.execute("UPDATE grants SET workspace_id = ? WHERE id = ?", (target, grant["id"]))
                    moved += 1
        job_id = new_uuid()
        return ok({"job_id": job_id, "message": f"auto-group finished: {moved} grant(s) moved"})

    @router.route("POST", "/v3/workspaces/{workspace_id}/manual-assign")
    def manual_assign(req: Request) -> Response:
        row = load(req.params["workspace_id"])
        body = req.json()
        assign = string_list(body.get("assign_grants") or [], "assign_grants", limit=MAX_ASSIGN)
        remove = string_list(body.get("remove_grants") or [], "remove_grants", limit=MAX_ASSIGN)
        if not assign and not remove:
            raise bad_request("assign_grants or remove_grants must name at least one grant")
        assigned: list[str] = []
        removed: list[str] = []
        with ctx.db.tx() as conn:
            for grant_id in dict.fromkeys(assign):
                if conn.execute("UPDATE grants SET workspace_id = ? WHERE id = ?", (row["id"], grant_id)).rowcount:
                    assigned.append(grant_id)
            for grant_id in dict.fromkeys(remove):
                cursor = conn.execute(
                    "UPDATE grants SET workspace_id = NULL WHERE id = ? AND workspace_id = ?", (grant_id, row["id"])
                )
                if cursor.rowcount:
                    removed.append(grant_id)
        return ok(
            {
                "application_id": ids.application_id,
                "workspace_id": row["id"],
                "domain": row["domain"],
                "grants_assigned": assigned or None,
                "grants_removed": removed or None,
            }
        )
