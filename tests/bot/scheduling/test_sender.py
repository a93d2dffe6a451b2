"""The sender lease as replicas keep it: one sends, another takes over within the lease when it stops."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable

import pytest

from bot.scheduling.sender import SenderLease
from bot.store import Store, open_store
from tests.bot.store.postgres import Server

TTL = 0.6


class Told:
    def __init__(self) -> None:
        self.gained: list[str] = []
        self.lost: list[str] = []

    async def gain(self, platform: str) -> None:
        self.gained.append(platform)

    async def lose(self, platform: str) -> None:
        self.lost.append(platform)


def lease(store: Store | None, name: str, told: Told) -> SenderLease:
    return SenderLease(store.leases if store else None, ["telegram"], name, ttl=TTL, gained=told.gain,
                       lost=told.lose)


async def wait_for(condition: Callable[[], bool], within: float) -> float:
    started = time.monotonic()
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - a few short polls
            await asyncio.sleep(0.02)
    return time.monotonic() - started


@pytest.mark.postgres
async def test_one_replica_sends_and_another_takes_over_within_the_lease(pg_server: Server) -> None:
    url = await pg_server.create_database()
    stores = [await open_store(url), await open_store(url)]
    told = [Told(), Told()]
    leases = [lease(s, f"replica-{i}", t) for i, (s, t) in enumerate(zip(stores, told, strict=True))]
    try:
        for held in leases:
            await held.start()
        assert [bool(t.gained) for t in told] == [True, False]
        assert leases[0].holds("telegram") and not leases[1].holds("telegram")
        assert leases[0]._task is not None
        leases[0]._task.cancel()  # the sender stops renewing (killed, cut off): it must stop sending...
        stopped = await wait_for(lambda: not leases[0].holds("telegram"), within=TTL)
        took = await wait_for(lambda: leases[1].holds("telegram"), within=3 * TTL)  # ...before the other starts
        assert told[1].gained == ["telegram"] and stopped < TTL and took < 2 * TTL
        await leases[1].stop()  # a clean stop gives the lease up at once
        now = dt.datetime.now(dt.UTC)
        assert await stores[0].leases.hold("telegram", "next", now, now + dt.timedelta(seconds=TTL))
    finally:
        for held in leases:
            await held.stop()
        for s in stores:
            await s.close()


async def test_on_sqlite_the_one_process_holds_it() -> None:
    told = Told()
    held = lease(None, "solo", told)
    await held.start()
    assert held.holds("telegram") and told.gained == ["telegram"]
    await held.stop()

