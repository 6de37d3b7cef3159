"""The account server's HTTP framework and grants, over the v3 wire format."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx
import pytest

from scheduler_agent.account_server.server import AccountServer, resolve_api_key


def test_connect_custom_creates_an_agent_account(api: httpx.Client) -> None:
    r = api.post(
        "/v3/connect/custom",
        json={"provider": "nylas", "name": "Sched", "settings": {"email": "Sched@Agents.Example.com"}},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["request_id"]
    grant = body["data"]
    assert grant["provider"] == "nylas"
    assert grant["email"] == "Sched@Agents.Example.com"
    assert grant["grant_status"] == "valid"
    assert grant["name"] == "Sched"
    assert api.get(f"/v3/grants/{grant['id']}").json()["data"]["id"] == grant["id"]
    # v3 also accepts the email (any case) and the grant:/email: prefixes in place of the id.
    for ref in ("sched@agents.example.com", f"grant:{grant['id']}", "email:sched@agents.example.com"):
        assert api.get(f"/v3/grants/{ref}").json()["data"]["id"] == grant["id"]


def test_duplicate_and_invalid_accounts_are_refused(api: httpx.Client, grant: dict) -> None:
    r = api.post("/v3/connect/custom", json={"provider": "nylas", "settings": {"email": "agent@example.com"}})
    assert r.status_code == 409
    assert r.json()["error"]["type"] == "invalid_request_error"
    for body in (
        {"provider": "google", "settings": {"email": "x@example.com"}},
        {"provider": "nylas", "settings": {"email": "not-an-address"}},
        {"provider": "nylas", "settings": {"email": "x@example.com", "app_password": "short"}},
        {"provider": "nylas"},
    ):
        r = api.post("/v3/connect/custom", json=body)
        assert r.status_code == 400, body
        assert r.json()["error"]["message"]


def test_app_password_is_never_echoed(api: httpx.Client) -> None:
    body = {"provider": "nylas", "settings": {"email": "imap@example.com", "app_password": "ValidAgentPass123ABC!"}}
    grant = api.post("/v3/connect/custom", json=body).json()["data"]
    assert "app_password" not in grant["settings"]
    assert "ValidAgentPass123ABC!" not in api.get(f"/v3/grants/{grant['id']}").text


def test_list_grants_uses_limit_and_offset(api: httpx.Client) -> None:
    for i in range(12):
        api.post("/v3/connect/custom", json={"provider": "nylas", "settings": {"email": f"a{i}@d{i % 3}.example"}})
    first = api.get("/v3/grants").json()
    assert len(first["data"]) == 10  # v3 default page size for grants
    rest = api.get("/v3/grants", params={"limit": 10, "offset": 10}).json()
    assert len(rest["data"]) == 2
    ids = {g["id"] for g in first["data"]} | {g["id"] for g in rest["data"]}
    assert len(ids) == 12
    one = api.get("/v3/grants", params={"email": "a4@d1.example"}).json()["data"]
    assert [g["email"] for g in one] == ["a4@d1.example"]


def test_patch_and_delete_grant(api: httpx.Client, grant: dict) -> None:
    r = api.patch(f"/v3/grants/{grant['id']}", json={"name": "Renamed"})
    assert r.json()["data"]["name"] == "Renamed"
    r = api.delete(f"/v3/grants/{grant['id']}")
    assert r.status_code == 200
    assert set(r.json()) == {"request_id"}
    r = api.get(f"/v3/grants/{grant['id']}")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "not_found_error"


def test_errors_use_the_v3_envelope(api: httpx.Client, account_server: AccountServer) -> None:
    r = api.post("/v3/connect/custom", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "invalid_request_error"
    assert r.json()["request_id"]
    assert api.get("/v3/nowhere").status_code == 404
    assert api.get("/v3/grants/does-not-exist").status_code == 404
    assert api.put("/v3/connect/custom", json={}).status_code == 405
    with httpx.Client(transport=httpx.WSGITransport(app=account_server.app), base_url="http://t") as anon:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
            r = anon.get("/v3/grants", headers=headers)
            assert r.status_code == 401
            assert r.json()["error"]["type"] == "unauthorized"


def test_api_key_is_generated_once_and_owner_only(tmp_path: Path) -> None:
    key = resolve_api_key(tmp_path, {})
    assert key.startswith("sa_")
    assert len(key) > 30
    mode = stat.S_IMODE(os.stat(tmp_path / "api_key").st_mode)
    assert mode == 0o600
    assert resolve_api_key(tmp_path, {}) == key
    assert resolve_api_key(tmp_path, {"SCHEDULER_AGENT_API_KEY": "from-env"}) == "from-env"


def test_grants_over_tcp_with_the_official_sdk(http_server: str) -> None:
    nylas = pytest.importorskip("nylas")
    client = nylas.Client(api_key="test-key-0123456789", api_uri=http_server, timeout=10)
    created = client.auth.custom_authentication({"provider": "nylas", "settings": {"email": "sdk@example.com"}})
    grant_id = created.data.id
    assert created.data.provider == "nylas"
    found = client.grants.find(grant_id)
    assert found.data.email == "sdk@example.com"
    listed = client.grants.list()
    assert grant_id in [g.id for g in listed.data]
    updated = client.grants.update(grant_id, {"name": "SDK Agent"})
    assert updated.data.id == grant_id
    client.grants.destroy(grant_id)
    with pytest.raises(nylas.models.errors.NylasApiError) as info:
        client.grants.find(grant_id)
    assert info.value.status_code == 404
