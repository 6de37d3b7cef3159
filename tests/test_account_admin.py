"""Admin APIs of the account server: lists, rules, policies, workspaces, over the v3 wire format."""

from __future__ import annotations

import httpx
import pytest

from scheduler_agent.account_server.server import AccountServer


def make_list(api: httpx.Client, type_: str, *items: str, name: str = "l") -> dict:
    created = api.post("/v3/lists", json={"name": name, "type": type_})
    assert created.status_code == 200, created.text
    if items:
        r = api.post(f"/v3/lists/{created.json()['data']['id']}/items", json={"items": list(items)})
        assert r.status_code == 200, r.text
        return r.json()["data"]
    return created.json()["data"]


def make_rule(api: httpx.Client, conditions: list[dict], actions: list[dict], **extra: object) -> dict:
    body = {"name": "r", "match": {"conditions": conditions, **extra.pop("match", {})}, "actions": actions, **extra}
    r = api.post("/v3/rules", json=body)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_lists_normalise_validate_and_count_items(api: httpx.Client) -> None:
    made = make_list(api, "domain", name="Blocked")
    assert made["items_count"] == 0
    assert made["type"] == "domain"
    assert made["application_id"]
    list_id = made["id"]
    added = api.post(f"/v3/lists/{list_id}/items", json={"items": [" Spam.Example ", "spam.example", "bücher.de"]})
    assert added.json()["data"]["items_count"] == 2
    values = [i["value"] for i in api.get(f"/v3/lists/{list_id}/items").json()["data"]]
    assert sorted(values) == ["spam.example", "xn--bcher-kva.de"]
    bad = api.post(f"/v3/lists/{list_id}/items", json={"items": ["fine.example", "not a domain", "@@"]})
    assert bad.status_code == 400
    assert "not a domain" in bad.json()["error"]["message"]
    assert api.get(f"/v3/lists/{list_id}").json()["data"]["items_count"] == 2  # nothing of the bad batch landed
    too_many = api.post(f"/v3/lists/{list_id}/items", json={"items": [f"d{i}.example" for i in range(1001)]})
    assert too_many.status_code == 400
    removed = api.request("DELETE", f"/v3/lists/{list_id}/items", json={"items": ["SPAM.example", "absent.example"]})
    assert removed.json()["data"]["items_count"] == 1
    assert api.put(f"/v3/lists/{list_id}", json={"type": "tld"}).status_code == 400
    renamed = api.put(f"/v3/lists/{list_id}", json={"name": "Renamed", "description": "why"}).json()["data"]
    assert (renamed["name"], renamed["description"], renamed["type"]) == ("Renamed", "why", "domain")


def test_list_values_by_type(api: httpx.Client) -> None:
    assert make_list(api, "address", " Dana@Example.ORG ")["items_count"] == 1
    assert make_list(api, "tld", ".XYZ", "com")["items_count"] == 2
    tld = make_list(api, "tld")
    assert api.post(f"/v3/lists/{tld['id']}/items", json={"items": ["co.uk"]}).status_code == 400
    address = make_list(api, "address")
    assert api.post(f"/v3/lists/{address['id']}/items", json={"items": ["no-at-sign"]}).status_code == 400
    assert api.post("/v3/lists", json={"name": "x", "type": "regex"}).status_code == 400
    assert api.post("/v3/lists", json={"type": "domain"}).status_code == 400


