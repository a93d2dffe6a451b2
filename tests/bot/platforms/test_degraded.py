"""BriefingService when the process is short of something: the database, or turns under a burst."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import OperationalError

from bot.platforms.admission import Admission
from bot.platforms.service import BriefingService
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef

CHAT = ChatRef("telegram", "42")
SETTINGS_COMMANDS = ["/subscribe", "/timezone Europe/Kyiv", "/daily 08:00", "/unsubscribe", "/settings"]


class DownChats:
    """The store-backed chat service, with its database unreachable: every call fails."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error or OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        async def down(*args: object, **kwargs: object) -> NoReturn:
            self.calls += 1
            raise self.error

        return down


@pytest.fixture
def down(briefing: Briefing, clock: FixedClock) -> BriefingService:
    return BriefingService(briefing, clock, chats=DownChats())


async def test_with_the_database_down_who_answers_from_the_deck(down: BriefingService) -> None:
    reply = await down.answer("/who lavrov", CHAT)
    assert reply is not None and reply.title == "Sergey Lavrov" and reply.tone == "card"


async def test_with_the_database_down_dates_are_shown_in_the_default_zone(briefing: Briefing,
                                                                        clock: FixedClock) -> None:
    service = BriefingService(briefing, clock, zone=ZoneInfo("Asia/Tokyo"), chats=DownChats())
    reply = await service.answer("/when", CHAT)
    assert reply is not None and reply.title.startswith("Second round")
    assert "Asia/Tokyo" in reply.plain_text()


@pytest.mark.parametrize("text", SETTINGS_COMMANDS)
async def test_commands_that_need_the_database_say_settings_are_unavailable(down: BriefingService,
                                                                            text: str) -> None:
    reply = await down.answer(text, CHAT)
    assert reply is not None
    assert reply.title == "Settings are unavailable for a moment" and reply.tone == "notice"
    assert "Sorry, something went wrong" not in reply.plain_text()


async def test_an_outage_is_logged_once_not_per_command(down: BriefingService,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        for text in ["/who lavrov", "/when", "/subscribe", "/who fidan", "/settings"] * 3:
            await down.answer(text, CHAT)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("database unavailable error=OperationalError")
    assert "Traceback" not in caplog.text


async def test_zone_lookups_rest_after_a_failure_instead_of_waiting_on_the_database_each_time(
        briefing: Briefing, clock: FixedClock) -> None:
    chats = DownChats()
    service = BriefingService(briefing, clock, chats=chats)
    for _ in range(10):
        await service.answer("/who lavrov", CHAT)
    assert chats.calls == 1


async def test_a_chat_service_that_fails_for_another_reason_still_gets_the_apology(
        briefing: Briefing, clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    service = BriefingService(briefing, clock, chats=DownChats(RuntimeError("a bug")))
    with caplog.at_level(logging.ERROR):
        reply = await service.answer("/who lavrov", CHAT)
    assert reply is not None and reply.title == "Sorry, something went wrong"
    assert "a bug" in caplog.text


async def test_a_request_that_finds_no_turn_is_told_to_ask_again(briefing: Briefing, clock: FixedClock) -> None:
    admission = Admission(1, queue=0)
    service = BriefingService(briefing, clock, admission=admission)
    outcomes: list[str] = []
    service.observers.append(lambda chat, cmd, outcome, seconds: outcomes.append(outcome))
    async with admission.turn():  # someone else's answer holds the only turn
        reply = await service.answer("/who lavrov", CHAT)
    assert reply is not None and reply.title == "Busy right now" and reply.tone == "notice"
    assert "ask again in a moment" in reply.plain_text()
    assert outcomes == ["busy"]
    again = await service.answer("/who lavrov", CHAT)
    assert again is not None and again.title == "Sergey Lavrov"


async def test_a_delivery_answered_before_gets_no_reply(service: BriefingService) -> None:
    outcomes: list[str] = []
    service.observers.append(lambda chat, cmd, outcome, seconds: outcomes.append(outcome))
    first = await service.answer("/who lavrov", CHAT, delivery="telegram:1:update:5")
    again = await asyncio.gather(*(service.answer("/who lavrov", CHAT, delivery="telegram:1:update:5")
                                   for _ in range(3)))
    assert first is not None and again == [None, None, None]
    assert outcomes == ["card", "repeat", "repeat", "repeat"]
