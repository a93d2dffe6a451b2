"""The scheduler on a live loop: jobs follow the plan, fire on time, catch up, and replicas share."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.scheduling.delivery import Policy
from bot.scheduling.pacing import unpaced
from bot.scheduling.scheduler import Scheduler, scheduling
from bot.store import Store, Subscription, default_url, open_store
from content.library import Library
from content.loader import Briefing
from handlers.clock import Clock, SystemClock
from handlers.context import ChatRef, Preferences
from tests.bot.scheduling.conftest import Recorder
from tests.bot.scheduling.decks import with_talks

D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
CHAT = ChatRef("telegram", "1")
DECK = "istanbul-talks-2025"


class Outcomes:
    """Delivery outcomes as they happen, and a way to wait for a number of them."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.changed = asyncio.Event()

    def __call__(self, chat: ChatRef, outcome: str, seconds: float) -> None:
        self.seen.append((chat.chat_id, outcome))
        self.changed.set()

    async def wait_for(self, count: int, seconds: float = 10.0) -> list[tuple[str, str]]:
        async with asyncio.timeout(seconds):
            while len(self.seen) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.seen


def make(store: Store, briefing: Briefing | Library, recorder: Recorder, start: dt.datetime | Clock,
         outcomes: Outcomes, **options: object) -> Scheduler:
    options.setdefault("owner", "test")
    options.setdefault("policy", Policy(backoff=(0.0,) * 4))
    clock = SystemClock(start) if isinstance(start, dt.datetime) else start
    return Scheduler(store, briefing, clock, {"telegram": recorder}, pacer=unpaced(), observers=[outcomes],
                     **options)  # type: ignore[arg-type]


@pytest.fixture
def outcomes() -> Outcomes:
    return Outcomes()


async def test_a_reminder_fires_on_the_live_loop(store: Store, briefing: Briefing, recorder: Recorder,
                                                 outcomes: Outcomes) -> None:
    scheduler = make(store, briefing, recorder, D1 - dt.timedelta(seconds=0.7), outcomes)
    async with scheduling(scheduler):
        await scheduler.chats.subscribe(CHAT, None, None)
        assert scheduler.job_ids() == {"due:2025-06-01T06:00:00", "due:2025-06-02T06:00:00"}  # D-1, D-0
        assert await outcomes.wait_for(1) == [("1", "sent")]
    assert recorder.texts() == ["Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025 "
                                "(time of day not announced)."]
    assert [e.status for e in await store.ledger.history()] == ["sent"]


async def test_a_post_handed_back_before_its_time_still_gets_its_job(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes) -> None:
    """A claim released as pending (a shutdown while it waited for pacing) for a post that is due
    later on the clock (a restart with the same --now) is planned again, not forgotten."""
    sub = await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1),
                                       reschedule=True)
    claim = await store.ledger.claim(sub.id, "event:istanbul-talks@2025-06-02:D-1", D1, "test",
                                     dt.datetime.now(dt.UTC))
    assert claim is not None
    assert await store.ledger.release(claim, "shut down meanwhile", dt.datetime.now(dt.UTC))
    scheduler = make(store, briefing, recorder, D1 - dt.timedelta(seconds=0.7), outcomes)
    async with scheduling(scheduler):
        assert "due:2025-06-01T06:00:00" in scheduler.job_ids()
        assert await outcomes.wait_for(1) == [("1", "sent")]
    assert [e.status for e in await store.ledger.history()] == ["sent"]


async def test_a_change_plans_its_moments_at_once_and_a_rebuild_drops_the_unused(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes) -> None:
    scheduler = make(store, briefing, recorder, D1 - dt.timedelta(days=1), outcomes,
                     horizon=dt.timedelta(days=10))
    async with scheduling(scheduler):
        assert scheduler.next_run_time() is None
        await scheduler.chats.subscribe(CHAT, ("3h", "1d"), None)
        assert scheduler.job_ids() == {"due:2025-06-01T06:00:00"}
        await scheduler.chats.subscribe(CHAT, None, dt.time(18, 0))
        assert "due:2025-06-01T15:00:00" in scheduler.job_ids()
        await scheduler.rebuild()  # the hourly re-plan: the moments nobody needs any more are gone
        assert scheduler.job_ids() == {"due:2025-06-01T15:00:00", "due:2025-06-02T15:00:00"}
        await scheduler.chats.set_timezone(CHAT, "Asia/Tokyo")
        await scheduler.rebuild()
        planned = scheduler.next_run_time()
        assert planned is not None
        assert abs(planned - dt.datetime.fromisoformat("2025-06-01T18:00+09:00")) < dt.timedelta(seconds=2)
        await scheduler.chats.set_daily(CHAT, dt.time(7, 0))
        assert (dt.datetime.fromisoformat("2025-06-02T07:00+09:00"), "telegram:istanbul-talks-2025",
                "daily:2025-06-02") in scheduler.planned()
        assert await scheduler.chats.unsubscribe(CHAT)
        await scheduler.rebuild()
        assert scheduler.job_ids() == set() and scheduler.next_run_time() is None
    assert recorder.sent == []


