"""The store-backed chat service: what the subscription commands change, and what adapters report.

`StoreChats` is both `handlers.context.ChatService` (settings, subscriptions and the story a chat
follows, for the commands and Slack's App Home) and `bot.platforms.base.ChatEvents` (a chat gone
or moved). A chat subscribes to each story on its own (the commands name the chat's current
story; a change that names none is about the default story); `/subscribe all` also follows
every story added later (`story_added`, called when a reload adds one). Every change calls the
listeners given to `watch` (the scheduler's `refresh_chat`) before it returns, so the
confirmation a reader sees is already the schedule.
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
from content.library import Library, library_of
from content.loader import Briefing
from handlers import i18n
from handlers.clock import Clock
from handlers.context import ChatRef, ChatSettings, Preferences, SubscriptionSummary, UpcomingPost
from handlers.i18n import _
from handlers.stories import default_story
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


def _stopped(sub: Subscription) -> Preferences:
    """What a subscription wants once the chat stops it: nothing (its reminder time is kept)."""
    return dataclasses.replace(sub.wanted, reminders=False, daily_at=None)


class StoreChats:
    def __init__(self, store: Store, stories: Library | Briefing, clock: Clock,
                 default_zone: ZoneInfo | None = None, *, default: str | None = None) -> None:
        self.store = store
        self.library = library_of(stories)
        self.clock = clock
        self.default_zone = default_zone
        self._default = default or (stories.deck.id if isinstance(stories, Briefing) else None)
        self._listeners: list[Listener] = []
        self._choices: OrderedDict[str, tuple[ChatChoices, float]] = OrderedDict()

    @property
    def deck(self) -> str:
        """The story a change that names none is about: the one given, else the one whose event is next."""
        return self._default or default_story(self.library.stories, self.clock.now()).deck.id

    def _briefing(self, deck: str) -> Briefing | None:
        return self.library.stories.get(deck)

    def watch(self, listener: Listener) -> None:
        """Call `listener(chat)` after every change to that chat's subscriptions or settings."""
        self._listeners.append(listener)

    async def _changed(self, *chats: ChatRef) -> None:
        for chat in chats:
            for listener in self._listeners:
                await listener(chat)

    # --- ChatService ---------------------------------------------------------------------------

    async def settings(self, chat: ChatRef, *, deck: str | None = None) -> ChatSettings:
        deck = deck or self.deck
        mine = await self._topic_subscriptions(chat)
        sub = next((s for s in mine if s.deck == deck), None)
        base = settings_of(sub, await self.store.choices(chat))
        return dataclasses.replace(base, stories=tuple(s.deck for s in mine if s.active),
                                   all_stories=await self.store.follows.of(chat) is not None)

    async def _topic_subscriptions(self, chat: ChatRef) -> list[Subscription]:
        """Every subscription of this chat's topic (or of the chat, outside topics), one per story."""
        subs = await self.store.subscriptions_of(chat.platform, chat.chat_id)
        return [s for s in subs if (s.chat.thread_id or None) == (chat.thread_id or None)]

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
            b = self._briefing(sub.deck)
            if b is None:
                continue  # a story no longer served
            lines = describe(b, settings_of(sub, ChatChoices(sub.timezone)), self._zone(b, sub))
            stopped = _("Stopped: {reason}").format(reason=sub.stopped_reason or UNSUBSCRIBED)
            text = "; ".join(lines) or stopped
            found.append(SubscriptionSummary(sub.chat, text, sub.active))
        return found

    async def subscribe(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                        remind_at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        deck = deck or self.deck
        await self._put(chat, deck, await self._subscribed(chat, deck, offsets, remind_at))
        await self._changed(chat)
        return await self.settings(chat, deck=deck)

    async def _subscribed(self, chat: ChatRef, deck: str, offsets: tuple[str, ...] | None,
                          remind_at: dt.time | None) -> Preferences:
        current = await self._wanted(chat, deck)
        return Preferences(True, offsets, remind_at or current.remind_at, current.daily_at)

    async def subscribe_all(self, chat: ChatRef, offsets: tuple[str, ...] | None,
                            remind_at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        """Reminders from every story served, and from each one added later."""
        kept = (await self._wanted(chat, deck or self.deck)).remind_at
        wanted = Preferences(True, offsets, remind_at or kept)
        await self.store.follows.follow(chat, wanted, self.clock.now(), i18n.language())
        for story in self.library.stories:
            await self._put(chat, story.id, await self._subscribed(chat, story.id, offsets, wanted.remind_at))
        log.info("following every story chat=%s stories=%d", chat.key, len(self.library.stories))
        await self._changed(chat)
        return await self.settings(chat, deck=deck)

    async def unsubscribe(self, chat: ChatRef, *, deck: str | None = None) -> bool:
        sub = await self.store.subscription(chat, deck or self.deck)
        if sub is None or not sub.active:
            return False
        await self._put(chat, sub.deck, _stopped(sub))
        await self._changed(chat)
        return True

    async def unsubscribe_all(self, chat: ChatRef) -> bool:
        """Stop every story's posts to this chat, and stop following new ones."""
        changed = await self.store.follows.unfollow(chat)
        for sub in await self._topic_subscriptions(chat):
            if sub.active:
                await self._put(chat, sub.deck, _stopped(sub))
                changed = True
        if changed:
            await self._changed(chat)
        return changed

    async def story_added(self, deck: str) -> list[ChatRef]:
        """A reload added story `deck`: each chat that follows every story is subscribed to it.

        Every replica calls this for the same change; the store subscribes each chat once, and
        this returns only the chats this call subscribed.
        """
        added = await self.store.follows.subscribe_to(deck, self.clock.now())
        if added:
            log.info("story added deck=%s chats_subscribed=%d", deck, len(added))
        await self._changed(*added)
        return added

    async def set_timezone(self, chat: ChatRef, zone: str | None) -> ChatSettings:
        if zone is not None:
            ZoneInfo(zone)  # the command validated it; a bad name must never reach the store
        await self.store.set_timezone(chat, zone, self.clock.now())
        self._forget(chat.platform, chat.chat_id)
        await self._changed(chat)
        return await self.settings(chat)

    async def set_daily(self, chat: ChatRef, at: dt.time | None, *, deck: str | None = None) -> ChatSettings:
        deck = deck or self.deck
        current = await self._wanted(chat, deck)
        await self._put(chat, deck, dataclasses.replace(current, daily_at=at))
        await self._changed(chat)
        return await self.settings(chat, deck=deck)

    async def upcoming(self, chat: ChatRef, limit: int, *, deck: str | None = None) -> list[UpcomingPost]:
        deck = deck or self.deck
        sub = await self.store.subscription(chat, deck)
        b = self._briefing(deck)
        if sub is None or b is None:
            return []
        now = self.clock.now()
        posts = plan(b, [sub], now, now + _LOOKAHEAD, self.default_zone)
        return [UpcomingPost(p.due, p.listed(b)) for p in posts[:limit]]

    async def _wanted(self, chat: ChatRef, deck: str) -> Preferences:
        """What the chat receives now (nothing when it is stopped, whatever it once chose)."""
        sub = await self.store.subscription(chat, deck)
        if sub is None:
            return Preferences()
        if not sub.active:
            return Preferences(remind_at=sub.wanted.remind_at)
        return sub.wanted

    async def _put(self, chat: ChatRef, deck: str, wanted: Preferences) -> Subscription:
        # The language the reader asked in: the chat's posts are worded in it unless it chose one.
        sub = await self.store.put_subscription(chat, deck, wanted, self.clock.now(), reschedule=True,
                                                language=i18n.language())
        log.info("subscription chat=%s deck=%s active=%s reminders=%s offsets=%s remind_at=%s daily=%s",
                 chat.key, deck, sub.active, wanted.reminders, ",".join(wanted.offsets or ("default",)),
                 wanted.remind_at, wanted.daily_at)
        return sub

    def _zone(self, b: Briefing, sub: Subscription) -> ZoneInfo:
        zone, _reader = zones(b, sub, self.default_zone)
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
