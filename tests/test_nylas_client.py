"""The v3 client against a scripted httpx.MockTransport: request shapes, paging, retries, errors, typing."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from scheduler_agent.errors import ApiRejected, ApiUnavailable, ConfigError
from scheduler_agent.models import AttachmentInfo, Person
from scheduler_agent.nylas import NylasClient
from scheduler_agent.nylas_app import NylasApp
from scheduler_agent.nylas_models import (
    MAX_JSON_ATTACHMENT_BYTES,
    OutgoingAttachment,
    all_day,
    datespan,
    message_from_json,
    timespan,
)

FIXTURES = Path(__file__).parent / "fixtures" / "nylas"
API = "https://api.test"
KEY = "test-key-123"
GRANT = "6e4b1a2c-0d3f-4c8e-9b7a-2f1d5e6c7a8b"

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def ok(data: Any = None, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"request_id": "req-ok", "data": data, **extra})


def v3_error(status: int, kind: str, message: str, *, request_id: str = "req-err", **headers: str) -> httpx.Response:
    body = {"request_id": request_id, "error": {"type": kind, "message": message}}
    return httpx.Response(status, json=body, headers=headers)


def raises(exc_type: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)

    return handler


class ScriptedServer:
    """Answers each request with the next scripted reply and keeps every request for inspection."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected extra request {request.method} {request.url}")
        reply = self.replies.pop(0)
        return reply(request) if callable(reply) else reply

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture
def sleeps() -> list[float]:
    return []


def client_for(server: ScriptedServer, sleeps: list[float], **options: Any) -> NylasClient:
    return NylasClient.connect(API, KEY, GRANT, transport=httpx.MockTransport(server), sleep=sleeps.append, **options)


def app_for(server: ScriptedServer, sleeps: list[float]) -> NylasApp:
    return NylasApp.connect(API, KEY, transport=httpx.MockTransport(server), sleep=sleeps.append)


# -- request shapes ---------------------------------------------------------------------------------


def test_list_messages_request_shape(sleeps: list[float]) -> None:
    server = ScriptedServer(httpx.Response(200, json=fixture("messages_page1.json")))
    client = client_for(server, sleeps)
    after = datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))

    got = list(
        client.list_messages(
            unread=True, in_folder="inbox", received_after=after, select=("id", "subject"), limit=5, max_items=2
        )
    )

    assert [m["id"] for m in got] == ["m1", "m2"]
    request = server.last
    assert request.method == "GET"
    assert request.url.path == f"/v3/grants/{GRANT}/messages"
    assert dict(request.url.params) == {
        "unread": "true",
        "in": "inbox",
        "received_after": str(int(after.timestamp())),
        "select": "id,subject",
        "limit": "2",
    }
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"].startswith("scheduler-agent/")
    assert client.request_count == 1


def test_send_message_json_carries_idempotency_key_and_base64_attachment(sleeps: list[float]) -> None:
    server = ScriptedServer(httpx.Response(200, json={"request_id": "r", "grant_id": GRANT, "data": {"id": "sent-1"}}))
    client = client_for(server, sleeps)
    body = {
        "to": [{"email": "ann@example.org"}],
        "subject": "Options",
        "body": "<p>Hi</p>",
        "reply_to_message_id": "m1",
    }
    invite = OutgoingAttachment(filename="invite.ics", content=b"BEGIN:VCALENDAR\r\n", content_type="text/calendar")

    sent = client.send_message(body, idempotency_key="conv-42:reply-1", attachments=[invite])

    assert sent == {"id": "sent-1"}
    request = server.last
    assert (request.method, request.url.path) == ("POST", f"/v3/grants/{GRANT}/messages/send")
    assert request.headers["idempotency-key"] == "conv-42:reply-1"
    assert request.headers["content-type"] == "application/json"
    payload = json.loads(request.content)
    assert payload["reply_to_message_id"] == "m1"
    assert payload["attachments"] == [
        {
            "filename": "invite.ics",
            "content_type": "text/calendar",
            "content": base64.b64encode(b"BEGIN:VCALENDAR\r\n").decode(),
        }
    ]


