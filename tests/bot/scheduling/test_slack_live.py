"""Scheduled posts through the real Slack adapter (bolt, slack_sdk) against the fake Slack."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.platforms.service import BriefingService
from bot.platforms.slack import SlackAdapter
from bot.scheduling.scheduler import Scheduler, scheduling
from bot.store import Store
from content.loader import Briefing
from handlers.clock import SystemClock
from handlers.context import ChatRef, Preferences
from tests.bot.platforms.slack.conftest import make_adapter, serve_http
from tests.bot.scheduling.test_scheduler import Outcomes
from tests.fakes.kit import too_many_requests
from tests.fakes.slack_api import FakeSlack

D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
DECK = "istanbul-talks-2025"


@dataclass
class Live:
    slack: FakeSlack
    adapter: SlackAdapter
    scheduler: Scheduler
    outcomes: Outcomes
    events_url: str


@pytest.fixture
async def live(store: Store, briefing: Briefing, request: pytest.FixtureRequest) -> AsyncIterator[Live]:
    """The bot running from 3 s before D-1's time (or, with `@pytest.mark.parametrize("live", [-1],
    indirect=True)`, from 1 s after it: the post is then sent by the catch-up at once)."""
    lead = getattr(request, "param", 3)
    clock = SystemClock(D1 - dt.timedelta(seconds=lead))
    outcomes = Outcomes()
    async with FakeSlack() as slack:
        from bot.scheduling.chats import StoreChats

        chats = StoreChats(store, briefing, clock)
        service = BriefingService(briefing, clock, chats=chats)
        adapter = make_adapter(service, slack, events=chats, rate_limit_retries=0)
        runner, url = await serve_http(adapter)
        await adapter.start()
        scheduler = Scheduler(store, briefing, clock, {"slack": adapter}, chats=chats, observers=[outcomes],
                              owner="slack-test")
        try:
            async with scheduling(scheduler):
                yield Live(slack, adapter, scheduler, outcomes, url)
        finally:
            await adapter.stop()
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
    await store.put_subscription(chat, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    await live.scheduler.refresh_chat(chat)
    assert await live.outcomes.wait_for(1) == [("C0LEFT", "gone")]
    sub = await store.subscription(chat, DECK)
    assert sub is not None and not sub.active and sub.stopped_reason == "not_in_channel"
    [entry] = await store.ledger.history()
    assert (entry.status, entry.reason) == ("failed", "gone: not_in_channel")
    assert live.scheduler.job_ids() == set()  # its D-0 job is gone too
    assert live.slack.messages_in("C0LEFT") == []


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_a_429_is_waited_out_and_the_post_still_arrives_once(live: Live, store: Store) -> None:
    chat = ChatRef("slack", "C0GENERAL", kind="channel")
    live.slack.fail("chat.postMessage", too_many_requests(1))
    await store.put_subscription(chat, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    await live.scheduler.refresh_chat(chat)
    assert await live.outcomes.wait_for(1) == [("C0GENERAL", "sent")]
    assert [c.status for c in live.slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(live.slack.messages_in("C0GENERAL")) == 1
