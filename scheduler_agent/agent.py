"""One pass of the agent: new mail and due timers in, decisions through the pure core, effects out.

`decide` reads (mail, calendar, the agent's store) and computes what to do without changing anything,
so `replay --dry-run` shows exactly what `tick` would do. `tick` then makes each decision durable in
one store transaction (conversation, holds, timers, outbox rows, the "done" mark) before any effect
runs, and runs effects from the outbox under their Idempotency-Keys: a kill at any instant either
loses nothing (the mail is still unread and unclaimed) or repeats nothing (the outbox key is the
send's Idempotency-Key, and events are found again by the key stored in their metadata).
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .busy_calendar import BusyCalendar
from .calendar_ics import events_from_nylas_json
from .config import Settings
from .errors import ApiError, ApiRejected, ApiUnavailable, StaleConversation
from .itip import ItipError, ItipEvent, ItipMessage, parse_itip
from .models import (
    Action,
    Conversation,
    ConversationEvent,
    EventBooked,
    InboundCancel,
    InboundCounter,
    InboundInvitation,
    InboundMessage,
    InboundRequest,
    Interval,
    MeetingRequest,
    ParticipantReply,
    Person,
    RequestContext,
    TimerDue,
)
from .negotiation import step
from .negotiation_turn import NegotiationPolicy
from .nylas import NylasClient
from .slot_rules import Request, Rules, horizon_end, rules_from_schedule
from .slots import find_slots
from .store import AgentStore, OutboxItem
from .timeparse import clean_body
from .triage import Triage, TriageKind, classify
from .understand import Extractor

log = logging.getLogger(__name__)

MAX_MESSAGES_PER_TICK = 200
MAX_ICS_BYTES = 1024 * 1024
# A body longer than any real request (megabytes of quoted history or HTML) is skipped, not read (invariant 6).
MAX_BODY_CHARS = 2 * 1024 * 1024
# A mail whose handling raises this many times in one process is set aside (logged, audited, marked read).
MAX_DECIDE_FAILURES = 3
# Marks our mail so other instances of this agent (and our own triage) recognise an agent-to-agent loop.
AGENT_HEADER = "X-Scheduler-Agent"


@dataclass
class Decision:
    """What the agent makes of one message or timer; the `replay --json` shape (design section 6)."""

    source: str
    thread_id: str
    triage: Triage
    request: MeetingRequest | None = None
    before: Conversation | None = None
    after: Conversation | None = None
    actions: list[Action] = field(default_factory=list)
    event: ConversationEvent | None = None
    note: str = ""
    rfc_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "thread_id": self.thread_id,
            "triage": self.triage.kind.value,
            "triage_reason": self.triage.reason,
            "request": self.request.to_json() if self.request else None,
            "state_before": self.before.state.value if self.before else None,
            "state_after": self.after.state.value if self.after else None,
            "actions": [a.to_json() for a in self.actions],
            "note": self.note,
        }


@dataclass
class TickReport:
    """What one pass did, for logs, `poll --once` output and the benchmark."""

    seen: int = 0
    handled: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    effects: int = 0
    timers: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "handled": self.handled,
            "skipped": self.skipped,
            "sent": self.sent,
            "effects": self.effects,
            "timers": self.timers,
            "errors": self.errors,
        }


class _QuotaReached(Exception):
    """Today's send limit is used up: sends wait in the outbox, everything else goes on."""


