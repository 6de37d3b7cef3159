"""The command line: the composition root. It builds the edges, wires them to the core and prints.

Logging is configured here and nowhere else. Each handler takes the parsed arguments and the loaded
Settings and returns the process exit status (0 ok, 1 failure, 2 bad usage or configuration).
Heavy imports happen inside handlers so that `parse` never loads a provider SDK or the server.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import __version__
from .config import Settings, load_settings
from .errors import AgentError, ConfigError

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from .agent import Agent
    from .backend import Backend
    from .busy_calendar import CalendarEvent
    from .models import Interval

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, Settings], int]


def _not_yet(issue: int) -> Handler:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        print(f"scheduler-agent {args.command}: not available in this build yet (issue {issue})", file=sys.stderr)
        return 2

    return handler


HANDLERS: dict[str, Handler] = {
    "run": lambda args, settings: _cmd_run(args, settings),
    "poll": lambda args, settings: _cmd_poll(args, settings),
    "replay": lambda args, settings: _cmd_replay(args, settings),
    "parse": lambda args, settings: _cmd_parse(args, settings),
    "slots": lambda args, settings: _cmd_slots(args, settings),
    "status": lambda args, settings: _cmd_status(args, settings),
    "resume": lambda args, settings: _cmd_resume(args, settings),
    "account": lambda args, settings: _cmd_account(args, settings),
    "doctor": lambda args, settings: _cmd_doctor(args, settings),
    "bench": lambda args, settings: _cmd_bench(args, settings),
}


def _cmd_account(args: argparse.Namespace, settings: Settings) -> int:
    """account serve | create | list: the self-hosted Agent Account server and its accounts."""
    import json
    import signal
    import threading
    from pathlib import Path

    from .account_server.grants import create_grant, grant_json
    from .account_server.http import ApiError
    from .account_server.server import AccountServer
    from .backend import account_data_dir, server_hostname
    from .config import split_hostport

    data_dir = Path(args.data) if args.data else account_data_dir(settings)
    if args.account_command == "serve":
        server = AccountServer(data_dir, smarthost=settings.backend.smarthost, hostname=server_hostname(settings))
        http_host, http_port = split_hostport(args.http or settings.backend.http, "--http")
        smtp_host, smtp_port = split_hostport(args.smtp or settings.backend.smtp, "--smtp")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        try:
            host, port = server.start_http(http_host, http_port)
            smtp = server.start_smtp(smtp_host, smtp_port)
            print(f"v3 API:  http://{host}:{port}   (Authorization: Bearer {server.api_key})", flush=True)
            print(f"SMTP:    {smtp[0]}:{smtp[1]}", flush=True)
            print(f"data:    {data_dir.resolve()}", flush=True)
            stop.wait()
        finally:
            server.stop()
        return 0
    server = AccountServer(data_dir, smarthost=settings.backend.smarthost, hostname=server_hostname(settings))
    try:
        if args.account_command == "create":
            body = {"provider": "nylas", "settings": {"email": args.email}}
            if args.name:
                body["name"] = args.name
            try:
                grant = create_grant(server.ctx, body)
            except ApiError as exc:
                print(f"scheduler-agent account create: {exc.message}", file=sys.stderr)
                return 1
            print(grant["id"])
            return 0
        rows = server.db.query("SELECT * FROM grants ORDER BY created_at, email")
        grants = [grant_json(r) for r in rows]
        if args.json:
            print(json.dumps(grants, indent=2))
        else:
            for g in grants:
                print(f"{g['id']}  {g['email']}  {g['name']}")
        return 0
    finally:
        server.stop()


def _cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """`parse TEXT` prints one request; `parse -` reads JSON Lines ({"text", "now", "tz"} or plain text)."""
    import json
    from datetime import datetime

    from .clock import SystemClock
    from .models import MeetingRequest
    from .understand import build_extractor, describe, request_context

    extractor = build_extractor(settings.model)

    def understand(text: str, now: str | None, tz: str | None) -> MeetingRequest:
        moment = datetime.fromisoformat(now) if now else SystemClock().now()
        return extractor.extract(text, request_context(settings, now=moment, tz=tz))

    if args.text != "-":
        try:
            request = understand(args.text, args.now, args.tz)
        except ValueError as exc:
            print(f"scheduler-agent parse: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(request.to_json()) if args.json else describe(request))
        return 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            item = line.rstrip("\n")
        if not isinstance(item, dict):
            item = {"text": str(item)}
        try:
            request = understand(str(item.get("text", "")), item.get("now") or args.now, item.get("tz") or args.tz)
            out = request.to_json()
        except ValueError as exc:
            out = {"error": str(exc)}
        print(json.dumps(out), flush=True)
    return 0


def _cmd_slots(args: argparse.Namespace, settings: Settings) -> int:
    """slots: the agent's next free slots, from an .ics file or from its calendar through the grant."""
    import dataclasses
    import json
    from datetime import timedelta
    from pathlib import Path

    from .busy_calendar import BusyCalendar
    from .calendar_ics import events_from_ics
    from .slot_rules import Request, horizon_end, rules_from_schedule
    from .slots import find_slots

    zone = settings.schedule_zone
    rules = rules_from_schedule(settings.schedule, zone)
    if args.days is not None:
        if args.days <= 0:
            print("scheduler-agent slots: --days must be positive", file=sys.stderr)
            return 2
        rules = dataclasses.replace(rules, horizon_days=args.days)
    if args.duration is not None and args.duration <= 0:
        print("scheduler-agent slots: --duration must be positive", file=sys.stderr)
        return 2
    try:
        now = _parse_now(args.now, zone)
    except ValueError as exc:
        print(f"scheduler-agent slots: {exc}", file=sys.stderr)
        return 2
    asked = timedelta(minutes=args.duration) if args.duration else None
    duration = rules.pick_duration(asked)
    minutes = int(duration.total_seconds() // 60)
    if asked is not None and duration != asked:
        print(f"note: {args.duration} min is not an allowed length; using {minutes} min", file=sys.stderr)
    if args.ics:
        try:
            text = Path(args.ics).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"scheduler-agent slots: cannot read {args.ics}: {exc.strerror}", file=sys.stderr)
            return 2
        try:
            events = events_from_ics(text, home=zone, agent_email=settings.agent.email)
        except ValueError as exc:
            print(f"scheduler-agent slots: {args.ics}: {exc}", file=sys.stderr)
            return 1
        holds: list[Interval] = []
    else:
        events, holds = _calendar_busy(settings, now, horizon_end(rules, now))
    slots = find_slots(BusyCalendar(events), rules, now=now, request=Request(duration=duration), holds=holds)
    if args.json:
        print(json.dumps([s.to_json() for s in slots]))
    elif not slots:
        print(f"No free {minutes}-minute slot before {horizon_end(rules, now):%a %d %b %Y}.")
    else:
        print(f"Free {minutes}-minute slots ({zone.key}):")
        for n, slot in enumerate(slots, 1):
            when = f"{slot.start:%a %d %b %Y  %H:%M}–{slot.end:%H:%M}"
            print(f"  {n}. {when}   {'; '.join(slot.reasons)}")
    return 0 if slots else 1


