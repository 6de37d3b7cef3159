"""Every exception the project raises on purpose, in one place.

    AgentError
    ├── ConfigError          fatal: the configuration cannot be used; the CLI exits 2
    ├── ApiError             the v3 API answered with an error (carries status, type, request id)
    │   ├── ApiUnavailable   429 / 5xx / timeout / connection: try again on the next tick
    │   └── ApiRejected      4xx: this request will never succeed as sent
    ├── ExtractionError      the LLM's output could not be validated into a MeetingRequest
    ├── NoAvailability       no slot satisfies the rules and the request
    └── StaleConversation    another process changed the conversation meanwhile: handle the message again

Core modules raise only ExtractionError/NoAvailability/ValueError; the edges translate transport
and HTTP failures into ApiError so the loop can tell "retry later" from "give up on this one".
"""

from __future__ import annotations


class AgentError(Exception):
    """Base of every deliberate error."""


class ConfigError(AgentError):
    """The configuration is unusable; nothing can run until it is fixed."""


class ApiError(AgentError):
    """An error answer from a v3 API (Nylas or our account server)."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        type: str = "",
        request_id: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.request_id = request_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        parts = [f"{self.status or 'transport'} {self.type}".strip(), self.message]
        if self.request_id:
            parts.append(f"(request {self.request_id})")
        return ": ".join(parts[:2]) + (f" {parts[2]}" if len(parts) > 2 else "")


class ApiUnavailable(ApiError):
    """Rate limited, server error, timeout or no connection: worth retrying later."""


class ApiRejected(ApiError):
    """The API refused the request itself (400/401/403/404/409/...)."""


class ExtractionError(AgentError):
    """The model's answer was not valid structured data for a meeting request."""


class NoAvailability(AgentError):
    """No slot satisfies the rules and the request's constraints."""


class StaleConversation(AgentError):
    """The stored conversation is no longer the one a step started from; the step was not saved."""
