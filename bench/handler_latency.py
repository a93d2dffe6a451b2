"""Latency of every briefing command through the router, on one core.

    .venv/bin/python bench/handler_latency.py [--rounds N]

Prints p50 and p99 per command and per plain question, and whether p99 stays under the targets:
1 ms for commands, 3 ms for questions (answered from the deck's answer index).
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
    "/summry", "/who " + "x" * 10_000,
]
QUESTIONS = [
    "who is Medinsky?", "when are the talks?", "where?", "tell me about Turkey", "the weather in Oslo",
    "who proposed the second round?", "what was Trump's position on sanctions?",
    "what was the purpose of Fidan's trip?", "what would a failure of the talks mean?",
    "/who presidential aide", "has a ceasefire been agreed?", "who is Turkey's president?",
    "кто возглавляет делегацию?", "хто подякував Туреччині?", "какова позиция США по санкциям?",
    "when was the proposal made?", "where did Fidan meet Lavrov?",
    "how many people died in the war?", "wat was the purpos of fidans visit", "is turkey hosting the talks",
    "what does Zelensky think about the memorandum and the sanctions and the talks " * 5,
]
TARGET_P99_MS = 1.0
QUESTION_TARGET_P99_MS = 3.0


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def measure(rounds: int, texts: list[str]) -> list[tuple[str, float, float]]:
    briefing = load_all()[0]
    ctx = Context(FixedClock(dt.datetime(2025, 5, 31, 9, 0, tzinfo=dt.UTC)))
    rows = []
    for text in texts:
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


def table(title: str, rows: list[tuple[str, float, float]], target: float) -> None:
    print(f"{title:<34} {'p50 ms':>8} {'p99 ms':>8}")
    for text, p50, p99 in rows:
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 32 else shown[:29] + "..."
        print(f"{shown:<34} {p50:>8.3f} {p99:>8.3f}")
    worst = max(rows, key=lambda r: r[2])
    verdict = "meets" if worst[2] < target else "MISSES"
    name = " ".join(worst[0].split())[:32]
    print(f"worst p99: {worst[2]:.3f} ms ({name}); {verdict} the {target} ms target "
          f"(ratio {worst[2] / target:.2f})\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    table("command", asyncio.run(measure(rounds, QUERIES)), TARGET_P99_MS)
    table("plain question", asyncio.run(measure(rounds, QUESTIONS)), QUESTION_TARGET_P99_MS)


if __name__ == "__main__":
    main()
