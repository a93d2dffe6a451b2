"""BriefingService words each answer in one language: the chat's choice, else the reader's, else its own."""

from __future__ import annotations

import pytest

from bot.platforms.admission import Admission
from bot.platforms.service import BriefingService
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef
from tests.bot.platforms.test_degraded import DownChats
from tests.fakes.chats import FixedChats

CHAT = ChatRef("telegram", "42")
GROUP = ChatRef("telegram", "-100", kind="group")


async def test_the_readers_own_language_when_the_chat_chose_none(service: BriefingService) -> None:
    ukrainian = await service.answer("/who lavrov", CHAT, reader_language="uk")
    russian = await service.answer("/who lavrov", CHAT, reader_language="ru-RU")
    assert ukrainian is not None and ukrainian.title == "Сергій Лавров" and ukrainian.language == "uk"
    assert russian is not None and russian.title == "Сергей Лавров" and russian.language == "ru"


async def test_a_chats_choice_wins_over_each_readers_language(briefing: Briefing, clock: FixedClock) -> None:
    service = BriefingService(briefing, clock, chats=FixedChats(languages={GROUP.key: "uk"}))
    for reader in ("en", "ru", None):
        reply = await service.answer("/who fidan", GROUP, reader_language=reader)
        assert reply is not None and reply.title == "Хакан Фідан", reader
    elsewhere = await service.answer("/who fidan", CHAT, reader_language="ru")
    assert elsewhere is not None and elsewhere.title == "Хакан Фидан"


async def test_a_language_the_bot_lacks_gets_its_default(briefing: Briefing, clock: FixedClock) -> None:
    service = BriefingService(briefing, clock, language="ru")
    reply = await service.answer("/help", CHAT, reader_language="de")
    assert reply is not None and reply.title == "Команды"
    with pytest.raises(ValueError, match="no catalogue for the language 'de'"):
        BriefingService(briefing, clock, language="de")


async def test_busy_is_said_in_the_readers_language_without_reading_the_chats(briefing: Briefing,
                                                                           clock: FixedClock) -> None:
    admission = Admission(1, queue=0)
    chats = DownChats()
    service = BriefingService(briefing, clock, chats=chats, admission=admission)
    async with admission.turn():
        reply = await service.answer("/who lavrov", CHAT, reader_language="uk")
    assert reply is not None and reply.title == "Зараз зайнято"
    assert chats.calls == 0


async def test_with_the_database_down_the_reader_still_gets_their_language(briefing: Briefing,
                                                                         clock: FixedClock) -> None:
    service = BriefingService(briefing, clock, chats=DownChats())
    reply = await service.answer("/who lavrov", CHAT, reader_language="ru")
    assert reply is not None and reply.title == "Сергей Лавров"


async def test_inline_cards_and_story_listings_are_in_the_readers_language(service: BriefingService) -> None:
    cards = await service.cards("лавров", CHAT, reader_language="uk")
    assert cards and cards[0][1].title == "Сергій Лавров"
    listing = await service.listing(CHAT, reader_language="uk")
    assert listing[0].title == "Переговори Росії та України в Стамбулі"
