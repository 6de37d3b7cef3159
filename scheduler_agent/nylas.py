"""The agent's only client for the Nylas v3 API, used unchanged against real Nylas and our account server.

    V3Session        one httpx.Client: retries with backoff, Retry-After, error envelopes → ApiError,
                     pagination, one INFO log line and one `request_count` tick per HTTP request
    NylasClient      grant-scoped calls (/v3/grants/{grant}/...): mail, threads, folders, attachments,
                     calendars, events, RSVP, free/busy
    NylasApp         application-level calls: connect/custom, grants, webhooks, policies, rules, lists,
                     workspaces; `.grant(id)` hands out a NylasClient sharing the same session

Retrying must never duplicate a side effect. Reads, PUT/DELETE and sends (which always carry an
Idempotency-Key) are replayed on 429/5xx/timeouts/dropped connections. Other POSTs (create event, RSVP,
create account, rotate secret) are replayed only when the server certainly did not act on them: a 429,
or a connection that was never established.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from . import __version__
from .errors import ApiError, ApiRejected, ApiUnavailable, ConfigError
from .models import InboundMessage
from .nylas_models import (
    FreeBusy,
    OutgoingAttachment,
    free_busy_from_json,
    message_from_json,
    needs_multipart,
    to_unix,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RSVP_STATUSES = frozenset({"yes", "no", "maybe"})
MAX_IDEMPOTENCY_KEY = 256
# The request never reached the server, so replaying it cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The server may or may not have acted; only requests that are safe to repeat are replayed.
_MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

JSON = dict[str, Any]


def seg(value: str) -> str:
    """One percent-encoded path segment: provider ids may hold '/', '+', '=' or '<>' (e.g. Message-IDs)."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"an id in a v3 path must be a non-empty string, got {value!r}")
    if value in (".", ".."):
        # URL normalisation (httpx's, or any proxy's: %2E counts as '.') would climb to the parent resource,
        # so delete_message("..") would delete the whole grant.
        raise ValueError(f"{value!r} cannot be an id in a v3 path")
    return quote(value, safe="")


def _query(params: Mapping[str, Any]) -> dict[str, str]:
    """Unset filters are dropped; booleans, instants and lists take the forms the v3 spec documents."""
    query: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            query[key] = "true" if value else "false"
        elif isinstance(value, datetime):
            query[key] = str(to_unix(value))
        elif isinstance(value, list | tuple | set | frozenset):
            query[key] = ",".join(str(v) for v in value)
        else:
            query[key] = str(value)
    return query


