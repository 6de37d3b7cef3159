"""The mail endpoints of the account server over the v3 wire format (in-process WSGI)."""

from __future__ import annotations

import base64
import json
import sqlite3
from email import message_from_bytes, policy

import httpx
import pytest

from scheduler_agent.account_server.context import AllowAll, JSONDict
from scheduler_agent.account_server.http import ApiError
from scheduler_agent.account_server.inbound import receive
from scheduler_agent.account_server.server import AccountServer

AGENT = "agent@example.com"


def deliver(server: AccountServer, grant: dict, sender: str, subject: str, body: str = "hello", **headers: str) -> dict:
    """Put one message in the grant's mailbox through the same path SMTP ingress uses."""
    extra = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    raw = f"From: {sender}\r\nTo: {AGENT}\r\nSubject: {subject}\r\n{extra}\r\n{body}\r\n".encode()
    stored = receive(server.ctx, grant, raw, envelope_from=sender)
    assert stored is not None
    return stored


def url(grant: dict, path: str) -> str:
    return f"/v3/grants/{grant['id']}/{path}"


def test_list_filters_and_cursor_pagination(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    for i in range(7):
        deliver(
            account_server, grant, f"p{i % 3}@example.org", f"Topic {i}", Cc="cc@example.net" if i == 3 else "x@y.z"
        )
    listing = api.get(url(grant, "messages"), params={"limit": 3}).json()
    assert [m["subject"] for m in listing["data"]] == ["Topic 6", "Topic 5", "Topic 4"]
    seen = [m["id"] for m in listing["data"]]
    cursor = listing["next_cursor"]
    while cursor:
        page = api.get(url(grant, "messages"), params={"limit": 3, "page_token": cursor}).json()
        seen += [m["id"] for m in page["data"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 7
    assert api.get(url(grant, "messages"), params={"page_token": "bogus!"}).status_code == 400
    assert api.get(url(grant, "messages"), params={"limit": 500}).status_code == 200  # clamped to 200

    def subjects(**params: object) -> list[str]:
        r = api.get(url(grant, "messages"), params=params)
        assert r.status_code == 200, r.text
        return sorted(m["subject"] for m in r.json()["data"])

    assert subjects(**{"from": "p1@example.org"}) == ["Topic 1", "Topic 4"]
    assert subjects(any_email="P2@example.org,cc@example.net") == ["Topic 2", "Topic 3", "Topic 5"]
    assert subjects(cc="cc@example.net") == ["Topic 3"]
    assert subjects(to=AGENT) == [f"Topic {i}" for i in range(7)]
    assert subjects(subject="topic 5") == ["Topic 5"]
    assert subjects(subject="%") == []
    first = api.get(url(grant, "messages"), params={"subject": "Topic 0"}).json()["data"][0]
    api.put(url(grant, f"messages/{first['id']}"), json={"unread": False, "starred": True})
    assert subjects(unread="False") == ["Topic 0"]
    assert subjects(starred="True") == ["Topic 0"]
    assert len(subjects(unread="true")) == 6
    assert subjects(thread_id=first["thread_id"]) == ["Topic 0"]
    # Bounds from the stored dates themselves: seven deliveries may straddle a clock second.
    dates = sorted(m["date"] for m in api.get(url(grant, "messages")).json()["data"])
    assert subjects(received_after=dates[-1] + 1) == []
    assert len(subjects(received_before=dates[-1] + 1)) == 7
    assert len(subjects(received_after=dates[0])) == 7
    assert subjects(received_before=dates[0]) == []
    assert subjects(has_attachment="true") == []
    assert subjects(**{"in": "sent"}) == []
    selected = api.get(url(grant, "messages"), params={"select": "subject", "limit": 1}).json()["data"][0]
    assert set(selected) == {"id", "grant_id", "object", "subject"}
    assert api.get(url(grant, "messages"), params={"unread": "maybe"}).status_code == 400


def test_get_with_headers_update_and_delete_to_trash(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    stored = deliver(account_server, grant, "dana@example.org", "Hi", Message_ID="<abc@example.org>")
    full = api.get(url(grant, f"messages/{stored['id']}"), params={"fields": "include_headers"}).json()["data"]
    assert {"name": "Message-ID", "value": "<abc@example.org>"} in full["headers"]
    basic = api.get(url(grant, f"messages/{stored['id']}"), params={"fields": "include_basic_headers"}).json()["data"]
    assert [h["name"] for h in basic["headers"]] == ["Message-ID"]
    folder = api.post(url(grant, "folders"), json={"name": "Clients"}).json()["data"]
    r = api.put(
        url(grant, f"messages/{stored['id']}"),
        json={"folders": [folder["id"], "archive"], "metadata": {"key1": "conversation-7"}},
    )
    assert r.json()["data"]["folders"] == [folder["id"], "archive"]
    assert [m["id"] for m in api.get(url(grant, "messages"), params={"in": folder["id"]}).json()["data"]] == [
        stored["id"]
    ]
    assert api.get(url(grant, "messages"), params={"in": "inbox"}).json()["data"] == []
    assert api.get(url(grant, "messages"), params={"metadata_pair": "key1:conversation-7"}).json()["data"]
    assert api.put(url(grant, f"messages/{stored['id']}"), json={"folders": ["nope"]}).status_code == 400
    assert api.put(url(grant, f"messages/{stored['id']}"), json={"unread": "yes"}).status_code == 400
    r = api.delete(url(grant, f"messages/{stored['id']}"))
    assert r.status_code == 200
    assert set(r.json()) == {"request_id"}
    assert api.get(url(grant, f"messages/{stored['id']}")).json()["data"]["folders"] == ["trash"]
    api.delete(url(grant, f"messages/{stored['id']}"))  # deleting from the trash removes it for good
    missing = api.get(url(grant, f"messages/{stored['id']}"))
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "not_found_error"


def test_send_json_with_attachment_and_reply_threading(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    inbound = deliver(account_server, grant, "dana@example.org", "Planning", Message_ID="<orig@example.org>")
    content = b"BEGIN:VCARD\r\nEND:VCARD\r\n"
    r = api.post(
        url(grant, "messages/send"),
        json={
            "to": [{"email": "dana@example.org", "name": "Dana"}],
            "subject": "Re: Planning",
            "body": "<p>Here is my card.</p>",
            "reply_to_message_id": inbound["id"],
            "attachments": [
                {"filename": "me.vcf", "content_type": "text/vcard", "content": base64.b64encode(content).decode()}
            ],
            "metadata": {"key2": "sent-by-agent"},
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["grant_id"] == grant["id"]
    sent = body["data"]
    assert sent["thread_id"] == inbound["thread_id"]
    assert sent["from"] == [{"name": "Agent", "email": AGENT}]
    assert sent["metadata"] == {"key2": "sent-by-agent"}
    [attachment] = sent["attachments"]
    assert attachment["filename"] == "me.vcf"
    raw = api.get(url(grant, f"messages/{sent['id']}"), params={"fields": "raw_mime"}).json()["data"]["raw_mime"]
    mime = message_from_bytes(base64.urlsafe_b64decode(raw), policy=policy.default)
    assert mime["In-Reply-To"] == "<orig@example.org>"
    assert mime["References"] == "<orig@example.org>"
    assert mime["Message-ID"].endswith("@localhost>")
    assert mime.get_body(("html",)).get_content().strip() == "<p>Here is my card.</p>"
    download = api.get(url(grant, f"attachments/{attachment['id']}/download"), params={"message_id": sent["id"]})
    assert download.content == content


@pytest.mark.parametrize(
    "payload",
    [
        {"subject": "no recipients"},
        {"to": [{"email": "not an address"}]},
        {"to": "dana@example.org"},
        {"to": [{"email": "dana@example.org"}], "custom_headers": [{"name": "X-Ok", "value": "a\r\nBcc: evil@x"}]},
        {"to": [{"email": "dana@example.org"}], "custom_headers": [{"name": "From", "value": "ceo@bank.example"}]},
        {"to": [{"email": "dana@example.org"}], "reply_to_message_id": 7},
        {"to": [{"email": "dana@example.org"}], "subject": "line\r\nbreak"},
    ],
)
def test_send_rejects_bad_payloads(api: httpx.Client, grant: dict, payload: dict) -> None:
    r = api.post(url(grant, "messages/send"), json=payload)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["type"] == "invalid_request_error"


def test_send_cannot_spoof_another_sender(api: httpx.Client, grant: dict) -> None:
    r = api.post(
        url(grant, "messages/send"),
        json={"to": [{"email": "dana@example.org"}], "from": [{"email": "ceo@bank.example"}]},
    )
    assert r.status_code == 403


def test_send_multipart_like_the_sdk(api: httpx.Client, grant: dict) -> None:
    message = {"to": [{"email": "dana@example.org"}], "subject": "Files", "body": "two files", "is_plaintext": True}
    blob = bytes(range(256)) * 16
    files = [
        ("message", ("", json.dumps(message), "application/json")),
        ("file0", ("blob.bin", blob, "application/octet-stream")),
        ("logo123", ("logo.png", b"\x89PNG\r\n\x1a\nfake", "image/png")),
    ]
    r = api.post(url(grant, "messages/send"), files=files)
    assert r.status_code == 200, r.text
    sent = r.json()["data"]
    assert sent["body"].strip() == "two files"
    by_name = {a["filename"]: a for a in sent["attachments"]}
    assert by_name["blob.bin"]["size"] == len(blob)
    assert by_name["logo.png"]["content_id"] == "logo123"
    assert by_name["logo.png"]["is_inline"] is True
    got = api.get(url(grant, f"attachments/{by_name['blob.bin']['id']}/download"), params={"message_id": sent["id"]})
    assert got.content == blob
    assert api.post(url(grant, "messages/send"), files=[("file0", ("a.txt", b"x", "text/plain"))]).status_code == 400


def test_idempotency_key_replays_and_conflicts(api: httpx.Client, grant: dict) -> None:
    payload = {"to": [{"email": "dana@example.org"}], "subject": "Once", "body": "only once"}
    first = api.post(url(grant, "messages/send"), json=payload, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 200
    assert "idempotent-response" not in first.headers
    again = api.post(url(grant, "messages/send"), json=payload, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 200
    assert again.headers["Idempotent-Response"] == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert len(api.get(url(grant, "messages"), params={"in": "sent"}).json()["data"]) == 1
    changed = api.post(
        url(grant, "messages/send"), json={**payload, "body": "other"}, headers={"Idempotency-Key": "k-1"}
    )
    assert changed.status_code == 409
    assert changed.json()["error"]["type"] == "api.invalid_idempotent_request"
    # Errors are cached too, and a new key sends again.
    bad = {"subject": "no recipient"}
    assert api.post(url(grant, "messages/send"), json=bad, headers={"Idempotency-Key": "k-2"}).status_code == 400
    replay = api.post(url(grant, "messages/send"), json=bad, headers={"Idempotency-Key": "k-2"})
    assert replay.status_code == 400
    assert replay.headers["Idempotent-Response"] == "true"
    assert api.post(url(grant, "messages/send"), json=payload, headers={"Idempotency-Key": "k-3"}).status_code == 200
    assert len(api.get(url(grant, "messages"), params={"in": "sent"}).json()["data"]) == 2
    too_long = api.post(url(grant, "messages/send"), json=payload, headers={"Idempotency-Key": "x" * 300})
    assert too_long.json()["error"]["type"] == "api.invalid_idempotency_key"


def test_threads_list_update_and_delete(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    first = deliver(account_server, grant, "dana@example.org", "Offsite", Message_ID="<t1@example.org>")
    second = deliver(account_server, grant, "dana@example.org", "Re: Offsite", In_Reply_To="<t1@example.org>")
    for i in range(22):
        deliver(account_server, grant, f"n{i}@example.org", f"Noise {i}")
    assert second["thread_id"] == first["thread_id"]
    page = api.get(url(grant, "threads")).json()
    assert len(page["data"]) == 20  # v3 default for threads
    assert page["next_cursor"]
    assert len(api.get(url(grant, "threads"), params={"limit": 200}).json()["data"]) == 23  # max is 50
    [thread] = api.get(url(grant, "threads"), params={"from": "dana@example.org"}).json()["data"]
    assert thread["message_ids"] == [first["id"], second["id"]]
    assert thread["participants"][0]["email"] == "dana@example.org"
    for key in ("has_drafts", "starred", "unread", "folders", "latest_draft_or_message", "earliest_message_date"):
        assert key in thread
    updated = api.put(url(grant, f"threads/{thread['id']}"), json={"unread": False, "folders": ["archive"]}).json()
    assert updated["data"]["unread"] is False
    assert updated["data"]["folders"] == ["archive"]
    assert api.get(url(grant, "threads"), params={"unread": "false"}).json()["data"][0]["id"] == thread["id"]
    assert api.delete(url(grant, f"threads/{thread['id']}")).status_code == 200
    assert api.get(url(grant, f"messages/{first['id']}")).json()["data"]["folders"] == ["trash"]
    assert api.get(url(grant, "threads/nope")).status_code == 404


def test_folders_crud(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    names = [f["id"] for f in api.get(url(grant, "folders")).json()["data"]]
    assert names == ["inbox", "sent", "drafts", "trash", "junk", "archive"]
    deliver(account_server, grant, "dana@example.org", "Counted")
    inbox = api.get(url(grant, "folders/inbox")).json()["data"]
    assert (inbox["total_count"], inbox["unread_count"], inbox["system_folder"]) == (1, 1, True)
    parent = api.post(url(grant, "folders"), json={"name": "Clients", "text_color": "#000000"}).json()["data"]
    child = api.post(url(grant, "folders"), json={"name": "Acme", "parent_id": parent["id"]}).json()["data"]
    assert child["parent_id"] == parent["id"]
    assert api.get(url(grant, f"folders/{parent['id']}")).json()["data"]["child_count"] == 1
    assert api.post(url(grant, "folders"), json={"name": "clients"}).status_code == 409
    assert api.post(url(grant, "folders"), json={"name": ""}).status_code == 400
    renamed = api.put(url(grant, f"folders/{child['id']}"), json={"name": "Acme Corp"}).json()["data"]
    assert renamed["name"] == "Acme Corp"
    assert api.put(url(grant, "folders/inbox"), json={"name": "Posteingang"}).status_code == 400
    assert api.delete(url(grant, "folders/trash")).status_code == 400
    assert api.delete(url(grant, f"folders/{parent['id']}")).status_code == 400  # has a child
    message = api.get(url(grant, "messages")).json()["data"][0]
    api.put(url(grant, f"messages/{message['id']}"), json={"folders": [child["id"]]})
    assert api.delete(url(grant, f"folders/{child['id']}")).status_code == 200
    assert api.get(url(grant, f"messages/{message['id']}")).json()["data"]["folders"] == ["archive"]
    assert api.get(url(grant, f"folders/{child['id']}")).status_code == 404


def test_drafts_create_update_send(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    inbound = deliver(account_server, grant, "dana@example.org", "Agenda", Message_ID="<agenda@example.org>")
    created = api.post(
        url(grant, "drafts"),
        json={"subject": "Re: Agenda", "body": "<p>draft</p>", "reply_to_message_id": inbound["id"]},
    )
    assert created.status_code == 200, created.text
    draft = created.json()["data"]
    assert draft["object"] == "draft"
    assert draft["thread_id"] == inbound["thread_id"]
    assert draft["folders"] == ["drafts"]
    assert api.get(url(grant, "messages")).json()["data"][0]["id"] == inbound["id"]  # drafts stay out
    thread = api.get(url(grant, f"threads/{inbound['thread_id']}")).json()["data"]
    assert thread["draft_ids"] == [draft["id"]]
    assert thread["has_drafts"] is True
    assert api.post(url(grant, f"drafts/{draft['id']}")).status_code == 400  # no recipients yet
    updated = api.put(url(grant, f"drafts/{draft['id']}"), json={"to": [{"email": "dana@example.org"}]}).json()
    assert updated["data"]["id"] == draft["id"]
    assert updated["data"]["body"] == "<p>draft</p>"
    assert [d["id"] for d in api.get(url(grant, "drafts")).json()["data"]] == [draft["id"]]
    sent = api.post(url(grant, f"drafts/{draft['id']}"))
    assert sent.status_code == 200, sent.text
    message = sent.json()["data"]
    assert message["object"] == "message"
    assert message["folders"] == ["sent"]
    assert message["thread_id"] == inbound["thread_id"]
    assert api.get(url(grant, f"drafts/{draft['id']}")).status_code == 404
    headers = api.get(url(grant, f"messages/{message['id']}"), params={"fields": "include_basic_headers"})
    assert {"name": "In-Reply-To", "value": "<agenda@example.org>"} in headers.json()["data"]["headers"]
    other = api.post(url(grant, "drafts"), json={"subject": "scratch"}).json()["data"]
    assert api.delete(url(grant, f"drafts/{other['id']}")).status_code == 200
    assert api.get(url(grant, "drafts")).json()["data"] == []


def test_new_grant_has_an_empty_mailbox_and_deleting_it_removes_its_mail(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    deliver(account_server, grant, "dana@example.org", "Bye")
    assert api.delete(f"/v3/grants/{grant['id']}").status_code == 200
    left = account_server.db.one("SELECT count(*) AS n FROM mail_messages WHERE grant_id = ?", (grant["id"],))
    assert left is not None
    assert left["n"] == 0
    assert api.get(url(grant, "messages")).status_code == 404


def test_send_refused_by_policy_stores_nothing(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    class Quota(AllowAll):
        def check_send(
            self, conn: sqlite3.Connection, grant: JSONDict, recipients: list[str], *, reply: bool = False
        ) -> None:
            raise ApiError(429, "rate_limit_error", f"daily send limit reached ({len(recipients)} recipients)")

    account_server.ctx.policy = Quota()
    r = api.post(url(grant, "messages/send"), json={"to": [{"email": "dana@example.org"}], "subject": "x"})
    assert r.status_code == 429
    assert r.json()["error"]["type"] == "rate_limit_error"
    assert api.get(url(grant, "messages"), params={"in": "sent"}).json()["data"] == []
    assert api.get(url(grant, "outbox")).json()["data"] == []


def test_a_second_copy_of_a_message_joins_the_first_ones_thread(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    first = deliver(account_server, grant, "dana@example.org", "Retry", Message_ID="<same@example.org>")
    again = deliver(account_server, grant, "dana@example.org", "Retry", Message_ID="<same@example.org>")
    assert again["thread_id"] == first["thread_id"]
    to_self = api.post(url(grant, "messages/send"), json={"to": [{"email": AGENT}], "subject": "Note to self"}).json()
    [inbox_copy] = api.get(url(grant, "messages"), params={"subject": "Note to self", "in": "inbox"}).json()["data"]
    assert inbox_copy["thread_id"] == to_self["data"]["thread_id"]


def test_an_account_name_with_line_breaks_becomes_a_one_line_sender(api: httpx.Client) -> None:
    body = {"provider": "nylas", "name": "Sched\r\nBcc: spy@evil.example", "settings": {"email": "s@example.com"}}
    grant = api.post("/v3/connect/custom", json=body).json()["data"]
    r = api.post(url(grant, "messages/send"), json={"to": [{"email": "dana@example.org"}], "subject": "hi"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["from"] == [{"name": "Sched Bcc: spy@evil.example", "email": "s@example.com"}]
    assert r.json()["data"]["bcc"] == []


def test_mail_changes_are_notified(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    seen: list[tuple[str, str]] = []
    account_server.ctx.notifiers.append(lambda grant_id, trigger, obj: seen.append((trigger, obj["id"])))
    first = deliver(account_server, grant, "dana@example.org", "Ping", Message_ID="<n1@example.org>")
    second = deliver(account_server, grant, "dana@example.org", "Re: Ping", In_Reply_To="<n1@example.org>")
    sent = api.post(url(grant, "messages/send"), json={"to": [{"email": "dana@example.org"}], "subject": "x"}).json()
    assert seen == [
        ("message.created", first["id"]),
        ("message.created", second["id"]),
        ("message.created", sent["data"]["id"]),
    ]
    seen.clear()
    api.put(url(grant, f"threads/{first['thread_id']}"), json={"starred": True})
    assert sorted(seen) == sorted([("message.updated", first["id"]), ("message.updated", second["id"])])
    seen.clear()
    api.delete(url(grant, f"messages/{first['id']}"))
    api.delete(url(grant, f"messages/{first['id']}"))
    assert seen == [("message.updated", first["id"]), ("message.deleted", first["id"])]
