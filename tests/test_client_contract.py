"""Our own v3 client (`NylasApp`, `NylasClient`) against the real account server: app-level calls, calendars,
events and error mapping. Mail is in `test_client_contract_mail.py`.

The scripted tests in `test_nylas_client.py` show the client builds the requests v3 documents; these show
that our server understands them and that the client reads what the server answers, so the two cannot
drift apart. Most tests go in-process through `httpx.WSGITransport`; each area also runs over real TCP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.errors import ApiRejected, ApiUnavailable
from scheduler_agent.models import Interval, Person
from scheduler_agent.nylas import NylasClient
from scheduler_agent.nylas_app import NylasApp
from scheduler_agent.nylas_models import MAX_JSON_ATTACHMENT_BYTES, OutgoingAttachment, all_day, datespan, timespan

if TYPE_CHECKING:  # fixtures come from conftest.py; importing it by name breaks once subdirectories have their own
    from conftest import SmtpCapture, WebhookReceiver

T = TypeVar("T")
START = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)  # a Tuesday, well after the machine's clock


def connect(server: AccountServer, via: str, sleeps: list[float], *, key: str | None = None) -> NylasApp:
    """Our client on `server`: in-process over WSGI, or over a real loopback socket (started on first use)."""
    api_key = server.api_key if key is None else key
    if via == "tcp":
        host, port = server.http_address or server.start_http("127.0.0.1", 0)
        return NylasApp.connect(f"http://{host}:{port}", api_key, timeout=10, sleep=sleeps.append)
    transport = httpx.WSGITransport(app=server.app)
    return NylasApp.connect("http://account.test", api_key, transport=transport, sleep=sleeps.append)


def eventually(probe: Callable[[], T], timeout: float = 10.0) -> T:
    """The first truthy value of `probe`; background work (delivery, webhooks) lands within moments."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)
    return value


@pytest.fixture
def sleeps() -> list[float]:
    """Every back-off the client asked for; no test really waits."""
    return []


@pytest.fixture
def app(request: pytest.FixtureRequest, account_server: AccountServer, sleeps: list[float]) -> Iterator[NylasApp]:
    """Our app-level client; `@pytest.mark.parametrize("app", ["tcp"], indirect=True)` puts it on a socket."""
    with connect(account_server, getattr(request, "param", "wsgi"), sleeps) as client:
        yield client


@pytest.fixture
def agent(app: NylasApp) -> NylasClient:
    return app.grant(app.create_account("agent@example.com", name="Agent")["id"])


@pytest.fixture
def dana(app: NylasApp) -> NylasClient:
    return app.grant(app.create_account("dana@example.com", name="Dana")["id"])


# -- app level ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_accounts_are_created_paged_by_offset_updated_and_deleted(app: NylasApp) -> None:
    workspace = app.workspaces.create({"name": "Agents", "domain": "agents.example"})
    made = [app.create_account(f"a{n}@example.com", name=f"Agent {n}") for n in range(4)]
    placed = app.create_account("b@agents.example", workspace_id=workspace["workspace_id"])
    assert [(g["provider"], g["email"], g["name"]) for g in made[:2]] == [
        ("nylas", "a0@example.com", "Agent 0"),
        ("nylas", "a1@example.com", "Agent 1"),
    ]
    assert placed["workspace_id"] == workspace["workspace_id"]

    before = app.request_count
    listed = list(app.grants.list(limit=2))
    assert app.request_count - before == 3  # offsets 0, 2, 4; the short third page is the last
    assert len(listed) == 5  # no grant twice, none skipped across the page seams
    assert {g["id"] for g in listed} == {g["id"] for g in [*made, placed]}
    assert [g["id"] for g in app.grants.list(limit=2, max_items=3)] == [g["id"] for g in listed[:3]]
    assert [g["id"] for g in app.grants.list(email="a2@example.com")] == [made[2]["id"]]

    assert app.grants.get(made[1]["id"])["email"] == "a1@example.com"
    renamed = app.grants.update(made[1]["id"], {"name": "Scheduler"})
    assert (renamed["id"], renamed["name"]) == (made[1]["id"], "Scheduler")
    assert app.grants.get(made[1]["id"])["name"] == "Scheduler"
    app.grants.delete(made[1]["id"])
    with pytest.raises(ApiRejected) as info:
        app.grants.get(made[1]["id"])
    assert info.value.status == 404
    assert sorted(g["email"] for g in app.grants.list()) == [
        "a0@example.com",
        "a2@example.com",
        "a3@example.com",
        "b@agents.example",
    ]