async def test_jobs_are_per_moment_not_per_chat(store: Store, briefing: Briefing, recorder: Recorder,
                                                outcomes: Outcomes) -> None:
    scheduler = make(store, briefing, recorder, D1 - dt.timedelta(days=5), outcomes, horizon=dt.timedelta(days=9))
    for i in range(30):
        await store.put_subscription(ChatRef("telegram", str(i)), DECK, Preferences(reminders=True),
                                     D1 - dt.timedelta(days=5), reschedule=True)
    async with scheduling(scheduler):
        first = scheduler.job_ids()
        await scheduler.rebuild()
        await scheduler.rebuild()
        assert scheduler.job_ids() == first and scheduler.job_count() == 3  # D-3, D-1, D-0 for all 30
        assert len(scheduler._aps.get_jobs()) == 3 + 1  # and the hourly re-plan


async def test_an_event_moved_to_another_date_moves_the_jobs(store: Store, briefing: Briefing,
                                                             recorder: Recorder, outcomes: Outcomes) -> None:
    """A changed deck (a reload, or a restart) plans the same posts at the new date."""
    clock = SystemClock(D1 - dt.timedelta(days=1))
    scheduler = make(store, briefing, recorder, clock, outcomes, horizon=dt.timedelta(days=30))
    async with scheduling(scheduler):
        await scheduler.chats.subscribe(CHAT, None, None)
        before = {key.rsplit(":", 1)[1]: moment for moment, _, key in scheduler.planned()}
    moved = with_talks(briefing, date=dt.date(2025, 6, 9))
    restarted = make(store, moved, recorder, clock, outcomes, horizon=dt.timedelta(days=30))
    async with scheduling(restarted):
        after = {key.rsplit(":", 1)[1]: moment for moment, _, key in restarted.planned()}
    assert set(before) == {"D-1", "D-0"}
    assert set(after) == {"D-7", "D-3", "D-1", "D-0"}
    for label, moment in before.items():
        assert after[label] - moment == dt.timedelta(days=7)


async def test_downtime_across_a_reminder_sends_it_late(store: Store, briefing: Briefing, recorder: Recorder,
                                                        outcomes: Outcomes) -> None:
    """Down from before D-3 until 1 June 12:00: D-1 goes out late with the real countdown; D-3 is moot."""
    await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=4), reschedule=True)
    scheduler = make(store, briefing, recorder, D1 + dt.timedelta(hours=3), outcomes,
                     lookback=dt.timedelta(days=7))
    async with scheduling(scheduler):
        await scheduler.idle()
    assert recorder.texts() == ["Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025 "
                                "(time of day not announced)."]
    rows = {e.post_key.rsplit(":", 1)[1]: (e.status, e.reason) for e in await store.ledger.history()}
    assert rows["D-3"] == ("skipped", "superseded: a later post of the same series is due")
    assert rows["D-1"][0] == "sent" and (rows["D-1"][1] or "").startswith("late by 3:00:")
    assert "D-0" not in rows  # still ahead


async def test_downtime_past_the_event_records_the_reminder_as_skipped(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes,
        caplog: pytest.LogCaptureFixture) -> None:
    await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    scheduler = make(store, briefing, recorder, dt.datetime.fromisoformat("2025-06-03T08:00+03:00"), outcomes)
    with caplog.at_level("INFO", logger="briefing"):
        async with scheduling(scheduler):
            await scheduler.idle()
    assert recorder.sent == []
    rows = {e.post_key.rsplit(":", 1)[1]: (e.status, e.reason) for e in await store.ledger.history()}
    assert rows == {"D-1": ("skipped", "too late: the event has begun"),
                    "D-0": ("skipped", "too late: the event has begun")}
    assert "catch-up platform=telegram skipped=2" in caplog.text


async def test_posts_for_a_platform_this_process_does_not_serve_are_left_alone(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes) -> None:
    await store.put_subscription(ChatRef("slack", "C1"), DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1),
                                 reschedule=True)
    scheduler = make(store, briefing, recorder, D1 + dt.timedelta(minutes=5), outcomes)
    async with scheduling(scheduler):
        await scheduler.idle()
        assert scheduler.job_ids() == set()
    assert await store.ledger.history() == []


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield default_url(tmp_path)
    else:
        yield await request.getfixturevalue("pg_server").create_database()


