"""5,000 hostile texts through each platform's real HTTP path: no crash, no refused reply, no live markup.

The adapters run behind the process's own HttpServer (its middlewares and limits included):
Telegram's fake posts each update to the webhook, Slack's fake signs each `/briefing` command
and posts it to `/slack/events`. What came back is checked as each platform would take it:
Telegram's HTML parser, Slack's Block Kit limits; a reply either refused is a "rejected reply".
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from telegram.ext import AIORateLimiter

from bot.platforms.service import BriefingService
from bot.platforms.slack import EVENTS_PATH
from bot.process.http import HttpServer, build_app
from bot.process.metrics import Metrics
from handlers import messages
from handlers.router import for_another_bot
from tests.bot.platforms.hostile_texts import hostile_texts
from tests.bot.platforms.slack.conftest import make_adapter as make_slack_adapter
from tests.bot.platforms.telegram.conftest import make_adapter as make_telegram_adapter
from tests.fakes.kit import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

COUNT = 5_000
CHANNELS = 50
ALLOWED_ENTITIES = {"bold", "italic", "blockquote"}  # what the bot's own HTML produces


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as tg:
        yield tg


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def served() -> AsyncIterator[list[HttpServer]]:
    servers: list[HttpServer] = []
    yield servers
    for server in servers:
        await server.stop()


async def serve(servers: list[HttpServer], routes: list[Any], port: int = 0) -> str:
    server = HttpServer(build_app(Metrics(), {}, routes), host="127.0.0.1", port=port)
    await server.start()
    servers.append(server)
    return f"http://127.0.0.1:{server.port}"


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


async def test_five_thousand_hostile_texts_through_the_telegram_webhook(
        fake_telegram: FakeTelegram, service: BriefingService, served: list[HttpServer],
        caplog: pytest.LogCaptureFixture) -> None:
    tg = fake_telegram
    port = free_port()
    adapter = make_telegram_adapter(service, tg, webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
                                    rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0))
    await serve(served, adapter.http_routes(), port)
    await adapter.start()
    texts = hostile_texts(COUNT)
    readers = [tg.user(100_000 + n, f"Reader{n}") for n in range(COUNT)]  # one private chat per text
    # "/when@channel …" is addressed to a bot called "channel": rightly not answered.
    expected = [not for_another_bot(t, tg.bot.username) for t in texts]
    try:
        for reader, text in zip(readers, texts, strict=True):
            tg.send_text(reader, text)
        await tg.wait_until(lambda: tg.pending_updates == 0, within=300, what="every update posted")
        await tg.wait_until(lambda: all(tg.messages_in(r.id) for r, e in zip(readers, expected, strict=True) if e),
                            within=300, what="an answer to every text for this bot")
        await asyncio.sleep(0.5)
    finally:
        await adapter.stop()
    sends = tg.calls_to("sendMessage")
    statuses = Counter(c.status for c in sends)
    answers = [m for r in readers for m in tg.messages_in(r.id)]
    markup = Counter(e["type"] for m in answers for e in m.entities)
    apologies = sum(m.text.startswith(messages.APOLOGY_TITLE) for m in answers)
    print(f"\nTelegram: {COUNT} hostile texts ({expected.count(False)} for another bot), {len(sends)} replies "
          f"{dict(statuses)}, entities {dict(markup)}, apologies {apologies}")
    assert {status for _, status in tg.webhook_deliveries} == {200}  # no 4xx, no 500: nothing crashed
    assert failures(caplog) == [] and apologies == 0
    assert set(statuses) == {200}  # Telegram took every reply as sent: none fell back to plain text
    assert set(markup) <= ALLOWED_ENTITIES  # no reader's tag came alive
    assert [bool(tg.messages_in(r.id)) for r in readers] == expected


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every mrkdwn text inside blocks (plain_text shows `<` as it is; mrkdwn would parse it)."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for inner in value.values():
            yield from mrkdwn_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from mrkdwn_texts(inner)


async def test_five_thousand_hostile_texts_through_slack_s_signed_request_url(
        slack: FakeSlack, service: BriefingService, served: list[HttpServer],
        caplog: pytest.LogCaptureFixture) -> None:
    adapter = make_slack_adapter(service, slack)
    url = f"{await serve(served, adapter.http_routes())}{EVENTS_PATH}"
    await adapter.start()
    texts = hostile_texts(COUNT)
    statuses: Counter[int] = Counter()
    try:
        async with aiohttp.ClientSession() as session:
            async def post(n: int, text: str) -> None:
                command = slack.slash_command(text, channel=f"C{n % CHANNELS:05d}", user=f"U{n:06d}")
                body, content_type = command.http_body()
                headers = {"Content-Type": content_type, **slack.sign(body)}
                async with session.post(url, data=body, headers=headers) as response:
                    statuses[response.status] += 1

            for start in range(0, COUNT, 25):
                await asyncio.gather(*(post(n, texts[n]) for n in range(start, min(start + 25, COUNT))))
        await slack.wait_until(lambda: len(slack.calls_to("response_url")) >= COUNT, within=300,
                               what="an answer to every command")
        assert await adapter.readers.drain(30)
    finally:
        await adapter.stop()
    replies = slack.calls_to("response_url")
    refused = [c for c in replies if c.status != 200]
    live = [t for c in replies for t in [str(c.args.get("text", "")), *mrkdwn_texts(c.args.get("blocks"))]
            if "<" in t or ">" in t]
    apologies = sum(str(c.args.get("text", "")).startswith(messages.APOLOGY_TITLE) for c in replies)
    print(f"\nSlack: {COUNT} hostile commands {dict(statuses)}, {len(replies)} replies, "
          f"{len(refused)} refused, {len(live)} with live markup, apologies {apologies}")
    assert statuses == Counter({200: COUNT})  # acked, none crashed
    assert failures(caplog) == [] and apologies == 0
    assert refused == []
    assert live == [], json.dumps(live[:3])
