"""A post whose send timed out: found, sent again, or given up in doubt — never silently dropped."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.platforms.base import DestinationGone, Sent, Unavailable
from bot.scheduling.delivery import Policy
from bot.scheduling.doubts import Resolution, trace_key
from bot.scheduling.pacing import Pacer
from bot.scheduling.planning import Post, plan
from bot.scheduling.scheduler import Scheduler
from bot.store import Store
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef, Preferences
from tests.bot.scheduling.conftest import Recorder

D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
FAST = Policy(concurrency=4, max_attempts=5, backoff=(0.0,) * 4, settle=0.0)
CHAT = ChatRef("telegram", "1")


def timeout() -> Unavailable:
    return Unavailable("sendMessage: Timed out", maybe_sent=True)


class Setup:
    def __init__(self, store: Store, briefing: Briefing, recorder: Recorder) -> None:
        self.store, self.briefing, self.recorder = store, briefing, recorder
        self.outcomes: list[str] = []
        self.resolutions: list[tuple[str, Resolution]] = []
        self.scheduler = Scheduler(store, briefing, FixedClock(D1), {"telegram": recorder}, pacer=Pacer({}),
                                   policy=FAST, observers=[lambda c, o, s: self.outcomes.append(o)])
        self.scheduler.delivery.doubts.observers.append(lambda p, r: self.resolutions.append((p, r)))

    async def post(self) -> Post:
        sub = await self.store.put_subscription(CHAT, self.briefing.deck.id, Preferences(reminders=True),
                                                D1 - dt.timedelta(days=2), reschedule=True)
        posts = plan(self.briefing, [sub], D1 - dt.timedelta(days=30), D1 + dt.timedelta(days=30))
        return next(p for p in posts if p.label == "D-1")

    async def deliver(self, post: Post) -> str:
        return await self.scheduler.delivery.deliver(post)

    async def statuses(self) -> list[tuple[str, str | None]]:
        return [(e.status, e.reason) for e in await self.store.ledger.history()]


@pytest.fixture
def setup(store: Store, briefing: Briefing, recorder: Recorder) -> Setup:
    return Setup(store, briefing, recorder)


async def test_where_the_platform_cannot_tell_the_post_is_sent_again(setup: Setup) -> None:
    post = await setup.post()
    setup.recorder.failures["1"] = [timeout()]
    assert await setup.deliver(post) == "sent"
    assert len(setup.recorder.sent) == 1  # the Recorder posts nothing when it raises
    assert setup.resolutions == [("telegram", "resent")]
    assert await setup.statuses() == [("sent", None)]


async def test_sends_again_in_doubt_stop_after_two_and_the_post_is_recorded_uncertain(setup: Setup) -> None:
    post = await setup.post()
    setup.recorder.failures["1"] = [timeout()] * 10
    assert await setup.deliver(post) == "uncertain"
    assert len(setup.recorder.keys) == 3  # the first send and two more: the most a reader can get twice
    assert setup.resolutions == [("telegram", "resent"), ("telegram", "resent"), ("telegram", "unknown")]
    assert await setup.statuses() == [("failed", "uncertain: sendMessage: Timed out")]
    assert await setup.deliver(post) == "taken"  # settled: not tried again later


async def test_a_post_the_platform_finds_counts_as_sent_with_its_message(setup: Setup) -> None:
    post = await setup.post()
    setup.recorder.failures["1"] = [timeout()]
    setup.recorder.arrivals = [Sent(CHAT, ("1717225200.000100",))]
    assert await setup.deliver(post) == "sent"
    assert setup.recorder.keys == [trace_key(post.subscription_id, post.key)]  # not sent twice
    [(chat, key, since)] = setup.recorder.asked
    assert (chat, key) == (CHAT, trace_key(post.subscription_id, post.key))
    assert since <= dt.datetime.now(dt.UTC)
    [entry] = await setup.store.ledger.history()
    assert (entry.status, entry.sent_to) == ("sent", "telegram:1")
    assert setup.resolutions == [("telegram", "arrived")]


async def test_a_post_the_platform_says_is_missing_is_sent_again_beyond_the_doubt_budget(setup: Setup) -> None:
    post = await setup.post()
    setup.recorder.failures["1"] = [timeout()] * 3
    setup.recorder.arrivals = [False, False, False]
    assert await setup.deliver(post) == "sent"
    assert len(setup.recorder.keys) == 4  # safe: each time the platform said it was not there
    assert setup.resolutions == [("telegram", "resent")] * 3


async def test_a_post_missing_after_every_attempt_is_handed_back_for_later(setup: Setup) -> None:
    post = await setup.post()
    setup.recorder.failures["1"] = [timeout()] * 5
    setup.recorder.arrivals = [False] * 5
    assert await setup.deliver(post) == "deferred"
    assert await setup.statuses() == [("pending", "timed out 5 times: sendMessage: Timed out")]


async def test_a_chat_found_gone_while_asking_is_unsubscribed(setup: Setup) -> None:
    post = await setup.post()
    setup.recorder.failures["1"] = [timeout()]
    setup.recorder.arrivals = [DestinationGone("channel_not_found")]
    assert await setup.deliver(post) == "gone"
    sub = await setup.store.subscription(CHAT, setup.briefing.deck.id)
    assert sub is not None and not sub.active and sub.stopped_reason == "channel_not_found"
    assert setup.recorder.sent == []


async def test_every_scheduled_send_names_its_post(setup: Setup) -> None:
    post = await setup.post()
    assert await setup.deliver(post) == "sent"
    assert setup.recorder.keys == [f"{post.subscription_id}:{post.key}"]