class Agent:
    """The scheduling agent over one grant."""

    def __init__(
        self,
        client: NylasClient,
        store: AgentStore,
        extractor: Extractor,
        settings: Settings,
    ) -> None:
        self.client = client
        self.store = store
        self.extractor = extractor
        self.settings = settings
        self.policy = NegotiationPolicy.from_settings(settings)
        self.rules: Rules = rules_from_schedule(settings.schedule, settings.schedule_zone)
        self.home = ZoneInfo(settings.agent.timezone)
        # (now, the calendar's events as v3 JSON, indexed busy calendars by the event id left out of them)
        self._calendar_cache: tuple[datetime, list[dict[str, Any]], dict[str | None, BusyCalendar]] | None = None
        self._quota_reached = False
        self._failures: dict[str, int] = {}

    # ── the pass ───────────────────────────────────────────────────────────────────────────────

    def tick(self, now: datetime) -> TickReport:
        """Flush what earlier passes left in the outbox, handle unread mail oldest first, then due timers."""
        report = TickReport()
        self._calendar_cache = None
        self._quota_reached = False
        self.flush_outbox(now, report)
        try:
            unread = list(
                self.client.iter_inbound(unread=True, in_folder="inbox", limit=50, max_items=MAX_MESSAGES_PER_TICK)
            )
        except ApiError as exc:
            self._error("list_messages", exc, now, report)
            return report
        unread.sort(key=lambda m: (m.date, m.id))
        for message in unread:
            report.seen += 1
            self.handle_message(message, now, report)
        for timer in self.store.due_timers(now=now):
            report.timers += 1
            self.handle_timer(timer, now, report)
        return report

    def handle_message(self, message: InboundMessage, now: datetime, report: TickReport) -> None:
        """Decide, persist, act, then mark read; any failure leaves the mail to be handled again."""
        if self.store.is_done(message.id):
            self._mark_read(message.id, now, report)
            return
        if not self.store.claim(message.id, now=now):
            return
        try:
            decision = self.decide(message, now)
        except ApiUnavailable as exc:
            self.store.release(message.id)
            self._error(f"message {message.id}", exc, now, report)
            return
        except Exception as exc:  # a bug or hostile input must not stop the loop or lose the mail
            log.exception("could not decide on message %s", message.id)
            failures = self._failures.get(message.id, 0) + 1
            self._failures[message.id] = failures
            if failures < MAX_DECIDE_FAILURES:
                self.store.release(message.id)
                self._error(f"message {message.id}", exc, now, report)
                return
            # The same mail keeps failing: stop retrying it every pass, and say so where people look.
            self._error(
                f"message {message.id}", RuntimeError(f"gave up after {failures} failures: {exc!r}"), now, report
            )
            self.store.audit(message.thread_id, "gave_up", {"message_id": message.id, "error": repr(exc)}, now=now)
            self.store.mark_done(message.id, now=now)
            report.skipped["failed"] = report.skipped.get("failed", 0) + 1
            self._mark_read(message.id, now, report)
            return
        if self.apply(decision, now, report, message_id=message.id):
            self._mark_read(message.id, now, report)

    def handle_timer(self, timer: TimerDue, now: datetime, report: TickReport) -> None:
        before = self.store.get_conversation(timer.thread_id)
        if before is None:
            self.store.timer_done(timer)
            return
        decision = Decision(
            source=timer.source_id,
            thread_id=timer.thread_id,
            triage=Triage(TriageKind.SCHEDULING, f"timer {timer.kind.value}"),
            before=before,
        )
        self._step(decision, timer, now)
        self.apply(decision, now, report, timer=timer)

    # ── deciding (reads only) ──────────────────────────────────────────────────────────────────

    def decide(
        self, message: InboundMessage, now: datetime, *, attachments: Mapping[str, bytes] | None = None
    ) -> Decision:
        """Everything the agent would do with this message, computed without changing anything.

        `attachments` supplies attachment bytes by id for a mail that is not on the server (an .eml).
        """
        before = self.store.get_conversation(message.thread_id)
        triage = classify(
            message,
            agent_email=self.settings.agent.email,
            block=self.settings.policy.block,
            allow=self.settings.policy.allow,
            agent_replies_in_thread=self.store.replies_sent(message.thread_id),
            max_agent_replies=self.settings.policy.max_agent_replies,
            known_thread=before is not None,
        )
        decision = Decision(
            source=message.id,
            thread_id=message.thread_id,
            triage=triage,
            before=before,
            rfc_id=rfc_message_key(message),
        )
        if decision.rfc_id and self.store.is_done(decision.rfc_id):
            decision.note = f"another delivery of {message.header('Message-ID')}, which was already handled"
            return decision
        if triage.kind is TriageKind.ITIP:
            return self._decide_itip(message, now, decision, attachments)
        if triage.kind is not TriageKind.SCHEDULING:
            return decision
        if len(message.body) > MAX_BODY_CHARS:
            decision.note = f"body too large to read ({len(message.body):,} characters)"
            return decision
        ctx = self._context(message, now, before)
        request = self.extractor.extract(clean_body(message.body) or message.snippet, ctx)
        decision.request = request
        duration = request.duration_minutes or (before.duration_minutes if before else None)
        slot_request = Request(
            duration=timedelta(minutes=duration) if duration else None,
            windows=request.windows,
            avoid=request.avoid,
        )
        candidates, busy = self._availability(now, slot_request, before)
        nearest: tuple[Interval, ...] = ()
        if request.windows and not candidates:
            # Nothing free where they asked: find the closest free times instead of only asking again.
            wider = Request(duration=slot_request.duration, avoid=request.avoid, preferred=request.windows)
            nearest, _ = self._availability(now, wider, before)
        event = InboundRequest.from_message(
            message, request, candidates=candidates, busy=busy, sender_timezone=ctx.sender_timezone, nearest=nearest
        )
        return self._step(decision, event, now)

    def _decide_itip(
        self, message: InboundMessage, now: datetime, decision: Decision, attachments: Mapping[str, bytes] | None
    ) -> Decision:
        attachment = next((a for a in message.attachments if a.is_calendar), None)
        if attachment is None:
            decision.note = "calendar mail without a text/calendar attachment"
            return decision
        if attachment.size > MAX_ICS_BYTES:
            decision.note = f"calendar attachment too large ({attachment.size} bytes)"
            return decision
        if attachments is not None:
            data = attachments.get(attachment.id, b"")
        else:
            data = self.client.download_attachment(attachment.id, message_id=message.id)
        try:
            itip = parse_itip(data, default_tz=self.settings.agent.timezone)
        except ItipError as exc:
            decision.note = f"unreadable calendar data: {exc}"
            return decision
        event = self._itip_event(message, itip, now)
        if event is None:
            decision.note = f"{itip.method} needs no answer from the agent"
            return decision
        decision.thread_id = event.thread_id
        decision.before = self.store.get_conversation(event.thread_id)
        return self._step(decision, event, now)

    def _itip_event(self, message: InboundMessage, itip: ItipMessage, now: datetime) -> ConversationEvent | None:
        master = next((e for e in itip.events if e.recurrence_id is None), itip.events[0] if itip.events else None)
        if master is None:
            return None
        agent = self.settings.agent.email.lower()
        organizer_is_agent = master.organizer is not None and master.organizer.email.lower() == agent
        known = self.store.conversation_for_event(ical_uid=master.uid)
        thread_id = known.thread_id if known else message.thread_id
        sender = message.sender or Person(email="")
        if itip.method == "REPLY" and organizer_is_agent and known is not None:
            attendee = next((a for a in master.attendees if a.email.lower() == sender.email.lower()), None)
            if attendee is None:
                return None
            candidates, busy = self._availability(
                now, Request(duration=timedelta(minutes=known.duration_minutes)), known
            )
            return ParticipantReply(
                message_id=message.id,
                thread_id=thread_id,
                attendee=Person(attendee.email, attendee.name),
                status=attendee.partstat,
                received=message.date,
                ical_uid=master.uid,
                candidates=candidates,
                busy=busy,
            )
        if itip.method == "COUNTER" and known is not None:
            proposed = Interval(master.start, master.end)
            # The proposed time itself, when the rules allow it, then the best other times.
            exact, busy = self._availability(now, Request(duration=proposed.duration, windows=(proposed,)), known)
            others, _ = self._availability(now, Request(duration=timedelta(minutes=known.duration_minutes)), known)
            candidates = exact + others
            return InboundCounter(
                message_id=message.id,
                thread_id=thread_id,
                sender=sender,
                proposed=proposed,
                received=message.date,
                ical_uid=master.uid,
                candidates=candidates,
                busy=busy,
            )
        if itip.method == "CANCEL" and not organizer_is_agent:
            organizer = master.organizer
            return InboundCancel(
                message_id=message.id,
                thread_id=thread_id,
                organizer=Person(organizer.email, organizer.name) if organizer else sender,
                received=message.date,
                ical_uid=master.uid,
            )
        if itip.method == "REQUEST" and not organizer_is_agent and master.organizer is not None:
            return self._invitation(message, master, thread_id, now)
        return None

    def _invitation(
        self, message: InboundMessage, master: ItipEvent, thread_id: str, now: datetime
    ) -> InboundInvitation | None:
        found = next(iter(self.client.list_events(ical_uid=master.uid, limit=5, max_items=5)), None)
        if found is None:
            log.warning("invitation %s has no event on the calendar; nothing to answer", master.uid)
            return None
        interval = Interval(master.start, master.end)
        calendar = self._busy_calendar(now, without=str(found["id"]))
        holds = [h.interval for h in self.store.holds(now=now)]
        busy = calendar.intervals(interval.start, interval.end) + [h for h in holds if h.overlaps(interval)]
        conflicts = any(b.overlaps(interval) for b in busy)
        alternatives: tuple[Interval, ...] = ()
        if conflicts:
            slots = find_slots(calendar, self.rules, now=now, request=Request(duration=interval.duration), holds=holds)
            alternatives = tuple(s.interval for s in slots)
        organizer = master.organizer
        assert organizer is not None
        return InboundInvitation(
            message_id=message.id,
            thread_id=thread_id,
            organizer=Person(organizer.email, organizer.name),
            interval=interval,
            event_id=str(found["id"]),
            received=message.date,
            ical_uid=master.uid,
            title=master.summary,
            subject=message.subject,
            conflicts=conflicts,
            alternatives=alternatives,
        )

    def _step(self, decision: Decision, event: ConversationEvent, now: datetime) -> Decision:
        after, actions = step(decision.before, event, now=now, settings=self.policy)
        decision.after = after
        decision.actions = actions
        decision.event = event
        return decision

    def _context(self, message: InboundMessage, now: datetime, conv: Conversation | None) -> RequestContext:
        offset = _date_offset_minutes(message.header("Date"))
        return RequestContext(
            now=now,
            home_timezone=self.settings.agent.timezone,
            sender=message.sender,
            recipients=(*message.to, *message.cc),
            agent_email=self.settings.agent.email,
            sender_timezone=conv.requester_timezone if conv else None,
            date_offset_minutes=offset,
            proposals=conv.proposals if conv else (),
            subject=message.subject,
            default_duration_minutes=self.settings.schedule.duration_minutes,
            horizon_days=self.settings.schedule.horizon_days,
        )

    def _calendar(self, now: datetime) -> list[dict[str, Any]]:
        """The primary calendar from now to the horizon, fetched once per pass and after each change."""
        if self._calendar_cache is None or self._calendar_cache[0] != now:
            end = horizon_end(self.rules, now) + timedelta(days=1)
            events = list(
                self.client.list_events(start=now - timedelta(days=1), end=end, expand_recurring=True, limit=200)
            )
            self._calendar_cache = (now, events, {})
        return self._calendar_cache[1]

    def _busy_calendar(self, now: datetime, *, without: str | None) -> BusyCalendar:
        """The calendar read and indexed once per pass (per event left out), not once per mail."""
        events = self._calendar(now)
        assert self._calendar_cache is not None
        indexed = self._calendar_cache[2]
        if without not in indexed:
            kept = [e for e in events if not without or e.get("id") != without]
            indexed[without] = BusyCalendar(
                events_from_nylas_json(kept, home=self.home, agent_email=self.settings.agent.email)
            )
        return indexed[without]

    def _availability(
        self, now: datetime, request: Request, conv: Conversation | None
    ) -> tuple[tuple[Interval, ...], tuple[Interval, ...]]:
        """Ranked free slots for `request` and the busy time a pick is re-checked against.

        The conversation's own holds and its own booked event do not count against it (a reschedule may
        move into time the meeting itself occupies); every other conversation's holds do.
        """
        calendar = self._busy_calendar(now, without=conv.event_id if conv else None)
        exclude = conv.thread_id if conv else None
        holds = [h.interval for h in self.store.holds(now=now, exclude_thread=exclude)]
        slots = find_slots(calendar, self.rules, now=now, request=request, holds=holds)
        horizon = horizon_end(self.rules, now)
        busy = tuple(calendar.intervals(now, horizon)) + tuple(holds)
        return tuple(s.interval for s in slots), busy

    # ── making it durable, then real ───────────────────────────────────────────────────────────

    def apply(
        self,
        decision: Decision,
        now: datetime,
        report: TickReport,
        *,
        message_id: str | None = None,
        timer: TimerDue | None = None,
    ) -> bool:
        """Make a decision durable, then run its effects; False when it must be decided again later."""
        if not self._commit(decision, now, report, message_id=message_id, timer=timer):
            return False
        self.flush_outbox(now, report, thread_id=decision.thread_id)
        return True

    def _commit(
        self, decision: Decision, now: datetime, report: TickReport, *, message_id: str | None, timer: TimerDue | None
    ) -> bool:
        audit = {"triage": decision.triage.to_json(), "note": decision.note}
        if decision.request is not None:
            audit["request"] = decision.request.to_json()
        if decision.after is None:
            key = decision.triage.kind.value if not decision.note else "skipped"
            report.skipped[key] = report.skipped.get(key, 0) + 1
            self.store.audit(decision.thread_id, "skip", {**audit, "message_id": message_id, "actions": []}, now=now)
            for done in (message_id, decision.rfc_id):
                if done:
                    self.store.mark_done(done, now=now)
            log.info(
                "message %s: %s (%s) %s",
                decision.source,
                decision.triage.kind.value,
                decision.triage.reason,
                decision.note,
            )
            return True
        try:
            self.store.commit_step(
                decision.after,
                decision.actions,
                before=decision.before,
                now=now,
                message_id=message_id,
                also_done=(decision.rfc_id,) if decision.rfc_id else (),
                timer=timer,
                audit=audit,
            )
        except StaleConversation as exc:
            if message_id is not None:
                self.store.release(message_id)
            log.warning("%s; it will be handled again", exc)
            return False
        report.handled += 1
        log.info(
            "thread %s: %s -> %s, actions %s",
            decision.thread_id,
            decision.before.state.value if decision.before else "-",
            decision.after.state.value,
            [a.type for a in decision.actions] or "none",
        )
        return True

    def flush_outbox(self, now: datetime, report: TickReport, *, thread_id: str | None = None) -> None:
        """Run pending effects in order; stop at the first outage so order within a thread is kept.

        Each effect is claimed first, as a message is: two passes at once (a daemon and a cron run over
        one store) must not both create the meeting. An effect another pass holds holds back the rest
        of its thread, and one that pass finished meanwhile is not run again.
        """
        held: set[str] = set()
        for item in self.store.pending():
            if thread_id is not None and item.thread_id != thread_id:
                continue
            if item.thread_id in held or (item.type == "send_reply" and self._quota_reached):
                continue
            claim = f"outbox:{item.key}"
            if not self.store.claim(claim, now=now):
                held.add(item.thread_id)
                continue
            try:
                current = self.store.outbox_item(item.key)
                if current is not None and current.status == "pending":
                    self._run(current, now, report)
            except _QuotaReached:
                self._quota_reached = True
                message = f"the daily send limit ({self.settings.policy.daily_send_limit}) is reached; mail waits"
                log.warning("%s in the outbox until tomorrow (UTC)", message)
                self.store.record_error("send quota", message, now=now)
            except (ApiUnavailable, StaleConversation) as exc:
                # StaleConversation: the effect is done, but its thread moved on meanwhile; the next pass
                # finds the effect done (the event by its key) and records it on fresh state.
                self.store.mark_failed(item.key, str(exc), now=now, max_attempts=1_000_000)
                self._error(f"{item.type} {item.key}", exc, now, report)
                return
            except (ApiRejected, ValueError, KeyError) as exc:
                status = self.store.mark_failed(item.key, str(exc), now=now, permanent=True)
                self._error(f"{item.type} {item.key} ({status})", exc, now, report)
            finally:
                self.store.release(claim)

    def _run(self, item: OutboxItem, now: datetime, report: TickReport) -> None:
        p = item.payload
        if item.type == "send_reply":
            if not self.store.take_send_quota(now=now, limit=self.settings.policy.daily_send_limit):
                raise _QuotaReached
            body: dict[str, Any] = {
                "to": [_person_json(x) for x in p["to"]],
                "subject": p["subject"],
                "body": p["body"],
                "is_plaintext": True,
                "custom_headers": [{"name": AGENT_HEADER, "value": self.settings.agent.email}],
            }
            if p.get("cc"):
                body["cc"] = [_person_json(x) for x in p["cc"]]
            if p.get("reply_to_message_id"):
                body["reply_to_message_id"] = p["reply_to_message_id"]
            self.client.send_message(body, idempotency_key=item.key)
            report.sent += 1
        elif item.type == "create_event":
            self._create_event(item, now)
        elif item.type == "update_event":
            self.client.update_event(
                p["event_id"],
                {
                    "when": _timespan(p["interval"], p["timezone"]),
                    "participants": [_person_json(x) for x in p["participants"]],
                },
                notify_participants=p.get("notify_participants", True),
            )
            self._calendar_cache = None
        elif item.type == "delete_event":
            try:
                self.client.delete_event(p["event_id"], notify_participants=p.get("notify_participants", True))
            except ApiRejected as exc:
                if exc.status != 404:
                    raise
            self._calendar_cache = None
        elif item.type == "send_rsvp":
            self.client.send_rsvp(p["event_id"], p["status"])
        else:
            raise ValueError(f"unknown outbox item type {item.type!r}")
        self.store.mark_sent(item.key, now=now)
        report.effects += 1

    def _create_event(self, item: OutboxItem, now: datetime) -> None:
        """Create the meeting once: an event carrying this key in its metadata means an earlier run did it."""
        p = item.payload
        existing = next(
            iter(
                self.client.list_events(
                    metadata_pair=f"key1:{item.key}",
                    limit=1,
                    max_items=1,
                    start=now - timedelta(days=400),
                    end=now + timedelta(days=800),
                )
            ),
            None,
        )
        if existing is None:
            body: dict[str, Any] = {
                "title": p["title"],
                "when": _timespan(p["interval"], p["timezone"]),
                "participants": [_person_json(x) for x in p["participants"]],
                "busy": True,
                "metadata": {"key1": item.key, "thread": item.thread_id[:500]},
            }
            if p.get("description"):
                body["description"] = p["description"]
            if p.get("location"):
                body["location"] = p["location"]
            existing = self.client.create_event(body, notify_participants=p.get("notify_participants", True))
        self._calendar_cache = None
        before = self.store.get_conversation(item.thread_id)
        if before is None:
            return
        booked = EventBooked(
            thread_id=item.thread_id, event_id=str(existing["id"]), ical_uid=str(existing.get("ical_uid") or "")
        )
        after, actions = step(before, booked, now=now, settings=self.policy)
        self.store.commit_step(after, actions, before=before, now=now, audit={"event_id": booked.event_id})

    def _mark_read(self, message_id: str, now: datetime, report: TickReport) -> None:
        try:
            self.client.update_message(message_id, unread=False)
        except ApiError as exc:
            self._error(f"mark read {message_id}", exc, now, report)

    def _error(self, source: str, exc: BaseException, now: datetime, report: TickReport) -> None:
        text = f"{source}: {exc}"
        report.errors.append(text)
        self.store.record_error(source, str(exc), now=now)
        log.warning("%s", text)


def rfc_message_key(message: InboundMessage) -> str:
    """The processed-id key of the mail's own Message-ID: one mail delivered twice is handled once."""
    value = (message.header("Message-ID") or "").strip()
    return f"rfc822:{value.lower()}" if value else ""


def _date_offset_minutes(value: str | None) -> int | None:
    """The sender's UTC offset from the Date header; "-0000" (unknown) and junk give None."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None or "-0000" in value:
        return None
    offset = parsed.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else None


def _person_json(raw: Mapping[str, Any]) -> dict[str, str]:
    person = {"email": str(raw["email"])}
    if raw.get("name"):
        person["name"] = str(raw["name"])
    return person


def _timespan(interval: Mapping[str, str], zone: str) -> dict[str, Any]:
    start = datetime.fromisoformat(interval["start"])
    end = datetime.fromisoformat(interval["end"])
    return {
        "start_time": int(start.timestamp()),
        "end_time": int(end.timestamp()),
        "start_timezone": zone,
        "end_timezone": zone,
    }
