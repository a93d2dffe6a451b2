"""Each update Telegram sends is answered once, however many times it is posted."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from bot.platforms.service import BriefingService
from bot.platforms.telegram import TelegramAdapter
from tests.bot.platforms.telegram.conftest import make_adapter
from tests.fakes.telegram_api import FakeTelegram, User


@dataclass
class Hooked:
    """The adapter in webhook mode, behind a route that can fail (after handing the update over)."""

    adapter: TelegramAdapter
    tg: FakeTelegram
    failing: list[int] = field(default_factory=list)  # statuses for the next calls, then the adapter's
    late: list[float] = field(default_factory=list)  # seconds the next answers are held back


@pytest.fixture
async def hooked(fake_telegram: FakeTelegram, service: BriefingService) -> AsyncIterator[Hooked]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    adapter = make_adapter(service, fake_telegram, webhook_url=f"http://127.0.0.1:{sock.getsockname()[1]}/hook")
    hooked = Hooked(adapter, fake_telegram)
    [route] = adapter.http_routes()

    async def flaky(request: web.Request) -> web.StreamResponse:
        answer = await route.handler(request)
        if hooked.late:
            await asyncio.sleep(hooked.late.pop(0))
        return web.Response(status=hooked.failing.pop(0)) if hooked.failing else answer

    app = web.Application()
    app.add_routes([web.post("/hook", flaky)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await adapter.start()
    try:
        yield hooked
    finally:
        await adapter.stop()
        await runner.cleanup()


async def quiet_moment(tg: FakeTelegram) -> None:
    """Let every queued post reach the bot, and a second answer come if one were coming."""
    await tg.wait_until(lambda: tg.pending_updates == 0, what="every update posted")
    await asyncio.sleep(0.3)


async def test_an_update_posted_twice_is_answered_once(hooked: Hooked, reader: User) -> None:
    tg = hooked.tg
    tg.send_text(reader, "/who lavrov")
    [answer] = await tg.wait_for_messages(reader.id, 1)
    update_id = tg.webhook_deliveries[0][0]
    tg.redeliver(update_id)
    await quiet_moment(tg)
    assert [u for u, status in tg.webhook_deliveries] == [update_id, update_id]  # both acked with 200
    assert tg.messages_in(reader.id) == [answer]


async def test_a_webhook_call_that_failed_is_posted_again_and_answered_once(hooked: Hooked, reader: User) -> None:
    tg = hooked.tg
    hooked.failing = [502]  # the update reached the bot, but Telegram saw an error
    tg.send_text(reader, "/when")
    await quiet_moment(tg)
    assert tg.webhook_posts == 2 and [s for _, s in tg.webhook_deliveries] == [200]
    [answer] = tg.messages_in(reader.id)
    assert answer.text.startswith("Second round")


async def test_a_duplicate_in_one_polled_batch_is_answered_once(fake_telegram: FakeTelegram,
                                                                service: BriefingService, reader: User) -> None:
    tg = fake_telegram
    tg.send_text(reader, "/who fidan")
    tg.redeliver(max(tg.sent_updates))  # queued twice before the bot polls
    adapter = make_adapter(service, tg)
    await adapter.start()
    try:
        [answer] = await tg.wait_for_messages(reader.id, 1)
        await quiet_moment(tg)
    finally:
        await adapter.stop()
    assert tg.messages_in(reader.id) == [answer] and answer.text.startswith("Hakan Fidan")


async def test_a_webhook_call_answered_too_late_is_posted_again_and_answered_once(hooked: Hooked,
                                                                                 reader: User) -> None:
    tg = hooked.tg
    tg.webhook_timeout, hooked.late = 0.2, [0.5]
    tg.send_text(reader, "/who lavrov")
    await quiet_moment(tg)
    assert tg.webhook_posts == 2
    [answer] = tg.messages_in(reader.id)
    assert answer.text.startswith("Sergey Lavrov")
