"""Where an event stands in time relative to now, worded from what the deck says and no more.

A day-precision event is a local calendar day with no time ("time not announced"); a
minute-precision one is a moment; a before/after event has only an order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from content.model import Deck, EventCard
from handlers import timefmt
from handlers.i18n import _, local

UTC = ZoneInfo("UTC")
State = Literal["upcoming", "today", "passed", "undated"]


@dataclass(frozen=True, slots=True)
class Standing:
    state: State
    date: str  # "Monday 2 June 2025", "Before lavrov announces … (Thursday 29 May 2025)", "Date not given"
    relative: str  # "in 2 days", "today", "18 months ago", "" when undated
    days: int | None = None  # calendar days from today to the event's day (day precision)
    left: dt.timedelta | None = None  # time to the start (minute precision)


def reader_zone(chosen: str | None, default: ZoneInfo | None) -> ZoneInfo | None:
    """The zone a chat reads dates in: the one it chose, else the bot's; None: each event's own."""
    return ZoneInfo(chosen) if chosen else default


def chat_zone(deck: Deck, reader: ZoneInfo | None) -> ZoneInfo:
    """The zone a chat's posts are timed in and its "now" is told in: the reader's, else the main event's."""
    return reader or deck.main.zone or UTC


def zone_of(event: EventCard, reader: ZoneInfo | None) -> ZoneInfo:
    """The zone the event's day is counted in: its own, else the reader's, else UTC."""
    return event.zone or reader or UTC


def anchor(deck: Deck, event: EventCard) -> EventCard | None:
    """The nearest dated event that `event` is ordered against (itself when dated)."""
    seen: set[str] = set()
    step: EventCard | None = event
    while step is not None and step.date is None and step.relative_to and step.id not in seen:
        seen.add(step.id)
        step = deck.event(step.relative_to)
    return step if step is not None and step.date is not None else None


def date_text(deck: Deck, event: EventCard, reader: ZoneInfo | None = None) -> str:
    if event.date is not None:
        text = timefmt.long_date(event.date)
        if event.until is not None:
            text = timefmt.long_range(event.date, event.until)
        if event.precision == "minute" and (start := event.starts_at()) is not None:
            text = timefmt.long_moment(start, zone_of(event, reader))
        return text
    other = deck.event(event.relative_to) if event.relative_to else None
    if other is None:
        return _("Date not given")
    # The article orders the event against another one, and gives no date of its own: say so,
    # relative to that event, never as a date bound the article does not state.
    title = local(other.title)
    dated = anchor(deck, other)
    when = f" ({date_text(deck, other, reader)})" if dated is not None else ""
    text = _("Before {event}") if event.precision == "before" else _("After {event}")
    return text.format(event=title) + when


def standing(deck: Deck, event: EventCard, now: dt.datetime, reader: ZoneInfo | None) -> Standing:
    shown = date_text(deck, event, reader)
    if event.date is None:
        return Standing("undated", shown, "")
    if event.precision == "minute":
        start = event.starts_at()
        if start is None:  # the model guarantees a date, a time and a zone for "minute"
            raise ValueError(f"event {event.id}: minute precision without a start")
        left = start - now
        state: State = "upcoming" if left > dt.timedelta(0) else "passed"
        return Standing(state, shown, timefmt.relative_moment(now, start), None, left)
    today = now.astimezone(zone_of(event, reader)).date()
    days = (event.date - today).days
    if days < 0 and event.until is not None and event.until >= today:
        return Standing("today", shown, _("under way"), 0)  # a day of a several-day event
    state = "upcoming" if days > 0 else "today" if days == 0 else "passed"
    counted_to = (event.until or event.date) if state == "passed" else event.date
    return Standing(state, shown, timefmt.relative_day(today, counted_to), days)


def reader_window(event: EventCard, reader: ZoneInfo | None) -> str | None:
    """For a day in another zone: when that day runs in the reader's zone, else None."""
    own = event.zone
    if reader is None or own is None or event.precision != "day" or event.date is None:
        return None
    start = dt.datetime.combine(event.date, dt.time(0), tzinfo=own)
    end = dt.datetime.combine(event.until or event.date, dt.time(0), tzinfo=own) + dt.timedelta(days=1)
    if start.astimezone(reader).utcoffset() == start.utcoffset():
        return None
    return _("from {start} to {end}").format(start=timefmt.local_moment(start, reader),
                                            end=timefmt.long_moment(end, reader))


def reported(event: EventCard, as_of: dt.date) -> bool:
    """Whether the article, written on `as_of`, reports the event as having happened."""
    if event.date is None:
        return False
    # An article dated the same day reports that day's events; a timed one it may precede.
    return event.date < as_of or (event.date == as_of and event.precision == "day")


def countdown_line(
    deck: Deck, event: EventCard, now: dt.datetime, reader: ZoneInfo | None, as_of: dt.date
) -> str:
    """One line on how far away the event is: the text of /countdown and of every reminder."""
    s = standing(deck, event, now, reader)
    title = local(event.title)
    if event.status == "cancelled":
        return _("{event} is cancelled (it was to be on {date}).").format(event=title, date=s.date)
    if event.status == "postponed":
        return _("{event} is postponed (it was to be on {date}); no new date is announced.").format(
            event=title, date=s.date)
    date = _("{date} (time of day not announced)").format(date=s.date) if event.precision == "day" else s.date
    if s.state == "undated":
        return _("{event}: {date}; the article gives no date.").format(
            event=title, date=s.date[0].lower() + s.date[1:])
    if s.state == "today":
        return _("Today: {event}, {date}.").format(event=title, date=date)
    if s.state == "upcoming":
        if s.days == 1:
            return _("Tomorrow: {event}, {date}.").format(event=title, date=date)
        left = timefmt.distance(s.days) if s.days is not None else timefmt.span(s.left or dt.timedelta(0))
        return _("{time} to go: {event}, {date}.").format(time=left, event=title, date=date)
    if reported(event, as_of):
        return _("{event}: {date}, {relative}.").format(event=title, date=s.date, relative=s.relative)
    return _("The countdown is over: {event} was scheduled for {date}, {relative}.").format(
        event=title, date=s.date, relative=s.relative)
