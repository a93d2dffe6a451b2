"""The Slack app under test, reachable as Slack reaches it: over HTTP (signed) or Socket Mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.platforms.service import BriefingService
from bot.platforms.slack import EVENTS_PATH, SlackAdapter
from handlers.context import ChatRef
from tests.fakes.chat_events import RecordedEvents
from tests.fakes.slack_api import Answer, Delivery, FakeSlack, Message


@dataclass
class Asked:
    """What reached BriefingService.answer: the texts, the chats and the permissions passed."""

    texts: list[str] = field(default_factory=list)
    calls: list[tuple[str, ChatRef, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Bot:
    """The running adapter and the fake Slack it talks to."""

    adapter: SlackAdapter
    slack: FakeSlack
    mode: str
    events_url: str = ""

    async def deliver(self, delivery: Delivery) -> Answer:
        """Send `delivery` as Slack would in this mode: a signed POST, or a Socket Mode envelope."""
        if self.mode == "http":
            return await self.slack.deliver(self.events_url, delivery)
        ack = await self.slack.socket.send(delivery)
        return Answer(200, str(ack.get("payload", "")), "application/json")

    async def ask(self, text: str, *, channel: str = "C0GENERAL", user: str = "U0READER") -> list[Message]:
        """`/briefing text`: the messages that came back (through the response URL)."""
        return await self.answers(self.slack.slash_command(text, channel=channel, user=user), channel)

    async def answers(self, delivery: Delivery, channel: str) -> list[Message]:
        """Deliver, then the new messages in `channel` once the adapter finished answering."""
        seen = len(self.slack.messages_in(channel))
        answer = await self.deliver(delivery)
        assert answer.status == 200, answer
        await self.slack.wait_for_messages(channel, seen + 1)
        await self.settle()
        return self.slack.messages_in(channel)[seen:]

    async def settle(self) -> None:
        """Wait until the adapter finished answering what it was sent."""
        assert await self.adapter.readers.drain(5.0)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def events() -> RecordedEvents:
    return RecordedEvents()


@pytest.fixture
def asked(service: BriefingService, monkeypatch: pytest.MonkeyPatch) -> Asked:
    """Records every call the adapter makes to service.answer (and still answers)."""
    record = Asked()
    answer = service.answer

    async def spy(text: str, chat: ChatRef, **kwargs: Any) -> Any:
        record.texts.append(text)
        record.calls.append((text, chat, kwargs))
        return await answer(text, chat, **kwargs)

    monkeypatch.setattr(service, "answer", spy)
    return record


def make_adapter(service: BriefingService, slack: FakeSlack, *, socket: bool = False,
                 **kwargs: Any) -> SlackAdapter:
    return SlackAdapter(service, bot_token=slack.bot_token, signing_secret=slack.signing_secret,
                        app_token=slack.app_token if socket else None, base_url=slack.base_url,
                        connect_timeout=5.0, drain_timeout=5.0, **kwargs)


async def serve_http(adapter: SlackAdapter) -> tuple[web.AppRunner, str]:
    """A tiny aiohttp app of our own mounting the adapter's routes, on 127.0.0.1 port 0."""
    app = web.Application()
    app.add_routes(adapter.http_routes())
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}{EVENTS_PATH}"


@pytest.fixture
async def http_bot(service: BriefingService, slack: FakeSlack, events: RecordedEvents) -> AsyncIterator[Bot]:
    adapter = make_adapter(service, slack, events=events)
    runner, url = await serve_http(adapter)
    await adapter.start()
    yield Bot(adapter, slack, "http", url)
    await adapter.stop()
    await runner.cleanup()


@pytest.fixture
async def socket_bot(service: BriefingService, slack: FakeSlack, events: RecordedEvents) -> AsyncIterator[Bot]:
    adapter = make_adapter(service, slack, socket=True, events=events)
    await adapter.start()
    await slack.socket.wait_connected()
    yield Bot(adapter, slack, "socket")
    await adapter.stop()


@pytest.fixture(params=["http", "socket"])
def bot(request: pytest.FixtureRequest) -> Bot:
    """The app in each mode: every scenario using this fixture runs over HTTP and Socket Mode."""
    fixture: Bot = request.getfixturevalue(f"{request.param}_bot")
    return fixture
