"""Application-level v3 calls (API key, no grant in the path): connect/custom, grants, webhooks, policies,
rules, lists, workspaces; `.grant(id)` hands out a NylasClient sharing the same session."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from .nylas import NylasClient
from .v3_session import DEFAULT_TIMEOUT, JSON, SessionOwner, V3Session, list_page, open_http, seg, session_for


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
        items, _ = list_page(body, self.path)
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


class NylasApp(SessionOwner):
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
        self.session = session_for(http, max_retries, backoff_base, max_backoff, sleep)
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
