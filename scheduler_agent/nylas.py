"""The agent's grant-scoped client for the Nylas v3 API, used unchanged against real Nylas and our account server.

`NylasClient` makes the calls under /v3/grants/{grant}/...: mail, threads, folders, attachments, calendars,
events, RSVP, free/busy. The transport underneath (retries, error mapping, pagination) is
`v3_session.V3Session`; application-level calls (grants, webhooks, policies, rules, lists, workspaces) are
`nylas_app.NylasApp`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from .errors import ApiUnavailable
from .models import InboundMessage
from .nylas_models import (
    FreeBusy,
    OutgoingAttachment,
    free_busy_from_json,
    message_from_json,
    needs_multipart,
    to_unix,
)
from .v3_session import DEFAULT_TIMEOUT, JSON, SessionOwner, V3Session, open_http, seg, session_for

log = logging.getLogger(__name__)

RSVP_STATUSES = frozenset({"yes", "no", "maybe"})
MAX_IDEMPOTENCY_KEY = 256


def _changes(**fields: Any) -> JSON:
    body = {key: value for key, value in fields.items() if value is not None}
    if not body:
        raise ValueError("nothing to update: pass at least one field")
    return body


class NylasClient(SessionOwner):
    """Grant-scoped v3 calls. Lists are lazy iterators; single objects come back as v3 JSON dicts."""

    def __init__(
        self,
        http: httpx.Client | V3Session,
        grant_id: str,
        *,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session_for(http, max_retries, backoff_base, max_backoff, sleep)
        self.grant_id = grant_id
        self.base = f"/v3/grants/{seg(grant_id)}"

    @classmethod
    def connect(
        cls,
        api_uri: str,
        api_key: str,
        grant_id: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> NylasClient:
        """Build the httpx.Client too; `transport` is how tests and the embedded server plug in."""
        http = open_http(api_uri, api_key, transport=transport, timeout=timeout)
        return cls(
            http, grant_id, max_retries=max_retries, backoff_base=backoff_base, max_backoff=max_backoff, sleep=sleep
        )

    # -- messages -------------------------------------------------------------------------------

    def list_messages(
        self,
        *,
        unread: bool | None = None,
        starred: bool | None = None,
        in_folder: str | None = None,
        thread_id: str | None = None,
        from_: str | Sequence[str] | None = None,
        to: str | Sequence[str] | None = None,
        any_email: Sequence[str] | None = None,
        subject: str | None = None,
        has_attachment: bool | None = None,
        received_after: datetime | None = None,
        received_before: datetime | None = None,
        fields: str | None = None,
        select: Sequence[str] | None = None,
        limit: int = 50,
        max_items: int | None = None,
    ) -> Iterator[JSON]:
        """Messages newest first; `in_folder` is a folder id (see `folder_id`)."""
        params = {
            "unread": unread,
            "starred": starred,
            "in": in_folder,
            "thread_id": thread_id,
            "from": from_,
            "to": to,
            "any_email": any_email,
            "subject": subject,
            "has_attachment": has_attachment,
            "received_after": received_after,
            "received_before": received_before,
            "fields": fields,
            "select": select,
        }
        return self.session.pages(f"{self.base}/messages", params, limit=limit, max_items=max_items)

    def iter_inbound(self, **filters: Any) -> Iterator[InboundMessage]:
        """`list_messages` with headers, typed; a malformed message is logged and skipped, not fatal."""
        for obj in self.list_messages(fields="include_headers", **filters):
            try:
                yield message_from_json(obj)
            except ValueError as exc:
                log.warning("skipping malformed message %s: %s", obj.get("id"), exc)

    def get_message(self, message_id: str, *, fields: str | None = None, select: Sequence[str] | None = None) -> JSON:
        params = {"fields": fields, "select": select}
        return self.session.data("GET", f"{self.base}/messages/{seg(message_id)}", params=params, replay_safe=True)

    def get_inbound(self, message_id: str) -> InboundMessage:
        """One message with headers, typed; raises ValueError when the server's object is malformed."""
        return message_from_json(self.get_message(message_id, fields="include_headers"))

    def update_message(
        self,
        message_id: str,
        *,
        unread: bool | None = None,
        starred: bool | None = None,
        folders: Sequence[str] | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> JSON:
        """`folders` replaces the message's whole folder list (v3 PUT semantics)."""
        folder_list = list(folders) if folders is not None else None
        body = _changes(unread=unread, starred=starred, folders=folder_list, metadata=metadata)
        return self.session.data("PUT", f"{self.base}/messages/{seg(message_id)}", json_body=body, replay_safe=True)

    def delete_message(self, message_id: str) -> None:
        """Moves it to trash."""
        self.session.call("DELETE", f"{self.base}/messages/{seg(message_id)}", replay_safe=True)

    def send_message(
        self, body: Mapping[str, Any], *, idempotency_key: str, attachments: Sequence[OutgoingAttachment] = ()
    ) -> JSON:
        """Send mail; the key makes a replayed send (our retry, or a restart) come back as the first answer.

        Attachments go inline as base64 JSON, or as multipart once they total 3 MiB (the SDK's rule).
        """
        if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
            raise ValueError(f"idempotency_key must be 1-{MAX_IDEMPOTENCY_KEY} characters")
        if attachments and "attachments" in body:
            raise ValueError("attachments given both in the body and as OutgoingAttachment objects")
        path = f"{self.base}/messages/send"
        headers = {"Idempotency-Key": idempotency_key}
        if needs_multipart(attachments):
            files: list[tuple[str, tuple[str, bytes | str, str]]] = [
                ("message", ("", json.dumps(dict(body)), "application/json"))
            ]
            for index, item in enumerate(attachments):
                files.append((item.content_id or f"file{index}", (item.filename, item.content, item.content_type)))
            return self.session.data("POST", path, files=files, headers=headers, replay_safe=True)
        payload = dict(body)
        if attachments:
            payload["attachments"] = [item.to_json() for item in attachments]
        return self.session.data("POST", path, json_body=payload, headers=headers, replay_safe=True)

    # -- threads and folders ---------------------------------------------------------------------

    def list_threads(
        self,
        *,
        unread: bool | None = None,
        in_folder: str | None = None,
        any_email: Sequence[str] | None = None,
        subject: str | None = None,
        latest_message_after: datetime | None = None,
        latest_message_before: datetime | None = None,
        select: Sequence[str] | None = None,
        limit: int = 20,
        max_items: int | None = None,
    ) -> Iterator[JSON]:
        """Threads; v3 caps a page at 50, hence the smaller default."""
        params = {
            "unread": unread,
            "in": in_folder,
            "any_email": any_email,
            "subject": subject,
            "latest_message_after": latest_message_after,
            "latest_message_before": latest_message_before,
            "select": select,
        }
        return self.session.pages(f"{self.base}/threads", params, limit=limit, max_items=max_items)

    def get_thread(self, thread_id: str) -> JSON:
        return self.session.data("GET", f"{self.base}/threads/{seg(thread_id)}", replay_safe=True)

    def update_thread(
        self,
        thread_id: str,
        *,
        unread: bool | None = None,
        starred: bool | None = None,
        folders: Sequence[str] | None = None,
    ) -> JSON:
        """Applies to every message of the thread."""
        body = _changes(unread=unread, starred=starred, folders=list(folders) if folders is not None else None)
        return self.session.data("PUT", f"{self.base}/threads/{seg(thread_id)}", json_body=body, replay_safe=True)

    def list_folders(self, *, limit: int = 50, max_items: int | None = None) -> Iterator[JSON]:
        return self.session.pages(f"{self.base}/folders", {}, limit=limit, max_items=max_items)

    def create_folder(self, name: str, *, parent_id: str | None = None) -> JSON:
        body = {"name": name} | ({"parent_id": parent_id} if parent_id else {})
        return self.session.data("POST", f"{self.base}/folders", json_body=body, replay_safe=False)

    def folder_id(self, name: str) -> str:
        """A folder's id from its name, case-insensitively; system folder ids differ between providers,
        so when none matches the name itself is returned (what Agent Accounts use), as the Nylas CLI does."""
        wanted = name.lower()
        for folder in self.list_folders():
            if str(folder.get("name", "")).lower() == wanted and isinstance(folder.get("id"), str):
                return folder["id"]
        return name

    # -- attachments ------------------------------------------------------------------------------

    def get_attachment(self, attachment_id: str, *, message_id: str) -> JSON:
        path = f"{self.base}/attachments/{seg(attachment_id)}"
        return self.session.data("GET", path, params={"message_id": message_id}, replay_safe=True)

    def download_attachment(self, attachment_id: str, *, message_id: str) -> bytes:
        path = f"{self.base}/attachments/{seg(attachment_id)}/download"
        return self.session.send("GET", path, params={"message_id": message_id}, replay_safe=True).content

    # -- calendars and events ------------------------------------------------------------------------

    def list_calendars(self, *, limit: int = 50, max_items: int | None = None) -> Iterator[JSON]:
        return self.session.pages(f"{self.base}/calendars", {}, limit=limit, max_items=max_items)

    def get_calendar(self, calendar_id: str = "primary") -> JSON:
        return self.session.data("GET", f"{self.base}/calendars/{seg(calendar_id)}", replay_safe=True)

    def list_events(
        self,
        *,
        calendar_id: str = "primary",
        start: datetime | None = None,
        end: datetime | None = None,
        show_cancelled: bool | None = None,
        expand_recurring: bool | None = None,
        busy: bool | None = None,
        ical_uid: str | None = None,
        metadata_pair: str | None = None,
        updated_after: datetime | None = None,
        select: Sequence[str] | None = None,
        limit: int = 50,
        max_items: int | None = None,
    ) -> Iterator[JSON]:
        """Events overlapping [start, end) (v3 default: the next month), as v3 JSON."""
        params = {
            "calendar_id": calendar_id,
            "start": start,
            "end": end,
            "show_cancelled": show_cancelled,
            "expand_recurring": expand_recurring,
            "busy": busy,
            "ical_uid": ical_uid,
            "metadata_pair": metadata_pair,
            "updated_after": updated_after,
            "select": select,
        }
        return self.session.pages(f"{self.base}/events", params, limit=limit, max_items=max_items)

    def get_event(self, event_id: str, *, calendar_id: str = "primary") -> JSON:
        path = f"{self.base}/events/{seg(event_id)}"
        return self.session.data("GET", path, params={"calendar_id": calendar_id}, replay_safe=True)

    def create_event(self, body: Mapping[str, Any], *, calendar_id: str = "primary", notify_participants: bool) -> JSON:
        """`notify_participants` has no default on purpose: v3 defaults to mailing invitations, and a
        silent hold must never reach anyone's inbox by accident."""
        params = {"calendar_id": calendar_id, "notify_participants": notify_participants}
        return self.session.data("POST", f"{self.base}/events", params=params, json_body=dict(body), replay_safe=False)

    def update_event(
        self, event_id: str, body: Mapping[str, Any], *, calendar_id: str = "primary", notify_participants: bool
    ) -> JSON:
        params = {"calendar_id": calendar_id, "notify_participants": notify_participants}
        path = f"{self.base}/events/{seg(event_id)}"
        return self.session.data("PUT", path, params=params, json_body=dict(body), replay_safe=True)

    def delete_event(self, event_id: str, *, calendar_id: str = "primary", notify_participants: bool) -> None:
        params = {"calendar_id": calendar_id, "notify_participants": notify_participants}
        self.session.call("DELETE", f"{self.base}/events/{seg(event_id)}", params=params, replay_safe=True)

    def send_rsvp(self, event_id: str, status: str, *, calendar_id: str = "primary") -> JSON:
        """Answer an invitation; v3 answers 200 even when the ICS REPLY mail failed, reported in
        `send_ics_error` of the returned data, which is logged here because the RSVP itself stands."""
        if status not in RSVP_STATUSES:
            raise ValueError(f"RSVP status must be one of {sorted(RSVP_STATUSES)}, got {status!r}")
        path = f"{self.base}/events/{seg(event_id)}/send-rsvp"
        data = self.session.data(
            "POST", path, params={"calendar_id": calendar_id}, json_body={"status": status}, replay_safe=False
        )
        data = data if isinstance(data, dict) else {}
        if data.get("send_ics_error"):
            log.warning(
                "RSVP %s on event %s stored, but its ICS reply failed: %s", status, event_id, data["send_ics_error"]
            )
        return data

    def free_busy(
        self, start: datetime, end: datetime, emails: Sequence[str], *, tentative_as_busy: bool | None = None
    ) -> FreeBusy:
        """Busy blocks per address; read-only, so it is replayed like a GET."""
        body: JSON = {"start_time": to_unix(start), "end_time": to_unix(end), "emails": list(emails)}
        if tentative_as_busy is not None:
            body["tentative_as_busy"] = tentative_as_busy
        data = self.session.data("POST", f"{self.base}/calendars/free-busy", json_body=body, replay_safe=True)
        if not isinstance(data, list):
            raise ApiUnavailable("free-busy answer has no list in `data`")
        try:
            return free_busy_from_json(data)
        except ValueError as exc:
            raise ApiUnavailable(f"free-busy answer is malformed: {exc}") from exc
