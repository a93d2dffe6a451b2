"""What the store hands out: plain frozen records, never ORM objects (no lazy loads in async code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from handlers.context import ChatRef

Status = Literal["claimed", "sent", "pending", "failed", "skipped"]
DEFAULT_REMIND_AT = dt.time(9, 0)


def hhmm(value: dt.time) -> str:
    return f"{value:%H:%M}"


def parse_hhmm(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a chat asked to receive for one deck."""

    reminders: bool = False
    offsets: tuple[str, ...] | None = None  # canonical offsets ("7d", "3h", "start"); None: defaults
    remind_at: dt.time = DEFAULT_REMIND_AT  # local time of day-precision reminders
    daily_at: dt.time | None = None  # local time of the daily post; None: no daily post

    @property
    def anything(self) -> bool:
        return self.reminders or self.daily_at is not None


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    chat: ChatRef
    deck: str
    wanted: Wanted
    timezone: str | None  # the chat's chosen zone (from its settings), None when it chose none
    active: bool
    stopped_reason: str | None
    since: dt.datetime  # on the bot's clock: posts due before this moment are not planned


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to send one post: held by exactly one process until marked or released."""

    id: int
    subscription_id: int
    post_key: str
    token: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger row as reports and the planner read it."""

    subscription_id: int
    post_key: str
    due_at: dt.datetime
    status: Status
    attempts: int
    reason: str | None
    sent_to: str | None
    owner: str | None
