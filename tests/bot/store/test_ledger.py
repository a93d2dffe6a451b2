"""The delivery ledger: one claim wins, however many processes try, and a crash loses nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.store import Store, open_store
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2025, 6, 1, 6, 0, tzinfo=dt.UTC)
CHAT = ChatRef("telegram", "1")
KEY = "event:istanbul-talks@2025-06-02:D-1"


async def _sub(store: Store) -> int:
    return (await store.put_subscription(CHAT, "deck", Preferences(reminders=True), NOW, reschedule=True)).id


async def test_only_one_claim_wins(store: Store) -> None:
    sub = await _sub(store)
    first = await store.ledger.claim(sub, KEY, NOW, "a", NOW)
    assert first is not None and first.attempts == 1
    assert await store.ledger.claim(sub, KEY, NOW, "b", NOW) is None
    assert await store.ledger.mark_sent(first, CHAT.key, ["10", "11"], NOW)
    assert await store.ledger.claim(sub, KEY, NOW, "a", NOW) is None  # sent: never again
    [entry] = await store.ledger.history(sub)
    assert (entry.status, entry.sent_to, entry.owner) == ("sent", "telegram:1", "a")


async def test_many_concurrent_claimants_across_connections(store_url: str) -> None:
    """Two stores are two engines (as two replicas would have): still exactly one winner per post."""
    one, two = await open_store(store_url), await open_store(store_url)
    try:
        sub = await _sub(one)
        keys = [f"post:{i}" for i in range(20)]
        claims = await asyncio.gather(*(s.ledger.claim(sub, k, NOW, name, NOW)
                                        for k in keys for s, name in ((one, "a"), (two, "b"))))
        won = [c for c in claims if c is not None]
        assert sorted(c.post_key for c in won) == sorted(keys)
    finally:
        await one.close()
        await two.close()


async def test_a_released_post_can_be_claimed_again(store: Store) -> None:
    sub = await _sub(store)
    claim = await store.ledger.claim(sub, KEY, NOW, "a", NOW)
    assert claim is not None
    assert await store.ledger.release(claim, "platform unavailable", NOW)
    again = await store.ledger.claim(sub, KEY, NOW, "b", NOW)
    assert again is not None and again.attempts == 2
    assert not await store.ledger.mark_sent(claim, CHAT.key, ["1"], NOW)  # the old claim is void
    assert await store.ledger.mark_sent(again, CHAT.key, ["1"], NOW)


async def test_failures_and_skips_keep_their_reason(store: Store) -> None:
    sub = await _sub(store)
    claim = await store.ledger.claim(sub, "a", NOW, "me", NOW)
    assert claim is not None
    assert await store.ledger.mark_failed(claim, "gone: bot was blocked by the user", NOW)
    assert await store.ledger.skip(sub, "b", NOW, "too late: the event has begun", NOW)
    assert not await store.ledger.skip(sub, "b", NOW, "again", NOW)
    assert not await store.ledger.skip(sub, "a", NOW, "a failed post stays failed", NOW)
    rows = {e.post_key: (e.status, e.reason) for e in await store.ledger.history(sub)}
    assert rows == {"a": ("failed", "gone: bot was blocked by the user"),
                    "b": ("skipped", "too late: the event has begun")}
    assert await store.ledger.claim(sub, "b", NOW, "me", NOW) is None
    assert await store.ledger.counts() == {"failed": 1, "skipped": 1}


async def test_recovery_after_a_crash(store: Store) -> None:
    """Our own claims come back at once after a restart; another replica's only after the lease."""
    sub = await _sub(store)
    mine = await store.ledger.claim(sub, "mine", NOW, "replica-a", NOW)
    fresh = await store.ledger.claim(sub, "fresh", NOW, "replica-b", NOW)
    old = await store.ledger.claim(sub, "old", NOW, "replica-c", NOW - dt.timedelta(hours=1))
    assert mine and fresh and old
    assert await store.ledger.recover("replica-a", NOW - dt.timedelta(minutes=10), NOW) == 2
    statuses = {e.post_key: e.status for e in await store.ledger.history(sub)}
    assert statuses == {"mine": "pending", "fresh": "claimed", "old": "pending"}
    assert await store.ledger.recover(None, NOW - dt.timedelta(minutes=10), NOW) == 0
    assert await store.ledger.claim(sub, "mine", NOW, "replica-a", NOW) is not None


async def test_entries_are_read_for_active_subscriptions(store: Store) -> None:
    sub = await _sub(store)
    gone = (await store.put_subscription(ChatRef("slack", "C"), "deck", Preferences(reminders=True), NOW,
                                         reschedule=True)).id
    for s in (sub, gone):
        assert await store.ledger.skip(s, KEY, NOW, "x", NOW)
    await store.deactivate_chat("slack", "C", "archived", NOW)
    assert set(await store.ledger.entries()) == {(sub, KEY)}
    assert set(await store.ledger.entries([gone])) == {(gone, KEY)}
    assert await store.ledger.entries(due_from=NOW + dt.timedelta(seconds=1)) == {}
