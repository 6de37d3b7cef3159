"""Calendars, events, free-busy and outbound iMIP of the account server, over the v3 wire format."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

import httpx
import pytest
from icalendar import Calendar

from scheduler_agent.account_server.server import AccountServer
from scheduler_agent.clock import FixedClock

if TYPE_CHECKING:
    from conftest import RecordingMailer


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def create(api: httpx.Client, grant: dict, body: dict, **params: object) -> httpx.Response:
    return api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary", **params}, json=body)


def listing(api: httpx.Client, grant: dict, **params: object) -> list[dict]:
    r = api.get(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary", **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def calendar_part(message: EmailMessage) -> tuple[str, Calendar]:
    """(method parameter, parsed ICS) of the text/calendar part of an iMIP message."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return str(parts[0].get_param("method")), Calendar.from_ical(parts[0].get_content())


def vevent(message: EmailMessage) -> dict:
    _, cal = calendar_part(message)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    return events[0]


SYNC = {
    "title": "Quarterly sync",
    "location": "Room 4",
    "when": {"start_time": ts(2026, 3, 3, 15), "end_time": ts(2026, 3, 3, 15, 30), "start_timezone": "Europe/Berlin"},
    "participants": [{"email": "dana@else.org", "name": "Dana"}, {"email": "lee@other.net"}],
}


# -- calendars --------------------------------------------------------------------------------------------


def test_every_account_has_a_primary_calendar_reachable_by_alias(api: httpx.Client, grant: dict) -> None:
    listed = api.get(f"/v3/grants/{grant['id']}/calendars").json()
    assert [c["is_primary"] for c in listed["data"]] == [True]
    primary = listed["data"][0]
    for key in ("id", "grant_id", "name", "read_only", "is_owned_by_user"):
        assert key in primary
    for alias in ("primary", "agent@example.com", "AGENT@example.com"):
        r = api.get(f"/v3/grants/{grant['id']}/calendars/{alias}")
        assert r.json()["data"]["id"] == primary["id"]
    r = api.delete(f"/v3/grants/{grant['id']}/calendars/primary")
    assert r.status_code == 400
    assert "primary" in r.json()["error"]["message"]


def test_calendar_crud_and_validation(api: httpx.Client, grant: dict) -> None:
    base = f"/v3/grants/{grant['id']}/calendars"
    r = api.post(base, json={"name": "Holds", "timezone": "America/New_York", "metadata": {"key1": "holds"}})
    assert r.status_code == 200
    cal = r.json()["data"]
    assert cal["timezone"] == "America/New_York"
    assert cal["is_primary"] is False
    assert (
        api.put(f"{base}/{cal['id']}", json={"description": "tentative"}).json()["data"]["description"] == "tentative"
    )
    assert [c["id"] for c in api.get(base, params={"metadata_pair": "key1:holds"}).json()["data"]] == [cal["id"]]
    assert [c["name"] for c in api.get(base, params={"select": "name"}).json()["data"]] == ["Agent", "Holds"]
    assert api.post(base, json={"name": "x", "timezone": "Mars/Olympus"}).status_code == 400
    assert api.post(base, json={}).status_code == 400
    assert api.get(base, params={"metadata_pair": "color:red"}).status_code == 400
    assert set(api.delete(f"{base}/{cal['id']}").json()) == {"request_id"}
    assert api.get(f"{base}/{cal['id']}").status_code == 404


# -- events and outbound iMIP -----------------------------------------------------------------------------


