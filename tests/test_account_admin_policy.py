"""Rules, lists and policy limits enforced on real mail: SMTP ingress, the send API, rule evaluations."""

from __future__ import annotations

import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest

from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.clock import FixedClock

AGENT = "agent@example.com"


def default_workspace(api: httpx.Client) -> dict:
    return next(w for w in api.get("/v3/workspaces").json()["data"] if w["default"])


def attach(api: httpx.Client, *, rules: list[dict] = (), policy: dict | None = None) -> None:
    """Attach rules and a policy to the default workspace (where the `grant` fixture lives)."""
    body: dict = {"rule_ids": [r["id"] for r in rules]}
    if policy is not None:
        body["policy_id"] = policy["id"]
    r = api.patch(f"/v3/workspaces/{default_workspace(api)['workspace_id']}", json=body)
    assert r.status_code == 200, r.text


def rule(api: httpx.Client, conditions: list[dict], actions: list[dict], **extra: object) -> dict:
    body = {"name": "r", "match": {"conditions": conditions, **extra.pop("match", {})}, "actions": actions, **extra}
    r = api.post("/v3/rules", json=body)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def domain_list(api: httpx.Client, *domains: str) -> dict:
    made = api.post("/v3/lists", json={"name": "domains", "type": "domain"}).json()["data"]
    return api.post(f"/v3/lists/{made['id']}/items", json={"items": list(domains)}).json()["data"]


def mail(sender: str, subject: str, body: str = "hello") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = AGENT
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


@pytest.fixture
def smtp(account_server: AccountServer) -> tuple[str, int]:
    return account_server.start_smtp("127.0.0.1", 0)


