"""Finding a post that timed out: the post's key in its metadata, the history read back as Slack pages it.

The fake Slack's history is pinned here too (other tests rely on it), through the real slack_sdk client.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.base import DestinationGone, Sent
from bot.platforms.slack import history
from handlers.context import ChatRef
from tests.fakes.slack_api import FakeSlack, manifest_scopes

CHANNEL = ChatRef("slack", "C0GENERAL", kind="channel")


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)


def since() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def post(client: AsyncWebClient, text: str, key: str | None = None, part: int = 1, parts: int = 1,
               channel: str = "C0GENERAL", thread: str | None = None) -> str:
    meta = history.metadata(key, part, parts) if key else None
    answer = await client.chat_postMessage(channel=channel, text=text, metadata=meta, thread_ts=thread)
    return str(answer["ts"])


async def refusal(call: Any) -> str:
    with pytest.raises(SlackApiError) as refused:
        await call
    return str(refused.value.response["error"])


async def test_the_fake_pages_the_history_newest_first_with_metadata_only_when_asked(
        slack: FakeSlack, client: AsyncWebClient) -> None:
    stamps = [await post(client, f"m{n}", key=f"1:k{n}") for n in range(5)]
    first = await client.conversations_history(channel="C0GENERAL", limit=2, include_all_metadata=True)
    assert [m["ts"] for m in first["messages"]] == stamps[:-3:-1] and first["has_more"]
    assert first["messages"][0]["metadata"] == history.metadata("1:k4", 1, 1)
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_history(channel="C0GENERAL", limit=10, cursor=cursor)
    assert [m["ts"] for m in rest["messages"]] == stamps[2::-1] and not rest["has_more"]
    assert all("metadata" not in m for m in rest["messages"])
    newer = await client.conversations_history(channel="C0GENERAL", oldest=stamps[3])
    assert [m["ts"] for m in newer["messages"]] == [stamps[4]]
    assert await refusal(client.conversations_history(channel="C0GENERAL", cursor="nope")) == "invalid_cursor"


async def test_the_fake_refuses_history_as_slack_does(slack: FakeSlack, client: AsyncWebClient) -> None:
    assert await refusal(client.conversations_history(channel="C0NOWHERE")) == "channel_not_found"
    slack.channel("C0OUTSIDE", member=False)
    assert await refusal(client.conversations_history(channel="C0OUTSIDE")) == "not_in_channel"
    slack.scopes = manifest_scopes() - {"groups:history"}
    slack.channel("G0PRIVATE")
    assert await refusal(client.conversations_history(channel="G0PRIVATE")) == "missing_scope"
    assert (await client.conversations_history(channel="C0GENERAL"))["ok"]


async def test_a_post_is_found_by_its_key_among_others(slack: FakeSlack, client: AsyncWebClient) -> None:
    start = since()
    await post(client, "someone else's")
    ts = await post(client, "the reminder", key="7:event:D-1")
    await post(client, "another post", key="8:event:D-1")
    assert await history.arrived(client, CHANNEL, "7:event:D-1", start) == Sent(CHANNEL, (ts,))
    assert await history.arrived(client, CHANNEL, "9:event:D-1", start) is False


async def test_a_post_is_found_pages_back(slack: FakeSlack, client: AsyncWebClient,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "PAGE", 3)
    start = since()
    ts = await post(client, "the reminder", key="7:k")
    for n in range(7):
        await post(client, f"chatter {n}")
    assert await history.arrived(client, CHANNEL, "7:k", start) == Sent(CHANNEL, (ts,))
    assert len(slack.calls_to("conversations.history")) == 3
    monkeypatch.setattr(history, "MAX_PAGES", 2)  # a channel too busy to read back: cannot tell
    assert await history.arrived(client, CHANNEL, "7:k", start) is None


async def test_a_post_of_several_messages_arrived_only_when_every_part_did(client: AsyncWebClient) -> None:
    start = since()
    first = await post(client, "part 1", key="7:k", part=1, parts=2)
    assert await history.arrived(client, CHANNEL, "7:k", start) is False
    second = await post(client, "part 2", key="7:k", part=2, parts=2)
    assert await history.arrived(client, CHANNEL, "7:k", start) == Sent(CHANNEL, (first, second))


async def test_a_post_in_a_thread_is_looked_for_among_its_replies(slack: FakeSlack, client: AsyncWebClient) -> None:
    start = since()
    parent = await post(client, "the thread")
    ts = await post(client, "the reminder", key="7:k", thread=parent)
    topic = ChatRef("slack", "C0GENERAL", parent, kind="channel")
    assert await history.arrived(client, topic, "7:k", start) == Sent(topic, (ts,))
    assert await history.arrived(client, CHANNEL, "7:k", start) is False  # replies are not in the history
    assert slack.calls_to("conversations.replies")[0].args["ts"] == parent


async def test_what_the_bot_cannot_read_is_cannot_tell_and_a_vanished_channel_is_gone(
        slack: FakeSlack, client: AsyncWebClient) -> None:
    start = since()
    slack.channel("C0OUTSIDE", member=False)
    assert await history.arrived(client, ChatRef("slack", "C0OUTSIDE"), "7:k", start) is None
    slack.scopes = manifest_scopes() - {"channels:history"}
    assert await history.arrived(client, CHANNEL, "7:k", start) is None
    slack.remove_channel("C0GONE")
    with pytest.raises(DestinationGone, match="channel_not_found"):
        await history.arrived(client, ChatRef("slack", "C0GONE"), "7:k", start)
