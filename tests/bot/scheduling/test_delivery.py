"""One post through the ledger: sent once, and each platform error handled as the adapters report it."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.platforms.base import DestinationGone, DestinationMoved, Rejected, RetryLater, Unavailable
from bot.scheduling.delivery import Policy
from bot.scheduling.pacing import Pacer
from bot.scheduling.planning import Post, plan
from bot.scheduling.scheduler import Scheduler
from bot.store import Store
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef, Preferences
from tests.bot.scheduling.conftest import Recorder

D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
FAST = Policy(concurrency=4, max_attempts=3, backoff=(0.0, 0.0, 0.0))


class Watched(Pacer):
    """No limits, but it remembers every pause a 429 asked for."""

    def __init__(self) -> None:
        super().__init__({})
        self.pauses: list[tuple[str, float]] = []

    def pause(self, platform: str, seconds: float) -> None:
        self.pauses.append((platform, seconds))
        super().pause(platform, seconds)


class Setup:
    def __init__(self, store: Store, briefing: Briefing, recorder: Recorder) -> None:
        self.clock = FixedClock(D1)
        self.recorder = recorder
        self.store = store
        self.briefing = briefing
        self.outcomes: list[tuple[str, str]] = []
        self.pacer = Watched()
        self.scheduler = Scheduler(store, briefing, self.clock, {"telegram": recorder}, pacer=self.pacer,
                                   policy=FAST, observers=[lambda c, o, s: self.outcomes.append((c.chat_id, o))])

    async def post(self, chat: ChatRef, label: str = "D-1") -> Post:
        sub = await self.store.put_subscription(chat, self.briefing.deck.id, Preferences(reminders=True),
                                                D1 - dt.timedelta(days=2), reschedule=True)
        posts = plan(self.briefing, [sub], D1 - dt.timedelta(days=30), D1 + dt.timedelta(days=30))
        return next(p for p in posts if p.label == label)

    async def statuses(self) -> list[tuple[str, str | None]]:
        return [(e.status, e.reason) for e in await self.store.ledger.history()]


@pytest.fixture
def setup(store: Store, briefing: Briefing, recorder: Recorder) -> Setup:
    return Setup(store, briefing, recorder)


async def test_a_post_is_sent_once_and_marked(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    assert await setup.scheduler.delivery.deliver(post) == "sent"
    assert await setup.scheduler.delivery.deliver(post) == "taken"
    assert setup.recorder.texts() == [
        "Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025 "
        "(time of day not announced)."]
    [entry] = await setup.store.ledger.history()
    assert (entry.status, entry.sent_to) == ("sent", "telegram:1")
    assert setup.outcomes == [("1", "sent"), ("1", "taken")]


async def test_concurrent_deliveries_of_one_post_send_it_once(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    outcomes = await asyncio.gather(*(setup.scheduler.delivery.deliver(post) for _ in range(10)))
    assert sorted(outcomes) == ["sent"] + ["taken"] * 9
    assert len(setup.recorder.sent) == 1


async def test_retry_later_waits_what_the_platform_says(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    setup.recorder.failures["1"] = [RetryLater("429 Too Many Requests", 0.05)]
    assert await setup.scheduler.delivery.deliver(post) == "sent"
    assert setup.pacer.pauses == [("telegram", 0.05)]
    assert len(setup.recorder.sent) == 1


async def test_a_platform_that_stays_unavailable_gets_the_post_back_as_pending(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    setup.recorder.failures["1"] = [Unavailable("502 Bad Gateway")] * 3
    assert await setup.scheduler.delivery.deliver(post) == "deferred"
    assert await setup.statuses() == [("pending", "platform unavailable after 3 tries: 502 Bad Gateway")]
    assert await setup.scheduler.delivery.deliver(post) == "sent"  # a later try takes it
    assert (await setup.store.ledger.history())[0].attempts == 2


async def test_a_blocked_chat_is_deactivated_with_its_reason(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    setup.recorder.failures["1"] = [DestinationGone("Forbidden: bot was blocked by the user")]
    assert await setup.scheduler.delivery.deliver(post) == "gone"
    assert await setup.statuses() == [("failed", "gone: Forbidden: bot was blocked by the user")]
    sub = await setup.store.subscription(ChatRef("telegram", "1"), setup.briefing.deck.id)
    assert sub is not None and not sub.active
    assert sub.stopped_reason == "Forbidden: bot was blocked by the user"
    assert setup.recorder.sent == []


async def test_a_migrated_chat_moves_and_gets_the_post_there(setup: Setup) -> None:
    old = ChatRef("telegram", "-100", kind="group")
    post = await setup.post(old)
    setup.recorder.failures["-100"] = [DestinationMoved("group upgraded to a supergroup", "-1001234")]
    assert await setup.scheduler.delivery.deliver(post) == "sent"
    assert [c.chat_id for c, _ in setup.recorder.sent] == ["-1001234"]
    [entry] = await setup.store.ledger.history()
    assert entry.sent_to == "telegram:-1001234"
    moved = await setup.store.subscription(ChatRef("telegram", "-1001234", kind="group"), setup.briefing.deck.id)
    assert moved is not None and moved.active and moved.id == post.subscription_id


async def test_a_rejected_post_is_not_retried(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    setup.recorder.failures["1"] = [Rejected("Bad Request: can't parse entities")]
    assert await setup.scheduler.delivery.deliver(post) == "rejected"
    assert await setup.statuses() == [("failed", "rejected: Bad Request: can't parse entities")]
    assert await setup.scheduler.delivery.deliver(post) == "taken"
    assert setup.recorder.sent == []


async def test_a_post_whose_moment_has_passed_is_recorded_as_skipped(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    setup.clock.set(dt.datetime.fromisoformat("2025-06-03T00:00+03:00"))
    assert await setup.scheduler.delivery.deliver(post) == "skipped"
    assert await setup.statuses() == [("skipped", "too late: the event has begun")]
    assert setup.recorder.sent == []


async def test_an_adapter_bug_fails_the_post_without_killing_anything(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))

    async def broken(chat: ChatRef, reply: object, *, key: str | None = None) -> object:
        raise KeyError("oops")

    setup.recorder.send = broken  # type: ignore[assignment,method-assign]
    assert await setup.scheduler.delivery.deliver(post) == "failed"
    assert await setup.statuses() == [("failed", "failed: error: KeyError")]


async def test_drain_hands_unfinished_sends_back_as_pending(setup: Setup) -> None:
    posts = [await setup.post(ChatRef("telegram", str(i))) for i in range(6)]
    setup.recorder.hold = asyncio.Event()  # every send hangs: 4 in flight (concurrency), 2 waiting
    tasks = [asyncio.create_task(setup.scheduler.delivery.deliver(p)) for p in posts]
    async with asyncio.timeout(5):
        for _ in range(4):
            await setup.recorder.holding.get()
    assert setup.scheduler.delivery.in_flight == 6
    await setup.scheduler.drain(0.1)
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
    assert [s for s, _ in await setup.statuses()] == ["pending"] * 4  # the 2 waiting never claimed
    assert setup.recorder.sent == []


async def test_a_post_whose_sender_lease_moved_meanwhile_is_handed_back_unsent(setup: Setup) -> None:
    post = await setup.post(ChatRef("telegram", "1"))
    setup.scheduler.delivery.sending = lambda platform: False  # another replica took the lease over
    assert await setup.scheduler.delivery.deliver(post) == "deferred"
    assert setup.recorder.sent == []
    assert await setup.statuses() == [("pending", "the sender lease moved to another replica")]
