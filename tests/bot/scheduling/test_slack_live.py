"""Scheduled posts through the real Slack adapter (bolt, slack_sdk) against the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.platforms.service import BriefingService
from bot.platforms.slack import SlackAdapter
from bot.scheduling.chats import StoreChats
from bot.store import Store
from content.loader import Briefing
from handlers.context import ChatRef
from tests.bot.platforms.slack.conftest import make_adapter, serve_http
from tests.bot.scheduling.live import DECK, Posting, clock_for, posting
from tests.fakes.kit import too_many_requests
from tests.fakes.slack_api import FakeSlack


@dataclass
class Live(Posting):
    slack: FakeSlack
    adapter: SlackAdapter
    events_url: str


@pytest.fixture
async def live(store: Store, briefing: Briefing, request: pytest.FixtureRequest) -> AsyncIterator[Live]:
    clock = clock_for(request)
    async with FakeSlack() as slack:
        chats = StoreChats(store, briefing, clock)
        adapter = make_adapter(BriefingService(briefing, clock, chats=chats), slack, events=chats,
                               rate_limit_retries=0)
        runner, url = await serve_http(adapter)
        try:
            async with posting(store, briefing, clock, chats, adapter) as posts:
                yield Live(posts.scheduler, posts.outcomes, posts.store, slack, adapter, url)
        finally:
            await runner.cleanup()


async def test_a_channel_subscribes_with_briefing_subscribe_and_gets_the_reminder(live: Live) -> None:
    answer = await live.slack.deliver(live.events_url, live.slack.slash_command("subscribe"))
    assert answer.status == 200
    [confirmation] = await live.slack.wait_for_messages("C0GENERAL", 1)
    assert "Subscribed" in confirmation.text and "D-1 reminder" in confirmation.text
    assert await live.outcomes.wait_for(1) == [("C0GENERAL", "sent")]
    [_, reminder] = await live.slack.wait_for_messages("C0GENERAL", 2)
    assert reminder.ephemeral_to is None  # a post for the whole channel
    assert reminder.header() == "Reminder: Second round of Russia-Ukraine talks in Istanbul"
    assert "Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025" in reminder.mrkdwn()


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_not_in_channel_stops_the_channel_s_subscription(live: Live, store: Store) -> None:
    live.slack.channel("C0LEFT", member=False)  # the app was removed from the channel
    chat = ChatRef("slack", "C0LEFT", kind="channel")
    await live.subscribe(chat)
    assert await live.outcomes.wait_for(1) == [("C0LEFT", "gone")]
    sub = await store.subscription(chat, DECK)
    assert sub is not None and not sub.active and sub.stopped_reason == "not_in_channel"
    [entry] = await store.ledger.history()
    assert (entry.status, entry.reason) == ("failed", "gone: not_in_channel")
    assert await live.store.audience.shapes() == []  # nothing left to plan for  # its D-0 job is gone too
    assert live.slack.messages_in("C0LEFT") == []


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_a_429_is_waited_out_and_the_post_still_arrives_once(live: Live) -> None:
    chat = ChatRef("slack", "C0GENERAL", kind="channel")
    live.slack.fail("chat.postMessage", too_many_requests(1))
    await live.subscribe(chat)
    assert await live.outcomes.wait_for(1) == [("C0GENERAL", "sent")]
    assert [c.status for c in live.slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(live.slack.messages_in("C0GENERAL")) == 1