def _calendar_busy(settings: Settings, now: datetime, end: datetime) -> tuple[list[CalendarEvent], list[Interval]]:
    """The agent's events overlapping [now, end), read through its grant, and the holds of its conversations."""
    from .backend import agent_data_dir, open_backend
    from .calendar_ics import events_from_nylas_json
    from .clock import SystemClock
    from .store import AgentStore

    backend = open_backend(settings, clock=SystemClock())
    try:
        items = backend.client.list_events(start=now, end=end, expand_recurring=True)
        events = events_from_nylas_json(items, home=settings.schedule_zone, agent_email=settings.agent.email)
    finally:
        backend.close()
    state = agent_data_dir(settings) / "agent.sqlite3"
    if not state.exists():
        return events, []
    with AgentStore(state) as store:
        return events, [h.interval for h in store.holds(now=now)]


def _bench_slots(args: argparse.Namespace, settings: Settings) -> int:
    from .bench_slots import run_bench

    return run_bench(quick=args.quick, as_json=args.json)


# `bench TARGET`: each target's figures come from its own module; others add their entries here.
def _bench_parse(args: argparse.Namespace, settings: Settings) -> int:
    from .bench_parse import run_bench

    return run_bench(quick=args.quick, as_json=args.json)


def _bench_account(args: argparse.Namespace, settings: Settings) -> int:
    from .bench_account import run_bench

    return run_bench(quick=args.quick, as_json=args.json)


