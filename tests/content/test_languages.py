"""A deck in several languages: the editor's wording in each, the article's quotes in its own."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bot.process.cli import main
from content.loader import DECKS_DIR, Briefing, parse_deck, read_yaml
from content.model import Wording
from tests.content.test_check import event, person, problems, write_deck

LANGUAGES = ("en", "uk", "ru")


def test_the_istanbul_deck_is_written_in_english_ukrainian_and_russian(briefing: Briefing) -> None:
    deck = briefing.deck
    assert deck.languages == LANGUAGES
    wordings = deck.wordings()
    assert len(wordings) == 75
    assert all(set(w.texts) == set(LANGUAGES) for _card, _field, w in wordings)
    assert all(fact.quote in briefing.article for card in deck.cards() for _path, fact in card.facts())


def test_names_keep_their_usual_spelling_in_each_language(briefing: Briefing) -> None:
    spelled = {p.id: (p.name.in_language("uk"), p.name.in_language("ru")) for p in briefing.deck.people}
    assert spelled == {
        "lavrov": ("Сергій Лавров", "Сергей Лавров"),
        "medinsky": ("Володимир Мединський", "Владимир Мединский"),
        "fidan": ("Хакан Фідан", "Хакан Фидан"),
        "putin": ("Володимир Путін", "Владимир Путин"),
        "trump": ("Дональд Трамп", "Дональд Трамп"),
    }
    istanbul, moscow = briefing.deck.places
    assert (istanbul.name.in_language("uk"), moscow.name.in_language("ru")) == ("Стамбул", "Москва")


def test_a_wording_is_the_decks_own_string_wherever_code_treats_it_as_one(briefing: Briefing) -> None:
    role = briefing.deck.people[0].role.text
    assert role == "Foreign Minister of Russia" and f"{role}" == "Foreign Minister of Russia"
    assert role.in_language("uk") == "Міністр закордонних справ Росії"
    assert role.in_language("tr") == "Foreign Minister of Russia"  # no Turkish: the deck's own
    assert role.translations() == ("Міністр закордонних справ Росії", "Министр иностранных дел России")
    assert Wording("Russia", {"en": "Russia", "uk": "Росія"}, "en") != Wording("Russia", {"en": "Russia"}, "en")
    assert copy.deepcopy(role).texts == role.texts and type(copy.deepcopy(role)) is Wording
    assert copy.deepcopy(briefing.deck) == briefing.deck


def one_language(b: Briefing) -> Briefing:
    """The Istanbul briefing with only its English wording, as a deck written in one language is."""
    raw = read_yaml(DECKS_DIR / "istanbul-talks-2025.yaml", "istanbul-talks-2025")
    del raw["languages"]
    return dataclasses.replace(b, deck=parse_deck(_english(raw), "one-language"))


def _english(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            return value["en"]
        return {k: _english(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_english(v) for v in value]
    return value


def test_a_translated_deck_is_written_back_as_it_was_read(briefing: Briefing) -> None:
    written = briefing.deck.model_dump()
    assert written["title"] == {"en": "Russia-Ukraine talks in Istanbul", "uk": "Переговори Росії та України в Стамбулі",
                                "ru": "Переговоры России и Украины в Стамбуле"}
    assert parse_deck(written, "again") == briefing.deck
    plain = one_language(briefing).deck
    assert plain.model_dump()["title"] == "Russia-Ukraine talks in Istanbul"
    assert Wording("Russia") != 3


@pytest.mark.parametrize(("wording", "message"), [
    pytest.param(["Russia", "Росія"], "expected a string, or one string per language such as {en: …, uk: …}",
                 id="a-list"),
    pytest.param({"en": "Russia", "uk": 7}, "the wording in 'uk' should be a string", id="a-number"),
])
def test_wording_that_is_neither_a_string_nor_one_per_language_is_named(
        tmp_path: Path, wording: object, message: str) -> None:
    def garble(raw: dict[str, Any]) -> None:
        person(raw, "lavrov")["affiliation"]["text"] = wording

    assert problems(write_deck(tmp_path, garble)) == [
        f"deck istanbul-talks-2025, card lavrov, field affiliation.text: Value error, {message}"]


def test_a_deck_in_one_language_needs_no_declaration(briefing: Briefing) -> None:
    deck = one_language(briefing).deck
    assert deck.languages == ()
    assert deck.people[0].role.text == "Foreign Minister of Russia"
    assert deck.people[0].role.text.in_language("uk") == "Foreign Minister of Russia"


def test_check_names_a_fact_missing_a_language_the_deck_declares(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def forget(raw: dict[str, Any]) -> None:
        del person(raw, "lavrov")["did"][1]["text"]["ru"]

    directory = write_deck(tmp_path, forget)
    assert problems(directory) == [
        "deck istanbul-talks-2025, card lavrov, field did[1].text: no wording in ru (the deck declares en, uk, ru)"]
    assert main(["check", "--decks", str(directory)]) == 1
    err = capsys.readouterr().err
    assert "card lavrov, field did[1].text: no wording in ru" in err
    assert "the deck cannot be served" in err


def test_check_names_a_label_missing_a_language_or_given_in_one_not_declared(tmp_path: Path) -> None:
    def mislabel(raw: dict[str, Any]) -> None:
        person(raw, "fidan")["name"] = "Hakan Fidan"
        event(raw, "istanbul-talks")["title"]["tr"] = "İstanbul'daki ikinci tur görüşmeler"
        raw["title"] = {"en": raw["title"]["en"], "uk": raw["title"]["uk"]}

    assert sorted(problems(write_deck(tmp_path, mislabel))) == [
        "deck istanbul-talks-2025, card fidan, field name: no wording in uk, ru (the deck declares en, uk, ru)",
        "deck istanbul-talks-2025, card istanbul-talks, field title: wording in 'tr', a language the deck "
        "does not declare",
        "deck istanbul-talks-2025, field title: no wording in ru (the deck declares en, uk, ru)",
    ]


def test_a_translated_fact_without_its_quote_is_refused(tmp_path: Path) -> None:
    def unquote(raw: dict[str, Any]) -> None:
        del person(raw, "trump")["did"][3]["quote"]

    assert problems(write_deck(tmp_path, unquote)) == [
        "deck istanbul-talks-2025, card trump, field did[3]: Value error, a fact keeps its quote, "
        "the article's own words, in every language"]


def test_a_quote_given_per_language_is_refused(tmp_path: Path) -> None:
    def translate_quote(raw: dict[str, Any]) -> None:
        role = person(raw, "lavrov")["role"]
        role["quote"] = {"en": role["quote"], "uk": "Міністр закордонних справ Росії Сергій Лавров"}

    found = problems(write_deck(tmp_path, translate_quote))
    assert found == ["deck istanbul-talks-2025, card lavrov, field role.quote: Value error, a quote is the "
                     "article's own words, in the article's language: one string, not one per language"]


def test_the_decks_own_language_is_required_of_every_wording(tmp_path: Path) -> None:
    def drop_english(raw: dict[str, Any]) -> None:
        del event(raw, "announcement")["when"]["text"]["en"]

    assert problems(write_deck(tmp_path, drop_english)) == [
        "deck istanbul-talks-2025, card announcement, field when.text: Value error, no wording in the deck's "
        "own language 'en'"]


def test_wording_in_several_languages_needs_them_declared(tmp_path: Path) -> None:
    def undeclare(raw: dict[str, Any]) -> None:
        del raw["languages"]

    found = problems(write_deck(tmp_path, undeclare))
    assert sum("wording in several languages" in p for p in found) == 75  # every wording, each named
    assert ("deck istanbul-talks-2025, card lavrov, field role.text: Value error, wording in several languages "
            "needs the deck's languages declared (languages: [en, uk, …])") in found


def test_a_language_is_a_two_letter_code_declared_once(tmp_path: Path) -> None:
    def misdeclare(raw: dict[str, Any]) -> None:
        raw["languages"] = ["en", "uk", "uk"]
        person(raw, "putin")["role"]["text"]["Russian"] = "Президент"

    found = problems(write_deck(tmp_path, misdeclare))
    assert "deck istanbul-talks-2025, field languages: Value error, each language is declared once" in found
    assert ("deck istanbul-talks-2025, card putin, field role.text: Value error, 'Russian' is not a language "
            "code such as 'en' or 'uk'") in found


def test_a_translation_too_long_for_a_title_is_named(tmp_path: Path) -> None:
    def lengthen(raw: dict[str, Any]) -> None:
        event(raw, "announcement")["title"]["uk"] = "Лавров " * 20

    assert problems(write_deck(tmp_path, lengthen)) == [
        "deck istanbul-talks-2025, card announcement, field title: Value error, the wording in 'uk' should have "
        "2 to 120 characters, not 139"]


def test_a_translated_name_that_is_another_cards_name_collides(tmp_path: Path) -> None:
    def collide(raw: dict[str, Any]) -> None:
        person(raw, "putin")["name"]["uk"] = "Лавров"

    assert problems(write_deck(tmp_path, collide)) == [
        "deck istanbul-talks-2025, card putin, field name.uk: alias 'Лавров' is also a name of card lavrov"]
