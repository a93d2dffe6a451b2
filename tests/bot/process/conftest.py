"""Fixtures for the runtime tests: an environment holding no setting, the fakes, bot processes."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.redaction import uninstall_redaction
from tests.bot.process.process import BotProcess, every_variable
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

TELEGRAM_TOKEN = "123456:AAE-telegram-secret-token_x"
SLACK_BOT_TOKEN = "xoxb-1-slack-bot-secret"
SLACK_APP_TOKEN = "xapp-1-slack-app-secret"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
WEBHOOK_SECRET = "hook-secret-42"
DB_PASSWORD = "pg-pass-w0rd"

# The D-1 reminder of the Istanbul talks goes out at 09:00 Istanbul time on 1 June 2025.
D_MINUS_1 = dt.datetime.fromisoformat("2025-06-01T09:00+03:00")
MARGIN = dt.timedelta(seconds=12)  # start-up and two subscriptions fit well within it
READER = 1001
CHANNEL = "C0GENERAL"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No setting in the environment and a working directory without `.env`."""
    for name in every_variable():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging() takes over the root logger: give it back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    uninstall_redaction()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def processes() -> AsyncIterator[list[BotProcess]]:
    """The bots a test starts (tests.bot.process.process.launch); killed if still running at the end."""
    started: list[BotProcess] = []
    yield started
    for process in started:
        await process.close()
