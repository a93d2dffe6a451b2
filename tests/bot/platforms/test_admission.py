"""Admission: a bounded number of requests answered at once; the rest wait briefly or are turned away."""

from __future__ import annotations

import asyncio

import pytest

from bot.platforms.admission import Admission


async def hold(admission: Admission, results: list[bool], release: asyncio.Event) -> None:
    async with admission.turn() as admitted:
        results.append(admitted)
        await release.wait()


async def test_requests_within_the_limit_are_admitted_and_the_next_waits_for_a_turn() -> None:
    admission = Admission(2, queue=5, wait=5.0)
    results: list[bool] = []
    release = asyncio.Event()
    holders = [asyncio.create_task(hold(admission, results, release)) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert results == [True, True] and admission.waiting == 1 and admission.answering == 2
    release.set()
    await asyncio.gather(*holders)
    assert results == [True, True, True] and admission.answering == 0


async def test_a_request_that_finds_the_queue_full_is_turned_away_at_once() -> None:
    admission = Admission(1, queue=1, wait=5.0)
    release = asyncio.Event()
    results: list[bool] = []
    holders = [asyncio.create_task(hold(admission, results, release)) for _ in range(2)]
    await asyncio.sleep(0.05)
    async with admission.turn() as admitted:
        assert not admitted
    release.set()
    await asyncio.gather(*holders)
    assert results == [True, True]


async def test_a_request_that_waited_too_long_is_turned_away() -> None:
    admission = Admission(1, wait=0.05)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(admission, [], release))
    await asyncio.sleep(0.01)
    async with admission.turn() as admitted:
        assert not admitted
    assert admission.waiting == 0
    release.set()
    await holder
    async with admission.turn() as admitted:
        assert admitted


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Admission(0)
