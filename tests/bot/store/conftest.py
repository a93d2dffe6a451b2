"""Every store test runs on SQLite, and on PostgreSQL when its binaries exist (`store_url`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Store, open_store


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    opened = await open_store(store_url)
    yield opened
    await opened.close()
