"""The agent's durable state: check-and-set claims, idempotent outbox, atomic steps, reopen and migrate."""

from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduler_agent.errors import ConfigError, StaleConversation
from scheduler_agent.models import (
    ConversationState,
    InboundRequest,
    Intent,
    Interval,
    MeetingRequest,
    Person,
    SendReply,
    TimerDue,
    TimerKind,
)
from scheduler_agent.negotiation import step
from scheduler_agent.negotiation_turn import NegotiationPolicy
from scheduler_agent.store import SCHEMA_VERSION, AgentStore

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
POLICY = NegotiationPolicy(agent_email="agent@example.com")


def hour(h: int, day: int = 10) -> Interval:
    """Half an hour from h:00 UTC on a March 2026 day."""
    start = datetime(2026, 3, day, h, tzinfo=UTC)
    return Interval(start, start + timedelta(minutes=30))


CANDIDATES = tuple(hour(h, d) for d in (10, 11, 12) for h in (14, 15, 18))


def request(intent: Intent = Intent.SCHEDULE, **kw: object) -> MeetingRequest:
    return MeetingRequest(intent=intent, confidence=0.9, **kw)  # type: ignore[arg-type]


ANA = Person("ana@example.com", "Ana")


def mail(req: MeetingRequest, *, sender: Person = ANA) -> InboundRequest:
    return InboundRequest(
        message_id="m1",
        thread_id="t1",
        sender=sender,
        to=(Person("agent@example.com"),),
        subject="Meet?",
        received=NOW,
        request=req,
        candidates=CANDIDATES,
    )


@pytest.fixture
def store(tmp_path: Path) -> AgentStore:
    with AgentStore(tmp_path / "agent.sqlite3") as s:
        yield s  # type: ignore[misc]


def test_claim_is_check_and_set(store: AgentStore) -> None:
    assert store.claim("m1", now=NOW)
    assert not store.claim("m1", now=NOW)
    store.release("m1")
    assert store.claim("m1", now=NOW)
    store.mark_done("m1", now=NOW)
    assert store.is_done("m1")
    assert not store.claim("m1", now=NOW + timedelta(days=30))
    store.release("m1")
    assert store.is_done("m1")


def test_a_dead_claimant_is_taken_over_after_the_lease(store: AgentStore) -> None:
    assert store.claim("m1", now=NOW)
    assert not store.claim("m1", now=NOW + timedelta(minutes=9))
    assert store.claim("m1", now=NOW + timedelta(minutes=11))


def test_enqueue_is_idempotent_on_the_key(store: AgentStore) -> None:
    assert store.enqueue("k1", thread_id="t", type="send_reply", payload={"body": "a"}, now=NOW)
    assert not store.enqueue("k1", thread_id="t", type="send_reply", payload={"body": "b"}, now=NOW)
    assert [(i.key, i.payload) for i in store.pending()] == [("k1", {"body": "a"})]


def test_outbox_retries_then_fails(store: AgentStore) -> None:
    store.enqueue("k1", thread_id="t", type="send_reply", payload={}, now=NOW)
    assert store.mark_failed("k1", "503", now=NOW, max_attempts=2) == "pending"
    assert store.mark_failed("k1", "503 again", now=NOW, max_attempts=2) == "failed"
    item = store.outbox_item("k1")
    assert item is not None
    assert (item.status, item.attempts, item.last_error) == ("failed", 2, "503 again")
    store.enqueue("k2", thread_id="t", type="send_reply", payload={}, now=NOW)
    store.mark_sent("k2", now=NOW)
    assert store.pending() == []
    assert store.mark_failed("k3", "x", now=NOW, permanent=True) == "missing"


