"""The official Nylas Python SDK against a running account server over TCP, end to end, area by area.

Every call goes through the SDK's own request building and response decoding, so a missing required
field, a wrong envelope or a wrong method fails here exactly as it would for an SDK user.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from scheduler_agent.account_server.server import AccountServer

if TYPE_CHECKING:  # fixtures come from conftest.py; importing it by name breaks once subdirectories have their own
    from conftest import WebhookReceiver

nylas = pytest.importorskip("nylas")
NylasApiError = nylas.models.errors.NylasApiError
T = TypeVar("T")


@pytest.fixture
def client(http_server: str, account_server: AccountServer) -> object:
    return nylas.Client(api_key=account_server.api_key, api_uri=http_server, timeout=15)


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


def wait_until(probe: Callable[[], T], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)
    return value


def test_two_agent_accounts_meet_through_the_sdk(
    client: object, account_server: AccountServer, webhook_receiver: WebhookReceiver
) -> None:
    """Mail, threads, attachments, folders, calendars, events, RSVP, free-busy, rules, limits and webhooks
    together: the joints between the areas, as one SDK user would drive them."""
    sdk: Any = client
    account_server.ctx.webhook_backoff_seconds = 0.05
    hook = sdk.webhooks.create(
        {"trigger_types": ["message.created", "event.created", "event.updated"], "webhook_url": webhook_receiver.url}
    ).data
    agent = sdk.auth.custom_authentication({"provider": "nylas", "settings": {"email": "agent@example.com"}}).data.id
    dana = sdk.auth.custom_authentication({"provider": "nylas", "settings": {"email": "dana@example.com"}}).data.id

    # Mail between two hosted accounts, with an attachment, and a reply that threads on both sides.
    sent = sdk.messages.send(
        agent,
        {
            "to": [{"email": "dana@example.com", "name": "Dana"}],
            "subject": "Planning",
            "body": "<p>Tuesday?</p>",
            "attachments": [{"filename": "agenda.txt", "content_type": "text/plain", "content": "YWdlbmRh", "size": 6}],
        },
    ).data
    (received,) = sdk.messages.list(dana, query_params={"in": "inbox", "subject": "Planning"}).data
    assert received.unread is True
    attachment = received.attachments[0]
    assert sdk.attachments.find(dana, attachment.id, {"message_id": received.id}).data.filename == "agenda.txt"
    assert sdk.attachments.download_bytes(dana, attachment.id, {"message_id": received.id}) == b"agenda"
    reply = sdk.messages.send(
        dana,
        {
            "to": [{"email": "agent@example.com"}],
            "subject": "Re: Planning",
            "body": "Yes",
            "reply_to_message_id": received.id,
        },
    ).data
    assert reply.thread_id == received.thread_id
    thread = sdk.threads.find(agent, sent.thread_id).data
    assert len(thread.message_ids) == 2
    assert thread.latest_draft_or_message.subject == "Re: Planning"
    folder = sdk.folders.create(agent, {"name": "Planning"}).data
    filed = sdk.messages.update(agent, thread.message_ids[-1], {"folders": [folder.id], "unread": False}).data
    assert (filed.folders, filed.unread) == ([folder.id], False)

    # An invitation from one hosted account to the other, answered with send-rsvp.
    start = (int(time.time()) // 3600 + 48) * 3600
    event = sdk.events.create(
        agent,
        request_body={
            "title": "Planning",
            "when": {"start_time": start, "end_time": start + 1800},
            "participants": [{"email": "dana@example.com", "name": "Dana"}],
        },
        query_params={"calendar_id": "primary", "notify_participants": True},
    ).data
    window = {"calendar_id": "primary", "start": start - 3600, "end": start + 3600}
    (invite,) = wait_until(lambda: sdk.events.list(dana, query_params=window).data)
    assert invite.title == "Planning"
    assert sdk.events.send_rsvp(dana, invite.id, {"status": "yes"}, {"calendar_id": "primary"}).request_id

    def agent_sees_yes() -> bool:
        found = sdk.events.find(agent, event.id, query_params={"calendar_id": "primary"}).data
        return found.participants[0].status == "yes"

    wait_until(agent_sees_yes)
    busy = sdk.calendars.get_free_busy(
        agent, {"start_time": start - 3600, "end_time": start + 3600, "emails": ["agent@example.com"]}
    ).data
    assert [(s.start_time, s.end_time) for s in busy[0].time_slots] == [(start, start + 1800)]

    # Rules and limits made through the SDK govern the same mail path.
    spam = sdk.lists.create({"name": "spam", "type": "address"}).data
    sdk.lists.add_items(spam.id, {"items": ["dana@example.com"]})
    block = sdk.rules.create(
        {
            "name": "block dana",
            "match": {"conditions": [{"field": "from.address", "operator": "in_list", "value": [spam.id]}]},
            "actions": [{"type": "block"}],
        }
    ).data
    # Dana has sent two messages today (the reply and the iMIP REPLY); the third is her last.
    quota = sdk.policies.create({"name": "quota", "limits": {"limit_count_daily_message_per_grant": 3}}).data
    default = next(w for w in sdk.workspaces.list().data if w.default)
    sdk.workspaces.update(default.workspace_id, {"rule_ids": [block.id], "policy_id": quota.id})
    sdk.messages.send(dana, {"to": [{"email": "agent@example.com"}], "subject": "Blocked", "body": "x"})
    assert sdk.messages.list(agent, query_params={"subject": "Blocked"}).data == []
    evaluations = sdk.rules.list_evaluations(agent).data
    assert evaluations[0].matched_rule_ids == [block.id]
    assert evaluations[0].applied_actions.blocked is True
    with pytest.raises(NylasApiError) as info:
        sdk.messages.send(dana, {"to": [{"email": "agent@example.com"}], "subject": "Over quota", "body": "x"})
    assert info.value.status_code == 429
    assert info.value.type == "rate_limit_error"

    # Webhooks saw all of it, signed.
    def types_seen() -> set[str]:
        return {json.loads(body)["type"] for _, body in webhook_receiver.deliveries}

    wait_until(lambda: {"message.created", "event.created", "event.updated"} <= types_seen())
    for headers, body in list(webhook_receiver.deliveries):
        expected = hmac.new(hook.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-nylas-signature"] == expected
