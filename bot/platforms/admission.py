"""How many readers' requests a process answers at once, and what the others hear.

Under a burst, answering everyone late is worse than answering most at once and telling the
rest to ask again: a request waits at most `wait` seconds for one of `limit` turns, at most
`queue` requests wait at all, and the others are turned away at once (the platform code tells
the reader, briefly, that the bot is busy). The database pool is sized to `limit`, so no turn
waits for a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

LIMIT = 32
QUEUE_FACTOR = 8  # requests that may wait, per turn
WAIT = 3.0


class Admission:
    def __init__(self, limit: int = LIMIT, *, queue: int | None = None, wait: float = WAIT) -> None:
        if limit < 1:
            raise ValueError("at least one request must be answered at a time")
        self.limit = limit
        self.queue = QUEUE_FACTOR * limit if queue is None else queue
        self.wait = wait
        self.waiting = 0
        self.answering = 0
        self._turns = asyncio.Semaphore(limit)

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[bool]:
        """Hold a turn for the block: yields True, or False when the request must be turned away."""
        admitted = await self._enter()
        self.answering += admitted
        try:
            yield admitted
        finally:
            if admitted:
                self.answering -= 1
                self._turns.release()

    async def _enter(self) -> bool:
        if self._turns.locked() and self.waiting >= self.queue:
            return False
        self.waiting += 1
        try:
            async with asyncio.timeout(self.wait):
                await self._turns.acquire()
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        return True
