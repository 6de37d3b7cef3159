"""Mail-level reading for the offline engine: the writer's own words, who to include, how and where to meet.

Pure like the rest of the engine: no I/O, and linear-time on hostile input (huge bodies, unclosed tags).
"""

from __future__ import annotations

import html
import re

from .models import Medium, Person, RequestContext
from .timeparse_lexicon import MEDIUM_CUES, MONTHS, SIGN_OFFS, WEEKDAYS, ZONE_ABBREVIATIONS

MAX_TEXT_CHARS = 20_000

_QUOTE_HEADER = re.compile(
    r"^\s*(?:on\s.{0,300}\bwrote:|-{2,}\s*(?:original|forwarded) message\s*-{0,}|_{8,}|"
    r"from:\s.+\s(?:sent|date):\s.+|begin forwarded message:)\s*$",
    re.IGNORECASE,
)
_FROM_LINE = re.compile(r"^\s*from:\s", re.IGNORECASE)
_SENT_LINE = re.compile(r"^\s*(?:sent|date|to|subject):\s", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")
# Starts only where an address can start, so a long run of letters is scanned once, not once per letter.
EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
_INVITE_NAME = re.compile(r"\b(?:include|invite|add|loop in|bring(?: in| along)?|cc)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)")
_LOCATION = re.compile(
    r"\b(?:at|in)\s+((?:the\s)?(?:[Rr]oom|[Cc]onference [Rr]oom|[Ss]uite)\s[\w-]+|(?:the|our) office|"
    r"(?:the\s)?[A-Z][\w'&-]+(?:\s(?:[A-Z][\w'&-]+|of\b|de\b|la\b))*"
    r"(?:\s(?:office|building|hq|cafe|café|room|hall|center|centre|lobby|hotel|library|campus))?)"
)
_NOT_PLACES = {w.lower() for w in (*WEEKDAYS, *MONTHS, *ZONE_ABBREVIATIONS)} | {
    "i",
    "the",
    "my",
    "your",
    "our",
    "q1",
    "q2",
}


def _drop_style_and_script(text: str) -> str:
    """Remove <style>/<script> contents in one pass (a lazy regex is quadratic on unclosed tags)."""
    lowered = text.lower()
    parts: list[str] = []
    pos = 0
    for opening in re.finditer(r"<(style|script)\b", lowered):
        if opening.start() < pos:
            continue
        parts.append(text[pos : opening.start()])
        close = lowered.find(f"</{opening.group(1)}", opening.end())
        pos = len(text) if close < 0 else close
    parts.append(text[pos:])
    return "".join(parts)


def clean_body(text: str) -> str:
    """The writer's own words: no HTML, no quoted earlier mail, no signature."""
    text = text[: MAX_TEXT_CHARS * 10]
    if re.search(r"<(?:br|p|div|html|body|span|table)\b", text[:5000], re.IGNORECASE):
        text = re.sub(r"(?i)<(?:br|/p|/div|/tr|/li)\b[^>]{0,200}>", "\n", _drop_style_and_script(text))
        text = html.unescape(_TAG.sub("", text))
    lines = text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        joined = line + " " + (lines[index + 1] if index + 1 < len(lines) else "")
        if _QUOTE_HEADER.match(line) or (line.lower().startswith("on ") and _QUOTE_HEADER.match(joined)):
            break
        if _FROM_LINE.match(line) and index + 1 < len(lines) and _SENT_LINE.match(lines[index + 1]):
            break
        if line.rstrip() in ("--", "-- ", "—"):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    for index in range(len(kept) - 1, max(-1, len(kept) - 7), -1):
        if SIGN_OFFS.match(kept[index].strip()) and index > 0:
            kept = kept[:index]
            break
    return "\n".join(kept).strip()


def find_attendees(body: str, ctx: RequestContext, notes: list[str]) -> tuple[Person, ...]:
    """Everyone on the To/Cc line and every address in the text, minus the agent and the sender."""
    exclude = {ctx.agent_email.lower()} | ({ctx.sender.email.lower()} if ctx.sender else set())
    people: dict[str, Person] = {}
    for person in ctx.recipients:
        if person.email.lower() not in exclude:
            people.setdefault(person.email.lower(), person)
    for address in EMAIL_RE.findall(body):
        address = address.rstrip(".")
        if address.lower() not in exclude:
            people.setdefault(address.lower(), Person(email=address))
    known_names = {p.name.split()[0].lower() for p in (*ctx.recipients, *people.values()) if p.name}
    known_names |= {p.email.split("@")[0].split(".")[0].lower() for p in people.values()}
    if ctx.sender and ctx.sender.name:
        known_names.add(ctx.sender.name.split()[0].lower())
    for name in _INVITE_NAME.findall(body):
        if name.split()[0].lower() not in known_names:
            notes.append(f"{name} should be included but no address was given")
    return tuple(people.values())


def medium_and_location(body: str, text: str) -> tuple[Medium, str | None]:
    """How people will meet, and the place when one is named ("coffee at Blue Bottle")."""
    medium = Medium.UNSPECIFIED
    for pattern, value in MEDIUM_CUES:
        if re.search(pattern, text):
            medium = Medium(value)
            break
    location = None
    for match in _LOCATION.finditer(body):
        place = match.group(1).strip()
        words = place.lower().split()
        named = words[1:] if words[0] == "the" and len(words) > 1 else words
        if words[-1] == "office" or (named[-1] not in _NOT_PLACES and named[0] not in _NOT_PLACES):
            location = place
            break
    if location and medium is Medium.UNSPECIFIED:
        medium = Medium.IN_PERSON
    if medium is Medium.VIDEO:
        location = None
    return medium, location
