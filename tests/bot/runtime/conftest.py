"""Fixtures for the runtime tests: an environment holding no setting, settings built from it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings, env_names
from bot.logs import uninstall_redaction

TELEGRAM_TOKEN = "123456:AAE-telegram-secret-token_x"
SLACK_BOT_TOKEN = "xoxb-1-slack-bot-secret"
SLACK_APP_TOKEN = "xapp-1-slack-app-secret"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
WEBHOOK_SECRET = "hook-secret-42"
DB_PASSWORD = "pg-pass-w0rd"


def every_variable() -> list[str]:
    names = [n for f in Settings.model_fields.values() for n in env_names(f)]
    return [*names, *(f"{n}_FILE" for n in names)]


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
