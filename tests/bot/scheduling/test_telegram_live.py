"""Scheduled posts through the real Telegram adapter (ptb) against the fake Bot API."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.platforms.service import BriefingService
from bot.scheduling.chats import StoreChats
from bot.store import Store
from content.loader import Briefing
from handlers.context import ChatRef
from tests.bot.platforms.telegram.conftest import make_adapter
from tests.bot.scheduling.live import D1, DECK, Posting, clock_for, posting
from tests.fakes.kit import too_many_requests
from tests.fakes.telegram_api import FakeTelegram

NNBSP = "\u202f"  # CLDR's narrow no-break space before "р." and "г."


@dataclass
class Live(Posting):
    tg: FakeTelegram


@pytest.fixture
async def live(store: Store, briefing: Briefing, request: pytest.FixtureRequest) -> AsyncIterator[Live]:
    clock = clock_for(request)
    async with FakeTelegram() as tg:
        chats = StoreChats(store, briefing, clock)
        adapter = make_adapter(BriefingService(briefing, clock, chats=chats), tg, events=chats)
        async with posting(store, briefing, clock, chats, adapter) as posts:
            yield Live(posts.scheduler, posts.outcomes, posts.store, tg)


async def test_a_private_chat_subscribes_and_gets_the_reminder_on_time(live: Live) -> None:
    ada = live.tg.user(1001, "Ada")
    live.tg.send_text(ada, "/subscribe")
    [confirmation] = await live.tg.wait_for_messages(ada.id, 1)
    assert "Subscribed" in confirmation.text and "D-1 reminder" in confirmation.text
    assert await live.outcomes.wait_for(1) == [("1001", "sent")]
    [_, reminder] = await live.tg.wait_for_messages(ada.id, 2)
    assert reminder.text.startswith("Reminder: Second round of Russia-Ukraine talks in Istanbul")
    assert "Tomorrow: Second round of Russia-Ukraine talks in Istanbul, Monday 2 June 2025" in reminder.text


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_a_reader_who_blocked_the_bot_is_unsubscribed(live: Live) -> None:
    ada = live.tg.user(1001, "Ada")
    live.tg.block(ada)
    chat = ChatRef("telegram", "1001")
    await live.subscribe(chat)
    assert await live.outcomes.wait_for(1) == [("1001", "gone")]
    sub = await live.store.subscription(chat, DECK)
    assert sub is not None and not sub.active and "bot was blocked by the user" in (sub.stopped_reason or "")
    [entry] = await live.store.ledger.history()
    assert entry.status == "failed" and "Forbidden: bot was blocked by the user" in (entry.reason or "")
    assert await live.store.audience.shapes() == []  # nothing left to plan for


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_a_migrated_group_is_followed_and_gets_the_post_once(live: Live) -> None:
    old = live.tg.group(-4001, supergroup=False)
    new = live.tg.migrate(old, -1004001)
    chat = ChatRef("telegram", "-4001", kind="group")
    await live.subscribe(chat)
    assert await live.outcomes.wait_for(1) == [("-4001", "sent")]  # observed as the chat it was planned for
    assert live.tg.messages_in(old.id) == []
    [post] = live.tg.messages_in(new.id)
    assert "Tomorrow: Second round" in post.text
    moved = await live.store.subscription(ChatRef("telegram", "-1004001", kind="group"), DECK)
    assert moved is not None and moved.active
    [entry] = await live.store.ledger.history()
    assert (entry.status, entry.sent_to) == ("sent", "telegram:-1004001")


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_a_429_beyond_ptb_s_own_retries_is_waited_out(live: Live) -> None:
    ada = live.tg.user(1001, "Ada")
    live.tg.fail("sendMessage", too_many_requests(1), chat_id=ada.id, times=3)  # ptb's limiter retries 2
    await live.subscribe(ChatRef("telegram", "1001"))
    assert await live.outcomes.wait_for(1, seconds=20) == [("1001", "sent")]
    assert [c.status for c in live.tg.calls_to("sendMessage")] == [429, 429, 429, 200]
    assert len(live.tg.messages_in(ada.id)) == 1


@pytest.mark.parametrize("live", [-1], indirect=True)
async def test_a_group_that_chose_ukrainian_gets_its_reminder_in_ukrainian(live: Live) -> None:
    group = live.tg.group(-5001)
    chat = ChatRef("telegram", "-5001", kind="group")
    await live.store.set_language(chat, "uk", D1 - dt.timedelta(days=2))
    await live.subscribe(chat)
    assert await live.outcomes.wait_for(1) == [("-5001", "sent")]
    [reminder] = live.tg.messages_in(group.id)
    assert reminder.text.startswith("Нагадування: Другий раунд переговорів Росії та України в Стамбулі\n")
    assert (f"Завтра: Другий раунд переговорів Росії та України в Стамбулі, понеділок, 2 червня 2025{NNBSP}р. "
            "(час не оголошено).") in reminder.text
    assert "Джерело: Стаття на тему: Переговори Росії та України в Стамбулі, англійською" in reminder.text
    assert [b["text"] for b in reminder.buttons] == ["Коли", "Головне", "Налаштування"]


async def test_a_reader_who_subscribed_in_russian_gets_the_reminder_in_russian(live: Live) -> None:
    ivan = live.tg.user(1002, "Иван", language_code="ru")
    live.tg.send_text(ivan, "/subscribe")
    [confirmation] = await live.tg.wait_for_messages(ivan.id, 1)
    assert confirmation.text.startswith("Подписка оформлена") and "Напоминание D-1" in confirmation.text
    assert await live.outcomes.wait_for(1) == [("1002", "sent")]
    [_, reminder] = await live.tg.wait_for_messages(ivan.id, 2)
    assert reminder.text.startswith("Напоминание: Второй раунд переговоров России и Украины в Стамбуле\n")
    assert f"Завтра: Второй раунд переговоров России и Украины в Стамбуле, понедельник, 2 июня 2025{NNBSP}г." \
        in reminder.text
