"""The deck in the reader's language: the editor's wording in Ukrainian or Russian, the quotes in English.

The catalogues of the interface's own messages are not needed here: `speaking(NullTranslations(),
"uk")` keeps the messages as written and gives the deck's Ukrainian wording, which is what these
tests read.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest

from content.loader import Briefing
from handlers import posts, router
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.i18n import _, language, local, speaking
from handlers.reply import Reply
from handlers.router import answer
from tests.content.test_languages import one_language
from tests.handlers.conftest import Ask
from tests.handlers.limits import assert_fits

NOTE = "in English"  # the source says the quotes are the article's words, in its language

WORDS = {
    "uk": {
        "headline": "Росія пропонує другий раунд переговорів з Україною — у Стамбулі 2 червня",
        "bullet": "Лавров подякував Туреччині за те, що вона приймає переговори.",
        "topic": "Переговори Росії та України в Стамбулі",
        "lavrov": "Сергій Лавров",
        "role": "Міністр закордонних справ Росії",
        "did": "Відповів на критику інших країн, які звинувачують Росію в нещирості щодо її прагнення до миру.",
        "talks": "Другий раунд переговорів Росії та України в Стамбулі",
        "hosts": "Туреччина приймає переговори.",
        "istanbul": "Стамбул",
        "moscow": "Москва",
        "venue": "Місце, де 2 червня 2025 року заплановано провести другий раунд переговорів.",
        "memorandum": "Меморандум Росії",
        "russia": "Росія",
        "sanctions": "Позиція США щодо санкцій",
        "us": "Сполучені Штати",
        "announcement": "Лавров оголошує другий раунд переговорів",
        "fidan": "Хакан Фідан",
    },
    "ru": {
        "headline": "Россия предлагает второй раунд переговоров с Украиной — в Стамбуле 2 июня",
        "bullet": "Лавров поблагодарил Турцию за то, что она принимает переговоры.",
        "topic": "Переговоры России и Украины в Стамбуле",
        "lavrov": "Сергей Лавров",
        "role": "Министр иностранных дел России",
        "did": "Ответил на критику других стран, которые обвиняют Россию в неискренности в её стремлении к миру.",
        "talks": "Второй раунд переговоров России и Украины в Стамбуле",
        "hosts": "Турция принимает переговоры.",
        "istanbul": "Стамбул",
        "moscow": "Москва",
        "venue": "Место, где 2 июня 2025 года запланирован второй раунд переговоров.",
        "memorandum": "Меморандум России",
        "russia": "Россия",
        "sanctions": "Позиция США по санкциям",
        "us": "Соединённые Штаты",
        "announcement": "Лавров объявляет о втором раунде переговоров",
        "fidan": "Хакан Фидан",
    },
}
LANGUAGES = tuple(WORDS)


@contextmanager
def reading(code: str) -> Iterator[None]:
    """A reader of `code`, with the interface's messages as written (no catalogue needed)."""
    with speaking(gettext.NullTranslations(), code):
        yield


def quotes_in_english(reply: Reply, b: Briefing) -> None:
    assert reply.source is not None and reply.source.quotes
    assert all(q in b.article for q in reply.source.quotes)
    with reply.in_its_language():  # the note as the reader reads it ("англійською" with the catalogue)
        note = _(NOTE)
    assert reply.source.article.endswith(note)


