"""The Telegram adapter under test: the real ptb Application, talking to the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.platforms.base import ChatEvents
from bot.platforms.service import BriefingService
from bot.platforms.telegram import TelegramAdapter
from tests.fakes.chat_events import RecordedEvents
from tests.fakes.telegram_api import Chat, FakeTelegram, Message, User

# Short waits between retries keep failure tests fast; the behaviour is the same.
FAST_RETRIES = (0.01, 0.02)


def make_adapter(service: BriefingService, tg: FakeTelegram, events: ChatEvents | None = None,
                 **options: Any) -> TelegramAdapter:
    options.setdefault("retry_delays", FAST_RETRIES)
    options.setdefault("request_timeout", 3.0)
    return TelegramAdapter(service, token=tg.token, base_url=tg.base_url, events=events, **options)


@dataclass
class Bot:
    """The running adapter, the fake Telegram it talks to, and what it reported."""

    adapter: TelegramAdapter
    tg: FakeTelegram
    events: RecordedEvents

    async def ask(self, where: User | Chat, text: str, *, count: int = 1, **how: Any) -> list[Message]:
        """Send `text` as a reader and return the bot's next `count` messages in that chat."""
        before = len(self.tg.messages_in(where.id))
        self.tg.send_text(where, text, **how)
        return (await self.tg.wait_for_messages(where.id, before + count))[before:]


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as tg:
        yield tg


@pytest.fixture
def reader(fake_telegram: FakeTelegram) -> User:
    return fake_telegram.user(1001, "Ada", "ada")


@pytest.fixture
async def telegram(fake_telegram: FakeTelegram, service: BriefingService) -> AsyncIterator[Bot]:
    events = RecordedEvents()
    adapter = make_adapter(service, fake_telegram, events)
    await adapter.start()
    try:
        yield Bot(adapter, fake_telegram, events)
    finally:
        await adapter.stop()