def test_send_message_goes_multipart_for_large_attachments(sleeps: list[float]) -> None:
    server = ScriptedServer(ok({"id": "sent-2"}))
    client = client_for(server, sleeps)
    big = OutgoingAttachment(
        filename="deck.pdf", content=b"%" * MAX_JSON_ATTACHMENT_BYTES, content_type="application/pdf"
    )

    client.send_message(
        {"to": [{"email": "ann@example.org"}], "subject": "Deck"}, idempotency_key="k", attachments=[big]
    )

    request = server.last
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.headers["idempotency-key"] == "k"
    raw = request.content
    assert b'name="message"' in raw
    assert b'{"to": [{"email": "ann@example.org"}], "subject": "Deck"}' in raw
    assert b'name="file0"; filename="deck.pdf"' in raw
    assert raw.count(b"%" * 1024) >= 3 * 1024


def test_send_message_refuses_missing_key_and_double_attachments(sleeps: list[float]) -> None:
    server = ScriptedServer()
    client = client_for(server, sleeps)
    with pytest.raises(ValueError, match="idempotency_key"):
        client.send_message({"to": []}, idempotency_key="")
    with pytest.raises(ValueError, match="idempotency_key"):
        client.send_message({"to": []}, idempotency_key="x" * 257)
    with pytest.raises(ValueError, match="both"):
        client.send_message(
            {"to": [], "attachments": []},
            idempotency_key="k",
            attachments=[OutgoingAttachment(filename="a", content=b"a")],
        )
    assert server.requests == []


def test_message_ids_are_percent_encoded(sleeps: list[float]) -> None:
    server = ScriptedServer(ok({"id": "x", "grant_id": GRANT}), ok({"id": "x"}), httpx.Response(200, json={}))
    client = client_for(server, sleeps)
    odd = "<CAH3x=qK+a/b@mail>"

    client.get_message(odd, fields="include_headers")
    client.update_message(odd, unread=False, folders=["archive"])
    client.delete_message(odd)

    encoded = "%3CCAH3x%3DqK%2Ba%2Fb%40mail%3E"
    assert [r.url.raw_path.decode().split("?")[0] for r in server.requests] == [
        f"/v3/grants/{GRANT}/messages/{encoded}"
    ] * 3
    assert [r.method for r in server.requests] == ["GET", "PUT", "DELETE"]
    assert server.requests[0].url.params["fields"] == "include_headers"
    assert json.loads(server.requests[1].content) == {"unread": False, "folders": ["archive"]}


def test_update_with_nothing_to_change_is_refused(sleeps: list[float]) -> None:
    client = client_for(ScriptedServer(), sleeps)
    with pytest.raises(ValueError, match="nothing to update"):
        client.update_message("m1")
    with pytest.raises(ValueError, match="nothing to update"):
        client.update_thread("t1")


def test_event_calls_shape(sleeps: list[float]) -> None:
    event = {"id": "ev1", "grant_id": GRANT, "calendar_id": "cal-1", "busy": True, "participants": [], "when": {}}
    server = ScriptedServer(ok(event), ok(event), httpx.Response(200, json={"request_id": "r"}), ok({}))
    client = client_for(server, sleeps)
    zone = ZoneInfo("Europe/Berlin")
    when = timespan(datetime(2026, 3, 10, 14, 0, tzinfo=zone), datetime(2026, 3, 10, 14, 30, tzinfo=zone))
    body = {"title": "Intro", "when": when, "participants": [{"email": "ann@example.org"}]}

    client.create_event(body, notify_participants=True)
    client.update_event("ev1", {"title": "Intro (moved)"}, notify_participants=False)
    client.delete_event("ev1", calendar_id="cal-1", notify_participants=True)
    client.send_rsvp("ev1", "yes")

    create, update, delete, rsvp = server.requests
    assert (create.method, create.url.path) == ("POST", f"/v3/grants/{GRANT}/events")
    assert dict(create.url.params) == {"calendar_id": "primary", "notify_participants": "true"}
    assert json.loads(create.content)["when"] == {
        "start_time": 1773147600,
        "end_time": 1773149400,
        "start_timezone": "Europe/Berlin",
        "end_timezone": "Europe/Berlin",
    }
    assert (update.method, update.url.path, update.url.params["notify_participants"]) == (
        "PUT",
        f"/v3/grants/{GRANT}/events/ev1",
        "false",
    )
    assert (delete.method, delete.url.params["calendar_id"]) == ("DELETE", "cal-1")
    assert (rsvp.method, rsvp.url.path) == ("POST", f"/v3/grants/{GRANT}/events/ev1/send-rsvp")
    assert json.loads(rsvp.content) == {"status": "yes"}


