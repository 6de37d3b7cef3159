"""The official `nylas` Python SDK drives the mail endpoints over TCP: every field it requires is there."""

from __future__ import annotations

import io
import smtplib
from email.message import EmailMessage
from typing import Any

import pytest

from scheduler_agent.account_server.server import AccountServer

nylas = pytest.importorskip("nylas")

AGENT = "agent@example.com"


@pytest.fixture
def sdk(http_server: str) -> Any:
    return nylas.Client(api_key="test-key-0123456789", api_uri=http_server, timeout=10)


@pytest.fixture
def received(account_server: AccountServer, grant: dict) -> None:
    """Two messages with an attachment, delivered over real SMTP."""
    address = account_server.start_smtp("127.0.0.1", 0)
    for n in range(2):
        msg = EmailMessage()
        msg["From"] = "Dana <dana@example.org>"
        msg["To"] = AGENT
        msg["Subject"] = f"Question {n}"
        msg.set_content(f"body {n}")
        msg.add_attachment(b"%PDF-1.4 " + bytes([n]) * 64, maintype="application", subtype="pdf", filename=f"q{n}.pdf")
        with smtplib.SMTP(*address, timeout=10) as client:
            client.send_message(msg)


def test_messages_list_find_update_destroy(sdk: Any, grant: dict, received: None) -> None:
    listed = sdk.messages.list(grant["id"], query_params={"limit": 1, "in": "inbox", "unread": True})
    assert len(listed.data) == 1
    assert listed.next_cursor
    page2 = sdk.messages.list(grant["id"], query_params={"limit": 1, "page_token": listed.next_cursor})
    assert page2.data[0].id != listed.data[0].id
    message = sdk.messages.find(grant["id"], listed.data[0].id).data
    assert message.subject == "Question 1"
    assert message.from_[0]["email"] == "dana@example.org"
    assert message.unread is True
    updated = sdk.messages.update(grant["id"], message.id, {"unread": False, "starred": True}).data
    assert (updated.unread, updated.starred) == (False, True)
    sdk.messages.destroy(grant["id"], message.id)
    assert sdk.messages.find(grant["id"], message.id).data.folders == ["trash"]
    with pytest.raises(nylas.models.errors.NylasApiError) as info:
        sdk.messages.find(grant["id"], "no-such-message")
    assert info.value.status_code == 404


def test_messages_send_and_threads(sdk: Any, grant: dict, received: None) -> None:
    inbound = sdk.messages.list(grant["id"], query_params={"subject": "Question 0"}).data[0]
    sent = sdk.messages.send(
        grant["id"],
        {
            "to": [{"email": "dana@example.org", "name": "Dana"}],
            "subject": "Re: Question 0",
            "body": "<p>Answer</p>",
            "reply_to_message_id": inbound.id,
            "attachments": [{"filename": "a.txt", "content_type": "text/plain", "content": "aGVsbG8=", "size": 5}],
        },
    ).data
    assert sent.thread_id == inbound.thread_id
    assert sent.attachments[0].filename == "a.txt"
    threads = sdk.threads.list(grant["id"], query_params={"limit": 5}).data
    assert inbound.thread_id in [t.id for t in threads]
    thread = sdk.threads.find(grant["id"], inbound.thread_id).data
    assert thread.message_ids == [inbound.id, sent.id]
    assert thread.latest_draft_or_message.id == sent.id
    updated = sdk.threads.update(grant["id"], thread.id, {"starred": True}).data
    assert updated.starred is True
    sdk.threads.destroy(grant["id"], thread.id)
    assert sdk.messages.find(grant["id"], inbound.id).data.folders == ["trash"]


def test_folders_crud(sdk: Any, grant: dict) -> None:
    names = [f.name for f in sdk.folders.list(grant["id"]).data]
    assert names == ["inbox", "sent", "drafts", "trash", "junk", "archive"]
    created = sdk.folders.create(grant["id"], {"name": "Receipts"}).data
    assert sdk.folders.find(grant["id"], created.id).data.name == "Receipts"
    assert sdk.folders.update(grant["id"], created.id, {"name": "Invoices"}).data.name == "Invoices"
    sdk.folders.destroy(grant["id"], created.id)
    assert created.id not in [f.id for f in sdk.folders.list(grant["id"]).data]


def test_attachments_find_and_download(sdk: Any, grant: dict, received: None) -> None:
    message = sdk.messages.list(grant["id"], query_params={"subject": "Question 1"}).data[0]
    attachment = message.attachments[0]
    found = sdk.attachments.find(grant["id"], attachment.id, {"message_id": message.id}).data
    assert found.filename == "q1.pdf"
    assert found.size == 73
    data = sdk.attachments.download_bytes(grant["id"], attachment.id, {"message_id": message.id})
    assert data == b"%PDF-1.4 " + bytes([1]) * 64


def test_drafts_create_and_send(sdk: Any, grant: dict) -> None:
    draft = sdk.drafts.create(
        grant["id"], {"to": [{"email": "dana@example.org"}], "subject": "Draft", "body": "<p>later</p>"}
    ).data
    assert draft.id
    assert sdk.drafts.find(grant["id"], draft.id).data.subject == "Draft"
    sent = sdk.drafts.send(grant["id"], draft.id).data
    assert sent.subject == "Draft"
    assert sent.folders == ["sent"]
    assert sdk.drafts.list(grant["id"]).data == []


def test_large_attachment_goes_multipart_and_arrives_intact(sdk: Any, grant: dict) -> None:
    blob = bytes(range(256)) * (13 * 1024)  # 3.25 MiB: the SDK switches to multipart/form-data
    sent = sdk.messages.send(
        grant["id"],
        {
            "to": [{"email": "dana@example.org"}],
            "subject": "Big file",
            "body": "attached",
            "attachments": [
                {
                    "filename": "big.bin",
                    "content_type": "application/octet-stream",
                    "content": io.BytesIO(blob),
                    "size": len(blob),
                }
            ],
        },
    ).data
    [attachment] = sent.attachments
    assert attachment.size == len(blob)
    assert sdk.attachments.download_bytes(grant["id"], attachment.id, {"message_id": sent.id}) == blob


def test_send_raw_mime(sdk: Any, grant: dict, account_server: AccountServer) -> None:
    mime = (
        f"From: Agent <{AGENT}>\r\nTo: dana@example.org\r\nSubject: Raw\r\nImportance: high\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nbuilt by hand\r\n"
    )
    sent = sdk.messages.send_raw_mime(grant["id"], {"mime": mime}).data
    assert sent.subject == "Raw"
    assert sent.folders == ["sent"]
    headers = sdk.messages.find(grant["id"], sent.id, {"fields": "include_headers"}).data.headers
    assert {"name": "Importance", "value": "high"} in [{"name": h.name, "value": h.value} for h in headers]
    [queued] = account_server.db.query("SELECT recipients FROM mail_outbox")
    assert queued["recipients"] == '["dana@example.org"]'
    spoof = "From: ceo@bank.example\r\nTo: dana@example.org\r\nSubject: x\r\n\r\nx\r\n"
    with pytest.raises(nylas.models.errors.NylasApiError) as info:
        sdk.messages.send_raw_mime(grant["id"], {"mime": spoof})
    assert info.value.status_code == 403
