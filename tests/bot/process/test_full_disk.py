"""SQLite on a full disk under a real `briefing-bot run`: /readyz says so, and nothing goes out twice.

The fault is injected at the driver inside the bot's process (tests/bot/store/full_disk.py):
while a switch file exists, every statement that writes fails with SQLite's own "database or
disk is full"; reads go on, so a read-only readiness probe would still say "ready".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import Callable
from pathlib import Path

from bot.store import Store, default_url, open_store
from handlers.context import ChatRef, Preferences
from tests.bot.process.conftest import D_MINUS_1, MARGIN
from tests.bot.process.process import BotProcess, bot_env, get_json, launch
from tests.bot.store.full_disk import FULL, child_hook
from tests.fakes.kit import slow
from tests.fakes.telegram_api import FakeTelegram

DECK = "istanbul-talks-2025"
READERS = [2001 + n for n in range(5)]
SEND_TIME = 3.0  # the fake Telegram's answers while the disk fills up: sends are in flight meanwhile


class Disk:
    def __init__(self, tmp_path: Path) -> None:
        self.switch = tmp_path / "disk-is-full"
        self.hook = child_hook(tmp_path / "hook", self.switch)

    def fill(self) -> None:
        self.switch.touch()

    def free(self) -> None:
        self.switch.unlink()


async def seed(data: Path, telegram: FakeTelegram) -> None:
    """Each reader subscribed the day before, as /subscribe would have done."""
    store = await open_store(default_url(data))
    try:
        for reader in READERS:
            telegram.user(reader, f"Reader {reader}")
            await store.put_subscription(ChatRef("telegram", str(reader)), DECK, Preferences(reminders=True),
                                         D_MINUS_1 - dt.timedelta(days=1), reschedule=True)
    finally:
        await store.close()


async def start(processes: list[BotProcess], data: Path, telegram: FakeTelegram, disk: Disk,
                now: dt.datetime) -> tuple[BotProcess, str]:
    bot = await launch(processes, bot_env(data, TELEGRAM_BOT_TOKEN=telegram.token,
                                          TELEGRAM_API_BASE_URL=telegram.base_url, BRIEFING_NOW=now.isoformat(),
                                          **disk.hook))
    return bot, await bot.ready()


async def readiness(base: str, wanted: Callable[[int, dict[str, object]], bool], within: float = 10.0
                    ) -> tuple[int, dict[str, object]]:
    """/readyz once `wanted(status, checks)` holds (the write probe is cached for a moment)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        status, body = await get_json(f"{base}/readyz")
        if wanted(status, body["checks"]) or loop.time() > deadline:
            return status, body["checks"]
        await asyncio.sleep(0.2)


async def deferred(bot: BotProcess, count: int, *, within: float) -> None:
    """Wait until `count` posts were deferred because the ledger could not be written."""
    def enough(_: object) -> bool:
        return sum("outcome=deferred" in e.get("message", "") for e in bot.log) >= count

    await bot.wait_log(enough, within=within, what=f"{count} posts deferred while the disk is full")


async def ledger(data: Path) -> dict[str, int]:
    store: Store = await open_store(default_url(data))
    try:
        return await store.ledger.counts()
    finally:
        await store.close()


def received(telegram: FakeTelegram) -> list[int]:
    return [len(telegram.messages_in(reader)) for reader in READERS]


async def test_a_full_disk_turns_readyz_503_and_nothing_is_sent_that_cannot_be_recorded(
        tmp_path: Path, telegram: FakeTelegram, processes: list[BotProcess]) -> None:
    data, disk = tmp_path / "data", Disk(tmp_path)
    await seed(data, telegram)
    bot, base = await start(processes, data, telegram, disk, D_MINUS_1 - MARGIN)
    assert (await get_json(f"{base}/readyz"))[0] == 200

    disk.fill()
    status, checks = await readiness(base, lambda s, c: s == 503)
    assert status == 503 and checks["database"] == f"cannot write: OperationalError ({FULL})"
    # The reminders fall due: none can be claimed, so none is sent.
    await deferred(bot, len(READERS), within=MARGIN.total_seconds() + 15)
    assert received(telegram) == [0] * len(READERS)

    disk.free()
    status, checks = await readiness(base, lambda s, c: s == 200)
    assert (status, checks["database"]) == (200, "ok")
    await asyncio.sleep(3)
    assert all(n <= 1 for n in received(telegram))  # whatever went out since, went out once
    bot.signal(signal.SIGTERM)
    assert await bot.wait(within=20) == 0


async def test_posts_due_while_the_disk_was_full_go_out_once_space_returns(
        tmp_path: Path, telegram: FakeTelegram, processes: list[BotProcess]) -> None:
    data, disk = tmp_path / "data", Disk(tmp_path)
    await seed(data, telegram)
    bot, _ = await start(processes, data, telegram, disk, D_MINUS_1 - dt.timedelta(seconds=6))
    disk.fill()
    await deferred(bot, len(READERS), within=25)
    disk.free()
    await telegram.wait_until(lambda: all(n >= 1 for n in received(telegram)), within=30,
                              what="every reader's reminder after space returned")
    await asyncio.sleep(3)
    assert received(telegram) == [1] * len(READERS)
    assert await ledger(data) == {"sent": len(READERS)}


async def test_posts_sent_as_the_disk_filled_up_are_not_sent_again_after_a_restart(
        tmp_path: Path, telegram: FakeTelegram, processes: list[BotProcess]) -> None:
    data, disk = tmp_path / "data", Disk(tmp_path)
    await seed(data, telegram)
    telegram.fail("sendMessage", slow(SEND_TIME), times=None)
    bot, base = await start(processes, data, telegram, disk, D_MINUS_1 - dt.timedelta(seconds=6))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while (await ledger(data)).get("claimed", 0) < len(READERS):  # every post claimed, its send under way
        assert loop.time() < deadline, await ledger(data)
        await asyncio.sleep(0.1)
    disk.fill()  # the sends reach the readers; marking them sent fails
    await telegram.wait_until(lambda: all(n == 1 for n in received(telegram)), within=SEND_TIME + 10,
                              what="every reader's reminder")
    assert (await readiness(base, lambda s, c: s == 503))[0] == 503
    disk.free()
    telegram.clear_failures()
    assert (await readiness(base, lambda s, c: s == 200))[0] == 200
    deadline = loop.time() + 30
    while await ledger(data) != {"sent": len(READERS)}:  # marked once the database takes writes again
        assert loop.time() < deadline, await ledger(data)
        await asyncio.sleep(0.2)
    bot.signal(signal.SIGTERM)
    assert await bot.wait(within=20) == 0

    again, _ = await start(processes, data, telegram, disk, D_MINUS_1 + dt.timedelta(seconds=2))  # catch-up
    await asyncio.sleep(5)
    assert received(telegram) == [1] * len(READERS)  # nothing sent twice
    again.signal(signal.SIGTERM)
    assert await again.wait(within=20) == 0