def test_create_with_participants_sends_an_imip_request_to_each(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    r = create(api, grant, SYNC)
    assert r.status_code == 200, r.text
    event = r.json()["data"]
    for key in ("id", "grant_id", "calendar_id", "busy", "participants", "when"):
        assert key in event
    assert event["when"]["object"] == "timespan"
    assert event["calendar_id"] != "primary"
    assert event["organizer"] == {"name": "Agent", "email": "agent@example.com"}
    assert event["sequence"] == 0
    assert [p["status"] for p in event["participants"]] == ["noreply", "noreply"]

    assert sorted(m["To"] for m in outbox.sent) == ["Dana <dana@else.org>", "lee@other.net"]
    message = outbox.sent[0]
    assert message["From"] == "Agent <agent@example.com>"
    assert message["Subject"] == "Quarterly sync"
    assert message.get_content_type() == "multipart/mixed"
    types = [p.get_content_type() for p in message.walk()]
    assert "text/plain" in types
    attachment = next(p for p in message.walk() if p.get_filename() == "invite.ics")
    assert attachment.get_content_type() == "application/ics"
    method, cal = calendar_part(message)
    assert method == "REQUEST"
    assert cal["METHOD"] == "REQUEST"
    vev = vevent(message)
    assert str(vev["UID"]) == event["ical_uid"]
    assert int(vev["SEQUENCE"]) == 0
    assert vev.decoded("DTSTART") == datetime(2026, 3, 3, 15, tzinfo=UTC)
    assert vev["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(vev["ORGANIZER"]) == "mailto:agent@example.com"
    attendees = sorted(str(a) for a in vev["ATTENDEE"])
    assert attendees == ["mailto:dana@else.org", "mailto:lee@other.net"]


def test_update_sends_request_with_higher_sequence_and_cancels_removed_guests(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    event = create(api, grant, SYNC).json()["data"]
    outbox.sent.clear()
    moved = {"start_time": ts(2026, 3, 4, 15), "end_time": ts(2026, 3, 4, 16)}
    r = api.put(
        f"/v3/grants/{grant['id']}/events/{event['id']}",
        params={"calendar_id": "primary"},
        json={"when": moved, "participants": [{"email": "dana@else.org", "name": "Dana"}]},
    )
    assert r.status_code == 200, r.text
    updated = r.json()["data"]
    assert updated["sequence"] == 1
    assert updated["when"]["start_time"] == moved["start_time"]
    methods = {m["To"]: calendar_part(m)[0] for m in outbox.sent}
    assert methods == {"Dana <dana@else.org>": "REQUEST", "lee@other.net": "CANCEL"}
    request = next(m for m in outbox.sent if calendar_part(m)[0] == "REQUEST")
    assert int(vevent(request)["SEQUENCE"]) == 1
    assert vevent(request).decoded("DTSTART") == datetime(2026, 3, 4, 15, tzinfo=UTC)

    # Metadata is ours alone: no new SEQUENCE, no mail.
    outbox.sent.clear()
    r = api.put(
        f"/v3/grants/{grant['id']}/events/{event['id']}",
        params={"calendar_id": "primary"},
        json={"metadata": {"key1": "booked"}},
    )
    assert r.json()["data"]["metadata"] == {"key1": "booked"}
    assert r.json()["data"]["sequence"] == 1
    assert outbox.sent == []


def test_delete_sends_cancel_and_leaves_a_cancelled_event(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    event = create(api, grant, SYNC).json()["data"]
    outbox.sent.clear()
    r = api.delete(f"/v3/grants/{grant['id']}/events/{event['id']}", params={"calendar_id": "primary"})
    assert r.status_code == 200
    assert set(r.json()) == {"request_id"}
    assert len(outbox.sent) == 2
    message = outbox.sent[0]
    assert calendar_part(message)[0] == "CANCEL"
    assert message["Subject"] == "Cancelled: Quarterly sync"
    vev = vevent(message)
    assert str(vev["STATUS"]) == "CANCELLED"
    assert int(vev["SEQUENCE"]) == 1
    assert listing(api, grant) == []
    shown = listing(api, grant, show_cancelled="True")
    assert [(e["id"], e["status"]) for e in shown] == [(event["id"], "cancelled")]
    # Deleting again is harmless and sends nothing more.
    assert api.delete(f"/v3/grants/{grant['id']}/events/{event['id']}", params={"calendar_id": "primary"}).is_success
    assert len(outbox.sent) == 2


def test_notify_participants_false_sends_nothing(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    assert create(api, grant, SYNC, notify_participants="False").status_code == 200
    assert outbox.sent == []


def test_event_notifications_fire(
    api: httpx.Client, grant: dict, account_server: AccountServer, clock: FixedClock
) -> None:
    seen: list[tuple[str, str]] = []
    account_server.ctx.notifiers.append(lambda grant_id, trigger, obj: seen.append((trigger, obj["id"])))
    body = {**SYNC, "participants": []}
    event = create(api, grant, body).json()["data"]
    api.put(f"/v3/grants/{grant['id']}/events/{event['id']}", params={"calendar_id": "primary"}, json={"title": "x"})
    api.delete(f"/v3/grants/{grant['id']}/events/{event['id']}", params={"calendar_id": "primary"})
    assert seen == [("event.created", event["id"]), ("event.updated", event["id"]), ("event.deleted", event["id"])]


@pytest.mark.parametrize(
    ("body", "params", "status"),
    [
        ({"title": "x"}, {}, 400),
        ({"when": {"start_time": 200, "end_time": 100}}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200, "start_timezone": "Nowhere/Land"}}, {}, 400),
        ({"when": {"date": "2026-02-30"}}, {}, 400),
        ({"when": {"start_date": "2026-03-05", "end_date": "2026-03-04"}}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}, "participants": [{"email": "nope"}]}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}, "recurrence": ["RRULE:FREQ=SOMETIMES"]}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}, "recurrence": ["RRULE:FREQ=SECONDLY"]}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}, "busy": "yes"}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}, "conferencing": "zoom"}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}, "visibility": "secret"}, {}, 400),
        ({"when": {"start_time": 1.5, "end_time": 200}}, {}, 400),
        ({"when": [], "title": 5}, {}, 400),
        ({"when": {"start_time": 100, "end_time": 200}}, {"calendar_id": "no-such-calendar"}, 404),
        ({"when": {"start_time": 100, "end_time": 200}}, {"calendar_id": ""}, 400),
    ],
)
def test_bad_event_input_gets_a_v3_error(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, body: dict, params: dict, status: int
) -> None:
    r = api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary", **params}, json=body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["type"] in {"invalid_request_error", "not_found_error"}
    assert r.json()["error"]["message"]


