"""The same client against real Nylas, read-only: runs only with NYLAS_API_KEY and a grant to read.

Set NYLAS_API_KEY, SCHEDULER_AGENT_LIVE_GRANT (an Agent Account's grant id) and optionally
NYLAS_API_URI (default https://api.us.nylas.com). Nothing is written to the account.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from scheduler_agent.nylas import NylasClient

pytestmark = pytest.mark.live


@pytest.fixture
def live_client() -> NylasClient:
    key = os.environ.get("NYLAS_API_KEY", "")
    grant = os.environ.get("SCHEDULER_AGENT_LIVE_GRANT", "")
    if not key or not grant:
        pytest.skip("set NYLAS_API_KEY and SCHEDULER_AGENT_LIVE_GRANT to run against real Nylas")
    return NylasClient.connect(os.environ.get("NYLAS_API_URI", "https://api.us.nylas.com"), key, grant)


def test_reads_the_agent_account_like_the_local_server(live_client: NylasClient) -> None:
    calendar = live_client.get_calendar("primary")
    assert calendar["id"]
    assert "read_only" in calendar
    now = datetime.now(UTC)
    events = list(live_client.list_events(start=now, end=now + timedelta(days=7), max_items=20))
    for event in events:
        assert {"id", "calendar_id", "when", "participants", "busy"} <= set(event)
        assert event["when"]["object"] in {"timespan", "date", "datespan", "time"}
    for message in live_client.iter_inbound(in_folder="inbox", limit=5, max_items=5):
        assert message.thread_id
        assert message.date.tzinfo is not None
