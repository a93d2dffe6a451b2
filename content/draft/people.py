"""People named in the article, with the role phrase it gives them and the sentences they act in.

A person is a run of two to four capitalised words that is neither a place nor an organisation,
with a role phrase before it ("Danish Employment Minister Mette Olsen", "union chairman Per
Berg"), an apposition after it ("Mette Olsen, the employment minister,"), a title ("Dr."), or a
reporting verb ("..., Per Berg said"). Later mentions by surname alone are the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from content.draft import places
from content.draft.sentences import Sentence
from content.draft.words import (
    HONORIFICS,
    ORGANISATION,
    PARTICLES,
    REPORTING,
    ROLES,
    STOPWORDS,
    Token,
    tokens,
)
from content.text import MONTHS, WEEKDAYS

_CALENDAR = frozenset(w.casefold() for w in (*MONTHS, *WEEKDAYS))
_MAX_MODIFIERS = 3  # lower-case words before a role noun: "former deputy prime minister"


@dataclass(frozen=True, slots=True)
class Role:
    phrase: str  # "Danish Employment Minister"
    start: int  # the quote that shows it: role and name together
    end: int


@dataclass(slots=True)
class Person:
    name: str
    first: int  # offset of the first mention
    role: Role | None
    mentions: list[tuple[Sentence, Token, bool]] = field(default_factory=list)  # (sentence, word, acts)
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


def find(text: str, sentences: list[Sentence]) -> list[Person]:
    people: dict[str, Person] = {}
    for sentence in sentences:
        words = tokens(text, sentence.start, sentence.end)
        for run in _runs(words):
            _take(text, sentence, words, run, people)
    found = sorted(people.values(), key=lambda p: p.first)
    _surname_mentions(text, sentences, found)
    return found


def _runs(words: list[Token]) -> list[tuple[int, int]]:
    """(first, last+1) indexes of runs of capitalised words (particles such as "van" inside)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if not (words[i].is_word and words[i].capitalised):
            i += 1
            continue
        j = i + 1
        while j < len(words) and words[j].is_word and not words[j - 1].possessive:
            if not words[j].capitalised:
                k = j  # particles lead on to a capitalised word: "Paulo de la Cruz"
                while k < len(words) and words[k].lower in PARTICLES:
                    k += 1
                if k == j or k >= len(words) or not (words[k].is_word and words[k].capitalised):
                    break
                j = k
            j += 1
        runs.append((i, j))
        i = j
    return runs


def _take(text: str, sentence: Sentence, words: list[Token], run: tuple[int, int],
          people: dict[str, Person]) -> None:
    first, last = run
    titles = ROLES | HONORIFICS
    role_end = max((k for k in range(first, last) if words[k].bare.casefold() in titles), default=None)
    name_first = role_end + 1 if role_end is not None else first
    while name_first < last and words[name_first].lower in STOPWORDS:
        name_first += 1
    name_words = words[name_first:last]
    if not _is_name(name_words):
        return
    name = text[name_words[0].start:name_words[-1].end]
    name = name[: len(name) - (len(name_words[-1].text) - len(name_words[-1].bare))]
    role = (_role_before(text, words, name_first, name_words[-1])
            or _apposition(text, words, last, name_words[0]))
    signal = role is not None or _reported(words, name_first, last)
    known = people.get(name)
    if known is None and not signal:
        return
    if known is None:
        known = people[name] = Person(name, name_words[0].start, role)
    elif known.role is None and role is not None:
        known.role = role
    known.spans.append((name_words[0].start, name_words[-1].end))
    known.mentions.append((sentence, name_words[0], _acts(words, name_first, last)))


def _is_name(words: list[Token]) -> bool:
    if not 2 <= len(words) <= 4 or not words[-1].capitalised:
        return False
    for w in words:
        lower = w.bare.casefold()
        if lower in STOPWORDS | ROLES | ORGANISATION | _CALENDAR or not w.is_word or "." in w.text:
            return False
    text = " ".join(w.bare for w in words)
    return not places.is_place(text)