def _bench_agent(args: argparse.Namespace, settings: Settings) -> int:
    from .bench_agent import run_bench

    return run_bench(quick=args.quick, as_json=args.json)


BENCHES: dict[str, Handler] = {
    "slots": _bench_slots,
    "parse": _bench_parse,
    "account": _bench_account,
    "agent": _bench_agent,
}


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    handler = BENCHES.get(args.target)
    if handler is None:
        print(f"scheduler-agent bench {args.target}: not available in this build yet", file=sys.stderr)
        return 2
    return handler(args, settings)


def _open_agent(settings: Settings, *, listen: bool = False) -> tuple[Backend, Agent]:
    """The composition of the agent: its grant (embedded server or Nylas), its store and its extractor."""
    from .agent import Agent
    from .backend import agent_data_dir, open_backend
    from .clock import SystemClock
    from .store import AgentStore
    from .understand import build_extractor

    extractor = build_extractor(settings.model)
    backend = open_backend(settings, clock=SystemClock(), listen=listen)
    try:
        store = AgentStore(agent_data_dir(settings) / "agent.sqlite3")
    except BaseException:
        backend.close()
        raise
    return backend, Agent(backend.client, store, extractor, settings)


def _parse_now(text: str | None, zone: tzinfo) -> datetime:
    """`--now`: the real clock when absent; a time without an offset is read in `zone`. ValueError if unreadable."""
    from datetime import datetime

    from .clock import SystemClock

    if not text:
        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--now {text!r} is not an ISO-8601 time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """run: the daemon. With the local backend the account server runs in this process too."""
    from .backend import agent_data_dir
    from .clock import SystemClock
    from .daemon import run_daemon, single_instance

    backend, agent = _open_agent(settings, listen=settings.backend.kind == "local")
    lock = agent_data_dir(settings) / "poll.lock"

    def tick(now: datetime) -> None:
        with single_instance(lock) as mine:
            if not mine:
                log.info("another pass (cron?) is running; skipping this one")
                return
            agent.store.release_abandoned_claims()
            report = agent.tick(now)
            if report.seen or report.timers or report.errors:
                log.info("pass: %s", report.to_json())

    try:
        print(f"scheduler-agent {__version__}: {settings.agent.email} ({settings.backend.kind} backend)", flush=True)
        for name, (host, port) in backend.addresses.items():
            print(f"  {name.upper():5} {host}:{port}", flush=True)
        if backend.server is not None:
            print(f"  API key: {backend.server.api_key}  data: {agent_data_dir(settings).resolve()}", flush=True)
        print(f"  polling every {settings.schedule.poll_seconds}s; Ctrl-C to stop", flush=True)
        run_daemon(tick, SystemClock(), poll_seconds=settings.schedule.poll_seconds)
    finally:
        agent.store.close()
        backend.close()
    return 0


def _cmd_poll(args: argparse.Namespace, settings: Settings) -> int:
    """poll --once: one pass for cron; an overlapping run exits 0 without doing anything."""
    import json

    from .backend import agent_data_dir
    from .clock import SystemClock
    from .daemon import single_instance

    with single_instance(agent_data_dir(settings) / "poll.lock") as mine:
        if not mine:
            print("another pass is running; skipped", file=sys.stderr)
            return 0
        backend, agent = _open_agent(settings)
        try:
            agent.store.release_abandoned_claims()
            report = agent.tick(SystemClock().now())
        finally:
            agent.store.close()
            backend.close()
    print(json.dumps(report.to_json()))
    return 1 if report.errors else 0


