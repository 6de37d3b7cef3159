"""Time-zone names from the wild: Windows ids, display names, vendor prefixes and offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from scheduler_agent.tzmap import resolve_tzid, windows_to_iana


@pytest.mark.parametrize(
    ("windows", "iana"),
    [
        ("Eastern Standard Time", "America/New_York"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("GMT Standard Time", "Europe/London"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("India Standard Time", "Asia/Kolkata"),  # CLDR says Asia/Calcutta: we answer with today's name
        ("Cen. Australia Standard Time", "Australia/Adelaide"),
        ("Nepal Standard Time", "Asia/Kathmandu"),
        ("FLE Standard Time", "Europe/Kyiv"),
        ("UTC", "Etc/UTC"),
    ],
)
def test_windows_names_map_to_cldr_001_zones(windows: str, iana: str) -> None:
    assert windows_to_iana(windows) == iana


def test_windows_lookup_ignores_case_and_spacing() -> None:
    assert windows_to_iana("  eastern   STANDARD time ") == "America/New_York"
    assert windows_to_iana("Eastern Time") is None
    assert windows_to_iana("") is None


def test_every_cldr_windows_name_resolves_to_a_real_zone() -> None:
    assert len(WINDOWS_TO_OLSON) > 130
    for name in WINDOWS_TO_OLSON:
        iana = windows_to_iana(name)
        assert iana is not None, name
        zone = resolve_tzid(name)
        assert zone is not None, name
        # "UTC" is also an IANA key, which wins; every other Windows id is not an IANA key.
        assert zone.key == ("UTC" if name == "UTC" else iana)


def _offset(zone: ZoneInfo, when: datetime) -> timedelta:
    offset = when.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def test_half_hour_windows_zones_keep_their_offsets() -> None:
    india = resolve_tzid("India Standard Time")
    adelaide = resolve_tzid("Cen. Australia Standard Time")
    assert india is not None
    assert adelaide is not None
    winter_north = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert _offset(india, winter_north) == timedelta(hours=5, minutes=30)
    assert _offset(adelaide, winter_north) == timedelta(hours=10, minutes=30)  # southern summer
    assert _offset(adelaide, datetime(2026, 7, 15, 12, tzinfo=UTC)) == timedelta(hours=9, minutes=30)


@pytest.mark.parametrize(
    ("tzid", "key"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ('"America/Chicago"', "America/Chicago"),
        ("US/Eastern", "US/Eastern"),
        ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
        ("/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("/citadel.org/20190103_1/Asia/Tokyo", "Asia/Tokyo"),
        ("Eastern Standard Time 1", "America/New_York"),
        ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
        ("(UTC-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"),
        ("(UTC+09:30) Adelaide", "Australia/Adelaide"),
        ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Amsterdam"),
        ("(UTC+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo"),
        ("(UTC) Coordinated Universal Time", "UTC"),
        ("GMT+0100", "Etc/GMT-1"),
        ("GMT-05:00", "Etc/GMT+5"),
        ("UTC+14", "Etc/GMT-14"),
        ("(UTC+01:00) West Central Africa", "Etc/GMT-1"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_resolve_tzid_accepts_what_clients_send(tzid: str, key: str) -> None:
    assert resolve_tzid(tzid) == ZoneInfo(key)


def test_display_name_cities_must_match_the_stated_offset() -> None:
    # "London" exists, but not at +05:00: a wrong city must not win over the offset.
    assert resolve_tzid("(UTC+05:00) London") == ZoneInfo("Etc/GMT-5")


@pytest.mark.parametrize(
    "tzid",
    [
        "",
        "   ",
        "Customized Time Zone",
        "Mars/Olympus_Mons",
        "America",
        "../../etc/passwd",
        "/etc/passwd",
        "Europe/Berlin\x00",
        "x" * 500,
        "UTC+5:30",  # no IANA zone is a bare half-hour offset
        "UTC+15",
        "GMT Daylight Time",
        "Utah",
        "localtime",
        "Factory",
    ],
)
def test_resolve_tzid_refuses_what_it_cannot_be_sure_of(tzid: str) -> None:
    assert resolve_tzid(tzid) is None


@given(st.text(max_size=80))
def test_resolve_tzid_never_raises(text: str) -> None:
    result = resolve_tzid(text)
    assert result is None or isinstance(result, ZoneInfo)