def test_a_duplicate_account_is_refused(app: NylasApp) -> None:
    app.create_account("agent@example.com")
    with pytest.raises(ApiRejected) as info:
        app.create_account("Agent@Example.com")
    assert info.value.status in (400, 409)
    assert info.value.request_id
    assert [g["email"] for g in app.grants.list()] == ["agent@example.com"]


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_webhooks_crud_and_secret_rotation(
    app: NylasApp, account_server: AccountServer, webhook_receiver: WebhookReceiver
) -> None:
    account_server.ctx.webhook_backoff_seconds = 0.05
    hook = app.webhooks.create({"trigger_types": ["grant.updated"], "webhook_url": webhook_receiver.url})
    assert len(webhook_receiver.challenges) == 1  # the URL was verified before it was stored
    assert webhook_receiver.challenges[0]
    assert (hook["webhook_url"], hook["status"], hook["trigger_types"]) == (
        webhook_receiver.url,
        "active",
        ["grant.updated"],
    )
    assert hook["webhook_secret"]
    assert [h["id"] for h in app.webhooks.list()] == [hook["id"]]
    assert app.webhooks.get(hook["id"])["webhook_url"] == webhook_receiver.url
    assert "webhook_secret" not in app.webhooks.get(hook["id"])  # shown only on create and rotate

    updated = app.webhooks.update(hook["id"], {"description": "agent"})
    assert (updated["description"], updated["trigger_types"]) == ("agent", ["grant.updated"])
    rotated = app.webhooks.rotate_secret(hook["id"])
    assert rotated["id"] == hook["id"]
    assert rotated["webhook_secret"] not in ("", hook["webhook_secret"])

    grant = app.create_account("agent@example.com")
    app.grants.update(grant["id"], {"name": "Signed"})
    headers, body = webhook_receiver.wait_for(1)[0]
    assert (
        headers["x-nylas-signature"] == hmac.new(rotated["webhook_secret"].encode(), body, hashlib.sha256).hexdigest()
    )
    notification = json.loads(body)
    assert notification["type"] == "grant.updated"
    assert notification["data"]["object"]["id"] == grant["id"]

    app.webhooks.delete(hook["id"])
    with pytest.raises(ApiRejected) as info:
        app.webhooks.get(hook["id"])
    assert info.value.status == 404
    assert list(app.webhooks.list()) == []


