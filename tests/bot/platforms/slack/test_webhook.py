"""The `/slack/events` route: the signature first, then the body, read as Slack writes it."""

from __future__ import annotations

import aiohttp

from tests.bot.platforms.slack.conftest import Bot


async def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


async def test_a_command_that_mentions_payload_is_answered(http_bot: Bot) -> None:
    """Bolt reads any form body containing "payload" as an interaction, and this one as nothing."""
    [message] = await http_bot.ask("who lavrov payload")
    assert message.header() is not None


async def test_the_signature_is_checked_before_the_body_is_read(http_bot: Bot) -> None:
    status, text = await post(http_bot.events_url, b"{not json", {"Content-Type": "application/json"})
    assert (status, text) == (401, '{"error": "invalid request"}')


async def test_a_signed_body_that_is_not_utf8_is_a_400_naming_the_problem(http_bot: Bot) -> None:
    body = b'{"type": "event_callback", "event": {"text": "\xff"}}'
    headers = {"Content-Type": "application/json", **http_bot.slack.sign(body)}
    assert await post(http_bot.events_url, body, headers) == (400, "malformed request: the body is not valid UTF-8")


async def test_a_signed_json_array_is_a_400(http_bot: Bot) -> None:
    body = b'[{"type": "event_callback"}]'
    headers = {"Content-Type": "application/json", **http_bot.slack.sign(body)}
    assert await post(http_bot.events_url, body, headers) == (400, "malformed request: the body is not a JSON object")
