"""The inbound deliveries table: one replica takes a delivery; expired ones are taken again, then pruned."""

from __future__ import annotations

import datetime as dt

from bot.store import Store, open_store

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(minutes=15)


async def test_a_delivery_is_taken_once(store: Store) -> None:
    assert await store.inbound.take("slack:event:Ev1", NOW, LATER)
    assert not await store.inbound.take("slack:event:Ev1", NOW + dt.timedelta(minutes=1), LATER)
    assert await store.inbound.take("slack:event:Ev2", NOW, LATER)


async def test_two_stores_on_one_database_take_a_delivery_once(store_url: str) -> None:
    first, second = await open_store(store_url), await open_store(store_url)
    try:
        taken = [await s.inbound.take("telegram:42:update:7", NOW, LATER) for s in (first, second, first)]
    finally:
        await first.close()
        await second.close()
    assert taken == [True, False, False]


async def test_an_expired_delivery_can_be_taken_again(store: Store) -> None:
    assert await store.inbound.take("k", NOW, LATER)
    assert await store.inbound.take("k", LATER, LATER + dt.timedelta(minutes=15))
    assert not await store.inbound.take("k", LATER + dt.timedelta(minutes=1), LATER + dt.timedelta(minutes=16))


async def test_pruning_forgets_only_expired_deliveries(store: Store) -> None:
    await store.inbound.take("old", NOW - dt.timedelta(hours=1), NOW - dt.timedelta(minutes=45))
    await store.inbound.take("new", NOW, LATER)
    assert await store.inbound.prune(NOW) == 1
    assert not await store.inbound.take("new", NOW, LATER)
    assert await store.inbound.take("old", NOW, LATER)
