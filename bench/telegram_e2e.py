"""Commands through the whole Telegram stack, beside a bare ptb echo bot on the same fake.

    .venv/bin/python -m bench.telegram_e2e [--commands N] [--readers C] [--rounds R]

Both bots run the real ptb Application with the same settings (manual lifecycle, C concurrent
updates, AIORateLimiter with its flood limits off, so Telegram's 30 messages/s does not cap a
measurement on 127.0.0.1). The fake Bot API and its C readers run in a child process, as
Telegram runs elsewhere: each reader sends a command, waits for the answer, and sends the next,
until N commands were answered. The full stack parses, routes, answers from the deck, renders
HTML with a keyboard and sends it; the echo bot sends the text back. Latency runs from the
reader's message entering the fake to the bot's answer reaching it (one long poll and one
sendMessage each).

Prints throughput, p50/p99 and the CPU each process spent a command for each bot, and ours /
bare (target at least 0.9). Rounds alternate between the two bots and the best round of each is
kept, so a noisy neighbour on a shared machine hurts both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import logging
import statistics
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.platforms.service import BriefingService
from bot.platforms.telegram import Rendered, TelegramAdapter, render
from bot.platforms.telegram.adapter import NO_PREVIEWS
from content.loader import load_all
from handlers.clock import FixedClock
from handlers.context import ChatRef
from tests.fakes.telegram_api import FakeTelegram, User

NOW = dt.datetime.fromisoformat("2025-05-31T12:00+03:00")
COMMANDS = ("/who lavrov", "/when", "/summary", "/timeline", "/where", "who is Medinsky?", "/stakes",
            "/source lavrov", "/countdown", "/who")
TARGET_RATIO = 0.9
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def unlimited() -> AIORateLimiter:
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2)


@dataclass
class Result:
    seconds: float
    latencies: list[float]  # milliseconds
    bot_cpu: float  # seconds of CPU the bot's process used
    fake_cpu: float  # and the fake's

    def cpu_ms(self, seconds: float) -> float:
        return seconds / len(self.latencies) * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]


async def reader(tg: FakeTelegram, user: User, turns: Callable[[], str | None],
                 latencies: list[float]) -> None:
    """One reader: a command, the answer, the next command."""
    while (text := turns()) is not None:
        answered = len(tg.messages_in(user.id))
        start = time.perf_counter()
        tg.send_text(user, text)
        await tg.wait_for_messages(user.id, answered + 1, within=30)
        latencies.append((time.perf_counter() - start) * 1000)


async def drive(tg: FakeTelegram, users: list[User], commands: int) -> tuple[float, list[float]]:
    """(seconds taken, latency of each command in ms) for `commands` spread over the readers."""
    queue = itertools.islice(itertools.cycle(COMMANDS), commands)
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(reader(tg, u, lambda: next(queue, None), latencies) for u in users))
    return time.perf_counter() - start, latencies


@asynccontextmanager
async def full_stack(token: str, base_url: str, readers: int) -> AsyncIterator[None]:
    service = BriefingService(load_all()[0], FixedClock(NOW))
    adapter = TelegramAdapter(service, token=token, base_url=base_url, rate_limiter=unlimited(),
                              max_concurrent_updates=readers)
    await adapter.start()
    try:
        yield
    finally:
        await adapter.stop()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


@asynccontextmanager
async def bare_app(token: str, base_url: str, readers: int, answer: Handler) -> AsyncIterator[None]:
    """A bare ptb Application, one text handler, run as the adapter runs its own."""
    app = (ApplicationBuilder().token(token).base_url(base_url).job_queue(None)
           .rate_limiter(unlimited()).concurrent_updates(readers).build())
    app.add_handler(MessageHandler(filters.TEXT, answer))
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(timeout=dt.timedelta(seconds=10))
    await app.start()
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def bare_echo(token: str, base_url: str, readers: int) -> AbstractAsyncContextManager[None]:
    return bare_app(token, base_url, readers, echo)


@asynccontextmanager
async def bare_cards(token: str, base_url: str, readers: int) -> AsyncIterator[None]:
    """A bare ptb bot that sends back the very cards the full stack sends, rendered beforehand:
    what the full stack costs beyond ptb's own handling of such messages."""
    service = BriefingService(load_all()[0], FixedClock(NOW))
    cards: dict[str, Rendered] = {}
    for text in COMMANDS:
        reply = await service.answer(text, ChatRef("telegram", "0"), bot_username="x")
        assert reply is not None
        cards[text] = render(reply)

    async def send_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text:
            card = cards[update.message.text]
            await update.message.reply_text(card.pages[0], parse_mode=ParseMode.HTML,
                                            reply_markup=card.keyboard, link_preview_options=NO_PREVIEWS)

    async with bare_app(token, base_url, readers, send_card):
        yield