def messages(api: httpx.Client, grant: dict, **params: object) -> list[dict]:
    r = api.get(f"/v3/grants/{grant['id']}/messages", params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_inbound_verdicts_follow_priority_lists_and_match_mode(
    api: httpx.Client, account_server: AccountServer, grant: dict
) -> None:
    blocked = domain_list(api, "spam.example")
    block = rule(api, [{"field": "from.domain", "operator": "in_list", "value": [blocked["id"]]}], [{"type": "block"}])
    receipts = rule(
        api,
        [
            {"field": "from.address", "operator": "contains", "value": "billing"},
            {"field": "from.tld", "operator": "is", "value": "io"},
        ],
        [{"type": "assign_to_folder", "value": "Receipts"}, {"type": "mark_as_read"}],
        match={"operator": "any"},
        priority=20,
    )
    never = rule(api, [{"field": "from.tld", "operator": "is_not", "value": "zz"}], [{"type": "trash"}], enabled=False)
    starred = rule(
        api,
        [{"field": "from.address", "operator": "is", "value": "boss@corp.example"}],
        [{"type": "mark_as_starred"}],
        priority=0,
    )
    attach(api, rules=[receipts, block, never, starred])
    policy = account_server.ctx.policy
    assert policy.inbound(grant, "Anyone@SPAM.example").blocked
    v = policy.inbound(grant, "billing@shop.com")
    assert (v.blocked, v.folder_names, v.mark_read, v.trash) == (False, ("Receipts",), True, False)
    assert policy.inbound(grant, "x@startup.io").folder_names == ("Receipts",)
    v = policy.inbound(grant, "boss@corp.example")
    assert v.starred
    assert not v.folder_names
    assert v.matched_rule_ids == (starred["id"],)
    assert policy.inbound(grant, "friend@fine.example").matched_rule_ids == ()
    # A blocking rule ends evaluation: lower-priority matches are not applied.
    stop = rule(api, [{"field": "from.tld", "operator": "is", "value": "io"}], [{"type": "block"}], priority=5)
    attach(api, rules=[receipts, stop])
    v = policy.inbound(grant, "billing@startup.io")
    assert v.blocked
    assert v.matched_rule_ids == (stop["id"],)
    assert not v.folder_names


def test_rule_evaluations_are_recorded(api: httpx.Client, account_server: AccountServer, grant: dict) -> None:
    spam = rule(api, [{"field": "from.domain", "operator": "is", "value": "junk.example"}], [{"type": "mark_as_spam"}])
    attach(api, rules=[spam])
    account_server.ctx.policy.inbound(grant, "a@junk.example")
    account_server.ctx.policy.inbound(grant, "b@clean.example")
    page = api.get(f"/v3/grants/{grant['id']}/rule-evaluations").json()
    assert len(page["data"]) == 2
    newest, oldest = page["data"]
    assert oldest["evaluation_stage"] == "smtp_rcpt"
    assert oldest["evaluation_input"] == {
        "from_address": "a@junk.example",
        "from_domain": "junk.example",
        "from_tld": "example",
    }
    assert oldest["applied_actions"] == {"marked_as_spam": True}
    assert oldest["matched_rule_ids"] == [spam["id"]]
    assert newest["applied_actions"] == {}
    assert newest["matched_rule_ids"] == []
    assert page["next_cursor"] is None


def test_blocked_sender_is_refused_over_smtp(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    attach(
        api,
        rules=[rule(api, [{"field": "from.domain", "operator": "is", "value": "evil.example"}], [{"type": "block"}])],
    )
    with smtplib.SMTP(*smtp, timeout=10) as client, pytest.raises(smtplib.SMTPRecipientsRefused) as info:
        client.sendmail("mallory@evil.example", [AGENT], mail("mallory@evil.example", "buy now").as_string())
    code, reason = info.value.recipients[AGENT]
    assert code == 550
    assert b"rules" in reason
    with smtplib.SMTP(*smtp, timeout=10) as client:
        client.sendmail("dana@good.example", [AGENT], mail("dana@good.example", "lunch?").as_string())
    assert [m["subject"] for m in messages(api, grant)] == ["lunch?"]


def test_rule_actions_shape_the_stored_message(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    folder = api.post(f"/v3/grants/{grant['id']}/folders", json={"name": "Receipts"})
    assert folder.status_code == 200, folder.text
    folder_id = folder.json()["data"]["id"]
    attach(
        api,
        rules=[
            rule(
                api,
                [{"field": "from.domain", "operator": "is", "value": "shop.example"}],
                [{"type": "assign_to_folder", "value": "receipts"}, {"type": "mark_as_read"}],
            ),
            rule(api, [{"field": "from.tld", "operator": "is", "value": "zip"}], [{"type": "mark_as_spam"}]),
        ],
    )
    with smtplib.SMTP(*smtp, timeout=10) as client:
        client.sendmail("orders@shop.example", [AGENT], mail("orders@shop.example", "your receipt").as_string())
        client.sendmail("x@promo.zip", [AGENT], mail("x@promo.zip", "prize").as_string())
    (receipt,) = messages(api, grant, **{"in": folder_id})
    assert receipt["subject"] == "your receipt"
    assert receipt["unread"] is False
    (junk,) = messages(api, grant, **{"in": "junk"})
    assert junk["subject"] == "prize"
    evaluations = api.get(f"/v3/grants/{grant['id']}/rule-evaluations").json()["data"]
    assert {"folder_ids": [folder_id], "marked_as_read": True} in [e["applied_actions"] for e in evaluations]


def test_message_size_limit_comes_from_the_policy(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    policy = api.post("/v3/policies", json={"name": "small", "limits": {"limit_size_total_mime": 2000}}).json()["data"]
    attach(api, policy=policy)
    with smtplib.SMTP(*smtp, timeout=10) as client, pytest.raises(smtplib.SMTPException) as info:
        client.sendmail(
            "dana@good.example", [AGENT], mail("dana@good.example", "big", ("x" * 70 + "\n") * 80).as_string()
        )
    assert "552" in str(info.value)
    assert messages(api, grant) == []


def send(api: httpx.Client, grant: dict, to: str, subject: str = "hi") -> httpx.Response:
    return api.post(
        f"/v3/grants/{grant['id']}/messages/send", json={"to": [{"email": to}], "subject": subject, "body": "hello"}
    )


def test_daily_send_limit(api: httpx.Client, grant: dict, clock: FixedClock) -> None:
    policy = api.post("/v3/policies", json={"name": "quota", "limits": {"limit_count_daily_email_sent": 2}})
    attach(api, policy=policy.json()["data"])
    assert send(api, grant, "a@remote.example").status_code in (200, 202)
    assert send(api, grant, "b@remote.example").status_code in (200, 202)
    refused = send(api, grant, "c@remote.example")
    assert refused.status_code == 429
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert "daily send limit" in refused.json()["error"]["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    sent = messages(api, grant, **{"in": "sent"})
    assert sorted(m["subject"] for m in sent) == ["hi", "hi"]  # the refused send left no Sent copy
    clock.advance(timedelta(days=1))
    assert send(api, grant, "c@remote.example").status_code in (200, 202)


def test_outbound_block_rule_refuses_the_send(api: httpx.Client, grant: dict) -> None:
    block = rule(
        api,
        [{"field": "recipient.domain", "operator": "is", "value": "competitor.example"}],
        [{"type": "block"}],
        trigger="outbound",
    )
    attach(api, rules=[block])
    refused = send(api, grant, "ceo@competitor.example")
    assert refused.status_code == 403
    assert block["id"] in refused.json()["error"]["message"]
    assert send(api, grant, "friend@elsewhere.example").status_code in (200, 202)
    # The refused send's evaluation rolls back with it; the allowed one is on record.
    (evaluation,) = api.get(f"/v3/grants/{grant['id']}/rule-evaluations").json()["data"]
    assert evaluation["evaluation_stage"] == "outbound_send"
    assert evaluation["evaluation_input"]["recipient_domains"] == ["elsewhere.example"]
    assert evaluation["evaluation_input"]["outbound_type"] == "compose"
    assert evaluation["applied_actions"] == {}


def test_rule_evaluations_are_kept_for_a_month(
    api: httpx.Client, account_server: AccountServer, grant: dict, clock: FixedClock
) -> None:
    attach(api, rules=[rule(api, [{"field": "from.tld", "operator": "is", "value": "zip"}], [{"type": "trash"}])])
    account_server.ctx.policy.inbound(grant, "old@x.zip")
    clock.advance(timedelta(days=31))
    account_server.ctx.policy.inbound(grant, "new@x.zip")
    kept = api.get(f"/v3/grants/{grant['id']}/rule-evaluations").json()["data"]
    assert [e["evaluation_input"]["from_address"] for e in kept] == ["new@x.zip"]
    assert kept[0]["applied_actions"] == {"trashed": True}


def test_racing_sends_cannot_share_the_last_slot(api: httpx.Client, http_server: str, grant: dict) -> None:
    policy = api.post("/v3/policies", json={"name": "one", "limits": {"limit_count_daily_email_sent": 1}})
    attach(api, policy=policy.json()["data"])
    barrier = threading.Barrier(4)

    def racer(n: int) -> int:
        with httpx.Client(base_url=http_server, headers=dict(api.headers), timeout=15) as client:
            barrier.wait()
            return send(client, grant, f"r{n}@remote.example").status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(racer, range(4)))
    assert statuses[0] in (200, 202)
    assert statuses[1:] == [429, 429, 429]
    assert len(messages(api, grant, **{"in": "sent"})) == 1
