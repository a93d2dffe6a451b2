"""Finding the person or card a reader means, and never one they do not."""

from __future__ import annotations

import pytest

from content.loader import Briefing
from handlers.matching import PEOPLE, clean, index


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("lavrov", "lavrov"),
        ("LAVROV", "lavrov"),
        ("Sergey Lavrov", "lavrov"),
        ("sergei lavrov", "lavrov"),  # another transliteration
        ("Lavorv", "lavrov"),  # transposed letters
        ("lavrovv", "lavrov"),
        ("Лавров", "lavrov"),  # Cyrillic alias
        ("лавровв", "lavrov"),  # Cyrillic with a typo
        ("Сергей Лавров", "lavrov"),
        ("Russian foreign minister", "lavrov"),  # a title
        ("the Turkish foreign minister", "fidan"),
        ("turkish foriegn minister", "fidan"),
        ("Hakan", "fidan"),  # a first name that only one person has
        ("Фидан", "fidan"),
        ("Medinskiy", "medinsky"),
        ("Medinksy", "medinsky"),
        ("Мединский", "medinsky"),
        ("head of the Russian delegation", "medinsky"),
        ("Putn", "putin"),
        ("U.S. President", "trump"),
        ("us president", "trump"),
        ("President of the United States", "trump"),
        ("Trum", "trump"),
        ("who is Medinsky?", "medinsky"),
    ],
)
def test_found(briefing: Briefing, query: str, card: str) -> None:
    found = index(briefing.deck).lookup(query, PEOPLE)
    assert (found.outcome, found.card and found.card.id) == ("found", card)


@pytest.mark.parametrize(
    ("query", "candidates"),
    [
        ("Vladimir", {"putin", "medinsky"}),
        ("foreign minister", {"lavrov", "fidan"}),
        ("president", {"putin", "trump"}),
    ],
)
def test_ambiguous_names_offer_each_candidate(briefing: Briefing, query: str, candidates: set[str]) -> None:
    found = index(briefing.deck).lookup(query, PEOPLE)
    assert found.outcome == "ambiguous"
    assert {c.id for c in found.candidates} == candidates


@pytest.mark.parametrize("query", ["Zelensky", "Macron", "Erdogan", "Biden", "xx", "", "?!"])
def test_people_the_article_does_not_name_are_not_found(briefing: Briefing, query: str) -> None:
    found = index(briefing.deck).lookup(query, PEOPLE)
    assert found.outcome == "none"
    assert found.card is None


def test_a_near_miss_gets_suggestions(briefing: Briefing) -> None:
    found = index(briefing.deck).lookup("Lavroff", PEOPLE)
    assert found.outcome == "none"
    assert [c.id for c in found.candidates][:1] == ["lavrov"]


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("talks", "istanbul-talks"),
        ("are the talks", "istanbul-talks"),
        ("İstanbul", "istanbul"),
        ("Стамбул", "istanbul"),
        ("Москва", "moscow"),
        ("memorandum", "russia-memorandum"),
        ("sanctions", "us-sanctions"),
        ("Türkiye", "turkey-host"),
        ("what if the talks fail", "stakes"),
        ("Fidan's visit", "fidan-visit"),
    ],
)
def test_other_cards_by_their_names(briefing: Briefing, query: str, card: str) -> None:
    found = index(briefing.deck).lookup(query)
    assert (found.outcome, found.card and found.card.id) == ("found", card)


def test_leading_question_words_are_dropped_but_not_inner_ones() -> None:
    assert clean("Who is the head of the delegation?") == "head of the delegation"
    assert clean("tell me about Mr Trump") == "trump"
