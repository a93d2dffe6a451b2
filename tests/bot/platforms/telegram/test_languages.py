"""Readers in Ukrainian and Russian on Telegram: the language their app sends with each update, a
chat's own choice (/language), the command menus and descriptions per language.

The real ptb Application against the fake Bot API, and the newsroom's store-backed service, so
that the subscription commands answer as in a running bot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.platforms.service import BriefingService
from bot.platforms.telegram import TelegramAdapter
from bot.platforms.telegram.adapter import DESCRIPTION, SHORT_DESCRIPTION
from handlers.i18n import ENGLISH, _, speaking_in
from handlers.registry import REGISTRY
from tests.bot.platforms.languages import english_left, speaks
from tests.bot.platforms.telegram.conftest import Bot, make_adapter
from tests.fakes.telegram_api import FakeTelegram, Message, User

NNBSP = "\u202f"
LANGUAGES = ("uk", "ru")
NAMES = {"uk": "Оля", "ru": "Оля"}


@pytest.fixture
def service(newsroom_service: BriefingService) -> BriefingService:
    return newsroom_service


def reader_of(tg: FakeTelegram, code: str, user_id: int = 3001) -> User:
    return tg.user(user_id, NAMES[code], language_code=code)


def seen(message: Message) -> str:
    """What the reader sees: the text and the buttons' labels."""
    return "\n".join([message.text, *(b["text"] for b in message.buttons)])


@pytest.mark.parametrize("code", LANGUAGES)
async def test_every_command_answers_in_the_language_of_the_readers_app(telegram: Bot, code: str) -> None:
    reader = reader_of(telegram.tg, code)
    for command in REGISTRY:
        [message] = await telegram.ask(reader, f"/{command.name}")
        assert speaks(seen(message), code), (command.name, english_left(seen(message), code), message.text)


async def test_the_check_would_see_the_interfaces_english(telegram: Bot) -> None:
    english = telegram.tg.user(3009, "Ada", language_code="en")
    for command in ("help", "settings", "who lavrov"):
        [message] = await telegram.ask(english, f"/{command}")
        assert english_left(seen(message), "uk") and not speaks(seen(message), "uk"), command


@pytest.mark.parametrize(("code", "who", "role", "when"), [
    ("uk", "Сергій Лавров", "Роль: Міністр закордонних справ Росії",
     f"Через 2 дні: понеділок, 2 червня 2025{NNBSP}р. — Стамбул."),
    ("ru", "Сергей Лавров", "Роль: Министр иностранных дел России",
     f"Через 2 дня: понедельник, 2 июня 2025{NNBSP}г. — Стамбул."),
])
async def test_cards_show_the_decks_wording_the_dates_and_the_quotes_language(
        telegram: Bot, code: str, who: str, role: str, when: str) -> None:
    reader = reader_of(telegram.tg, code)
    [lavrov] = await telegram.ask(reader, "/who lavrov")
    assert lavrov.text.startswith(f"{who}\n") and role in lavrov.text
    assert "“Russian Foreign Minister Sergey Lavrov”" in lavrov.text  # the article's own words
    with speaking_in(code):
        assert _("in English") in lavrov.text
    [talks] = await telegram.ask(reader, "/when")
    assert when in talks.text


async def test_a_pressed_button_and_an_inline_query_answer_in_the_readers_language(telegram: Bot) -> None:
    tg = telegram.tg
    reader = reader_of(tg, "uk")
    [card] = await telegram.ask(reader, "/who lavrov")
    tg.press(reader, card, "Джерело")
    await tg.wait_until(lambda: card.edits == 1, what="the source card")
    assert card.text.startswith("Джерело: Сергій Лавров")
    inline = tg.inline_query(reader, "лавров")
    await tg.wait_until(lambda: inline.answered, what="the inline answer")
    assert inline.results[0]["title"] == "Сергій Лавров"


async def test_a_subscription_is_confirmed_with_its_posts_named_in_the_readers_language(telegram: Bot) -> None:
    reader = reader_of(telegram.tg, "ru")
    [confirmation] = await telegram.ask(reader, "/subscribe 3d 1d at 08:00")
    assert confirmation.text.startswith("Подписка оформлена")
    assert "Напоминание D-1: Второй раунд переговоров России и Украины в Стамбуле" in confirmation.text
    assert speaks(seen(confirmation), "ru")


