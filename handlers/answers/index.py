"""The answer index of one briefing: every fact of its deck and every sentence of its article.

Built once per briefing when it is first asked (the deck is frozen, so the index never goes
stale), and kept per briefing, so several decks can be served side by side. Ranking is BM25
(bm25s) over concepts (handlers.answers.words); what ranking finds is then checked for cover:
an answer must contain the question's own content words, not merely score well.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from content.loader import Briefing
from content.model import AnyCard, Deck, EventCard, Fact, PersonCard, PlaceCard, PositionCard, Wording
from content.text import MONTHS, WEEKDAYS, fold
from handlers.answers import clauses, sentences
from handlers.answers.clauses import OWNER, Word
from handlers.answers.words import (
    CONCEPTS,
    NATIONS,
    QUESTION_WORDS,
    STOPWORDS,
    concept,
    foreign_tokens,
    sides,
    stem,
    tokens,
    words,
)
from handlers.kept import kept_while_alive

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
    words: tuple[Word, ...] = ()  # what is shown, word by word: who does what (handlers.answers.clauses)
    owner: str | None = None  # the person "he", or a deed with no subject, means in it
    speaker: str | None = None  # the card id of the person who speaks in it, if one does
    speaking: frozenset[str] = frozenset()  # concepts of the words naming who speaks ("union")
    hypothetical: frozenset[str] = frozenset()  # concepts inside its conditions ("if the talks fail")
    # The reasons it gives, each as its strength and its words' concepts and names ("for hosting").
    reasons: tuple[tuple[int, frozenset[str]], ...] = ()
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
        deck = briefing.deck  # the index keeps no reference to the briefing: see handlers.kept
        self.main_event = deck.main_event
        self.cards: dict[str, AnyCard] = {c.id: c for c in deck.cards()}
        self.names = name_words(deck)
        self.people = frozenset(p.id for p in deck.people)
        self.entries = tuple(self._facts(deck)) + tuple(self._sentences(briefing.article))
        self.vocabulary = frozenset(c for e in self.entries for c in e.concepts) | frozenset(
            concept(w) for c in deck.cards() for n in _own_names(c) for w in words(n)) | frozenset(
            t for c in deck.cards() for n in _translated_names(c) for t in foreign_tokens(n))
        known = {w for e in self.entries for w in words(e.text + " " + e.quote)}
        known |= {w for c in deck.cards() for n in _own_names(c) for w in words(n)}
        self.literal = frozenset(stem(w) for w in known)
        self._spelling_by_letter: dict[str, list[str]] = {}
        for word in sorted((known | set(CONCEPTS) | set(self.names)) - STOPWORDS):
            self._spelling_by_letter.setdefault(word[:1], []).append(word)
        self._bm25 = bm25s.BM25()
        self._bm25.index([list(e.ranked) or [""] for e in self.entries], show_progress=False)
        said = [e for e in self.entries if not e.fact]
        # Concepts in a quarter of the article's sentences or more ("russia", "talks"): alone,
        # they do not single out a fact, so a question made only of them is not answered by one.
        self.common = frozenset(c for c in self.vocabulary
                                if sum(c in e.concepts for e in said) * 4 >= max(len(said), 1))
        self.roles = {p.id: _role_concepts(p) for p in deck.people}
        # The story's own subject ("talks", "strike", "summit"): words so common in its article that
        # "who is hosting the summit?" asks who hosts, and a fact need not repeat "summit".
        title = tokens(deck.main.title)
        self.topic = frozenset(c for c in title if c in self.common and c not in NATIONS
                               and not c.isdigit() and c not in _CALENDAR and c not in _ORDINALS)

    # --- building ------------------------------------------------------------------------------

    def _facts(self, deck: Deck) -> Iterable[Entry]:
        for card in deck.cards():
            own = _own_people(card)
            for field, fact in card.facts():
                involves = own | self.mentioned(fact.text) | self.mentioned(fact.quote)
                # The editor's wording in other languages counts as shown: "санкції" finds the sanctions.
                shown = tokens(fact.text) + [c for n in _names_of(card) for c in tokens(n)] + [
                    c for text in fact.text.translations() for c in foreign_tokens(text)]
                said = tokens(fact.text)
                entry = Entry(fact.text, fact.quote, frozenset(shown), tuple(shown + tokens(fact.quote)),
                              frozenset(sides(said) | sides(tokens(fact.quote))),
                              _literal(" ".join((fact.text, *_names_of(card)))), _sequence(said),
                              frozenset(involves), card=card, field=field)
                yield self._read(entry, _owner(card, entry.involves, self.people))

    def _sentences(self, article: str) -> Iterable[Entry]:
        split = sentences.split(article)
        for i, s in enumerate(split):
            text = article[s.start:s.end]
            named = self.mentioned(text)
            if i and split[i - 1].paragraph == s.paragraph and _has_pronoun(text):
                named |= self.mentioned(article[split[i - 1].start:split[i - 1].end])
            found = tokens(text)
            entry = Entry(text, text, frozenset(found), tuple(found), frozenset(sides(found)), _literal(text),
                          _sequence(found), frozenset(named), span=(s.start, s.end))
            yield self._read(entry, _owner(None, entry.involves, self.people))

    def _read(self, entry: Entry, owner: str | None) -> Entry:
        """`entry` with its words in order, who speaks in it and what it says only on a condition."""
        read = clauses.read(entry.text, self.card_named)
        said, speaking = clauses.speaker(read, self.people)
        inside, outside = clauses.conditions(entry.text)
        hypothetical = frozenset(tokens(inside)) - frozenset(tokens(outside))
        reasons = tuple((strength, frozenset(tokens(clause)) | self.mentioned(clause))
                        for strength, clause in clauses.reasons(entry.text))
        return dataclasses.replace(entry, words=read, owner=owner, speaker=owner if said == OWNER else said,
                                   speaking=speaking, hypothetical=hypothetical, reasons=reasons)

    # --- looking up ----------------------------------------------------------------------------

    def mentioned(self, text: str) -> set[str]:
        """Ids of the people and places `text` names unambiguously (exact words only)."""
        found: set[str] = set()
        for word in fold(text).split():
            name = self.names.get(word) or (self.names.get(word[:-1]) if word.endswith("s") else None)
            if name is not None and len(name.cards) == 1:
                found |= name.cards
        return found

    def card_named(self, word: str) -> str | None:
        """The one card a word of the article names ("putin", "lavrov's"), if it names one."""
        name = self.names.get(word) or (self.names.get(word[:-1]) if word.endswith("s") else None)
        return next(iter(name.cards)) if name is not None and len(name.cards) == 1 else None

    def name_of(self, word: str) -> Name | None:
        """The card(s) a reader's word names, forgiving typos in longer names."""
        if word in self.names:
            return self.names[word]
        if len(word) < 5:
            return None
        best = process.extractOne(word, list(self.names), scorer=fuzz.ratio, score_cutoff=80)
        # Below 84, only a name that begins with the reader's letter: "lunda" is Lunde.
        if best is None or (best[1] < 84 and best[0][:1] != word[:1]):
            return None
        return self.names[best[0]]

    def spelled(self, word: str) -> str | None:
        """The article's word a reader's unknown word is a typo of, if one is close enough."""
        if len(word) < 4:
            return None
        # Readers rarely mistype a word's first letter: "sending" is no typo of "ending".
        alike = self._spelling_by_letter.get(word[0], ())
        best = process.extractOne(word, alike, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
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
_ORDINALS = frozenset({"first", "second", "third", "fourth", "last", "next", "previous", "former"})


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


def _owner(card: AnyCard | None, involves: frozenset[str], people: frozenset[str]) -> str | None:
    """The person "he" or a deed with no subject means: the person's own card's, a position's one
    holder, or the one person a sentence (and the sentence before it) names."""
    if isinstance(card, PersonCard):
        return card.id
    if isinstance(card, PositionCard):
        return card.people[0] if len(card.people) == 1 else None
    named = involves & people
    return next(iter(named)) if card is None and len(named) == 1 else None


def _own_people(card: AnyCard) -> set[str]:
    if isinstance(card, PersonCard | PlaceCard):
        return {card.id}
    if isinstance(card, PositionCard):
        return set(card.people)
    if isinstance(card, EventCard) and card.place:
        return {card.place}
    return set()


def name_words(deck: Deck) -> dict[str, Name]:
    """The words that name each person and place: its name's, its one-word aliases', and those of
    spellings of the whole name ("Sergei Lavrov", "Сергей Лавров"); never those of titles
    ("President Putin")."""
    cards: tuple[PersonCard | PlaceCard, ...] = (*deck.people, *deck.places)
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


@kept_while_alive
def answer_index(briefing: Briefing) -> AnswerIndex:
    """The answer index of `briefing`, built on first use and kept while the briefing is served."""
    return AnswerIndex(briefing)
