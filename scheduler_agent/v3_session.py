"""Transport for the v3 API: one httpx.Client, retries, error envelopes, pagination.

Shared by the grant-scoped `nylas.NylasClient` and the application-level `nylas_app.NylasApp`, which differ
only in the paths they call. Retrying must never duplicate a side effect. Reads, PUT/DELETE and sends (which
always carry an Idempotency-Key) are replayed on 429/5xx/timeouts/dropped connections. Other POSTs (create
event, RSVP, create account, rotate secret) are replayed only when the server certainly did not act on them:
a 429, or a connection that was never established.
"""

from __future__ import annotations

import email.utils
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
from .nylas_models import to_unix

# The v3 client's request lines keep the one logger name they have always had, so that a single logger
# (scheduler_agent.nylas) still turns all v3 traffic on or off.
log = logging.getLogger("scheduler_agent.nylas")

DEFAULT_TIMEOUT = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
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
            items, cursor = list_page(body, path)
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
            items, _ = list_page(
                self.call("GET", path, params={**params, "limit": page_limit, "offset": offset}, replay_safe=True), path
            )
            yield from items[:page_limit]
            offset += len(items)
            if len(items) < page_limit:
                return


def list_page(body: JSON, path: str) -> tuple[list[JSON], str | None]:
    """A list envelope's items and cursor; also the `{items, next_cursor}` form the official SDK accepts."""
    data = body.get("data")
    cursor = body.get("next_cursor")
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        data, cursor = data["items"], data.get("next_cursor")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ApiUnavailable(f"GET {path}: list answer has no array of objects in `data`")
    return data, cursor if isinstance(cursor, str) and cursor else None


class SessionOwner:
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


def session_for(
    http: httpx.Client | V3Session,
    max_retries: int,
    backoff_base: float,
    max_backoff: float,
    sleep: Callable[[float], None],
) -> V3Session:
    if isinstance(http, V3Session):
        return http
    return V3Session(http, max_retries=max_retries, backoff_base=backoff_base, max_backoff=max_backoff, sleep=sleep)
