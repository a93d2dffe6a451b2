"""Reader-facing wording of dates, zones and distances."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from content import text as calendar
from handlers import timefmt
from handlers.i18n import speaking_in


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


# --- in the reader's language: Babel's dates, CLDR's relative times, the bot's own rounding -------

NNBSP = "\u202f"  # CLDR's narrow no-break space before "р." and "г."


@pytest.mark.parametrize(("code", "date", "days", "weeks", "ago"), [
    ("uk", f"понеділок, 2 червня 2025{NNBSP}р.", "через 2 дні", "через 2 тижні", "18 місяців тому"),
    ("ru", f"понедельник, 2 июня 2025{NNBSP}г.", "через 2 дня", "через 2 недели", "18 месяцев назад"),
    ("en", "Monday 2 June 2025", "in 2 days", "in 2 weeks", "18 months ago"),
])
def test_dates_and_distances_are_worded_in_the_readers_language(code: str, date: str, days: str, weeks: str,
                                                               ago: str) -> None:
    talks = dt.date(2025, 6, 2)
    with speaking_in(code):
        assert timefmt.long_date(talks) == date
        assert timefmt.relative_day(dt.date(2025, 5, 31), talks) == days
        assert timefmt.relative_day(dt.date(2025, 5, 19), talks) == weeks  # 14 days: weeks, the bot's rule
        assert timefmt.relative_day(dt.date(2026, 12, 1), talks) == ago


@pytest.mark.parametrize(("code", "counted"), [
    ("uk", ["1 день", "2 дні", "5 днів", "2 тижні", "3 тижні", "6 тижнів", "2 місяці", "18 місяців", "2 роки",
            "5 років"]),
    ("ru", ["1 день", "2 дня", "5 дней", "2 недели", "3 недели", "6 недель", "2 месяца", "18 месяцев", "2 года",
            "5 лет"]),
])
def test_distances_keep_the_bots_rounding_in_every_language(code: str, counted: list[str]) -> None:
    with speaking_in(code):
        assert [timefmt.distance(d) for d in (1, 2, 5, 14, 20, 45, 61, 548, 730, 1826)] == counted


@pytest.mark.parametrize(("code", "ahead", "behind"), [
    ("uk", ["через 1 хвилину", "через 21 хвилину", "через 1 годину 1 хвилину", "через 3 дні 4 години"],
     ["1 хвилину тому", "21 хвилину тому", "1 годину 1 хвилину тому", "3 дні 4 години тому"]),
    ("ru", ["через 1 минуту", "через 21 минуту", "через 1 час 1 минуту", "через 3 дня 4 часа"],
     ["1 минуту назад", "21 минуту назад", "1 час 1 минуту назад", "3 дня 4 часа назад"]),
    ("en", ["in 1 minute", "in 21 minutes", "in 1 hour 1 minute", "in 3 days 4 hours"],
     ["1 minute ago", "21 minutes ago", "1 hour 1 minute ago", "3 days 4 hours ago"]),
])
def test_a_moment_ahead_or_behind_takes_the_case_its_words_need(code: str, ahead: list[str],
                                                              behind: list[str]) -> None:
    now = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    minutes = [1, 21, 61, 3 * 24 * 60 + 4 * 60]
    with speaking_in(code):
        assert [timefmt.relative_moment(now, now + dt.timedelta(minutes=m)) for m in minutes] == ahead
        assert [timefmt.relative_moment(now, now - dt.timedelta(minutes=m)) for m in minutes] == behind
        assert timefmt.span(dt.timedelta(minutes=61)) == {"uk": "1 година 1 хвилина", "ru": "1 час 1 минута",
                                                          "en": "1 hour 1 minute"}[code]


@pytest.mark.parametrize(("code", "text"), [
    ("uk", f"вівторок, 2 – четвер, 4 червня 2026{NNBSP}р."),
    ("ru", f"вторник, 2 – четверг, 4 июня 2026{NNBSP}г."),
])
def test_a_range_of_days_in_the_readers_language(code: str, text: str) -> None:
    with speaking_in(code):
        assert timefmt.long_range(dt.date(2026, 6, 2), dt.date(2026, 6, 4)) == text


def test_english_dates_are_the_bots_own_every_day_of_four_years() -> None:
    day = dt.date(2024, 1, 1)
    while day < dt.date(2028, 1, 1):
        assert timefmt.long_date(day) == calendar.long_date(day)
        day += dt.timedelta(days=1)
