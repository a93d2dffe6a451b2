"""The commands that start the runtime: the default with no subcommand, and `run` in a terminal."""

from __future__ import annotations

import asyncio
import os
import pty
from pathlib import Path

import pytest

from bot.process.cli import _default_command
from tests.bot.process.conftest import SLACK_APP_TOKEN, TELEGRAM_TOKEN
from tests.bot.process.process import ROOT, BotProcess, bot_env, get_json


@pytest.mark.usefixtures("clean_env")
def test_with_no_subcommand_the_console_opens_unless_a_platform_is_configured(
        clean_env: pytest.MonkeyPatch) -> None:
    assert _default_command() == "console"
    clean_env.setenv("SLACK_APP_TOKEN", SLACK_APP_TOKEN)  # even half-configured: `run` says what is missing
    assert _default_command() == "run"
    clean_env.delenv("SLACK_APP_TOKEN")
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    assert _default_command() == "run"
    clean_env.setenv("BRIEFING_PORT", "many")
    assert _default_command() == "run"  # which reports the wrong setting


async def test_run_in_a_terminal_with_no_platform_serves_the_console_and_http(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    bot = BotProcess(bot_env(tmp_path / "data", LOG_LEVEL="INFO"), ROOT, terminal=follower)
    screen = Screen(leader)
    try:
        await bot.start()
        os.close(follower)
        base = await bot.ready()
        status, body = await get_json(f"{base}/readyz")
        assert (status, body["checks"]) == (200, {"process": "ok", "database": "ok", "scheduler": "ok"})
        os.write(leader, b"/who lavrov\n")
        await screen.shows(b"Foreign Minister of Russia")
        await screen.shows(b"briefing> ", after=b"Foreign Minister of Russia")
        os.write(leader, b"\x04")  # Ctrl-D ends the console, and with it the process
        assert await bot.wait(within=20) == 0
        assert any(e.get("event") == "stopped" for e in bot.log)
    finally:
        await bot.close()
        os.close(leader)
        await screen.close()


class Screen:
    """What the bot writes to the terminal, read all along so that its writes never block."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.seen = b""
        self._loop = asyncio.get_running_loop()
        self._grew = asyncio.Event()
        self._reader = self._loop.run_in_executor(None, self._read)

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # EIO once the bot closed the terminal, EBADF once we did
                return
            if not chunk:
                return
            self.seen += chunk
            self._loop.call_soon_threadsafe(self._grew.set)

    async def shows(self, wanted: bytes, *, after: bytes = b"", within: float = 20.0) -> None:
        async with asyncio.timeout(within):
            while wanted not in (self.seen.partition(after)[2] if after else self.seen):
                self._grew.clear()
                await self._grew.wait()

    async def close(self) -> None:
        await asyncio.wait_for(self._reader, 5)
