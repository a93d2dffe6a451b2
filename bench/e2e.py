"""Commands through the whole running bot (bot/process/runtime.py), beside a bare ptb echo bot.

    .venv/bin/python -m bench.e2e [--commands N] [--readers C] [--rounds R]

Like bench/telegram_e2e.py (whose fake-in-a-child-process harness and echo bot this reuses),
but the bot under test is the full process as `briefing-bot run` composes it: settings, the
SQLite store behind every chat's settings lookup, the scheduler running, the metrics observers,
the HTTP server, and every command logged as a JSON line with secrets redacted (to /dev/null).
Both bots use ptb's AIORateLimiter with its flood limits off and C concurrent updates, so
Telegram's 30 messages/s does not cap a measurement on 127.0.0.1.

Prints throughput, p50/p99 and CPU a command for each, and full / bare (target at least 0.9).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.telegram_e2e import compare, unlimited
from bot.platforms.base import Adapter
from bot.platforms.service import BriefingService
from bot.process.cli import open_library
from bot.process.config import Settings
from bot.process.logs import configure_logging
from bot.process.runtime import AdapterFactory, Runtime
from bot.scheduling.chats import StoreChats

NOW = "2025-05-31T12:00+03:00"


def fast_telegram(readers: int) -> AdapterFactory:
    """The runtime's Telegram adapter factory, with the same rate limiter as the echo bot."""
    def build(settings: Settings, service: BriefingService, chats: StoreChats) -> Adapter:
        from bot.platforms.telegram import TelegramAdapter

        assert settings.telegram_bot_token is not None
        return TelegramAdapter(service, token=settings.telegram_bot_token.get_secret_value(),
                               base_url=settings.telegram_api_base_url, events=chats,
                               rate_limiter=unlimited(), max_concurrent_updates=readers)

    return build


@asynccontextmanager
async def full_runtime(token: str, base_url: str, readers: int) -> AsyncIterator[None]:
    with tempfile.TemporaryDirectory() as data, open(os.devnull, "w") as devnull:  # noqa: ASYNC230
        settings = Settings(telegram_bot_token=token, telegram_api_base_url=base_url,  # type: ignore[arg-type]
                            data_dir=Path(data), now=NOW, host="127.0.0.1", port=0, _env_file=None)
        configure_logging("json", "INFO", settings.secrets(), stream=devnull)
        runtime = Runtime(settings, open_library(settings),
                          factories={"telegram": fast_telegram(readers)})
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()
            logging.getLogger().handlers.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(compare(full_runtime, "full runtime (run)", args.commands, args.readers, args.rounds))


if __name__ == "__main__":
    main()
