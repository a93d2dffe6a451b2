"""Answering a reader, the same on every platform: a gone chat reported, a moved one followed."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pytest

from bot.platforms.answering import ChatReports, answer_reader
from bot.platforms.base import DeliveryError, DestinationGone, DestinationMoved, Rejected, Unavailable
from handlers.context import ChatRef
from handlers.reply import Reply, Section
from tests.fakes.chat_events import RecordedEvents

log = logging.getLogger("briefing.test")
ANSWER = Reply("Sergey Lavrov", (Section("Foreign Minister of Russia"),))
GROUP = ChatRef("telegram", "-100", "7", "group")


@dataclass
class Chats:
    """A platform whose chats refuse as told: chat id -> the error a delivery there raises."""

    refusals: dict[str, DeliveryError] = field(default_factory=dict)
    delivered: list[tuple[ChatRef, str]] = field(default_factory=list)

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        if chat.chat_id in self.refusals:
            raise self.refusals[chat.chat_id]
        self.delivered.append((chat, reply.title))

    async def plain(self, chat: ChatRef, reply: Reply) -> None:
        self.delivered.append((chat, "plain: " + reply.title))


class BrokenEvents:
    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        raise RuntimeError("the database is down")

    async def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        raise RuntimeError("the database is down")


async def test_an_answer_is_delivered_and_nothing_reported() -> None:
    chats, events = Chats(), RecordedEvents()
    await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(events, log))
    assert chats.delivered == [(GROUP, "Sergey Lavrov")]
    assert events.gone == [] and events.moved == []


async def test_a_chat_that_is_gone_is_reported_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    chats, events = Chats({"-100": DestinationGone("bot removed")}), RecordedEvents()
    await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(events, log))
    assert events.gone == [(GROUP, "bot removed")]
    assert "chat telegram:-100:7 gone: bot removed" in caplog.text


async def test_a_chat_that_moved_is_reported_and_answered_at_its_new_id() -> None:
    chats, events = Chats({"-100": DestinationMoved("upgraded", "-200")}), RecordedEvents()
    await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(events, log))
    assert events.moved == [(GROUP, "-200")]
    assert chats.delivered == [(ChatRef("telegram", "-200", None, "group"), "Sergey Lavrov")]


async def test_a_chat_that_moves_again_is_only_reported() -> None:
    chats = Chats({"-100": DestinationMoved("upgraded", "-200"), "-200": DestinationMoved("again", "-300")})
    events = RecordedEvents()
    await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(events, log))
    assert [new for _, new in events.moved] == ["-200", "-300"]
    assert chats.delivered == []


async def test_a_rejected_answer_goes_as_plain_text_where_the_platform_has_it() -> None:
    chats = Chats({"-100": Rejected("can't parse entities")})
    await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(None, log), plain=chats.plain)
    assert chats.delivered == [(GROUP, "plain: Sergey Lavrov")]


@pytest.mark.parametrize("refusal", [Rejected("invalid_blocks"), Unavailable("http_500")])
async def test_other_refusals_are_left_to_the_platform(refusal: DeliveryError) -> None:
    chats = Chats({"-100": refusal})
    with pytest.raises(type(refusal)):
        await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(RecordedEvents(), log))


async def test_a_failing_chat_event_is_logged_and_the_answer_still_follows_the_move(
        caplog: pytest.LogCaptureFixture) -> None:
    chats = Chats({"-100": DestinationMoved("upgraded", "-200"), "-300": DestinationGone("blocked")})
    reports = ChatReports(BrokenEvents(), log)
    await answer_reader(chats.deliver, GROUP, ANSWER, reports)
    await answer_reader(chats.deliver, ChatRef("telegram", "-300"), ANSWER, reports)
    assert chats.delivered == [(ChatRef("telegram", "-200", None, "group"), "Sergey Lavrov")]
    failures = [r.getMessage() for r in caplog.records if r.exc_info]
    assert failures == ["chat_moved failed for telegram:-100:7", "chat_gone failed for telegram:-300"]


async def test_without_chat_events_a_gone_chat_is_only_logged(caplog: pytest.LogCaptureFixture) -> None:
    chats = Chats({"-100": DestinationGone("bot blocked by the user")})
    await answer_reader(chats.deliver, GROUP, ANSWER, ChatReports(None, log))
    assert "gone: bot blocked by the user" in caplog.text
