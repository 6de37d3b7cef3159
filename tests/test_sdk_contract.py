"""The official Nylas Python SDK against a running account server over TCP, end to end, area by area.

Every call goes through the SDK's own request building and response decoding, so a missing required
field, a wrong envelope or a wrong method fails here exactly as it would for an SDK user.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from conftest import TEST_KEY, WebhookReceiver

nylas = pytest.importorskip("nylas")
NylasApiError = nylas.models.errors.NylasApiError


@pytest.fixture
def client(http_server: str) -> object:
    return nylas.Client(api_key=TEST_KEY, api_uri=http_server, timeout=15)


@pytest.fixture
def grant_id(client: object) -> str:
    created = client.auth.custom_authentication(  # type: ignore[attr-defined]
        {"provider": "nylas", "name": "Agent", "settings": {"email": "agent@example.com"}}
    )
    return str(created.data.id)


def test_webhooks_through_the_sdk(client: object, grant_id: str, webhook_receiver: WebhookReceiver) -> None:
    webhooks = client.webhooks  # type: ignore[attr-defined]
    created = webhooks.create({"trigger_types": ["grant.updated"], "webhook_url": webhook_receiver.url})
    hook = created.data
    assert created.request_id
    assert hook.webhook_secret
    assert hook.status == "active"
    assert [h.id for h in webhooks.list().data] == [hook.id]
    assert webhooks.find(hook.id).data.webhook_url == webhook_receiver.url
    updated = webhooks.update(hook.id, {"description": "agent", "trigger_types": ["grant.updated", "event.created"]})
    assert updated.data.description == "agent"
    assert len(updated.data.trigger_types) == 2
    rotated = webhooks.rotate_secret(hook.id).data
    assert rotated.webhook_secret not in ("", hook.webhook_secret)
    client.grants.update(grant_id, {"name": "Signed"})  # type: ignore[attr-defined]
    headers, body = webhook_receiver.wait_for(1)[0]
    expected = hmac.new(rotated.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-nylas-signature"] == expected
    assert json.loads(body)["data"]["object"]["name"] == "Signed"
    ips = webhooks.ip_addresses().data
    assert ips.ip_addresses
    deleted = webhooks.destroy(hook.id)
    assert deleted.request_id
    with pytest.raises(NylasApiError) as info:
        webhooks.find(hook.id)
    assert info.value.status_code == 404


def test_policies_through_the_sdk(client: object) -> None:
    policies = client.policies  # type: ignore[attr-defined]
    created = policies.create(
        {
            "name": "Agents",
            "limits": {"limit_count_daily_message_per_grant": 100, "limit_size_total_mime": 10_000_000},
            "spam_detection": {"spam_sensitivity": 1.5},
            "options": {"additional_folders": ["Receipts"]},
        }
    ).data
    assert created.limits.limit_count_daily_message_per_grant == 100
    assert created.spam_detection.spam_sensitivity == 1.5
    assert created.options.additional_folders == ["Receipts"]
    assert created.application_id
    assert [p.id for p in policies.list().data] == [created.id]
    assert policies.find(created.id).data.name == "Agents"
    updated = policies.update(created.id, {"name": "Agents v2", "limits": {"limit_count_daily_message_per_grant": 5}})
    assert updated.data.name == "Agents v2"
    assert updated.data.limits.limit_count_daily_message_per_grant == 5
    assert updated.data.limits.limit_size_total_mime is None  # nested objects are replaced wholesale
    assert policies.destroy(created.id).request_id
    with pytest.raises(NylasApiError) as info:
        policies.update(created.id, {"name": "gone"})
    assert info.value.status_code == 404


def test_lists_and_rules_through_the_sdk(client: object, grant_id: str) -> None:
    lists, rules = client.lists, client.rules  # type: ignore[attr-defined]
    blocked = lists.create({"name": "Blocked domains", "type": "domain", "description": "spam"}).data
    assert (blocked.type, blocked.items_count) == ("domain", 0)
    assert lists.add_items(blocked.id, {"items": ["Spam.Example", "junk.example"]}).data.items_count == 2
    assert sorted(i.value for i in lists.list_items(blocked.id).data) == ["junk.example", "spam.example"]
    assert lists.remove_items(blocked.id, {"items": ["junk.example"]}).data.items_count == 1
    assert lists.update(blocked.id, {"name": "Blocked"}).data.name == "Blocked"
    assert lists.find(blocked.id).data.items_count == 1
    assert [x.id for x in lists.list().data] == [blocked.id]
    rule = rules.create(
        {
            "name": "Block listed domains",
            "priority": 1,
            "match": {
                "operator": "any",
                "conditions": [{"field": "from.domain", "operator": "in_list", "value": [blocked.id]}],
            },
            "actions": [{"type": "block"}],
        }
    ).data
    assert rule.match.conditions[0].value == [blocked.id]
    assert rule.actions[0].type == "block"
    assert rules.find(rule.id).data.priority == 1
    assert rules.update(rule.id, {"enabled": False}).data.enabled is False
    assert [r.id for r in rules.list().data] == [rule.id]
    with pytest.raises(NylasApiError) as info:
        rules.create({"name": "bad", "match": {"conditions": []}, "actions": [{"type": "block"}]})
    assert info.value.status_code == 400
    assert info.value.type == "invalid_request_error"
    evaluations = rules.list_evaluations(grant_id)
    assert evaluations.data == []
    assert rules.destroy(rule.id).request_id
    assert lists.destroy(blocked.id).request_id


def test_workspaces_through_the_sdk(client: object, grant_id: str) -> None:
    workspaces = client.workspaces  # type: ignore[attr-defined]
    rule = client.rules.create(  # type: ignore[attr-defined]
        {
            "name": "Junk zip",
            "match": {"conditions": [{"field": "from.tld", "operator": "is", "value": "zip"}]},
            "actions": [{"type": "mark_as_spam"}],
        }
    ).data
    default = [w for w in workspaces.list().data if w.default]
    assert len(default) == 1
    made = workspaces.create({"name": "Acme", "domain": "acme.example", "rule_ids": [rule.id]}).data
    assert (made.domain, made.auto_group, made.rule_ids) == ("acme.example", True, [rule.id])
    assert workspaces.find(made.workspace_id).data.name == "Acme"
    updated = workspaces.update(made.workspace_id, {"name": "Acme Inc", "rule_ids": []}).data
    assert (updated.name, updated.rule_ids) == ("Acme Inc", [])
    assigned = workspaces.manual_assign("acme.example", {"assign_grants": [grant_id]}).data
    assert assigned.grants_assigned == [grant_id]
    job = workspaces.auto_group({"specific_domain": "acme.example"}).data
    assert job.job_id
    assert workspaces.destroy(made.workspace_id).request_id
    with pytest.raises(NylasApiError) as info:
        workspaces.find(made.workspace_id)
    assert info.value.status_code == 404
