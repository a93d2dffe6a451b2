"""Readers in Ukrainian and Russian on Slack: each reader's locale from users.info, a channel's own
choice (/briefing language), the usage hint and the App Home in the reader's language.

bolt's AsyncApp and slack_sdk's client against the fake Slack, with the newsroom's store-backed
service, so the subscription commands answer as in a running bot.
"""

from __future__ import annotations

import logging

import pytest

from bot.platforms.service import BriefingService
from handlers.i18n import _, speaking_in
from handlers.registry import REGISTRY
from tests.bot.platforms.languages import english_left, speaks
from tests.bot.platforms.slack.conftest import Bot
from tests.fakes.slack_api import FakeSlack, Message, manifest_scopes

LOCALES = {"uk": "uk-UA", "ru": "ru-RU"}


@pytest.fixture
def service(newsroom_service: BriefingService) -> BriefingService:
    return newsroom_service


def seen(message: Message) -> str:
    """What the reader sees: the header, the text, the buttons' labels."""
    labels = [b["text"]["text"] for b in message.buttons]
    return "\n".join([message.header() or "", message.mrkdwn(), *labels])


def reader_of(slack: FakeSlack, code: str) -> str:
    return slack.user(f"U0{code.upper()}READER", locale=LOCALES[code])


@pytest.mark.parametrize("code", list(LOCALES))
async def test_every_command_answers_in_the_readers_slack_language(http_bot: Bot, code: str) -> None:
    reader = reader_of(http_bot.slack, code)
    for command in REGISTRY:
        answered = await http_bot.ask(command.name, user=reader)
        text = "\n".join(seen(m) for m in answered)
        assert speaks(text, code), (command.name, english_left(text, code), text)
    [lookup, *more] = http_bot.slack.calls_to("users.info")
    assert more == [] and lookup.args["user"] == reader  # asked once, then kept
    assert lookup.args["include_locale"] in ("1", "true") and lookup.answer["user"]["locale"] == LOCALES[code]


async def test_the_check_would_see_the_interfaces_english(http_bot: Bot) -> None:
    [message] = await http_bot.ask("who lavrov")  # a reader whose Slack is in English
    assert english_left(seen(message), "uk") and not speaks(seen(message), "uk")


async def test_a_ukrainian_reader_gets_the_card_the_quote_and_the_usage_hint_in_ukrainian(bot: Bot) -> None:
    reader = reader_of(bot.slack, "uk")
    [lavrov] = await bot.ask("who lavrov", user=reader)
    assert lavrov.header() == "Сергій Лавров"
    assert "Міністр закордонних справ Росії" in lavrov.mrkdwn()
    assert "“Russian Foreign Minister Sergey Lavrov”" in lavrov.mrkdwn()
    assert "Стаття на тему: Переговори Росії та України в Стамбулі, англійською" in lavrov.mrkdwn()
    [intro] = await bot.ask("", user=reader)
    assert "Як користуватися: /briefing start | help | summary | who [ім’я]" in intro.mrkdwn()


async def test_a_mention_is_answered_in_the_language_of_the_one_who_asked(bot: Bot) -> None:
    reader = reader_of(bot.slack, "ru")
    [answer] = await bot.answers(bot.slack.app_mention("/when", user=reader), "C0GENERAL")
    assert answer.header() == "Второй раунд переговоров России и Украины в Стамбуле"
    assert speaks(seen(answer), "ru")


async def test_a_channel_that_chose_russian_answers_everyone_in_it(http_bot: Bot) -> None:
    [chosen] = await http_bot.ask("language ru")
    assert chosen.header() == "Язык выбран"
    [mention] = await http_bot.answers(http_bot.slack.app_mention("who is Fidan?"), "C0GENERAL")
    assert mention.header() == "Хакан Фидан"  # the reader's Slack is English; the channel chose Russian
    [auto] = await http_bot.ask("language auto")
    assert auto.header() == "Language set"
    [english] = await http_bot.answers(http_bot.slack.app_mention("who is Fidan?"), "C0GENERAL")
    assert english.header() == "Hakan Fidan"


async def test_the_app_home_is_in_the_readers_language(http_bot: Bot) -> None:
    reader = reader_of(http_bot.slack, "uk")
    assert (await http_bot.deliver(http_bot.slack.home_opened(reader))).status == 200
    await http_bot.slack.wait_for_calls("views.publish")
    await http_bot.settle()
    view = http_bot.slack.views[reader]
    texts = [b["text"]["text"] for b in view["blocks"] if b.get("type") in ("header", "section") and "text" in b]
    assert texts[0] == "Росія пропонує другий раунд переговорів з Україною — у Стамбулі 2 червня"
    assert "Сюжети" in texts and "Підписки в цьому робочому просторі" in texts
    with speaking_in("uk"):
        usage = _("Usage: {commands}").split("{")[0]
    assert any(usage in e.get("text", "") for b in view["blocks"] if b.get("type") == "context"
               for e in b["elements"])


async def test_without_the_users_read_scope_readers_get_the_default_language_and_one_warning(
        http_bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    http_bot.slack.scopes = manifest_scopes() - {"users:read"}
    first, second = reader_of(http_bot.slack, "uk"), reader_of(http_bot.slack, "ru")
    with caplog.at_level(logging.WARNING, logger="briefing.slack"):
        [card] = await http_bot.ask("who lavrov", user=first)
        [again] = await http_bot.ask("who lavrov", user=second)
    assert card.header() == again.header() == "Sergey Lavrov"
    assert [c.error for c in http_bot.slack.calls_to("users.info")] == ["missing_scope", "missing_scope"]
    refused = [r.getMessage() for r in caplog.records if "users.info" in r.getMessage()]
    assert len(refused) == 1 and "missing_scope" in refused[0]


def test_the_fake_gives_a_locale_only_when_asked_for_it() -> None:
    slack = FakeSlack()
    slack.user("U0OLYA", locale="uk-UA")
    assert slack._m_users_info({"user": "U0OLYA", "include_locale": "1"})["user"]["locale"] == "uk-UA"
    assert "locale" not in slack._m_users_info({"user": "U0OLYA"})["user"]
    assert slack._m_users_info({"user": "U0OTHER", "include_locale": "true"})["user"]["locale"] == "en-US"
    assert slack._m_users_info({"user": "B0BOT"}) == {"ok": False, "error": "user_not_found"}
