"""The drafter's rules on sentences of the kinds news articles write (all names invented)."""

from __future__ import annotations

import datetime as dt

import pytest

from content import dates
from content.draft import events, people, places
from content.draft.events import ArticleDate, Event
from content.draft.facts import QUOTE_MAX, quote_keeping
from content.draft.sentences import split


def roles(text: str) -> dict[str, str | None]:
    return {p.name: p.role.phrase if p.role else None for p in people.find(text, split(text, "en"))}


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Danish Employment Minister Birgitte Lunde said talks were over.", "Birgitte Lunde",
         "Danish Employment Minister"),
        ("The strike was called by union chairman Per Brandt on Monday.", "Per Brandt", "union chairman"),
        ("Hanne Skovgaard, the hospital director, said operations would wait.", "Hanne Skovgaard",
         "the hospital director"),
        ("Treasury Secretary Paulo de la Cruz warned of the cost.", "Paulo de la Cruz", "Treasury Secretary"),
        ("Her Swedish counterpart, Lars Ek, called it a model.", "Lars Ek", "Swedish counterpart"),
        ("Per Brandt, 54, chairman of the nurses' union, said more.", "Per Brandt",
         "chairman of the nurses' union"),
        ("The union's lawyer said so, according to Maja Lind in a statement.", "Maja Lind", None),
    ],
)
def test_a_person_is_found_with_the_role_phrase_the_article_gives(text: str, name: str, role: str | None) -> None:
    assert roles(text)[name] == role


def test_places_organisations_and_title_case_headlines_are_not_people() -> None:
    found = roles("Nurses To Strike In New York City. The New York Times reported that the European Union "
                  "and Saudi Arabia met in Los Angeles. Mr. Holm said nothing.")
    assert found == {}


def test_a_surname_alone_later_is_the_same_person_and_a_possessive_is_not_where_they_act() -> None:
    text = ("Prime Minister Eyvindur Karlsson will host the summit. Karlsson said it would be short. "
            "Karlsson’s office confirmed the plan.")
    (karlsson,) = people.find(text, split(text, "en"))
    assert [(w.text, acts) for _s, w, acts in karlsson.mentions] == [
        ("Eyvindur", True), ("Karlsson", True), ("Karlsson’s", False)]


@pytest.mark.parametrize(
    ("name", "named", "zone", "others"),
    [
        ("Reykjavik", "", "Atlantic/Reykjavik", ()),  # written without its accent
        ("Portland", "", "America/Los_Angeles", ("United States",)),
        ("Paris", "", "Europe/Paris", ("United States",)),
        ("Birmingham", "", "Europe/London", ("United States",)),
        ("Birmingham", "Ministers met in the United States.", "America/Chicago", ("United Kingdom",)),
        ("Kiev", "", "Europe/Kyiv", ()),  # an English exonym
        ("Norway", "", "Europe/Oslo", ()),  # a country: its capital's zone
    ],
)
def test_a_place_gets_the_zone_of_the_most_populous_match(
    name: str, named: str, zone: str, others: tuple[str, ...]
) -> None:
    # named: countries the article names, which a match in them is preferred for
    place = places.lookup(name, places.countries_named(named))
    assert place is not None
    assert place.zone == zone
    assert set(others) <= set(place.others)


def test_a_place_is_where_the_sentence_puts_something_and_a_dateline_names_a_city() -> None:
    text = ("OSLO (Fictional Wire) — Ministers will meet in Bergen on Friday. The invasion of Ukraine and "
            "a Paris agreement were discussed.")
    found = [(m.place.name, m.place.kind) for m in places.find(text, split(text, "en"), [])]
    assert found == [("Oslo", "city"), ("Bergen", "city")]


def event_of(text: str, as_of: dt.date) -> Event:
    sentences = split(text, "en")
    found = dates.find(text)
    where = places.find(text, sentences, [])
    (event,) = events.find(text, sentences, found, ArticleDate(as_of, "test", True), where)
    events.local_time(event)
    return event


@pytest.mark.parametrize(
    ("text", "as_of", "first", "time"),
    [
        # a bare weekday is the nearest one; after "will", the next one
        ("Delegations will arrive in Oslo on Monday for the talks.", dt.date(2026, 11, 13),
         dt.date(2026, 11, 16), None),
        ("The talks in Oslo broke down late on Sunday.", dt.date(2026, 3, 2), dt.date(2026, 3, 1), None),
        ("The vote in Oslo took place last Tuesday.", dt.date(2026, 3, 5), dt.date(2026, 3, 3), None),
        # a zone the article names is turned into the place's local time
        ("The vote in New York is at 3 p.m. EST on Dec. 3.", dt.date(2026, 11, 20), dt.date(2026, 12, 3),
         dt.time(15, 0)),
        ("The summit in Istanbul opens at 14:00 GMT on 17 November 2026.", dt.date(2026, 11, 1),
         dt.date(2026, 11, 17), dt.time(17, 0)),
        ("The summit in Reykjavik opens at 10:00 local time on Tuesday, 17 November 2026.",
         dt.date(2026, 11, 1), dt.date(2026, 11, 17), dt.time(10, 0)),
        # a year left out is the one nearest the article's date
        ("The festival in Oslo opens on January 5.", dt.date(2026, 12, 20), dt.date(2027, 1, 5), None),
    ],
)
def test_an_event_day_and_time_are_read_from_the_article_date(
    text: str, as_of: dt.date, first: dt.date, time: dt.time | None
) -> None:
    event = event_of(text, as_of)
    assert (event.first, event.time) == (first, time)


def test_the_day_of_a_statement_is_no_event() -> None:
    text = "Ministers will meet in Oslo on 4 May, officials said on Friday."
    sentences = split(text, "en")
    found = events.find(text, sentences, dates.find(text), ArticleDate(dt.date(2026, 4, 24), "test", True),
                        places.find(text, sentences, []))
    assert [e.first for e in found] == [dt.date(2026, 5, 4)]


def test_a_quote_of_a_long_sentence_keeps_its_date_whole() -> None:
    text = "The council, " + "which heard farmers and fishers at length, " * 30 + "will vote on 14 October 2026."
    date = next(m for m in dates.find(text))
    quote = quote_keeping(text, 0, len(text), (date.start, date.end))
    assert "14 October 2026" in quote and quote in text and len(quote) <= QUOTE_MAX
