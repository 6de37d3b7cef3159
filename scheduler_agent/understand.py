"""Understanding mail with a chat model through langchain, validated like any untrusted input.

The model only turns text into the `LLMRequest` schema below. It never sees calendar contents and
never chooses recipients or actions: its answer is validated into a MeetingRequest (times inside the
horizon, windows well-formed and aware, `chosen` one of the proposals actually sent, attendees present
in the message), retried once when malformed, and replaced by the offline engine when the model fails.
langchain and provider packages are imported lazily so the offline default loads neither.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from .config import ModelSettings, Settings
from .errors import ConfigError, ExtractionError
from .models import Intent, Interval, Medium, MeetingRequest, Person, RequestContext
from .timeparse import RulesExtractor, writer_zone, zone_name
from .timeparse_mail import EMAIL_RE

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)


def _prompts_dir() -> Path:
    """`prompts/` beside the package in a checkout or editable install; in an installed wheel it is
    shipped as data under `<prefix>/share/scheduler-agent/prompts` (see pyproject.toml)."""
    checkout = Path(__file__).resolve().parent.parent / "prompts"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "scheduler-agent" / "prompts"


PROMPTS_DIR = _prompts_dir()
CHARS_PER_TOKEN = 4
MAX_NOTES = 10
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ADDRESS = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


class Extractor(Protocol):
    """Anything that turns a message and its context into a MeetingRequest."""

    name: str

    def extract(self, text: str, ctx: RequestContext) -> MeetingRequest: ...


class LLMWindow(BaseModel):
    """One span of time, ISO-8601; a time without an offset is read in the request's time zone."""

    start: str = Field(description="ISO-8601 start, e.g. 2026-11-24T13:00:00-05:00")
    end: str = Field(description="ISO-8601 end, after start")


class LLMRequest(BaseModel):
    """What the model must return: data about the message, nothing else."""

    intent: Literal["schedule", "reschedule", "cancel", "accept", "decline", "counter", "other"]
    duration_minutes: int | None = Field(default=None, ge=5, le=480)
    windows: list[LLMWindow] = Field(default_factory=list, max_length=60)
    avoid: list[LLMWindow] = Field(default_factory=list, max_length=60)
    timezone: str | None = Field(default=None, description="IANA zone the writer's times are in")
    attendees: list[str] = Field(default_factory=list, max_length=50, description="email addresses to include")
    title: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    medium: Literal["unspecified", "video", "phone", "in_person"] = "unspecified"
    chosen: str | None = Field(default=None, description="start of the proposed option picked, exactly as listed")
    urgent: bool = False
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    not_understood: list[str] = Field(default_factory=list, max_length=20)


