"""Each request Slack sends is answered once: its retries and a replay of it are acked, not answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.platforms.slack import EVENTS_PATH, SlackAdapter
from tests.bot.platforms.slack.conftest import Bot
from tests.fakes.slack_api import Answer


async def test_a_retried_event_gets_one_post_in_the_channel(bot: Bot) -> None:
    mention = bot.slack.app_mention("who lavrov")
    first = await bot.deliver(mention)
    if bot.mode == "http":  # what Slack sends when it thinks the first copy went unacknowledged
        retries = [await bot.slack.deliver(bot.events_url, mention, headers={
            "X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}) for n in (1, 2)]
    else:
        retries = [await bot.deliver(mention) for _ in range(2)]  # new envelopes, the same event
    assert [a.status for a in (first, *retries)] == [200, 200, 200]  # every copy acked
    await bot.slack.wait_for_messages("C0GENERAL", 1)
    await asyncio.sleep(0.3)  # time for a second post, if one were coming
    await bot.settle()
    [post] = bot.slack.messages_in("C0GENERAL")
    assert post.header() == "Sergey Lavrov"


async def test_a_replayed_command_is_answered_once(bot: Bot) -> None:
    command = bot.slack.slash_command("who lavrov")
    answers = [await bot.deliver(command) for _ in range(5)]
    assert {a.status for a in answers} == {200}
    await bot.slack.wait_for_calls("response_url")
    await asyncio.sleep(0.3)
    await bot.settle()
    assert len(bot.slack.calls_to("response_url")) == 1


async def test_a_signed_request_replayed_a_hundred_times_is_answered_once(http_bot: Bot) -> None:
    slack = http_bot.slack
    body, content_type = slack.slash_command("who lavrov").http_body()
    headers = {"Content-Type": content_type, **slack.sign(body)}  # captured once, sent again and again
    async with aiohttp.ClientSession() as session:
        async def post() -> int:
            async with session.post(http_bot.events_url, data=body, headers=headers) as response:
                return response.status

        statuses = [await post() for _ in range(101)]
    assert set(statuses) == {200}
    await slack.wait_for_calls("response_url")
    await asyncio.sleep(0.3)
    await http_bot.settle()
    [answer] = slack.calls_to("response_url")
    assert answer.ok


async def test_two_different_commands_are_both_answered(bot: Bot) -> None:
    first = await bot.ask("who lavrov")
    second = await bot.ask("who lavrov")  # the same words, a new request: a new trigger_id
    assert first[0].header() == second[0].header() == "Sergey Lavrov"


@pytest.fixture
async def late_acks(http_bot: Bot) -> AsyncIterator[str]:
    """The adapter's route behind one that answers the first request too late for Slack."""
    adapter: SlackAdapter = http_bot.adapter
    assert adapter.webhook is not None
    handle, seen = adapter.webhook.handle, []

    async def route(request: web.Request) -> web.StreamResponse:
        response = await handle(request)
        seen.append(request)
        if len(seen) == 1:
            await asyncio.sleep(0.5)
        return response

    app = web.Application()
    app.add_routes([web.post(EVENTS_PATH, route)])
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}{EVENTS_PATH}"
    await runner.cleanup()


async def test_slack_retries_an_event_acked_too_late_and_it_is_answered_once(
        http_bot: Bot, late_acks: str) -> None:
    slack = http_bot.slack
    outcomes = await slack.dispatch(late_acks, slack.app_mention("who is Fidan?"), ack_timeout=0.3,
                                    retry_delays=(0.0, 0.0, 0.0))
    assert outcomes[0] == "http_timeout"
    assert isinstance(outcomes[1], Answer) and outcomes[1].status == 200  # the first retry got its ack
    await slack.wait_for_messages("C0GENERAL", 1)
    await asyncio.sleep(0.6)
    await http_bot.settle()
    [post] = slack.messages_in("C0GENERAL")
    assert post.header() == "Hakan Fidan"