def _server_date(response: httpx.Response) -> datetime | None:
    try:
        sent = email.utils.parsedate_to_datetime(response.headers.get("date", ""))
    except (TypeError, ValueError):
        return None
    return sent if sent.tzinfo else sent.replace(tzinfo=UTC)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date measured against the server's own `Date`
    header when present so that clock skew between us and the server does not distort the wait."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            until = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        until = until if until.tzinfo else until.replace(tzinfo=UTC)
        seconds = (until - (_server_date(response) or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def error_from_response(response: httpx.Response) -> ApiError:
    """Map an error answer to ApiUnavailable (worth retrying later) or ApiRejected (never as sent).

    Reads the v3 envelope `{request_id, error: {type, message}}`, the OAuth form `{error,
    error_description}`, and anything else (an HTML 502 from a proxy) as text.
    """
    status = response.status_code
    request_id = response.headers.get("x-request-id", "")
    kind = message = ""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        request_id = str(body.get("request_id") or request_id)
        err = body.get("error")
        if isinstance(err, Mapping):
            kind, message = str(err.get("type") or ""), str(err.get("message") or "")
        elif isinstance(err, str):
            kind, message = err, str(body.get("error_description") or "")
    if not message:
        text = " ".join(response.text.split())[:200]
        message = f"HTTP {status} {response.reason_phrase}" + (f": {text}" if text else "")
    # A send whose key is still in flight may yet succeed or fail: ask again later, never give it up.
    in_flight = status == 409 and kind == "api.concurrent_idempotent_request"
    cls = ApiUnavailable if status in RETRY_STATUSES or status >= 500 or in_flight else ApiRejected
    return cls(message, status=status, type=kind, request_id=request_id, retry_after=retry_after_seconds(response))


def open_http(
    api_uri: str, api_key: str, *, transport: httpx.BaseTransport | None = None, timeout: float
) -> httpx.Client:
    """The httpx.Client both NylasClient and NylasApp expect: base URL and Bearer key preset.

    A malformed URI or a missing key is a configuration mistake, reported before any request is made."""
    try:
        url = httpx.URL(api_uri)
    except httpx.InvalidURL as exc:
        raise ConfigError(f"v3 API URI {api_uri!r} is not a URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"v3 API URI {api_uri!r} must look like https://host[:port]")
    if not api_key:
        raise ConfigError("a v3 API key is required (NYLAS_API_KEY or SCHEDULER_AGENT_API_KEY)")
    return httpx.Client(
        base_url=api_uri.rstrip("/"),
        headers={
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": f"scheduler-agent/{__version__}",
        },
        transport=transport,
        timeout=timeout,
    )


class V3Session:
    """Sends requests over one injected httpx.Client and turns failures into ApiError.

    `max_retries` counts extra attempts after the first. Waits are `backoff_base * 2**n` seconds, or the
    server's Retry-After, both capped at `max_backoff`; no jitter, so tests assert exact sleeps.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_retries < 0 or backoff_base < 0 or max_backoff < 0:
            raise ValueError("retry settings must not be negative")
        self.http = http
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.request_count = 0

    def _delay(self, attempt: int, hinted: float | None) -> float:
        wanted = hinted if hinted is not None else self.backoff_base * 2 ** (attempt - 1)
        return min(wanted, self.max_backoff)

    def _wait(self, attempt: int, hinted: float | None, method: str, path: str, reason: str) -> None:
        delay = self._delay(attempt, hinted)
        log.debug(
            "retrying %s %s in %.2f s after %s (retry %d of %d)", method, path, delay, reason, attempt, self.max_retries
        )
        self.sleep(delay)

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Sequence[tuple[str, tuple[str, bytes | str, str]]] | None = None,
        headers: Mapping[str, str] | None = None,
        replay_safe: bool,
    ) -> httpx.Response:
        """One logical call: the response of the first successful attempt, or an ApiError."""
        query = _query(params or {})
        attempt = 0
        ambiguous = False  # an earlier attempt may have been carried out by the server
        while True:
            attempt += 1
            self.request_count += 1
            started = time.perf_counter()
            try:
                response = self.http.request(
                    method, path, params=query, json=json_body, files=files, headers=dict(headers or {})
                )
            except httpx.HTTPError as exc:
                elapsed = (time.perf_counter() - started) * 1000
                log.info("%s %s -> %s after %.0f ms", method, path, type(exc).__name__, elapsed)
                if not isinstance(exc, _NOT_SENT + _MAYBE_SENT):
                    raise ApiRejected(f"{type(exc).__name__}: {exc}") from exc
                retryable = isinstance(exc, _NOT_SENT) or replay_safe
                if not retryable or attempt > self.max_retries:
                    raise ApiUnavailable(f"{type(exc).__name__}: {exc}") from exc
                ambiguous = ambiguous or not isinstance(exc, _NOT_SENT)
                self._wait(attempt, None, method, path, type(exc).__name__)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            request_id = response.headers.get("x-request-id", "")
            # Reads are the idle poll's bread and butter: DEBUG keeps a daemon's log to what changed something.
            level = logging.DEBUG if method == "GET" and response.status_code < 400 else logging.INFO
            log.log(
                level, "%s %s -> %d in %.0f ms (request %s)", method, path, response.status_code, elapsed, request_id
            )
            if response.status_code < 400:
                return response
            if method == "DELETE" and response.status_code == 404 and ambiguous:
                return response  # an earlier attempt whose answer was lost already deleted it
            error = error_from_response(response)
            status = response.status_code
            retryable = status in RETRY_STATUSES and (replay_safe or status == 429)
            if not retryable or attempt > self.max_retries:
                raise error
            ambiguous = ambiguous or status != 429
            self._wait(attempt, error.retry_after, method, path, f"HTTP {status}")

    def call(self, method: str, path: str, *, replay_safe: bool, **kwargs: Any) -> JSON:
        """The decoded v3 envelope of a JSON answer."""
        response = self.send(method, path, replay_safe=replay_safe, **kwargs)
        if response.status_code == 404:  # a DELETE already carried out by a lost attempt
            return {}
        try:
            body = response.json()
        except ValueError as exc:
            raise ApiUnavailable(
                f"{method} {path}: answer is not JSON ({response.headers.get('content-type', 'no content type')})",
                status=response.status_code,
            ) from exc
        if not isinstance(body, dict):
            raise ApiUnavailable(f"{method} {path}: answer is not a JSON object", status=response.status_code)
        return body

    def data(self, method: str, path: str, *, replay_safe: bool, **kwargs: Any) -> Any:
        """The `data` member of a v3 envelope."""
        return self.call(method, path, replay_safe=replay_safe, **kwargs).get("data")

    def pages(
        self, path: str, params: Mapping[str, Any], *, limit: int, max_items: int | None = None
    ) -> Iterator[JSON]:
        """Lazily walk a cursor-paginated list (`limit` + `page_token` ⇐ `next_cursor`)."""
        if limit <= 0:
            raise ValueError(f"limit must be positive, got {limit}")
        remaining = max_items
        token: str | None = None
        seen: set[str] = set()
        while remaining is None or remaining > 0:
            page_limit = limit if remaining is None else min(limit, remaining)
            body = self.call("GET", path, params={**params, "limit": page_limit, "page_token": token}, replay_safe=True)
            items, cursor = _list_page(body, path)
            yield from items[:remaining]
            if remaining is not None:
                remaining -= min(len(items), remaining)
            if not cursor:
                return
            if cursor in seen:
                raise ApiUnavailable(f"GET {path}: the server repeated page cursor {cursor!r}")
            seen.add(cursor)
            token = cursor

    def offset_pages(
        self, path: str, params: Mapping[str, Any], *, limit: int, max_items: int | None = None
    ) -> Iterator[JSON]:
        """Lazily walk a `limit` + `offset` list (v3 grants); a short page is the last one."""
        if limit <= 0:
            raise ValueError(f"limit must be positive, got {limit}")
        offset = 0
        while max_items is None or offset < max_items:
            page_limit = limit if max_items is None else min(limit, max_items - offset)
            items, _ = _list_page(
                self.call("GET", path, params={**params, "limit": page_limit, "offset": offset}, replay_safe=True), path
            )
            yield from items[:page_limit]
            offset += len(items)
            if len(items) < page_limit:
                return


def _list_page(body: JSON, path: str) -> tuple[list[JSON], str | None]:
    """A list envelope's items and cursor; also the `{items, next_cursor}` form the official SDK accepts."""
    data = body.get("data")
    cursor = body.get("next_cursor")
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        data, cursor = data["items"], data.get("next_cursor")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ApiUnavailable(f"GET {path}: list answer has no array of objects in `data`")
    return data, cursor if isinstance(cursor, str) and cursor else None


class _SessionOwner:
    """What NylasClient and NylasApp share: the session, its request counter and closing its pool."""

    session: V3Session

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, retries included (the benchmark reports API calls per request)."""
        return self.session.request_count

    def close(self) -> None:
        self.session.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _session(
    http: httpx.Client | V3Session,
    max_retries: int,
    backoff_base: float,
    max_backoff: float,
    sleep: Callable[[float], None],
) -> V3Session:
    if isinstance(http, V3Session):
        return http
    return V3Session(http, max_retries=max_retries, backoff_base=backoff_base, max_backoff=max_backoff, sleep=sleep)


def _changes(**fields: Any) -> JSON:
    body = {key: value for key, value in fields.items() if value is not None}
    if not body:
        raise ValueError("nothing to update: pass at least one field")
    return body


class NylasClient(_SessionOwner):
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
        self.session = _session(http, max_retries, backoff_base, max_backoff, sleep)
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


class Collection:
    """CRUD on one application-level v3 resource (`/v3/policies`, `/v3/rules`, ...)."""

    def __init__(self, session: V3Session, path: str, *, update_method: str = "PUT", paginated: bool = True) -> None:
        self.session = session
        self.path = path
        self.update_method = update_method
        self.paginated = paginated

    def list(self, *, limit: int = 50, max_items: int | None = None, **filters: Any) -> Iterator[JSON]:
        """Every item, lazily; `filters` are passed as query parameters."""
        if self.paginated:
            return self.session.pages(self.path, filters, limit=limit, max_items=max_items)
        body = self.session.call("GET", self.path, params=filters, replay_safe=True)
        items, _ = _list_page(body, self.path)
        return iter(items[:max_items])

    def get(self, item_id: str) -> JSON:
        return self.session.data("GET", f"{self.path}/{seg(item_id)}", replay_safe=True)

    def create(self, body: Mapping[str, Any]) -> JSON:
        return self.session.data("POST", self.path, json_body=dict(body), replay_safe=False)

    def update(self, item_id: str, body: Mapping[str, Any]) -> JSON:
        path = f"{self.path}/{seg(item_id)}"
        return self.session.data(self.update_method, path, json_body=dict(body), replay_safe=True)

    def delete(self, item_id: str) -> None:
        self.session.call("DELETE", f"{self.path}/{seg(item_id)}", replay_safe=True)


class GrantCollection(Collection):
    """Grants page with `limit`/`offset` (default 10), not cursors, and update with PATCH."""

    def __init__(self, session: V3Session) -> None:
        super().__init__(session, "/v3/grants", update_method="PATCH")

    def list(self, *, limit: int = 10, max_items: int | None = None, **filters: Any) -> Iterator[JSON]:
        """Grants, lazily; filters such as `email`, `provider`, `grant_status` go to the query."""
        return self.session.offset_pages(self.path, filters, limit=limit, max_items=max_items)


class WebhookCollection(Collection):
    """Webhook destinations; creating one makes the server verify the URL with a challenge first."""

    def __init__(self, session: V3Session) -> None:
        super().__init__(session, "/v3/webhooks", paginated=False)

    def rotate_secret(self, webhook_id: str) -> JSON:
        """A new `webhook_secret` (returned only here and on create); the spec's path, which our server
        shares with the SDK's `PUT /v3/webhooks/{id}/rotate-secret`."""
        return self.session.data(
            "POST", f"{self.path}/rotate-secret/{seg(webhook_id)}", json_body={}, replay_safe=False
        )


class ListCollection(Collection):
    """Lists of domains/TLDs/addresses that rules match with `in_list`."""

    def __init__(self, session: V3Session) -> None:
        super().__init__(session, "/v3/lists")

    def items(self, list_id: str, *, limit: int = 50, max_items: int | None = None) -> Iterator[JSON]:
        return self.session.pages(f"{self.path}/{seg(list_id)}/items", {}, limit=limit, max_items=max_items)

    def add_items(self, list_id: str, values: Sequence[str]) -> JSON:
        """Duplicates are ignored by the server, so a replay is harmless."""
        path = f"{self.path}/{seg(list_id)}/items"
        return self.session.data("POST", path, json_body={"items": list(values)}, replay_safe=True)

    def remove_items(self, list_id: str, values: Sequence[str]) -> JSON:
        path = f"{self.path}/{seg(list_id)}/items"
        return self.session.data("DELETE", path, json_body={"items": list(values)}, replay_safe=True)


class NylasApp(_SessionOwner):
    """Application-level v3 calls (API key, no grant in the path)."""

    def __init__(
        self,
        http: httpx.Client | V3Session,
        *,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = _session(http, max_retries, backoff_base, max_backoff, sleep)
        self.grants = GrantCollection(self.session)
        self.webhooks = WebhookCollection(self.session)
        self.policies = Collection(self.session, "/v3/policies")
        self.rules = Collection(self.session, "/v3/rules")
        self.lists = ListCollection(self.session)
        self.workspaces = Collection(self.session, "/v3/workspaces", update_method="PATCH", paginated=False)

    @classmethod
    def connect(
        cls,
        api_uri: str,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> NylasApp:
        http = open_http(api_uri, api_key, transport=transport, timeout=timeout)
        return cls(http, max_retries=max_retries, backoff_base=backoff_base, max_backoff=max_backoff, sleep=sleep)

    def grant(self, grant_id: str) -> NylasClient:
        """A grant-scoped client on the same connection pool and request counter."""
        return NylasClient(self.session, grant_id)

    def create_account(
        self, email: str, *, name: str | None = None, app_password: str | None = None, workspace_id: str | None = None
    ) -> JSON:
        """Create an Agent Account (`provider: "nylas"` custom auth); returns the new grant."""
        settings = {"email": email} | ({"app_password": app_password} if app_password else {})
        body: JSON = {"provider": "nylas", "settings": settings}
        if name:
            body["name"] = name
        if workspace_id:
            body["workspace_id"] = workspace_id
        return self.session.data("POST", "/v3/connect/custom", json_body=body, replay_safe=False)