# --- every command, in Ukrainian and in Russian ----------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
async def test_the_summary_is_in_the_readers_language_and_its_quote_in_the_articles(
        ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        reply = await ask("/summary")
    words = WORDS[code]
    assert reply.title == words["headline"]
    assert words["bullet"] in reply.sections[0].bullets
    assert reply.source is not None
    assert reply.source.article == f"The article on {words['topic']}, in English"
    assert reply.source.quotes == ("Russian Foreign Minister Sergey Lavrov announced a proposal for a second "
                                   "round of negotiations aimed at ending the ongoing invasion of Ukraine",)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_who_shows_a_person_in_the_readers_language(ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        reply = await ask("/who lavrov")
        everyone = await ask("/who")
    words = WORDS[code]
    assert reply.title == words["lavrov"]
    assert reply.sections[0].fields[0].value == words["role"]
    assert words["did"] in reply.sections[1].bullets
    assert "“Russian Foreign Minister Sergey Lavrov”" in reply.plain_text()
    quotes_in_english(reply, briefing)
    assert f"{words['lavrov']} — {words['role']}" in everyone.sections[0].bullets
    assert words["fidan"] in [a.label for a in everyone.actions]
    assert "who fidan" in [a.command for a in everyone.actions]  # buttons send the deck's own words


@pytest.mark.parametrize("code", LANGUAGES)
async def test_when_shows_the_event_and_its_place_in_the_readers_language(
        ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        reply = await ask("/when")
        countdown = await ask("/countdown")
    words = WORDS[code]
    assert reply.title == words["talks"]
    assert f"in {words['istanbul']}" in reply.sections[0].text
    assert ("Place", words["istanbul"]) in [(f.label, f.value) for f in reply.sections[0].fields]
    assert words["hosts"] in reply.sections[1].bullets
    assert reply.source is not None and reply.source.quotes == ("The talks are scheduled to occur in Istanbul on June 2",)
    quotes_in_english(reply, briefing)
    assert countdown.title == f"Countdown: {words['talks']}"
    assert words["talks"] in countdown.sections[0].text


@pytest.mark.parametrize("code", LANGUAGES)
async def test_where_shows_the_place_in_the_readers_language(ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        reply = await ask("/where")
    words = WORDS[code]
    assert reply.title == words["istanbul"]
    assert reply.sections[0].text == words["venue"]
    assert any(f.value.startswith(words["talks"]) for f in reply.sections[0].fields if f.label == "Event")
    assert reply.sections[1].bullets[0].startswith(f"{words['moscow']} — ")
    assert words["moscow"] in [a.label for a in reply.actions]
    quotes_in_english(reply, briefing)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_stakes_show_each_position_in_the_readers_language(
        ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        overview = await ask("/stakes")
        sanctions = await ask("/stakes sanctions")
    words = WORDS[code]
    assert overview.sections[0].heading == f"{words['memorandum']} ({words['russia']})"
    assert sanctions.title == words["sanctions"]
    assert ("Held by", words["us"]) in [(f.label, f.value) for f in sanctions.sections[0].fields]
    assert "“However, he remained cautious about imposing new sanctions on Russia" in sanctions.plain_text()
    quotes_in_english(sanctions, briefing)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_the_timeline_names_each_event_in_the_readers_language(
        ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        reply = await ask("/timeline")
    words = WORDS[code]
    bullets = reply.sections[0].bullets
    assert any(b.endswith(f" — {words['announcement']}") for b in bullets)
    assert any(b.endswith(f" — {words['talks']}") for b in bullets)
    assert any(words["announcement"] in b for b in bullets if b.startswith("Before "))  # Fidan's visit
    quotes_in_english(reply, briefing)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_source_gives_the_articles_english_words_under_the_readers_wording(
        ask: Ask, briefing: Briefing, code: str) -> None:
    with reading(code):
        reply = await ask("/source lavrov")
    words = WORDS[code]
    assert reply.title == f"Source: {words['lavrov']}"
    assert reply.sections[0].text == "The passages are the article's own words, in English."
    assert reply.sections[1].heading == words["role"]
    assert reply.sections[1].text == "“Russian Foreign Minister Sergey Lavrov”"
    assert all(s.text.strip("“”") in briefing.article for s in reply.sections[1:])


# --- in the deck's own language, nothing changes --------------------------------------------------


async def test_a_reader_of_the_articles_language_gets_no_note_about_it(ask: Ask) -> None:
    reply = await ask("/source lavrov")
    assert reply.sections[0].heading == "Foreign Minister of Russia"
    who = await ask("/who lavrov")
    assert who.title == "Sergey Lavrov"
    assert who.source is not None and who.source.article == "The article on Russia-Ukraine talks in Istanbul"


async def test_a_deck_without_the_readers_language_shows_its_own_wording_and_still_says_the_quotes_language(
        briefing: Briefing, clock: FixedClock) -> None:
    plain = one_language(briefing)
    with reading("uk"):
        reply = await answer(plain, "/who lavrov", Context(clock))
    assert reply is not None
    assert reply.title == "Sergey Lavrov"
    assert reply.source is not None and reply.source.article.endswith(NOTE)


# --- names in any script still find their card ------------------------------------------------------


@pytest.mark.parametrize(("text", "title"), [
    pytest.param("/who Сергій Лавров", "Sergey Lavrov", id="lavrov"),
    pytest.param("/who Мединський", "Vladimir Medinsky", id="medinsky"),
    pytest.param("/who Фідан", "Hakan Fidan", id="fidan"),
    pytest.param("/who Путін", "Vladimir Putin", id="putin"),
    pytest.param("/where Стамбул", "Istanbul", id="istanbul"),
    pytest.param("/stakes меморандум", "Russia's memorandum", id="memorandum"),
    pytest.param("/when Лавров оголошує другий раунд переговорів", "Lavrov announces a second round of talks",
                 id="announcement"),
])
async def test_a_name_in_another_script_finds_its_card(ask: Ask, text: str, title: str) -> None:
    assert (await ask(text)).title == title


# --- plain questions in Ukrainian and Russian --------------------------------------------------------


@pytest.mark.parametrize(("question", "title", "wording"), [
    pytest.param("хто такий Лавров?", "Сергій Лавров", "Міністр закордонних справ Росії", id="uk-who-is"),
    pytest.param("хто очолює делегацію?", "Володимир Мединський", "Очолює російську делегацію", id="uk-who-leads"),
    pytest.param("коли переговори?", "Другий раунд переговорів Росії та України в Стамбулі",
                 "Туреччина приймає переговори.", id="uk-when"),
    pytest.param("що сказав Трамп про санкції?", "Дональд Трамп", "нових санкцій проти Росії", id="uk-what"),
    pytest.param("кто такой Лавров?", "Сергей Лавров", "Министр иностранных дел России", id="ru-who-is"),
    pytest.param("кто возглавляет делегацию?", "Владимир Мединский", "Возглавляет российскую делегацию",
                 id="ru-who-leads"),
    pytest.param("где пройдут переговоры?", "Стамбул", "Место, где 2 июня 2025 года", id="ru-where"),
    pytest.param("кто поблагодарил Турцию?", "Сергей Лавров", "поблагодарил Турцию", id="ru-who-did"),
])
async def test_a_question_in_ukrainian_or_russian_is_answered_in_it(
        ask: Ask, briefing: Briefing, question: str, title: str, wording: str) -> None:
    reply = await ask(question)
    assert reply.title == title
    assert wording in reply.plain_text()
    assert "I answer in English" not in reply.plain_text()
    quotes_in_english(reply, briefing)


async def test_a_question_in_turkish_is_answered_in_english_and_says_so(ask: Ask) -> None:
    reply = await ask("müzakereler nerede?")
    assert reply.title == "Istanbul"
    assert reply.sections[-1].text == "I answer in English, the language of the article."


async def test_a_command_keeps_the_readers_language_whatever_script_its_words_are_in(ask: Ask) -> None:
    assert (await ask("/who Лавров")).title == "Sergey Lavrov"
    with reading("uk"):
        assert (await ask("/who Лавров")).title == "Сергій Лавров"


async def test_a_bare_cyrillic_name_is_read_in_the_readers_language_when_it_is_one_of_the_two(ask: Ask) -> None:
    assert (await ask("Лавров")).title == "Сергей Лавров"  # no letter says Ukrainian: Russian
    with reading("uk"):
        assert (await ask("Лавров")).title == "Сергій Лавров"
    assert (await ask("Путін")).title == "Володимир Путін"  # "і" is Ukrainian


async def test_an_english_question_keeps_the_readers_own_language(ask: Ask) -> None:
    with reading("ru"):
        reply = await ask("who is Lavrov?")
    assert reply.title == "Сергей Лавров"


class Marking(gettext.NullTranslations):
    """A stand-in catalogue whose every message says it was used."""

    def gettext(self, message: str) -> str:
        return f"[{language()}] {message}"


async def test_a_question_is_answered_with_its_languages_catalogue(
        ask: Ask, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def catalogue(code: str) -> gettext.NullTranslations:
        asked.append(code)
        return Marking()

    monkeypatch.setattr(router, "catalogue", catalogue)
    reply = await ask("хто такий Лавров?")
    assert asked == ["uk"]
    assert reply.title == "Сергій Лавров"
    assert reply.sections[0].fields[0].label == "[uk] Role"
    english = await ask("who is Lavrov?")
    assert asked == ["uk"] and english.sections[0].fields[0].label == "Role"


# --- scheduled posts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_posts_carry_the_decks_wording_in_the_readers_language(briefing: Briefing, code: str) -> None:
    talks = briefing.deck.main
    now = dt.datetime(2025, 5, 31, 9, tzinfo=ZoneInfo("Europe/Istanbul"))
    with reading(code):
        reminder = posts.reminder(briefing, talks, now, None)
        daily = posts.daily(briefing, talks, now, None)
        named = posts.reminder_name("D-2", talks)
    words = WORDS[code]
    assert reminder.title == f"Reminder: {words['talks']}"
    assert words["talks"] in reminder.sections[0].text
    assert daily.title == f"Daily briefing: {words['topic']}"
    assert daily.sections[1].heading == words["headline"]
    assert named == f"D-2 reminder: {words['talks']}"
    for reply in (reminder, daily):
        assert_fits(reply)
        quotes_in_english(reply, briefing)


def test_local_gives_plain_strings_as_they_are(briefing: Briefing) -> None:
    with reading("uk"):
        assert local("/who") == "/who"
        assert local(briefing.deck.title) == "Переговори Росії та України в Стамбулі"
    assert local(briefing.deck.title) == "Russia-Ukraine talks in Istanbul"