def _cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    """replay SOURCE: what the agent does (or, with --dry-run, would do) with one message."""
    import json
    from pathlib import Path

    from .agent import TickReport
    from .backend import agent_data_dir
    from .daemon import single_instance
    from .eml import read_eml

    try:
        now = _parse_now(args.now, settings.home_zone)
    except ValueError as exc:
        print(f"scheduler-agent replay: {exc}", file=sys.stderr)
        return 2
    source = Path(args.source)
    backend, agent = _open_agent(settings)
    try:
        attachments = None
        if source.suffix.lower() == ".eml" or source.is_file():
            if not args.dry_run:
                print(
                    "scheduler-agent replay: an .eml file can only be replayed with --dry-run "
                    "(send it to the agent's address to act on it)",
                    file=sys.stderr,
                )
                return 2
            try:
                message, attachments = read_eml(source.read_bytes(), received=now)
            except (OSError, ValueError) as exc:
                print(f"scheduler-agent replay: {source}: {exc}", file=sys.stderr)
                return 2
        else:
            message = agent.client.get_inbound(args.source)
        decision = agent.decide(message, now, attachments=attachments)
        out = {**decision.to_json(), "dry_run": bool(args.dry_run)}
        if not args.dry_run:
            # Acting is a pass like any other: under the pass lock, which lets passes free dead passes' claims.
            with single_instance(agent_data_dir(settings) / "poll.lock") as mine:
                if not mine:
                    print("scheduler-agent replay: a pass is running; try again in a moment", file=sys.stderr)
                    return 1
                report = TickReport()
                agent.apply(decision, now, report, message_id=message.id)
            out["report"] = report.to_json()
    finally:
        agent.store.close()
        backend.close()
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"triage: {out['triage']} ({out['triage_reason']})")
        if out["request"]:
            print(f"request: {out['request']['intent']} {out['request']['duration_minutes'] or ''} min")
        print(f"state: {out['state_before']} -> {out['state_after']}")
        for action in out["actions"]:
            print(f"  {action['type']}: {json.dumps({k: v for k, v in action.items() if k != 'type'})[:200]}")
        if out["note"]:
            print(f"note: {out['note']}")
    return 0


def _cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """status: conversations by state, who needs a person, holds, outbox and the last errors."""
    import json

    from .backend import agent_data_dir
    from .clock import SystemClock
    from .store import AgentStore

    path = agent_data_dir(settings) / "agent.sqlite3"
    now = SystemClock().now()
    with AgentStore(path) as store:
        summary = store.status(now=now)
        summary["conversations_list"] = [
            {
                "thread_id": c.thread_id,
                "state": c.state.value,
                "with": [p.email for p in c.participants],
                "subject": c.subject,
                "booked": c.booked.to_json() if c.booked else None,
                "last_activity": c.last_activity.isoformat(),
            }
            for c in store.conversations()
        ]
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    total = sum(summary["conversations"].values())
    print(f"agent {settings.agent.email}: {total} conversations {summary['conversations']}")
    print(f"holds: {summary['holds']}  outbox: {summary['outbox']}  sent today: {summary['sends_today']}")
    for item in summary["needs_human"]:
        print(f"NEEDS HUMAN  {item['thread_id']}: {item['reason']}")
    for conv in summary["conversations_list"][-20:]:
        print(f"  {conv['state']:12} {conv['subject'][:50]:50} {', '.join(conv['with'])[:60]}")
    for err in summary["last_errors"][:5]:
        print(f"error {err['at']} {err['source']}: {err['message'][:160]}")
    return 0


def _cmd_resume(args: argparse.Namespace, settings: Settings) -> int:
    """resume THREAD: a person has looked at a needs_human thread; the agent handles its next mail again."""
    import getpass

    from .backend import agent_data_dir
    from .clock import SystemClock
    from .store import AgentStore

    now = SystemClock().now()
    with AgentStore(agent_data_dir(settings) / "agent.sqlite3") as store, store.transaction():
        conversation = store.get_conversation(args.thread_id)
        if conversation is None:
            print(f"scheduler-agent resume: no conversation for thread {args.thread_id!r}", file=sys.stderr)
            return 1
        try:
            resumed = conversation.resumed(now=now, by=args.by or getpass.getuser())
        except ValueError as exc:
            print(f"scheduler-agent resume: {exc}", file=sys.stderr)
            return 1
        store.put_conversation(resumed)
        store.audit(args.thread_id, "resumed", {"by": args.by, "state": resumed.state.value}, now=now)
    print(f"thread {args.thread_id}: needs_human -> {resumed.state.value}")
    return 0


