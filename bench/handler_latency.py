"""Latency of every briefing command through the router, on one core.

    .venv/bin/python bench/handler_latency.py [--rounds N]

Prints p50 and p99 per command and whether p99 stays under the 1 ms target.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import statistics
import time

from content.loader import load_all
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.router import answer

QUERIES = [
    "/start", "/help", "/summary", "/who", "/who lavrov", "/who Turkish foreign minister", "/who Лавров",
    "/who Lavorv", "/who Zelensky", "/who vladimir", "/when", "/when announcement", "/countdown",
    "/timeline", "/where", "/where moscow", "/stakes", "/stakes sanctions", "/source", "/source lavrov",
    "who is Medinsky?", "when are the talks?", "where?", "tell me about Turkey", "the weather in Oslo",
    "/summry", "/who " + "x" * 10_000,
]
TARGET_P99_MS = 1.0


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def measure(rounds: int) -> list[tuple[str, float, float]]:
    briefing = load_all()[0]
    ctx = Context(FixedClock(dt.datetime(2025, 5, 31, 9, 0, tzinfo=dt.UTC)))
    rows = []
    for text in QUERIES:
        for _ in range(50):  # warm caches (deck index, regexes)
            await answer(briefing, text, ctx)
        samples = []
        gc.disable()
        for _ in range(rounds):
            start = time.perf_counter()
            await answer(briefing, text, ctx)
            samples.append((time.perf_counter() - start) * 1000)
        gc.enable()
        rows.append((text, percentile(samples, 50), percentile(samples, 99)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rows = asyncio.run(measure(parser.parse_args().rounds))
    print(f"{'command':<34} {'p50 ms':>8} {'p99 ms':>8}")
    for text, p50, p99 in rows:
        shown = text if len(text) <= 32 else text[:29] + "..."
        print(f"{shown:<34} {p50:>8.3f} {p99:>8.3f}")
    worst = max(rows, key=lambda r: r[2])
    verdict = "meets" if worst[2] < TARGET_P99_MS else "MISSES"
    print(f"\nworst p99: {worst[2]:.3f} ms ({worst[0][:32]}); {verdict} the {TARGET_P99_MS} ms target "
          f"(ratio {worst[2] / TARGET_P99_MS:.2f})")


if __name__ == "__main__":
    main()
