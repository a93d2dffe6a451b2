"""Slack HTTP mode under a burst: signed `/briefing` commands at a steady rate against a real bot.

    .venv/bin/python -m bench.slack_load [--rate 250] [--seconds 20] [--postgres | --database URL]

Starts `briefing-bot run` (Slack in HTTP mode; SQLite in a fresh folder, a throwaway PostgreSQL
with --postgres, or the database at URL) against the fake Slack on 127.0.0.1, then sends signed
commands at `rate` a second for `seconds`, each from its own reader, without waiting for answers
(a burst of readers does not wait either).
Prints what the readers got at their response URL (answered, told to retry, apologised, nothing),
acks within Slack's 3 s, the time from command to answer (p50, p99), the bot's CPU a command, and
its memory before, at its peak and after (growth, and peak / before). Then the same load at a bot
without bounds (a thousand requests answered at once, each waiting up to a minute for its turn),
and the two side by side (--no-compare skips it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.bot.store.postgres import Server, bindir
from tests.fakes.slack_api import Delivery, FakeSlack

QUESTIONS = ("who lavrov", "when", "summary", "where istanbul", "who fidan", "stakes", "settings")
CHANNELS = 400
SETTINGS = ("BRIEFING_", "TELEGRAM_", "SLACK_", "DATABASE_URL", "LOG_")
ACK_BUDGET = 3.0
BUSY = "Busy right now"
APOLOGY = "Sorry, something went wrong"


class LoadSlack(FakeSlack):
    """The fake Slack, noting when each reader's first answer reached their response URL."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[str, tuple[float, str]] = {}  # reader -> (when, text)

    def _respond(self, where: dict[str, str], args: dict[str, Any]) -> web.Response:
        self.answers.setdefault(where["user"], (time.perf_counter(), str(args.get("text", ""))))
        return super()._respond(where, args)


@dataclass
class Load:
    sent: dict[str, float] = field(default_factory=dict)  # reader -> when the command left
    acks: dict[str, tuple[int, float]] = field(default_factory=dict)  # reader -> (status, seconds)


