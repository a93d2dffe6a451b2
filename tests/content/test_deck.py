"""The Istanbul deck as written: complete, and faithful to its article."""

from __future__ import annotations

import datetime as dt

from content.loader import Briefing
from content.text import fold


def test_every_quote_is_a_verbatim_passage_of_the_article(briefing: Briefing) -> None:
    quotes = [fact.quote for card in briefing.deck.cards() for _, fact in card.facts()]
    assert len(quotes) > 40
    assert all(q in briefing.article for q in quotes)


def test_the_article_is_kept_byte_for_byte(briefing: Briefing) -> None:
    assert briefing.article.startswith("On May 29, 2025, Russian Foreign Minister Sergey Lavrov")
    assert briefing.article.endswith("will continue unabated.")
    assert briefing.seed.as_of == dt.date(2025, 5, 29)
    assert briefing.seed.language == "en"


def test_every_person_the_article_names_has_a_card(briefing: Briefing) -> None:
    people = {p.id: p for p in briefing.deck.people}
    assert set(people) == {"lavrov", "medinsky", "fidan", "putin", "trump"}
    lavrov = people["lavrov"]
    folded = {fold(a) for a in lavrov.aliases}
    assert {"lavrov", fold("Лавров"), "russian foreign minister"} <= folded
    assert lavrov.role.text == "Foreign Minister of Russia"
    assert "turkish foreign minister" in {fold(a) for a in people["fidan"].aliases}
    assert all(p.did for p in people.values())


def test_the_talks_are_a_day_in_istanbul_with_no_time(briefing: Briefing) -> None:
    talks = briefing.deck.main
    assert talks.id == "istanbul-talks"
    assert (talks.precision, talks.date, talks.time) == ("day", dt.date(2025, 6, 2), None)
    assert talks.timezone == "Europe/Istanbul"
    assert talks.place == "istanbul"


def test_the_announcement_and_the_visit_before_it(briefing: Briefing) -> None:
    deck = briefing.deck
    announcement = deck.event("announcement")
    visit = deck.event("fidan-visit")
    assert announcement is not None and announcement.date == dt.date(2025, 5, 29)
    assert announcement.timezone is None  # the article does not say where Lavrov spoke
    assert visit is not None and visit.date is None
    assert (visit.precision, visit.relative_to, visit.place) == ("before", "announcement", "moscow")


def test_places_and_positions(briefing: Briefing) -> None:
    deck = briefing.deck
    assert {p.id: p.timezone for p in deck.places} == {"istanbul": "Europe/Istanbul", "moscow": "Europe/Moscow"}
    assert {p.id for p in deck.positions} == {"russia-memorandum", "turkey-host", "us-sanctions", "stakes"}
    assert 3 <= len(deck.summary.bullets) <= 6
