"""Dates, zones and distances in time, worded for readers (zone always named).

Each shape of date a reader sees has one function here, the only place that turns a date into
words: `long_date` ('Monday 2 June 2025'), `long_range`, `time_of_day` ('09:00'),
`local_moment` (a date and a time) and `long_moment` (with its zone). Weekday and month names
come from the calendar, not from message catalogues, so a reader's locale can be given to these
functions alone. Distances in time ('in 3 days', '18 months ago') are messages like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from content import text as calendar
from handlers.i18n import _, ngettext

MONTH_DAYS = 30.436875  # average length of a Gregorian month


def long_date(day: dt.date) -> str:
    """'Monday 2 June 2025'."""
    return calendar.long_date(day)


def long_range(first: dt.date, last: dt.date) -> str:
    """'Tuesday 2 – Thursday 4 June 2026': the days of an event that runs over several."""
    if first.year != last.year:
        return f"{long_date(first)} – {long_date(last)}"
    head = f"{calendar.WEEKDAYS[first.weekday()]} {first.day}"
    if first.month != last.month:
        head += f" {calendar.MONTHS[first.month - 1]}"
    return f"{head} – {long_date(last)}"


def time_of_day(at: dt.time | dt.datetime) -> str:
    """'09:00'."""
    return f"{at:%H:%M}"


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


def local_moment(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'Tuesday 1 December 2026, 10:40': the moment's date and time in `zone`, the zone unnamed."""
    local = moment.astimezone(zone)
    return _("{date}, {time}").format(date=long_date(local.date()), time=time_of_day(local))


def long_moment(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'Tuesday 1 December 2026, 10:40 (Europe/Istanbul, UTC+03:00)'."""
    return _("{moment} ({zone})").format(moment=local_moment(moment, zone), zone=zone_label(zone, moment))


_UNITS: dict[str, Callable[[int], str]] = {
    "minute": lambda n: ngettext("{n} minute", "{n} minutes", n),
    "hour": lambda n: ngettext("{n} hour", "{n} hours", n),
    "day": lambda n: ngettext("{n} day", "{n} days", n),
    "week": lambda n: ngettext("{n} week", "{n} weeks", n),
    "month": lambda n: ngettext("{n} month", "{n} months", n),
    "year": lambda n: ngettext("{n} year", "{n} years", n),
}


def count(n: int, unit: str) -> str:
    """'1 day', '3 weeks': `n` of a unit of time ("minute" … "year")."""
    return _UNITS[unit](n).format(n=n)


def distance(days: int) -> str:
    """'3 days', '3 weeks', '18 months', '2 years' for a positive number of days."""
    if days < 14:
        return count(days, "day")
    if days < 60:
        return count(round(days / 7), "week")
    months = round(days / MONTH_DAYS)
    if months < 24:
        return count(months, "month")
    return count(round(days / 365.2425), "year")


def ahead(time: str) -> str:
    """'in 3 days': a stretch of time from now to a later moment."""
    return _("in {time}").format(time=time)


def ago(time: str) -> str:
    """'3 days ago': a stretch of time from an earlier moment to now."""
    return _("{time} ago").format(time=time)


def relative_day(today: dt.date, day: dt.date) -> str:
    """'today', 'tomorrow', 'in 3 days', 'yesterday', '18 months ago'."""
    days = (day - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days == -1:
        return _("yesterday")
    return ahead(distance(days)) if days > 0 else ago(distance(-days))


def span(delta: dt.timedelta) -> str:
    """A positive stretch of time in its two largest units: '2 days 4 hours', '45 minutes'."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _("less than a minute")
    days, rest = divmod(minutes, 24 * 60)
    if days >= 14:
        return distance(days)
    hours, mins = divmod(rest, 60)
    shown = [count(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (mins, "minute")) if n][:2]
    if len(shown) == 1:
        return shown[0]
    return _("{larger} {smaller}").format(larger=shown[0], smaller=shown[1])


def relative_moment(now: dt.datetime, moment: dt.datetime) -> str:
    """'in 2 days 4 hours', '3 hours ago', 'now'."""
    delta = moment - now
    if abs(delta) < dt.timedelta(minutes=1):
        return _("now")
    return ahead(span(delta)) if delta > dt.timedelta(0) else ago(span(-delta))