BotUnderTest = Callable[[str, str, int], AbstractAsyncContextManager[None]]


async def serve_fake(commands: int, readers: int) -> None:
    """The child process: the fake and its readers. Prints where it listens, then the result."""
    async with FakeTelegram() as tg:
        users = [tg.user(10_000 + n, f"Reader {n}") for n in range(readers)]
        print(json.dumps({"token": tg.token, "base_url": tg.base_url}), flush=True)
        await tg.wait_until(lambda: bool(tg.calls_to("getUpdates")), within=30, what="the bot polling")
        await drive(tg, users, min(commands, 5 * readers))  # warm up: caches, connections
        print(json.dumps({"warm": True}), flush=True)
        cpu = time.process_time()
        seconds, latencies = await drive(tg, users, commands)
        print(json.dumps({"seconds": seconds, "latencies": latencies, "cpu": time.process_time() - cpu}),
              flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # until the bot stopped


async def measure(bot: BotUnderTest, commands: int, readers: int) -> Result:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.telegram_e2e", "--serve-fake", "--commands", str(commands),
        "--readers", str(readers), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdin is not None
    try:
        first = await child.stdout.readline()
        if not first:
            raise RuntimeError("the fake Bot API process did not start")
        where = json.loads(first)
        async with bot(where["token"], where["base_url"], readers):
            await asyncio.wait_for(child.stdout.readline(), timeout=600)  # warmed up
            cpu = time.process_time()
            done = json.loads(await asyncio.wait_for(child.stdout.readline(), timeout=600))
            bot_cpu = time.process_time() - cpu
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        await asyncio.wait_for(child.wait(), timeout=30)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    return Result(done["seconds"], done["latencies"], bot_cpu, done["cpu"])


def show(name: str, r: Result) -> None:
    print(f"{name:<26} {r.throughput:7.1f} commands/s   p50 {r.percentile(50):6.1f} ms   p99 "
          f"{r.percentile(99):6.1f} ms   CPU a command: bot {r.cpu_ms(r.bot_cpu):.2f} ms, "
          f"fake {r.cpu_ms(r.fake_cpu):.2f} ms")


def cpu_ratio(mine: list[Result], theirs: list[Result]) -> float:
    """Bot CPU a command, median over rounds: steadier than throughput on a busy machine."""
    return (statistics.median(r.cpu_ms(r.bot_cpu) for r in mine)
            / statistics.median(r.cpu_ms(r.bot_cpu) for r in theirs))


async def compare(ours: BotUnderTest, label: str, commands: int, readers: int, rounds: int,
                  also: tuple[tuple[BotUnderTest, str], ...] = ()) -> float:
    """Measure `ours`, the bare echo bot and `also` in alternating rounds; print them; return
    ours / echo throughput."""
    bots = ((ours, label), (bare_echo, "bare ptb echo bot"), *also)
    results: list[list[Result]] = [[] for _ in bots]
    for _ in range(rounds):
        for (bot, _name), kept in zip(bots, results, strict=True):
            kept.append(await measure(bot, commands, readers))
    print(f"{commands} commands, {readers} readers at once, best of {rounds} rounds each")
    for (_bot, name), kept in zip(bots, results, strict=True):
        show(name, max(kept, key=lambda r: r.throughput))
    best = [max(r.throughput for r in kept) for kept in results]
    ratio = best[0] / best[1]
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"throughput, {label} / echo bot: {ratio:.2f} ({verdict} the {TARGET_RATIO} target)")
    for (_bot, name), kept in zip(bots[1:], results[1:], strict=True):
        print(f"bot CPU a command, {label} / {name}: {cpu_ratio(results[0], kept):.2f}")
    return ratio


async def run(commands: int, readers: int, rounds: int) -> None:
    await compare(full_stack, "full stack", commands, readers, rounds,
                  also=((bare_cards, "bare ptb, same cards"),))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.serve_fake:
        asyncio.run(serve_fake(args.commands, args.readers))
    else:
        asyncio.run(run(args.commands, args.readers, args.rounds))


if __name__ == "__main__":
    main()