def test_send_rsvp_rejects_unknown_status_and_logs_ics_failure(
    sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    server = ScriptedServer(ok({"send_ics_error": {"type": "smtp", "message": "relay refused"}}))
    client = client_for(server, sleeps)
    with pytest.raises(ValueError, match="RSVP status"):
        client.send_rsvp("ev1", "accepted")
    with caplog.at_level(logging.WARNING, logger="scheduler_agent.nylas"):
        data = client.send_rsvp("ev1", "no")
    assert data["send_ics_error"]["message"] == "relay refused"
    assert "ICS reply failed" in caplog.text


def test_list_events_window_and_flags(sleeps: list[float]) -> None:
    server = ScriptedServer(ok([{"id": "e1"}]))
    client = client_for(server, sleeps)
    start = datetime(2026, 3, 9, tzinfo=UTC)

    events = list(client.list_events(start=start, end=start + timedelta(days=7), show_cancelled=False))

    assert events == [{"id": "e1"}]
    assert dict(server.last.url.params) == {
        "calendar_id": "primary",
        "start": "1773014400",
        "end": "1773619200",
        "show_cancelled": "false",
        "limit": "50",
    }


def test_free_busy_is_typed_and_keeps_unresolved_addresses_apart(sleeps: list[float]) -> None:
    server = ScriptedServer(httpx.Response(200, json=fixture("free_busy.json")))
    client = client_for(server, sleeps)
    start = datetime(2026, 3, 5, tzinfo=UTC)

    result = client.free_busy(
        start, start + timedelta(days=2), ["sched@agents.example.com", "stranger@elsewhere.example"]
    )

    assert json.loads(server.last.content) == {
        "start_time": 1772668800,
        "end_time": 1772841600,
        "emails": ["sched@agents.example.com", "stranger@elsewhere.example"],
    }
    busy = result.busy["sched@agents.example.com"]
    assert [b.start for b in busy] == [datetime(2026, 3, 5, 17, tzinfo=UTC), datetime(2026, 3, 6, 16, tzinfo=UTC)]
    assert "stranger@elsewhere.example" not in result.busy
    assert result.errors["stranger@elsewhere.example"].startswith("Unable to resolve")


def test_attachments_need_the_message_id(sleeps: list[float]) -> None:
    server = ScriptedServer(ok({"id": "a1", "size": 4}), httpx.Response(200, content=b"BEGIN:VCALENDAR"))
    client = client_for(server, sleeps)

    meta = client.get_attachment("v0:a/b==", message_id="m1")
    content = client.download_attachment("v0:a/b==", message_id="m1")

    assert meta["id"] == "a1"
    assert content == b"BEGIN:VCALENDAR"
    assert (
        server.requests[1].url.raw_path.decode()
        == f"/v3/grants/{GRANT}/attachments/v0%3Aa%2Fb%3D%3D/download?message_id=m1"
    )


def test_folder_id_matches_name_else_falls_back(sleeps: list[float]) -> None:
    folders = [{"id": "f-in", "name": "INBOX"}, {"id": "f-arch", "name": "Archive"}]
    server = ScriptedServer(ok(folders), ok(folders))
    client = client_for(server, sleeps)
    assert client.folder_id("archive") == "f-arch"
    assert client.folder_id("junk") == "junk"


# -- pagination ---------------------------------------------------------------------------------------


def test_pagination_follows_cursor_lazily(sleeps: list[float]) -> None:
    server = ScriptedServer(
        httpx.Response(200, json=fixture("messages_page1.json")),
        httpx.Response(200, json=fixture("messages_page2.json")),
    )
    client = client_for(server, sleeps)

    messages = client.list_messages(unread=True, limit=2)
    assert server.requests == []
    assert next(messages)["id"] == "m1"
    assert len(server.requests) == 1
    assert [m["id"] for m in messages] == ["m2", "m3", "m4"]

    first, second = server.requests
    assert "page_token" not in first.url.params
    assert second.url.params["page_token"] == "Y3Vyc29yOjI="
    assert second.url.params["unread"] == "true"


def test_max_items_stops_before_the_next_page(sleeps: list[float]) -> None:
    server = ScriptedServer(httpx.Response(200, json=fixture("messages_page1.json")))
    client = client_for(server, sleeps)

    assert [m["id"] for m in client.list_messages(limit=50, max_items=1)] == ["m1"]
    assert server.last.url.params["limit"] == "1"
    assert len(server.requests) == 1


def test_repeated_cursor_is_an_error_not_a_loop(sleeps: list[float]) -> None:
    page = ok([{"id": "m1"}], next_cursor="same")
    server = ScriptedServer(page, page, page)
    with pytest.raises(ApiUnavailable, match="repeated page cursor"):
        list(client_for(server, sleeps).list_messages())


def test_iter_inbound_types_messages_and_skips_malformed(sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    server = ScriptedServer(
        httpx.Response(200, json=fixture("messages_page1.json")),
        httpx.Response(200, json=fixture("messages_page2.json")),
    )
    client = client_for(server, sleeps)

    with caplog.at_level(logging.WARNING, logger="scheduler_agent.nylas"):
        inbound = list(client.iter_inbound(unread=True))

    assert [m.id for m in inbound] == ["m1", "m2", "m4"]
    assert inbound[0].header("message-id") == "<m1@example.org>"
    assert server.requests[0].url.params["fields"] == "include_headers"
    assert "skipping malformed message m3" in caplog.text


def test_grants_page_with_offset(sleeps: list[float]) -> None:
    server = ScriptedServer(ok([{"id": "g1"}, {"id": "g2"}]), ok([{"id": "g3"}]))
    app = app_for(server, sleeps)

    assert [g["id"] for g in app.grants.list(provider="nylas", limit=2)] == ["g1", "g2", "g3"]
    assert [dict(r.url.params) for r in server.requests] == [
        {"provider": "nylas", "limit": "2", "offset": "0"},
        {"provider": "nylas", "limit": "2", "offset": "2"},
    ]


# -- retries ------------------------------------------------------------------------------------------


def test_429_honours_retry_after_seconds(sleeps: list[float]) -> None:
    server = ScriptedServer(
        v3_error(429, "rate_limit_error", "slow down", **{"Retry-After": "7"}), ok({"id": "m1", "grant_id": GRANT})
    )
    client = client_for(server, sleeps)

    assert client.get_message("m1")["id"] == "m1"
    assert sleeps == [7.0]
    assert client.request_count == 2


def test_retry_after_http_date_is_measured_against_server_date(sleeps: list[float]) -> None:
    server_now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    headers = {
        "Date": format_datetime(server_now, usegmt=True),
        "Retry-After": format_datetime(server_now + timedelta(seconds=12), usegmt=True),
    }
    server = ScriptedServer(v3_error(503, "service_unavailable", "maintenance", **headers), ok([]))
    list(client_for(server, sleeps).list_calendars())
    assert sleeps == [12.0]


def test_retry_after_is_capped(sleeps: list[float]) -> None:
    server = ScriptedServer(v3_error(429, "rate_limit_error", "later", **{"Retry-After": "3600"}), ok({"id": "c"}))
    client_for(server, sleeps, max_backoff=30.0).get_calendar()
    assert sleeps == [30.0]
    assert server.last.url.path == f"/v3/grants/{GRANT}/calendars/primary"


def test_503_then_success_with_exponential_backoff(sleeps: list[float]) -> None:
    server = ScriptedServer(
        v3_error(503, "service_unavailable", "busy"),
        v3_error(502, "bad_gateway", "upstream"),
        v3_error(504, "provider_error", "Provider request timed out."),
        ok({"id": "t1"}),
    )
    assert client_for(server, sleeps).get_thread("t1") == {"id": "t1"}
    assert sleeps == [0.5, 1.0, 2.0]


def test_gives_up_after_max_retries(sleeps: list[float]) -> None:
    server = ScriptedServer(*[v3_error(500, "internal_error", "boom", request_id=f"r{i}") for i in range(4)])
    client = client_for(server, sleeps)

    with pytest.raises(ApiUnavailable) as info:
        client.get_event("ev1")

    assert info.value.status == 500
    assert info.value.type == "internal_error"
    assert info.value.request_id == "r3"
    assert len(server.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_timeouts_become_api_unavailable(sleeps: list[float]) -> None:
    server = ScriptedServer(*[raises(httpx.ReadTimeout)] * 3)
    client = client_for(server, sleeps, max_retries=2)

    with pytest.raises(ApiUnavailable, match="ReadTimeout") as info:
        client.get_message("m1")

    assert info.value.status == 0
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_connection_error_then_success(sleeps: list[float]) -> None:
    server = ScriptedServer(raises(httpx.ConnectError), ok([{"id": "cal"}]))
    assert list(client_for(server, sleeps).list_calendars()) == [{"id": "cal"}]
    assert sleeps == [0.5]


def test_non_idempotent_post_is_not_replayed_when_it_may_have_landed(sleeps: list[float]) -> None:
    body = {"title": "x", "when": all_day(date(2026, 3, 10))}
    timed_out = ScriptedServer(raises(httpx.ReadTimeout))
    with pytest.raises(ApiUnavailable):
        client_for(timed_out, sleeps).create_event(body, notify_participants=False)
    assert len(timed_out.requests) == 1

    server_error = ScriptedServer(v3_error(500, "internal_error", "boom"))
    with pytest.raises(ApiUnavailable):
        client_for(server_error, sleeps).create_event(body, notify_participants=False)
    assert len(server_error.requests) == 1
    assert sleeps == []


def test_non_idempotent_post_is_replayed_when_it_surely_did_not_land(sleeps: list[float]) -> None:
    server = ScriptedServer(
        raises(httpx.ConnectError), v3_error(429, "nylas_rate_limit_exceeded", "slow", **{"Retry-After": "2"}), ok({})
    )
    client_for(server, sleeps).create_event({"title": "x"}, notify_participants=False)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 2.0]


def test_send_with_key_is_replayed_after_a_timeout(sleeps: list[float]) -> None:
    server = ScriptedServer(raises(httpx.ReadTimeout), ok({"id": "sent"}))
    client = client_for(server, sleeps)
    assert client.send_message({"to": [{"email": "a@b.c"}]}, idempotency_key="k1") == {"id": "sent"}
    assert [r.headers["idempotency-key"] for r in server.requests] == ["k1", "k1"]
    assert server.requests[0].content == server.requests[1].content


def test_delete_whose_answer_was_lost_counts_as_done(sleeps: list[float]) -> None:
    server = ScriptedServer(raises(httpx.ReadTimeout), v3_error(404, "not_found_error", "requested object not found"))
    client_for(server, sleeps).delete_event("ev1", notify_participants=True)
    assert len(server.requests) == 2


# -- errors -------------------------------------------------------------------------------------------


def test_404_is_rejected_with_envelope_details(sleeps: list[float]) -> None:
    server = ScriptedServer(v3_error(404, "not_found_error", "requested object not found", request_id="abc-123"))
    with pytest.raises(ApiRejected) as info:
        client_for(server, sleeps).get_message("missing")
    error = info.value
    assert (error.status, error.type, error.request_id) == (404, "not_found_error", "abc-123")
    assert error.message == "requested object not found"
    assert "abc-123" in str(error)
    assert sleeps == []


def test_400_is_not_retried(sleeps: list[float]) -> None:
    server = ScriptedServer(v3_error(400, "invalid_request_error", "limit must be <= 200"))
    with pytest.raises(ApiRejected, match="limit must be"):
        list(client_for(server, sleeps).list_messages(limit=500))
    assert len(server.requests) == 1
    assert sleeps == []


def test_html_502_body_is_handled(sleeps: list[float]) -> None:
    html = (FIXTURES / "bad_gateway.html").read_text()
    server = ScriptedServer(*[httpx.Response(502, text=html, headers={"content-type": "text/html"})] * 2)
    with pytest.raises(ApiUnavailable) as info:
        client_for(server, sleeps, max_retries=1).get_message("m1")
    assert info.value.status == 502
    assert info.value.type == ""
    assert "502 Bad Gateway" in info.value.message
    assert sleeps == [0.5]


def test_oauth_style_error_and_non_json_success(sleeps: list[float]) -> None:
    oauth = httpx.Response(401, json={"error": "invalid_grant", "error_description": "token expired"})
    with pytest.raises(ApiRejected) as info:
        client_for(ScriptedServer(oauth), sleeps).get_calendar()
    assert (info.value.type, info.value.message) == ("invalid_grant", "token expired")

    portal = httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"})
    with pytest.raises(ApiUnavailable, match="not JSON"):
        client_for(ScriptedServer(portal), sleeps).get_calendar()


def test_one_info_line_per_request(sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    server = ScriptedServer(
        v3_error(429, "rate_limit_error", "slow"), httpx.Response(200, json={}, headers={"x-request-id": "rid-9"})
    )
    with caplog.at_level(logging.DEBUG, logger="scheduler_agent.nylas"):
        client_for(server, sleeps).delete_message("m1")
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(info) == 2
    assert info[1].startswith(f"DELETE /v3/grants/{GRANT}/messages/m1 -> 200 in ")
    assert info[1].endswith("(request rid-9)")
    assert len(debug) == 1
    assert "retrying" in debug[0]


@pytest.mark.parametrize(("uri", "key"), [("api.us.nylas.com", KEY), ("ftp://x", KEY), ("https://", KEY), (API, "")])
def test_connect_refuses_unusable_uri_or_key(uri: str, key: str) -> None:
    with pytest.raises(ConfigError):
        NylasClient.connect(uri, key, GRANT)


# -- the application level ------------------------------------------------------------------------------


def test_app_level_calls_and_shared_counter(sleeps: list[float]) -> None:
    server = ScriptedServer(
        httpx.Response(201, json={"request_id": "r", "data": {"id": "grant-new", "provider": "nylas"}}),
        ok({"id": "wh1", "webhook_secret": "s2"}),
        ok({"id": "list1", "items_count": 1}),
        ok([{"workspace_id": "w1"}, {"workspace_id": "w2"}]),
        ok([{"id": "p1"}]),
    )
    app = app_for(server, sleeps)

    grant = app.create_account("sched@agents.example.com", name="Scheduling Agent")
    secret = app.webhooks.rotate_secret("wh1")
    app.lists.remove_items("list1", ["spam.example"])
    workspaces = list(app.workspaces.list(max_items=1))
    client = app.grant(grant["id"])
    list(client.list_folders())

    create, rotate, remove, _, folders = server.requests
    assert (create.method, create.url.path) == ("POST", "/v3/connect/custom")
    assert json.loads(create.content) == {
        "provider": "nylas",
        "settings": {"email": "sched@agents.example.com"},
        "name": "Scheduling Agent",
    }
    assert secret["webhook_secret"] == "s2"
    assert (rotate.method, rotate.url.path) == ("POST", "/v3/webhooks/rotate-secret/wh1")
    assert (remove.method, remove.url.path, json.loads(remove.content)) == (
        "DELETE",
        "/v3/lists/list1/items",
        {"items": ["spam.example"]},
    )
    assert workspaces == [{"workspace_id": "w1"}]
    assert folders.url.path == "/v3/grants/grant-new/folders"
    assert app.request_count == client.request_count == 5


def test_app_collections_update_with_the_right_verb(sleeps: list[float]) -> None:
    server = ScriptedServer(ok({"id": "g1"}), ok({"id": "p1"}), httpx.Response(200, json={"request_id": "r"}))
    app = app_for(server, sleeps)
    app.grants.update("g1", {"name": "Renamed"})
    app.policies.update("p1", {"name": "strict"})
    app.rules.delete("r1")
    assert [(r.method, r.url.path) for r in server.requests] == [
        ("PATCH", "/v3/grants/g1"),
        ("PUT", "/v3/policies/p1"),
        ("DELETE", "/v3/rules/r1"),
    ]


# -- JSON -> models -----------------------------------------------------------------------------------


def test_message_from_json_on_a_realistic_message() -> None:
    message = message_from_json(fixture("message_invite.json")["data"])

    assert message.id == message.thread_id == "18c1f0c3a9d4e2b7"
    assert message.subject.startswith("Invitation: Quarterly planning")
    assert message.sender == Person(email="dana@acme.example", name="Dana Whitfield")
    assert message.to == (Person(email="sched@agents.example.com", name="Scheduling Agent"),)
    assert message.cc == (Person(email="ops@acme.example"),)
    assert message.reply_to == (Person(email="dana.w@acme.example", name="Dana W."),)
    assert message.date == datetime(2026, 3, 5, 15, 50, tzinfo=UTC)
    assert message.date.tzinfo is not None
    assert message.unread is True
    assert message.folders == ("inbox",)
    assert message.body.startswith("<html>")
    assert message.header("message-id") == "<CAH3x=qK+a/b@mail.acme.example>"
    assert message.header("RECEIVED") == "from mx1.acme.example by mx.agents.example.com"
    assert [name for name, _ in message.headers].count("Received") == 2
    assert message.attachments == (
        AttachmentInfo(
            id="v0:aW52aXRlLmljcw==:dGV4dC9jYWxlbmRhcg==:2101",
            filename="invite.ics",
            content_type='text/calendar; charset="UTF-8"; method=REQUEST',
            size=2101,
        ),
        AttachmentInfo(id="v0:bG9nby5wbmc=:aW1hZ2UvcG5n:512", filename="logo.png", content_type="image/png", size=0),
    )
    assert [a.is_calendar for a in message.attachments] == [True, False]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"thread_id": None}, "no thread_id"),
        ({"id": ""}, "no id"),
        ({"date": None, "created_at": None}, "not a unix timestamp"),
        ({"date": True}, "not a unix timestamp"),
        ({"date": 10**20}, "out of range"),
    ],
)
def test_message_from_json_rejects_malformed(change: dict[str, Any], error: str) -> None:
    obj = fixture("message_invite.json")["data"] | change
    with pytest.raises(ValueError, match=error):
        message_from_json(obj)


