"""Corrections: when a reload changes an event's date, time or status, each chat subscribed to its
story gets one post that says so, in the updated article's words.

A reload (bot/process/reloading.py) hands over the old and new version of each changed deck; the
events whose date, time or status differ (`planning.corrected`) become one CORRECTION post per
active subscription to that story, due now, sent through the delivery ledger like every post.
Its ledger key names the event's new date (the occurrence), its status and a digest of the words
that report the change, so every replica that reloads the change claims the same key and exactly
one sends it, even replicas that reached the new version through different edits; a later change,
even back to an earlier date, comes with new words and is a new post.

Reminders already sent are left as they are. Telegram could edit them, but a reminder rewritten
under the reader's eyes is easy to miss; one correction post is clearer. The new countdown comes
from planning the new version.

A reload that adds a story also subscribes the chats that follow every story to it
(`StoreChats.story_added`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.scheduling.chats import StoreChats
from bot.scheduling.delivery import Delivery
from bot.scheduling.planning import Post, corrected, corrections
from bot.store import Store
from content.library import Reloaded
from content.loader import Briefing
from handlers.clock import Clock

log = logging.getLogger("briefing.corrections")

Send = Callable[[Post], Awaitable[str]]  # a post of a story, sent; its outcome


class Corrections:
    """Acts on a reload: new stories reach the chats that follow them all, changed events are corrected."""

    def __init__(self, store: Store, chats: StoreChats, clock: Clock, send: Send,
                 default_zone: ZoneInfo | None = None) -> None:
        self.store = store
        self.chats = chats
        self.clock = clock
        self.send = send
        self.default_zone = default_zone

    async def reloaded(self, loaded: Reloaded) -> dict[str, int]:
        """Act on one reload's changes; the corrections' outcomes, counted ("sent", "taken", …)."""
        counts: dict[str, int] = {}
        for change in loaded.changes:
            if change.kind == "added":
                await self.chats.story_added(change.deck)
            elif change.kind == "changed" and change.old is not None and change.new is not None:
                for outcome in await self.correct(change.old, change.new):
                    counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    async def correct(self, old: Briefing, new: Briefing) -> list[str]:
        """One correction per subscribed chat and event whose date, time or status `new` changed."""
        events = corrected(old, new)
        if not events:
            return []
        subs = await self.store.subscriptions_to(new.deck.id)
        posts = corrections(new, events, subs, self.clock.now(), self.default_zone)
        outcomes = list(await asyncio.gather(*(self.send(post) for post in posts)))
        log.info("corrections deck=%s events=%s posts=%d %s", new.deck.id, ",".join(e.id for e in events),
                 len(posts), " ".join(f"{o}={outcomes.count(o)}" for o in sorted(set(outcomes))))
        return outcomes


def sender(delivery: Delivery) -> Send:
    """Send a story's post through `delivery` (its ledger, pacing, adapters, policy, and the deck as
    served now), on the platforms this replica sends for. The replica holding another platform's
    sender lease reloads the same change and sends that platform's corrections itself."""

    async def send(post: Post) -> str:
        if not delivery.sending(post.chat.platform):
            return "not_sender"
        return await delivery.deliver(post)

    return send
