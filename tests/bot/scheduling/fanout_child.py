"""A bot process for the restart test: posts the due reminder to every subscribed Slack channel.

Run as `python -m tests.bot.scheduling.fanout_child DATABASE_URL SLACK_BASE_URL NOW`. It catches
up (every post is due at NOW), prints `done` once nothing is left to send, and exits; the test
may SIGKILL it at any moment before that.
"""

from __future__ import annotations

import asyncio
import sys

from bot.platforms.service import BriefingService
from bot.platforms.slack import SlackAdapter
from bot.scheduling.chats import StoreChats
from bot.scheduling.delivery import Policy
from bot.scheduling.scheduler import Scheduler, scheduling
from content.loader import load_all
from handlers.clock import SystemClock, parse_moment
from tests.fakes.slack_api import BOT_TOKEN, SIGNING_SECRET

OWNER = "restart-test"  # the same replica before and after the kill


async def main(url: str, base_url: str, now: str) -> None:
    from bot.store import open_store

    briefing = load_all()[0]
    clock = SystemClock(parse_moment(now))
    store = await open_store(url)
    chats = StoreChats(store, briefing, clock)
    adapter = SlackAdapter(BriefingService(briefing, clock, chats=chats), bot_token=BOT_TOKEN,
                           signing_secret=SIGNING_SECRET, base_url=base_url, events=chats)
    await adapter.start()
    scheduler = Scheduler(store, briefing, clock, {"slack": adapter}, chats=chats, owner=OWNER,
                          policy=Policy(concurrency=8, batch=16))
    async with scheduling(scheduler):
        print("started", flush=True)
        await scheduler.idle()
    print("done", flush=True)
    await adapter.stop()
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
