"""Fan-out of one reminder to many Telegram chats, against the fake Bot API enforcing a global rate.

    .venv/bin/python -m bench.fanout [--chats 5000] [--rate 100] [--concurrency 16]
    .venv/bin/python -m bench.fanout --ceiling [--chats 5000]

The whole path is real: APScheduler jobs from the plan, the SQLite ledger (claim, mark), the
pacer, ptb's Application sending to the fake Telegram on 127.0.0.1 (in a process of its own,
as Telegram is), which answers 429 beyond `--rate` messages a second. The pacer is given that
rate (BRIEFING_TELEGRAM_RATE), which it spaces evenly 3% under it, as Telegram's 30/s in
production; ptb's own rate limiter is switched off so the pacer alone paces.

Prints achieved / allowed rate (target >= 0.95), the 429s seen, duplicates and misses (target 0
and 0, counted by the fake), and the bot process's peak memory.

`--ceiling`: the fake allows any rate and the engine's pacer never binds; after the engine's
fan-out, a bare ptb loop (a `telegram.Bot` with as many connections, as many workers as the
engine's concurrency, `send_message` of the same text in a loop: no ledger, no pacer, no
planning) sends the same message to as many other chats, in the same run against the same fake:
half of them before the engine's fan-out and half after, so that a change in the machine's load
during the run weighs on both sides alike.
Prints both rates and engine / bare (target >= 0.8): what the ledger, planning and pacing cost.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

from bot.platforms.service import BriefingService
from bot.platforms.telegram import TelegramAdapter
from bot.platforms.telegram.render import render
from bot.scheduling.chats import StoreChats
from bot.scheduling.delivery import Policy
from bot.scheduling.pacing import Pacer, rules
from bot.scheduling.scheduler import Scheduler, scheduling
from bot.store import Store, default_url, open_store
from bot.store.models import SubscriptionRow
from content.loader import load_all
from handlers.clock import SystemClock
from handlers.context import DEFAULT_REMIND_AT
from tests.fakes.kit import RateLimit
from tests.fakes.telegram_api import FakeTelegram

D1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
FIRST_ID = 10_000_000
BARE_ID = 20_000_000  # the bare loop's chats (--ceiling)
UNLIMITED = 1_000_000  # messages a second: a fake and a pacer that never bind
LEAD = dt.timedelta(seconds=3)  # the bot starts this long before the reminder's time


async def subscribe(store: Store, chats: int, deck: str) -> None:
    """Many subscriptions in one transaction (the commands would take one each; same rows)."""
    since = D1 - dt.timedelta(days=1)
    async with store.sessions.begin() as session:
        session.add_all(SubscriptionRow(platform="telegram", chat_id=str(FIRST_ID + i), thread_id="",
                                        chat_kind="private", deck=deck, reminders=True, offsets=None,
                                        remind_at="09:00", active=True, since=since, created_at=since,
                                        updated_at=since) for i in range(chats))
    assert DEFAULT_REMIND_AT.hour == 9  # the row above spells out the defaults


async def serve_fake(chats: int, rate: int) -> None:
    """The fake Telegram, until stdin closes; then what it saw, as one JSON line (chats from
    BARE_ID on are the bare loop's)."""
    async with FakeTelegram(rate_limit=RateLimit(rate, 1.0)) as tg:
        for i in range(chats):
            tg.user(FIRST_ID + i)
            tg.user(BARE_ID + i)
        print(json.dumps({"base_url": tg.base_url, "token": tg.token}), flush=True)
        # The fake stands for Telegram's servers: its own collector pauses would bunch the requests
        # it counts, and the run would measure the fake rather than the bot.
        gc.disable()
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        ok = [c for c in tg.calls_to("sendMessage") if c.status == 200]
        half = BARE_ID + chats // 2
        before = [c for c in ok if BARE_ID <= int(c.args["chat_id"]) < half]
        after = [c for c in ok if int(c.args["chat_id"]) >= half]
        sends = [c for c in ok if int(c.args["chat_id"]) < BARE_ID]
        print(json.dumps({"per_chat": Counter(str(c.args["chat_id"]) for c in sends),
                          "first": sends[0].at if sends else 0.0, "last": sends[-1].at if sends else 0.0,
                          "sent": len(sends), "rate_limited": tg.rate_limited,
                          "bare_before": _rate(before), "bare_after": _rate(after)}),
              flush=True)


def _rate(calls: list[Any]) -> float:
    """Sends a second over the span of `calls` (in the order the fake took them)."""
    span = calls[-1].at - calls[0].at if len(calls) > 1 else 0.0
    return (len(calls) - 1) / span if span else 0.0


async def start_fake(chats: int, rate: int) -> tuple[asyncio.subprocess.Process, dict[str, Any]]:
    fake = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fanout", "--serve-fake", "--chats", str(chats), "--rate", str(rate),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**24)
    assert fake.stdout is not None
    return fake, json.loads(await asyncio.wait_for(fake.stdout.readline(), 60))


async def bare_loop(where: dict[str, Any], first: int, count: int, concurrency: int, text: str) -> None:
    """What ptb alone does: `send_message` of one text to `count` chats from `concurrency` workers."""
    request = HTTPXRequest(connection_pool_size=concurrency)
    bot = Bot(where["token"], base_url=where["base_url"], request=request)
    queue = iter(range(first, first + count))

    async def worker() -> None:
        for i in queue:
            await bot.send_message(BARE_ID + i, text, parse_mode=ParseMode.HTML)

    async with bot:
        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def run(chats: int, rate: int, concurrency: int, data: Path, *,
              ceiling: bool = False) -> dict[str, float]:
    briefing = load_all()[0]
    store = await open_store(default_url(data))
    await subscribe(store, chats, briefing.deck.id)
    fake, where = await start_fake(chats, rate)
    clock = SystemClock(D1 - LEAD)
    chat_service = StoreChats(store, briefing, clock)
    unlimited = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=0)
    adapter = TelegramAdapter(BriefingService(briefing, clock, chats=chat_service), token=where["token"],
                              base_url=where["base_url"], events=chat_service, rate_limiter=unlimited)
    await adapter.start()
    # The engine's own rules for a token allowed `rate` a second (BRIEFING_TELEGRAM_RATE): evenly
    # spaced 3% under it; the pacer's gate lets a post that woke a little late keep its slot.
    pacer = Pacer(rules(telegram_rate=rate if not ceiling else UNLIMITED))
    scheduler = Scheduler(store, briefing, clock, {"telegram": adapter}, chats=chat_service, pacer=pacer,
                          policy=Policy(concurrency=concurrency), owner="bench")
    # What a long-running bot does after start-up: what exists now lives on, so the collector
    # need not walk it (a full collection over it stalls the loop for 50-300 ms, and a stall
    # longer than the pacer's 3% margin becomes a 429 one second later).
    gc.freeze()
    text = render(_reminder(briefing, clock)).pages[0]
    if ceiling:  # half of the bare loop before the engine, half after: both see the machine's load
        await bare_loop(where, 0, chats // 2, concurrency, text)
    started = time.perf_counter()
    async with scheduling(scheduler):
        planned = time.perf_counter() - started
        async with asyncio.timeout(LEAD.total_seconds() + 3 * chats / rate + 60):
            while (await store.ledger.counts()).get("sent", 0) < chats:  # noqa: ASYNC110 - the ledger
                await asyncio.sleep(0.5)
        await scheduler.idle()
    await adapter.stop()
    if ceiling:
        await bare_loop(where, chats // 2, chats - chats // 2, concurrency, text)
    statuses = await store.ledger.counts()
    await store.close()
    assert fake.stdin is not None
    assert fake.stdout is not None
    fake.stdin.close()
    seen = json.loads(await asyncio.wait_for(fake.stdout.readline(), 60))
    await fake.wait()
    span = seen["last"] - seen["first"]
    return {
        "bare": (seen["bare_before"] + seen["bare_after"]) / 2,
        "bare_before": seen["bare_before"], "bare_after": seen["bare_after"],
        "chats": chats, "allowed": rate, "achieved": (seen["sent"] - 1) / span if span else float("inf"),
        "429s": seen["rate_limited"], "duplicates": sum(n - 1 for n in seen["per_chat"].values() if n > 1),
        "misses": chats - len(seen["per_chat"]), "sent_rows": statuses.get("sent", 0), "plan_s": planned,
        "fanout_s": span,
    }


def _reminder(briefing: Any, clock: SystemClock) -> Any:
    from bot.scheduling.planning import plan
    from bot.store import Subscription
    from handlers.context import ChatRef, Preferences

    sub = Subscription(1, ChatRef("telegram", "1"), briefing.deck.id, Preferences(reminders=True), None, True,
                       None, D1 - dt.timedelta(days=2))
    post = next(p for p in plan(briefing, [sub], D1 - dt.timedelta(days=1), D1 + dt.timedelta(days=1)))
    return post.render(briefing, clock.now())


def ceiling_report(r: dict[str, float]) -> int:
    ratio = r["achieved"] / r["bare"] if r["bare"] else 0.0
    print(f"chats {int(r['chats'])} each, against a fake without a limit:")
    print(f"engine (plan, ledger claim/mark, pacer, ptb): {r['achieved']:.0f} sends/s "
          f"(duplicates {int(r['duplicates'])}, misses {int(r['misses'])})")
    print(f"bare ptb loop (send_message only):            {r['bare']:.0f} sends/s "
          f"(half before the engine {r['bare_before']:.0f}, half after {r['bare_after']:.0f})")
    print(f"engine / bare = {ratio:.2f} (target >= 0.8)")
    ok = ratio >= 0.8 and r["duplicates"] == 0 and r["misses"] == 0
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=100, help="the fake's global limit, messages/s")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--ceiling", action="store_true", help="the engine beside a bare ptb loop, no limit")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        asyncio.run(serve_fake(args.chats, args.rate))
        return 0
    rate = UNLIMITED if args.ceiling else args.rate
    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
        r = asyncio.run(run(args.chats, rate, args.concurrency, Path(tmp), ceiling=args.ceiling))
    if args.ceiling:
        return ceiling_report(r)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process: the bot
    ratio = r["achieved"] / r["allowed"]
    print(f"chats {int(r['chats'])}: start-up and planning {r['plan_s']:.2f} s, "
          f"fan-out {r['fanout_s']:.1f} s")
    print(f"rate: achieved {r['achieved']:.1f}/s of {int(r['allowed'])}/s allowed = {ratio:.3f} "
          "(target >= 0.95)")
    print(f"429s seen: {int(r['429s'])}")
    print(f"duplicates: {int(r['duplicates'])}, misses: {int(r['misses'])} (target 0 and 0); "
          f"ledger rows sent: {int(r['sent_rows'])}")
    print(f"peak memory of the bot process: {peak_mb:.0f} MiB")
    ok = ratio >= 0.95 and r["duplicates"] == 0 and r["misses"] == 0
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
