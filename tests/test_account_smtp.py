"""Mail in and out of the account server over real SMTP on loopback: ingress, local delivery, smarthost, outbox."""

from __future__ import annotations

import base64
import smtplib
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
import pytest

from scheduler_agent.account_server.context import AllowAll, InboundVerdict, JSONDict
from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.account_server.smtp_in import header_section
from scheduler_agent.clock import FixedClock

if TYPE_CHECKING:  # a fixture type only: importing conftest by name at run time hits tests/scenarios/conftest.py
    from conftest import SmtpCapture

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
AGENT = "agent@example.com"
T = TypeVar("T")


@pytest.fixture
def smtp(account_server: AccountServer) -> tuple[str, int]:
    return account_server.start_smtp("127.0.0.1", 0)


def send_raw(address: tuple[str, int], raw: bytes, to: list[str], sender: str = "someone@example.org") -> None:
    with smtplib.SMTP(*address, timeout=10) as client:
        client.sendmail(sender, to, raw)


def wait_until(probe: Callable[[], T], timeout: float = 10.0) -> T:
    """Poll `probe` until it returns something truthy (the delivery worker runs on its own thread)."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)
    return value


def inbox(api: httpx.Client, grant: dict, **params: object) -> list[dict]:
    r = api.get(f"/v3/grants/{grant['id']}/messages", params={"in": "inbox", **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_plain_mail_with_attachment_arrives_unread_in_the_inbox(
    api: httpx.Client, grant: dict, smtp: tuple[str, int]
) -> None:
    msg = EmailMessage()
    msg["From"] = "Dana Smith <dana@example.org>"
    msg["To"] = f"Agent <{AGENT}>"
    msg["Cc"] = "bo@example.net"
    msg["Subject"] = "Lunch next week?"
    msg.set_content("Can we find 30 min next week?\nThanks, Dana")
    payload = bytes(range(256)) * 40
    msg.add_attachment(payload, maintype="application", subtype="zip", filename="notes.zip")
    with smtplib.SMTP(*smtp, timeout=10) as client:
        client.send_message(msg)

    [message] = inbox(api, grant)
    assert message["unread"] is True
    assert message["folders"] == ["inbox"]
    assert message["from"] == [{"name": "Dana Smith", "email": "dana@example.org"}]
    assert message["to"] == [{"name": "Agent", "email": AGENT}]
    assert message["cc"] == [{"name": "", "email": "bo@example.net"}]
    assert message["subject"] == "Lunch next week?"
    assert message["body"] == "Can we find 30 min next week?\nThanks, Dana\n"
    assert message["snippet"].startswith("Can we find 30 min next week? Thanks, Dana")
    assert message["thread_id"]
    [attachment] = message["attachments"]
    assert attachment["filename"] == "notes.zip"
    assert attachment["content_type"] == "application/zip"
    assert attachment["size"] == len(payload)
    r = api.get(
        f"/v3/grants/{grant['id']}/attachments/{attachment['id']}/download", params={"message_id": message["id"]}
    )
    assert r.status_code == 200
    assert r.content == payload
    meta = api.get(f"/v3/grants/{grant['id']}/attachments/{attachment['id']}", params={"message_id": message["id"]})
    assert meta.json()["data"]["size"] == len(payload)
    assert api.get(f"/v3/grants/{grant['id']}/attachments/{attachment['id']}").status_code == 400


def test_html_only_quoted_printable_with_encoded_subject(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    send_raw(smtp, (FIXTURES / "html_only_qp.eml").read_bytes(), [AGENT])
    [message] = inbox(api, grant)
    assert message["subject"] == "Réunion de planificación 📅"
    assert message["from"] == [{"name": "José Pérez", "email": "jose@example.org"}]
    assert "<p>¿Podemos vernos el martes a las 10? Café incluido.</p>" in message["body"]
    assert message["snippet"].startswith("¿Podemos vernos el martes a las 10? Café incluido. Saludos, José")
    assert "color" not in message["snippet"]
    assert "parse_errors" not in message


def test_base64_body_latin1_subject_and_pdf_attachment(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    send_raw(smtp, (FIXTURES / "base64_attachment.eml").read_bytes(), [AGENT])
    [message] = inbox(api, grant)
    assert message["subject"] == "Grüße"
    assert message["body"] == "Grüße aus München — can we meet Thursday?\n"
    assert message["cc"] == [{"name": "Ann", "email": "ann@example.net"}]
    [pdf] = message["attachments"]
    assert pdf["filename"] == "agenda.pdf"
    data = api.get(
        f"/v3/grants/{grant['id']}/attachments/{pdf['id']}/download", params={"message_id": message["id"]}
    ).content
    assert data == bytes(range(256)) * 4


def test_unknown_recipient_gets_550_and_nothing_is_relayed(
    api: httpx.Client, grant: dict, smtp: tuple[str, int]
) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as info:
        send_raw(smtp, b"Subject: relay?\r\n\r\nhi\r\n", ["victim@elsewhere.example"])
    code, text = info.value.recipients["victim@elsewhere.example"]
    assert code == 550
    assert text.startswith(b"5.1.1")
    # One good and one bad recipient: the good one still gets it.
    with smtplib.SMTP(*smtp, timeout=10) as client:
        refused = client.sendmail("x@example.org", [AGENT, "nobody@example.com"], b"Subject: mixed\r\n\r\nhi\r\n")
    assert refused["nobody@example.com"][0] == 550
    assert [m["subject"] for m in inbox(api, grant)] == ["mixed"]


def test_oversize_mail_gets_552(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    class SmallLimit(AllowAll):
        def max_message_bytes(self, grant: JSONDict) -> int | None:
            return 2000

    account_server.ctx.policy = SmallLimit()
    address = account_server.start_smtp("127.0.0.1", 0)
    with pytest.raises(smtplib.SMTPDataError) as info:
        send_raw(address, b"Subject: big\r\n\r\n" + (b"x" * 70 + b"\r\n") * 50, [AGENT])
    assert info.value.smtp_code == 552
    send_raw(address, b"Subject: small\r\n\r\nfits\r\n", [AGENT])
    assert [m["subject"] for m in inbox(api, grant)] == ["small"]


def test_malformed_mime_is_stored_and_flagged(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    send_raw(smtp, (FIXTURES / "malformed.eml").read_bytes(), [AGENT])
    [message] = inbox(api, grant)
    assert message["subject"] == "broken mime"
    assert message["parse_errors"], message
    assert message["unread"] is True
    raw = api.get(f"/v3/grants/{grant['id']}/messages/{message['id']}", params={"fields": "raw_mime"}).json()["data"]
    assert set(raw) == {"grant_id", "object", "id", "raw_mime"}
    assert b"NEVER-CLOSED" in base64.urlsafe_b64decode(raw["raw_mime"])


def test_mail_loop_is_refused(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    hops = b"".join(
        b"Received: from hop%d.example by hop%d.example; Mon, 2 Mar 2026 08:00:00 +0000\r\n" % (i, i) for i in range(40)
    )
    with pytest.raises(smtplib.SMTPDataError) as info:
        send_raw(smtp, hops + b"Subject: loop\r\n\r\nagain\r\n", [AGENT])
    assert info.value.smtp_code == 554
    assert inbox(api, grant) == []


def test_blocked_sender_is_refused_at_rcpt(account_server: AccountServer, api: httpx.Client, grant: dict) -> None:
    class BlockSpammer(AllowAll):
        def inbound(self, grant: JSONDict, from_address: str) -> InboundVerdict:
            if from_address.endswith("@spam.example"):
                return InboundVerdict(blocked=True)
            return InboundVerdict(spam=from_address.endswith("@maybe.example"))

    account_server.ctx.policy = BlockSpammer()
    address = account_server.start_smtp("127.0.0.1", 0)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_raw(address, b"Subject: buy\r\n\r\nnow\r\n", [AGENT], sender="x@spam.example")
    send_raw(address, b"Subject: hmm\r\n\r\nmaybe\r\n", [AGENT], sender="y@maybe.example")
    assert inbox(api, grant) == []
    assert [
        m["subject"] for m in api.get(f"/v3/grants/{grant['id']}/messages", params={"in": "junk"}).json()["data"]
    ] == ["hmm"]


def test_reply_to_a_message_the_account_sent_joins_its_thread(
    api: httpx.Client, grant: dict, smtp: tuple[str, int]
) -> None:
    sent = api.post(
        f"/v3/grants/{grant['id']}/messages/send",
        json={
            "to": [{"email": "dana@example.org"}],
            "subject": "Options for Tuesday",
            "body": "<p>10:00 or 14:00?</p>",
        },
    ).json()["data"]
    raw = api.get(f"/v3/grants/{grant['id']}/messages/{sent['id']}", params={"fields": "include_basic_headers"})
    message_id = next(h["value"] for h in raw.json()["data"]["headers"] if h["name"].lower() == "message-id")
    assert message_id.endswith("@localhost>")
    reply = EmailMessage()
    reply["From"] = "dana@example.org"
    reply["To"] = AGENT
    reply["Subject"] = "Re: Options for Tuesday"
    reply["In-Reply-To"] = message_id
    reply["References"] = message_id
    reply.set_content("14:00 works")
    send_raw(smtp, reply.as_bytes(), [AGENT], sender="dana@example.org")
    [received] = inbox(api, grant)
    assert received["thread_id"] == sent["thread_id"]
    thread = api.get(f"/v3/grants/{grant['id']}/threads/{sent['thread_id']}").json()["data"]
    assert thread["message_ids"] == [sent["id"], received["id"]]
    assert thread["unread"] is True
    assert thread["latest_draft_or_message"]["id"] == received["id"]
    assert thread["latest_draft_or_message"]["object"] == "message"
    # A new conversation with a similar subject but other people does not join by subject.
    other = EmailMessage()
    other["From"] = "stranger@example.net"
    other["To"] = AGENT
    other["Subject"] = "Re: Options for Tuesday"
    other.set_content("me too?")
    send_raw(smtp, other.as_bytes(), [AGENT], sender="stranger@example.net")
    newest = inbox(api, grant)[0]
    assert newest["thread_id"] != sent["thread_id"]


def test_subject_fallback_threads_a_reply_without_headers_among_the_same_people(
    api: httpx.Client, grant: dict, smtp: tuple[str, int]
) -> None:
    first = b"From: dana@example.org\r\nTo: agent@example.com\r\nSubject: Budget review\r\n\r\nfirst\r\n"
    second = b"From: dana@example.org\r\nTo: agent@example.com\r\nSubject: RE: budget review\r\n\r\nsecond\r\n"
    send_raw(smtp, first, [AGENT])
    send_raw(smtp, second, [AGENT])
    newer, older = inbox(api, grant)
    assert newer["thread_id"] == older["thread_id"]


def test_local_delivery_between_two_hosted_accounts(api: httpx.Client, grant: dict) -> None:
    other = api.post(
        "/v3/connect/custom", json={"provider": "nylas", "name": "Bea", "settings": {"email": "bea@other.example"}}
    ).json()["data"]
    sent = api.post(
        f"/v3/grants/{grant['id']}/messages/send",
        json={
            "to": [{"email": "BEA@other.example", "name": "Bea"}],
            "bcc": [{"email": "hidden@elsewhere.example"}],
            "subject": "Hello neighbour",
            "body": "Same server, no SMTP hop.",
            "is_plaintext": True,
        },
    ).json()["data"]
    assert sent["folders"] == ["sent"]
    assert sent["bcc"] == [{"name": "", "email": "hidden@elsewhere.example"}]
    [received] = inbox(api, other)
    assert received["subject"] == "Hello neighbour"
    assert received["from"] == [{"name": "Agent", "email": AGENT}]
    assert received["body"].strip() == "Same server, no SMTP hop."
    assert received["bcc"] == []  # Bcc never travels
    assert received["id"] != sent["id"]
    # Bea replies through the API; it threads back into the agent's conversation.
    reply = api.post(
        f"/v3/grants/{other['id']}/messages/send",
        json={
            "to": [{"email": AGENT}],
            "subject": "Re: Hello neighbour",
            "body": "hi!",
            "reply_to_message_id": received["id"],
        },
    ).json()["data"]
    assert reply["thread_id"] == received["thread_id"]
    [back] = inbox(api, grant)
    assert back["thread_id"] == sent["thread_id"]
    # The Bcc recipient is not hosted here, so it waits in the outbox.
    [queued] = api.get(f"/v3/grants/{grant['id']}/outbox").json()["data"]
    assert queued["recipients"] == ["hidden@elsewhere.example"]


def test_remote_mail_goes_to_the_smarthost(
    account_server: AccountServer, api: httpx.Client, grant: dict, smtp_capture: SmtpCapture
) -> None:
    account_server.ctx.smarthost = smtp_capture.address
    account_server.start_smtp("127.0.0.1", 0)
    r = api.post(
        f"/v3/grants/{grant['id']}/messages/send",
        json={
            "to": [{"email": "dana@example.org", "name": "Dana"}],
            "bcc": [{"email": "boss@example.net"}],
            "subject": "Confirmed: Tuesday 14:00",
            "body": "<p>See you <b>then</b>.</p>",
        },
    )
    assert r.status_code == 200
    [delivered] = smtp_capture.wait_for(1)
    assert delivered["Subject"] == "Confirmed: Tuesday 14:00"
    assert delivered["From"] == f"Agent <{AGENT}>"
    assert delivered["Bcc"] is None
    assert delivered.get_body(("html",)).get_content().strip() == "<p>See you <b>then</b>.</p>"
    mail_from, rcpts = smtp_capture.envelopes[0]
    assert mail_from == AGENT
    assert sorted(rcpts) == ["boss@example.net", "dana@example.org"]
    sent = wait_until(lambda: api.get(f"/v3/grants/{grant['id']}/outbox", params={"status": "sent"}).json()["data"])
    assert sent[0]["attempts"] == 1
    assert api.get(f"/v3/grants/{grant['id']}/outbox").json()["data"] == []


def test_without_a_smarthost_mail_waits_in_the_outbox(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    account_server.start_smtp("127.0.0.1", 0)
    sent = api.post(
        f"/v3/grants/{grant['id']}/messages/send",
        json={"to": [{"email": "dana@example.org"}], "subject": "Waiting", "body": "hello"},
    ).json()["data"]
    account_server.ctx.mailer.run_once()  # type: ignore[union-attr]
    [entry] = api.get(f"/v3/grants/{grant['id']}/outbox").json()["data"]
    assert entry["object"] == "outbox"
    assert entry["message_id"] == sent["id"]
    assert entry["status"] == "queued"
    assert entry["recipients"] == ["dana@example.org"]
    assert "smarthost" in entry["last_error"]


@pytest.fixture
def fixed_server(tmp_path: Path) -> Iterator[AccountServer]:
    server = AccountServer(
        tmp_path / "fixed",
        env={"SCHEDULER_AGENT_API_KEY": "k"},
        clock=FixedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
    )
    yield server
    server.stop()


def test_smarthost_failures_are_retried_with_backoff_then_delivered(
    fixed_server: AccountServer, smtp_capture: SmtpCapture
) -> None:
    from scheduler_agent.account_server.delivery import FIRST_RETRY_SECONDS
    from scheduler_agent.account_server.grants import create_grant

    clock = fixed_server.ctx.clock
    assert isinstance(clock, FixedClock)
    grant = create_grant(fixed_server.ctx, {"provider": "nylas", "settings": {"email": AGENT}})
    fixed_server.ctx.smarthost = smtp_capture.address
    smtp_capture.refuse = ["451 4.3.0 greylisted, try later"]
    with httpx.Client(
        transport=httpx.WSGITransport(app=fixed_server.app), base_url="http://t", headers={"Authorization": "Bearer k"}
    ) as api:
        api.post(
            f"/v3/grants/{grant['id']}/messages/send",
            json={"to": [{"email": "dana@example.org"}], "subject": "Retry me", "body": "x"},
        )
        delivery = fixed_server.ctx.mailer
        assert delivery.run_once() == 0  # type: ignore[union-attr]
        [entry] = api.get(f"/v3/grants/{grant['id']}/outbox").json()["data"]
        assert entry["attempts"] == 1
        assert "451" in entry["last_error"]
        assert entry["next_attempt_at"] == int(clock.now().timestamp()) + FIRST_RETRY_SECONDS
        assert delivery.run_once() == 0  # type: ignore[union-attr]  # not due yet
        clock.advance(timedelta(seconds=FIRST_RETRY_SECONDS))
        assert delivery.run_once() == 1  # type: ignore[union-attr]
        assert smtp_capture.wait_for(1)[0]["Subject"] == "Retry me"
        assert api.get(f"/v3/grants/{grant['id']}/outbox").json()["data"] == []


def test_permanent_smarthost_refusal_marks_the_entry_failed_but_keeps_it(
    fixed_server: AccountServer, smtp_capture: SmtpCapture
) -> None:
    from scheduler_agent.account_server.grants import create_grant

    grant = create_grant(fixed_server.ctx, {"provider": "nylas", "settings": {"email": AGENT}})
    fixed_server.ctx.smarthost = smtp_capture.address
    smtp_capture.refuse = ["554 5.7.1 relay denied"]
    with httpx.Client(
        transport=httpx.WSGITransport(app=fixed_server.app), base_url="http://t", headers={"Authorization": "Bearer k"}
    ) as api:
        api.post(
            f"/v3/grants/{grant['id']}/messages/send",
            json={"to": [{"email": "dana@example.org"}], "subject": "Doomed", "body": "x"},
        )
        fixed_server.ctx.mailer.run_once()  # type: ignore[union-attr]
        [entry] = api.get(f"/v3/grants/{grant['id']}/outbox").json()["data"]
        assert entry["status"] == "failed"
        assert "554" in entry["last_error"]


INVITE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    b"UID:abc-123@example.org\r\nDTSTAMP:20260302T080000Z\r\nDTSTART:20260303T140000Z\r\n"
    b"DTEND:20260303T143000Z\r\nSUMMARY:Sync\r\nORGANIZER:mailto:dana@example.org\r\n"
    b"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:agent@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def invitation() -> bytes:
    msg = EmailMessage()
    msg["From"] = "dana@example.org"
    msg["To"] = AGENT
    msg["Subject"] = "Invitation: Sync"
    msg.set_content("You are invited.")
    msg.add_alternative(INVITE, maintype="text", subtype="calendar", params={"method": "REQUEST"})
    return msg.as_bytes()


def test_calendar_parts_go_to_the_calendar_and_the_message_stays(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    calls: list[tuple[str, str, bytes]] = []

    def calendar(conn: sqlite3.Connection, target: JSONDict, message_id: str, ics: bytes) -> str:
        calls.append((target["id"], message_id, ics))
        return "event created"

    account_server.ctx.calendar_inbound = calendar
    send_raw(account_server.start_smtp("127.0.0.1", 0), invitation(), [AGENT], sender="dana@example.org")
    [message] = inbox(api, grant)
    assert calls == [(grant["id"], message["id"], INVITE)]
    [ics] = message["attachments"]
    assert ics["content_type"] == "text/calendar"
    assert ics["filename"] == "invite.ics"
    assert message["body"].strip() == "You are invited."


def test_a_failing_calendar_handler_loses_neither_the_message_nor_its_own_rollback(
    account_server: AccountServer, api: httpx.Client, grant: dict
) -> None:
    def broken(conn: sqlite3.Connection, target: JSONDict, message_id: str, ics: bytes) -> str:
        conn.execute("UPDATE mail_messages SET subject = 'clobbered' WHERE id = ?", (message_id,))
        raise ValueError("bad ICS")

    account_server.ctx.calendar_inbound = broken
    send_raw(account_server.start_smtp("127.0.0.1", 0), invitation(), [AGENT], sender="dana@example.org")
    [message] = inbox(api, grant)
    assert message["subject"] == "Invitation: Sync"


def test_oversized_header_section_gets_552(api: httpx.Client, grant: dict, smtp: tuple[str, int]) -> None:
    headers = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 900) for i in range(400))
    with pytest.raises(smtplib.SMTPDataError) as info:
        send_raw(smtp, headers + b"Subject: fat\r\n\r\nbody\r\n", [AGENT])
    assert info.value.smtp_code == 552
    assert inbox(api, grant) == []


def test_header_section_ends_at_the_first_empty_line_of_either_style() -> None:
    assert header_section(b"A: b\r\nC: d\r\n\r\nbody\r\n\r\nmore") == b"A: b\r\nC: d"
    assert header_section(b"A: b\n\nbody" + b"x\r\n\r\n" * 3) == b"A: b"
    assert header_section(b"no body at all") == b"no body at all"


def test_a_store_failure_for_one_recipient_answers_451_so_the_sender_retries(
    api: httpx.Client, grant: dict, smtp: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from scheduler_agent.account_server import inbound

    other = api.post("/v3/connect/custom", json={"provider": "nylas", "settings": {"email": "bea@example.com"}})
    bea = other.json()["data"]
    real_store = inbound.mail_store.store_message

    def failing_for_bea(conn: sqlite3.Connection, grant_id: str, *args: object, **kwargs: object) -> str:
        if grant_id == bea["id"]:
            raise sqlite3.OperationalError("disk I/O error")
        return real_store(conn, grant_id, *args, **kwargs)  # type: ignore[arg-type]

    raw = b"From: dana@example.org\r\nSubject: Both of you\r\nMessage-ID: <both@example.org>\r\n\r\nhi\r\n"
    monkeypatch.setattr(inbound.mail_store, "store_message", failing_for_bea)
    with pytest.raises(smtplib.SMTPDataError) as info:
        send_raw(smtp, raw, [AGENT, "bea@example.com"])
    assert info.value.smtp_code == 451
    monkeypatch.setattr(inbound.mail_store, "store_message", real_store)
    send_raw(smtp, raw, [AGENT, "bea@example.com"])  # the sender's retry
    assert [m["subject"] for m in inbox(api, bea)] == ["Both of you"]
    copies = inbox(api, grant)
    assert len(copies) == 2
    assert copies[0]["thread_id"] == copies[1]["thread_id"]


def test_concurrent_smtp_sessions_and_api_sends_all_land(
    account_server: AccountServer, api: httpx.Client, grant: dict, smtp: tuple[str, int]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def smtp_client(n: int) -> None:
        with smtplib.SMTP(*smtp, timeout=30) as client:
            for i in range(10):
                client.sendmail(f"c{n}@example.org", [AGENT], f"Subject: s{n}-{i}\r\n\r\nbody\r\n".encode())

    def api_sender(n: int) -> int:
        with httpx.Client(
            transport=httpx.WSGITransport(app=account_server.app),
            base_url="http://t",
            headers={"Authorization": api.headers["Authorization"]},
        ) as client:
            body = {"to": [{"email": AGENT}], "subject": f"api {n}", "body": "x"}
            return client.post(f"/v3/grants/{grant['id']}/messages/send", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        smtp_jobs = [pool.submit(smtp_client, n) for n in range(4)]
        statuses = list(pool.map(api_sender, range(10)))
        for job in smtp_jobs:
            job.result()
    assert statuses == [200] * 10
    total = len(inbox(api, grant, limit=200))
    assert total == 4 * 10 + 10  # SMTP mail plus the local delivery of each API send to itself
    assert len(api.get(f"/v3/grants/{grant['id']}/messages", params={"in": "sent", "limit": 200}).json()["data"]) == 10
