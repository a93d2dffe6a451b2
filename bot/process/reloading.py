"""Reloading the decks while the bot serves: on SIGHUP, and when `briefing-bot reload` asks.

`briefing-bot reload` advances the decks generation in the database (bot/store/reloads.py);
every replica polls it every BRIEFING_RELOAD_POLL seconds and, when it grew, reads its own decks
folder again. A shared database reaches every replica, one that was down catches up when it
starts, and none depends on a file watcher seeing a shared volume change. SIGHUP reloads the one
process it is sent to. There is deliberately no watcher of the folder: publishing a deck is the
editor's decision, so a draft being written or reviewed in that folder is never served half-done.

Reading the folder runs in a worker thread (the library swaps its snapshot in one step), so
readers keep being answered meanwhile. Each reload's changes and refusals go to the log, and to
the listeners: the runtime's sends the corrections of moved events (bot/scheduling/corrections.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from content.library import DIGEST_SHOWN, Library, Reloaded

log = logging.getLogger("briefing.decks")

Listener = Callable[[Reloaded], Awaitable[None]]


class Generations(Protocol):
    """Where reload requests are counted (the store's `reloads`)."""

    async def generation(self) -> int: ...


def report(loaded: Reloaded, why: str, generation: int) -> None:
    """One line per change and per refused deck (with the check's problems), then a summary."""
    for change in loaded.changes:
        log.info("deck %s deck=%s", change.kind, change.deck)
    for refusal in loaded.refused:
        kept = f"; the version served before stays (deck {refusal.kept})" if refusal.kept else ""
        for problem in refusal.problems:
            log.error("deck refused file=%s: %s%s", refusal.file, problem, kept)
    stories = loaded.stories
    log.info("decks why=%s generation=%d served=%d refused=%d added=%d changed=%d removed=%d digest=%s",
             why, generation, len(stories), len(loaded.refused), len(loaded.ids("added")),
             len(loaded.ids("changed")), len(loaded.ids("removed")), stories.digest[:DIGEST_SHOWN])


class Reloader:
    """Reloads `library` when told to (SIGHUP) and when the decks generation grows."""

    def __init__(self, library: Library, generations: Generations | None, *, poll: float,
                 listeners: Sequence[Listener] = ()) -> None:
        self.library = library
        self.generations = generations
        self.poll = poll
        self.listeners = list(listeners)
        self.generation = 0  # the database's generation this process has loaded
        self._polling: asyncio.Task[None] | None = None
        self._reloads: set[asyncio.Task[Reloaded]] = set()

    async def start(self) -> None:
        """Take the current generation as loaded (the folder was just read) and start polling."""
        if self.generations is not None:
            self.generation = await self.generations.generation()
            self._polling = asyncio.create_task(self._poll(self.generations), name="decks-poll")

    async def reload(self, why: str) -> Reloaded:
        loaded = await asyncio.to_thread(self.library.reload)
        report(loaded, why, self.generation)
        for listener in self.listeners:
            try:
                await listener(loaded)
            except Exception:  # one failing listener must not stop the others, nor the poll
                log.exception("a listener of the decks reload failed")
        return loaded

    def hang_up(self) -> None:
        """SIGHUP: reload this process now."""
        task = asyncio.create_task(self.reload("SIGHUP"), name="decks-reload")
        self._reloads.add(task)
        task.add_done_callback(self._reloads.discard)

    async def _poll(self, generations: Generations) -> None:
        while True:
            await asyncio.sleep(self.poll)
            try:
                seen = await generations.generation()
                if seen > self.generation:
                    self.generation = seen
                    await self.reload("request")
            except Exception as exc:  # the database is away for a moment: look again next time
                log.warning("decks not reloaded error=%s: %s", type(exc).__name__, exc)

    async def stop(self) -> None:
        tasks = [t for t in (self._polling, *self._reloads) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
