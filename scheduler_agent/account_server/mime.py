"""RFC 5322 in and out: parse inbound mail into what the v3 Message object needs, build outbound mail.

Parsing never raises: mail from the internet is hostile, and a message we cannot fully read must still
be stored (with what could be read) and flagged, so every failure becomes an entry in `problems`.
Building raises ValueError for caller mistakes (bad addresses, header injection) so the API can answer 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

SNIPPET_CHARS = 100
MSGID_RE = re.compile(r"<[^<>\s]+>")
REPLY_PREFIX_RE = re.compile(r"^\s*((re|aw|sv|fw|fwd|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
_UNFOLD_RE = re.compile(r"\r?\n(?=[ \t])")
_HEADER_NAME_RE = re.compile(r"^[!-9;-~]+$")
_MIME_TYPE_RE = re.compile(r"^(?P<main>[\w.+-]+)/(?P<sub>[\w.+-]+)\s*(;|$)")
# Headers the API builds itself; custom_headers may not override them.
RESERVED_HEADERS = {
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
}


@dataclass
class Part:
    """An attachment (or inline part) as stored and served by the attachments endpoints."""

    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None
    is_inline: bool = False

    @property
    def content_disposition(self) -> str:
        return "inline" if self.is_inline else "attachment"


@dataclass
class ParsedMail:
    """Everything the store keeps about one message, read from its bytes."""

    subject: str = ""
    from_: list[dict[str, str]] = field(default_factory=list)
    to: list[dict[str, str]] = field(default_factory=list)
    cc: list[dict[str, str]] = field(default_factory=list)
    bcc: list[dict[str, str]] = field(default_factory=list)
    reply_to: list[dict[str, str]] = field(default_factory=list)
    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    sent_at: datetime | None = None
    body: str = ""
    is_html: bool = False
    snippet: str = ""
    attachments: list[Part] = field(default_factory=list)
    calendar_parts: list[bytes] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def participants(self) -> set[str]:
        return {a["email"].lower() for a in (*self.from_, *self.to, *self.cc) if a["email"]}


def normalize_subject(subject: str) -> str:
    """The subject without Re:/Fwd: prefixes, case-folded: what subject-fallback threading compares."""
    return _WS_RE.sub(" ", REPLY_PREFIX_RE.sub("", subject)).strip().casefold()


def is_reply_subject(subject: str) -> bool:
    return bool(REPLY_PREFIX_RE.match(subject))


class _TextExtractor(HTMLParser):
    """HTML to plain text for snippets; script/style contents are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip += 1
        elif tag in {"br", "p", "div", "li", "tr"}:
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_to_text(markup: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except Exception:  # HTMLParser is lenient, but hostile markup must never break a snippet
        return _WS_RE.sub(" ", re.sub(r"<[^>]*>", " ", markup)).strip()
    return _WS_RE.sub(" ", "".join(extractor.chunks)).strip()


def make_snippet(body: str, is_html: bool) -> str:
    text = html_to_text(body) if is_html else _WS_RE.sub(" ", body).strip()
    return text[:SNIPPET_CHARS]


def clean(text: str) -> str:
    """Undo surrogate escapes: raw 8-bit header bytes are read as UTF-8 (what senders mean), else replaced."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _addresses(msg: Message, name: str, problems: list[str]) -> list[dict[str, str]]:
    try:
        header = msg.get(name)
        if header is None:
            return []
        addresses = getattr(header, "addresses", ())
        return [{"name": clean(a.display_name), "email": clean(a.addr_spec)} for a in addresses if a.addr_spec]
    except Exception as exc:
        problems.append(f"{name} header unreadable ({type(exc).__name__}); parsed leniently")
        raw = [str(v) for v in msg.get_all(name, [])] if hasattr(msg, "get_all") else []
        return [{"name": clean(n), "email": clean(e)} for n, e in getaddresses(raw) if e]


def _header_text(msg: Message, name: str, problems: list[str]) -> str | None:
    try:
        value = msg.get(name)
    except Exception as exc:
        problems.append(f"{name} header unreadable ({type(exc).__name__})")
        return None
    return None if value is None else clean(str(value))


def _decoded_text(part: Message, problems: list[str]) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return clean(content).replace("\r\n", "\n")
    except Exception as exc:
        problems.append(f"{part.get_content_type()} part not decodable ({type(exc).__name__}); read as UTF-8")
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace").replace("\r\n", "\n") if isinstance(payload, bytes) else ""


def part_bytes(part: Message) -> bytes:
    """A leaf part's decoded bytes; an attached message (message/rfc822) as its RFC 5322 text."""
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            return inner[0].as_bytes()
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _walk(msg: Message, out: list[Message]) -> None:
    """Leaf parts in order; attached messages count as one leaf (their text is not our body)."""
    if msg.get_content_type() == "message/rfc822" or not msg.is_multipart():
        out.append(msg)
        return
    payload = msg.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            _walk(sub, out)


def parse(raw: bytes) -> ParsedMail:
    """Read one RFC 5322 message; never raises (problems are collected instead)."""
    try:
        return _parse(raw)
    except Exception as exc:  # the last guard: a parser bug must not cost us the message
        body = raw.decode("utf-8", "replace")
        return ParsedMail(body=body, snippet=make_snippet(body, False), problems=[f"parser failed: {exc!r}"])


def _parse(raw: bytes) -> ParsedMail:
    mail = ParsedMail()
    problems = mail.problems
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:
        problems.append(f"message not parseable as MIME ({type(exc).__name__})")
        mail.body = raw.decode("utf-8", "replace")
        mail.snippet = make_snippet(mail.body, False)
        return mail
    # Raw (unparsed) header values: the header registry is most of the parse cost, and the ids and the
    # date below need only the raw text; subject and addresses go through the registry for decoding.
    mail.headers = [(clean(k), _UNFOLD_RE.sub("", clean(str(v)))) for k, v in msg.raw_items()]  # type: ignore[attr-defined]
    raw_headers: dict[str, str] = {}
    for name, value in mail.headers:
        raw_headers.setdefault(name.lower(), value)
    mail.subject = _header_text(msg, "subject", problems) or ""
    mail.from_ = _addresses(msg, "from", problems)
    mail.to = _addresses(msg, "to", problems)
    mail.cc = _addresses(msg, "cc", problems)
    mail.bcc = _addresses(msg, "bcc", problems)
    mail.reply_to = _addresses(msg, "reply-to", problems)
    found = MSGID_RE.findall(raw_headers.get("message-id", ""))
    mail.message_id = found[0] if found else None
    in_reply_to = MSGID_RE.findall(raw_headers.get("in-reply-to", ""))
    mail.in_reply_to = in_reply_to[0] if in_reply_to else None
    mail.references = MSGID_RE.findall(raw_headers.get("references", ""))
    date = raw_headers.get("date")
    if date:
        try:
            sent = parsedate_to_datetime(date)
            mail.sent_at = sent if sent.tzinfo else None
        except (TypeError, ValueError, IndexError):
            problems.append("Date header unreadable")
    _read_parts(msg, mail)
    for part in [msg, *(p for p in msg.walk() if p is not msg)]:
        for defect in getattr(part, "defects", []):
            problems.append(f"{part.get_content_type()}: {type(defect).__name__}")
    return mail


def _read_parts(msg: Message, mail: ParsedMail) -> None:
    leaves: list[Message] = []
    try:
        _walk(msg, leaves)
    except Exception as exc:
        mail.problems.append(f"MIME structure unreadable ({type(exc).__name__})")
        leaves = [msg]
    text: str | None = None
    markup: str | None = None
    for index, part in enumerate(leaves):
        ctype = part.get_content_type()
        try:
            disposition = part.get_content_disposition()
            filename = part.get_filename()
            filename = clean(filename) if filename else None
        except Exception as exc:
            mail.problems.append(f"part {index} headers unreadable ({type(exc).__name__})")
            disposition, filename = None, None
        if ctype == "text/calendar":
            data = part_bytes(part)
            mail.calendar_parts.append(data)
            mail.attachments.append(_attachment(part, ctype, data, filename or "invite.ics", disposition))
        elif disposition != "attachment" and not filename and ctype == "text/plain" and text is None:
            text = _decoded_text(part, mail.problems)
        elif disposition != "attachment" and not filename and ctype == "text/html" and markup is None:
            markup = _decoded_text(part, mail.problems)
        elif part.is_multipart() and ctype != "message/rfc822":
            continue
        else:
            data = part_bytes(part)
            name = filename or f"part{index}{_extension(ctype)}"
            mail.attachments.append(_attachment(part, ctype, data, name, disposition))
    if markup is not None:
        mail.body, mail.is_html = markup, True
    else:
        mail.body = text or ""
    mail.snippet = make_snippet(mail.body, mail.is_html)


def _extension(ctype: str) -> str:
    return {"text/plain": ".txt", "text/html": ".html", "message/rfc822": ".eml"}.get(ctype, "")


def _attachment(part: Message, content_type: str, data: bytes, filename: str, disposition: str | None) -> Part:
    cid = part.get("content-id")
    content_id = str(cid).strip().strip("<>") if cid else None
    return Part(
        filename=filename,
        content_type=content_type,
        data=data,
        content_id=content_id,
        is_inline=disposition == "inline" or (disposition is None and content_id is not None),
    )


def format_address(entry: dict[str, Any]) -> Address:
    """A v3 `{"name", "email"}` as a header Address; ValueError names the offending value."""
    if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
        raise ValueError(f"address must be an object with an email, not {entry!r}")
    email = entry["email"].strip()
    name = entry.get("name") or ""
    if not isinstance(name, str):
        raise ValueError(f"address name must be a string, not {name!r}")
    if "@" not in email or any(c in email for c in "\r\n<>, "):
        raise ValueError(f"{email!r} is not an email address")
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError, TypeError) as exc:
        raise ValueError(f"{email!r} is not an email address: {exc}") from None