def test_unknown_event_and_missing_calendar_id(api: httpx.Client, grant: dict) -> None:
    assert api.get(f"/v3/grants/{grant['id']}/events/nope", params={"calendar_id": "primary"}).status_code == 404
    assert (
        api.get(f"/v3/grants/{grant['id']}/events/abc_20260303T150000Z", params={"calendar_id": "primary"}).status_code
        == 404
    )
    assert api.get(f"/v3/grants/{grant['id']}/events").status_code == 400


def test_list_window_overlap_default_window_filters_and_pages(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    def add(title: str, start: int, minutes: int, **extra: object) -> dict:
        body = {"title": title, "when": {"start_time": start, "end_time": start + minutes * 60}, **extra}
        r = create(api, grant, body)
        assert r.status_code == 200, r.text
        return r.json()["data"]

    early = add("early", ts(2026, 3, 3, 8, 30), 60, busy=False)
    add("later", ts(2026, 3, 3, 11), 30, participants=[{"email": "kim@else.org"}], metadata={"key2": "x"})
    add("next month", ts(2026, 4, 10, 9), 30)
    add("last week", ts(2026, 2, 23, 9), 30)
    # 08:30-09:30 overlaps a window starting at 09:00.
    window = {"start": ts(2026, 3, 3, 9), "end": ts(2026, 3, 3, 12)}
    assert [e["title"] for e in listing(api, grant, **window)] == ["early", "later"]
    assert [e["title"] for e in listing(api, grant, start=ts(2026, 3, 3, 9, 30), end=ts(2026, 3, 4))] == ["later"]
    # Default window: now .. now + 1 month.
    assert [e["title"] for e in listing(api, grant)] == ["early", "later"]
    assert [e["title"] for e in listing(api, grant, busy="false", **window)] == ["early"]
    assert [e["title"] for e in listing(api, grant, title="LAT", **window)] == ["later"]
    assert [e["title"] for e in listing(api, grant, attendees="KIM@else.org", **window)] == ["later"]
    assert [e["title"] for e in listing(api, grant, metadata_pair="key2:x", **window)] == ["later"]
    assert [e["title"] for e in listing(api, grant, ical_uid=early["ical_uid"])] == ["early"]
    assert listing(api, grant, select="title", **window)[0].keys() == {"id", "grant_id", "object", "title"}
    assert (
        api.get(
            f"/v3/grants/{grant['id']}/events", params={"calendar_id": "primary", "start": 10, "end": 5}
        ).status_code
        == 400
    )

    seen: list[str] = []
    token = None
    while True:
        params = {"calendar_id": "primary", "limit": 1, "start": ts(2026, 2, 1), "end": ts(2026, 5, 1)}
        if token:
            params["page_token"] = token
        page = api.get(f"/v3/grants/{grant['id']}/events", params=params).json()
        seen += [e["title"] for e in page["data"]]
        token = page["next_cursor"]
        if not token:
            break
    assert seen == ["last week", "early", "later", "next month"]


def test_recurring_events_expand_with_exdate_and_overrides(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    body = {
        "title": "Standup",
        "when": {
            "start_time": ts(2026, 3, 2, 14),
            "end_time": ts(2026, 3, 2, 14, 15),
            "start_timezone": "America/New_York",
        },
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "EXDATE:20260304T140000Z"],
        "participants": [{"email": "dana@else.org"}],
    }
    master = create(api, grant, body).json()["data"]
    window = {"start": ts(2026, 3, 2), "end": ts(2026, 3, 17)}
    occurrences = listing(api, grant, **window)
    starts = [datetime.fromtimestamp(e["when"]["start_time"], UTC) for e in occurrences]
    # New York wall time 09:00 holds across the US DST change on 2026-03-08 (14:00Z, then 13:00Z).
    assert starts == [
        datetime(2026, 3, 2, 14, tzinfo=UTC),
        datetime(2026, 3, 9, 13, tzinfo=UTC),
        datetime(2026, 3, 11, 13, tzinfo=UTC),
        datetime(2026, 3, 16, 13, tzinfo=UTC),
    ]
    assert {e["master_event_id"] for e in occurrences} == {master["id"]}
    assert all(e["recurrence"] is None and e["original_start_time"] for e in occurrences)
    assert listing(api, grant, expand_recurring="false", **window)[0]["recurrence"] == body["recurrence"]

    # Move one occurrence and cancel another: each becomes an override, and the expansion follows.
    second, third = occurrences[1], occurrences[2]
    outbox.sent.clear()
    url = f"/v3/grants/{grant['id']}/events"
    moved = {"start_time": ts(2026, 3, 9, 18), "end_time": ts(2026, 3, 9, 18, 15)}
    r = api.put(f"{url}/{second['id']}", params={"calendar_id": "primary"}, json={"when": moved})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["master_event_id"] == master["id"]
    assert "RECURRENCE-ID" in vevent(outbox.sent[0])
    assert api.delete(f"{url}/{third['id']}", params={"calendar_id": "primary"}).status_code == 200
    assert calendar_part(outbox.sent[-1])[0] == "CANCEL"
    assert vevent(outbox.sent[-1]).decoded("RECURRENCE-ID") == datetime(2026, 3, 11, 13, tzinfo=UTC)
    after = listing(api, grant, **window)
    assert [datetime.fromtimestamp(e["when"]["start_time"], UTC).hour for e in after] == [14, 18, 13]
    # PUT replaces `when` wholesale (v3): the override keeps exactly what was sent.
    got = api.get(f"{url}/{second['id']}", params={"calendar_id": "primary"}).json()["data"]
    assert got["when"] == {"object": "timespan", **moved}
    fourth = api.get(f"{url}/{occurrences[3]['id']}", params={"calendar_id": "primary"}).json()["data"]
    assert fourth["master_event_id"] == master["id"]


def test_all_day_events(api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock) -> None:
    one = create(api, grant, {"title": "Holiday", "when": {"date": "2026-03-05"}}).json()["data"]
    span = create(api, grant, {"title": "Trip", "when": {"start_date": "2026-03-06", "end_date": "2026-03-08"}}).json()[
        "data"
    ]
    assert one["when"] == {"object": "date", "date": "2026-03-05"}
    assert span["when"]["object"] == "datespan"
    assert [e["title"] for e in listing(api, grant, start=ts(2026, 3, 8, 12), end=ts(2026, 3, 9))] == ["Trip"]
    assert [e["title"] for e in listing(api, grant, start=ts(2026, 3, 5, 23), end=ts(2026, 3, 6))] == ["Holiday"]


def test_free_busy_for_hosted_and_foreign_addresses(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    def add(title: str, start: int, minutes: int, **extra: object) -> dict:
        body = {"title": title, "when": {"start_time": start, "end_time": start + minutes * 60}, **extra}
        return create(api, grant, body).json()["data"]

    add("a", ts(2026, 3, 3, 9), 60)
    add("b", ts(2026, 3, 3, 9, 30), 60)  # overlaps a: one merged block
    add("free", ts(2026, 3, 3, 13), 60, busy=False)
    gone = add("gone", ts(2026, 3, 3, 15), 60)
    api.delete(f"/v3/grants/{grant['id']}/events/{gone['id']}", params={"calendar_id": "primary"})
    add("daily", ts(2026, 3, 2, 17), 30, recurrence=["RRULE:FREQ=DAILY;COUNT=3"])
    r = api.post(
        f"/v3/grants/{grant['id']}/calendars/free-busy",
        json={"start_time": ts(2026, 3, 3), "end_time": ts(2026, 3, 5), "emails": ["agent@example.com", "x@y.org"]},
    )
    assert r.status_code == 200
    mine, other = r.json()["data"]
    assert mine["object"] == "free_busy"
    blocks = [(s["start_time"], s["end_time"], s["status"]) for s in mine["time_slots"]]
    assert blocks == [
        (ts(2026, 3, 3, 9), ts(2026, 3, 3, 10, 30), "busy"),
        (ts(2026, 3, 3, 17), ts(2026, 3, 3, 17, 30), "busy"),
        (ts(2026, 3, 4, 17), ts(2026, 3, 4, 17, 30), "busy"),
    ]
    assert "title" not in str(mine)
    assert other["object"] == "error"
    assert other["email"] == "x@y.org"
    bad = api.post(
        f"/v3/grants/{grant['id']}/calendars/free-busy", json={"start_time": 5, "end_time": 1, "emails": ["a@b.c"]}
    )
    assert bad.status_code == 400


def test_rsvp_to_own_event_is_refused_and_mailer_errors_are_reported(
    api: httpx.Client, grant: dict, account_server: AccountServer, clock: FixedClock
) -> None:
    account_server.ctx.mailer = None  # nothing can go out: creating with notify fails whole, RSVP reports it
    r = create(api, grant, SYNC)
    assert r.status_code == 503
    assert listing(api, grant, start=ts(2026, 3, 3), end=ts(2026, 3, 4)) == []
    event = create(api, grant, SYNC, notify_participants="false").json()["data"]
    r = api.post(
        f"/v3/grants/{grant['id']}/events/{event['id']}/send-rsvp",
        params={"calendar_id": "primary"},
        json={"status": "yes"},
    )
    assert r.status_code == 400


def test_calendar_over_tcp_with_the_official_sdk(
    http_server: str, account_server: AccountServer, clock: FixedClock, outbox: RecordingMailer
) -> None:
    nylas = pytest.importorskip("nylas")
    client = nylas.Client(api_key=account_server.api_key, api_uri=http_server, timeout=10)
    grant_id = client.auth.custom_authentication(
        {"provider": "nylas", "name": "SDK Agent", "settings": {"email": "sdk@example.com"}}
    ).data.id
    calendars = client.calendars.list(grant_id).data
    primary = client.calendars.find(grant_id, "primary").data
    assert [c.id for c in calendars] == [primary.id]
    assert primary.is_primary is True

    created = client.events.create(
        grant_id,
        request_body={
            "title": "SDK meeting",
            "when": {"start_time": ts(2026, 3, 3, 10), "end_time": ts(2026, 3, 3, 11)},
            "participants": [{"email": "guest@else.org", "name": "Guest"}],
            "conferencing": {"provider": "Zoom Meeting", "details": {"url": "https://zoom.example/j/1"}},
            "reminders": {"use_default": False, "overrides": [{"reminder_minutes": 10}]},
        },
        query_params={"calendar_id": "primary", "notify_participants": True},
    ).data
    assert created.when.object == "timespan"
    assert created.conferencing.details["url"] == "https://zoom.example/j/1"
    assert created.reminders.overrides[0].reminder_minutes == 10
    assert len(outbox.sent) == 1
    found = client.events.find(grant_id, created.id, query_params={"calendar_id": "primary"}).data
    assert found.title == "SDK meeting"
    listed = client.events.list(
        grant_id, query_params={"calendar_id": "primary", "start": ts(2026, 3, 3), "end": ts(2026, 3, 4)}
    )
    assert [e.id for e in listed.data] == [created.id]
    updated = client.events.update(
        grant_id, created.id, request_body={"title": "SDK meeting (moved)"}, query_params={"calendar_id": "primary"}
    ).data
    assert updated.title == "SDK meeting (moved)"
    free_busy = client.calendars.get_free_busy(
        grant_id, {"start_time": ts(2026, 3, 3), "end_time": ts(2026, 3, 4), "emails": ["sdk@example.com", "a@b.org"]}
    ).data
    assert free_busy[0].time_slots[0].start_time == ts(2026, 3, 3, 10)
    assert free_busy[1].error
    client.events.destroy(grant_id, created.id, query_params={"calendar_id": "primary"})
    assert client.events.list(grant_id, query_params={"calendar_id": "primary", "start": ts(2026, 3, 3)}).data == []
    with pytest.raises(nylas.models.errors.NylasApiError) as info:
        client.events.find(grant_id, "missing", query_params={"calendar_id": "primary"})
    assert info.value.status_code == 404


def test_window_defaults_follow_the_server_clock(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    create(api, grant, {"title": "soon", "when": {"start_time": ts(2026, 3, 20, 9), "end_time": ts(2026, 3, 20, 10)}})
    assert [e["title"] for e in listing(api, grant)] == ["soon"]
    clock.advance(timedelta(days=30))
    assert listing(api, grant) == []


def test_availability_collective_and_round_robin_with_open_hours_and_buffers(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    kim = api.post("/v3/connect/custom", json={"provider": "nylas", "settings": {"email": "kim@example.com"}}).json()
    for owner, hour in ((grant, 10), (kim["data"], 13)):
        body = {"title": "busy", "when": {"start_time": ts(2026, 3, 3, hour), "end_time": ts(2026, 3, 3, hour + 1)}}
        assert create(api, owner, body).status_code == 200
    hours = [{"days": [2], "timezone": "Europe/London", "start": "9:00", "end": "17:00"}]  # Tuesdays

    def ask(method: str, **rules: object) -> list[tuple[int, list[str]]]:
        body = {
            "start_time": ts(2026, 3, 3),
            "end_time": ts(2026, 3, 4),
            "duration_minutes": 60,
            "interval_minutes": 60,
            "participants": [{"email": "agent@example.com"}, {"email": "kim@example.com"}],
            "availability_rules": {"availability_method": method, "default_open_hours": hours, **rules},
        }
        r = api.post("/v3/calendars/availability", json=body)
        assert r.status_code == 200, r.text
        slots = r.json()["data"]["time_slots"] or []
        return [(datetime.fromtimestamp(s["start_time"], UTC).hour, s["emails"]) for s in slots]

    both = ["agent@example.com", "kim@example.com"]
    assert ask("collective") == [(9, both), (11, both), (12, both), (14, both), (15, both), (16, both)]
    assert [h for h, _ in ask("collective", buffer={"before": 15})] == [9, 12, 15, 16]
    round_robin = dict(ask("max-availability"))
    assert round_robin[10] == ["kim@example.com"]
    assert round_robin[13] == ["agent@example.com"]
    r = api.post(
        "/v3/calendars/availability",
        json={
            "start_time": ts(2026, 3, 3),
            "end_time": ts(2026, 3, 4),
            "duration_minutes": 30,
            "participants": [{"email": "x@y.org"}],
        },
    )
    assert r.status_code == 400


def test_send_rsvp_with_the_official_sdk_between_two_hosted_accounts(
    http_server: str, account_server: AccountServer, clock: FixedClock
) -> None:
    nylas = pytest.importorskip("nylas")
    client = nylas.Client(api_key=account_server.api_key, api_uri=http_server, timeout=10)
    accounts = [
        client.auth.custom_authentication({"provider": "nylas", "name": name, "settings": {"email": email}}).data.id
        for name, email in (("Kim", "kim@example.com"), ("Agent", "agent2@example.com"))
    ]
    organizer, invitee = accounts
    created = client.events.create(
        organizer,
        request_body={
            "title": "Pairing",
            "when": {"start_time": ts(2026, 3, 5, 10), "end_time": ts(2026, 3, 5, 11)},
            "participants": [{"email": "agent2@example.com"}],
        },
        query_params={"calendar_id": "primary"},
    ).data
    window = {"calendar_id": "primary", "start": ts(2026, 3, 5), "end": ts(2026, 3, 6)}
    [invited] = client.events.list(invitee, query_params=window).data
    assert invited.read_only is True
    response = client.events.send_rsvp(
        invitee, invited.id, request_body={"status": "yes"}, query_params={"calendar_id": "primary"}
    )
    assert response.request_id
    back = client.events.find(organizer, created.id, query_params={"calendar_id": "primary"}).data
    assert [(p.email, p.status) for p in back.participants] == [("agent2@example.com", "yes")]


def test_import_listing_and_bounded_expansion_windows(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    daily = {"title": "daily", "when": {"start_time": ts(2026, 3, 2, 9), "end_time": ts(2026, 3, 2, 10)}}
    master = create(api, grant, {**daily, "recurrence": ["RRULE:FREQ=DAILY"]}).json()["data"]
    gone = create(api, grant, {"title": "gone", "when": {"start_time": ts(2030, 1, 1), "end_time": ts(2030, 1, 2)}})
    api.delete(f"/v3/grants/{grant['id']}/events/{gone.json()['data']['id']}", params={"calendar_id": "primary"})
    r = api.get(f"/v3/grants/{grant['id']}/events/import", params={"calendar_id": "primary"})
    assert r.status_code == 200
    assert [(e["id"], e["status"]) for e in r.json()["data"]] == [
        (master["id"], "confirmed"),
        (gone.json()["data"]["id"], "cancelled"),
    ]
    everything = {"calendar_id": "primary", "start": 0, "end": ts(2100, 1, 1)}
    assert api.get(f"/v3/grants/{grant['id']}/events", params=everything).status_code == 400
    unexpanded = api.get(f"/v3/grants/{grant['id']}/events", params={**everything, "expand_recurring": "false"})
    assert [e["id"] for e in unexpanded.json()["data"]] == [master["id"]]


def test_deleting_a_calendar_or_the_account_removes_its_events(
    api: httpx.Client, grant: dict, account_server: AccountServer, outbox: RecordingMailer, clock: FixedClock
) -> None:
    extra = api.post(f"/v3/grants/{grant['id']}/calendars", json={"name": "Side"}).json()["data"]
    when = {"start_time": ts(2026, 3, 3, 9), "end_time": ts(2026, 3, 3, 10)}
    api.post(f"/v3/grants/{grant['id']}/events", params={"calendar_id": extra["id"]}, json={"title": "x", "when": when})
    create(api, grant, {"title": "y", "when": when})
    assert account_server.db.one("SELECT COUNT(*) AS n FROM events")["n"] == 2
    api.delete(f"/v3/grants/{grant['id']}/calendars/{extra['id']}")
    assert account_server.db.one("SELECT COUNT(*) AS n FROM events")["n"] == 1
    assert api.delete(f"/v3/grants/{grant['id']}").status_code == 200
    assert account_server.db.one("SELECT COUNT(*) AS n FROM events")["n"] == 0
    assert account_server.db.one("SELECT COUNT(*) AS n FROM calendars")["n"] == 0


def test_window_listing_matches_a_brute_force_overlap_check(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock
) -> None:
    rng = random.Random(20260302)
    origin = ts(2026, 3, 1)
    spans: dict[str, tuple[int, int]] = {}
    for i in range(120):
        start = origin + rng.randrange(0, 60 * 86400, 900)
        end = start + rng.choice([0, 900, 3600, 86400, 3 * 86400])
        event = create(api, grant, {"title": f"e{i}", "when": {"start_time": start, "end_time": end}}).json()["data"]
        spans[event["id"]] = (start, end)
    for _ in range(40):
        lo = origin + rng.randrange(0, 60 * 86400, 900)
        hi = lo + rng.randrange(900, 20 * 86400, 900)
        expected = sorted((s, i) for i, (s, e) in spans.items() if s < hi and (e > lo or (s == e and s >= lo)))
        got = listing(api, grant, start=lo, end=hi, limit=200)
        assert [(e["when"]["start_time"], e["id"]) for e in got] == expected


@pytest.mark.parametrize(
    ("rule", "zone"),
    [
        ("RRULE:FREQ=DAILY;INTERVAL=2", "America/New_York"),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=9", "Europe/Berlin"),
        ("RRULE:FREQ=MONTHLY;BYDAY=-1FR", "Asia/Kolkata"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=31", "Australia/Sydney"),
        ("RRULE:FREQ=WEEKLY;UNTIL=20260501T000000Z", "UTC"),
    ],
)
def test_listed_occurrences_agree_with_the_invitation_we_send(
    api: httpx.Client, grant: dict, outbox: RecordingMailer, clock: FixedClock, rule: str, zone: str
) -> None:
    recurring_ical_events = pytest.importorskip("recurring_ical_events")
    start = ts(2026, 3, 2, 14)
    body = {
        "title": "series",
        "when": {"start_time": start, "end_time": start + 2700, "start_timezone": zone},
        "recurrence": [rule, "EXDATE:20260316T140000Z"],
        "participants": [{"email": "dana@else.org"}],
    }
    assert create(api, grant, body).status_code == 200
    lo, hi = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC)
    got = [
        e["when"]["start_time"]
        for e in listing(api, grant, start=int(lo.timestamp()), end=int(hi.timestamp()), limit=200)
    ]
    _, cal = calendar_part(outbox.sent[0])
    expected = sorted(int(e.decoded("DTSTART").timestamp()) for e in recurring_ical_events.of(cal).between(lo, hi))
    assert got == expected
    assert got
