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


# --- batches ---------------------------------------------------------------------------------


async def _subs(store: Store, n: int, platform: str = "telegram") -> list[int]:
    return [(await store.put_subscription(ChatRef(platform, str(i)), "deck", Preferences(reminders=True), NOW,
                                          reschedule=True)).id for i in range(n)]


async def test_a_batch_claim_takes_new_and_handed_back_posts_and_nothing_held(store: Store) -> None:
    subs = await _subs(store, 4)
    held = await store.ledger.claim(subs[0], KEY, NOW, "other", NOW)
    back = await store.ledger.claim(subs[1], KEY, NOW, "other", NOW)
    assert held is not None and back is not None
    assert await store.ledger.release(back, "shut down", NOW)
    claims = await store.ledger.claim_many([(s, KEY, NOW) for s in subs], "me", NOW)
    assert sorted(c.subscription_id for c in claims) == subs[1:]
    assert {c.subscription_id: c.attempts for c in claims} == {subs[1]: 2, subs[2]: 1, subs[3]: 1}


async def test_two_batch_claimants_split_the_posts_between_them(store_url: str) -> None:
    one, two = await open_store(store_url), await open_store(store_url)
    try:
        subs = await _subs(one, 30)
        posts = [(s, KEY, NOW) for s in subs]
        a, b = await asyncio.gather(one.ledger.claim_many(posts, "a", NOW), two.ledger.claim_many(posts, "b", NOW))
        assert sorted(c.subscription_id for c in [*a, *b]) == subs  # each post claimed exactly once
    finally:
        await one.close()
        await two.close()


async def test_marks_in_one_statement_only_for_claims_still_held(store: Store) -> None:
    subs = await _subs(store, 3)
    claims = await store.ledger.claim_many([(s, KEY, NOW) for s in subs], "me", NOW)
    taken_back = claims[2]
    assert await store.ledger.recover_platform("telegram", NOW) == 3  # the lease moved meanwhile
    again = await store.ledger.claim_many([(subs[0], KEY, NOW), (subs[1], KEY, NOW)], "me", NOW)
    notes = [(c, f"telegram:{i}", [str(10 + i)], "late by 0:01:00" if i else None) for i, c in enumerate(again)]
    marked = await store.ledger.mark_many([*notes, (taken_back, "telegram:2", ["12"], None)], NOW)
    assert marked == {c.id for c in again}
    rows = {e.subscription_id: e for e in await store.ledger.history()}
    assert [rows[s].status for s in subs] == ["sent", "sent", "pending"]
    assert rows[subs[1]].reason == "late by 0:01:00" and rows[subs[0]].reason is None


async def test_a_batch_skip_records_new_and_pending_posts_but_never_a_sent_one(store: Store) -> None:
    subs = await _subs(store, 3)
    [sent] = await store.ledger.claim_many([(subs[0], KEY, NOW)], "me", NOW)
    await store.ledger.mark_many([(sent, "telegram:0", ["1"], None)], NOW)
    [back] = await store.ledger.claim_many([(subs[1], KEY, NOW)], "me", NOW)
    assert await store.ledger.release_many([back], "shut down", NOW) == 1
    assert await store.ledger.skip_many([(s, KEY, NOW) for s in subs], "too late: the event has begun", NOW) == 2
    assert [e.status for e in sorted(await store.ledger.history(), key=lambda e: e.subscription_id)] == [
        "sent", "skipped", "skipped"]


async def test_recovering_a_platform_hands_back_its_claims_only(store: Store) -> None:
    tg = await _subs(store, 2)
    slack = await _subs(store, 1, platform="slack")
    await store.ledger.claim_many([(s, KEY, NOW) for s in tg], "dead", NOW)
    await store.ledger.claim_many([(s, KEY, NOW) for s in slack], "alive", NOW)
    mine = await store.ledger.claim(tg[0], "other-post", NOW, "me", NOW)
    assert mine is not None
    assert await store.ledger.recover_platform("telegram", NOW, keep="me") == 2
    statuses = {(e.subscription_id, e.post_key): e.status for e in await store.ledger.history()}
    assert statuses == {(tg[0], KEY): "pending", (tg[1], KEY): "pending", (slack[0], KEY): "claimed",
                        (tg[0], "other-post"): "claimed"}