def load_prompt(name: str, values: Mapping[str, str], prompts_dir: Path = PROMPTS_DIR) -> str:
    """Read prompts/<name>.md and fill its {placeholders}; a missing value is a bug, not a blank."""
    text = (prompts_dir / f"{name}.md").read_text(encoding="utf-8")
    missing = set(_PLACEHOLDER.findall(text)) - set(values)
    if missing:
        raise ConfigError(f"prompt {name} needs values for {', '.join(sorted(missing))}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def prompt_values(text: str, ctx: RequestContext, max_input_tokens: int) -> dict[str, str]:
    """Everything the prompts may mention; the mail is cut to the token budget (newest text comes first)."""
    zone = writer_zone(ctx)
    budget = max(200, max_input_tokens) * CHARS_PER_TOKEN
    proposals = "\n".join(
        f"{n}. {p.start.astimezone(zone).isoformat()} to {p.end.astimezone(zone).isoformat()}"
        for n, p in enumerate(ctx.proposals, start=1)
    )
    return {
        "now": ctx.now.astimezone(zone).isoformat(),
        "weekday": ctx.now.astimezone(zone).strftime("%A"),
        "writer_timezone": zone_name(zone),
        "home_timezone": ctx.home_timezone,
        "horizon_days": str(ctx.horizon_days),
        "default_duration": str(ctx.default_duration_minutes),
        "proposals": proposals or "(none: the agent has not proposed times in this thread)",
        "subject": ctx.subject[:300],
        "sender": ctx.sender.email if ctx.sender else "(unknown)",
        "recipients": ", ".join(p.email for p in ctx.recipients) or "(none)",
        "text": text[:budget],
    }


def _aware(value: str, zone: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ExtractionError(f"not an ISO-8601 time: {value[:60]!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _windows(items: list[LLMWindow], zone: tzinfo, ctx: RequestContext, notes: list[str]) -> tuple[Interval, ...]:
    now = ctx.now
    horizon = now + timedelta(days=ctx.horizon_days)
    kept: list[Interval] = []
    for item in items:
        start, end = _aware(item.start, zone), _aware(item.end, zone)
        if end <= start:
            notes.append(f"dropped a window that ends before it starts ({item.start})")
        elif end <= now or start >= horizon:
            notes.append(f"dropped a window outside now..{ctx.horizon_days} days ({item.start})")
        else:
            kept.append(Interval(max(start, now), min(end, horizon)))
    return tuple(sorted(set(kept)))


def _mentioned(text: str, ctx: RequestContext) -> set[str]:
    known = {p.email.lower() for p in ctx.recipients}
    if ctx.sender:
        known.add(ctx.sender.email.lower())
    known |= {m.lower() for m in EMAIL_RE.findall(text)}
    return known


def validate(out: LLMRequest, ctx: RequestContext, text: str, *, extractor: str) -> MeetingRequest:
    """Turn the model's answer into a MeetingRequest, keeping only what the message and context support.

    Malformed times raise ExtractionError (worth one retry); acceptable-but-wrong data (a window
    outside the horizon, a pick that was never offered, an address nobody wrote) is dropped and noted.
    """
    notes = [n[:200] for n in out.not_understood[:MAX_NOTES]]
    zone: tzinfo = writer_zone(ctx)
    if out.timezone:
        try:
            zone = ZoneInfo(out.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            notes.append(f"ignored unknown time zone {out.timezone[:40]!r}")
    windows = _windows(out.windows, zone, ctx, notes)
    avoid = _windows(out.avoid, zone, ctx, [])
    intent = Intent(out.intent)
    chosen = None
    if out.chosen:
        picked = _aware(out.chosen, zone)
        chosen = next((p.start for p in ctx.proposals if p.start == picked), None)
        if chosen is None:
            notes.append(f"the model picked {out.chosen[:40]!r}, which was never proposed")
            if intent is Intent.ACCEPT:
                intent = Intent.OTHER
    elif intent is Intent.ACCEPT:
        notes.append("accepted, but which proposed time is unclear")
        intent = Intent.OTHER
    known = _mentioned(text, ctx)
    exclude = {ctx.agent_email.lower()} | ({ctx.sender.email.lower()} if ctx.sender else set())
    # Whoever is on the To/Cc line is included, as with the offline engine; the model can only add people
    # the message names, never remove or invent them.
    attendees: dict[str, Person] = {p.email.lower(): p for p in ctx.recipients if p.email.lower() not in exclude}
    for address in out.attendees:
        address = address.strip()
        lowered = address.lower()
        if not _ADDRESS.match(address) or lowered not in known:
            notes.append(f"dropped attendee {address[:80]!r}: not in the message or its headers")
        elif lowered not in exclude:
            named = next((p for p in ctx.recipients if p.email.lower() == lowered), None)
            attendees.setdefault(lowered, named or Person(email=address))
    return MeetingRequest(
        intent=intent,
        duration_minutes=out.duration_minutes,
        windows=windows,
        avoid=avoid,
        timezone=zone_name(zone),
        attendees=tuple(attendees.values()),
        title=(out.title or "").strip() or None,
        location=(out.location or "").strip() or None,
        medium=Medium(out.medium),
        chosen=chosen,
        urgent=out.urgent,
        confidence=out.confidence if not notes else min(out.confidence, 0.6),
        not_understood=tuple(dict.fromkeys(notes)),
        extractor=extractor,
    )


class LLMExtractor:
    """A langchain chat model behind the Extractor protocol, with the offline engine as the safety net."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        name: str,
        timeout_seconds: float = 30.0,
        max_input_tokens: int = 3000,
        fallback: Extractor | None = None,
        prompts_dir: Path = PROMPTS_DIR,
    ) -> None:
        self.model = model
        self.name = f"llm:{name}"
        self.timeout_seconds = timeout_seconds
        self.max_input_tokens = max_input_tokens
        self.fallback: Extractor = fallback or RulesExtractor()
        self.prompts_dir = prompts_dir

    def messages(self, text: str, ctx: RequestContext) -> list[Any]:
        """System rules and examples, then the mail as quoted data in the user turn."""
        from langchain_core.messages import HumanMessage, SystemMessage

        values = prompt_values(text, ctx, self.max_input_tokens)
        return [
            SystemMessage(load_prompt("extract_system", values, self.prompts_dir)),
            HumanMessage(load_prompt("extract_user", values, self.prompts_dir)),
        ]

    def extract(self, text: str, ctx: RequestContext) -> MeetingRequest:
        messages = self.messages(text, ctx)
        structured = self.model.with_structured_output(LLMRequest)
        for attempt in (1, 2):
            try:
                answer = self._invoke(structured, messages)
                if not isinstance(answer, LLMRequest):
                    raise ExtractionError("the model returned no structured answer")
                return validate(answer, ctx, text, extractor=self.name)
            except FutureTimeout:
                log.warning("model %s timed out after %.1fs; using the offline engine", self.name, self.timeout_seconds)
                return self._fallback(text, ctx, "timeout")
            except (ExtractionError, ValueError) as exc:
                log.warning("model %s gave invalid output (attempt %d): %s", self.name, attempt, str(exc)[:300])
            except Exception as exc:  # the provider failed in its own way (network, auth, quota): do not crash
                log.warning("model %s failed: %s; using the offline engine", self.name, str(exc)[:300])
                return self._fallback(text, ctx, "error")
        return self._fallback(text, ctx, "invalid")

    def _invoke(self, structured: Any, messages: list[Any]) -> Any:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm")
        try:
            return pool.submit(structured.invoke, messages).result(timeout=self.timeout_seconds)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _fallback(self, text: str, ctx: RequestContext, reason: str) -> MeetingRequest:
        result = self.fallback.extract(text, ctx)
        return replace(result, extractor=f"{result.extractor} (fallback: {reason})")


def request_context(settings: Settings, *, now: datetime, tz: str | None = None) -> RequestContext:
    """The context for understanding text on its own (the `parse` command): no thread, no proposals.

    `tz` is the writer's zone; a naive `now` is read in it (else in the agent's home zone).
    """
    zone_text = tz or settings.agent.timezone
    try:
        zone = ZoneInfo(zone_text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone_text!r}") from None
    return RequestContext(
        now=now if now.tzinfo is not None else now.replace(tzinfo=zone),
        home_timezone=settings.agent.timezone,
        sender_timezone=tz,
        agent_email=settings.agent.email,
        default_duration_minutes=settings.schedule.duration_minutes,
        horizon_days=settings.schedule.horizon_days,
    )


def describe(request: MeetingRequest) -> str:
    """A few readable lines for people running `parse` without --json."""
    data = request.to_json()
    lines = [f"intent: {data['intent']} (confidence {data['confidence']}, {data['extractor']})"]
    if data["duration_minutes"]:
        lines.append(f"duration: {data['duration_minutes']} min")
    lines.extend(f"window: {w['start']} .. {w['end']}" for w in data["windows"])
    lines.extend(f"avoid: {w['start']} .. {w['end']}" for w in data["avoid"])
    for key in ("chosen", "timezone", "title", "location"):
        if data[key]:
            lines.append(f"{key}: {data[key]}")
    if data["medium"] != "unspecified":
        lines.append(f"medium: {data['medium']}")
    lines.extend(f"attendee: {p['email']}" for p in data["attendees"])
    lines.extend(f"not understood: {note}" for note in data["not_understood"])
    return "\n".join(lines)


def build_extractor(model: ModelSettings) -> Extractor:
    """ "rules" gives the offline engine; any other name is an init_chat_model provider string."""
    if model.name == "rules":
        return RulesExtractor()
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:
        raise ConfigError(
            f"model.name = {model.name!r} needs langchain and the provider package "
            "(pip install 'scheduler-agent[llm]' plus e.g. '[openai]'), or set model.name = \"rules\""
        ) from exc
    try:
        chat = init_chat_model(model.name, temperature=model.temperature, timeout=model.timeout_seconds)
    except (TypeError, ValueError):
        # Not every provider class takes `timeout`; the extractor's own deadline still applies.
        try:
            chat = init_chat_model(model.name, temperature=model.temperature)
        except (ImportError, TypeError, ValueError) as exc:
            raise ConfigError(f"model.name = {model.name!r}: {exc}") from exc
    except ImportError as exc:
        raise ConfigError(f"model.name = {model.name!r}: {exc}") from exc
    return LLMExtractor(
        chat, name=model.name, timeout_seconds=model.timeout_seconds, max_input_tokens=model.max_input_tokens
    )
