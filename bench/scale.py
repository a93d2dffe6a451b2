"""Planning at scale: the scheduler's start-up, re-plan, loop stalls, jobs and memory for N subscriptions.

    .venv/bin/python -m bench.scale --subscriptions 100000 [--rounds 3] [--database URL]

N Telegram subscriptions to the deck (in SQLite under a temporary folder, or the PostgreSQL
database given), spread over 40 time zones, three reminder times and a daily post for one in
five, as a real audience chooses them. The scheduler starts (plan, jobs, lease, catch-up), then
plans everything again as its hourly refresh does. Meanwhile a probe task asks the loop for a
turn every 2 ms and records how late it got it: the longest wait is the longest stall.

Prints start-up and re-plan time, the longest loop stall (target under 50 ms), the jobs held,
the shapes (distinct due-time profiles) planned, and the process's RSS after start-up and at
its peak (target under 150 MiB at 100,000). Each figure is the median of `--rounds` runs, each
with a fresh database: on a machine shared with other work a single stall can be another
process's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web
from sqlalchemy import insert

from bot.platforms.base import Sent
from bot.scheduling.pacing import unpaced
from bot.scheduling.scheduler import Scheduler, scheduling
from bot.store import Store, default_url, open_store
from bot.store.models import ChatSettingsRow, SubscriptionRow
from content.loader import load_all
from handlers.clock import SystemClock
from handlers.context import ChatRef
from handlers.reply import Reply

NOW = dt.datetime.fromisoformat("2025-05-30T12:00+03:00")  # the reminders of 2 June are ahead
ZONES = ["Europe/Istanbul", "Europe/Kyiv", "Europe/Moscow", "Europe/London", "Europe/Berlin", "Europe/Paris",
         "Europe/Warsaw", "Europe/Madrid", "Europe/Rome", "Europe/Helsinki", "America/New_York",
         "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Sao_Paulo",
         "America/Mexico_City", "Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Kolkata",
         "Asia/Dubai", "Asia/Tbilisi", "Asia/Almaty", "Asia/Jerusalem", "Australia/Sydney", "Australia/Perth",
         "Pacific/Auckland", "Africa/Cairo", "Africa/Lagos", "Africa/Nairobi", "Europe/Vilnius",
         "Europe/Riga", "Europe/Tallinn", "Europe/Prague", "Europe/Vienna", "Europe/Bucharest",
         "Europe/Sofia", "Europe/Athens"]
TIMES = ["09:00", "08:00", "18:30"]
CHUNK = 5000
FIRST_ID = 10_000_000


class Silent:
    """An adapter that sends nothing (no post falls due during the run)."""

    platform = "telegram"
    ready = True

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def http_routes(self) -> list[web.RouteDef]:
        return []

    async def send(self, chat: ChatRef, reply: Reply) -> Sent:
        return Sent(chat, ("1",))


async def subscribe(store: Store, n: int, deck: str) -> None:
    """N subscriptions made just now, and a chosen zone for all but every 41st chat (Core inserts)."""
    since = NOW
    for start in range(0, n, CHUNK):
        ids = range(start, min(start + CHUNK, n))
        subs = [{"platform": "telegram", "chat_id": str(FIRST_ID + i), "thread_id": "",
                 "chat_kind": "private",
                 "deck": deck, "reminders": True, "offsets": None, "remind_at": TIMES[i % len(TIMES)],
                 "daily_at": "07:00" if i % 5 == 0 else None, "active": True, "since": since,
                 "created_at": since, "updated_at": since} for i in ids]
        zones = [{"platform": "telegram", "chat_id": str(FIRST_ID + i), "timezone": ZONES[i % 41],
                  "updated_at": since} for i in ids if i % 41 < len(ZONES)]
        async with store.writing() as session:
            await session.execute(insert(SubscriptionRow), subs)
            await session.execute(insert(ChatSettingsRow), zones)


class Stalls:
    """The longest time the loop kept a task waiting beyond a 2 ms sleep."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _probe(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.002)
            self.longest = max(self.longest, time.perf_counter() - before - 0.002)

    def start(self) -> None:
        self.longest = 0.0
        self._task = asyncio.ensure_future(self._probe())

    async def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        return self.longest


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(n: int, url: str) -> dict[str, float]:
    briefing = load_all()[0]
    store = await open_store(url)
    await subscribe(store, n, briefing.deck.id)
    gc.collect()
    gc.freeze()  # as the runtime does before its scheduler starts: the decks and libraries live on
    before = rss_mib()
    stalls = Stalls()
    scheduler = Scheduler(store, briefing, SystemClock(NOW), {"telegram": Silent()}, pacer=unpaced(),
                          owner="bench")
    stalls.start()
    started = time.perf_counter()
    async with scheduling(scheduler):
        await scheduler.idle()
        startup = time.perf_counter() - started
        startup_stall = await stalls.stop()
        stalls.start()
        started = time.perf_counter()
        await scheduler.rebuild()
        replan = time.perf_counter() - started
        replan_stall = await stalls.stop()
        gc.collect()
        after = rss_mib()
        jobs, shapes = scheduler.job_count(), len(scheduler._shapes)
    await store.close()
    return {"startup": startup, "replan": replan, "stall_ms": 1000 * max(startup_stall, replan_stall),
            "startup_stall_ms": 1000 * startup_stall, "replan_stall_ms": 1000 * replan_stall, "jobs": jobs,
            "shapes": shapes, "rss_before": before, "rss": after,
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL URL, one round (default: SQLite, temporary)")
    args = parser.parse_args()
    rounds = []
    for _ in range(args.rounds if not args.database else 1):
        with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
            rounds.append(asyncio.run(run(args.subscriptions, args.database or default_url(Path(tmp)))))
    r = {key: statistics.median(one[key] for one in rounds) for key in rounds[0]}
    print(f"median of {len(rounds)} rounds")
    print(f"subscriptions {args.subscriptions}: shapes {int(r['shapes'])}, jobs held {int(r['jobs'])}")
    print(f"start-up (plan, jobs, lease, catch-up) {r['startup'] * 1000:.0f} ms; "
          f"re-plan {r['replan'] * 1000:.0f} ms")
    print(f"longest loop stall {r['stall_ms']:.1f} ms (start-up {r['startup_stall_ms']:.1f}, "
          f"re-plan {r['replan_stall_ms']:.1f}; target < 50)")
    print(f"RSS {r['rss']:.0f} MiB after start-up ({r['rss_before']:.0f} before the scheduler), "
          f"peak {r['peak']:.0f} MiB (target < 150)")
    ok = r["stall_ms"] < 50 and r["peak"] < 150
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
