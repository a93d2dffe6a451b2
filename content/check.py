"""Checks of a deck against its seed: provenance, names, languages, references and dates."""

from __future__ import annotations

import datetime as dt

from rapidfuzz import fuzz

from content import dates
from content.errors import Problem
from content.model import AnyCard, Deck, EventCard, PersonCard, Seed, Wording
from content.text import fold


def _where_it_differs(quote: str, article: str) -> str:
    """Describe the closest passage of the article and where the quote leaves it."""
    found = fuzz.partial_ratio_alignment(quote, article)
    if found is None or found.score < 60:
        return "no similar passage in the seed"
    passage = article[found.dest_start : found.dest_end]
    at = next((i for i, (a, b) in enumerate(zip(quote, passage, strict=False)) if a != b),
              min(len(quote), len(passage)))
    return f"closest passage differs at character {at + 1}: {passage!r}"


def _quotes(deck: Deck, card: AnyCard, article: str) -> list[Problem]:
    problems = []
    for path, fact in card.facts():
        if fact.quote not in article:
            problems.append(Problem(deck.id, f"quote not found verbatim in seed {deck.seed}; "
                                    f"{_where_it_differs(fact.quote, article)}",
                                    card.id, f"{path}.quote"))
    return problems


def _named(card: AnyCard) -> list[tuple[str, str]]:
    """(field, name) for every name of `card`: its label, the label's translations, its aliases."""
    label = card.label
    named = [("label", label)]
    if isinstance(label, Wording):
        field = next((name for name in type(card).model_fields if getattr(card, name) is label), "label")
        named.extend((f"{field}.{code}", text) for code, text in label.texts.items()
                     if code != label.language)
    named.extend((f"aliases[{i}]", alias) for i, alias in enumerate(card.aliases))
    return named


def _names(deck: Deck) -> list[Problem]:
    owner: dict[str, str] = {}
    problems = []
    for card in deck.cards():
        # The same name in two scripts ("Lavrov", "Лавров") folds to one key: that is fine
        # within a card, and a collision between two cards.
        for field, name in _named(card):
            key = fold(name)
            if not key:
                problems.append(Problem(deck.id, f"name {name!r} has no letters or digits", card.id, field))
            elif key in owner and owner[key] != card.id:
                problems.append(Problem(deck.id, f"alias {name!r} is also a name of card {owner[key]}",
                                        card.id, field))
            owner.setdefault(key, card.id)
    return problems


def _event(deck: Deck, event: EventCard, as_of: dt.date) -> list[Problem]:
    problems = []

    def bad(message: str, field: str) -> None:
        problems.append(Problem(deck.id, message, event.id, field))

    if event.relative_to is not None:
        if event.relative_to == event.id:
            bad("an event cannot be ordered relative to itself", "relative_to")
        elif deck.event(event.relative_to) is None:
            bad(f"no event {event.relative_to!r} in this deck", "relative_to")
    if event.place is not None:
        place = deck.place(event.place)
        if place is None:
            bad(f"no place {event.place!r} in this deck", "place")
        elif event.timezone and event.timezone != place.timezone:
            bad(f"timezone {event.timezone} differs from {place.name}'s {place.timezone}", "timezone")
    if event.date is not None and not dates.states(event.when.quote, event.date, event.until, as_of):
        shown = event.date.isoformat() + (f" to {event.until.isoformat()}" if event.until else "")
        bad(f"date {shown} is not stated in the quote (expected e.g. "
            f"'{dates.example(event.date, event.until)}')", "until" if event.until else "date")
    return problems


def _languages(deck: Deck) -> list[Problem]:
    """Wording missing a language the deck declares, or given in one it does not."""
    declared = deck.languages
    problems = []
    for card, field, wording in deck.wordings():
        missing = [code for code in declared if code not in wording.texts]
        if missing:
            problems.append(Problem(deck.id, f"no wording in {', '.join(missing)} (the deck declares "
                                    f"{', '.join(declared)})", card, field))
        problems.extend(Problem(deck.id, f"wording in {code!r}, a language the deck does not declare",
                                card, field) for code in wording.texts if code not in declared)
    return problems


def _ordering_cycles(deck: Deck) -> list[Problem]:
    problems = []
    for event in deck.events:
        seen = {event.id}
        step = event
        while step.relative_to is not None and (nxt := deck.event(step.relative_to)) is not None:
            if nxt.id in seen:
                problems.append(Problem(deck.id, "events are ordered in a cycle", event.id, "relative_to"))
                break
            seen.add(nxt.id)
            step = nxt
    return problems


def check_deck(deck: Deck, seed: Seed, article: str) -> list[Problem]:
    """Every problem of `deck` measured against `article`; an empty list means it may be served."""
    problems: list[Problem] = []
    if deck.seed != seed.id:
        problems.append(Problem(deck.id, f"deck names seed {deck.seed!r} but was given {seed.id!r}",
                                None, "seed"))
    for card in deck.cards():
        problems.extend(_quotes(deck, card, article))
        if isinstance(card, PersonCard) and card.name not in article:
            problems.append(Problem(deck.id, f"name {card.name!r} does not occur in the seed",
                                    card.id, "name"))
    problems.extend(_names(deck))
    problems.extend(_languages(deck))
    for event in deck.events:
        problems.extend(_event(deck, event, seed.as_of))
    problems.extend(_ordering_cycles(deck))
    for position in deck.positions:
        for i, person in enumerate(position.people):
            if not any(p.id == person for p in deck.people):
                problems.append(Problem(deck.id, f"no person {person!r} in this deck",
                                        position.id, f"people[{i}]"))
    return problems