def test_a_webhook_whose_url_fails_the_challenge_is_refused(app: NylasApp, webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.echo_challenge = False
    with pytest.raises(ApiRejected) as info:
        app.webhooks.create({"trigger_types": ["message.created"], "webhook_url": webhook_receiver.url})
    assert info.value.status == 400
    assert "challenge" in info.value.message
    assert list(app.webhooks.list()) == []


def test_policies_crud(app: NylasApp) -> None:
    made = app.policies.create({"name": "Agents", "limits": {"limit_count_daily_message_per_grant": 100}})
    assert made["limits"]["limit_count_daily_message_per_grant"] == 100
    assert [p["id"] for p in app.policies.list()] == [made["id"]]
    assert app.policies.get(made["id"])["name"] == "Agents"
    updated = app.policies.update(made["id"], {"name": "Agents v2", "limits": {"limit_size_total_mime": 1_000_000}})
    assert updated["name"] == "Agents v2"
    assert updated["limits"].get("limit_count_daily_message_per_grant") is None  # nested objects replace wholesale
    assert updated["limits"]["limit_size_total_mime"] == 1_000_000
    app.policies.delete(made["id"])
    assert list(app.policies.list()) == []


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_lists_items_and_rules(app: NylasApp) -> None:
    blocked = app.lists.create({"name": "Blocked", "type": "domain"})
    assert (blocked["type"], blocked["items_count"]) == ("domain", 0)
    assert app.lists.add_items(blocked["id"], ["Spam.Example", "junk.example", "spam.example"])["items_count"] == 2
    assert sorted(i["value"] for i in app.lists.items(blocked["id"], limit=1)) == ["junk.example", "spam.example"]
    assert app.lists.remove_items(blocked["id"], ["junk.example", "never.example"])["items_count"] == 1
    assert [i["value"] for i in app.lists.items(blocked["id"])] == ["spam.example"]
    assert app.lists.update(blocked["id"], {"description": "no thanks"})["description"] == "no thanks"
    assert app.lists.get(blocked["id"])["items_count"] == 1
    assert [x["id"] for x in app.lists.list()] == [blocked["id"]]

    rule = app.rules.create(
        {
            "name": "Block listed domains",
            "priority": 5,
            "match": {"conditions": [{"field": "from.domain", "operator": "in_list", "value": [blocked["id"]]}]},
            "actions": [{"type": "block"}],
        }
    )
    assert (rule["priority"], rule["enabled"], rule["match"]["conditions"][0]["value"]) == (5, True, [blocked["id"]])
    assert app.rules.get(rule["id"])["name"] == "Block listed domains"
    assert app.rules.update(rule["id"], {"enabled": False})["enabled"] is False
    assert [r["id"] for r in app.rules.list()] == [rule["id"]]
    with pytest.raises(ApiRejected) as info:
        app.rules.create({"name": "bad", "match": {"conditions": []}, "actions": [{"type": "block"}]})
    assert (info.value.status, info.value.type) == (400, "invalid_request_error")
    app.rules.delete(rule["id"])
    app.lists.delete(blocked["id"])
    assert (list(app.rules.list()), list(app.lists.list())) == ([], [])


def test_workspaces_crud(app: NylasApp) -> None:
    (default,) = app.workspaces.list()
    assert default["default"] is True
    made = app.workspaces.create({"name": "Acme", "domain": "acme.example"})
    assert (made["name"], made["domain"], made["default"]) == ("Acme", "acme.example", False)
    assert app.workspaces.get(made["workspace_id"])["name"] == "Acme"
    policy = app.policies.create({"name": "Acme policy"})
    updated = app.workspaces.update(made["workspace_id"], {"name": "Acme Inc", "policy_id": policy["id"]})
    assert (updated["name"], updated["policy_id"]) == ("Acme Inc", policy["id"])
    assert {w["workspace_id"] for w in app.workspaces.list()} == {default["workspace_id"], made["workspace_id"]}
    app.workspaces.delete(made["workspace_id"])
    assert [w["workspace_id"] for w in app.workspaces.list()] == [default["workspace_id"]]


# -- errors end to end -----------------------------------------------------------------------------------


def test_unknown_ids_are_rejected_with_the_servers_request_id(
    account_server: AccountServer, sleeps: list[float]
) -> None:
    answers: list[httpx.Response] = []
    http = httpx.Client(
        base_url="http://account.test",
        headers={"Authorization": f"Bearer {account_server.api_key}"},
        transport=httpx.WSGITransport(app=account_server.app),
        event_hooks={"response": [answers.append]},
    )
    with NylasApp(http, sleep=sleeps.append) as app:
        agent = app.grant(app.create_account("agent@example.com")["id"])
        with pytest.raises(ApiRejected) as info:
            agent.get_message("no-such-message")
        assert (info.value.status, info.value.type) == (404, "not_found_error")
        assert info.value.request_id == answers[-1].headers["x-request-id"]
        assert info.value.request_id in str(info.value)
        with pytest.raises(ApiRejected) as info:
            app.grant("no-such-grant").get_calendar()
        assert (info.value.status, info.value.type) == (404, "not_found_error")
        assert info.value.request_id == answers[-1].headers["x-request-id"]
    assert len({r.headers["x-request-id"] for r in answers}) == len(answers) == 3
    assert sleeps == []


@pytest.mark.parametrize("via", ["wsgi", "tcp"])
def test_a_bad_key_is_rejected_without_retrying(account_server: AccountServer, sleeps: list[float], via: str) -> None:
    with connect(account_server, via, sleeps, key="wrong-key") as intruder:
        with pytest.raises(ApiRejected) as info:
            list(intruder.grants.list())
        assert intruder.request_count == 1
    assert (info.value.status, info.value.type) == (401, "unauthorized")
    assert info.value.request_id
    assert sleeps == []


def test_a_stopped_server_is_unavailable_after_bounded_retries(
    account_server: AccountServer, sleeps: list[float]
) -> None:
    with connect(account_server, "tcp", sleeps) as app:
        grant = app.create_account("agent@example.com")
        account_server.stop()
        with pytest.raises(ApiUnavailable) as info:
            app.grants.get(grant["id"])
        assert app.request_count == 1 + 4  # the create, then the first try and three retries
    assert "ConnectError" in str(info.value)
    assert sleeps == [0.5, 1.0, 2.0]


# -- calendars and events --------------------------------------------------------------------------------


@pytest.fixture
def invite_server(tmp_path: Path, smtp_capture: SmtpCapture) -> Iterator[AccountServer]:
    """A server whose mail for other domains goes to the capturing smarthost, with its delivery worker running."""
    server = AccountServer(
        tmp_path / "invites", env={"SCHEDULER_AGENT_API_KEY": "invite-key"}, smarthost=smtp_capture.address
    )
    server.start_smtp("127.0.0.1", 0)
    yield server
    server.stop()


def subjects_after_marker(agent: NylasClient, capture: SmtpCapture, expected: int) -> list[str]:
    """Subjects of every mail the smarthost got before a marker invitation sent now, once the marker is in.

    The outbox delivers in order, so a stray mail queued earlier would arrive before the marker: this proves
    "nothing more was sent" without sleeping and hoping.
    """
    marker = {"title": "marker", "when": timespan(START, START + timedelta(minutes=5))}
    agent.create_event({**marker, "participants": [{"email": "marker@else.org"}]}, notify_participants=True)
    arrived = capture.wait_for(expected + 1)
    assert str(arrived[-1]["Subject"]) == "marker"
    return [str(m["Subject"]) for m in arrived[:-1]]


def ics_of(message: EmailMessage) -> tuple[str, Calendar]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return str(part.get_param("method")), Calendar.from_ical(part.get_content())


@pytest.mark.parametrize("via", ["wsgi", "tcp"])
def test_event_lifecycle_sends_imip_to_the_smarthost(
    invite_server: AccountServer, smtp_capture: SmtpCapture, sleeps: list[float], via: str
) -> None:
    with connect(invite_server, via, sleeps) as app:
        agent = app.grant(app.create_account("agent@example.com", name="Agent")["id"])
        (calendar,) = agent.list_calendars()
        assert agent.get_calendar("primary")["id"] == calendar["id"]
        assert calendar["is_primary"] is True

        body = {
            "title": "Intro call",
            "when": timespan(START, START + timedelta(minutes=30)),
            "participants": [{"email": "pat@else.org", "name": "Pat"}],
            "metadata": {"key1": "conv-42"},
        }
        event = agent.create_event(body, notify_participants=True)
        assert (event["calendar_id"], event["title"], event["when"]["start_time"]) == (
            calendar["id"],
            "Intro call",
            int(START.timestamp()),
        )
        assert [(p["email"], p["status"]) for p in event["participants"]] == [("pat@else.org", "noreply")]
        [invite] = smtp_capture.wait_for(1)
        assert smtp_capture.envelopes[0] == ("agent@example.com", ["pat@else.org"])
        method, ics = ics_of(invite)
        [vevent] = ics.walk("VEVENT")
        assert (method, str(vevent["UID"]), vevent.decoded("DTSTART")) == ("REQUEST", event["ical_uid"], START)

        window = {"start": START - timedelta(hours=1), "end": START + timedelta(hours=1)}
        assert [e["id"] for e in agent.list_events(**window)] == [event["id"]]
        assert list(agent.list_events(start=START + timedelta(hours=2), end=START + timedelta(hours=3))) == []
        assert [e["id"] for e in agent.list_events(**window, metadata_pair="key1:conv-42")] == [event["id"]]
        assert list(agent.list_events(**window, metadata_pair="key1:conv-43")) == []
        assert agent.get_event(event["id"])["title"] == "Intro call"

        moved = agent.update_event(
            event["id"],
            {"when": timespan(START + timedelta(hours=1), START + timedelta(hours=2))},
            notify_participants=True,
        )
        assert moved["when"]["start_time"] == int(START.timestamp()) + 3600
        method, ics = ics_of(smtp_capture.wait_for(2)[1])
        [vevent] = ics.walk("VEVENT")
        assert (method, int(vevent["SEQUENCE"]), vevent.decoded("DTSTART")) == (
            "REQUEST",
            1,
            START + timedelta(hours=1),
        )

        agent.delete_event(event["id"], notify_participants=True)
        method, ics = ics_of(smtp_capture.wait_for(3)[2])
        assert (method, str(ics.walk("VEVENT")[0]["UID"])) == ("CANCEL", event["ical_uid"])
        # Our server keeps a deleted event as a cancelled tombstone (as Google does): hidden from lists
        # unless asked for, still readable by id so a sync can see what became of it.
        day = {"start": START - timedelta(hours=1), "end": START + timedelta(hours=5)}
        assert list(agent.list_events(**day)) == []
        assert [e["id"] for e in agent.list_events(**day, show_cancelled=True)] == [event["id"]]
        assert agent.get_event(event["id"])["status"] == "cancelled"
        agent.delete_event(event["id"], notify_participants=True)  # already gone: fine, and no second CANCEL
        assert subjects_after_marker(agent, smtp_capture, 3) == ["Intro call", "Intro call", "Cancelled: Intro call"]
        assert sleeps == []


def test_a_silent_hold_mails_nobody(
    invite_server: AccountServer, smtp_capture: SmtpCapture, sleeps: list[float]
) -> None:
    with connect(invite_server, "wsgi", sleeps) as app:
        agent = app.grant(app.create_account("agent@example.com")["id"])
        body = {
            "title": "Hold",
            "when": timespan(START, START + timedelta(hours=1)),
            "participants": [{"email": "pat@else.org"}],
        }
        hold = agent.create_event(body, notify_participants=False)
        agent.update_event(hold["id"], {"title": "Hold (moved)"}, notify_participants=False)
        agent.delete_event(hold["id"], notify_participants=False)
        assert subjects_after_marker(agent, smtp_capture, 0) == []


def test_recurring_events_expand_inside_the_window(agent: NylasClient) -> None:
    series = agent.create_event(
        {
            "title": "Standup",
            "when": timespan(START, START + timedelta(minutes=15)),
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=5"],
        },
        notify_participants=False,
    )
    window = {"start": START + timedelta(days=1), "end": START + timedelta(days=3, hours=1)}
    occurrences = list(agent.list_events(**window, limit=2))
    assert [o["when"]["start_time"] for o in occurrences] == [
        int((START + timedelta(days=n)).timestamp()) for n in (1, 2, 3)
    ]
    assert {o["master_event_id"] for o in occurrences} == {series["id"]}
    assert len({o["id"] for o in occurrences}) == 3
    assert agent.get_event(occurrences[0]["id"])["title"] == "Standup"
    masters = list(agent.list_events(**window, expand_recurring=False))
    assert [(m["id"], m["recurrence"]) for m in masters] == [(series["id"], ["RRULE:FREQ=DAILY;COUNT=5"])]
    later = list(agent.list_events(start=START + timedelta(days=5), end=START + timedelta(days=9)))
    assert later == []  # COUNT=5 ends the series on day 4
    changed_since = datetime.fromtimestamp(series["updated_at"], UTC)
    assert len(list(agent.list_events(**window, updated_after=changed_since - timedelta(seconds=1)))) == 3
    assert list(agent.list_events(**window, updated_after=changed_since + timedelta(seconds=1))) == []


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_an_invitation_between_hosted_accounts_is_answered_with_send_rsvp(
    app: NylasApp, agent: NylasClient, dana: NylasClient
) -> None:
    event = agent.create_event(
        {
            "title": "Planning",
            "when": timespan(START, START + timedelta(minutes=30)),
            "participants": [{"email": "dana@example.com", "name": "Dana"}],
        },
        notify_participants=True,
    )
    window = {"start": START - timedelta(hours=1), "end": START + timedelta(hours=1)}
    (invite,) = eventually(lambda: list(dana.list_events(**window)))
    assert (invite["title"], invite["ical_uid"], invite["read_only"]) == ("Planning", event["ical_uid"], True)
    assert dana.send_rsvp(invite["id"], "yes") == {}  # no send_ics_error: the REPLY went out

    def agent_sees(status: str) -> bool:
        return agent.get_event(event["id"])["participants"][0]["status"] == status

    eventually(lambda: agent_sees("yes"))
    assert dana.get_event(invite["id"])["participants"][0]["status"] == "yes"
    with pytest.raises(ApiRejected) as info:
        agent.send_rsvp(event["id"], "no")  # the organizer does not answer its own invitation
    assert info.value.status == 400


def test_free_busy_for_a_hosted_and_an_unknown_address(agent: NylasClient, dana: NylasClient) -> None:
    for offset, busy in ((0, True), (2, True), (4, False)):
        start = START + timedelta(hours=offset)
        body = {"title": f"Block {offset}", "when": timespan(start, start + timedelta(hours=1)), "busy": busy}
        dana.create_event(body, notify_participants=False)
    answer = agent.free_busy(
        START - timedelta(hours=1), START + timedelta(hours=6), ["dana@example.com", "ghost@nowhere.example"]
    )
    assert answer.busy == {
        "dana@example.com": (
            Interval(START, START + timedelta(hours=1)),
            Interval(START + timedelta(hours=2), START + timedelta(hours=3)),
        )
    }
    assert set(answer.errors) == {"ghost@nowhere.example"}
    assert answer.errors["ghost@nowhere.example"]
    own = agent.free_busy(START, START + timedelta(hours=1), ["agent@example.com"])
    assert own.busy == {"agent@example.com": ()}
    assert own.errors == {}


# -- mail --------------------------------------------------------------------------------------------------


def send(client: NylasClient, subject: str, *, to: str = "dana@example.com", **extra: object) -> dict:
    body = {"to": [{"email": to}], "subject": subject, "body": f"<p>{subject}</p>", **extra}
    return client.send_message(body, idempotency_key=f"{client.grant_id}:{subject}")


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_list_messages_pages_across_cursors_and_filters(app: NylasApp, agent: NylasClient, dana: NylasClient) -> None:
    sent = [send(agent, f"Option {n}") for n in range(5)]
    attached = send(
        agent, "With file", attachments=[{"filename": "a.txt", "content_type": "text/plain", "content": "aGk="}]
    )
    send(dana, "Outgoing", to="agent@example.com")

    before = app.request_count
    inbox = list(dana.list_messages(in_folder=dana.folder_id("inbox"), limit=2))
    assert app.request_count - before == 1 + 3  # the folder lookup, then pages of 2, 2 and 2
    assert len({m["id"] for m in inbox}) == len(inbox) == 6
    assert [m["subject"] for m in inbox] == ["With file", *(f"Option {n}" for n in reversed(range(5)))]  # newest first
    assert all(m["unread"] and m["folders"] == ["inbox"] for m in inbox)
    assert [m["id"] for m in dana.list_messages(in_folder="inbox", limit=2, max_items=3)] == [
        m["id"] for m in inbox[:3]
    ]

    assert [m["subject"] for m in dana.list_messages(subject="option 3")] == ["Option 3"]
    assert [m["subject"] for m in dana.list_messages(has_attachment=True)] == ["With file"]
    assert len(list(dana.list_messages(from_="agent@example.com"))) == 6
    assert [m["subject"] for m in dana.list_messages(to="agent@example.com")] == ["Outgoing"]
    assert len(list(dana.list_messages(any_email=["nobody@example.com", "agent@example.com"]))) == 7
    received = inbox[0]
    assert [m["id"] for m in dana.list_messages(thread_id=received["thread_id"])] == [received["id"]]
    # The newest of all seven (Dana's own sent copy may be a clock second later than the inbox).
    moment = datetime.fromtimestamp(max(m["date"] for m in dana.list_messages()), UTC)
    assert list(dana.list_messages(received_after=moment + timedelta(seconds=1))) == []
    assert len(list(dana.list_messages(received_before=moment + timedelta(seconds=1)))) == 7
    # `select` trims to the asked fields; the server keeps the identity fields the official SDK cannot decode without
    selected = [set(m) for m in dana.list_messages(select=["id", "subject"], max_items=1)]
    assert selected == [{"id", "subject", "grant_id", "object"}]
    assert [m["id"] for m in agent.list_messages(in_folder="sent")] == [
        attached["id"],
        *(m["id"] for m in reversed(sent)),
    ]

    dana.update_message(received["id"], unread=False)
    assert [m["subject"] for m in dana.list_messages(in_folder="inbox", unread=False)] == ["With file"]
    assert len(list(dana.list_messages(in_folder="inbox", unread=True))) == 5


@pytest.fixture
def smtp_in(account_server: AccountServer) -> tuple[str, int]:
    return account_server.start_smtp("127.0.0.1", 0)


INVITE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//Contract test//EN\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:contract-1@else.org\r
DTSTAMP:20270201T120000Z\r
DTSTART:20270302T150000Z\r
DTEND:20270302T153000Z\r
SUMMARY:Coffee\r
ORGANIZER;CN=Pat:mailto:pat@else.org\r
ATTENDEE;CN=Agent;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:agent@example.com\r
SEQUENCE:0\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_mail_from_smtp_is_read_back_typed(app: NylasApp, agent: NylasClient, smtp_in: tuple[str, int]) -> None:
    message = EmailMessage()
    message["From"] = "Pat <pat@else.org>"
    message["To"] = "Agent <agent@example.com>"
    message["Cc"] = "lee@else.org"
    message["Subject"] = "Coffee on Tuesday?"
    message["X-Trace"] = "contract-7"
    message["Message-ID"] = "<contract-7@else.org>"
    message.set_content("Does Tuesday 3pm work?")
    message.add_attachment(
        INVITE.encode(), maintype="text", subtype="calendar", filename="invite.ics", params={"method": "REQUEST"}
    )
    with smtplib.SMTP(*smtp_in, timeout=10) as smtp:
        smtp.send_message(message)

    (inbound,) = agent.iter_inbound(in_folder="inbox")
    assert (inbound.subject, inbound.sender, inbound.unread, inbound.folders) == (
        "Coffee on Tuesday?",
        Person(email="pat@else.org", name="Pat"),
        True,
        ("inbox",),
    )
    assert inbound.to == (Person(email="agent@example.com", name="Agent"),)
    assert inbound.cc == (Person(email="lee@else.org", name=""),)
    assert "Does Tuesday 3pm work?" in inbound.body
    assert inbound.date.tzinfo is not None
    headers = dict(inbound.headers)
    assert headers["X-Trace"] == "contract-7"
    assert headers["Message-ID"] == "<contract-7@else.org>"
    (attachment,) = inbound.attachments
    assert (attachment.filename, attachment.content_type.split(";")[0]) == ("invite.ics", "text/calendar")
    assert attachment.size == len(INVITE.encode())
    assert agent.download_attachment(attachment.id, message_id=inbound.id) == INVITE.encode()
    meta = agent.get_attachment(attachment.id, message_id=inbound.id)
    assert (meta["id"], meta["filename"], meta["size"]) == (attachment.id, "invite.ics", attachment.size)
    assert agent.get_inbound(inbound.id) == inbound
    trimmed = agent.get_message(inbound.id, select=["subject"])
    assert trimmed == {
        "id": inbound.id,
        "grant_id": agent.grant_id,
        "object": "message",
        "subject": "Coffee on Tuesday?",
    }

    # The invitation also became an event on the primary calendar; the mail stays in the inbox.
    (event,) = agent.list_events(start=START - timedelta(hours=1), end=START + timedelta(hours=1))
    assert (event["ical_uid"], event["title"], event["organizer"]["email"]) == (
        "contract-1@else.org",
        "Coffee",
        "pat@else.org",
    )


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_update_and_delete_message(app: NylasApp, agent: NylasClient, dana: NylasClient) -> None:
    send(agent, "File me")
    (received,) = dana.list_messages()
    receipts = dana.create_folder("Receipts")
    assert (receipts["name"], receipts["system_folder"]) == ("Receipts", False)
    updated = dana.update_message(received["id"], unread=False, starred=True, folders=[receipts["id"]])
    assert (updated["id"], updated["unread"], updated["starred"], updated["folders"]) == (
        received["id"],
        False,
        True,
        [receipts["id"]],
    )
    assert [m["id"] for m in dana.list_messages(in_folder=receipts["id"])] == [received["id"]]
    assert list(dana.list_messages(in_folder="inbox")) == []
    tagged = dana.update_message(received["id"], metadata={"key1": "conv-42"})
    assert (tagged["metadata"], tagged["folders"], tagged["starred"]) == ({"key1": "conv-42"}, [receipts["id"]], True)

    dana.delete_message(received["id"])
    assert dana.get_message(received["id"])["folders"] == ["trash"]
    assert [m["id"] for m in dana.list_messages(in_folder=dana.folder_id("trash"))] == [received["id"]]


def test_send_is_idempotent_per_key(agent: NylasClient, dana: NylasClient) -> None:
    body = {"to": [{"email": "dana@example.com"}], "subject": "Once", "body": "only once"}
    first = agent.send_message(body, idempotency_key="conv-9:reply-1")
    again = agent.send_message(body, idempotency_key="conv-9:reply-1")
    assert again == first
    assert [m["subject"] for m in dana.list_messages()] == ["Once"]
    with pytest.raises(ApiRejected) as info:
        agent.send_message({**body, "body": "something else"}, idempotency_key="conv-9:reply-1")
    assert (info.value.status, info.value.type) == (409, "api.invalid_idempotent_request")
    assert info.value.request_id
    other = agent.send_message(body, idempotency_key="conv-9:reply-2")
    assert other["id"] != first["id"]
    assert [m["subject"] for m in dana.list_messages()] == ["Once", "Once"]


def test_a_reply_joins_the_thread_on_both_sides(agent: NylasClient, dana: NylasClient) -> None:
    sent = send(agent, "Planning")
    (received,) = dana.list_messages()
    reply = dana.send_message(
        {
            "to": [{"email": "agent@example.com"}],
            "subject": "Re: Planning",
            "body": "Yes",
            "reply_to_message_id": received["id"],
        },
        idempotency_key="reply-1",
    )
    assert reply["thread_id"] == received["thread_id"]
    (answer,) = agent.iter_inbound(in_folder="inbox")
    assert answer.thread_id == sent["thread_id"]
    original = dict(agent.get_inbound(sent["id"]).headers)["Message-ID"]
    assert dict(answer.headers)["In-Reply-To"] == original
    assert original in dict(answer.headers)["References"]

    (thread,) = agent.list_threads(subject="Planning")
    assert (thread["id"], thread["message_ids"]) == (sent["thread_id"], [sent["id"], answer.id])
    assert thread["unread"] is True
    assert agent.get_thread(sent["thread_id"])["latest_draft_or_message"]["id"] == answer.id
    read = agent.update_thread(sent["thread_id"], unread=False, starred=True)
    assert (read["unread"], read["starred"]) == (False, True)
    assert agent.get_inbound(answer.id).unread is False
    assert list(agent.list_threads(unread=True)) == []
    assert [m["id"] for m in agent.list_messages(starred=True)] == [answer.id, sent["id"]]

    send(agent, "Another topic")
    assert [t["subject"] for t in agent.list_threads(limit=1)] == ["Another topic", "Planning"]  # newest first
    assert [t["id"] for t in agent.list_threads(in_folder="inbox")] == [sent["thread_id"]]
    assert [t["id"] for t in agent.list_threads(any_email=["dana@example.com"], subject="planning")] == [thread["id"]]
    latest = datetime.fromtimestamp(agent.get_thread(thread["id"])["latest_message_received_date"], UTC)
    assert list(agent.list_threads(latest_message_after=latest + timedelta(seconds=1))) == []
    assert list(agent.list_threads(latest_message_before=latest - timedelta(days=1))) == []
    assert [set(t) for t in agent.list_threads(select=["subject"], max_items=1)] == [
        {"id", "grant_id", "object", "subject"}
    ]


@pytest.mark.parametrize("app", ["wsgi", "tcp"], indirect=True)
def test_attachments_round_trip_as_json_and_multipart(app: NylasApp, agent: NylasClient, dana: NylasClient) -> None:
    small = OutgoingAttachment(filename="agenda.txt", content=b"1. dates\n2. places\n", content_type="text/plain")
    big = OutgoingAttachment(filename="deck.bin", content=bytes(range(256)) * (3 * 4096 + 1))
    logo = OutgoingAttachment(
        filename="logo.png",
        content=b"\x89PNG\r\n" + bytes(64),
        content_type="image/png",
        content_id="logo",
        is_inline=True,
    )
    assert len(big.content) >= MAX_JSON_ATTACHMENT_BYTES  # so the client goes multipart
    for subject, files in (("Agenda", [small, logo]), ("Deck", [big, small, logo])):
        out = agent.send_message(
            {"to": [{"email": "dana@example.com"}], "subject": subject, "body": "attached"},
            idempotency_key=subject,
            attachments=files,
        )
        assert [(a["filename"], a["size"]) for a in out["attachments"]] == [(f.filename, len(f.content)) for f in files]
        (received,) = dana.iter_inbound(subject=subject)
        assert [(a.filename, a.size) for a in received.attachments] == [(f.filename, len(f.content)) for f in files]
        for meta, original in zip(received.attachments, files, strict=True):
            assert dana.download_attachment(meta.id, message_id=received.id) == original.content
        inline = dana.get_attachment(received.attachments[-1].id, message_id=received.id)
        assert (inline["content_id"], inline["is_inline"], inline["content_type"]) == ("logo", True, "image/png")
    assert (
        agent.send_message(
            {"to": [{"email": "dana@example.com"}], "subject": "Deck", "body": "attached"},
            idempotency_key="Deck",
            attachments=[big, small, logo],
        )["id"]
        == out["id"]
    )  # a multipart replay is recognised too


def test_folders_are_listed_created_and_resolved_by_name(agent: NylasClient) -> None:
    system = [f["name"] for f in agent.list_folders(limit=4)]
    assert system == ["inbox", "sent", "drafts", "trash", "junk", "archive"]
    made = agent.create_folder("Clients")
    child = agent.create_folder("Acme", parent_id=made["id"])
    assert child["parent_id"] == made["id"]
    assert agent.folder_id("clients") == made["id"]
    assert agent.folder_id("Inbox") == "inbox"
    assert agent.folder_id("Nowhere") == "Nowhere"  # as the Nylas CLI does for providers with named ids
    assert {f["id"] for f in agent.list_folders()} >= {made["id"], child["id"], "inbox"}


def test_a_spent_daily_quota_is_retried_within_bounds_then_unavailable(
    app: NylasApp, agent: NylasClient, dana: NylasClient, sleeps: list[float]
) -> None:
    quota = app.policies.create({"name": "quota", "limits": {"limit_count_daily_message_per_grant": 1}})
    (default,) = app.workspaces.list()
    app.workspaces.update(default["workspace_id"], {"policy_id": quota["id"]})
    send(agent, "First")
    with pytest.raises(ApiUnavailable) as info:
        send(agent, "Second")
    assert (info.value.status, info.value.type) == (429, "rate_limit_error")
    assert info.value.retry_after is not None
    assert 0 < info.value.retry_after <= 86_400  # the quota resets at midnight UTC
    assert sleeps == [30.0, 30.0, 30.0]  # Retry-After honoured, capped at max_backoff, three retries
    assert [m["subject"] for m in dana.list_messages()] == ["First"]


def test_a_bad_request_is_rejected_once_with_the_servers_reason(agent: NylasClient, sleeps: list[float]) -> None:
    with pytest.raises(ApiRejected) as info:
        agent.create_event({"title": "No time"}, notify_participants=False)
    assert (info.value.status, info.value.type) == (400, "invalid_request_error")
    assert "when" in info.value.message
    assert agent.request_count == 2  # the account's creation and this single attempt
    assert sleeps == []


def test_event_shapes_round_trip(agent: NylasClient) -> None:
    paris = ZoneInfo("Europe/Paris")
    local = START.astimezone(paris)
    meeting = agent.create_event(
        {"title": "Paris", "when": timespan(local, local + timedelta(hours=1)), "busy": False},
        notify_participants=False,
    )
    assert (meeting["when"]["object"], meeting["when"]["start_timezone"], meeting["busy"]) == (
        "timespan",
        "Europe/Paris",
        False,
    )
    holiday = agent.create_event({"title": "Holiday", "when": all_day(date(2027, 3, 3))}, notify_participants=False)
    assert (holiday["when"]["object"], holiday["when"]["date"]) == ("date", "2027-03-03")
    trip = agent.create_event(
        {"title": "Trip", "when": datespan(date(2027, 3, 4), date(2027, 3, 5))}, notify_participants=False
    )
    assert (trip["when"]["object"], trip["when"]["end_date"]) == ("datespan", "2027-03-05")
    window = {"start": START - timedelta(hours=1), "end": START + timedelta(days=5)}
    assert {e["title"] for e in agent.list_events(**window)} == {"Paris", "Holiday", "Trip"}
    assert [e["id"] for e in agent.list_events(**window, busy=False)] == [meeting["id"]]
    assert [e["id"] for e in agent.list_events(ical_uid=trip["ical_uid"])] == [trip["id"]]


@pytest.mark.parametrize("dots", [".", ".."])
def test_a_dot_segment_id_never_reaches_another_resource(app: NylasApp, agent: NylasClient, dots: str) -> None:
    """httpx resolves `messages/..` to the grant itself, so this DELETE used to delete the whole account."""
    send(agent, "Keep me", to="agent@example.com")
    with pytest.raises(ValueError, match="cannot be an id"):
        agent.delete_message(dots)
    with pytest.raises(ValueError, match="cannot be an id"):
        app.grants.delete(dots)
    assert app.grants.get(agent.grant_id)["email"] == "agent@example.com"
    assert [m["subject"] for m in agent.list_messages(in_folder="inbox")] == ["Keep me"]