def test_holds_by_window_expiry_and_thread(store: AgentStore) -> None:
    store.place_holds("t1", [hour(9), hour(14)], expires=NOW + timedelta(days=2))
    store.place_holds("t2", [hour(9, day=11)], expires=NOW + timedelta(hours=1))
    window = Interval(hour(8).start, hour(12).end)
    assert [h.interval for h in store.holds(now=NOW, window=window)] == [hour(9)]
    assert {h.thread_id for h in store.holds(now=NOW)} == {"t1", "t2"}
    assert {h.thread_id for h in store.holds(now=NOW, exclude_thread="t1")} == {"t2"}
    assert {h.thread_id for h in store.holds(now=NOW + timedelta(hours=2))} == {"t1"}
    assert store.purge_expired_holds(now=NOW + timedelta(hours=2)) == 1
    assert store.release_holds("t1") == 2
    assert store.holds(now=NOW) == []


def test_timers_come_due_in_order(store: AgentStore) -> None:
    store.schedule_timer("t1", TimerKind.EXPIRE, NOW + timedelta(days=3))
    store.schedule_timer("t2", TimerKind.FOLLOW_UP, NOW + timedelta(days=1))
    store.schedule_timer("t2", TimerKind.FOLLOW_UP, NOW + timedelta(days=1))
    assert store.due_timers(now=NOW) == []
    due = store.due_timers(now=NOW + timedelta(days=5))
    assert [(t.thread_id, t.kind) for t in due] == [("t2", TimerKind.FOLLOW_UP), ("t1", TimerKind.EXPIRE)]
    store.timer_done(due[0])
    assert store.cancel_timers("t1") == 1
    assert store.due_timers(now=NOW + timedelta(days=5)) == []


def test_send_quota_is_per_utc_day(store: AgentStore) -> None:
    assert [store.take_send_quota(now=NOW, limit=2) for _ in range(3)] == [True, True, False]
    assert store.sends_today(now=NOW) == 2
    assert store.take_send_quota(now=NOW + timedelta(days=1), limit=2)


def test_commit_step_persists_a_whole_step_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "agent.sqlite3"
    with AgentStore(path) as store:
        assert store.claim("m1", now=NOW)
        conv, actions = step(None, mail(request()), now=NOW, settings=POLICY)
        queued = store.commit_step(conv, actions, before=None, now=NOW, message_id="m1", audit={"triage": "scheduling"})
        assert queued == [a.key for a in actions if isinstance(a, SendReply)]
        assert store.commit_step(conv, actions, before=conv, now=NOW, message_id="m1") == []  # rerun: nothing new
    with AgentStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.is_done("m1")
        assert store.get_conversation("t1") == conv
        assert [c.thread_id for c in store.conversations(ConversationState.PROPOSED)] == ["t1"]
        assert [h.interval for h in store.holds(now=NOW)] == list(conv.proposals)
        assert len(store.pending()) == 1
        assert store.due_timers(now=NOW + timedelta(days=30))[0].kind == TimerKind.FOLLOW_UP
        first, rerun = store.audit_log(thread_id="t1")
        assert first.details["triage"] == "scheduling"
        assert rerun.details["message_id"] == "m1"
        entry = first
        assert entry.details["actions"] == ["hold", "send_reply", "schedule_timer"]


def test_a_failed_step_leaves_nothing_behind(store: AgentStore) -> None:
    conv, actions = step(None, mail(request()), now=NOW, settings=POLICY)
    broken = [*actions, "not an action"]
    with pytest.raises(AttributeError):
        store.commit_step(conv, broken, before=None, now=NOW, message_id="m1")  # type: ignore[list-item]
    assert store.get_conversation("t1") is None
    assert store.pending() == []
    assert store.holds(now=NOW) == []
    assert not store.is_done("m1")


def test_conversation_lookup_by_calendar_ids(store: AgentStore) -> None:
    conv, _ = step(None, mail(request(Intent.SCHEDULE, chosen=CANDIDATES[0].start)), now=NOW, settings=POLICY)
    store.put_conversation(replace(conv, event_id="ev1", ical_uid="uid1"))
    assert store.conversation_for_event(ical_uid="uid1").thread_id == "t1"  # type: ignore[union-attr]
    assert store.conversation_for_event(event_id="ev1").thread_id == "t1"  # type: ignore[union-attr]
    assert store.conversation_for_event(ical_uid="other") is None
    assert store.conversation_for_event() is None