@dataclass
class Outgoing:
    """What the API was asked to send, before it becomes RFC 5322."""

    sender: dict[str, str]
    to: list[dict[str, Any]]
    subject: str = ""
    body: str = ""
    is_plaintext: bool = False
    cc: list[dict[str, Any]] = field(default_factory=list)
    bcc: list[dict[str, Any]] = field(default_factory=list)
    reply_to: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Part] = field(default_factory=list)
    custom_headers: list[dict[str, Any]] = field(default_factory=list)
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)


def build(out: Outgoing, *, message_id: str, date: datetime) -> EmailMessage:
    """The RFC 5322 message for a send; ValueError for bad addresses or header injection."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = format_address(out.sender)
    for header, entries in (("To", out.to), ("Cc", out.cc), ("Bcc", out.bcc), ("Reply-To", out.reply_to)):
        if entries:
            msg[header] = [format_address(e) for e in entries]
    if any(c in out.subject for c in "\r\n"):
        raise ValueError("subject may not contain line breaks")
    msg["Subject"] = out.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    if out.in_reply_to:
        msg["In-Reply-To"] = out.in_reply_to
    if out.references:
        msg["References"] = " ".join(out.references)
    for header in out.custom_headers:
        name, value = (header.get("name"), header.get("value")) if isinstance(header, dict) else (None, None)
        if not isinstance(name, str) or not _HEADER_NAME_RE.match(name) or name.lower() in RESERVED_HEADERS:
            raise ValueError(f"custom header name {name!r} is not allowed")
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            raise ValueError(f"custom header {name} needs a single-line string value")
        msg[name] = value
    if out.is_plaintext:
        msg.set_content(out.body)
    else:
        msg.set_content(html_to_text(out.body) or " ")
        msg.add_alternative(out.body or "<p></p>", subtype="html")
    for part in out.attachments:
        kind = _MIME_TYPE_RE.match(part.content_type.strip())
        maintype, subtype = (kind["main"], kind["sub"]) if kind else ("application", "octet-stream")
        msg.add_attachment(
            part.data,
            maintype=maintype,
            subtype=subtype,
            filename=part.filename,
            disposition=part.content_disposition,
            cid=f"<{part.content_id}>" if part.content_id else None,
        )
    return msg
