"""What serving many stories costs: answers beside one story, reloads, and memory per story.

    .venv/bin/python -m bench.stories [--rounds N]

The four decks of the test newsroom (Istanbul, and three drafted from the fictional articles)
are copied under other ids up to 100 stories. For 1, 4, 20 and 100 stories it prints p50/p99
of BriefingService.answer over commands, plain questions and questions naming another story's
person (so every other story is looked through), and each as a ratio to one story, measured
side by side in one run. Then the time of a reload of the four decks' folder with nothing
changed and with one deck changed, and the memory each story's answer index takes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.platforms.service import BriefingService
from content.library import Library
from content.loader import Briefing
from handlers.answers.index import answer_index
from handlers.clock import FixedClock
from handlers.context import ChatRef
from tests.newsroom import ISTANBUL, REYKJAVIK, SUMMIT_MOVES, Newsroom, draft_newsroom

CHAT = ChatRef("console", "bench")
NOW = FixedClock(dt.datetime(2025, 5, 31, 9, 0, tzinfo=dt.UTC))
TEXTS = {
    "command": ["/when", "/who lavrov", "/timeline", "/stories"],
    "question": ["who is Medinsky?", "when are the talks?", "what would a failure of the talks mean?"],
    "other story": ["who is Per Brandt?", "when is the vote in Portland?", "/who karlsson"],
}
SIZES = (1, 4, 20, 100)


def copies(briefings: tuple[Briefing, ...], count: int) -> list[Briefing]:
    """`count` stories: the given ones first, then copies of them under other ids."""
    found = list(briefings[:count])
    n = 0
    while len(found) < count:
        b = briefings[n % len(briefings)]
        deck = b.deck.model_copy(update={"id": f"{b.deck.id[:30]}-{n}"})
        found.append(Briefing(deck, b.seed, b.article))
        n += 1
    return found


def ordered(library: Library) -> tuple[Briefing, ...]:
    """Istanbul first (the story a new chat follows before the talks), then the others."""
    first = library.stories.get(ISTANBUL)
    assert first is not None
    return (first, *(b for b in library.stories.briefings if b is not first))


async def latency(service: BriefingService, texts: list[str], rounds: int) -> tuple[float, float]:
    for text in texts:
        for _ in range(20):  # build the indexes, warm the caches
            await service.answer(text, CHAT)
    samples = []
    gc.disable()
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            await service.answer(text, CHAT)
            samples.append((time.perf_counter() - start) * 1000)
    gc.enable()
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


async def answers(library: Library, rounds: int) -> None:
    base = ordered(library)
    print(f"{'stories':>7} {'kind':<12} {'p50 ms':>8} {'p99 ms':>8} {'p50 ×1':>7} {'p99 ×1':>7}")
    one: dict[str, tuple[float, float]] = {}
    for size in SIZES:
        service = BriefingService(Library.of(*copies(base, size)), NOW)
        for kind, texts in TEXTS.items():
            p50, p99 = await latency(service, texts, rounds)
            one.setdefault(kind, (p50, p99))
            print(f"{size:>7} {kind:<12} {p50:>8.3f} {p99:>8.3f} {p50 / one[kind][0]:>7.2f} "
                  f"{p99 / one[kind][1]:>7.2f}")
    print()


def reloads(room: Newsroom) -> None:
    library = room.library()
    start = time.perf_counter()
    library.reload()
    unchanged = time.perf_counter() - start
    room.update_article(REYKJAVIK, SUMMIT_MOVES)
    start = time.perf_counter()
    changed = library.reload()
    one_changed = time.perf_counter() - start
    assert changed.ids("changed") == [REYKJAVIK]
    print(f"reload of {len(library.stories)} decks: nothing changed {unchanged * 1000:.1f} ms, "
          f"one deck changed {one_changed * 1000:.1f} ms")


def memory(library: Library) -> None:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for b in library.stories.briefings:
        answer_index(b)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per = (after - before) / len(library.stories) / 1024
    print(f"answer indexes of {len(library.stories)} stories: {(after - before) / 1024:.0f} KiB, "
          f"{per:.0f} KiB a story")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        room = draft_newsroom(Path(folder))
        memory(room.library())
        asyncio.run(answers(room.library(), rounds))
        reloads(room)


if __name__ == "__main__":
    main()