def test_status_summarises_state(store: AgentStore) -> None:
    flagged, actions = step(
        None, mail(MeetingRequest(intent=Intent.SCHEDULE, confidence=0.1)), now=NOW, settings=POLICY
    )
    store.commit_step(flagged, actions, before=None, now=NOW, message_id="m1")
    store.record_error("poll", "503 from the API", now=NOW)
    status = store.status(now=NOW)
    assert status["conversations"] == {"needs_human": 1}
    assert status["needs_human"][0]["thread_id"] == "t1"
    assert "confidence" in status["needs_human"][0]["reason"]
    assert status["last_errors"][0]["message"] == "503 from the API"
    assert store.audit_log()[0].kind == "flag_human"


def test_errors_are_bounded(store: AgentStore) -> None:
    for i in range(210):
        store.record_error("poll", f"e{i}", now=NOW)
    assert len(store._query("SELECT id FROM errors")) == 200
    assert store.last_errors(limit=1)[0]["message"] == "e209"


def test_newer_schema_and_garbage_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "agent.sqlite3"
    AgentStore(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(ConfigError, match="newer"):
        AgentStore(path)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="not a usable"):
        AgentStore(junk)


def _claim_many(path: str, worker: int, queue: multiprocessing.Queue) -> None:
    with AgentStore(path) as store:
        won = [f"m{i}" for i in range(40) if store.claim(f"m{i}", now=NOW)]
        for i in range(40):
            store.enqueue(f"k{i}", thread_id="t", type="send_reply", payload={"w": worker}, now=NOW)
    queue.put(won)


def test_two_processes_never_claim_the_same_message(tmp_path: Path) -> None:
    path = str(tmp_path / "agent.sqlite3")
    AgentStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_claim_many, args=(path, w, queue)) for w in range(2)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    claimed = [m for r in results for m in r]
    assert sorted(claimed) == sorted(f"m{i}" for i in range(40))
    with AgentStore(path) as store:
        assert len(store.pending(limit=1000)) == 40


def test_person_with_unicode_survives_storage(store: AgentStore) -> None:
    conv, _ = step(None, mail(request(), sender=Person("zoe@example.com", "Zoë Ōtani")), now=NOW, settings=POLICY)
    store.put_conversation(conv)
    assert store.get_conversation("t1") == conv


def test_timer_step_is_committed_with_its_timer(store: AgentStore) -> None:
    conv, actions = step(None, mail(request()), now=NOW, settings=POLICY)
    store.commit_step(conv, actions, before=None, now=NOW, message_id="m1")
    assert conv.timer is not None
    fired = TimerDue(thread_id="t1", kind=conv.timer.kind, at=conv.timer.at)
    later, more = step(conv, fired, now=conv.timer.at, settings=POLICY)
    store.commit_step(later, more, before=conv, now=conv.timer.at, timer=fired)
    due = store.due_timers(now=conv.timer.at + timedelta(days=30))
    assert [(t.kind, t.at) for t in due] == [(later.timer.kind, later.timer.at)]  # type: ignore[union-attr]


def test_a_step_from_stale_state_is_refused_whole(store: AgentStore) -> None:
    conv, actions = step(None, mail(request()), now=NOW, settings=POLICY)
    store.commit_step(conv, actions, before=None, now=NOW, message_id="m1")
    # Two workers both started from `conv` and handled different mails of the thread.
    first, first_actions = step(conv, replace(mail(request(Intent.CANCEL)), message_id="m2"), now=NOW, settings=POLICY)
    second, second_actions = step(
        conv, replace(mail(request(Intent.DECLINE)), message_id="m3"), now=NOW, settings=POLICY
    )
    store.commit_step(first, first_actions, before=conv, now=NOW, message_id="m2")
    with pytest.raises(StaleConversation):
        store.commit_step(second, second_actions, before=conv, now=NOW, message_id="m3")
    assert store.get_conversation("t1") == first
    assert not store.is_done("m3")
    assert {i.key for i in store.pending()} == {a.key for a in (*actions, *first_actions) if a.type == "send_reply"}
