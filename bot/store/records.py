"""What the store hands out: plain frozen records, never ORM objects (no lazy loads in async code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from handlers.context import ChatRef, Preferences

Status = Literal["claimed", "sent", "pending", "failed", "skipped"]


def hhmm(value: dt.time) -> str:
    return f"{value:%H:%M}"


def parse_hhmm(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class ChatChoices:
    """What a chat chose for all its topics: the zone dates are shown in, the story it follows."""

    timezone: str | None = None  # IANA name; None: the default
    story: str | None = None  # deck id; None: the default story
    language: str | None = None  # "uk", "ru", "en"; None: each reader's own


@dataclass(frozen=True, slots=True)
class Subscription:
    """One chat's subscription to one deck, with the chat's zone and language (kept per chat, read with
    it)."""

    id: int
    chat: ChatRef
    deck: str
    wanted: Preferences
    timezone: str | None  # the chat's chosen zone (from its settings), None when it chose none
    active: bool
    stopped_reason: str | None
    since: dt.datetime  # on the bot's clock: posts due before this moment are not planned
    # The language of its posts: the chat's choice, else the one the subscription was made in;
    # None for one made before the bot spoke other languages (English).
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Follow:
    """A chat (or topic) that follows every story: what each new story's subscription gets."""

    chat: ChatRef
    wanted: Preferences
    language: str | None = None  # the language the choice was made in


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