def test_lists_and_items_page_with_cursors(api: httpx.Client) -> None:
    made = make_list(api, "domain", *[f"d{i:03}.example" for i in range(120)])
    seen: list[str] = []
    token = None
    while True:
        params = {"limit": 50, **({"page_token": token} if token else {})}
        page = api.get(f"/v3/lists/{made['id']}/items", params=params).json()
        seen += [i["value"] for i in page["data"]]
        assert all(i["list_id"] == made["id"] for i in page["data"])
        token = page["next_cursor"]
        if not token:
            break
    assert len(seen) == 120
    assert len(set(seen)) == 120
    for _ in range(3):
        make_list(api, "tld")
    first = api.get("/v3/lists", params={"limit": 2}).json()
    assert len(first["data"]) == 2
    rest = api.get("/v3/lists", params={"limit": 2, "page_token": first["next_cursor"]}).json()
    assert len(rest["data"]) == 2
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"match": {"conditions": [{"field": "recipient.domain", "operator": "is", "value": "x.com"}]}}, "field"),
        ({"match": {"conditions": [{"field": "from.domain", "operator": "regex", "value": "x"}]}}, "operator"),
        ({"match": {"conditions": [{"field": "from.domain", "operator": "in_list", "value": ["nope"]}]}}, "not found"),
        ({"match": {"conditions": [{"field": "from.domain", "operator": "is", "value": ""}]}}, "value"),
        ({"match": {"conditions": []}}, "conditions"),
        ({"match": {"operator": "most", "conditions": [{"field": "from.tld", "operator": "is", "value": "x"}]}}, "all"),
        ({"actions": [{"type": "block"}, {"type": "mark_as_read"}]}, "terminal"),
        ({"actions": [{"type": "assign_to_folder"}]}, "folder"),
        ({"actions": [{"type": "forward"}]}, "type"),
        ({"actions": []}, "actions"),
        ({"priority": 1001}, "priority"),
        ({"priority": True}, "priority"),
        ({"trigger": "sideways"}, "trigger"),
        ({"name": ""}, "name"),
        (
            {
                "trigger": "outbound",
                "match": {"conditions": [{"field": "outbound.type", "operator": "contains", "value": "re"}]},
            },
            "outbound.type",
        ),
    ],
)
def test_rules_are_validated(api: httpx.Client, body: dict, fragment: str) -> None:
    rule = {
        "name": "r",
        "match": {"conditions": [{"field": "from.domain", "operator": "is", "value": "x.com"}]},
        "actions": [{"type": "mark_as_spam"}],
        **body,
    }
    r = api.post("/v3/rules", json=rule)
    assert r.status_code == 400
    assert fragment in r.json()["error"]["message"]


def test_in_list_needs_a_list_of_the_matching_type(api: httpx.Client) -> None:
    domains = make_list(api, "domain", "bad.example")
    condition = {"field": "from.address", "operator": "in_list", "value": [domains["id"]]}
    r = api.post("/v3/rules", json={"name": "r", "match": {"conditions": [condition]}, "actions": [{"type": "trash"}]})
    assert r.status_code == 400
    assert "address lists" in r.json()["error"]["message"]
    rule = make_rule(api, [{**condition, "field": "from.domain"}], [{"type": "trash"}])
    assert rule["match"]["conditions"][0]["value"] == [domains["id"]]
    in_use = api.delete(f"/v3/lists/{domains['id']}")
    assert in_use.status_code == 400
    assert rule["id"] in in_use.json()["error"]["message"]
    assert api.delete(f"/v3/rules/{rule['id']}").status_code == 200
    assert api.delete(f"/v3/lists/{domains['id']}").status_code == 200