async def test_two_replicas_on_one_database_send_each_post_once(shared_url: str, briefing: Briefing) -> None:
    """On PostgreSQL one replica holds the sender lease and sends everything; on SQLite both may
    send (one process is the supported setup there) and the ledger lets each post out once."""
    chats = [ChatRef("telegram", str(i)) for i in range(40)]
    stores = [await open_store(shared_url), await open_store(shared_url)]
    for chat in chats:
        await stores[0].put_subscription(chat, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1),
                                         reschedule=True)
    recorders, seen = [Recorder(), Recorder()], Outcomes()
    replicas = [make(s, briefing, r, D1 - dt.timedelta(seconds=0.5), seen, owner=f"replica-{i}")
                for i, (s, r) in enumerate(zip(stores, recorders, strict=True))]
    try:
        for replica in replicas:
            await replica.start()
        assert replicas[0].job_ids() == replicas[1].job_ids()  # both hold every job...
        async with asyncio.timeout(15):
            while sum(1 for _, o in seen.seen if o == "sent") < len(chats):  # noqa: ASYNC110 - a few polls
                await asyncio.sleep(0.05)
        for replica in replicas:
            await replica.idle()
    finally:
        for replica in replicas:
            await replica.pause()
            await replica.drain(1)
            await replica.shutdown()
        for s in stores:
            await s.close()
    sent = sorted(c.chat_id for r in recorders for c, _ in r.sent)
    assert sent == sorted(c.chat_id for c in chats)  # ...and each post went out once
    if shared_url.startswith("postgresql"):
        assert sorted(len(r.sent) for r in recorders) == [0, len(chats)]  # by the one sender


# --- many decks, reloads ---------------------------------------------------------------------


def other_deck(b: Briefing, deck_id: str, date: dt.date) -> Briefing:
    moved = with_talks(b, date=date)
    return dataclasses.replace(moved, deck=moved.deck.model_copy(update={"id": deck_id}))


async def test_every_deck_of_the_library_is_planned_and_each_post_worded_from_its_own(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes) -> None:
    later = other_deck(briefing, "later-talks", dt.date(2025, 6, 9))
    library = Library.of(briefing, later)
    await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    await store.put_subscription(CHAT, "later-talks", Preferences(reminders=True), D1 - dt.timedelta(days=1),
                                 reschedule=True)
    scheduler = make(store, library, recorder, D1 - dt.timedelta(seconds=0.5), outcomes,
                     horizon=dt.timedelta(days=10))
    async with scheduling(scheduler):
        decks = {deck for _, deck, _ in scheduler.planned()}
        assert decks == {"telegram:istanbul-talks-2025", "telegram:later-talks"}
        assert await outcomes.wait_for(1) == [("1", "sent")]
    assert recorder.texts() == ["Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025 "
                                "(time of day not announced)."]


async def test_a_reload_that_moves_an_event_plans_its_posts_again(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes) -> None:
    library = Library.of(briefing)
    await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=2), reschedule=True)
    scheduler = make(store, library, recorder, D1 - dt.timedelta(days=1), outcomes,
                     horizon=dt.timedelta(days=30))
    async with scheduling(scheduler):
        before = {key.rsplit(":", 1)[1]: moment for moment, _, key in scheduler.planned()}
        library._stories = Library.of(with_talks(briefing, date=dt.date(2025, 6, 9))).stories  # as a reload does
        await scheduler.decks_changed()
        after = {key.rsplit(":", 1)[1]: moment for moment, _, key in scheduler.planned()}
    assert set(before) == {"D-1", "D-0"} and set(after) == {"D-7", "D-3", "D-1", "D-0"}
    assert after["D-1"] - before["D-1"] == dt.timedelta(days=7)


# --- the database falters ----------------------------------------------------------------------


async def test_recipients_unreadable_at_the_reminder_time_are_read_again_within_seconds(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    page = store.audience.page
    failures = [ConnectionRefusedError(111, "Connect call failed"), OSError(28, "No space left on device")]

    async def flaky(*args: Any, **kwargs: Any) -> list[Subscription]:
        if failures:
            raise failures.pop(0)
        return await page(*args, **kwargs)

    monkeypatch.setattr(store.audience, "page", flaky)
    scheduler = make(store, briefing, recorder, D1 - dt.timedelta(seconds=0.3), outcomes,
                     policy=Policy(backoff=(0.0,) * 4, retry=(0.1, 0.2)))
    async with scheduling(scheduler):
        assert await outcomes.wait_for(1, seconds=5) == [("1", "sent")]
    assert failures == [] and len(recorder.sent) == 1


async def test_a_post_sent_while_the_database_cannot_mark_it_is_marked_when_it_can(
        store: Store, briefing: Briefing, recorder: Recorder, outcomes: Outcomes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await store.put_subscription(CHAT, DECK, Preferences(reminders=True), D1 - dt.timedelta(days=1), reschedule=True)
    mark_many = store.ledger.mark_many
    failures = [ConnectionRefusedError(111, "Connect call failed")] * 2

    async def flaky(*args: Any, **kwargs: Any) -> set[int]:
        if failures:
            raise failures.pop(0)
        return await mark_many(*args, **kwargs)

    monkeypatch.setattr(store.ledger, "mark_many", flaky)
    scheduler = make(store, briefing, recorder, D1 + dt.timedelta(minutes=1), outcomes)
    scheduler.delivery.marks.backoff = (0.05,)
    async with scheduling(scheduler):
        await scheduler.idle()
    assert len(recorder.sent) == 1 and failures == []
    assert [e.status for e in await store.ledger.history()] == ["sent"]  # kept in memory, then written
