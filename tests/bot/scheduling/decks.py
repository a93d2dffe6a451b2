"""Variants of the real deck for scheduling tests: the talks moved, timed, or set elsewhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bot.store import Subscription
from content.loader import Briefing
from handlers.context import ChatRef, Preferences

TALKS = "istanbul-talks"


def with_talks(b: Briefing, **changes: Any) -> Briefing:
    """The deck with its main event changed (date, time, precision, timezone)."""
    events = tuple(e.model_copy(update=changes) if e.id == TALKS else e for e in b.deck.events)
    return dataclasses.replace(b, deck=b.deck.model_copy(update={"events": events}))


def timed(b: Briefing, at: str, zone: str = "Europe/Istanbul") -> Briefing:
    """The talks with a start time: '2025-06-02T14:00'."""
    moment = dt.datetime.fromisoformat(at)
    return with_talks(b, precision="minute", date=moment.date(), time=moment.time(), timezone=zone)


def subscription(
    b: Briefing,
    *,
    sub_id: int = 1,
    chat: ChatRef | None = None,
    zone: str | None = None,
    since: str = "2025-05-01T00:00+00:00",
    active: bool = True,
    **wanted: Any,
) -> Subscription:
    want = Preferences(**({"reminders": True} | wanted))
    return Subscription(sub_id, chat or ChatRef("telegram", str(sub_id)), b.deck.id, want, zone, active,
                        None if active else "unsubscribed", dt.datetime.fromisoformat(since))
