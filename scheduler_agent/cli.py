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

from . import __version__
from .config import Settings, load_settings
from .errors import AgentError, ConfigError

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, Settings], int]


def _not_yet(issue: int) -> Handler:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        print(f"scheduler-agent {args.command}: not available in this build yet (issue {issue})", file=sys.stderr)
        return 2

    return handler


HANDLERS: dict[str, Handler] = {
    "run": _not_yet(5),
    "poll": _not_yet(5),
    "replay": _not_yet(5),
    "parse": lambda args, settings: _cmd_parse(args, settings),
    "slots": _not_yet(3),
    "status": _not_yet(5),
    "account": lambda args, settings: _cmd_account(args, settings),
    "doctor": _not_yet(5),
    "bench": _not_yet(2),
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
    from .config import split_hostport

    data_dir = Path(args.data or settings.backend.data_dir)
    if args.account_command == "serve":
        server = AccountServer(data_dir, smarthost=settings.backend.smarthost)
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
    server = AccountServer(data_dir, smarthost=settings.backend.smarthost)
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
