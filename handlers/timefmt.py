"""Dates, zones and distances in time, worded for readers (zone always named).

Each shape of date a reader sees has one function here, the only place that turns a date into
words: `long_date` ('Monday 2 June 2025', 'понеділок, 2 червня 2025 р.'), `long_range`,
`time_of_day` ('09:00'), `local_moment` (a date and a time) and `long_moment` (with its zone).
Dates are Babel's, in the locale of the reader's language (`handlers.i18n.language()`); English
keeps the bot's own pattern. Stretches of time are counted by the bot's own rules (`distance`,
`span`) and worded as messages ("{n} days"); "in 3 days" and "18 months ago" are messages in
English and CLDR's relative patterns (through Babel) in other languages, which know the case a
count takes after "через" or before "тому" ("через 21 хвилину").
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import TIMEDELTA_UNITS, format_date, format_timedelta

from handlers.i18n import ENGLISH, _, language, ngettext

MONTH_DAYS = 30.436875  # average length of a Gregorian month
Unit = Literal["year", "month", "week", "day", "hour", "minute"]
Part = tuple[int, Unit]  # a count of a unit of time: (3, "day")


@dataclass(frozen=True, slots=True)
class _Patterns:
    """Babel's date patterns for one language: a whole date, and the start of a range of days."""

    full: str
    day: str  # the first day of a range within one month
    month: str  # the first day of a range within one year


# English keeps the bot's own pattern ('Monday 2 June 2025'); other languages take their
# locale's full date ('понеділок, 2 червня 2025 р.').
_ENGLISH_DATES = _Patterns("EEEE d MMMM y", "EEEE d", "EEEE d MMMM")
_OTHER_DATES = _Patterns("full", "EEEE, d", "EEEE, d MMMM")


@functools.cache
def _locale(code: str) -> Locale:
    """Babel's locale of a language code; English for a code Babel does not know."""
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(ENGLISH)


def _dates() -> tuple[Locale, _Patterns]:
    code = language()
    return _locale(code), _ENGLISH_DATES if _locale(code).language == ENGLISH else _OTHER_DATES


def long_date(day: dt.date) -> str:
    """'Monday 2 June 2025'; 'понеділок, 2 червня 2025 р.' for a Ukrainian reader."""
    locale, patterns = _dates()
    return format_date(day, patterns.full, locale=locale)


def long_range(first: dt.date, last: dt.date) -> str:
    """'Tuesday 2 – Thursday 4 June 2026': the days of an event that runs over several."""
    locale, patterns = _dates()
    if first.year != last.year:
        return f"{long_date(first)} – {long_date(last)}"
    head = patterns.day if first.month == last.month else patterns.month
    return f"{format_date(first, head, locale=locale)} – {long_date(last)}"


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


_UNITS: dict[Unit, Callable[[int], str]] = {
    "minute": lambda n: ngettext("{n} minute", "{n} minutes", n),
    "hour": lambda n: ngettext("{n} hour", "{n} hours", n),
    "day": lambda n: ngettext("{n} day", "{n} days", n),
    "week": lambda n: ngettext("{n} week", "{n} weeks", n),
    "month": lambda n: ngettext("{n} month", "{n} months", n),
    "year": lambda n: ngettext("{n} year", "{n} years", n),
}


def count(n: int, unit: Unit) -> str:
    """'1 day', '3 weeks': `n` of a unit of time ("minute" … "year")."""
    return _UNITS[unit](n).format(n=n)


def _distance(days: int) -> Part:
    """The bot's rounding of a number of days: days < 14, weeks < 60 days, months < 24, then years."""
    if days < 14:
        return days, "day"
    if days < 60:
        return round(days / 7), "week"
    months = round(days / MONTH_DAYS)
    if months < 24:
        return months, "month"
    return round(days / 365.2425), "year"


def distance(days: int) -> str:
    """'3 days', '3 weeks', '18 months', '2 years' for a positive number of days."""
    return count(*_distance(days))


def _span(delta: dt.timedelta) -> tuple[Part, ...]:
    """A positive stretch of time in its two largest units (days, hours, minutes); from 14 days on,
    as `distance` counts it; () for less than a minute."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    if days >= 14:
        return (_distance(days),)
    hours, mins = divmod(rest, 60)
    parts: tuple[Part, ...] = ((days, "day"), (hours, "hour"), (mins, "minute"))
    return tuple(part for part in parts if part[0])[:2]


def _counted(parts: tuple[Part, ...]) -> str:
    shown = [count(n, unit) for n, unit in parts]
    if len(shown) == 1:
        return shown[0]
    return _("{larger} {smaller}").format(larger=shown[0], smaller=shown[1])


def span(delta: dt.timedelta) -> str:
    """A positive stretch of time in its two largest units: '2 days 4 hours', '45 minutes'."""
    parts = _span(delta)
    return _counted(parts) if parts else _("less than a minute")


def ahead(time: str) -> str:
    """'in 3 days': a stretch of time from now to a later moment (English's message)."""
    return _("in {time}").format(time=time)


def ago(time: str) -> str:
    """'3 days ago': a stretch of time from an earlier moment to now (English's message)."""
    return _("{time} ago").format(time=time)


def _relative(parts: tuple[Part, ...], future: bool) -> str:
    """'in 3 days', '1 hour 30 minutes ago'; 'через 3 дні', '1 годину 30 хвилин тому'."""
    locale = _locale(language())
    if locale.language == ENGLISH:
        return ahead(_counted(parts)) if future else ago(_counted(parts))
    (n, unit), smaller = parts[0], parts[1:]
    phrase = _directed(n, unit, future, locale)
    if not smaller:
        return phrase
    core = _as_directed(n, unit, locale)
    return phrase.replace(core, f"{core} {_as_directed(*smaller[0], locale)}", 1)


_SECONDS = dict(TIMEDELTA_UNITS)


def _directed(n: int, unit: Unit, future: bool, locale: Locale) -> str:
    """CLDR's 'через {0} дні' / '{0} дні тому' for `n` of `unit`, by the locale's plural rules."""
    delta = dt.timedelta(seconds=n * _SECONDS[unit] * (1 if future else -1))
    return format_timedelta(delta, granularity=unit, threshold=float("inf"), add_direction=True,
                            format="long", locale=locale)


@functools.cache
def _as_directed(n: int, unit: Unit, locale: Locale) -> str:
    """`n` of `unit` as CLDR words it after 'in' and before 'ago' ('21 хвилину', not the '21 хвилина'
    of a duration): what its future and past phrases share. CLDR has such phrases for one unit
    only; the second unit of '2 дні 4 години тому' takes the same case."""
    future, past = _directed(n, unit, True, locale), _directed(n, unit, False, locale)
    match = difflib.SequenceMatcher(None, future, past, autojunk=False).find_longest_match()
    return future[match.a:match.a + match.size].strip()


def relative_day(today: dt.date, day: dt.date) -> str:
    """'today', 'tomorrow', 'in 3 days', 'yesterday', '18 months ago'."""
    days = (day - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days == -1:
        return _("yesterday")
    return _relative((_distance(abs(days)),), days > 0)


def relative_moment(now: dt.datetime, moment: dt.datetime) -> str:
    """'in 2 days 4 hours', '3 hours ago', 'now'."""
    delta = moment - now
    if abs(delta) < dt.timedelta(minutes=1):
        return _("now")
    return _relative(_span(abs(delta)), delta > dt.timedelta(0))
