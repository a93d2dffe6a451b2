"""What a handler may know besides the deck and the query: the clock, the chat, its settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from content.library import Stories
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


DEFAULT_REMIND_AT = dt.time(9, 0)


@dataclass(frozen=True, slots=True)
class Preferences:
    """What a chat chose to receive from one story; the defaults are what a chat that chose nothing gets.

    The store keeps one per subscription (a chat and a deck); the chat's zone is kept per chat, for
    every story it follows.
    """

    reminders: bool = False  # countdown reminders before the deck's upcoming events
    offsets: tuple[str, ...] | None = None  # "7d", "3h", "start"; None: the defaults per precision
    remind_at: dt.time = DEFAULT_REMIND_AT  # local time of reminders for events without a time
    daily_at: dt.time | None = None  # local time of the daily briefing post; None: none

    @property
    def anything(self) -> bool:
        return self.reminders or self.daily_at is not None


@dataclass(frozen=True, slots=True)
class ChatSettings(Preferences):
    """A chat's settings as its commands show them: what it receives now, its zone, why posting stopped."""

    timezone: str | None = None  # IANA name; None: each event's own zone (or the bot's --tz)
    stopped: str | None = None  # why posting stopped when the chat did not ask (bot removed, …)
    language: str | None = None  # chosen with /language ("uk"); None: each reader's own
    stories: tuple[str, ...] = ()  # the ids of the stories whose posts the chat receives
    all_stories: bool = False  # it follows every story, also those added later


@dataclass(frozen=True, slots=True)
class UpcomingPost:
    """A post the schedule holds for a chat, as a confirmation lists it."""

    at: dt.datetime
    what: str  # "D-3 reminder: Second round of talks", "Daily briefing"


@dataclass(frozen=True, slots=True)
class SubscriptionSummary:
    """One chat's subscription as a reader should see it (e.g. on Slack's App Home)."""

    chat: ChatRef
    description: str  # "Countdown reminders D-7, D-3, D-1, D-0 at 09:00 (Europe/Istanbul)"
    active: bool


class ChatService(Protocol):
    """The stateful side of chats (settings, subscriptions, the story followed), provided by the running bot.

    A chat subscribes to each story on its own: the subscription methods take the story's id
    (`deck`; None: the service's default story). Every change reschedules the chat's posts before
    it returns.
    """

    async def settings(self, chat: ChatRef, *, deck: str | None = None) -> ChatSettings:
        """The chat's settings, with what it receives from story `deck`."""
        ...

    async def timezone(self, chat: ChatRef) -> str | None:
        """The chat's chosen display zone: what every command reads, so it must be cheap."""
        ...

    async def story(self, chat: ChatRef) -> str | None:
        """The id of the story the chat chose (None: it chose none); every command reads it too."""
        ...

    async def language(self, chat: ChatRef) -> str | None:
        """The language the chat chose (None: each reader's own); every answer reads it too."""
        ...

    async def set_language(self, chat: ChatRef, language: str | None) -> ChatSettings:
        """Answer everyone in this chat, and word its posts, in `language`; None: each reader's own."""
        ...

    async def set_story(self, chat: ChatRef, deck: str | None) -> None:
        """Follow story `deck` in this chat (every topic of it); None: back to the default story."""
        ...

    async def subscribe(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                        remind_at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        """Turn countdown reminders of story `deck` on (offsets None: the defaults; remind_at None:
        keep the time).

        The subscription keeps the language it is made in (`handlers.i18n.language()`): its posts
        are worded in it when the chat chose none."""
        ...

    async def subscribe_all(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                            remind_at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        """Reminders from every story, also those added later; the settings shown for story `deck`."""
        ...

    async def unsubscribe(self, chat: ChatRef, *, deck: str | None = None) -> bool:
        """Stop every post of story `deck` to this chat; False when nothing was subscribed."""
        ...

    async def unsubscribe_all(self, chat: ChatRef) -> bool:
        """Stop every story's posts to this chat, and new stories; False when nothing was subscribed."""
        ...

    async def set_timezone(self, chat: ChatRef, zone: str | None) -> ChatSettings:
        """Show dates (and time posts) in `zone`, a valid IANA name; None: back to the default."""
        ...

    async def set_daily(self, chat: ChatRef, at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        """A daily briefing post of story `deck` at local time `at`; None: no daily post."""
        ...

    async def upcoming(self, chat: ChatRef, limit: int, *, deck: str | None = None) -> list[UpcomingPost]:
        """The chat's next posts of story `deck`, soonest first."""
        ...

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
    stories: Stories | None = None  # every story served (read-only); None: the deck alone
    reader_language: str = "en"  # the reader's own (as their platform tells it, else the bot's default)

    def now(self) -> dt.datetime:
        return self.clock.now()