@dataclass
class Report:
    readers: int
    outcomes: Counter[str]
    acked_in_time: int
    p50: float
    p99: float
    rss_before: int
    rss_peak: int
    rss_after: int
    cpu: float  # seconds of CPU the bot used from the first command to the last answer

    @property
    def growth(self) -> int:
        return self.rss_peak - self.rss_before


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss(pid: int) -> int:
    """Resident memory of process `pid`, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


Child = asyncio.subprocess.Process


async def start_bot(slack: FakeSlack, data: Path, log: Path, **settings: str) -> tuple[Child, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS)}
    env.update({"SLACK_BOT_TOKEN": slack.bot_token, "SLACK_SIGNING_SECRET": slack.signing_secret,
                "SLACK_API_BASE_URL": slack.base_url, "BRIEFING_DATA_DIR": str(data),
                "BRIEFING_HOST": "127.0.0.1", "BRIEFING_PORT": str(port), "LOG_FORMAT": "json",
                "LOG_LEVEL": "INFO", **settings})
    with log.open("wb") as sink:
        child = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env,
                                                     stdin=asyncio.subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        for _ in range(600):
            if child.returncode is not None:
                raise RuntimeError(f"the bot exited with {child.returncode}; see {log}")
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return child, base
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not get ready within 60 s")


def command(slack: FakeSlack, n: int) -> tuple[str, Delivery]:
    reader = f"U{n:07d}"
    delivery = slack.slash_command(QUESTIONS[n % len(QUESTIONS)], channel=f"C{n % CHANNELS:06d}", user=reader)
    return reader, delivery


async def fire(url: str, slack: FakeSlack, rate: float, seconds: float, load: Load, first: int = 0) -> None:
    """Send `rate` commands a second for `seconds`, each on time whatever the earlier ones are doing."""
    total = int(rate * seconds)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def send(reader: str, delivery: Delivery) -> None:
            body, content_type = delivery.http_body()
            load.sent[reader] = started = time.perf_counter()
            try:
                headers = {"Content-Type": content_type, **slack.sign(body)}
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    load.acks[reader] = (response.status, time.perf_counter() - started)
            except (aiohttp.ClientError, TimeoutError):
                load.acks[reader] = (0, time.perf_counter() - started)

        tasks = []
        begin = time.perf_counter()
        for n in range(first, first + total):
            delay = begin + (n - first) / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(*command(slack, n))))
        await asyncio.gather(*tasks)


async def settle(slack: LoadSlack, load: Load, within: float) -> None:
    """Wait until every reader has an answer, or `within` seconds pass without a new one."""
    seen, quiet_since = -1, time.perf_counter()
    while time.perf_counter() - quiet_since < within:
        answered = sum(1 for reader in load.sent if reader in slack.answers)
        if answered == len(load.sent):
            return
        if answered != seen:
            seen, quiet_since = answered, time.perf_counter()
        await asyncio.sleep(0.2)


def outcome(slack: LoadSlack, load: Load, reader: str) -> str:
    if reader not in slack.answers:
        return "unacked" if load.acks.get(reader, (0, 0.0))[0] != 200 else "nothing"
    text = slack.answers[reader][1]
    return "busy" if text.startswith(BUSY) else "apology" if text.startswith(APOLOGY) else "answered"


def percentile(samples: list[float], share: float) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[round(share * 100) - 1]


async def run_load(rate: float, seconds: float, *, settings: dict[str, str] | None = None,
                   warmup: int = 50, settle_within: float = 30.0) -> Report:
    """Start a bot, warm it up, put it under load, and report what the readers got."""
    with tempfile.TemporaryDirectory() as folder:
        async with LoadSlack() as slack:
            where = Path(folder)
            child, base = await start_bot(slack, where / "data", where / "bot.log", **(settings or {}))
            try:
                url = f"{base}/slack/events"
                await fire(url, slack, rate=min(rate, 50), seconds=warmup / min(rate, 50), load=Load(),
                           first=10_000_000)
                await asyncio.sleep(1)
                load, peak = Load(), [rss(child.pid)]
                before, cpu = peak[0], cpu_seconds(child.pid)

                async def watch() -> None:
                    while True:
                        peak.append(rss(child.pid))
                        await asyncio.sleep(0.25)

                watcher = asyncio.create_task(watch())
                await fire(url, slack, rate, seconds, load)
                await settle(slack, load, settle_within)
                watcher.cancel()
                after, cpu = rss(child.pid), cpu_seconds(child.pid) - cpu
            finally:
                child.terminate()
                await asyncio.wait_for(child.wait(), 30)
    latencies = [slack.answers[r][0] - load.sent[r] for r in load.sent if r in slack.answers]
    in_time = sum(1 for status, took in load.acks.values() if status == 200 and took <= ACK_BUDGET)
    return Report(len(load.sent), Counter(outcome(slack, load, r) for r in load.sent), in_time,
                  percentile(latencies, 0.5), percentile(latencies, 0.99), before, max(peak), after, cpu)


def print_report(report: Report, rate: float, seconds: float) -> None:
    n = report.readers
    mb = 1024 * 1024
    print(f"{n} signed /briefing commands, {rate:g} a second for {seconds:g} s, each from its own reader")
    labels = {"answered": "answered", "busy": "told to retry (busy)", "apology": "apology",
              "nothing": "no answer", "unacked": "not acked"}
    for name, label in labels.items():
        print(f"  {label:<24} {report.outcomes[name]:6d}  {report.outcomes[name] / n:7.2%}")
    print(f"  acked within 3 s          {report.acked_in_time:6d}  {report.acked_in_time / n:7.2%}")
    print(f"command to answer: p50 {report.p50 * 1000:.0f} ms, p99 {report.p99 * 1000:.0f} ms")
    print(f"bot CPU: {report.cpu:.1f} s for {n} commands, {report.cpu / n * 1000:.2f} ms each "
          f"(capacity about {n / report.cpu:.0f} a second on one core)")
    print(f"bot memory: before {report.rss_before / mb:.1f} MB, peak {report.rss_peak / mb:.1f} MB, "
          f"after {report.rss_after / mb:.1f} MB; growth {report.growth / mb:+.1f} MB "
          f"(peak / before {report.rss_peak / report.rss_before:.2f})")


UNBOUNDED = {"BRIEFING_MAX_IN_FLIGHT": "1000", "BRIEFING_BUSY_AFTER": "60"}  # every request waits its turn


def print_comparison(bounded: Report, unbounded: Report) -> None:
    def share(r: Report) -> float:
        return r.outcomes["answered"] / r.readers

    print("side by side, the bot's bounds / no bounds (1000 at once, a minute's wait):")
    print(f"  answered {share(bounded):.0%} / {share(unbounded):.0%}; "
          f"p50 {bounded.p50 * 1000:.0f} / {unbounded.p50 * 1000:.0f} ms; "
          f"p99 {bounded.p99 * 1000:.0f} / {unbounded.p99 * 1000:.0f} ms "
          f"(ratio {bounded.p99 / unbounded.p99:.2f}); "
          f"memory growth {bounded.growth / 2**20:+.1f} / {unbounded.growth / 2**20:+.1f} MB")


async def run_both(rate: float, seconds: float, settings: dict[str, str], compare: bool) -> None:
    bounded = await run_load(rate, seconds, settings=settings)
    print("with the bot's bounds (BRIEFING_MAX_IN_FLIGHT, BRIEFING_BUSY_AFTER):")
    print_report(bounded, rate, seconds)
    if compare:
        unbounded = await run_load(rate, seconds, settings={**settings, **UNBOUNDED})
        print("\nwithout bounds:")
        print_report(unbounded, rate, seconds)
        print()
        print_comparison(bounded, unbounded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=250.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--database", help="DATABASE_URL (default: SQLite in a fresh folder)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    parser.add_argument("--in-flight", type=int, help="BRIEFING_MAX_IN_FLIGHT (default: the bot's)")
    parser.add_argument("--busy-after", type=float, help="BRIEFING_BUSY_AFTER (default: the bot's)")
    parser.add_argument("--no-compare", action="store_true", help="skip the run without bounds")
    args = parser.parse_args()
    settings = {"BRIEFING_MAX_IN_FLIGHT": str(args.in_flight)} if args.in_flight else {}
    if args.busy_after:
        settings["BRIEFING_BUSY_AFTER"] = str(args.busy_after)
    if args.database:
        settings["DATABASE_URL"] = args.database
    if not args.postgres:
        asyncio.run(run_both(args.rate, args.seconds, settings, not args.no_compare))
        return
    found = bindir()
    if found is None:
        raise SystemExit("no PostgreSQL binaries (pg_config --bindir)")
    server = Server(found)
    server.start()
    try:
        settings["DATABASE_URL"] = asyncio.run(server.create_database())
        print("database: PostgreSQL (max_connections 100)")
        asyncio.run(run_both(args.rate, args.seconds, settings, not args.no_compare))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