def _cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """doctor: check what a first run needs and say plainly what is wrong."""
    from .doctor import run_checks

    results = run_checks(settings)
    for ok, name, detail in results:
        print(f"[{'ok' if ok else 'FAIL':4}] {name}: {detail}")
    return 0 if all(ok for ok, _, _ in results) else 1


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-c", "--config", help="config file (default: ./config/agent.toml, else built-in defaults)")
    common.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR (default INFO)")

    parser = argparse.ArgumentParser(
        prog="scheduler-agent",
        description="A scheduling agent with its own mailbox and calendar.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", parents=[common], help="run the daemon (embedded account server + polling)")

    p = sub.add_parser("poll", parents=[common], help="one pass over new mail and due timers, for cron")
    p.add_argument("--once", action="store_true", required=True, help="run one pass and exit")

    p = sub.add_parser("replay", parents=[common], help="re-run one message and show what the agent would do")
    p.add_argument("source", metavar="SOURCE", help="a message id or an .eml file")
    p.add_argument("--dry-run", action="store_true", help="change nothing anywhere")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--now", help="pretend it is this ISO-8601 time")

    p = sub.add_parser("parse", parents=[common], help="understanding only: what a message asks for")
    p.add_argument("text", metavar="TEXT", help="the text, or - to read JSON Lines from standard input")
    p.add_argument("--now", help="resolve relative dates against this ISO-8601 time")
    p.add_argument("--tz", help="the writer's time zone (IANA)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("slots", parents=[common], help="list the agent's next free slots")
    p.add_argument("--duration", type=int, metavar="MIN", help="meeting length in minutes")
    p.add_argument("--days", type=int, metavar="N", help="look this many days ahead")
    p.add_argument("--now", help="pretend it is this ISO-8601 time")
    p.add_argument("--ics", metavar="FILE", help="read busy time from this .ics file instead of the calendar")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("status", parents=[common], help="conversations, holds, outbox, last errors")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("account", parents=[common], help="the self-hosted Agent Account server")
    acc = p.add_subparsers(dest="account_command", required=True, metavar="ACTION")
    s = acc.add_parser("serve", parents=[common], help="run the account server on its own")
    s.add_argument("--http", metavar="HOST:PORT", help="v3 HTTP API address (default: backend.http)")
    s.add_argument("--smtp", metavar="HOST:PORT", help="SMTP listener address (default: backend.smtp)")
    s.add_argument("--data", metavar="DIR", help="data directory (default: backend.data_dir)")
    s = acc.add_parser("create", parents=[common], help="create an Agent Account; prints the grant id")
    s.add_argument("email", metavar="EMAIL")
    s.add_argument("--name", help="display name")
    s.add_argument("--data", metavar="DIR", help="data directory (default: backend.data_dir)")
    s = acc.add_parser("list", parents=[common], help="list Agent Accounts")
    s.add_argument("--data", metavar="DIR", help="data directory (default: backend.data_dir)")
    s.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("resume", parents=[common], help="hand a needs_human thread back to the agent")
    p.add_argument("thread_id", metavar="THREAD", help="the thread id shown by status")
    p.add_argument("--by", help="who looked at it (recorded in the history; default: your user name)")

    sub.add_parser("doctor", parents=[common], help="check config, keys, calendar, clock and model")

    p = sub.add_parser("bench", parents=[common], help="print performance figures")
    p.add_argument("target", choices=["slots", "account", "agent", "parse"], help="what to measure")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if logging.getLogger().level > logging.DEBUG:
        # Both log every request or job run at INFO; our own lines already say what matters.
        for noisy in ("httpx", "apscheduler", "mail.log"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    # aiosmtpd logs every SMTP command at INFO; keep it for --log-level DEBUG only.
    if logging.getLogger().level > logging.DEBUG:
        logging.getLogger("mail.log").setLevel(logging.WARNING)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"scheduler-agent: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        return HANDLERS[args.command](args, settings)
    except ConfigError as exc:
        print(f"scheduler-agent: configuration error: {exc}", file=sys.stderr)
        return 2
    except AgentError as exc:
        print(f"scheduler-agent {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
