"""How fast the Slack adapter answers, against the fake Slack on 127.0.0.1.

    .venv/bin/python -m bench.slack_roundtrip [--rounds N]

Prints p50 and p99 of: rendering each command's reply as Block Kit; a signed `/briefing`
request until its ack (Slack wants it within 3 s) and until the answer reached the response
URL, in HTTP mode and in Socket Mode.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import statistics
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.platforms.service import BriefingService
from bot.platforms.slack import EVENTS_PATH, SlackAdapter, render
from content.loader import load_all
from handlers.clock import FixedClock
from handlers.context import CONSOLE_CHAT
from handlers.registry import REGISTRY
from tests.fakes.slack_api import FakeSlack

NOW = dt.datetime.fromisoformat("2025-05-31T12:00+03:00")
ACK_BUDGET_MS = 3000.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def row(name: str, samples: list[float]) -> None:
    p50, p99 = percentiles(samples)
    print(f"{name:<44} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms")


async def timed(rounds: int, step: Callable[[], Awaitable[float | None]]) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        marked = await step()
        samples.append(((marked or time.perf_counter()) - start) * 1000)
    return samples


async def render_times(service: BriefingService, rounds: int) -> list[float]:
    replies = [await service.answer(c.name, CONSOLE_CHAT) for c in REGISTRY]
    samples = []
    for _ in range(rounds):
        for reply in replies:
            assert reply is not None
            start = time.perf_counter()
            render(reply, share="who lavrov", hint=REGISTRY.usage_hint("/briefing"))
            samples.append((time.perf_counter() - start) * 1000)
    return samples


async def roundtrips(service: BriefingService, rounds: int, socket: bool) -> tuple[list[float], list[float]]:
    acks: list[float] = []
    async with FakeSlack() as slack:
        adapter = SlackAdapter(service, bot_token=slack.bot_token, signing_secret=slack.signing_secret,
                               app_token=slack.app_token if socket else None, base_url=slack.base_url)
        app = web.Application()
        app.add_routes(adapter.http_routes())
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}{EVENTS_PATH}"
        await adapter.start()

        async def ask() -> float:
            seen = len(slack.calls_to("response_url"))
            start = time.perf_counter()
            if socket:
                await slack.socket.send(slack.slash_command("who lavrov"))
            else:
                await slack.deliver(url, slack.slash_command("who lavrov"))
            acks.append((time.perf_counter() - start) * 1000)
            await slack.wait_for_calls("response_url", seen + 1)
            return time.perf_counter()

        await timed(20, ask)  # warm up
        acks.clear()
        answers = await timed(rounds, ask)
        await adapter.stop()
        await runner.cleanup()
    return acks, answers


async def main(rounds: int) -> None:
    logging.disable(logging.WARNING)
    service = BriefingService(load_all()[0], FixedClock(NOW))
    row("render a reply as Block Kit", await render_times(service, rounds))
    for mode, socket in (("HTTP", False), ("Socket Mode", True)):
        acks, answers = await roundtrips(service, rounds, socket)
        row(f"{mode}: /briefing until acked", acks)
        row(f"{mode}: /briefing until answered", answers)
        print(f"{'':<44} ack p99 within Slack's 3 s: {percentiles(acks)[1] < ACK_BUDGET_MS}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=200)
    asyncio.run(main(parser.parse_args().rounds))