async def test_a_reader_whose_language_the_bot_lacks_is_answered_in_its_default(telegram: Bot) -> None:
    german = telegram.tg.user(3002, "Grete", language_code="de")
    [message] = await telegram.ask(german, "/who lavrov")
    assert message.text.startswith("Sergey Lavrov\n")


async def test_a_group_that_chose_ukrainian_answers_everyone_in_it_until_it_goes_back_to_auto(
        telegram: Bot) -> None:
    tg = telegram.tg
    admin = tg.user(2001, "Admin", language_code="en")
    member = tg.user(2002, "Ivan", language_code="ru")
    group = tg.group(-1009, admins=(admin,), members=(member,))
    [refused] = await telegram.ask(group, "/language uk", user=member)
    assert refused.text.startswith("Недостаточно прав")  # the member's own language, nothing changed
    [chosen] = await telegram.ask(group, "/language uk", user=admin)
    assert chosen.text.startswith("Мову встановлено") and "Мова цього чату: українська." in chosen.text
    [english] = await telegram.ask(group, "/who lavrov", user=admin)
    [russian] = await telegram.ask(group, "/who lavrov", user=member)
    assert english.text.startswith("Сергій Лавров\n") and russian.text.startswith("Сергій Лавров\n")
    [settings] = await telegram.ask(group, "/settings", user=member)
    assert "Мова\nукраїнська" in settings.text
    [auto] = await telegram.ask(group, "/language auto", user=admin)
    assert auto.text.startswith("Language set")  # back to each reader's own: the admin's English
    [again] = await telegram.ask(group, "/who lavrov", user=member)
    assert again.text.startswith("Сергей Лавров\n")


async def test_a_question_in_plain_russian_is_answered_in_russian_in_a_ukrainian_chat(telegram: Bot) -> None:
    reader = reader_of(telegram.tg, "uk")
    [answer] = await telegram.ask(reader, "кто возглавляет делегацию?")
    assert answer.text.startswith("Владимир Мединский\n")
    assert speaks(seen(answer), "ru")


async def test_an_unknown_language_is_refused_with_the_choices(telegram: Bot) -> None:
    reader = reader_of(telegram.tg, "uk")
    [refused] = await telegram.ask(reader, "/language klingon")
    assert refused.text.startswith("Не вийшло")
    assert "Мовою «klingon» я не відповідаю." in refused.text and "/language auto" in refused.text


# --- the command menu and the description, per language ----------------------------------------------


def _menu_in(code: str) -> list[tuple[str, str]]:
    with speaking_in(code):
        return REGISTRY.menu()


async def test_the_menu_and_description_are_set_in_each_language(telegram: Bot) -> None:
    tg = telegram.tg
    assert tg.menu() == _menu_in(ENGLISH)  # readers whose app has no menu of its own
    for code in LANGUAGES:
        assert tg.menu(code) == _menu_in(code) != _menu_in(ENGLISH)
        with speaking_in(code):
            assert tg.descriptions[code] == _(DESCRIPTION) != DESCRIPTION
            assert tg.short_descriptions[code] == _(SHORT_DESCRIPTION) != SHORT_DESCRIPTION
    assert tg.descriptions[""] == DESCRIPTION and tg.short_descriptions[""] == SHORT_DESCRIPTION
    assert ("language", _menu_in("uk")[-2][1]) in tg.menu("uk")


@pytest.fixture
async def ukrainian_bot(fake_telegram: FakeTelegram, newsroom_service: BriefingService
                        ) -> AsyncIterator[TelegramAdapter]:
    service = BriefingService(newsroom_service.library, newsroom_service.clock, chats=newsroom_service.chats,
                              language="uk")
    adapter = make_adapter(service, fake_telegram)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_a_bot_whose_default_is_ukrainian_gives_that_menu_to_everyone_else(
        ukrainian_bot: TelegramAdapter, fake_telegram: FakeTelegram) -> None:
    assert fake_telegram.menu() == _menu_in("uk")
    assert fake_telegram.menu("en") == _menu_in(ENGLISH)
    assert fake_telegram.menu("ru") == _menu_in("ru")
    assert "uk" not in fake_telegram.descriptions  # the default already is Ukrainian
    german = fake_telegram.user(3003, "Grete", language_code="de")
    fake_telegram.send_text(german, "/who lavrov")
    [message] = await fake_telegram.wait_for_messages(german.id, 1)
    assert message.text.startswith("Сергій Лавров\n")
