"""Time-zone names as mail clients really write them, turned into IANA zones.

Outlook/Exchange writes Windows names ("W. Europe Standard Time") or display names
("(UTC-05:00) Eastern Time (US & Canada)"), Lightning and Evolution prefix vendor paths
("/mozilla.org/20050126_1/Europe/Berlin"), and hand-made files say "GMT+0100". A meeting shifted by an
hour is worse than a rejected one, so anything we cannot map with confidence returns None and the caller
decides (the iTIP reader falls back to the home zone and says so).

The Windows table is CLDR's windowsZones territory "001" list, reused from icalendar (which regenerates it
from CLDR) rather than copied; CLDR still uses a few pre-rename IANA ids, which we map to today's names.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

__all__ = ["resolve_tzid", "windows_to_iana", "zone_from_display_name"]

# CLDR keeps stable ids that IANA has since renamed; both resolve, but the new names are what people know.
_CLDR_TO_CURRENT_IANA = {
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Europe/Kiev": "Europe/Kyiv",
}
# Keys in tzdata that are not places: never answer a TZID with them.
_NOT_ZONES = {"Factory", "localtime", "posixrules"}
_MAX_TZID_CHARS = 200
_UTC_NAMES = {"z", "utc", "gmt", "ut", "zulu", "coordinated universal time", "etc/utc", "etc/gmt"}
# "(UTC-05:00) Eastern Time", "GMT+0100", "UTC+5:30", "(GMT+01.00) Amsterdam", "(UTC) Coordinated Universal Time"
_OFFSET = re.compile(
    r"^\(?\s*(?:UTC|GMT|UT)\b\s*(?:(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?:[:.]?(?P<minutes>\d{2}))?)?\s*\)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TRAILING_COUNTER = re.compile(r"\s+\d+$")  # Outlook's "Eastern Standard Time 1" copies of a zone
_PARENTHESES = re.compile(r"\([^)]*\)")
_CITY_SPLIT = re.compile(r"\s*(?:,|&|\band\b|/|;)\s*", re.IGNORECASE)
# Winter and summer instants of a fixed year: enough to learn a zone's standard (smaller) offset.
_PROBES = (datetime(2025, 1, 15, 12, tzinfo=UTC), datetime(2025, 7, 15, 12, tzinfo=UTC))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _windows_index() -> dict[str, str]:
    """Built on first use: the offline time engine reads zone labels too, and should not pay for importing
    icalendar unless a label needs the Windows names."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return {_fold(name): _CLDR_TO_CURRENT_IANA.get(iana, iana) for name, iana in WINDOWS_TO_OLSON.items()}


@cache
def _iana_index() -> dict[str, str]:
    """Case-folded key -> real key, so we only ever open zones that exist (no path games with ZoneInfo)."""
    return {key.casefold(): key for key in available_timezones() if key not in _NOT_ZONES}


@cache
def _city_index() -> dict[str, str]:
    """Last path part of every regional zone ("kolkata" -> "Asia/Kolkata"), for Windows display names."""
    index: dict[str, str] = {}
    for key in sorted(_iana_index().values()):
        if "/" in key and not key.startswith(("Etc/", "SystemV/")):
            index.setdefault(key.rsplit("/", 1)[1].replace("_", " ").casefold(), key)
    return index


def windows_to_iana(name: str) -> str | None:
    """Map a Windows zone id ("Eastern Standard Time") to its CLDR 001 IANA zone, ignoring case and spacing."""
    return _windows_index().get(_fold(name))


def _zone(key: str) -> ZoneInfo | None:
    real = _iana_index().get(key.strip().replace(" ", "_").casefold())
    return ZoneInfo(real) if real else None


def _standard_offset_minutes(zone: ZoneInfo) -> int:
    offsets = [probe.astimezone(zone).utcoffset() for probe in _PROBES]
    return min(int(offset.total_seconds()) // 60 for offset in offsets if offset is not None)


def zone_from_display_name(rest: str, offset_minutes: int) -> ZoneInfo | None:
    """Resolve the words after Outlook's "(UTC±hh:mm)": a Windows id in disguise, or a list of cities.

    The label shows the zone's standard offset whatever the season, so a city only counts when that offset
    matches; mail text reuses this for labels pasted into a message body."""
    plain = _fold(_PARENTHESES.sub(" ", rest))
    windows = [windows_to_iana(text) for text in (rest, plain, plain.replace(" time", " standard time"))]
    cities = [_city_index().get(_fold(city)) for city in _CITY_SPLIT.split(plain)]
    for key in (*windows, *cities):
        if key:
            zone = ZoneInfo(key)
            if _standard_offset_minutes(zone) == offset_minutes:
                return zone
    return None


def _from_offset(text: str) -> ZoneInfo | None:
    m = _OFFSET.match(text)
    if not m:
        return None
    hours = int(m["hours"] or 0)
    minutes = int(m["minutes"] or 0)
    if hours > 14 or minutes > 59:
        return None
    total = (hours * 60 + minutes) * (-1 if m["sign"] == "-" else 1)
    rest = m["rest"].strip()
    if rest and _fold(rest) not in _UTC_NAMES:
        zone = zone_from_display_name(rest, total)
        if zone is not None or m["sign"] is None:
            return zone  # bare "GMT Daylight Time"-like words without an offset: no safe fallback
    if minutes:
        return None  # no IANA zone is a bare half-hour offset, and guessing a region could be wrong
    if total == 0:
        return ZoneInfo("UTC")
    # POSIX-style Etc names invert the sign: Etc/GMT-1 is one hour east of Greenwich.
    return _zone(f"Etc/GMT{'-' if total > 0 else '+'}{hours}")


def resolve_tzid(tzid: str) -> ZoneInfo | None:
    """Turn any TZID seen in the wild into a ZoneInfo, or None when we cannot be sure which zone it means."""
    text = tzid.strip().strip('"').strip()
    if not text or len(text) > _MAX_TZID_CHARS or "\x00" in text:
        return None
    if _fold(text) in _UTC_NAMES:
        return ZoneInfo("UTC")
    zone = _zone(text)
    if zone is not None:
        return zone
    for name in (text, _TRAILING_COUNTER.sub("", text)):
        iana = windows_to_iana(name)
        if iana:
            return ZoneInfo(iana)
    if "/" in text:
        # RFC 5545 "globally unique" ids: a vendor path in front of an IANA name; try the longest tail first.
        parts = [part for part in text.split("/") if part]
        for start in range(1, len(parts)):
            zone = _zone("/".join(parts[start:]))
            if zone is not None:
                return zone
    return _from_offset(text)
