"""Start-up: from `briefing-bot run` starting to `/readyz` answering 200, beside bare imports.

    .venv/bin/python -m bench.startup [--rounds R]

Each round starts the bot as a new process, configured for Telegram (long polling) and Slack
(Socket Mode) against the repository's fakes on 127.0.0.1, with a fresh SQLite database (so
the migrations run), and polls /readyz until it answers 200. In the same round a new process
only imports ptb, bolt and APScheduler, and another runs nothing (the interpreter's own
start). Prints the median of each and start-up / imports (how much of the start-up is the
libraries' import time).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.fakes.kit import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

IMPORTS = "import telegram.ext, slack_bolt.async_app, slack_bolt.adapter.socket_mode.async_handler, " \
          "apscheduler.schedulers.asyncio"
SETTINGS = ("BRIEFING_", "TELEGRAM_", "SLACK_", "DATABASE_URL", "LOG_")


async def timed_process(*args: str) -> float:
    started = time.perf_counter()
    child = await asyncio.create_subprocess_exec(sys.executable, *args)
    if await child.wait() != 0:
        raise RuntimeError(f"{args} failed")
    return time.perf_counter() - started


async def until_ready(url: str, child: asyncio.subprocess.Process, within: float = 60) -> None:
    deadline = time.perf_counter() + within
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.perf_counter() < deadline:
            if child.returncode is not None:
                raise RuntimeError(f"the bot exited with {child.returncode}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.005)
    raise RuntimeError(f"{url} not ready within {within} s")


async def bot_start(telegram: FakeTelegram, slack: FakeSlack, data: Path) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS)}
    env.update({"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
                "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": slack.app_token,
                "SLACK_API_BASE_URL": slack.base_url, "BRIEFING_DATA_DIR": str(data),
                "BRIEFING_HOST": "127.0.0.1", "BRIEFING_PORT": str(port), "LOG_LEVEL": "ERROR"})
    started = time.perf_counter()
    child = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env,
                                                 stdin=asyncio.subprocess.DEVNULL)
    try:
        await until_ready(f"http://127.0.0.1:{port}/readyz", child)
        return time.perf_counter() - started
    finally:
        child.terminate()
        await asyncio.wait_for(child.wait(), 30)


async def run(rounds: int) -> None:
    starts: list[float] = []
    imports: list[float] = []
    bare: list[float] = []
    async with FakeTelegram() as telegram, FakeSlack() as slack:
        for n in range(rounds):
            with tempfile.TemporaryDirectory() as data:
                starts.append(await bot_start(telegram, slack, Path(data) / f"round-{n}"))
            imports.append(await timed_process("-c", IMPORTS))
            bare.append(await timed_process("-c", "pass"))
    start, imported, python = (statistics.median(x) for x in (starts, imports, bare))
    print(f"{rounds} rounds, medians; Telegram (polling) and Slack (Socket Mode) on local fakes")
    print(f"process start to /readyz 200:      {start * 1000:7.0f} ms")
    print(f"import ptb, bolt, APScheduler:      {imported * 1000:7.0f} ms")
    print(f"python -c pass:                     {python * 1000:7.0f} ms")
    print(f"start-up / imports: {start / imported:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
