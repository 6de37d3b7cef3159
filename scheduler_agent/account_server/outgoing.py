"""Send and draft request bodies: JSON or multipart in, a validated `mime.Outgoing` out; Idempotency-Key.

Both `POST .../messages/send` and the drafts endpoints accept the same body (v3 §2.4), so reading it
lives here once. Multipart follows what the official SDK puts on the wire: a `message` part holding the
JSON (attachments left out) and one file part per attachment, named by content id or `file0`, `file1`….
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from .context import JSONDict, ServerContext
from .http import ApiError, Request, Response, bad_request
from .mime import Outgoing, Part, format_address, part_bytes

IDEMPOTENCY_TTL_SECONDS = 3600
MAX_IDEMPOTENCY_KEY = 256
_GENERIC_PART_NAME = re.compile(r"^(file|attachment)s?\d*$", re.IGNORECASE)

SCHEMA = """
CREATE TABLE IF NOT EXISTS mail_idempotency (
    grant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    headers TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (grant_id, key)
);
"""


@dataclass
class FormPart:
    name: str | None
    filename: str | None
    content_type: str
    data: bytes


def form_parts(req: Request) -> list[FormPart]:
    """The parts of a multipart/form-data body, read with the stdlib MIME parser."""
    head = f"Content-Type: {req.content_type}\r\n\r\n".encode("latin-1", "replace")
    form = BytesParser(policy=policy.HTTP).parsebytes(head + req.body)
    if not form.is_multipart():
        raise bad_request("multipart body could not be read (missing or wrong boundary)")
    parts = []
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts.append(
            FormPart(
                name if isinstance(name, str) else None, part.get_filename(), part.get_content_type(), part_bytes(part)
            )
        )
    return parts


def is_multipart(req: Request) -> bool:
    return req.content_type.lower().startswith("multipart/form-data")


def read_body(req: Request) -> tuple[JSONDict, list[Part]]:
    """The JSON payload and the uploaded files of a send/draft request (JSON or multipart/form-data)."""
    if not is_multipart(req):
        payload = req.json()
        return payload, _json_attachments(payload.get("attachments"))
    payload: JSONDict | None = None
    files: list[Part] = []
    for index, part in enumerate(form_parts(req)):
        if part.name == "message" and payload is None:
            try:
                value = json.loads(part.data or b"{}")
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise bad_request(f"multipart 'message' part is not valid JSON: {exc}") from None
            if not isinstance(value, dict):
                raise bad_request("multipart 'message' part must be a JSON object")
            payload = value
            continue
        cid = part.name if part.name and not _GENERIC_PART_NAME.match(part.name) else None
        files.append(
            Part(
                filename=part.filename or f"attachment{index}",
                content_type=part.content_type,
                data=part.data,
                content_id=cid,
                is_inline=cid is not None,
            )
        )
    if payload is None:
        raise bad_request("multipart body needs a 'message' part holding the JSON fields")
    return payload, [*_json_attachments(payload.get("attachments")), *files]


def read_raw_mime(req: Request) -> bytes:
    """The message of a `?type=mime` send: the multipart part named `mime` (the SDK's send_raw_mime)."""
    if not is_multipart(req):
        raise bad_request("type=mime needs a multipart/form-data body with a 'mime' part")
    for part in form_parts(req):
        if part.name == "mime":
            if not part.data.strip():
                raise bad_request("the 'mime' part is empty")
            return part.data
    raise bad_request("type=mime needs a multipart/form-data body with a 'mime' part")


def raw_message_for(grant: JSONDict, raw: bytes) -> EmailMessage:
    """A caller-built RFC 5322 message, checked like a structured send: own From, some recipient."""
    try:
        message = BytesParser(policy=policy.SMTP).parsebytes(raw)
        senders = getattr(message.get("from"), "addresses", ())
    except Exception as exc:
        raise bad_request(f"the MIME message could not be read: {exc}") from None
    if not senders:
        del message["From"]
        message["From"] = format_address(sender_for(grant, {}))
    elif len(senders) > 1 or senders[0].addr_spec.lower() != str(grant["email"]).lower():
        raise ApiError(403, "forbidden", f"this account can only send as {grant['email']}")
    if not any(message.get(h) for h in ("to", "cc", "bcc")):
        raise bad_request("the MIME message has no To, Cc or Bcc recipient")
    return message


def _json_attachments(value: Any) -> list[Part]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("attachments must be a list")
    parts: list[Part] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise bad_request("each JSON attachment needs filename, content_type and base64 content")
        try:
            data = base64.b64decode(item["content"], validate=False)
        except (binascii.Error, ValueError):
            raise bad_request(f"attachment {item.get('filename')!r} content is not base64") from None
        cid = item.get("content_id")
        parts.append(
            Part(
                filename=str(item.get("filename") or "attachment"),
                content_type=str(item.get("content_type") or "application/octet-stream"),
                data=data,
                content_id=str(cid) if cid else None,
                is_inline=bool(item.get("is_inline") or item.get("content_disposition") == "inline"),
            )
        )
    return parts


def _address_list(payload: JSONDict, key: str) -> list[dict[str, Any]]:
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(f"{key} must be a list of {{name, email}} objects")
    for entry in value:
        try:
            format_address(entry)
        except ValueError as exc:
            raise bad_request(f"{key}: {exc}") from None
    return [{"name": e.get("name") or "", "email": e["email"].strip()} for e in value]


def _text(payload: JSONDict, key: str) -> str:
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise bad_request(f"{key} must be a string")
    return value


def sender_for(grant: JSONDict, payload: JSONDict) -> dict[str, str]:
    """The From: always the account's own address; the display name may be overridden."""
    given = _address_list(payload, "from")
    if len(given) > 1:
        raise bad_request("from takes a single address")
    if given and given[0]["email"].lower() != str(grant["email"]).lower():
        raise ApiError(403, "forbidden", f"this account can only send as {grant['email']}")
    if given and given[0]["name"]:
        name = given[0]["name"]
    else:  # the account's display name is stored free-form; a header needs it on one line
        name = " ".join(str(grant.get("name") or "").split())
    return {"name": name, "email": str(grant["email"])}


def original_for(ctx: ServerContext, grant_id: str, message_id: Any) -> sqlite3.Row | None:
    if message_id in (None, ""):
        return None
    if not isinstance(message_id, str):
        raise bad_request("reply_to_message_id must be a string")
    row = ctx.db.one(
        "SELECT * FROM mail_messages WHERE id = ? AND grant_id = ? AND is_draft = 0", (message_id, grant_id)
    )
    if row is None:
        raise ApiError(404, "not_found_error", f"reply_to_message_id {message_id} not found")
    return row


def reply_headers(original: sqlite3.Row | None) -> tuple[str | None, list[str]]:
    """In-Reply-To and References for a reply to `original`, so the recipient's client threads it."""
    if original is None or not original["message_id_header"]:
        return None, []
    references = [*json.loads(original["references_header"]), original["message_id_header"]]
    return original["message_id_header"], list(dict.fromkeys(references))


def outgoing_from(
    ctx: ServerContext, grant: JSONDict, payload: JSONDict, files: list[Part], *, require_to: bool
) -> tuple[Outgoing, sqlite3.Row | None]:
    """Validate a send/draft payload; returns the message to build and the message it replies to."""
    if payload.get("send_at") is not None:
        raise bad_request("scheduled sending (send_at) is not supported by this server")
    to = _address_list(payload, "to")
    if require_to and not to:
        raise bad_request("to must name at least one recipient")
    headers = payload.get("custom_headers") or []
    if not isinstance(headers, list):
        raise bad_request("custom_headers must be a list of {name, value}")
    original = original_for(ctx, grant["id"], payload.get("reply_to_message_id"))
    in_reply_to, references = reply_headers(original)
    out = Outgoing(
        sender=sender_for(grant, payload),
        to=to,
        cc=_address_list(payload, "cc"),
        bcc=_address_list(payload, "bcc"),
        reply_to=_address_list(payload, "reply_to"),
        subject=_text(payload, "subject"),
        body=_text(payload, "body"),
        is_plaintext=bool(payload.get("is_plaintext")),
        attachments=files,
        custom_headers=headers,
        in_reply_to=in_reply_to,
        references=references,
    )
    return out, original


def metadata_from(payload: JSONDict) -> JSONDict:
    metadata = payload.get("metadata") or {}
    if not isinstance(metadata, dict) or not all(isinstance(k, str) for k in metadata):
        raise bad_request("metadata must be an object of string keys")
    for key, value in metadata.items():
        if not isinstance(value, str) or len(value) > 500:
            raise bad_request(f"metadata value for {key!r} must be a string of at most 500 characters")
    return metadata


def payload_digest(payload: JSONDict, files: list[Part]) -> str:
    """What "the same payload" means for Idempotency-Key: fields and file contents, not multipart boundaries."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    for part in files:
        digest.update(f"\0{part.filename}\0{part.content_type}\0{part.content_id}\0".encode())
        digest.update(hashlib.sha256(part.data).digest())
    return digest.hexdigest()


def idempotent(ctx: ServerContext, req: Request, digest: str, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per (grant, Idempotency-Key); replays get the cached answer (v3 §1.6).

    The handler's writes and the cached answer commit in one transaction, so a server killed mid-send
    leaves either the sent mail and its answer or neither: a replay then gets the answer, or sends for
    the first time. (A key written as "pending" before the handler ran would outlive a killed process
    and refuse every replay as in flight until it expired: the reply was lost.) A second request with
    the same key waits for the first and gets its answer.
    """
    key = req.headers.get("idempotency-key")
    if key is None:
        return handler()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        message = f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY} characters"
        raise ApiError(400, "api.invalid_idempotency_key", message)
    grant_id = req.grant_id
    now = ctx.timestamp()
    with ctx.db.tx() as conn:
        # Rows not 'done' were left by versions that wrote the key before sending; they prove nothing.
        conn.execute(
            "DELETE FROM mail_idempotency WHERE created_at < ? OR state != 'done'", (now - IDEMPOTENCY_TTL_SECONDS,)
        )
        row = conn.execute("SELECT * FROM mail_idempotency WHERE grant_id = ? AND key = ?", (grant_id, key)).fetchone()
        if row is None:
            conn.execute("SAVEPOINT idempotent_handler")
            try:
                response = handler()
            except ApiError as exc:
                conn.execute("ROLLBACK TO idempotent_handler")
                error = {"error": {"type": exc.type, "message": exc.message}}
                response = Response(error, exc.status, dict(exc.headers))
            conn.execute("RELEASE idempotent_handler")
            conn.execute(
                "INSERT INTO mail_idempotency (grant_id, key, payload_hash, state, status, response, headers,"
                " created_at) VALUES (?, ?, ?, 'done', ?, ?, ?, ?)",
                (
                    grant_id,
                    key,
                    digest,
                    response.status,
                    json.dumps(response.body),
                    json.dumps(response.headers),
                    now,
                ),
            )
            return response
    if row["payload_hash"] != digest:
        raise ApiError(409, "api.invalid_idempotent_request", "Idempotency-Key was used with a different payload")
    headers = {**json.loads(row["headers"]), "Idempotent-Response": "true"}
    return Response(json.loads(row["response"]), row["status"], headers=headers)
