"""A slow platform: sends time out while the platform carries them out all the same.

Through the real adapters (ptb, slack_sdk) against the fakes, answering after the client gave up
(a 12 s answer against a 10 s timeout, shrunk). Every reader gets the reminder; on Slack the
history shows the post arrived, so none gets it twice; on Telegram, which cannot tell, a post is
sent again at most twice, each counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.platforms.service import BriefingService
from bot.scheduling.chats import StoreChats
from bot.scheduling.doubts import Resolution
from bot.store import Store
from content.loader import Briefing
from handlers.context import ChatRef
from tests.bot.platforms.slack.conftest import make_adapter as slack_adapter
from tests.bot.platforms.telegram.conftest import make_adapter as telegram_adapter
from tests.bot.scheduling.live import DECK, Posting, clock_for, posting
from tests.fakes.kit import slow
from tests.fakes.slack_api import FakeSlack, manifest_scopes
from tests.fakes.telegram_api import FakeTelegram

TIMEOUT = 1  # the client's wait for an answer (seconds; slack_sdk takes whole seconds)
LATE = 1.6  # when the fake answers (after the timeout), having carried the send out
SETTLE = 1.0  # the delivery's wait after a timeout before asking: TIMEOUT + SETTLE > LATE
READERS = 6


@dataclass
class Live(Posting):
    resolutions: list[tuple[str, Resolution]] = field(default_factory=list)

    async def subscribe_all(self, chats: list[ChatRef]) -> None:
        for chat in chats:
            await self.subscribe(chat)

    async def settled(self, count: int) -> list[tuple[str, str]]:
        return await self.outcomes.wait_for(count, seconds=30.0)


@pytest.fixture
async def slack(store: Store, briefing: Briefing, request: pytest.FixtureRequest
                ) -> AsyncIterator[tuple[Live, FakeSlack]]:
    clock = clock_for(request)
    async with FakeSlack() as fake:
        chats = StoreChats(store, briefing, clock)
        adapter = slack_adapter(BriefingService(briefing, clock, chats=chats), fake, events=chats,
                                rate_limit_retries=0, request_timeout=TIMEOUT)
        async with posting(store, briefing, clock, chats, adapter) as posts:
            yield _live(posts), fake


@pytest.fixture
async def telegram(store: Store, briefing: Briefing, request: pytest.FixtureRequest
                   ) -> AsyncIterator[tuple[Live, FakeTelegram]]:
    clock = clock_for(request)
    async with FakeTelegram() as fake:
        chats = StoreChats(store, briefing, clock)
        adapter = telegram_adapter(BriefingService(briefing, clock, chats=chats), fake, events=chats,
                                   request_timeout=float(TIMEOUT))
        async with posting(store, briefing, clock, chats, adapter) as posts:
            yield _live(posts), fake


def _live(posts: Posting) -> Live:
    live = Live(posts.scheduler, posts.outcomes, posts.store)
    doubts = live.scheduler.delivery.doubts
    doubts.settle = SETTLE
    doubts.observers.append(lambda platform, resolution: live.resolutions.append((platform, resolution)))
    return live


def channels() -> list[ChatRef]:
    return [ChatRef("slack", f"C0READER{n}", kind="channel") for n in range(READERS)]


@pytest.mark.parametrize("slack", [-1], indirect=True)
async def test_slack_finds_every_timed_out_post_in_the_history_and_sends_none_twice(
        slack: tuple[Live, FakeSlack]) -> None:
    live, fake = slack
    fake.fail("chat.postMessage", slow(LATE), times=None)
    await live.subscribe_all(channels())
    assert sorted(o for _, o in await live.settled(READERS)) == ["sent"] * READERS
    for chat in channels():
        [post] = fake.messages_in(chat.chat_id)
        assert post.metadata is not None and post.metadata["event_type"] == "briefing_post"
    assert live.resolutions == [("slack", "arrived")] * READERS
    history = fake.calls_to("conversations.history")
    assert len(history) == READERS and all(c.ok and c.args["include_all_metadata"] == "1" for c in history)
    sent = {e.sent_to: e.status for e in await live.store.ledger.history()}
    assert sent == {c.key: "sent" for c in channels()}


@pytest.mark.parametrize("slack", [-1], indirect=True)
async def test_slack_without_the_history_scope_follows_the_rule_and_sends_again(
        slack: tuple[Live, FakeSlack]) -> None:
    live, fake = slack
    fake.scopes = manifest_scopes() - {"channels:history"}
    fake.fail("chat.postMessage", slow(LATE), times=1)
    chat = ChatRef("slack", "C0GENERAL", kind="channel")
    await live.subscribe(chat)
    assert await live.settled(1) == [("C0GENERAL", "sent")]
    assert [c.error for c in fake.calls_to("conversations.history")] == ["missing_scope"]
    assert live.resolutions == [("slack", "resent")]
    assert len(fake.messages_in("C0GENERAL")) == 2  # the late one and the one sent again: counted


@pytest.mark.parametrize("telegram", [-1], indirect=True)
async def test_telegram_sends_a_timed_out_post_again_so_every_reader_gets_it(
        telegram: tuple[Live, FakeTelegram]) -> None:
    live, fake = telegram
    readers = [fake.user(1001 + n, f"Reader {n}") for n in range(READERS)]
    fake.fail("sendMessage", slow(LATE), times=READERS)  # each reader's first send times out
    await live.subscribe_all([ChatRef("telegram", str(r.id)) for r in readers])
    assert sorted(o for _, o in await live.settled(READERS)) == ["sent"] * READERS
    copies = [len(fake.messages_in(r.id)) for r in readers]
    assert all(1 <= n <= 3 for n in copies)  # everyone got it; at most two more
    assert sum(copies) - READERS == live.resolutions.count(("telegram", "resent")) == READERS


@pytest.mark.parametrize("telegram", [-1], indirect=True)
async def test_telegram_that_never_answers_in_time_gets_a_post_three_times_at_most(
        telegram: tuple[Live, FakeTelegram]) -> None:
    live, fake = telegram
    reader = fake.user(1001, "Ada")
    fake.fail("sendMessage", slow(LATE), times=None)
    await live.subscribe(ChatRef("telegram", "1001"))
    assert await live.settled(1) == [("1001", "uncertain")]
    await fake.wait_for_messages(reader.id, 3, within=LATE + 1)
    assert len(fake.messages_in(reader.id)) == 3
    assert live.resolutions == [("telegram", "resent"), ("telegram", "resent"), ("telegram", "unknown")]
    [entry] = await live.store.ledger.history()
    assert entry.status == "failed" and (entry.reason or "").startswith("uncertain")


@pytest.mark.parametrize("telegram", [-1], indirect=True)
async def test_a_blocked_reader_hit_by_a_timeout_is_unsubscribed_when_sent_again(
        telegram: tuple[Live, FakeTelegram]) -> None:
    live, fake = telegram
    reader = fake.user(1001, "Ada")
    fake.block(reader)
    fake.fail("sendMessage", slow(LATE), times=1)
    chat = ChatRef("telegram", "1001")
    await live.subscribe(chat)
    assert await live.settled(1) == [("1001", "gone")]
    sub = await live.store.subscription(chat, DECK)
    assert sub is not None and not sub.active and "blocked" in (sub.stopped_reason or "")
    assert live.resolutions == [("telegram", "resent")]

