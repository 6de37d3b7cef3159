"""An .eml file (RFC 5322 bytes) read into the InboundMessage the v3 client would have produced.

`replay` uses it to show what the agent would do with a mail that never reached the mailbox, and the
tests use it to drive triage from real-looking files. Calendar parts and named parts become
attachments, whose bytes are returned alongside, since there is no server to download them from.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from .models import AttachmentInfo, InboundMessage, Person

MAX_EML_BYTES = 25 * 1024 * 1024


def _people(value: object) -> tuple[Person, ...]:
    return tuple(Person(addr, name) for name, addr in getaddresses([str(value or "")]) if addr)


def read_eml(data: bytes, *, received: datetime) -> tuple[InboundMessage, dict[str, bytes]]:
    """Parse the bytes; `received` stands in for a missing or unreadable Date header (it must be aware)."""
    if len(data) > MAX_EML_BYTES:
        raise ValueError(f"the .eml is larger than {MAX_EML_BYTES} bytes")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise ValueError("not an RFC 5322 message: no headers found")
    headers = tuple((k, str(v)) for k, v in msg.raw_items())
    try:
        date = parsedate_to_datetime(str(msg["Date"]))
    except (TypeError, ValueError, IndexError):
        date = received
    if date.tzinfo is None:
        date = received
    message_id = str(msg.get("Message-ID", "")).strip() or "<" + hashlib.sha256(data).hexdigest()[:24] + "@eml>"
    references = str(msg.get("References", "")).split() or str(msg.get("In-Reply-To", "")).split()
    attachments: list[AttachmentInfo] = []
    contents: dict[str, bytes] = {}
    for index, part in enumerate(msg.walk()):
        if part.is_multipart() or not (part.get_content_type() == "text/calendar" or part.get_filename()):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        att_id = f"eml-{index}"
        attachments.append(
            AttachmentInfo(
                id=att_id,
                filename=part.get_filename() or "",
                content_type=part.get_content_type(),
                size=len(content),
            )
        )
        contents[att_id] = content
    try:
        body_part = msg.get_body(preferencelist=("plain", "html"))
        body = body_part.get_content() if body_part is not None else ""
    except (LookupError, UnicodeDecodeError, AttributeError):
        body = ""
    sender = _people(msg.get("From"))
    return (
        InboundMessage(
            id=message_id,
            thread_id=references[0] if references else message_id,
            subject=str(msg.get("Subject", "")),
            sender=sender[0] if sender else None,
            to=_people(msg.get("To")),
            cc=_people(msg.get("Cc")),
            reply_to=_people(msg.get("Reply-To")),
            date=date,
            body=body if isinstance(body, str) else "",
            snippet=(body if isinstance(body, str) else "")[:100],
            headers=headers,
            attachments=tuple(attachments),
        ),
        contents,
    )