def test_rule_crud_and_put_semantics(api: httpx.Client) -> None:
    rule = make_rule(
        api, [{"field": "from.domain", "operator": "contains", "value": "Example"}], [{"type": "mark_as_read"}]
    )
    assert rule["priority"] == 10
    assert rule["enabled"] is True
    assert rule["trigger"] == "inbound"
    assert rule["match"] == {
        "operator": "all",
        "conditions": [{"field": "from.domain", "operator": "contains", "value": "example"}],
    }
    updated = api.put(f"/v3/rules/{rule['id']}", json={"priority": 3, "enabled": False}).json()["data"]
    assert (updated["priority"], updated["enabled"], updated["match"]) == (3, False, rule["match"])
    assert updated["created_at"] == rule["created_at"]
    # Switching to outbound keeps the sender condition (allowed on both triggers)...
    assert api.put(f"/v3/rules/{rule['id']}", json={"trigger": "outbound"}).status_code == 200
    # ...but an outbound-only field cannot go back to inbound.
    recip = {"conditions": [{"field": "recipient.tld", "operator": "is", "value": "ru"}]}
    assert api.put(f"/v3/rules/{rule['id']}", json={"match": recip}).status_code == 200
    assert api.put(f"/v3/rules/{rule['id']}", json={"trigger": "inbound"}).status_code == 400
    second = make_rule(api, [{"field": "from.tld", "operator": "is", "value": "ru"}], [{"type": "trash"}], priority=1)
    assert [r["id"] for r in api.get("/v3/rules").json()["data"]] == [second["id"], rule["id"]]
    gone = api.delete(f"/v3/rules/{rule['id']}")
    assert (gone.status_code, set(gone.json())) == (200, {"request_id"})
    assert api.get(f"/v3/rules/{rule['id']}").status_code == 404
    assert [r["id"] for r in api.get("/v3/rules").json()["data"]] == [second["id"]]


def test_policies_accept_both_daily_send_names(api: httpx.Client) -> None:
    r = api.post("/v3/policies", json={"name": "P", "limits": {"limit_count_daily_message_per_grant": 5}})
    policy = r.json()["data"]
    assert policy["limits"]["limit_count_daily_email_sent"] == 5
    assert policy["limits"]["limit_count_daily_message_per_grant"] == 5
    body = {
        "limits": {
            "limit_count_daily_email_sent": 7,
            "limit_size_total_mime": 1000,
            "limit_attachment_allowed_types": ["Image/PNG"],
        },
        "spam_detection": {"spam_sensitivity": 2, "use_list_dnsbl": True},
        "options": {"additional_folders": ["Receipts"]},
    }
    updated = api.put(f"/v3/policies/{policy['id']}", json=body).json()["data"]
    assert updated["name"] == "P"
    assert updated["limits"] == {
        "limit_count_daily_email_sent": 7,
        "limit_count_daily_message_per_grant": 7,
        "limit_size_total_mime": 1000,
        "limit_attachment_allowed_types": ["image/png"],
    }
    assert updated["spam_detection"] == {"spam_sensitivity": 2.0, "use_list_dnsbl": True}
    assert updated["options"] == {"additional_folders": ["Receipts"]}
    assert api.get("/v3/policies").json()["data"][0]["id"] == policy["id"]
    for bad in (
        {"limits": {"limit_count_daily_email_sent": 1, "limit_count_daily_message_per_grant": 2}},
        {"limits": {"limit_size_total_mime": -1}},
        {"limits": {"limit_unknown": 1}},
        {"limits": {"limit_inbox_retention_period": 5, "limit_spam_retention_period": 10}},
        {"spam_detection": {"spam_sensitivity": 9}},
        {"options": {"use_cidr_aliasing": "yes"}},
        {"rules": ["missing-rule"]},
    ):
        r = api.put(f"/v3/policies/{policy['id']}", json=bad)
        assert r.status_code == 400, bad
    assert api.post("/v3/policies", json={"limits": {}}).status_code == 400
    assert api.delete(f"/v3/policies/{policy['id']}").status_code == 200
    assert api.get(f"/v3/policies/{policy['id']}").status_code == 404


