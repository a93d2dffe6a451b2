"""Reader-facing wording of dates, zones and distances."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from handlers import timefmt


def test_long_date_and_moment() -> None:
    assert timefmt.long_date(dt.date(2025, 6, 2)) == "Monday 2 June 2025"
    moment = dt.datetime(2025, 6, 2, 6, 30, tzinfo=dt.UTC)
    assert timefmt.long_moment(moment, ZoneInfo("Europe/Istanbul")) == \
        "Monday 2 June 2025, 09:30 (Europe/Istanbul, UTC+03:00)"
    assert timefmt.long_moment(moment, ZoneInfo("Asia/Kolkata")).endswith("12:00 (Asia/Kolkata, UTC+05:30)")
    assert timefmt.long_moment(moment, ZoneInfo("America/St_Johns")).endswith("(America/St_Johns, UTC−02:30)")
    assert timefmt.long_moment(moment, ZoneInfo("UTC")).endswith("06:30 (UTC, UTC)")


def test_offsets_follow_daylight_saving() -> None:
    kyiv = ZoneInfo("Europe/Kyiv")
    assert timefmt.zone_label(kyiv, dt.datetime(2025, 1, 15, tzinfo=dt.UTC)) == "Europe/Kyiv, UTC+02:00"
    assert timefmt.zone_label(kyiv, dt.datetime(2025, 6, 15, tzinfo=dt.UTC)) == "Europe/Kyiv, UTC+03:00"


@pytest.mark.parametrize(
    ("today", "phrase"),
    [
        ("2025-06-02", "today"),
        ("2025-06-01", "tomorrow"),
        ("2025-06-03", "yesterday"),
        ("2025-05-30", "in 3 days"),
        ("2025-05-20", "in 13 days"),
        ("2025-05-19", "in 2 weeks"),
        ("2025-03-02", "in 3 months"),
        ("2025-06-15", "13 days ago"),
        ("2025-06-20", "3 weeks ago"),
        ("2026-12-01", "18 months ago"),
        ("2028-06-02", "3 years ago"),
    ],
)
def test_relative_day(today: str, phrase: str) -> None:
    assert timefmt.relative_day(dt.date.fromisoformat(today), dt.date(2025, 6, 2)) == phrase


@pytest.mark.parametrize(
    ("minutes", "phrase"),
    [
        (0, "less than a minute"),
        (1, "1 minute"),
        (59, "59 minutes"),
        (60, "1 hour"),
        (61, "1 hour 1 minute"),
        (3 * 24 * 60 + 4 * 60 + 5, "3 days 4 hours"),
        (20 * 24 * 60, "3 weeks"),
    ],
)
def test_span(minutes: int, phrase: str) -> None:
    assert timefmt.span(dt.timedelta(minutes=minutes)) == phrase


def test_relative_moment() -> None:
    now = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    assert timefmt.relative_moment(now, now + dt.timedelta(hours=3)) == "in 3 hours"
    assert timefmt.relative_moment(now, now - dt.timedelta(minutes=90)) == "1 hour 30 minutes ago"
    assert timefmt.relative_moment(now, now + dt.timedelta(seconds=20)) == "now"


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (dt.date(2026, 6, 2), dt.date(2026, 6, 4), "Tuesday 2 – Thursday 4 June 2026"),
        (dt.date(2026, 3, 30), dt.date(2026, 4, 2), "Monday 30 March – Thursday 2 April 2026"),
        (dt.date(2026, 12, 30), dt.date(2027, 1, 2), "Wednesday 30 December 2026 – Saturday 2 January 2027"),
    ],
)
def test_long_range_names_the_days_of_an_event_over_several(first: dt.date, last: dt.date, text: str) -> None:
    assert timefmt.long_range(first, last) == text
