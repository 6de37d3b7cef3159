"""A small WSGI framework for the v3 wire format: routing, auth, envelopes, errors, pagination.

Every response is JSON carrying `request_id` (the official SDK calls `.json()` before it looks at the
status, so even errors and deletes must be JSON). Errors use the v3 envelope
`{"request_id", "error": {"type", "message"}}`. Query parameters follow the SDK's quirks: booleans may
arrive as `True`, lists as repeated keys or comma-separated values.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]

_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
MAX_BODY_BYTES = 40 * 1024 * 1024


class ApiError(Exception):
    """Raised by handlers; rendered as the v3 error envelope."""

    def __init__(self, status: int, type_: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


def not_found(what: str = "object") -> ApiError:
    return ApiError(404, "not_found_error", f"requested {what} not found")


@dataclass
class Response:
    """A JSON (or raw bytes) answer; `body` is the whole JSON object, request_id added on the way out."""

    body: JSONDict | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"


def ok(data: Any, status: int = 200, **extra: Any) -> Response:
    return Response({"data": data, **extra}, status)


def ok_list(items: list[Any], next_cursor: str | None) -> Response:
    return Response({"data": items, "next_cursor": next_cursor})


def deleted(data: Any = None) -> Response:
    return Response({} if data is None else {"data": data})


class Query:
    """Query-string access with the v3/SDK conventions."""

    def __init__(self, raw: str) -> None:
        self._values = parse_qs(raw, keep_blank_values=True)

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def str(self, key: str, default: str | None = None) -> str | None:
        values = self._values.get(key)
        return values[-1] if values else default

    def list(self, key: str) -> list[str]:
        """Repeated keys and comma-separated values both count (the SDK repeats, the spec uses commas)."""
        out: list[str] = []
        for value in self._values.get(key, []):
            out.extend(v.strip() for v in value.split(",") if v.strip())
        return out

    def bool(self, key: str, default: bool | None = None) -> bool | None:
        value = self.str(key)
        if value is None or value == "":
            return default
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise bad_request(f"query parameter {key!r} must be true or false, not {value!r}")

    def int(self, key: str, default: int | None = None, *, minimum: int | None = None) -> int | None:
        value = self.str(key)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise bad_request(f"query parameter {key!r} must be an integer, not {value!r}") from None
        if minimum is not None and number < minimum:
            raise bad_request(f"query parameter {key!r} must be at least {minimum}")
        return number


@dataclass
class Request:
    """One HTTP request, with the route's path parameters and (for grant routes) the resolved grant."""

    method: str
    path: str
    query: Query
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    grant: JSONDict | None = None
    request_id: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> JSONDict:
        """The body as a JSON object; a 400 envelope for anything else."""
        if not self.body:
            return {}
        try:
            value = json.loads(self.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise bad_request(f"request body is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise bad_request("request body must be a JSON object")
        return value

    @property
    def grant_id(self) -> str:
        if self.grant is None:
            raise RuntimeError("route has no {grant} parameter")
        return str(self.grant["id"])


Handler = Callable[[Request], Response]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    template: str


class Router:
    """Maps METHOD + path template (`/v3/grants/{grant}/messages/{id}`) to handlers."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.rstrip("/")) + "/?$"
        self._routes.append(_Route(method.upper(), re.compile(regex), handler, template))

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return decorator

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed = False
        for route in self._routes:
            m = route.pattern.match(path)
            if not m:
                continue
            if route.method != method:
                allowed = True
                continue
            return route.handler, {k: unquote(v) for k, v in m.groupdict().items()}
        if allowed:
            raise ApiError(405, "invalid_request_error", f"method {method} not allowed on {path}")
        raise ApiError(404, "not_found_error", f"no such endpoint: {method} {path}")


GrantResolver = Callable[[str], JSONDict | None]


class App:
    """The WSGI application: auth, routing, grant resolution, envelopes."""

    def __init__(self, *, api_key: str, resolve_grant: GrantResolver) -> None:
        self.router = Router()
        self._api_key = api_key
        self._resolve_grant = resolve_grant
        self.request_count = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        self.request_count += 1
        try:
            request = self._read(environ, method, path, request_id)
            response = self.dispatch(request)
        except ApiError as exc:
            response = Response(
                {"error": {"type": exc.type, "message": exc.message}}, exc.status, headers=dict(exc.headers)
            )
        except Exception:
            log.exception("internal error on %s %s (request %s)", method, path, request_id)
            response = Response({"error": {"type": "internal_error", "message": "internal server error"}}, 500)
        status, headers, body = self._render(response, request_id)
        start_response(status, headers)
        log.debug("%s %s -> %s in %.1f ms", method, path, status, (time.perf_counter() - started) * 1000)
        return [body]

    def dispatch(self, request: Request) -> Response:
        self._authenticate(request)
        handler, params = self.router.match(request.method, request.path)
        request.params = params
        if "grant" in params:
            grant = self._resolve_grant(params["grant"])
            if grant is None:
                raise not_found("grant")
            request.grant = grant
        return handler(request)

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self._api_key.encode()):
            raise ApiError(401, "unauthorized", "missing or invalid API key (Authorization: Bearer <key>)")

    @staticmethod
    def _read(environ: dict[str, Any], method: str, path: str, request_id: str) -> Request:
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "invalid_request_error", f"request body over {MAX_BODY_BYTES} bytes")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        return Request(method, path, Query(environ.get("QUERY_STRING", "")), headers, body, request_id=request_id)

    @staticmethod
    def _render(response: Response, request_id: str) -> tuple[str, list[tuple[str, str]], bytes]:
        status = f"{response.status} {_STATUS_TEXT.get(response.status, 'Status')}"
        headers = {"X-Request-Id": request_id, **response.headers}
        if response.raw is not None:
            body = response.raw
            headers.setdefault("Content-Type", response.content_type)
        else:
            payload = {"request_id": request_id, **(response.body or {})}
            body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers["Content-Length"] = str(len(body))
        return status, list(headers.items()), body


def page_window(query: Query, *, default: int = 50, maximum: int = 200) -> tuple[int, int]:
    """(limit, offset) from `limit` and an opaque `page_token`; limits above the maximum are clamped."""
    limit = query.int("limit", default, minimum=1) or default
    limit = min(limit, maximum)
    token = query.str("page_token")
    return limit, decode_cursor(token) if token else 0


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if not text.startswith("o:"):
            raise ValueError(text)
        offset = int(text[2:])
        if offset < 0:
            raise ValueError(text)
        return offset
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request("page_token is not a cursor this server issued") from None


def paged(rows: list[Any], limit: int, offset: int) -> tuple[list[Any], str | None]:
    """Given up to limit+1 rows fetched from `offset`, return the page and the next cursor."""
    if len(rows) > limit:
        return rows[:limit], encode_cursor(offset + limit)
    return rows, None