def test_workspaces_group_grants_by_domain(api: httpx.Client) -> None:
    default = api.get("/v3/workspaces").json()["data"]
    assert [w["default"] for w in default] == [True]
    ws = api.post("/v3/workspaces", json={"name": "Acme", "domain": "Acme.Example"}).json()["data"]
    assert (ws["domain"], ws["auto_group"], ws["default"], ws["rule_ids"]) == ("acme.example", True, False, [])
    for key in ("workspace_id", "application_id", "name", "created_at", "updated_at"):
        assert ws[key] is not None
    acme = api.post("/v3/connect/custom", json={"provider": "nylas", "settings": {"email": "a@acme.example"}})
    other = api.post("/v3/connect/custom", json={"provider": "nylas", "settings": {"email": "b@other.example"}})
    assert acme.json()["data"]["workspace_id"] == ws["workspace_id"]
    assert other.json()["data"]["workspace_id"] == default[0]["workspace_id"]
    unknown = {"provider": "nylas", "workspace_id": "nope", "settings": {"email": "c@acme.example"}}
    assert api.post("/v3/connect/custom", json=unknown).status_code == 400
    assert api.patch(f"/v3/workspaces/{ws['workspace_id']}", json={"domain": "new.example"}).status_code == 400
    assert api.patch(f"/v3/workspaces/{ws['workspace_id']}", json={}).status_code == 400
    assert api.post("/v3/workspaces", json={"name": "Dup", "domain": "acme.example"}).status_code == 400
    assert api.post("/v3/workspaces", json={"name": "No domain", "auto_group": True}).status_code == 400
    other_id = other.json()["data"]["id"]
    assigned = api.post(
        f"/v3/workspaces/{ws['workspace_id']}/manual-assign", json={"assign_grants": [other_id, "ghost"]}
    ).json()["data"]
    assert assigned["grants_assigned"] == [other_id]
    assert assigned["grants_removed"] is None
    assert api.get(f"/v3/grants/{other_id}").json()["data"]["workspace_id"] == ws["workspace_id"]
    removed = api.post(f"/v3/workspaces/{ws['workspace_id']}/manual-assign", json={"remove_grants": [other_id]})
    assert removed.json()["data"]["grants_removed"] == [other_id]
    assert api.post(f"/v3/workspaces/{ws['workspace_id']}/manual-assign", json={}).status_code == 400
    grouped = api.post("/v3/workspaces/auto-group", json={"specific_domain": "acme.example"}).json()["data"]
    assert grouped["job_id"]
    assert api.delete(f"/v3/workspaces/{default[0]['workspace_id']}").status_code == 400
    assert api.delete(f"/v3/workspaces/{ws['workspace_id']}").status_code == 200
    assert api.get(f"/v3/grants/{acme.json()['data']['id']}").json()["data"]["workspace_id"] is None


def test_workspace_attachments_must_exist_and_follow_deletes(api: httpx.Client) -> None:
    policy = api.post("/v3/policies", json={"name": "P"}).json()["data"]
    rule = make_rule(api, [{"field": "from.tld", "operator": "is", "value": "zip"}], [{"type": "mark_as_spam"}])
    ws = api.post("/v3/workspaces", json={"name": "W", "policy_id": policy["id"], "rule_ids": [rule["id"]]})
    ws = ws.json()["data"]
    assert (ws["policy_id"], ws["rule_ids"]) == (policy["id"], [rule["id"]])
    assert api.patch(f"/v3/workspaces/{ws['workspace_id']}", json={"policy_id": "nope"}).status_code == 400
    assert api.patch(f"/v3/workspaces/{ws['workspace_id']}", json={"rule_ids": ["nope"]}).status_code == 400
    api.delete(f"/v3/rules/{rule['id']}")
    api.delete(f"/v3/policies/{policy['id']}")
    after = api.get(f"/v3/workspaces/{ws['workspace_id']}").json()["data"]
    assert (after["policy_id"], after["rule_ids"]) == (None, [])
    cleared = api.patch(f"/v3/workspaces/{ws['workspace_id']}", json={"name": "Renamed", "policy_id": None})
    assert cleared.json()["data"]["name"] == "Renamed"


def test_admin_objects_404(api: httpx.Client, account_server: AccountServer) -> None:
    for path in ("/v3/lists/x", "/v3/rules/x", "/v3/policies/x", "/v3/workspaces/x", "/v3/lists/x/items"):
        r = api.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["type"] == "not_found_error"
