"""What /readyz's database write probe costs, alone and beside a fan-out of ledger writes.

    .venv/bin/python -m bench.write_probe [--probes N] [--writers W]

On a SQLite file (the default store): the probe's latency (median, p99, max) idle; the same while
W tasks claim and mark posts as fast as they can (the delivery's fan-out, which takes the same
write turn); and how many probes reach the database when /readyz is polled 1,000 times in 3 s
through the 1.5 s cache. The probe's bound (PROBE_TIMEOUT) is printed beside: a p99 near it
would report a busy database as not ready.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from bot.process.http import cached
from bot.process.runtime import WRITE_PROBE_EVERY
from bot.store import Store, default_url, open_store
from bot.store.store import PROBE_TIMEOUT
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


async def probe_times(store: Store, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        assert await store.probe_write("bench", dt.datetime.now(dt.UTC)) is None
        times.append(time.perf_counter() - start)
    return times


async def fan_out(store: Store, writers: int, stop: asyncio.Event) -> int:
    wanted = Preferences(reminders=True)
    subs = [await store.put_subscription(ChatRef("telegram", str(n)), "deck", wanted, NOW, reschedule=True)
            for n in range(writers)]
    done = 0

    async def writer(sub_id: int) -> None:
        nonlocal done
        n = 0
        while not stop.is_set():
            claim = await store.ledger.claim(sub_id, f"post-{n}", NOW, "bench", NOW)
            assert claim is not None
            await store.ledger.mark_sent(claim, "telegram:1", ["1"], NOW)
            n += 1
            done += 1

    await asyncio.gather(*(writer(s.id) for s in subs))
    return done


async def polled(store: Store, calls: int, seconds: float) -> int:
    writes = 0

    async def probe() -> str | None:
        nonlocal writes
        writes += 1
        return await store.probe_write("bench", dt.datetime.now(dt.UTC))

    check = cached(probe, WRITE_PROBE_EVERY)
    for _ in range(calls):
        await check()
        await asyncio.sleep(seconds / calls)
    return writes


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"median {statistics.median(ms):6.2f} ms  p99 {p99(ms):6.2f} ms  max {max(ms):6.2f} ms"


async def main(probes: int, writers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = await open_store(default_url(Path(folder)))
        try:
            idle = await probe_times(store, probes)
            stop = asyncio.Event()
            load = asyncio.create_task(fan_out(store, writers, stop))
            await asyncio.sleep(0.2)
            busy = await probe_times(store, probes)
            stop.set()
            marked = await load
            writes = await polled(store, 1000, 3.0)
        finally:
            await store.close()
    print(f"write probe, SQLite, {probes} probes (bound {PROBE_TIMEOUT:g} s)")
    print(f"  idle:                      {summary(idle)}")
    print(f"  beside {writers:2d} ledger writers: {summary(busy)}  ({marked} posts claimed+marked meanwhile)")
    print(f"  p99 busy / bound:          {p99(busy) / PROBE_TIMEOUT:.3f}")
    print(f"  /readyz polled 1000x in 3 s: {writes} probes reached the database ({1000 / writes:.0f}x fewer)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--writers", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.probes, args.writers))
