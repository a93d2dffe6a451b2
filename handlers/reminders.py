"""Countdown reminders: how long before an event they go out, the defaults, and which events get them.

The subscription commands read and describe these; the planner times posts from them. An offset's
canonical spelling (`Offset.token`) is what the store keeps, and its label ("D-3", "3h") is part of
ledger keys and job ids, so both spellings must never change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.loader import Briefing
from content.model import EventCard, Precision
from handlers import eventtime
from handlers.i18n import _
from handlers.reply import echo

_MAX_MINUTES = 60 * 24 * 60  # offsets up to 60 days ahead


@dataclass(frozen=True, slots=True, order=True)
class Offset:
    """How long before an event's start a reminder goes out; 0 is the start (D-0 for a day)."""

    minutes: int

    @property
    def days(self) -> int | None:
        """Whole days, the only offsets a day-precision event can use (it has no time of day)."""
        return self.minutes // 1440 if self.minutes % 1440 == 0 else None

    @property
    def token(self) -> str:
        """The canonical spelling: stored, used in ledger keys and job ids."""
        if self.minutes == 0:
            return "start"
        for size, unit in ((1440, "d"), (60, "h")):
            if self.minutes % size == 0:
                return f"{self.minutes // size}{unit}"
        return f"{self.minutes}m"

    def label(self, precision: Precision) -> str:
        """'D-3' for an event known by its day, '3h' / 'start' for one with a time."""
        if precision == "day" and self.days is not None:
            return f"D-{self.days}"
        return self.token

    @classmethod
    def parse(cls, text: str) -> Offset:
        """'7d', 'D-7', '3h', '30m', 'start' (or '0'); ValueError with a reader's message otherwise."""
        token = text.strip().lower()
        if token in ("start", "0", "d-0", "d0", "0d"):
            return cls(0)
        match = re.fullmatch(r"d-?(\d{1,3})|(\d{1,4})\s*(d|h|m)", token)
        if not match:
            raise ValueError(_("“{text}” is not an offset").format(text=echo(text)))
        if match.group(1) is not None:
            minutes = int(match.group(1)) * 1440
        else:
            minutes = int(match.group(2)) * {"d": 1440, "h": 60, "m": 1}[match.group(3)]
        if not 0 < minutes <= _MAX_MINUTES:
            raise ValueError(_("“{text}” is out of range: up to 60 days before").format(text=echo(text)))
        return cls(minutes)


DAY_DEFAULTS = (Offset(7 * 1440), Offset(3 * 1440), Offset(1440), Offset(0))
MINUTE_DEFAULTS = (Offset(7 * 1440), Offset(3 * 1440), Offset(1440), Offset(180), Offset(60), Offset(0))


def offsets_for(precision: Precision, chosen: tuple[str, ...] | None) -> tuple[Offset, ...]:
    """The reminders an event of this precision gets, earliest first; hour offsets need a time."""
    if chosen is None:
        return DAY_DEFAULTS if precision == "day" else MINUTE_DEFAULTS
    offsets = sorted({Offset.parse(t) for t in chosen}, reverse=True)
    if precision == "day":
        offsets = [o for o in offsets if o.days is not None]
    return tuple(offsets)


def reminder_events(b: Briefing) -> list[EventCard]:
    """The events reminders count down to: dated ones the article reports as still to come (and
    neither postponed nor cancelled)."""
    return [e for e in b.deck.events if e.precision in ("day", "minute") and e.status == "scheduled"
            and not eventtime.reported(e, b.seed.as_of)]
