"""Socket Mode: connecting with the app-level token, acking every envelope, reconnecting, stopping."""

from __future__ import annotations

import asyncio

import pytest

from bot.platforms.service import BriefingService
from handlers.context import ChatRef
from handlers.reply import Reply
from tests.bot.platforms.slack.conftest import Bot, make_adapter
from tests.fakes.slack_api import FakeSlack


async def test_start_opens_a_connection_with_the_app_token(socket_bot: Bot) -> None:
    slack = socket_bot.slack
    assert [c.method for c in slack.calls] == ["auth.test", "apps.connections.open"]
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == slack.app_token and opened.answer["url"].startswith("ws://127.0.0.1:")
    assert slack.socket.connections == 1 and slack.socket.connected
    assert socket_bot.adapter.ready and socket_bot.adapter.mode == "socket"
    await socket_bot.adapter.start()  # started already: nothing more
    assert slack.socket.connections == 1 and len(slack.calls) == 2


@pytest.mark.parametrize("kind", ["slash command", "event", "block action"])
async def test_every_envelope_is_acked_with_its_id(socket_bot: Bot, kind: str) -> None:
    slack = socket_bot.slack
    delivery = {
        "slash command": slack.slash_command("when"),
        "event": slack.app_mention("when"),
        "block action": slack.button_press({"action_id": "followup_1", "value": "when",
                                            "text": {"type": "plain_text", "text": "When"}}),
    }[kind]
    ack = await slack.socket.send(delivery)  # fails the test if no ack comes within 3 s
    [envelope] = slack.socket.sent
    assert ack == {"envelope_id": envelope["envelope_id"]}  # an empty ack: the answer follows apart
    await slack.wait_for_messages("C0GENERAL")
    await socket_bot.settle()


async def test_after_slack_asks_to_reconnect_the_app_still_answers(socket_bot: Bot) -> None:
    slack = socket_bot.slack
    await slack.socket.disconnect("refresh_requested")
    await slack.wait_for_calls("apps.connections.open", 2)
    await slack.socket.wait_connected(2)
    [message] = await socket_bot.ask("who lavrov")
    assert message.header() == "Sergey Lavrov"
    assert socket_bot.adapter.ready


async def test_stop_closes_the_connection(service: BriefingService, slack: FakeSlack) -> None:
    adapter = make_adapter(service, slack, socket=True)
    await adapter.start()
    await slack.socket.wait_connected()
    await adapter.stop()
    await slack.socket.wait_disconnected()
    assert not adapter.ready
    with pytest.raises(AssertionError, match="no Socket Mode connection"):
        await slack.socket.send(slack.app_mention("when"))


async def test_stop_lets_an_answer_under_way_finish(service: BriefingService, slack: FakeSlack,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = make_adapter(service, slack, socket=True)
    await adapter.start()
    await slack.socket.wait_connected()
    answer, started, release = service.answer, asyncio.Event(), asyncio.Event()

    async def slow(text: str, chat: ChatRef, **kwargs: object) -> Reply | None:
        started.set()
        await release.wait()
        return await answer(text, chat, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "answer", slow)
    await slack.socket.send(slack.app_mention("who lavrov"))
    await started.wait()
    stopping = asyncio.create_task(adapter.stop())
    await asyncio.sleep(0)
    assert not stopping.done() and not adapter.ready
    release.set()
    await stopping
    [message] = slack.messages_in("C0GENERAL")
    assert message.header() == "Sergey Lavrov"
