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

Send = Callable[[Briefing, Post], Awaitable[str]]  # a post of a story, sent; its outcome


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
        outcomes = list(await asyncio.gather(*(self.send(new, post) for post in posts)))
        log.info("corrections deck=%s events=%s posts=%d %s", new.deck.id, ",".join(e.id for e in events),
                 len(posts), " ".join(f"{o}={outcomes.count(o)}" for o in sorted(set(outcomes))))
        return outcomes


def sender(delivery: Delivery) -> Send:
    """Send a post of any story the way `delivery` sends its own: its ledger, pacing, adapters, policy.

    One delivery per story version, so a story's corrections share its bound on posts in flight.
    """
    made: dict[int, tuple[Briefing, Delivery]] = {}

    async def send(b: Briefing, post: Post) -> str:
        if b is delivery.briefing:
            return await delivery.deliver(post)
        kept = made.get(id(b))
        if kept is None or kept[0] is not b:
            made.clear()  # corrections go out one story at a time: the previous one's are done
            d = delivery
            story = Delivery(d.store, b, d.clock, d.adapters, d.pacer, d.chats, d.owner, policy=d.policy,
                             observers=d.observers)
            kept = made[id(b)] = (b, story)
        return await kept[1].deliver(post)

    return send
