"""Dedupe: the first copy of a delivery is answered; later copies, here or on another replica, are not."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.platforms.dedupe import Dedupe
from bot.store import default_url, open_store


class DownClaims:
    """A claims table whose database cannot be reached."""

    def __init__(self) -> None:
        self.tries = 0

    async def take(self, key: str, now: dt.datetime, until: dt.datetime) -> bool:
        self.tries += 1
        raise OperationalError("INSERT", {}, ConnectionRefusedError("connection refused"))

    async def prune(self, now: dt.datetime) -> int:
        return 0


async def test_the_first_copy_is_answered_and_later_ones_are_not() -> None:
    dedupe = Dedupe()
    assert [await dedupe.first(k) for k in ("a", "b", "a", "a", "b")] == [True, True, False, False, False]
    assert dedupe.known("a") and not dedupe.known("c")


async def test_memory_holds_a_bounded_number_of_keys() -> None:
    dedupe = Dedupe(kept=3)
    for n in range(10):
        assert await dedupe.first(f"k{n}")
    assert [dedupe.known(f"k{n}") for n in range(10)] == [False] * 7 + [True] * 3


async def test_keys_are_forgotten_after_their_time() -> None:
    dedupe = Dedupe(ttl=0.0)
    assert await dedupe.first("a")
    assert await dedupe.first("a")


async def test_a_copy_another_replica_answered_is_not_answered_here(tmp_path: Path) -> None:
    store = await open_store(default_url(tmp_path))
    try:
        here, there = Dedupe(store.inbound), Dedupe(store.inbound)
        assert await there.first("slack:event:Ev1")
        assert not await here.first("slack:event:Ev1")
        assert await here.first("slack:event:Ev2")
    finally:
        await store.close()


async def test_with_the_database_down_every_first_copy_is_answered_and_the_outage_logged_once(
        caplog: pytest.LogCaptureFixture) -> None:
    claims = DownClaims()
    dedupe = Dedupe(claims)
    with caplog.at_level(logging.INFO, logger="briefing.inbound"):
        answered = [await dedupe.first(k) for k in ("a", "b", "a", "c")]
    assert answered == [True, True, False, True]  # better a rare double answer than none
    assert claims.tries == 3  # the repeat was caught in memory
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("database unavailable error=OperationalError")
