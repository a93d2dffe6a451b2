"""What a handler may know besides the deck and the query: the clock, the chat, its settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from handlers.clock import Clock

ChatKind = Literal["private", "group", "channel", "console"]


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where a message came from or goes to, on any platform."""

    platform: str  # "console", "telegram", "slack"
    chat_id: str
    thread_id: str | None = None  # Telegram forum topic, Slack thread
    kind: ChatKind = "private"

    @property
    def key(self) -> str:
        return ":".join(p for p in (self.platform, self.chat_id, self.thread_id) if p)


CONSOLE_CHAT = ChatRef("console", "local", kind="console")


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """What a chat has chosen; the defaults are what a chat that chose nothing gets."""

    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionSummary:
    """One chat's subscription as a reader should see it (e.g. on Slack's App Home)."""

    chat: ChatRef
    description: str  # "Countdown reminders D-7, D-3, D-1, D-0 at 09:00 (Europe/Istanbul)"
    active: bool


class ChatService(Protocol):
    """The stateful side of chats (settings, subscriptions), provided by the running bot.

    The subscription commands (handlers/subscriptions.py) extend what they need here.
    """

    async def settings(self, chat: ChatRef) -> ChatSettings: ...

    async def subscriptions(self, platform: str) -> list[SubscriptionSummary]:
        """Every subscription of a platform (active and stopped), for overviews."""
        ...


Permission = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Context:
    clock: Clock
    zone: ZoneInfo | None = None  # the reader's display zone; None: each event's own zone
    chat: ChatRef = CONSOLE_CHAT
    last_topic: str | None = None  # the card the chat's previous answer was about
    chats: ChatService | None = None
    may_manage: Permission | None = None  # may the sender change this chat's settings?

    def now(self) -> dt.datetime:
        return self.clock.now()
