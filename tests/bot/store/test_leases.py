"""The sender lease: one holder per platform, renewed by it, taken over only once it expired."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.store import Store, open_store

NOW = dt.datetime(2025, 6, 1, 6, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=10)


async def test_one_holder_renews_and_others_wait_for_the_expiry(store: Store) -> None:
    leases = store.leases
    assert await leases.hold("telegram", "a", NOW, NOW + TTL)
    assert not await leases.hold("telegram", "b", NOW + dt.timedelta(seconds=5), NOW + dt.timedelta(seconds=15))
    assert await leases.hold("telegram", "a", NOW + dt.timedelta(seconds=3), NOW + dt.timedelta(seconds=13))
    assert not await leases.hold("telegram", "b", NOW + dt.timedelta(seconds=12), NOW + dt.timedelta(seconds=22))
    assert await leases.hold("telegram", "b", NOW + dt.timedelta(seconds=13), NOW + dt.timedelta(seconds=23))
    assert await leases.holder("telegram", NOW + dt.timedelta(seconds=14)) == "b"
    assert not await leases.hold("telegram", "a", NOW + dt.timedelta(seconds=14), NOW + dt.timedelta(seconds=24))


async def test_platforms_have_a_lease_each(store: Store) -> None:
    assert await store.leases.hold("telegram", "a", NOW, NOW + TTL)
    assert await store.leases.hold("slack", "b", NOW, NOW + TTL)
    assert await store.leases.holder("slack", NOW) == "b"


async def test_a_lease_given_up_is_taken_at_once(store: Store) -> None:
    assert await store.leases.hold("telegram", "a", NOW, NOW + TTL)
    assert not await store.leases.give_up("telegram", "b", NOW)  # not b's to give
    assert await store.leases.give_up("telegram", "a", NOW + dt.timedelta(seconds=1))
    assert await store.leases.holder("telegram", NOW + dt.timedelta(seconds=1)) is None
    assert await store.leases.hold("telegram", "b", NOW + dt.timedelta(seconds=1), NOW + TTL * 2)


async def test_replicas_racing_for_a_free_lease_get_one_holder(store_url: str) -> None:
    stores = [await open_store(store_url) for _ in range(3)]
    try:
        won = await asyncio.gather(*(s.leases.hold("telegram", f"r{i}", NOW, NOW + TTL)
                                     for i, s in enumerate(stores)))
        assert sorted(won) == [False, False, True]
    finally:
        for s in stores:
            await s.close()
