"""From an article to a draft deck that passes the check: the drafter's one entry point."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from content import dates
from content.check import check_deck
from content.draft import cards, events, people, places
from content.draft.cards import Card, Notes
from content.draft.events import ArticleDate, Event
from content.draft.facts import quote
from content.draft.people import Person
from content.draft.places import Place, PlaceMention
from content.draft.received import ArticleError, Received
from content.draft.sentences import Sentence, split
from content.errors import DeckError, Problem
from content.loader import parse_deck
from content.model import SLUG_PATTERN, Seed
from content.text import fold

_MIN_LEAD_WORDS = 5
_REPAIRS = 8  # rounds of dropping what the check refuses; each round drops at least one thing


@dataclass(slots=True)
class Draft:
    """A deck and its seed's metadata, ready to be written, and what the editor should check."""

    id: str
    received: Received
    seed: dict[str, Any]
    deck: dict[str, Any]
    notes: Notes
    article_date: ArticleDate
    language: str
    dropped: list[str] = field(default_factory=list)  # what the check refused, for the editor


def detect_language(text: str) -> str:
    import py3langid

    code = str(py3langid.classify(text)[0])
    return code if re.fullmatch(r"[a-z]{2}", code) else "en"


def draft(received: Received, *, deck_id: str | None = None, language: str | None = None,
          as_of: dt.date | None = None, today: dt.date | None = None) -> Draft:
    """The draft deck of `received`; ArticleError when the article gives too little for one."""
    text = received.text
    language = language or detect_language(text)
    sentences = split(text, language)
    lead = [s for s in sentences if len(s.text.split()) >= _MIN_LEAD_WORDS]
    if len(lead) < 3:
        raise ArticleError(f"{received.name} has {len(lead)} sentence(s) of {_MIN_LEAD_WORDS} words or more: "
                           "a deck's summary needs at least three")
    found = dates.find(text)
    named = people.find(text, sentences)
    where = places.find(text, sentences, [span for p in named for span in p.spans])
    when = events.article_date(text, sentences, found, received.date, today or dt.date.today())
    if as_of is not None:
        when = ArticleDate(as_of, "the editor's --as-of", True)
    dated = events.find(text, sentences, found, when, where)
    if not dated:
        written_in = f" (the drafter reads dates written in English; this article seems to be in " \
                     f"'{language}')" if language != "en" else ""
        raise ArticleError(f"{received.name} states no date the drafter can read{written_in}: a deck needs "
                           "at least one dated event (write its date as e.g. “2 June 2026” or “June 2”)")
    main = max(dated, key=lambda e: (events.score(e, when.day), -e.mention.start))
    _main_place(main, where)
    for e in dated:
        events.local_time(e)
    chosen = _id(deck_id, main, when.day)
    result = _assemble(received, chosen, text, lead, named, dated, main, where, when, language)
    _repair(result)
    return result


def _main_place(main: Event, where: list[PlaceMention]) -> None:
    """An article's main event with no place in its sentence: the city the article names most."""
    if main.place is not None:
        return
    for kind in ("city", "country"):
        named = [m.place for m in where if m.place.kind == kind]
        if named:
            main.place = max(named, key=lambda p: sum(c.name == p.name for c in named))
            main.notes.append(f"the place ({main.place.name}) is the {kind} the article names most, not "
                              "one named with the date")
            return


def _id(wanted: str | None, main: Event, as_of: dt.date) -> str:
    if wanted is not None:
        if not re.fullmatch(SLUG_PATTERN, wanted):
            raise ArticleError(f"--id {wanted!r}: use 1-40 lower-case letters, digits and dashes, "
                               "starting with a letter or digit")
        return wanted
    words = [main.place.name if main.place else "", main.keyword or "story"]
    stem = "-".join(fold(" ".join(words)).split())[:29].strip("-") or "story"
    return f"{stem}-{as_of.isoformat()}"


