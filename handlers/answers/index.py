"""The answer index of one briefing: every fact of its deck and every sentence of its article.

Built once per briefing when it is first asked (the deck is frozen, so the index never goes
stale), and kept per briefing, so several decks can be served side by side. Ranking is BM25
(bm25s) over concepts (handlers.answers.words); what ranking finds is then checked for cover:
an answer must contain the question's own content words, not merely score well.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from content.loader import Briefing
from content.model import AnyCard, EventCard, Fact, PersonCard, PlaceCard, PositionCard, Wording
from content.text import MONTHS, WEEKDAYS, fold
from handlers.answers import sentences
from handlers.answers.words import (
    CONCEPTS,
    QUESTION_WORDS,
    STOPWORDS,
    concept,
    foreign_tokens,
    sides,
    stem,
    tokens,
    words,
)

# bm25s sets its own logger to DEBUG on import, so every index built would log through the
# process's handlers; its messages are progress notes, not ours to show.
logging.getLogger("bm25s").setLevel(logging.WARNING)

TYPO_CUTOFF = 82  # how alike an unknown word must be to a known one to be read as it


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing the bot can show: a fact of the deck, or a sentence of the article verbatim."""

    text: str  # what is shown: the fact's text, or the sentence itself
    quote: str  # the verbatim passage of the article behind it
    concepts: frozenset[str]  # concepts of what is shown: an answer must cover the question with these
    ranked: tuple[str, ...]  # concepts BM25 ranks it by (a fact's quote too)
    sides: frozenset[tuple[str, str]]  # whose thing it speaks of: ("russia", "delegation")
    literal: frozenset[str]  # plain stems of what is shown: the reader's very words rank first
    sequence: tuple[str, ...]  # concepts of what is shown, in order: who does what comes first
    involves: frozenset[str]  # ids of the cards it is about or names
    card: AnyCard | None = None
    field: str | None = None  # the fact's place in its card: "role", "did[2]"
    span: tuple[int, int] | None = None  # a sentence's characters in the article

    @property
    def fact(self) -> bool:
        return self.card is not None


@dataclass(frozen=True, slots=True)
class Name:
    """A word that names a card ("lavrov", "medinskiy", "istanbul")."""

    word: str
    cards: frozenset[str]


class AnswerIndex:
    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        deck = briefing.deck
        self.cards: dict[str, AnyCard] = {c.id: c for c in deck.cards()}
        self.names = _name_words((*deck.people, *deck.places))
        self.entries = tuple(self._facts()) + tuple(self._sentences())
        self.vocabulary = frozenset(c for e in self.entries for c in e.concepts) | frozenset(
            concept(w) for c in deck.cards() for n in _own_names(c) for w in words(n)) | frozenset(
            t for c in deck.cards() for n in _translated_names(c) for t in foreign_tokens(n))
        known = {w for e in self.entries for w in words(e.text + " " + e.quote)}
        known |= {w for c in deck.cards() for n in _own_names(c) for w in words(n)}
        self.literal = frozenset(stem(w) for w in known)
        self._spelling = sorted((known | set(CONCEPTS) | set(self.names)) - STOPWORDS)
        self._bm25 = bm25s.BM25()
        self._bm25.index([list(e.ranked) or [""] for e in self.entries], show_progress=False)
        said = [e for e in self.entries if not e.fact]
        # Concepts in a quarter of the article's sentences or more ("russia", "talks"): alone,
        # they do not single out a fact, so a question made only of them is not answered by one.
        self.common = frozenset(c for c in self.vocabulary
                                if sum(c in e.concepts for e in said) * 4 >= max(len(said), 1))
        self.roles = {p.id: _role_concepts(p) for p in deck.people}

    # --- building ------------------------------------------------------------------------------

    def _facts(self) -> Iterable[Entry]:
        for card in self.briefing.deck.cards():
            own = _own_people(card)
            for field, fact in card.facts():
                involves = own | self.mentioned(fact.text) | self.mentioned(fact.quote)
                # The editor's wording in other languages counts as shown: "санкції" finds the sanctions.
                shown = tokens(fact.text) + [c for n in _names_of(card) for c in tokens(n)] + [
                    c for text in fact.text.translations() for c in foreign_tokens(text)]
                said = tokens(fact.text)
                yield Entry(fact.text, fact.quote, frozenset(shown), tuple(shown + tokens(fact.quote)),
                            frozenset(sides(said) | sides(tokens(fact.quote))),
                            _literal(" ".join((fact.text, *_names_of(card)))), _sequence(said),
                            frozenset(involves), card, field)

    def _sentences(self) -> Iterable[Entry]:
        article = self.briefing.article
        split = sentences.split(article)
        for i, s in enumerate(split):
            text = article[s.start:s.end]
            named = self.mentioned(text)
            if i and split[i - 1].paragraph == s.paragraph and _has_pronoun(text):
                named |= self.mentioned(article[split[i - 1].start:split[i - 1].end])
            found = tokens(text)
            yield Entry(text, text, frozenset(found), tuple(found), frozenset(sides(found)), _literal(text),
                        _sequence(found), frozenset(named), span=(s.start, s.end))

    # --- looking up ----------------------------------------------------------------------------

    def mentioned(self, text: str) -> set[str]:
        """Ids of the people and places `text` names unambiguously (exact words only)."""
        found: set[str] = set()
        for word in fold(text).split():
            name = self.names.get(word) or (self.names.get(word[:-1]) if word.endswith("s") else None)
            if name is not None and len(name.cards) == 1:
                found |= name.cards
        return found

    def name_of(self, word: str) -> Name | None:
        """The card(s) a reader's word names, forgiving typos in longer names."""
        if word in self.names:
            return self.names[word]
        if len(word) < 5:
            return None
        best = process.extractOne(word, list(self.names), scorer=fuzz.ratio, score_cutoff=84)
        return self.names[best[0]] if best else None

    def spelled(self, word: str) -> str | None:
        """The article's word a reader's unknown word is a typo of, if one is close enough."""
        if len(word) < 4:
            return None
        best = process.extractOne(word, self._spelling, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return str(best[0]) if best else None

    def occurs(self, text: str) -> bool:
        """Whether the article or the deck uses a content word of `text` (or a name in it)."""
        found = [stem(w) for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS]
        return any(s in self.literal for s in found) or bool(self.mentioned(text))

    def scores(self, query: list[str]) -> np.ndarray:
        known = [q for q in query if q in self._bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.entries))
        return np.asarray(self._bm25.get_scores(known))


