"""Several stories served at once through the real ptb Application and bolt app against the fake
Telegram and Slack: each chat subscribes to its own story or to every story, a story added later
reaches the chats that follow them all, and a moved or postponed event reaches each subscribed chat
once as a correction (on SQLite and PostgreSQL, and from two bots sharing a database)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.platforms.base import Adapter
from bot.platforms.service import BriefingService
from bot.scheduling.chats import StoreChats
from bot.scheduling.corrections import Corrections, sender
from bot.scheduling.delivery import Delivery
from bot.scheduling.pacing import Pacer
from bot.store import Store, open_store
from content.library import Library
from handlers.clock import FixedClock
from handlers.context import ChatRef
from tests.bot.platforms.slack.conftest import make_adapter as slack_adapter
from tests.bot.platforms.slack.conftest import serve_http
from tests.bot.platforms.telegram.conftest import make_adapter as telegram_adapter
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram, User
from tests.newsroom import (
    COPENHAGEN,
    ISTANBUL,
    PORTLAND,
    REYKJAVIK,
    SUMMIT_MOVES,
    SUMMIT_POSTPONED,
    SUMMIT_POSTPONES,
    Newsroom,
)

NOW = dt.datetime(2026, 11, 14, 12, 0, tzinfo=dt.UTC)  # the day after the summit was announced
CHANNEL = "C0GENERAL"


@dataclass
class Desk:
    """One bot: its library of the served folder, its store, its chat service and corrections."""

    library: Library
    store: Store
    chats: StoreChats
    owner: str
    corrections: Corrections | None = None

    async def reload(self) -> dict[str, int]:
        assert self.corrections is not None
        return await self.corrections.reloaded(self.library.reload())


@dataclass
class Newsdesk:
    served: Newsroom
    source: Newsroom
    tg: FakeTelegram
    slack: FakeSlack
    events_url: str
    desk: Desk
    bots: list[Desk]

    async def telegram(self, reader: User, text: str) -> str:
        before = len(self.tg.messages_in(reader.id))
        self.tg.send_text(reader, text)
        return (await self.tg.wait_for_messages(reader.id, before + 1))[-1].text

    async def in_slack(self, text: str) -> str:
        before = len(self.slack.messages_in(CHANNEL))
        answer = await self.slack.deliver(self.events_url, self.slack.slash_command(text, channel=CHANNEL))
        assert answer.status == 200
        return (await self.slack.wait_for_messages(CHANNEL, before + 1))[-1].text

    def corrections_to(self, reader: User | str) -> list[str]:
        found = (self.tg.messages_in(reader.id) if isinstance(reader, User)
                 else self.slack.messages_in(reader, ephemeral=False))
        return [m.text for m in found if m.text.startswith(("Correction", "Виправлення"))]


def a_bot(served: Newsroom, store: Store, clock: FixedClock, owner: str) -> Desk:
    library = served.library()
    return Desk(library, store, StoreChats(store, library, clock, default=ISTANBUL), owner)


def corrections(bot: Desk, clock: FixedClock, adapters: Mapping[str, Adapter]) -> Corrections:
    posting = bot.library.stories.get(ISTANBUL)
    assert posting is not None
    delivery = Delivery(bot.store, posting, clock, adapters, Pacer(), bot.chats, bot.owner,
                        decks=lambda deck: bot.library.stories.get(deck) or posting)
    return Corrections(bot.store, bot.chats, clock, sender(delivery))


@pytest.fixture
async def newsdesk(newsroom: Newsroom, tmp_path: Path, store_url: str) -> AsyncIterator[Newsdesk]:
    served = newsroom.copy_to(tmp_path / "served", ISTANBUL, REYKJAVIK, PORTLAND)  # Copenhagen comes later
    clock = FixedClock(NOW)
    async with contextlib.AsyncExitStack() as stack:
        tg = await stack.enter_async_context(FakeTelegram())
        slack = await stack.enter_async_context(FakeSlack())
        bots = []
        for owner in ("bot-a", "bot-b"):  # two bots on one database, each with its own library
            store = await open_store(store_url)
            stack.push_async_callback(store.close)
            bots.append(a_bot(served, store, clock, owner))
        # Readers talk to the first bot; both send through the same connections to the platforms.
        service = BriefingService(bots[0].library, clock, chats=bots[0].chats)
        on_telegram = telegram_adapter(service, tg, events=bots[0].chats)
        on_slack = slack_adapter(service, slack, events=bots[0].chats)
        for adapter in (on_telegram, on_slack):
            await adapter.start()
            stack.push_async_callback(adapter.stop)
        runner, url = await serve_http(on_slack)
        stack.push_async_callback(runner.cleanup)
        for bot in bots:
            bot.corrections = corrections(bot, clock, {"telegram": on_telegram, "slack": on_slack})
        yield Newsdesk(served, newsroom, tg, slack, url, bots[0], bots)


async def test_each_chat_subscribes_to_its_own_story_or_to_every_story(newsdesk: Newsdesk) -> None:
    ada = newsdesk.tg.user(1001, "Ada")
    await newsdesk.telegram(ada, f"/story {REYKJAVIK}")
    subscribed = await newsdesk.telegram(ada, "/subscribe")
    assert subscribed.startswith("Subscribed") and "Countdown reminders for Summit in Reykjavik" in subscribed
    assert "Russia-Ukraine" not in subscribed
    settings = await newsdesk.telegram(ada, "/settings")
    assert "Stories\n• Summit in Reykjavik" in settings and "Vote in Portland" not in settings

    everything = await newsdesk.in_slack("subscribe all")
    assert "Subscribed to every story" in everything
    assert "reminders from every story, also from stories added later" in everything
    assert "All stories, also new ones" in await newsdesk.in_slack("settings")
    slack = ChatRef("slack", CHANNEL, kind="channel")
    assert set((await newsdesk.desk.chats.settings(slack)).stories) == {ISTANBUL, REYKJAVIK, PORTLAND}

    left = await newsdesk.in_slack(f"in {PORTLAND} unsubscribe")
    assert "no more posts from “Vote in Portland”. It still follows every other story" in left
    assert set((await newsdesk.desk.chats.settings(slack)).stories) == {ISTANBUL, REYKJAVIK}
    assert "All stories, also new ones, except:\n• Vote in Portland" in await newsdesk.in_slack("settings")
    assert "no more posts from any story, nor from stories added later" in await newsdesk.in_slack(
        "unsubscribe all")
    assert "None yet: /briefing subscribe follows this chat's story" in await newsdesk.in_slack("settings")


async def test_a_story_added_later_reaches_the_chats_that_follow_every_story(newsdesk: Newsdesk) -> None:
    ada = newsdesk.tg.user(1001, "Ada")
    await newsdesk.telegram(ada, "/subscribe")  # the default story only
    await newsdesk.in_slack("subscribe all 3d at 08:00")
    newsdesk.served.publish(newsdesk.source, COPENHAGEN)
    for bot in newsdesk.bots:  # every replica reloads the same change: the chat is subscribed once
        await bot.reload()
    slack = ChatRef("slack", CHANNEL, kind="channel")
    copenhagen = await newsdesk.desk.store.subscription(slack, COPENHAGEN)
    assert copenhagen is not None and copenhagen.active and copenhagen.wanted.offsets == ("3d",)
    assert copenhagen.wanted.remind_at == dt.time(8, 0)
    assert await newsdesk.desk.store.subscription(ChatRef("telegram", "1001"), COPENHAGEN) is None
    assert len([s for s in await newsdesk.desk.store.subscriptions_of("slack") if s.deck == COPENHAGEN]) == 1
    assert "Strike in Copenhagen" in await newsdesk.in_slack(f"in {COPENHAGEN} settings")


async def test_a_moved_date_reaches_each_subscribed_chat_once_as_a_correction(newsdesk: Newsdesk) -> None:
    ada, bea, cy = (newsdesk.tg.user(n, name) for n, name in ((1001, "Ada"), (1002, "Bea"), (1003, "Cy")))
    for reader in (ada, cy):
        await newsdesk.telegram(reader, f"/story {REYKJAVIK}")
        await newsdesk.telegram(reader, "/subscribe")
    await newsdesk.telegram(cy, "/unsubscribe")
    await newsdesk.telegram(bea, f"/story {ISTANBUL}")
    await newsdesk.telegram(bea, "/subscribe")  # Istanbul's reminders: the summit is not hers
    await newsdesk.in_slack("subscribe all")
    newsdesk.served.update_article(REYKJAVIK, SUMMIT_MOVES)

    outcomes = [await bot.reload() for bot in newsdesk.bots]  # both bots see the change; one sends each
    assert outcomes[0] == {"sent": 2} and outcomes[1] == {"taken": 2}
    [correction] = newsdesk.corrections_to(ada)
    assert correction.startswith("Correction: Summit in Reykjavik\n\nSummit in Reykjavik is now on "
                                 "Thursday 19 November 2026, 10:00 (Atlantic/Reykjavik"), correction
    assert "The article: “On Friday, 13 November 2026, the Icelandic government announced that the Nordic " \
           "climate summit will open at 10:00 local time on Thursday, 19 November 2026 in Reykjavik”" in correction
    assert "4 days 22 hours to go: Summit in Reykjavik" in correction
    assert correction.count("the Nordic climate summit will open") == 1
    assert len(newsdesk.corrections_to(CHANNEL)) == 1
    assert newsdesk.corrections_to(bea) == [] and newsdesk.corrections_to(cy) == []
    assert "Thursday 19 November 2026" in await newsdesk.telegram(ada, "/when")

    assert await newsdesk.desk.reload() == {} and len(newsdesk.corrections_to(ada)) == 1  # nothing changed: nothing to correct


async def test_a_postponed_event_is_a_correction_of_its_own(newsdesk: Newsdesk) -> None:
    ada = newsdesk.tg.user(1001, "Ada")
    await newsdesk.telegram(ada, f"/story {REYKJAVIK}")
    await newsdesk.telegram(ada, "/language uk")
    await newsdesk.telegram(ada, "/subscribe")
    newsdesk.served.update_article(REYKJAVIK, SUMMIT_MOVES)
    assert await newsdesk.desk.reload() == {"sent": 1}
    newsdesk.served.add_to_article(REYKJAVIK, SUMMIT_POSTPONED, SUMMIT_POSTPONES)
    assert await newsdesk.desk.reload() == {"sent": 1}
    moved, postponed = newsdesk.corrections_to(ada)
    assert moved.startswith("Виправлення: Summit in Reykjavik")
    assert postponed.startswith("Виправлення: Summit in Reykjavik\n\nSummit in Reykjavik: перенесено; "
                                "нової дати не оголошено.")
    assert "«the summit has been postponed until further notice»" in postponed
    assert "перенесено (мало відбутися четвер, 19 листопада 2026" in await newsdesk.telegram(ada, "/when")
