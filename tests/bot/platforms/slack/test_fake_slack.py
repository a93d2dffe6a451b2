"""The fake Slack, through the real slack_sdk clients: it refuses what Slack refuses, as Slack does.

Other tests (scheduler, runtime) rely on it, so its own behaviour is pinned here.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.kit import Failure, RateLimit, server_error, too_many_requests
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)


async def refusal(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as refused:
        await call
    data: dict[str, Any] = refused.value.response.data
    return data


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_tokens_are_checked_like_slack(slack: FakeSlack) -> None:
    assert (await refusal(AsyncWebClient(base_url=slack.base_url).auth_test()))["error"] == "not_authed"
    wrong = AsyncWebClient(token="xoxb-not-this-one", base_url=slack.base_url)
    assert (await refusal(wrong.auth_test()))["error"] == "invalid_auth"
    app_level = AsyncWebClient(token=slack.app_token, base_url=slack.base_url)
    assert (await refusal(app_level.auth_test()))["error"] == "not_allowed_token_type"
    bot = AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)
    assert (await refusal(bot.apps_connections_open(app_token=slack.bot_token)))["error"] == \
        "not_allowed_token_type"
    assert (await bot.auth_test())["user_id"] == slack.bot_user_id


async def test_block_kit_limits_come_back_as_slacks_invalid_blocks(client: AsyncWebClient) -> None:
    too_many = await refusal(client.chat_postMessage(channel="C0GENERAL", text="t",
                                                     blocks=[section("x")] * 51))
    assert too_many["error"] == "invalid_blocks"
    assert too_many["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert too_many["response_metadata"]["messages"] == ["[ERROR] no more than 50 items allowed "
                                                         "[json-pointer:/blocks]"]
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}] * 11}
    bad = await refusal(client.chat_postMessage(channel="C0GENERAL", text="t",
                                                blocks=[section("s" * 3001), header, fields]))
    assert bad["errors"] == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        "must be less than 151 characters [json-pointer:/blocks/1/text/text]",
        "no more than 10 items allowed [json-pointer:/blocks/2/fields]",
        *(f"must be less than 2001 characters [json-pointer:/blocks/2/fields/{i}/text]" for i in range(11)),
    ]


async def test_message_size_limits(client: AsyncWebClient) -> None:
    assert (await refusal(client.chat_postMessage(channel="C0GENERAL", text="x" * 40_001)))["error"] == \
        "msg_too_long"
    big = [section("y" * 2900)] * 5
    assert (await refusal(client.chat_postMessage(channel="C0GENERAL", text="t", blocks=big)))["error"] == \
        "msg_blocks_too_long"
    empty = client.api_call("chat.postMessage", json={"channel": "C0GENERAL"})  # the SDK warns of it
    assert (await refusal(empty))["error"] == "no_text"


async def test_chat_update_and_delete(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0GENERAL", text="first")
    updated = await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="second")
    assert updated["ts"] == posted["ts"] and updated["message"]["text"] == "second"
    assert [m.text for m in slack.messages_in("C0GENERAL")] == ["second"]
    assert (await refusal(client.chat_update(channel="C0GENERAL", ts="1.2", text="x")))["error"] == \
        "message_not_found"
    await client.chat_delete(channel="C0GENERAL", ts=posted["ts"])
    assert slack.messages_in("C0GENERAL") == []


async def test_channels_and_conversations_info(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.channel("C0OLD", name="old", archived=True)
    info = await client.conversations_info(channel="C0OLD")
    assert info["channel"]["is_archived"] is True and info["channel"]["name"] == "old"
    assert (await refusal(client.conversations_info(channel="C0NONE")))["error"] == "channel_not_found"
    assert (await refusal(client.chat_postMessage(channel="C0OLD", text="x")))["error"] == "is_archived"
    posted = await client.chat_postMessage(channel="U0READER", text="hello")
    assert posted["channel"] == slack.dm_channel("U0READER")


async def test_views_publish_refuses_bad_views_with_invalid_arguments(slack: FakeSlack,
                                                                     client: AsyncWebClient) -> None:
    view = {"type": "home", "blocks": [section("x")] * 101}
    refused = await refusal(client.views_publish(user_id="U0READER", view=view))
    assert refused["error"] == "invalid_arguments"
    assert refused["response_metadata"]["messages"] == ["[ERROR] no more than 100 items allowed "
                                                        "[json-pointer:/view/blocks]"]
    published = await client.views_publish(user_id="U0READER", view={"type": "home", "blocks": [section("x")]})
    assert published["view"]["type"] == "home" and slack.views["U0READER"]["blocks"] == [section("x")]


async def test_failure_switches(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.fail("chat.postMessage", too_many_requests(7))
    limited = await refusal(client.chat_postMessage(channel="C0GENERAL", text="x"))
    assert limited == {"ok": False, "error": "ratelimited"}
    assert slack.calls[-1].status == 429
    slack.fail("auth.test", server_error(503))
    with pytest.raises(SlackApiError) as outage:
        await client.auth_test()
    assert outage.value.response.status_code == 503
    slack.fail("chat.postMessage", Failure(200, "account_inactive"), times=None)
    for _ in range(2):
        assert (await refusal(client.chat_postMessage(channel="C0GENERAL", text="x")))["error"] == \
            "account_inactive"
    slack.clear_failures()
    assert (await client.chat_postMessage(channel="C0GENERAL", text="x"))["ok"]
    assert (await refusal(client.api_call("no.such.method")))["error"] == "unknown_method"


async def test_posts_beyond_the_rate_limit_get_429_with_retry_after(slack: FakeSlack,
                                                                    client: AsyncWebClient) -> None:
    slack.rate_limit = RateLimit(2, 60.0)
    for text in ("one", "two"):
        await client.chat_postMessage(channel="C0GENERAL", text=text)
    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="C0GENERAL", text="three")
    assert limited.value.response.status_code == 429 and limited.value.response.data["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "60" and slack.rate_limited == 1
    assert (await client.auth_test())["ok"]  # only posts count
    assert [m.text for m in slack.messages_in("C0GENERAL")] == ["one", "two"]


async def test_response_urls_answer_like_hooks_slack_com(slack: FakeSlack) -> None:
    url = slack.response_url("C0GENERAL", "U0READER")
    ok = await AsyncWebhookClient(url).send_dict({"text": "hi", "response_type": "in_channel"})
    assert (ok.status_code, ok.body) == (200, "ok")
    bad = await AsyncWebhookClient(url).send_dict({"text": "t", "blocks": [section("")]})
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")
    gone = await AsyncWebhookClient(f"{slack.url}/commands/T0FAKETEAM/9999/x").send_dict({"text": "t"})
    assert (gone.status_code, gone.body) == (404, "no_service")
    [message] = slack.messages_in("C0GENERAL")
    assert message.text == "hi" and message.ephemeral_to is None


async def test_requests_not_acked_in_time_are_retried_with_slacks_retry_headers(slack: FakeSlack) -> None:
    """Slack's Events API dispatcher: three retries at most, each signed afresh and numbered."""
    seen: list[dict[str, str]] = []

    async def app(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if len(seen) == 1:
            await asyncio.sleep(0.5)  # past the ack timeout
        return web.Response(status=500 if len(seen) == 2 else 200)

    runner = web.AppRunner(web.Application(), handle_signals=False)
    runner.app.router.add_post("/slack/events", app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        outcomes = await slack.dispatch(url, slack.app_mention("hi"), ack_timeout=0.2, retry_delays=(0, 0, 0))
    finally:
        await runner.cleanup()
    assert [o if isinstance(o, str) else o.status for o in outcomes] == ["http_timeout", 500, 200]
    assert "X-Slack-Retry-Num" not in seen[0]
    assert [(h["X-Slack-Retry-Num"], h["X-Slack-Retry-Reason"]) for h in seen[1:]] == [
        ("1", "http_timeout"), ("2", "http_error")]
    assert all(h["X-Slack-Signature"].startswith("v0=") for h in seen)


async def test_socket_mode_envelopes_not_acked_are_sent_again(slack: FakeSlack) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(slack.socket.issue_url()) as ws:
        assert (await ws.receive_json())["type"] == "hello"

        async def app() -> list[dict[str, Any]]:
            envelopes = [await ws.receive_json() for _ in range(2)]  # the first is left unacked
            await ws.send_json({"envelope_id": envelopes[1]["envelope_id"]})
            return envelopes

        receiving = asyncio.create_task(app())
        ack = await slack.socket.send(slack.app_mention("hi"), within=0.3, retries=2)
        first, retry = await receiving
    assert ack["envelope_id"] == retry["envelope_id"] != first["envelope_id"]
    assert (first["retry_attempt"], retry["retry_attempt"], retry["retry_reason"]) == (0, 1, "timeout")
    assert first["payload"]["event_id"] == retry["payload"]["event_id"]
