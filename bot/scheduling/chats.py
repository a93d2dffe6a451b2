"""The store-backed chat service: what the subscription commands change, and what adapters report.

`StoreChats` is both `handlers.context.ChatService` (settings, subscriptions and the story a chat
follows, for the commands and Slack's App Home) and `bot.platforms.base.ChatEvents` (a chat gone
or moved). Its subscriptions are to one deck, the one reminders and daily posts come from.
Every change calls the listeners given to `watch` (the scheduler's `refresh_chat`) before it
returns, so the confirmation a reader sees is already the schedule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from time import monotonic
from zoneinfo import ZoneInfo

from bot.scheduling.planning import plan, zones
from bot.store import ChatChoices, Store, Subscription
from content.loader import Briefing
from handlers import i18n
from handlers.clock import Clock
from handlers.context import ChatRef, ChatSettings, Preferences, SubscriptionSummary, UpcomingPost
from handlers.i18n import _
from handlers.subscriptions import describe

log = logging.getLogger("briefing.chats")

Listener = Callable[[ChatRef], Awaitable[None]]
UNSUBSCRIBED = "unsubscribed"
CHOICES_TTL = 10.0  # seconds a chat's zone and story are served from memory
_CHOICES_KEPT = 10_000
_LOOKAHEAD = dt.timedelta(days=400)


def settings_of(sub: Subscription | None, chosen: ChatChoices) -> ChatSettings:
    if sub is None:
        return ChatSettings(timezone=chosen.timezone, language=chosen.language)
    on = sub.active
    stopped = sub.stopped_reason if not on and sub.stopped_reason != UNSUBSCRIBED else None
    w = sub.wanted
    return ChatSettings(on and w.reminders, w.offsets, w.remind_at, w.daily_at if on else None,
                        timezone=chosen.timezone, stopped=stopped, language=chosen.language)


class StoreChats:
    def __init__(self, store: Store, briefing: Briefing, clock: Clock,
                 default_zone: ZoneInfo | None = None) -> None:
        self.store = store
        self.briefing = briefing
        self.clock = clock
        self.default_zone = default_zone
        self._listeners: list[Listener] = []
        self._choices: OrderedDict[str, tuple[ChatChoices, float]] = OrderedDict()

    @property
    def deck(self) -> str:
        return self.briefing.deck.id

    def watch(self, listener: Listener) -> None:
        """Call `listener(chat)` after every change to that chat's subscriptions or settings."""
        self._listeners.append(listener)

    async def _changed(self, *chats: ChatRef) -> None:
        for chat in chats:
            for listener in self._listeners:
                await listener(chat)

    # --- ChatService ---------------------------------------------------------------------------

    async def settings(self, chat: ChatRef) -> ChatSettings:
        return settings_of(await self.store.subscription(chat, self.deck), await self.store.choices(chat))

    async def timezone(self, chat: ChatRef) -> str | None:
        return (await self._chosen(chat)).timezone

    async def story(self, chat: ChatRef) -> str | None:
        return (await self._chosen(chat)).story

    async def language(self, chat: ChatRef) -> str | None:
        return (await self._chosen(chat)).language

    async def set_language(self, chat: ChatRef, language: str | None) -> ChatSettings:
        await self.store.set_language(chat, language, self.clock.now())
        self._forget(chat.platform, chat.chat_id)
        log.info("language chosen chat=%s language=%s", chat.key, language or "auto")
        await self._changed(chat)  # planned posts are worded in the new language
        return await self.settings(chat)

    async def set_story(self, chat: ChatRef, deck: str | None) -> None:
        await self.store.set_story(chat, deck, self.clock.now())
        self._forget(chat.platform, chat.chat_id)
        log.info("story chosen chat=%s story=%s", chat.key, deck or "default")

    async def _chosen(self, chat: ChatRef) -> ChatChoices:
        """The chat's zone, story and language, from a short-lived cache: every command asks, few
        ever change them.

        Changes made here update the cache at once; a change made by another replica sharing the
        database is seen within `CHOICES_TTL` seconds.
        """
        key = f"{chat.platform}:{chat.chat_id}"
        cached = self._choices.get(key)
        if cached is not None and cached[1] > monotonic():
            return cached[0]
        chosen = await self.store.choices(chat)
        self._remember(key, chosen)
        return chosen

    def _remember(self, key: str, chosen: ChatChoices) -> None:
        self._choices[key] = (chosen, monotonic() + CHOICES_TTL)
        self._choices.move_to_end(key)
        while len(self._choices) > _CHOICES_KEPT:
            self._choices.popitem(last=False)

    def _forget(self, platform: str, chat_id: str) -> None:
        self._choices.pop(f"{platform}:{chat_id}", None)

    async def subscriptions(self, platform: str) -> list[SubscriptionSummary]:
        found = []
        for sub in await self.store.subscriptions_of(platform):
            if sub.deck != self.deck:
                continue
            lines = describe(self.briefing, settings_of(sub, ChatChoices(sub.timezone)), self._zone(sub))
            stopped = _("Stopped: {reason}").format(reason=sub.stopped_reason or UNSUBSCRIBED)
            text = "; ".join(lines) or stopped
            found.append(SubscriptionSummary(sub.chat, text, sub.active))
        return found

    async def subscribe(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                        remind_at: dt.time | None) -> ChatSettings:
        current = await self._wanted(chat)
        wanted = Preferences(True, offsets, remind_at or current.remind_at, current.daily_at)
        return await self._put(chat, wanted)

    async def unsubscribe(self, chat: ChatRef) -> bool:
        sub = await self.store.subscription(chat, self.deck)
        if sub is None or not sub.active:
            return False
        await self._put(chat, dataclasses.replace(sub.wanted, reminders=False, daily_at=None))
        return True

    async def set_timezone(self, chat: ChatRef, zone: str | None) -> ChatSettings:
        if zone is not None:
            ZoneInfo(zone)  # the command validated it; a bad name must never reach the store
        await self.store.set_timezone(chat, zone, self.clock.now())
        self._forget(chat.platform, chat.chat_id)
        await self._changed(chat)
        return await self.settings(chat)

    async def set_daily(self, chat: ChatRef, at: dt.time | None) -> ChatSettings:
        current = await self._wanted(chat)
        return await self._put(chat, dataclasses.replace(current, daily_at=at))

    async def upcoming(self, chat: ChatRef, limit: int) -> list[UpcomingPost]:
        sub = await self.store.subscription(chat, self.deck)
        if sub is None:
            return []
        now = self.clock.now()
        posts = plan(self.briefing, [sub], now, now + _LOOKAHEAD, self.default_zone)
        return [UpcomingPost(p.due, p.listed(self.briefing)) for p in posts[:limit]]

    async def _wanted(self, chat: ChatRef) -> Preferences:
        """What the chat receives now (nothing when it is stopped, whatever it once chose)."""
        sub = await self.store.subscription(chat, self.deck)
        if sub is None:
            return Preferences()
        if not sub.active:
            return Preferences(remind_at=sub.wanted.remind_at)
        return sub.wanted

    async def _put(self, chat: ChatRef, wanted: Preferences) -> ChatSettings:
        # The language the reader asked in: the chat's posts are worded in it unless it chose one.
        sub = await self.store.put_subscription(chat, self.deck, wanted, self.clock.now(), reschedule=True,
                                                language=i18n.language())
        log.info("subscription chat=%s active=%s reminders=%s offsets=%s remind_at=%s daily=%s", chat.key,
                 sub.active, wanted.reminders, ",".join(wanted.offsets or ("default",)), wanted.remind_at,
                 wanted.daily_at)
        await self._changed(chat)
        return settings_of(sub, await self.store.choices(chat))

    def _zone(self, sub: Subscription) -> ZoneInfo:
        zone, _reader = zones(self.briefing, sub, self.default_zone)
        return zone

    # --- ChatEvents ----------------------------------------------------------------------------

    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        stopped = await self.store.deactivate_chat(chat.platform, chat.chat_id, reason, self.clock.now())
        log.warning("chat gone platform=%s chat=%s reason=%r subscriptions_stopped=%d", chat.platform,
                    chat.key, reason, len(stopped))
        await self._changed(chat)

    async def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        moved = await self.store.move_chat(chat.platform, chat.chat_id, new_chat_id, self.clock.now())
        self._forget(chat.platform, chat.chat_id)
        self._forget(chat.platform, new_chat_id)
        log.info("chat moved platform=%s chat=%s new_chat_id=%s subscriptions_moved=%d", chat.platform,
                 chat.key, new_chat_id, len(moved))
        await self._changed(chat, dataclasses.replace(chat, chat_id=new_chat_id))
