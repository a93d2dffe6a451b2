"""Webhook mode: Telegram posts updates to our own aiohttp route, which checks the secret."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.platforms.service import BriefingService
from bot.platforms.telegram import TelegramAdapter
from bot.platforms.telegram.adapter import DEFAULT_WEBHOOK_PATH, SECRET_HEADER, derived_secret
from tests.bot.platforms.telegram.conftest import Bot, make_adapter
from tests.fakes.telegram_api import FakeTelegram, User


@dataclass
class Hooked:
    adapter: TelegramAdapter
    tg: FakeTelegram
    url: str


@pytest.fixture
async def hooked(fake_telegram: FakeTelegram, service: BriefingService) -> AsyncIterator[Hooked]:
    """The adapter in webhook mode, its route served the way the runtime serves it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/telegram/hook"
    adapter = make_adapter(service, fake_telegram, webhook_url=url)
    app = web.Application()
    app.add_routes(adapter.http_routes())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    await adapter.start()
    try:
        yield Hooked(adapter, fake_telegram, url)
    finally:
        await adapter.stop()
        await runner.cleanup()


def update(user: User, text: str, update_id: int = 9001) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": user.id, "type": "private", "first_name": "Ada"},
        "from": user.json(), "text": text, "entities": [{"type": "bot_command", "offset": 0, "length": 4}]}}


async def post(url: str, body: object, headers: dict[str, str] | None = None) -> int:
    async with aiohttp.ClientSession() as session, session.post(url, json=body, headers=headers or {}) as resp:
        return resp.status


async def test_start_registers_the_webhook_with_a_secret(hooked: Hooked) -> None:
    tg = hooked.tg
    [registered] = tg.calls_to("setWebhook")
    assert registered.args["url"] == hooked.url
    assert tg.webhook_secret == derived_secret(tg.token) != tg.token
    assert hooked.adapter.ready and tg.calls_to("getUpdates") == []


async def test_updates_telegram_posts_are_answered(hooked: Hooked, reader: User) -> None:
    tg = hooked.tg
    tg.send_text(reader, "/who lavrov")  # the fake posts it to the webhook, with the secret
    [answer] = await tg.wait_for_messages(reader.id, 1)
    assert answer.text.startswith("Sergey Lavrov")
    assert [status for _, status in tg.webhook_deliveries] == [200]


async def test_a_post_without_the_right_secret_is_refused_and_not_handled(hooked: Hooked, reader: User) -> None:
    secret = derived_secret(hooked.tg.token)
    assert await post(hooked.url, update(reader, "/who lavrov", 1)) == 403
    assert await post(hooked.url, update(reader, "/who lavrov", 2), {SECRET_HEADER: "guess"}) == 403
    assert await post(hooked.url, update(reader, "/who lavrov", 3), {SECRET_HEADER: secret + "x"}) == 403
    assert await post(hooked.url, update(reader, "/when", 4), {SECRET_HEADER: secret}) == 200
    [answer] = await hooked.tg.wait_for_messages(reader.id, 1)
    assert answer.text.startswith("Second round")  # the /when: none of the refused ones
    assert len(hooked.tg.calls_to("sendMessage")) == 1


async def test_a_body_that_is_not_an_update_is_a_400(hooked: Hooked) -> None:
    headers = {SECRET_HEADER: derived_secret(hooked.tg.token)}
    assert await post(hooked.url, ["not", "an", "update"], headers) == 400
    async with aiohttp.ClientSession() as session, session.post(hooked.url, data=b"{x", headers=headers) as resp:
        assert resp.status == 400


async def test_an_explicit_secret_is_used_as_given(fake_telegram: FakeTelegram, service: BriefingService) -> None:
    adapter = make_adapter(service, fake_telegram, webhook_url="https://bot.example.com/tg",
                           webhook_secret="shared-by-every-replica_1")
    await adapter.start()
    await adapter.stop()
    assert fake_telegram.webhook_secret == "shared-by-every-replica_1"
    assert [r.path for r in adapter.http_routes()] == ["/tg"]


def test_a_webhook_url_without_a_path_gets_the_default_route(service: BriefingService) -> None:
    adapter = TelegramAdapter(service, token="1:abcdefghijkl", webhook_url="https://bot.example.com")
    assert adapter.webhook_url == "https://bot.example.com" + DEFAULT_WEBHOOK_PATH
    assert adapter.webhook_path == DEFAULT_WEBHOOK_PATH


async def test_polling_mode_has_no_route(telegram: Bot) -> None:
    assert telegram.adapter.http_routes() == []