def _assemble(received: Received, deck_id: str, text: str, lead: list[Sentence], named: list[Person],
              dated: list[Event], main: Event, where: list[PlaceMention], when: ArticleDate,
              language: str) -> Draft:
    notes: Notes = defaultdict(list)
    taken = {"summary"}
    people_cards = [cards.person(text, p, taken, notes) for p in named]
    used = _places_used(dated, where)
    place_cards = [cards.place(text, p, where, taken, notes) for p in used]
    place_ids = {p.name: card["id"] for p, card in zip(used, place_cards, strict=True)}
    titles: set[str] = set()
    event_cards = [cards.event(text, e, place_ids.get(e.place.name) if e.place else None, taken, titles,
                               notes) for e in dated]
    main_id = event_cards[dated.index(main)]["id"]
    notes["", "main_event"].append(f"chosen as the event the article is about ({main.mention.text!r}); "
                                   "pick another event id if it is not")
    deck = {"id": deck_id, "title": event_cards[dated.index(main)]["title"], "seed": deck_id,
            "main_event": main_id, "summary": cards.summary(text, lead, notes),
            "people": people_cards, "events": event_cards, "places": place_cards}
    notes["", "title"].append("the main event's title: name the story as the editor would")
    _unique_names(deck)
    seed = _seed(received, deck_id, lead[0], when, language, notes)
    return Draft(deck_id, received, seed, deck, notes, when, language)


def _places_used(dated: list[Event], where: list[PlaceMention]) -> list[Place]:
    """The events' places and every city the article puts something in, in reading order."""
    chosen: dict[str, Place] = {}
    for m in sorted(where, key=lambda m: m.start):
        if m.place.kind == "city":
            chosen.setdefault(m.place.name, m.place)
    for e in dated:
        if e.place is not None:
            chosen.setdefault(e.place.name, e.place)
    return list(chosen.values())


def _unique_names(deck: dict[str, Any]) -> None:
    """Drop every alias that another card also answers to (the check refuses such collisions)."""
    all_cards: list[Card] = [deck["summary"], *deck["people"], *deck["events"], *deck["places"]]
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for card in all_cards:
        for name in (_label(card), *card.get("aliases", [])):
            owners[fold(name)].add(card["id"])
    for card in all_cards:
        label = fold(_label(card))
        kept = [a for a in card.get("aliases", []) if len(owners[fold(a)]) == 1 and fold(a) != label]
        card["aliases"] = list(dict.fromkeys(kept))


def _label(card: Card) -> str:
    return str(card.get("name") or card.get("title") or "Summary")


def _seed(received: Received, deck_id: str, headline: Sentence, when: ArticleDate, language: str,
          notes: Notes) -> dict[str, Any]:
    import hashlib

    first_line = received.text.strip().splitlines()[0].strip()
    title = received.title or (first_line if len(first_line) <= 150 else quote(headline.text, 0, 150, 150))
    advice = "; make it the day the article was written" if not when.sure else ""
    notes["seed", "as_of"].append(f"from {when.how}{advice}")
    notes["seed", "reports"].append("the article's first sentence: say in a line what it reports")
    notes["seed", "language"].append("detected from the text")
    return {"id": deck_id, "file": f"{deck_id}.txt", "title": title, "reports": headline.text,
            "as_of": when.day.isoformat(), "language": language,
            "publisher": received.publisher or "not stated in the article",
            "received_as": received.described(), "sha256": hashlib.sha256(received.data).hexdigest()}


def problems(result: Draft) -> list[Problem]:
    """What the check (and the model) find wrong with the draft, as the loader would report it."""
    try:
        deck = parse_deck(result.deck, result.id)
    except DeckError as exc:
        return exc.problems
    seed = Seed.model_validate(result.seed)
    return check_deck(deck, seed, result.received.text)


def _repair(result: Draft) -> None:
    """Drop what the check refuses (an alias, a bullet, a card), never the main event."""
    for _ in range(_REPAIRS):
        found = problems(result)
        if not found:
            return
        if not any(_drop(result, p) for p in found):
            break
    found = problems(result)
    if found:
        raise DeckError(found)


def _drop(result: Draft, problem: Problem) -> bool:
    deck = result.deck
    for group in ("people", "events", "places"):
        for card in deck[group]:
            if card["id"] != problem.card:
                continue
            if problem.field and problem.field.startswith("aliases"):
                card["aliases"] = []
            elif card["id"] == deck["main_event"]:
                return False
            else:
                deck[group].remove(card)
                _unlink(deck, card["id"])
            result.dropped.append(f"{group[:-1]} {card['id']}: {problem.message}")
            return True
    return False


def _unlink(deck: dict[str, Any], card_id: str) -> None:
    for e in deck["events"]:
        if e.get("place") == card_id:
            del e["place"]