_CALENDAR = frozenset(concept(w.lower()) for w in (*MONTHS, *WEEKDAYS))


def _sequence(concepts: list[str]) -> tuple[str, ...]:
    """The concepts in order, dates left out: "Announced, on 29 May 2025, a proposal" leads with the deed."""
    return tuple(c for c in concepts if not c.isdigit() and c not in _CALENDAR)


def _literal(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS)


def _has_pronoun(text: str) -> bool:
    """ "he", "his": a sentence that names no one speaks of someone the one before named."""
    return bool({"he", "she", "his", "her", "him"} & set(text.lower().replace(",", " ").split()))


def _own_names(card: AnyCard) -> tuple[str, ...]:
    """The card's names in the deck's own language and its aliases: its translated names left out."""
    return (card.label, *card.aliases)


def _translated_names(card: AnyCard) -> tuple[str, ...]:
    label = card.label
    return label.translations() if isinstance(label, Wording) else ()


def _names_of(card: AnyCard) -> tuple[str, ...]:
    """The names a fact of `card` is about even when its text leaves them out ("Announced, …")."""
    return (card.name,) if isinstance(card, PersonCard | PlaceCard) else ()


def _own_people(card: AnyCard) -> set[str]:
    if isinstance(card, PersonCard | PlaceCard):
        return {card.id}
    if isinstance(card, PositionCard):
        return set(card.people)
    if isinstance(card, EventCard) and card.place:
        return {card.place}
    return set()


def _name_words(cards: Iterable[PersonCard | PlaceCard]) -> dict[str, Name]:
    """The words that name each card: its name's, its one-word aliases', and those of spellings
    of the whole name ("Sergei Lavrov", "Сергей Лавров"); never those of titles ("President Putin")."""
    owners: dict[str, set[str]] = {}
    for card in cards:
        name = fold(card.name).split()
        own = set(name)
        for alias in card.aliases:
            folded = fold(alias).split()
            if len(folded) == 1 or _respelled(folded, name):
                own |= set(folded)
        for word in own - STOPWORDS:
            owners.setdefault(word, set()).add(card.id)
    return {w: Name(w, frozenset(ids)) for w, ids in owners.items() if len(w) >= 3}


def _respelled(alias: list[str], name: list[str]) -> bool:
    return len(alias) == len(name) and all(fuzz.ratio(a, n) >= 70 for a, n in zip(alias, name, strict=True))


def _role_concepts(person: PersonCard) -> frozenset[str]:
    """What a person is, in concepts: role, affiliation, and aliases that are titles."""
    facts: list[Fact] = [person.role] + ([person.affiliation] if person.affiliation else [])
    text = " ".join([*(f.text for f in facts), *(f.quote for f in facts), *person.aliases, person.name])
    translated = " ".join(t for f in facts for t in f.text.translations())
    return frozenset(tokens(text) + foreign_tokens(translated))


_INDEXES: dict[int, tuple[Briefing, AnswerIndex]] = {}


def answer_index(briefing: Briefing) -> AnswerIndex:
    """The answer index of `briefing`, built on first use and kept while the briefing is served."""
    cached = _INDEXES.get(id(briefing))
    if cached is None or cached[0] is not briefing:
        cached = _INDEXES[id(briefing)] = (briefing, AnswerIndex(briefing))
    return cached[1]
