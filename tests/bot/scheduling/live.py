"""Scheduled posts through a real adapter against a fake platform: what both platforms' tests share.

The bot runs from just before the D-1 reminder's time, so a post goes out within seconds of the
start; a test that parametrizes the `live` fixture with -1 starts just after it, and the post is
then sent by the catch-up at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.platforms.base import Adapter
from bot.scheduling.chats import StoreChats
from bot.scheduling.scheduler import Scheduler, scheduling
from bot.store import Store
from content.loader import Briefing
from handlers.clock import SystemClock
from handlers.context import ChatRef, Preferences
from tests.bot.scheduling.test_scheduler import Outcomes

D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")  # when the D-1 reminder is due
DECK = "istanbul-talks-2025"


def clock_for(request: pytest.FixtureRequest) -> SystemClock:
    """3 s before D-1's time, or -1 (`@pytest.mark.parametrize("live", [-1], indirect=True)`): 1 s after."""
    return SystemClock(D1 - dt.timedelta(seconds=getattr(request, "param", 3)))


@dataclass
class Posting:
    """The scheduler posting through one adapter, the outcomes it reported, and its store."""

    scheduler: Scheduler
    outcomes: Outcomes
    store: Store

    async def subscribe(self, chat: ChatRef) -> None:
        """Reminders for `chat`, subscribed the day before, and planned at once."""
        await self.store.put_subscription(chat, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1),
                                          reschedule=True)
        await self.scheduler.refresh_chat(chat)


@contextlib.asynccontextmanager
async def posting(store: Store, briefing: Briefing, clock: SystemClock, chats: StoreChats,
                  adapter: Adapter) -> AsyncIterator[Posting]:
    """Start `adapter` and a scheduler that posts through it; stop both after."""
    outcomes = Outcomes()
    await adapter.start()
    scheduler = Scheduler(store, briefing, clock, {adapter.platform: adapter}, chats=chats, observers=[outcomes],
                          owner=f"{adapter.platform}-test")
    try:
        async with scheduling(scheduler):
            yield Posting(scheduler, outcomes, store)
    finally:
        await adapter.stop()
