"""The database goes down under a real `briefing-bot run`: readers still get the briefing.

PostgreSQL is reached through a proxy the test cuts, as a failed database server or network
would. Questions the deck answers are answered (dates in the default zone); commands that
need the chat's settings say they are unavailable for a moment; the log says so once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.process.conftest import CHANNEL, READER
from tests.bot.process.process import BotProcess, launch
from tests.bot.process.test_inbound import public_env
from tests.bot.store.postgres import Server
from tests.fakes.slack_api import FakeSlack
from tests.fakes.tcp_proxy import TcpProxy
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.postgres
UNAVAILABLE = "Settings are unavailable for a moment"


@pytest.fixture
async def proxy(pg_server: Server) -> AsyncIterator[TcpProxy]:
    async with TcpProxy(pg_server.port) as running:
        yield running


async def ask(telegram: FakeTelegram, text: str) -> str:
    seen = len(telegram.messages_in(READER))
    telegram.send_text(telegram.user(READER, "Ada"), text)
    messages = await telegram.wait_for_messages(READER, seen + 1, within=15)
    return messages[seen].text


async def test_with_the_database_down_the_deck_still_answers_and_settings_wait(
        tmp_path: Path, pg_server: Server, proxy: TcpProxy, telegram: FakeTelegram, slack: FakeSlack,
        processes: list[BotProcess]) -> None:
    database = (await pg_server.create_database()).replace(f":{pg_server.port}/", f":{proxy.port}/")
    bot = await launch(processes, public_env(tmp_path, telegram, slack, DATABASE_URL=database))
    base = await bot.ready()
    assert (await ask(telegram, "/timezone Asia/Tokyo")).startswith("Timezone set")

    proxy.cut()
    assert (await ask(telegram, "/who lavrov")).startswith("Sergey Lavrov")
    when = await ask(telegram, "/when")
    assert when.startswith("Second round") and "Asia/Tokyo" not in when  # the default zone
    for command in ("/subscribe", "/timezone Europe/Kyiv", "/daily 08:00", "/unsubscribe", "/settings"):
        assert (await ask(telegram, command)).startswith(UNAVAILABLE), command
    answer = await slack.deliver(f"{base}/slack/events", slack.slash_command("who fidan", channel=CHANNEL))
    assert answer.status == 200
    [reply] = await slack.wait_for_calls("response_url", within=15)
    assert "Hakan Fidan" in json.dumps(reply.args)
    outages = [e for e in bot.log if e.get("message", "").startswith("database unavailable")]
    assert len(outages) == 1
    assert not any("Sorry, something went wrong" in m.text for m in telegram.messages_in(READER))

    proxy.restore()
    assert (await ask(telegram, "/subscribe")).startswith("Subscribed")
