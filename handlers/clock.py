"""The one clock of the process: real time, optionally started from another moment."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    """Real time, shifted so that it starts at `start` and then runs on at real speed.

    With a start in the past, a live process replays that moment: a reminder planned for
    09:00 fires when the shifted clock reaches 09:00.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the clock's start must name its timezone (e.g. 2025-05-31T12:00+03:00)")
        real = dt.datetime.now(dt.UTC)
        self._offset = (start - real) if start is not None else dt.timedelta(0)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset


class FixedClock:
    """A clock that only moves when told to: for tests and for replaying a plan."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._at

    def set(self, at: dt.datetime) -> None:
        self._at = at.astimezone(dt.UTC)


def parse_moment(text: str) -> dt.datetime:
    """Parse an ISO 8601 moment that names its zone ("2025-05-31T12:00+03:00", "...Z")."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time") from exc
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} names no timezone; add one, e.g. {text.strip()}+03:00 or Z")
    return moment
