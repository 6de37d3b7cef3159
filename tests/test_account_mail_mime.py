"""mime.parse on hostile bytes: it never raises, and what it returns can always be stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler_agent.account_server import mail_store
from scheduler_agent.account_server.mime import normalize_subject, parse

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
SEEDS = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))]


def _mutations() -> st.SearchStrategy[bytes]:
    """Fixture messages cut, spliced and sprinkled with random bytes, plus plain noise."""
    seed = st.sampled_from(SEEDS)
    cut = st.tuples(seed, st.integers(0, 2000)).map(lambda t: t[0][: t[1]])
    spliced = st.tuples(seed, st.integers(0, 600), st.binary(max_size=200)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
    )
    header_soup = st.lists(
        st.sampled_from(
            [
                b'Content-Type: multipart/mixed; boundary="',
                b"Content-Transfer-Encoding: base64\r\n",
                b"Subject: =?utf-8?b?////?=\r\n",
                b'From: "\xff\xfe" <@@>\r\n',
                b"To: ,,,;;<>\r\n",
                b'Content-Type: text/plain; charset="no-such"\r\n',
                b"\r\n",
                b"--\r\n",
                b"=?iso-8859-1?q?=FF?=",
            ]
        ),
        max_size=30,
    ).map(b"".join)
    return st.one_of(cut, spliced, header_soup, st.binary(max_size=3000))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_parse_never_raises_and_the_result_stores(raw: bytes) -> None:
    mail = parse(raw)
    assert isinstance(mail.body, str)
    assert len(mail.snippet) <= 100
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(mail_store.SCHEMA)
    message_id = mail_store.store_message(conn, "g", mail, raw, date=0, folders=["inbox"], unread=True)
    assert conn.execute("SELECT thread_id FROM mail_messages WHERE id = ?", (message_id,)).fetchone()["thread_id"]


def test_subject_normalisation_for_threading() -> None:
    assert normalize_subject("Re: RE: Fwd:  Budget   review") == "budget review"
    assert normalize_subject("AW: SV: Plan") == "plan"
    assert normalize_subject("Re[2]: Plan") == "plan"
    assert normalize_subject("Regarding the plan") == "regarding the plan"
