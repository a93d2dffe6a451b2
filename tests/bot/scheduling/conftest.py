"""A recording adapter, a store on SQLite, and a scheduler wired to them."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import pytest
from aiohttp import web

from bot.platforms.base import DeliveryError, Sent
from bot.store import Store, default_url, open_store
from handlers.context import ChatRef
from handlers.reply import Reply


class Recorder:
    """An Adapter that keeps what it was asked to send; `failures[chat_id]` are raised first, in order."""

    def __init__(self, platform: str = "telegram") -> None:
        self.platform = platform
        self.sent: list[tuple[ChatRef, Reply]] = []
        self.failures: dict[str, list[DeliveryError]] = {}
        self.hold: asyncio.Event | None = None  # when set, each send waits for it
        self.holding: asyncio.Queue[ChatRef] = asyncio.Queue()  # a chat each time a send starts waiting
        self.keys: list[str | None] = []  # the post key of every send, in order
        # What `arrived` answers, in order (then None: cannot tell), and what it was asked.
        self.arrivals: list[Sent | Literal[False] | DeliveryError | None] = []
        self.asked: list[tuple[ChatRef, str, dt.datetime]] = []

    @property
    def ready(self) -> bool:
        return True

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def http_routes(self) -> list[web.RouteDef]:
        return []

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> Sent:
        self.keys.append(key)
        pending = self.failures.get(chat.chat_id)
        if pending:
            raise pending.pop(0)
        if self.hold is not None:
            self.holding.put_nowait(chat)
            await self.hold.wait()
        self.sent.append((chat, reply))
        return Sent(chat, (str(len(self.sent)),))

    async def arrived(self, chat: ChatRef, key: str, since: dt.datetime) -> Sent | Literal[False] | None:
        self.asked.append((chat, key, since))
        answer = self.arrivals.pop(0) if self.arrivals else None
        if isinstance(answer, DeliveryError):
            raise answer
        return answer

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [r.sections[0].text for c, r in self.sent if chat_id in (None, c.chat_id)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(default_url(tmp_path))
    yield opened
    await opened.close()
