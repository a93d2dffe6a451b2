"""What a reader asks: the kind of question, its content words, the names in it, its language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from content.text import MONTHS, WEEKDAYS
from handlers.answers.index import AnswerIndex
from handlers.answers.words import (
    FOREIGN_KINDS,
    FOREIGN_STOPWORDS,
    QUESTION_WORDS,
    STOPWORDS,
    WEAK,
    ascii_lower,
    concept,
    foreign_concept,
    foreign_word,
    is_usa,
    sides,
    stem,
    words,
)

QUESTION_MAX = 400  # no question is longer; reading more of a pasted text only costs time
Kind = Literal["who", "when", "where", "why", "whatif", "yesno", "howmany", "what"]
KINDS: tuple[Kind, ...] = ("who", "when", "where", "why", "whatif", "yesno", "howmany", "what")

_AUXILIARIES = frozenset("is are was were has have had did does do will would can could should shall "
                         "isn aren wasn weren hasn haven didn doesn wont".split())
_COPULAS = frozenset("is was are were whos".split())
_FILLERS = frozenset("and so ok okay but please pls hey hi um well then also".split())
# Opening phrases, tried on the lower-case ASCII question; the longest first.
_OPENINGS: tuple[tuple[str, Kind], ...] = (
    ("what would happen if", "whatif"), ("what happens if", "whatif"), ("what will happen if", "whatif"),
    ("what if", "whatif"), ("if", "whatif"), ("in case", "whatif"), ("suppose", "whatif"),
    ("what time", "when"), ("what date", "when"), ("what day", "when"), ("which day", "when"),
    ("which date", "when"), ("at what time", "when"), ("how soon", "when"), ("how long until", "when"),
    ("what city", "where"), ("which city", "where"), ("what country", "where"), ("which country", "where"),
    ("in which city", "where"), ("in what city", "where"), ("what place", "where"), ("what venue", "where"),
    ("what for", "why"), ("for what reason", "why"), ("for what purpose", "why"),
    ("what was the purpose", "why"), ("what is the purpose", "why"), ("whats the purpose", "why"),
    ("what was the aim", "why"), ("what is the aim", "why"), ("whats the aim", "why"),
    ("what was the reason", "why"), ("what is the reason", "why"), ("how come", "why"),
    ("how many", "howmany"), ("how much", "howmany"),
)
_WORD_KINDS: dict[str, Kind] = {
    "who": "who", "whom": "who", "whose": "who", "whos": "who", "hwo": "who",
    "when": "when", "wen": "when", "whens": "when", "whn": "when",
    "where": "where", "wher": "where", "wheres": "where",
    "why": "why", "whys": "why",
}
_MISTYPED = ("who", "when", "where", "why")
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten hundred thousand".split())
_DATES = frozenset(w.lower() for w in (*MONTHS, *WEEKDAYS))
_ACTION = frozenset({"lead", "host", "propos", "announc", "meet", "visit", "thank", "present", "prepar",
                     "critic", "mediat", "disappoint", "caution", "sanction"})
_TIME_WORDS = frozenset({"time", "hour", "hours", "oclock", "o'clock", "morning", "afternoon", "evening"})
_NUMBERS = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|"
                      r"million|dozens?|first|second|third)\b", re.IGNORECASE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Letters and question words only one of the two languages has ("і", "хто"; "ы", "кто").
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]|\b(хто|коли|де|що|чому|навіщо|скільки)\b", re.IGNORECASE)
_RUSSIAN = re.compile(r"[ыэъёЫЭЪЁ]|\b(кто|когда|где|что|почему|зачем|сколько)\b", re.IGNORECASE)
_TURKISH = re.compile(r"[ğşıĞŞİ]|\b(kim|kimdir|nerede|neden|kaç|hangi|ne zaman|nedir|midir)\b")


@dataclass(frozen=True, slots=True)
class Question:
    text: str  # as the reader typed it
    kind: Kind
    asked: bool  # it has the form of a question (a question word, an auxiliary first, a "?")
    language: str  # "en", "ru", "uk", "tr"
    rest: str  # the words after the question word, as typed: "proposed the second round"
    copular: bool = False  # "who is X", not "who did X"
    key: tuple[str, ...] = ()  # concepts an answer must contain
    weak: tuple[str, ...] = ()  # concepts that help ranking but need not be there
    named: tuple[frozenset[str], ...] = ()  # the cards named, each as the ids a name could mean
    unknown: tuple[str, ...] = ()  # the reader's words the article and the deck do not have
    name_like: tuple[str, ...] = ()  # unknown words written as names ("Zelensky")
    time_of_day: bool = False
    sides: frozenset[tuple[str, str]] = frozenset()  # "the Ukrainian delegation": ("ukrain", "delegation")
    literal: frozenset[str] = frozenset()  # plain stems of the reader's words

    @property
    def query(self) -> list[str]:
        return [*self.key, *self.weak]

    def numeric(self, text: str) -> bool:
        return bool(_NUMBERS.search(text))


def language(text: str, cyrillic: str = "ru") -> str:
    """ "uk", "ru", "tr" or "en"; Cyrillic marking neither Ukrainian nor Russian ("Лавров") is `cyrillic`."""
    if _CYRILLIC.search(text):
        ukrainian, russian = len(_UKRAINIAN.findall(text)), len(_RUSSIAN.findall(text))
        return "uk" if ukrainian > russian else "ru" if russian > ukrainian else cyrillic
    return "tr" if _TURKISH.search(text.lower()) else "en"


def _opening(seq: list[str], lang: str) -> tuple[Kind | None, int]:
    """The kind the first words give, and how many words they take."""
    start = 0
    while start < len(seq) - 1 and seq[start] in _FILLERS:
        start += 1
    head = " ".join(seq[start:start + 5])
    table = FOREIGN_KINDS if lang != "en" else _OPENINGS
    for phrase, kind in table:
        if head == phrase or head.startswith(phrase + " "):
            return kind, start + len(phrase.split())  # type: ignore[return-value]
    if start < len(seq) and seq[start] in _WORD_KINDS:
        return _WORD_KINDS[seq[start]], start + 1
    if lang == "en" and start < len(seq) and 3 <= len(seq[start]) <= 6 and seq[start] not in _AUXILIARIES:
        typed = process.extractOne(seq[start], _MISTYPED, scorer=fuzz.ratio, score_cutoff=80)
        if typed is not None:  # "whre did…", "wehn are…"
            return _WORD_KINDS[typed[0]], start + 1
    for i, word in enumerate(seq[start:start + 6]):  # "tell me who leads…", "do you know when…"
        if word in _WORD_KINDS:
            return _WORD_KINDS[word], start + i + 1
    if lang != "en":  # "müzakereler ne zaman?": the question word may come last
        joined = f" {' '.join(seq)} "
        for phrase, kind in FOREIGN_KINDS:
            if f" {phrase} " in joined:
                return kind, 0  # type: ignore[return-value]
    if start < len(seq) and seq[start] in _AUXILIARIES:
        return "yesno", start
    if start < len(seq) and seq[start] in ("what", "which", "how", "whats", "wat", "wht"):
        return "what", start + 1
    return None, start


def analyse(index: AnswerIndex, text: str, kind: Kind | None = None) -> Question:
    """Read `text` as a question; `kind` when the command already says it (`/who …`)."""
    text = text[:QUESTION_MAX]
    lang = language(text)
    seq = words(text)
    found, skip = _opening(seq, lang) if kind is None else (kind, 0)
    asked = found is not None or text.rstrip().endswith("?")
    kind = found or "what"
    rest_words = seq[skip:]
    copular = kind == "who" and (
        (skip > 0 and seq[skip - 1] == "whos") or (bool(rest_words) and rest_words[0] in _COPULAS)
        or (lang != "en" and not any(foreign_concept(w) in _ACTION for w in rest_words)))
    parts = _content(index, text, rest_words, lang)
    key = tuple(dict.fromkeys(c for c in parts.concepts if c not in WEAK))
    weak = tuple(dict.fromkeys(c for c in parts.concepts if c in WEAK))
    if copular and any(c in _ACTION for c in key):
        copular = False
    if kind == "why":
        weak = (*weak, "purpos")
    return Question(
        text, kind, asked, lang, _rest(text, skip), copular, key, weak, tuple(parts.named),
        tuple(parts.unknown), tuple(parts.name_like),
        time_of_day=kind == "when" and bool(_TIME_WORDS & set(seq)), sides=frozenset(sides(parts.concepts)),
        literal=frozenset(stem(w) for w in rest_words if w not in STOPWORDS),
    )


@dataclass
class _Parts:
    concepts: list[str] = field(default_factory=list)
    named: list[frozenset[str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    name_like: list[str] = field(default_factory=list)


def _content(index: AnswerIndex, text: str, seq: list[str], lang: str) -> _Parts:
    parts = _Parts()
    capitals = _capitalised(text)
    for i, word in enumerate(seq):
        if is_usa(seq, i):
            parts.concepts.append("usa")
            continue
        bare = word.removesuffix("'s").replace("'", "").rstrip(".")
        if not bare or bare in STOPWORDS or bare in QUESTION_WORDS or bare in _AUXILIARIES:
            continue
        if lang != "en" and (bare in FOREIGN_STOPWORDS or any(p == bare for p, _ in FOREIGN_KINDS)):
            continue
        _place(index, word, bare, lang, bare in capitals, parts)
    parts.unknown = [_as_typed(text, w) for w in parts.unknown]
    parts.name_like = [_as_typed(text, w) for w in parts.name_like]
    return parts


def _as_typed(text: str, word: str) -> str:
    found = re.search(r"\b" + re.escape(word) + r"\b", text, re.IGNORECASE)
    return found.group(0) if found else word


def _place(index: AnswerIndex, word: str, bare: str, lang: str, capital: bool, parts: _Parts,
           *, respelled: bool = False) -> None:
    name = index.name_of(bare)
    if name is not None:
        if name.cards not in parts.named:
            parts.named.append(name.cards)
        return
    if bare.isdigit() or bare in _DATES or bare in _NUMBER_WORDS:  # a date narrows a question down
        parts.concepts.append("date")
        return
    # Another language's word: the glossary's concept, else a word of the deck's translated
    # wording whatever its ending, else an English word among the reader's ("санкции and tariffs").
    found = concept(word) if lang == "en" else foreign_word(bare)
    if found not in index.vocabulary and lang != "en":
        found = concept(word)
    if found in index.vocabulary:
        parts.concepts.append(found)
        return
    spelled = None if respelled else index.spelled(bare)
    if spelled is not None:
        _place(index, spelled, spelled, "en", capital, parts, respelled=True)
        return
    if lang != "en" and not capital:
        return  # a word of another language the glossary lacks: no reason to doubt the answer
    if concept(word) in WEAK:
        parts.concepts.append(concept(word))
        return
    parts.unknown.append(word)
    if capital:
        parts.name_like.append(word)


def _capitalised(text: str) -> set[str]:
    """Words written with a capital letter other than the question's first word."""
    raw = text.split()
    return {ascii_lower(w).strip("?!.,;:'\"“”‘’()").removesuffix("'s").replace("'", "")
            for w in raw[1:] if w[:1].isupper()}


def _rest(text: str, skip: int) -> str:
    """The reader's own words after the first `skip` (the question word), without the final mark."""
    parts = text.strip().split()
    return " ".join(parts[skip:]).rstrip(" ?!.") if skip < len(parts) else ""
