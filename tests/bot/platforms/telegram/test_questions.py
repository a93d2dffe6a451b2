"""Plain questions through the real ptb Application and the fake Bot API: the fact, its quote, the follow-ups."""

from __future__ import annotations

from handlers.i18n import _, speaking_in
from tests.bot.platforms.telegram.conftest import Bot
from tests.fakes.telegram_api import User

PROPOSAL = ("On May 29, 2025, Russian Foreign Minister Sergey Lavrov announced a proposal for a second round of "
            "negotiations aimed at ending the ongoing invasion of Ukraine")


async def test_a_who_question_gets_the_person_the_fact_and_its_quote(telegram: Bot, reader: User) -> None:
    [answer] = await telegram.ask(reader, "who proposed the second round?")
    assert answer.text.startswith("Sergey Lavrov\n")
    assert "Announced, on 29 May 2025, a proposal for a second round" in answer.text
    assert PROPOSAL in answer.text  # the article's own words, verbatim
    assert [b["text"] for b in answer.buttons][:2] == ["Sergey Lavrov", "Source"]


async def test_the_follow_up_opens_the_whole_card(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    [answer] = await telegram.ask(reader, "why did fidan go to moscow")
    assert "facilitate the peace process" in answer.text
    tg.press(reader, answer, "Hakan Fidan")
    await tg.wait_until(lambda: answer.edits == 1, what="the answer turned into the card")
    assert answer.text.startswith("Hakan Fidan\n") and "Role: Foreign Minister of Turkey" in answer.text


async def test_what_the_article_does_not_say_is_said_in_one_line_with_what_it_covers(telegram: Bot,
                                                                                       reader: User) -> None:
    tg = telegram.tg
    [answer] = await telegram.ask(reader, "has a ceasefire been agreed?")
    assert answer.text.startswith("The article doesn't say\n")
    assert "The article doesn't mention “ceasefire”" in answer.text
    assert "not named in this briefing" not in answer.text
    tg.press(reader, answer, "What's at stake")
    await tg.wait_until(lambda: answer.edits == 1, what="the stakes card")
    assert answer.text.startswith("What's at stake")


async def test_a_question_in_russian_is_answered_in_russian_with_the_articles_words_in_english(
        telegram: Bot, reader: User) -> None:
    [answer] = await telegram.ask(reader, "кто возглавляет делегацию?")
    assert answer.text.startswith("Владимир Мединский\n")
    assert "Возглавляет российскую делегацию" in answer.text
    with speaking_in("ru"):
        assert _("in English") in answer.text  # "на английском": the source says the quotes' language
    assert "“He stated that the Russian delegation, led by presidential aide Vladimir Medinsky" in answer.text
    assert "I answer in English" not in answer.text


async def test_a_question_in_turkish_is_answered_in_english_and_says_so(telegram: Bot, reader: User) -> None:
    [answer] = await telegram.ask(reader, "müzakereler nerede?")
    assert answer.text.startswith("Istanbul\n")
    assert "I answer in English, the language of the article." in answer.text