def test_message_from_json_tolerates_missing_optional_parts() -> None:
    message = message_from_json(
        {"id": "m", "thread_id": "t", "created_at": "1772725800", "from": None, "to": "x", "subject": 7, "body": None}
    )
    assert (message.subject, message.body) == ("", "")
    assert message.sender is None
    assert message.to == ()
    assert message.headers == ()
    assert message.date == datetime(2026, 3, 5, 15, 50, tzinfo=UTC)


def test_when_helpers() -> None:
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert timespan(start, start + timedelta(minutes=30)) == {
        "start_time": 1773133200,
        "end_time": 1773135000,
        "start_timezone": "UTC",
        "end_timezone": "UTC",
    }
    offset = timezone(timedelta(hours=5, minutes=30))
    assert "start_timezone" not in timespan(start.astimezone(offset), start.astimezone(offset))
    with pytest.raises(ValueError, match="timezone-aware"):
        timespan(datetime(2026, 3, 10, 9), datetime(2026, 3, 10, 10))
    with pytest.raises(ValueError, match="ends before"):
        timespan(start, start - timedelta(hours=1))
    assert all_day(date(2026, 3, 10)) == {"date": "2026-03-10"}
    assert datespan(date(2026, 3, 10), date(2026, 3, 12)) == {"start_date": "2026-03-10", "end_date": "2026-03-12"}
    with pytest.raises(ValueError, match="ends before"):
        datespan(date(2026, 3, 12), date(2026, 3, 10))
