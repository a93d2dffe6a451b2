"""HTTP mode: only requests Slack signed reach the app; everything else gets 401 and nothing more."""

from __future__ import annotations

import time

import pytest

from tests.bot.platforms.slack.conftest import Asked, Bot
from tests.fakes.slack_api import Delivery, FakeSlack

STALE = 5 * 60 + 30  # Slack's window is five minutes either way


def deliveries(slack: FakeSlack) -> dict[str, Delivery]:
    """One of each kind Slack sends to the request URL."""
    card = slack.messages[-1] if slack.messages else None
    return {
        "slash command": slack.slash_command("who lavrov"),
        "event": slack.app_mention("who lavrov"),
        "block action": slack.button_press({"action_id": "followup_1", "text": {"type": "plain_text",
                                            "text": "Fidan"}, "value": "who fidan"}, message=card),
        "url_verification": slack.url_verification("challenge-token"),
    }


async def test_url_verification_answers_the_challenge(http_bot: Bot) -> None:
    answer = await http_bot.slack.deliver(http_bot.events_url, http_bot.slack.url_verification("3eZbrw1aBm2rZgRNFdxV"))
    assert answer.status == 200
    assert answer.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


@pytest.mark.parametrize("kind", ["slash command", "event", "block action", "url_verification"])
@pytest.mark.parametrize("forgery", ["unsigned", "wrong secret", "stale", "from the future", "tampered body",
                                     "signature of another timestamp"])
async def test_requests_slack_did_not_sign_get_401_and_reach_no_handler(
        http_bot: Bot, asked: Asked, kind: str, forgery: str) -> None:
    slack = http_bot.slack
    delivery = deliveries(slack)[kind]
    before = list(slack.calls)
    now = int(time.time())
    if forgery == "unsigned":
        answer = await slack.deliver(http_bot.events_url, delivery, signed=False)
    elif forgery == "wrong secret":
        answer = await slack.deliver(http_bot.events_url, delivery, secret="not-the-signing-secret")
    elif forgery == "stale":
        answer = await slack.deliver(http_bot.events_url, delivery, timestamp=now - STALE)
    elif forgery == "from the future":
        answer = await slack.deliver(http_bot.events_url, delivery, timestamp=now + STALE)
    elif forgery == "tampered body":
        body, _ = delivery.http_body()
        signed_for_other = slack.sign(body + b"&tampered=1")  # the signature of another body
        answer = await slack.deliver(http_bot.events_url, delivery, headers=signed_for_other)
    else:
        body, _ = delivery.http_body()
        headers = slack.sign(body, now - 10)
        headers["X-Slack-Request-Timestamp"] = str(now)
        answer = await slack.deliver(http_bot.events_url, delivery, headers=headers)
    assert answer.status == 401
    assert "challenge" not in answer.text
    await http_bot.settle()
    assert asked.texts == []
    assert slack.calls == before  # no reply, no auth.test, nothing


async def test_a_signed_request_is_answered_after_forged_ones(http_bot: Bot, asked: Asked) -> None:
    slack = http_bot.slack
    forged = await slack.deliver(http_bot.events_url, slack.slash_command("who lavrov"), secret="guess")
    assert forged.status == 401
    [message] = await http_bot.ask("who lavrov")
    assert message.header() == "Sergey Lavrov"
    assert asked.texts == ["who lavrov"]


async def test_a_timestamp_within_five_minutes_is_accepted(http_bot: Bot) -> None:
    delivery = http_bot.slack.slash_command("when")
    answer = await http_bot.slack.deliver(http_bot.events_url, delivery, timestamp=int(time.time()) - 240)
    assert answer.status == 200
    await http_bot.slack.wait_for_calls("response_url")
    await http_bot.settle()


async def test_socket_mode_exposes_no_http_route(socket_bot: Bot) -> None:
    assert socket_bot.adapter.http_routes() == []
