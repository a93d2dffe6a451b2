"""One sender per bot token, with real `briefing-bot run` replicas on one throwaway PostgreSQL.

The fake Telegram enforces Telegram's 30 messages a second for the token; the replicas hold a
sender lease of 3 s. Every chat's reminder goes out once, within the limit; when the sender is
killed mid-fan-out another replica takes over within seconds; a PostgreSQL outage across the
reminder's time delays the posts, never loses or doubles them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.store import open_store
from bot.store.models import SubscriptionRow
from tests.bot.process.conftest import D_MINUS_1
from tests.bot.process.process import BotProcess, bot_env, launch
from tests.bot.store.postgres import Server, running_server
from tests.fakes.kit import RateLimit
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.postgres

FIRST = 7_000_000
LEASE = 3  # seconds: a stopped sender is replaced within about this
IN_FLIGHT = 16  # the delivery's concurrency: the posts that can be sent and not yet marked at a kill
LEAD = dt.timedelta(seconds=15)  # the replicas start this long before the reminder's time
# The fake counts requests as its loop (shared with this test, on a busy machine) gets to them: a
# stall of 35 ms bunches enough of them to look like 31 in a second. The bots are told the token
# allows 28 a second, so the fake's stalls cannot turn into 429s; the default 30 against a fake in a
# process of its own is `python -m bench.fanout`.
RATE = "28"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(rate_limit=RateLimit(30, 1.0)) as fake:
        yield fake


async def subscribe(url: str, telegram: FakeTelegram, chats: int) -> None:
    """`chats` private chats with reminders, subscribed the day before (as many commands would)."""
    since = D_MINUS_1 - dt.timedelta(days=1)
    store = await open_store(url)
    try:
        async with store.writing() as session:
            await session.execute(insert(SubscriptionRow), [
                {"platform": "telegram", "chat_id": str(FIRST + i), "thread_id": "", "chat_kind": "private",
                 "deck": "istanbul-talks-2025", "reminders": True, "offsets": None, "remind_at": "09:00",
                 "daily_at": None, "active": True, "since": since, "created_at": since, "updated_at": since}
                for i in range(chats)])
    finally:
        await store.close()
    for i in range(chats):
        telegram.user(FIRST + i)


def replica(name: str, tmp_path: Path, url: str, telegram: FakeTelegram, start: dt.datetime) -> dict[str, str]:
    port = free_port()
    return bot_env(tmp_path / name, DATABASE_URL=url, BRIEFING_REPLICA=name, BRIEFING_PORT=str(port),
                   TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url,
                   TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
                   BRIEFING_SENDER_LEASE=str(LEASE), BRIEFING_TELEGRAM_RATE=RATE, BRIEFING_NOW=start.isoformat())


def received(telegram: FakeTelegram, chats: int) -> Counter[int]:
    counts: Counter[int] = Counter()
    for call in telegram.calls_to("sendMessage"):
        chat = int(call.args["chat_id"])
        if call.status == 200 and FIRST <= chat < FIRST + chats:
            counts[chat] += 1
    return counts


async def replicas(processes: list[BotProcess], tmp_path: Path, url: str, telegram: FakeTelegram,
                   n: int) -> list[BotProcess]:
    start = D_MINUS_1 - LEAD
    bots = [await launch(processes, replica(f"replica-{i}", tmp_path, url, telegram, start)) for i in range(n)]
    await asyncio.gather(*(bot.ready(within=60) for bot in bots))
    return bots


async def sender_of(bots: list[BotProcess]) -> BotProcess:
    """The replica that holds Telegram's sender lease (it says so in its log)."""
    async with asyncio.timeout(30):
        while True:
            for bot in bots:
                if any("sender lease gained platform=telegram" in e.get("message", "") for e in bot.log):
                    return bot
            await asyncio.sleep(0.1)


async def stop_all(bots: list[BotProcess]) -> None:
    for bot in bots:
        if bot.proc is not None and bot.proc.returncode is None:
            bot.signal(signal.SIGTERM)
    for bot in bots:
        await bot.wait(within=20)


