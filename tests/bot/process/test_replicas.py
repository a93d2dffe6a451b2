"""Two replicas as compose's `replicas` profile runs them: Telegram webhooks, Slack HTTP mode, one
PostgreSQL database. Both serve readers; each planned post reaches its chat once.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest

from bot.platforms.telegram.adapter import SECRET_HEADER, derived_secret
from bot.store import open_store
from tests.bot.process.conftest import CHANNEL, D_MINUS_1, MARGIN, READER
from tests.bot.process.process import BotProcess, bot_env, get_json, launch
from tests.bot.store.postgres import Server
from tests.fakes.kit import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.postgres


@pytest.fixture
async def database(pg_server: Server) -> str:
    return await pg_server.create_database()


def replica(name: str, tmp_path: Path, database: str, telegram: FakeTelegram, slack: FakeSlack,
            port: int) -> dict[str, str]:
    return bot_env(tmp_path / name, DATABASE_URL=database, BRIEFING_REPLICA=name, BRIEFING_PORT=str(port),
                   TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url,
                   TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
                   SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET=slack.signing_secret,
                   SLACK_API_BASE_URL=slack.base_url, BRIEFING_NOW=(D_MINUS_1 - MARGIN).isoformat())


async def test_two_replicas_serve_readers_and_send_each_reminder_once(
        tmp_path: Path, database: str, telegram: FakeTelegram, slack: FakeSlack,
        processes: list[BotProcess]) -> None:
    ports = free_port(), free_port()
    bots = [await launch(processes, replica(f"replica-{n}", tmp_path, database, telegram, slack, port))
            for n, port in enumerate(ports)]
    bases = await asyncio.gather(*(bot.ready() for bot in bots))
    for base in bases:
        status, body = await get_json(f"{base}/readyz")
        assert (status, body["failing"]) == (200, [])
    assert telegram.webhook_url is not None  # whichever replica set it last: both serve the route

    telegram.send_text(telegram.user(READER, "Ada"), "/subscribe")
    [subscribed] = await telegram.wait_for_messages(READER, 1, within=10)
    assert subscribed.text.startswith("Subscribed")
    answer = await slack.deliver(f"{bases[1]}/slack/events", slack.slash_command("subscribe", channel=CHANNEL))
    assert answer.status == 200
    [confirmed] = await slack.wait_for_messages(CHANNEL, 1, within=10)
    assert "Subscribed" in confirmed.text

    # Both replicas plan both reminders; the ledger lets one of them send each.
    reminders = await telegram.wait_for_messages(READER, 2, within=MARGIN.total_seconds() + 15)
    assert reminders[1].text.startswith("Reminder: ")
    await slack.wait_for_calls("chat.postMessage", 1, within=10)
    await asyncio.sleep(2)  # time for a second copy, if one were coming
    assert len(telegram.messages_in(READER)) == 2
    assert len([c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]) == 1

    for bot in bots:
        bot.signal(signal.SIGTERM)
    assert [await bot.wait(within=15) for bot in bots] == [0, 0]
    store = await open_store(database)
    try:
        assert await store.ledger.counts() == {"sent": 2}
        senders = {e.owner for e in await store.ledger.history()}
    finally:
        await store.close()
    assert senders <= {"replica-0", "replica-1"}


async def test_a_delivery_posted_to_both_replicas_is_answered_once(
        tmp_path: Path, database: str, telegram: FakeTelegram, slack: FakeSlack,
        processes: list[BotProcess]) -> None:
    ports = free_port(), free_port()
    bots = [await launch(processes, replica(f"replica-{n}", tmp_path, database, telegram, slack, port))
            for n, port in enumerate(ports)]
    bases = await asyncio.gather(*(bot.ready() for bot in bots))

    # Telegram posts an update again (to whichever replica the balancer picks) when it saw no 200.
    update = {"update_id": 5001, "message": {
        "message_id": 1, "date": 0, "chat": {"id": READER, "type": "private", "first_name": "Ada"},
        "from": {"id": READER, "is_bot": False, "first_name": "Ada"}, "text": "/subscribe",
        "entities": [{"type": "bot_command", "offset": 0, "length": 10}]}}
    telegram.user(READER, "Ada")
    headers = {SECRET_HEADER: derived_secret(telegram.token)}
    async with aiohttp.ClientSession() as session:
        async def post(base: str) -> int:
            async with session.post(f"{base}/telegram/webhook", json=update, headers=headers) as response:
                return response.status

        assert await asyncio.gather(*(post(base) for base in [*bases, *bases])) == [200] * 4
    # Slack retries an event, and a signed command is replayed, at both replicas.
    mention, command = slack.app_mention("who lavrov", channel=CHANNEL), slack.slash_command("subscribe")
    answers = await asyncio.gather(*(slack.deliver(f"{base}/slack/events", delivery)
                                     for delivery in (mention, command) for base in [*bases, *bases]))
    assert {a.status for a in answers} == {200}

    [confirmed] = await telegram.wait_for_messages(READER, 1, within=10)
    await slack.wait_for_messages(CHANNEL, 1, within=10)
    await slack.wait_for_calls("response_url", 1, within=10)
    await asyncio.sleep(2)  # time for a second copy, if one were coming
    assert confirmed.text.startswith("Subscribed") and len(telegram.messages_in(READER)) == 1
    assert [m.header() for m in slack.messages_in(CHANNEL) if m.via == "chat.postMessage"] == ["Sergey Lavrov"]
    assert len(slack.calls_to("response_url")) == 1
    for bot in bots:
        bot.signal(signal.SIGTERM)
    assert [await bot.wait(within=15) for bot in bots] == [0, 0]
