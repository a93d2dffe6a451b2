"""BriefingService: the one door every adapter uses."""

from __future__ import annotations

import logging

import pytest

from bot.platforms.service import BriefingService
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef, ChatSettings, SubscriptionSummary
from handlers.registry import REGISTRY, Query, command

CHAT = ChatRef("telegram", "42")


class Settings:
    """A chat service that only knows each chat's zone."""

    def __init__(self, zones: dict[str, str]) -> None:
        self.zones = zones

    async def settings(self, chat: ChatRef) -> ChatSettings:
        return ChatSettings(timezone=self.zones.get(chat.key))

    async def timezone(self, chat: ChatRef) -> str | None:
        return self.zones.get(chat.key)

    async def story(self, chat: ChatRef) -> str | None:
        return None

    async def subscriptions(self, platform: str) -> list[SubscriptionSummary]:
        return []


async def test_answers_and_logs_one_line(service: BriefingService, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[tuple[str, str]] = []
    service.observers.append(lambda chat, cmd, outcome, seconds: seen.append((cmd, outcome)))
    with caplog.at_level(logging.INFO, logger="briefing.commands"):
        reply = await service.answer("/who lavrov", CHAT)
    assert reply is not None and reply.title == "Sergey Lavrov"
    assert seen == [("who", "card")]
    assert "command platform=telegram chat=telegram:42 command=who outcome=card" in caplog.text


async def test_remembers_the_last_topic_per_chat(service: BriefingService) -> None:
    await service.answer("/who fidan", CHAT)
    await service.answer("/who trump", ChatRef("telegram", "43"))
    reply = await service.answer("/source", CHAT)
    assert reply is not None and reply.title == "Source: Hakan Fidan"


async def test_uses_the_chats_own_zone(briefing: Briefing, clock: FixedClock) -> None:
    service = BriefingService(briefing, clock, chats=Settings({CHAT.key: "America/Los_Angeles"}))
    mine = await service.answer("/when", CHAT)
    other = await service.answer("/when", ChatRef("telegram", "7"))
    assert mine is not None and "America/Los_Angeles" in mine.plain_text()
    assert other is not None and "America/Los_Angeles" not in other.plain_text()


async def test_a_message_for_another_bot_is_ignored(service: BriefingService) -> None:
    assert await service.answer("/who@OtherBot lavrov", CHAT, bot_username="BriefingBot") is None


@pytest.fixture
def explode(monkeypatch: pytest.MonkeyPatch) -> None:
    """`/explode`: a command whose handler fails, registered for one test."""
    def explode(b: Briefing, q: Query, ctx: object) -> None:
        raise RuntimeError("deck on fire")

    monkeypatch.setattr(REGISTRY, "_commands", dict(REGISTRY._commands))
    command("explode", "A command that fails")(explode)  # type: ignore[arg-type]


@pytest.mark.usefixtures("explode")
async def test_a_failing_handler_gets_an_apology_not_a_traceback(
    service: BriefingService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        reply = await service.answer("/explode", CHAT)
    assert reply is not None
    assert reply.title == "Sorry, something went wrong"
    assert "deck on fire" not in reply.plain_text()
    assert "deck on fire" in caplog.text  # the traceback went to the log
    again = await service.answer("/who lavrov", CHAT)
    assert again is not None and again.title == "Sergey Lavrov"


# --- cards offered while a reader types (Telegram's inline mode) -----------------------------------


async def test_cards_offered_while_typing_are_not_counted_as_commands(
        service: BriefingService, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    service.observers.append(lambda chat, cmd, outcome, seconds: seen.append(cmd))
    with caplog.at_level(logging.INFO, logger="briefing.commands"):
        for typed in ("l", "la", "lav", "lavr", "lavrov"):
            await service.cards(typed, CHAT)
    assert seen == [] and "command platform=" not in caplog.text
    reply = await service.answer("/source", CHAT)  # no card offered became the chat's topic
    assert reply is not None and reply.title != "Source: Sergey Lavrov"


async def test_the_cards_a_name_calls_up_come_once_each(service: BriefingService) -> None:
    offered = await service.cards("lavrov", CHAT)
    assert [(command, reply.title) for command, reply in offered] == [("lavrov", "Sergey Lavrov")]


async def test_nothing_typed_offers_the_overview(service: BriefingService) -> None:
    titles = [reply.title for _, reply in await service.cards("  ", CHAT)]
    assert titles[1:] == ["Second round of Russia-Ukraine talks in Istanbul", "People in this briefing", "Timeline"]


async def test_cards_are_shown_in_the_chats_own_zone(briefing: Briefing, clock: FixedClock) -> None:
    service = BriefingService(briefing, clock, chats=Settings({CHAT.key: "America/Los_Angeles"}))
    [(_, when)] = [offer for offer in await service.cards("when", CHAT) if offer[0] == "when"]
    assert "America/Los_Angeles" in when.plain_text()


@pytest.mark.usefixtures("explode")
async def test_a_card_whose_handler_fails_is_left_out_and_logged(
    service: BriefingService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        assert await service.cards("/explode", CHAT) == []
    assert "command failed platform=telegram chat=telegram:42 command=explode" in caplog.text
    assert "deck on fire" in caplog.text
class Book:
    """An in-memory QuestionBook."""

    def __init__(self) -> None:
        self.kept: list[tuple[str, str, str]] = []

    async def record(self, deck: str, text: str, platform: str, at: object) -> None:
        self.kept.append((deck, text, platform))


async def test_questions_it_cannot_answer_are_kept_and_counted(briefing: Briefing, clock: FixedClock) -> None:
    book, counted = Book(), []
    service = BriefingService(briefing, clock, unanswered=book,
                              question_observers=(lambda chat, answered: counted.append(answered),))
    await service.answer("has a ceasefire been agreed?", CHAT)
    await service.answer("who proposed the second round?", CHAT)
    await service.answer("/who Zelensky", CHAT)
    await service.answer("/when", CHAT)  # a command answered: no question to count
    assert book.kept == [("istanbul-talks-2025", "has a ceasefire been agreed?", "telegram"),
                         ("istanbul-talks-2025", "/who Zelensky", "telegram")]
    assert counted == [False, True, False]


async def test_a_failing_question_book_costs_the_reader_nothing(briefing: Briefing, clock: FixedClock,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        async def record(self, deck: str, text: str, platform: str, at: object) -> None:
            raise OSError("disk full")

    service = BriefingService(briefing, clock, unanswered=Broken())
    with caplog.at_level(logging.WARNING, logger="briefing.commands"):
        reply = await service.answer("is there a ceasefire?", CHAT)
    assert reply is not None and reply.title == "The article doesn't say"
    assert "unanswered question not kept platform=telegram error=OSError" in caplog.text
