"""The store-backed chat service as every command meets it: the chat's zone, cheap and current."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.platforms.service import BriefingService
from bot.scheduling import chats as chats_module
from bot.scheduling.chats import StoreChats
from bot.store import Store, default_url, open_store
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef

CHAT = ChatRef("telegram", "-1001", kind="group")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(default_url(tmp_path))
    yield opened
    await opened.close()


async def when(service: BriefingService, chat: ChatRef = CHAT) -> str:
    reply = await service.answer("/when", chat)
    assert reply is not None
    return reply.plain_text()


async def test_a_new_zone_shows_in_the_very_next_answer(store: Store, briefing: Briefing, clock: FixedClock) -> None:
    chats = StoreChats(store, briefing, clock)
    service = BriefingService(briefing, clock, chats=chats)
    assert "In your timezone" not in await when(service)  # cached: no zone chosen
    await service.answer("/timezone Asia/Tokyo", CHAT)
    assert "(Asia/Tokyo, UTC+09:00)" in await when(service)
    await service.answer("/timezone reset", CHAT)
    assert "In your timezone" not in await when(service)


async def test_a_zone_follows_a_migrated_group(store: Store, briefing: Briefing, clock: FixedClock) -> None:
    chats = StoreChats(store, briefing, clock)
    service = BriefingService(briefing, clock, chats=chats)
    await service.answer("/timezone Asia/Tokyo", CHAT)
    moved = ChatRef("telegram", "-1002", kind="group")
    assert "Asia/Tokyo" not in await when(service, moved)  # now cached as "no zone" for the new id
    await chats.chat_moved(CHAT, moved.chat_id)
    assert "(Asia/Tokyo, UTC+09:00)" in await when(service, moved)


async def test_another_replica_sees_a_change_within_the_ttl(
    store: Store, briefing: Briefing, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = BriefingService(briefing, clock, chats=StoreChats(store, briefing, clock))
    theirs = BriefingService(briefing, clock, chats=StoreChats(store, briefing, clock))
    assert "Asia/Tokyo" not in await when(ours)
    await theirs.answer("/timezone Asia/Tokyo", CHAT)
    assert "Asia/Tokyo" not in await when(ours)  # still within the cache's lifetime
    later = time.monotonic() + chats_module.CHOICES_TTL + 1
    monkeypatch.setattr(chats_module, "monotonic", lambda: later)
    assert "(Asia/Tokyo, UTC+09:00)" in await when(ours)
