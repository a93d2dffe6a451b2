"""Finding the card a reader means: aliases, titles, other scripts and typos.

Names are folded (content.text.fold) so case, accents, punctuation and Cyrillic do not matter;
rapidfuzz forgives typos. A lookup either finds one card, finds several equally good ones
(ambiguous), or finds none and offers the nearest names as suggestions. It never invents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from content.model import AnyCard, Deck
from content.text import fold
from handlers.kept import kept_while_alive

FOUND = 80  # a card at least this good, and clearly better than the next, is the answer
CLOSE = 8  # cards within this of the best are "equally good"
SUGGEST = 65  # below this a name is not even worth suggesting
SUBSET = 90  # every word of the query is a word of the name ("hakan" in "hakan fidan")
CONTAINS = 85  # every word of the name is in the query ("lavrov in this story")
WORD_ALIKE = 75  # a word of the query and a word of a name that are this alike are one word mistyped
QUERY_MAX = 120  # no name is longer; matching more of a reader's text only costs time

# Words a reader puts around a name: "who is the", "tell me about", "mr". Only leading ones
# are dropped, so the words inside a title ("head of the delegation") still count.
_LEADING = frozenset(
    "who whos is are was were the a an about tell me mr mrs ms dr please what whats when "
    "where does did do will and so show give info on".split()
)

Outcome = Literal["found", "ambiguous", "none"]


@dataclass(frozen=True, slots=True)
class Lookup:
    outcome: Outcome
    query: str
    card: AnyCard | None = None
    candidates: tuple[AnyCard, ...] = ()  # the tied cards, or suggestions when none was found


def clean(text: str) -> str:
    words = fold(text).split()
    while words and words[0] in _LEADING:
        words.pop(0)
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class _Name:
    folded: str
    words: frozenset[str]
    card: AnyCard


def _aligned(words: frozenset[str], name: _Name) -> bool:
    """Every word of the query is a word of the name, give or take a typo.

    Without this, "turkeys president" would come close to "russian president" as a whole
    string, and a role question would be answered with another country's leader.
    """
    return all(
        len(w) < 3 or w in name.words
        or any(fuzz.ratio(w, n) >= WORD_ALIKE or (len(w) >= 3 and n.startswith(w)) for n in name.words)
        for w in words
    )


def _score(query: str, words: frozenset[str], name: _Name) -> float:
    if query == name.folded:
        return 100.0
    if name.words <= words and len(name.folded) >= 4:
        return max(float(CONTAINS), fuzz.ratio(query, name.folded))
    if not _aligned(words, name):
        return 0.0
    score = max(fuzz.ratio(query, name.folded), fuzz.token_sort_ratio(query, name.folded))
    if words <= name.words and any(len(w) >= 3 for w in words):
        score = max(score, SUBSET)
    return score


class Index:
    """Every name of every card of a deck, folded once."""

    def __init__(self, cards: Iterable[AnyCard]) -> None:
        self._names = [
            _Name(key, frozenset(key.split()), card)
            for card in cards
            for key in dict.fromkeys(clean(n) for n in card.names())
            if key
        ]

    def lookup(self, text: str, kinds: frozenset[str] | None = None) -> Lookup:
        query = clean(text[: QUERY_MAX * 2])[:QUERY_MAX]
        if len(query) < 2:
            return Lookup("none", query)
        words = frozenset(query.split())
        best: dict[str, tuple[float, AnyCard]] = {}
        for name in self._names:
            if kinds is not None and name.card.kind not in kinds:
                continue
            score = _score(query, words, name)
            if score > best.get(name.card.id, (-1.0, name.card))[0]:
                best[name.card.id] = (score, name.card)
        ranked = sorted(best.values(), key=lambda sc: -sc[0])
        if not ranked or ranked[0][0] < SUGGEST:
            return Lookup("none", query)
        top = ranked[0][0]
        if top >= FOUND:
            tied = tuple(card for score, card in ranked if score >= top - CLOSE)
            if len(tied) == 1:
                return Lookup("found", query, tied[0])
            return Lookup("ambiguous", query, None, tied)
        return Lookup("none", query, None, tuple(card for score, card in ranked[:3] if score >= SUGGEST))


@kept_while_alive
def index(deck: Deck) -> Index:
    """The index of a deck's cards, built once per deck."""
    return Index(deck.cards())


PEOPLE = frozenset({"person"})
