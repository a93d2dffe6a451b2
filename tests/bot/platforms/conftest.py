"""A newsroom's bot for the adapters' tests: four stories served at once, each chat's choice kept
in a real store (SQLite)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.platforms.service import BriefingService
from bot.scheduling.chats import StoreChats
from bot.store import Store, default_url, open_store
from content.library import Library
from handlers.clock import FixedClock
from tests.newsroom import ISTANBUL, Newsroom


@pytest.fixture
async def chat_store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(default_url(tmp_path))
    yield store
    await store.close()


@pytest.fixture(scope="session")
def stories(drafted: Newsroom) -> Library:
    """The four stories (the library is only read here, so one per run)."""
    return drafted.library()


@pytest.fixture
def newsroom_service(stories: Library, clock: FixedClock, chat_store: Store) -> BriefingService:
    return BriefingService(stories, clock, chats=StoreChats(chat_store, stories, clock, default=ISTANBUL))