async def test_three_replicas_send_a_2000_chat_reminder_once_within_the_limit(
        tmp_path: Path, pg_server: Server, telegram: FakeTelegram, processes: list[BotProcess]) -> None:
    chats = 2000
    url = await pg_server.create_database()
    await subscribe(url, telegram, chats)
    bots = await replicas(processes, tmp_path, url, telegram, 3)
    sender = await sender_of(bots)
    # 2000 at 28/s take 74 s (27.2/s: the pacer keeps 3% of headroom).
    await telegram.wait_until(lambda: len(received(telegram, chats)) == chats, within=LEAD.total_seconds() + 100,
                              what="every chat's reminder")
    await asyncio.sleep(1)  # time for a second copy, if one were coming
    counts = received(telegram, chats)
    await stop_all(bots)
    assert (len(counts), sum(counts.values()), telegram.rate_limited) == (chats, chats, 0)
    others = [b for b in bots if b is not sender]
    assert not any(e.get("message", "").startswith(("fan-out", "catch-up"))
                   for b in others for e in b.log)  # the others stood by


@pytest.mark.parametrize("comes_back", [True, False], ids=["killed-comes-back", "killed-stays-dead"])
async def test_killing_the_sender_mid_fan_out_another_replica_finishes(
        comes_back: bool, tmp_path: Path, pg_server: Server, telegram: FakeTelegram,
        processes: list[BotProcess]) -> None:
    chats = 300
    url = await pg_server.create_database()
    await subscribe(url, telegram, chats)
    bots = await replicas(processes, tmp_path, url, telegram, 3)
    sender = await sender_of(bots)
    await telegram.wait_until(lambda: len(received(telegram, chats)) >= chats // 3, within=LEAD.total_seconds() + 40,
                              what="a third of the fan-out")
    assert sender.proc is not None
    sender.proc.kill()
    killed = time.monotonic()
    await sender.wait(within=10)
    at_kill = sum(received(telegram, chats).values())
    if comes_back:
        processes.append(back := BotProcess(sender.env, sender.cwd))
        await back.start()
        bots.append(back)
    await telegram.wait_until(lambda: len(received(telegram, chats)) == chats, within=30,
                              what="the rest of the fan-out, by another replica")
    took = time.monotonic() - killed
    await asyncio.sleep(1)
    counts = received(telegram, chats)
    await stop_all([b for b in bots if b is not sender])
    twice = sum(1 for n in counts.values() if n > 1)
    assert 0 < at_kill < chats, "the kill must land in the middle of the fan-out"
    assert len(counts) == chats and max(counts.values()) <= 2
    assert twice <= IN_FLIGHT, f"{twice} chats got the reminder twice"
    assert telegram.rate_limited == 0
    assert took < 30


def _pg(server: Server, action: str) -> None:
    options = (f"-p {server.port} -c listen_addresses=127.0.0.1 -k {server.root} -c fsync=off "
               "-c max_connections=100")
    args = ["-m", "fast", "-w", "stop"] if action == "stop" else ["-o", options, "-w", "start"]
    server._run("pg_ctl", "-D", str(server.data), "-l", str(server.root / "log"), *args)


@pytest.fixture
def own_pg() -> Iterator[Server]:
    """A server of this test's own, which it stops and starts again."""
    yield from running_server()


async def test_a_database_outage_across_the_reminder_delays_it_and_loses_nothing(
        tmp_path: Path, own_pg: Server, processes: list[BotProcess]) -> None:
    chats = 200
    url = await own_pg.create_database()
    async with FakeTelegram() as telegram:
        await subscribe(url, telegram, chats)
        bots = await replicas(processes, tmp_path, url, telegram, 2)
        # Ready a few seconds after their clocks started at LEAD before the reminder's time: the
        # database is down from before that time until after it.
        await asyncio.to_thread(_pg, own_pg, "stop")
        await asyncio.sleep(LEAD.total_seconds() + 2)
        assert received(telegram, chats) == Counter()
        await asyncio.to_thread(_pg, own_pg, "start")
        back = time.monotonic()
        await telegram.wait_until(lambda: len(received(telegram, chats)) == chats, within=30,
                                  what="every post after the database came back")
        took = time.monotonic() - back
        await asyncio.sleep(1)
        counts = received(telegram, chats)
        await stop_all(bots)
    assert sum(counts.values()) == chats, "nothing sent twice"
    assert took < 30
