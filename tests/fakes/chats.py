"""A chat service with fixed answers: each chat's zone and the platform's subscriptions, as given.

For tests of what readers see (dates in a chat's zone, Slack's App Home); the subscription
commands run against the real store-backed service instead, so changes are refused here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from handlers.context import ChatRef, ChatSettings, SubscriptionSummary, UpcomingPost


@dataclass
class FixedChats:
    """A `handlers.context.ChatService` that answers from `zones` and `languages` (by chat key) and `subs`."""

    zones: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)  # by chat key
    subs: list[SubscriptionSummary] = field(default_factory=list)
    platforms_asked: list[str] = field(default_factory=list)

    async def settings(self, chat: ChatRef, *, deck: str | None = None) -> ChatSettings:
        return ChatSettings(timezone=self.zones.get(chat.key), language=self.languages.get(chat.key))

    async def timezone(self, chat: ChatRef) -> str | None:
        return self.zones.get(chat.key)

    async def story(self, chat: ChatRef) -> str | None:
        return None

    async def language(self, chat: ChatRef) -> str | None:
        return self.languages.get(chat.key)

    async def set_language(self, chat: ChatRef, language: str | None) -> ChatSettings:
        raise AssertionError("FixedChats takes no changes")

    async def set_story(self, chat: ChatRef, deck: str | None) -> None:
        raise AssertionError("FixedChats takes no changes")

    async def subscriptions(self, platform: str) -> list[SubscriptionSummary]:
        self.platforms_asked.append(platform)
        return self.subs

    async def upcoming(self, chat: ChatRef, limit: int, *, deck: str | None = None) -> list[UpcomingPost]:
        return []

    async def subscribe(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                        remind_at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        raise AssertionError("FixedChats takes no changes")

    async def subscribe_all(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                            remind_at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        raise AssertionError("FixedChats takes no changes")

    async def unsubscribe(self, chat: ChatRef, *, deck: str | None = None) -> bool:
        raise AssertionError("FixedChats takes no changes")

    async def unsubscribe_all(self, chat: ChatRef) -> bool:
        raise AssertionError("FixedChats takes no changes")

    async def set_timezone(self, chat: ChatRef, zone: str | None) -> ChatSettings:
        raise AssertionError("FixedChats takes no changes")

    async def set_daily(self, chat: ChatRef, at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        raise AssertionError("FixedChats takes no changes")
