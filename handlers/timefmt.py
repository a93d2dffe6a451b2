"""Dates, zones and distances in time, worded for readers (English, zone always named)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from content.text import MONTHS, WEEKDAYS
from content.text import long_date as long_date  # beside the calendar words, for the drafter too

MONTH_DAYS = 30.436875  # average length of a Gregorian month


def long_range(first: dt.date, last: dt.date) -> str:
    """'Tuesday 2 – Thursday 4 June 2026': the days of an event that runs over several."""
    if first.year != last.year:
        return f"{long_date(first)} – {long_date(last)}"
    head = f"{WEEKDAYS[first.weekday()]} {first.day}"
    if first.month != last.month:
        head += f" {MONTHS[first.month - 1]}"
    return f"{head} – {long_date(last)}"


def utc_offset(moment: dt.datetime) -> str:
    """'UTC+03:00' for the moment's own offset; 'UTC' when there is none."""
    offset = moment.utcoffset() or dt.timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset >= dt.timedelta(0) else "−"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_label(zone: ZoneInfo, at: dt.datetime) -> str:
    """'Europe/Istanbul, UTC+03:00': the zone's name and its offset at that moment."""
    return f"{zone.key}, {utc_offset(at.astimezone(zone))}"


def long_moment(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'Tuesday 1 December 2026, 10:40 (Europe/Istanbul, UTC+03:00)'."""
    local = moment.astimezone(zone)
    return f"{long_date(local.date())}, {local:%H:%M} ({zone_label(zone, local)})"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def distance(days: int) -> str:
    """'3 days', '3 weeks', '18 months', '2 years' for a positive number of days."""
    if days < 14:
        return _plural(days, "day")
    if days < 60:
        return _plural(round(days / 7), "week")
    months = round(days / MONTH_DAYS)
    if months < 24:
        return _plural(months, "month")
    return _plural(round(days / 365.2425), "year")


def relative_day(today: dt.date, day: dt.date) -> str:
    """'today', 'tomorrow', 'in 3 days', 'yesterday', '18 months ago'."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {distance(days)}" if days > 0 else f"{distance(-days)} ago"


def span(delta: dt.timedelta) -> str:
    """A positive stretch of time in its two largest units: '2 days 4 hours', '45 minutes'."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    shown = [(n, unit) for n, unit in parts if n][:2]
    if days >= 14:
        return distance(days)
    return " ".join(_plural(n, unit) for n, unit in shown)


def relative_moment(now: dt.datetime, moment: dt.datetime) -> str:
    """'in 2 days 4 hours', '3 hours ago', 'now'."""
    delta = moment - now
    if abs(delta) < dt.timedelta(minutes=1):
        return "now"
    return f"in {span(delta)}" if delta > dt.timedelta(0) else f"{span(-delta)} ago"