def _role_before(text: str, words: list[Token], name_first: int, name_last: Token) -> Role | None:
    """The role phrase right before the name: capitalised words and lower-case modifiers that end
    in a role noun ("U.S. President", "presidential aide", "union chairman")."""
    k = name_first - 1
    comma = k > 0 and words[k].text == "," and words[k - 1].bare.casefold() in ROLES
    if comma:
        k -= 1  # "Her Swedish counterpart, Lars Ek, said": the role stands before a comma
    if k < 0 or words[k].bare.casefold() not in ROLES | HONORIFICS:
        return None
    start = k
    modifiers = 0
    while start - 1 >= 0:
        w = words[start - 1]
        if not w.is_word or w.lower in STOPWORDS or w.lower in REPORTING:
            break
        if not w.capitalised:
            modifiers += 1
            if modifiers > _MAX_MODIFIERS:
                break
        start -= 1
    if words[k].bare.casefold() in HONORIFICS and start == k:
        return None  # "Mr." alone is a title, not a role
    if start < k and words[start].lower in ("her", "his", "their"):
        start += 1
    phrase = text[words[start].start:words[k].end]
    return Role(phrase, words[start].start, name_last.end)


def _apposition(text: str, words: list[Token], last: int, name_first: Token) -> Role | None:
    """", the employment minister," or ", chairman of the nurses' union," after the name."""
    i = last
    if i >= len(words) or words[i].text != ",":
        return None
    i += 1
    if i + 1 < len(words) and words[i].text.isdigit() and words[i + 1].text == ",":
        i += 2  # "Per Berg, 54, chairman of ..."
    end = i + (i < len(words) and words[i].lower in ("the", "a", "an"))
    while end < len(words) and words[end].text not in (",", ".", ";", "—", "–", "(") and end - i < 9:
        if words[end].lower in REPORTING or words[end].lower in ("who", "which", "that", "whose"):
            return None
        end += 1
    phrase_words = words[i:end]
    if not phrase_words or not any(w.bare.casefold() in ROLES for w in phrase_words):
        return None
    phrase = text[phrase_words[0].start:phrase_words[-1].end]
    return Role(phrase, name_first.start, phrase_words[-1].end)


def _reported(words: list[Token], first: int, last: int) -> bool:
    """"..., Per Berg said", "according to Per Berg", "Dr. Anna Holm": a person, not a thing."""
    after = [w.lower for w in words[last:last + 3]]
    before = [w.lower for w in words[max(0, first - 2):first]]
    title = before[-2] if before[-1:] == ["."] and len(before) == 2 else before[-1] if before else ""
    titled = title in HONORIFICS  # "Dr. Anna Holm", "Ms Lise Dahl"
    return any(w in REPORTING for w in after) or before == ["according", "to"] or titled


def _acts(words: list[Token], first: int, last: int) -> bool:
    """Whether the mention is the one acting: not a possessive, not after a preposition."""
    if words[last - 1].possessive:
        return False
    before = words[first - 1].lower if first > 0 else ""
    return before not in ("with", "by", "from", "to", "of", "and", "for", "against", "on", "about", "the")


def _surname_mentions(text: str, sentences: list[Sentence], people: list[Person]) -> None:
    surnames: dict[str, Person | None] = {}
    for person in people:
        surnames[person.surname] = None if person.surname in surnames else person
    for sentence in sentences:
        words = tokens(text, sentence.start, sentence.end)
        for i, w in enumerate(words):
            owner = surnames.get(w.bare)
            if owner is None or any(s <= w.start < e for s, e in owner.spans):
                continue
            if i > 0 and words[i - 1].capitalised and words[i - 1].lower not in STOPWORDS | HONORIFICS \
                    and words[i - 1].bare.casefold() not in ROLES:
                continue  # another name ending in the same word
            owner.spans.append((w.start, w.end))
            owner.mentions.append((sentence, w, _acts(words, i, i + 1)))
    for person in people:
        person.mentions.sort(key=lambda m: m[1].start)
