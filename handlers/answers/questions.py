"""What a reader asks: the kind of question, its content words, the names in it, its language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from content import dates
from content.text import MONTHS, WEEKDAYS, fold
from handlers.answers.index import AnswerIndex
from handlers.answers.words import (
    FOREIGN_KINDS,
    FOREIGN_STOPWORDS,
    NATIONS,
    NEAR,
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
    ("which venue", "where"), ("in which venue", "where"), ("which building", "where"),
    ("what building", "where"),
    ("how long", "howmany"), ("what is the deadline", "when"), ("whats the deadline", "when"),
    ("what's the deadline", "when"), ("by when", "when"), ("until when", "when"),
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
    "why": "why", "whys": "why", "why did": "why",  # "why did" is one expression of purpose (words.py)
}
_MISTYPED = ("who", "when", "where", "why")
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten hundred thousand".split())
_DATES = frozenset(w.lower() for w in (*MONTHS, *WEEKDAYS))
_AMBIGUOUS_MONTHS = frozenset({"march", "may"})
_ACTION = frozenset({"lead", "host", "propos", "announc", "meet", "visit", "thank", "present", "prepar",
                     "critic", "mediat", "disappoint", "caution", "sanction"})
_TIME_WORDS = frozenset({"time", "hour", "hours", "oclock", "o'clock", "morning", "afternoon", "evening"})
# Words that only say which part of a question's kind is asked: "when does it start?", "where do
# they work?". They need not be in the answer, and a reader's word for them the article lacks is
# no reason to doubt it.
_KIND_WEAK: dict[str, frozenset[str]] = {
    "when": frozenset({"start", "end", "open", "close", "begin", "finish", "kick", "deadlin"}),
    "where": frozenset({"work", "live", "base", "locat", "situat", "stay", "held"}),
    "why": frozenset({"achiev", "accomplish", "suppos", "meant"}),
}
_ENDS = frozenset({"end", "finish", "close"})
_BY_WHEN = (["by", "when"], ["until", "when"])
# Words of going somewhere: "where did Fidan go" asks for the visit, but "where will the march go"
# about an article that never says "go" asks only where the march is.
GOING = frozenset({"visit", "come", "came"})
_FORGIVEN: dict[str, frozenset[str]] = {"where": GOING}
# Words that ask about another one of a thing: "the last strike", "the previous summit". When the
# article never uses them, it does not speak of that other one.
_LAST = frozenset({"last", "lasts", "lasted"})
ORDINALS = frozenset("last previous earlier prior former another first third fourth".split())
_PURPOSE = frozenset({"achieve", "accomplish", "supposed", "meant", "intended"})
# Words that ask what someone said or holds: "what did Putin say", "what is Ukraine's position".
_STATEMENT = frozenset("""say said says saying think thinks thought want wants wanted feel feels felt believe
believes react reacted reacts respond responded position positions stance view views opinion opinions
reaction response comment comments commented""".split())
_VIEWS = frozenset("""think thinks thought want wants wanted feel feels felt believe believes
position positions stance view views opinion opinions""".split())  # held views: positions answer first
_SAYING = ("say", "think", "want")  # the same, in the glossary of other languages
_ABOUT = frozenset("about on regarding concerning of over towards toward o ob pro".split())
_AFTER_REACTION = frozenset({"react", "reacted", "reacts", "respond", "responded", "reaction", "response"})
# Past participles that are not "-ed": "when was the proposal made", "who met Putin".
_IRREGULAR = frozenset("""made held met led begun began given taken sent done brought broke broken set won
lost spoken told written chosen drawn seen built paid signed""".split())
ADJECTIVAL = ("ian", "ish", "can", "ians", "cans", "ese")  # "Ukrainian", "Turkish", "American"
_NUMBERS = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|"
                      r"million|dozens?|first|second|third)\b", re.IGNORECASE)
_YEAR_OR_CLOCK = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b")


def _undated(text: str) -> str:
    """`text` without its dates, years and times of day: "2 March" is no answer to "how many"."""
    for mention in reversed(dates.find(text)):
        text = text[:mention.start] + text[mention.end:]
    return _YEAR_OR_CLOCK.sub("", text)


_SPAN = re.compile(r"\b(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[- ]"
                   r"(minutes?|hours?|days?|weeks?|months?|years?)\b|"
                   r"\bfrom \d{1,2}(?: \w+)? (?:to|until) \d{1,2}\b|\b\d{1,2}\s*[-–]\s*\d{1,2}\b",
                   re.IGNORECASE)
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
    deed: str | None = None  # the concept of what is done: "meet" in "who met Putin?"
    objects: frozenset[str] = frozenset()  # cards named after the deed: whom it is done to ("putin")
    party: frozenset[str] = frozenset()  # sides the answer must be on: "for Ukraine", "Ukraine's"
    near: tuple[tuple[str, frozenset[str]], ...] = ()  # concepts an article's near word may stand for
    ending: bool = False  # "when will the talks end?"
    deadline: bool = False  # "what is the deadline for the government?": a time things must happen by
    statement: Statement | None = None  # "what did Putin say about the talks?"
    duration: bool = False  # "how long will the strike last?": a span of time
    on: tuple[tuple[int, int], ...] = ()  # the (month, day) readings of a date it names: "on May 29"

    @property
    def nearby(self) -> dict[str, frozenset[str]]:
        return dict(self.near)

    @property
    def query(self) -> list[str]:
        return [*self.key, *self.weak]

    def numeric(self, text: str) -> bool:
        """Whether `text` gives the figure asked: any number, or for "how long" a span of time."""
        if self.duration:
            return bool(_SPAN.search(text))
        return bool(_NUMBERS.search(_undated(text)))


@dataclass(frozen=True, slots=True)
class Statement:
    """A question about what someone said, thinks or holds, and what about."""

    named: tuple[frozenset[str], ...]  # the speaker's card(s), when named
    concepts: tuple[str, ...]  # the words naming a speaker who has no card: "union", "ukrain"
    words: str  # the speaker as the reader typed it ("Putin", "the union")
    about: tuple[str, ...] = ()  # concepts of what it is about: ("sanction",)
    about_named: tuple[frozenset[str], ...] = ()
    position: bool = False  # "position", "stance", "view": a held view rather than a remark
    topic: str = ""  # what it is about, as the reader typed it ("the march"); "" in other languages


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
    if seq[:2] == ["how", "long"] and rest_words and rest_words[-1] in _LAST:
        rest_words = rest_words[:-1]  # "how long will the strike last": the verb, not "the last strike"
    if kind == "what" and _PURPOSE & set(rest_words):
        kind = "why"  # "what is the summit supposed to achieve?"
    copular = kind == "who" and (
        (skip > 0 and seq[skip - 1] == "whos") or (bool(rest_words) and rest_words[0] in _COPULAS
                                                   and not _progressive(rest_words)
                                                   and not _placed(rest_words))
        or (lang != "en" and not any(foreign_concept(w) in _ACTION for w in rest_words)))
    lenient = WEAK | _KIND_WEAK.get(kind, frozenset())
    parts = _content(index, text, rest_words, lang, lenient | _FORGIVEN.get(kind, frozenset()))
    forgiven = {c for c in parts.concepts if c in _FORGIVEN.get(kind, ()) and c not in index.vocabulary}
    key = tuple(dict.fromkeys(c for c in parts.concepts if c not in lenient and c not in forgiven))
    weak = tuple(dict.fromkeys(c for c in parts.concepts if c in lenient or c in forgiven))
    if copular and any(c in _ACTION for c in key):
        copular = False
    if kind == "why":
        weak = (*weak, "purpos")
    deed = _deed(rest_words, key, kind, index)
    return Question(
        text, kind, asked, lang, _rest(text, skip), copular, key, weak, tuple(parts.named),
        tuple(parts.unknown), tuple(parts.name_like),
        time_of_day=kind == "when" and bool(_TIME_WORDS & set(seq)), sides=frozenset(sides(parts.concepts)),
        literal=frozenset(stem(w) for w in rest_words if w not in STOPWORDS),
        deed=deed, objects=_objects(index, rest_words, deed) if kind == "who" else frozenset(),
        party=_party(rest_words) if kind == "who" else frozenset(),
        near=tuple((c, NEAR[c]) for c in key if c in NEAR),
        ending=kind == "when" and bool(_ENDS & set(parts.concepts)),
        deadline=kind == "when" and ("deadlin" in parts.concepts or seq[:2] in _BY_WHEN),
        statement=_statement(index, text, rest_words, lang) if kind == "what" else None,
        on=_days(text),
        duration=seq[:2] == ["how", "long"],
    )


_MONTH_WORD = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b", re.IGNORECASE)


# Months of Ukrainian and Russian dates ("29 травня", "29 мая"), by the beginnings of their
# transliterated forms, in calendar order.
_CYRILLIC_MONTHS = (("sichn", "yanvar"), ("lyut", "fevral"), ("berez", "mart"), ("kvit", "aprel"),
                    ("travn", "maya", "mai"), ("cherv", "iyun"), ("lip", "iyul"), ("serp", "avgust"),
                    ("veres", "sentyabr"), ("zhovt", "oktyabr"), ("listopad", "noyabr"), ("grud", "dekabr"))
_DAY_MONTH = re.compile(r"\b(\d{1,2}) ([a-z]+)")


def _in_english(text: str) -> str:
    """The day-and-month dates of a Ukrainian or Russian question, as English dates ("29 May")."""
    found = []
    for day, word in _DAY_MONTH.findall(fold(text)):
        for number, starts in enumerate(_CYRILLIC_MONTHS, 1):
            if word.startswith(starts):
                found.append(f"{day} {MONTHS[number - 1]}")
    return "; ".join(found)


def _days(text: str) -> tuple[tuple[int, int], ...]:
    """The (month, day) readings of the single days a question names ("on may 29", "2 June")."""
    if not any(ch.isdigit() for ch in text):  # no day without its number
        return ()
    cased = _MONTH_WORD.sub(lambda m: m.group(0).capitalize(), text)  # readers seldom capitalise months
    if not text.isascii():
        cased = f"{cased}; {_in_english(text)}"
    return tuple(r for m in dates.find(cased) if m.is_calendar and not m.is_range for r in m.readings())


# "who is on strike", "who is behind the march", "who is against the deal": a predicate, not a name.
_PREDICATE_PREPOSITIONS = frozenset("on in at behind against for with under from inside outside".split())


def _placed(rest: list[str]) -> bool:
    return len(rest) > 1 and rest[1] in _PREDICATE_PREPOSITIONS


def _progressive(rest: list[str]) -> bool:
    """ "who is planning a march": a deed going on, not "who is X". """
    return len(rest) > 1 and rest[1].endswith("ing") and rest[1] not in ("being", "nothing", "something")


def _deed(rest: list[str], key: tuple[str, ...], kind: Kind, index: AnswerIndex) -> str | None:
    """The concept of what the question says was done.

    In a who-question, its first content word ("who met Putin", "who leads the delegation"). In
    the others, the verb after the subject: a participle ("when were the talks proposed", "when
    was the proposal made") or the word after a named subject ("when did Russia propose …").
    """
    if kind == "who":
        return key[0] if key else None
    for i, word in enumerate(rest):
        found = concept(word)
        participle = (len(word) > 4 and word.endswith("ed")) or word in _IRREGULAR
        after_subject = i > 0 and (concept(rest[i - 1]) in NATIONS or index.name_of(rest[i - 1]) is not None)
        if (participle or after_subject) and (found in key or found in WEAK):
            return found
    return None


def _objects(index: AnswerIndex, rest: list[str], deed: str | None) -> frozenset[str]:
    """The cards named after the deed: "who met Putin" asks who did it to Putin, not Putin."""
    start = next((i for i, w in enumerate(rest) if concept(w) == deed), None)
    if start is None:
        return frozenset()
    found: set[str] = set()
    for word in rest[start + 1:]:
        name = index.name_of(word.removesuffix("'s"))
        if name is not None:
            found |= name.cards
    return frozenset(found)


def _party(rest: list[str]) -> frozenset[str]:
    """Sides a who-question asks within: "the Ukrainian delegation", "Ukraine's negotiator", "for Ukraine"."""
    found = set()
    for i, word in enumerate(rest):
        side = concept(word)
        if side not in NATIONS:
            continue
        if word.endswith(("'s", *ADJECTIVAL)) or (i > 0 and rest[i - 1] == "for"):
            found.add(side)
    return frozenset(found)


def _statement(index: AnswerIndex, text: str, rest: list[str], lang: str) -> Statement | None:
    """Who the question asks the words or views of, and about what: "what did Trump say about Putin"."""
    verb = next((i for i, w in enumerate(rest) if w in _STATEMENT or foreign_concept(w) in _SAYING), None)
    if verb is None:
        return None
    about = next((i for i in range(verb + 1, len(rest)) if rest[i] in _ABOUT
                  or (rest[i] == "to" and rest[verb] in _AFTER_REACTION)), len(rest))
    speaking = [w for w in rest[:verb] if w not in _AUXILIARIES]
    who = _content(index, text, speaking, lang, WEAK)
    if not (who.named or who.concepts):  # "что сказал Трамп": the speaker after the verb
        speaking = [w for w in rest[verb + 1:about] if w not in _AUXILIARIES]
        who = _content(index, text, speaking, lang, WEAK)
    what = _content(index, text, rest[about + 1:], lang, WEAK)
    if not (who.named or who.concepts):
        return None
    typed = " ".join(_as_typed(text, w) for w in speaking if w not in STOPWORDS | FOREIGN_STOPWORDS)
    topic = " ".join(_as_typed(text, w) for w in rest[about + 1:]) if lang == "en" else ""
    return Statement(tuple(who.named), tuple(c for c in who.concepts if c not in WEAK), typed,
                     tuple(c for c in what.concepts if c not in WEAK), tuple(what.named),
                     position=rest[verb] in _VIEWS or foreign_concept(rest[verb]) in _SAYING[1:],
                     topic=topic)


@dataclass
class _Parts:
    concepts: list[str] = field(default_factory=list)
    named: list[frozenset[str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    name_like: list[str] = field(default_factory=list)


def _content(index: AnswerIndex, text: str, seq: list[str], lang: str, lenient: frozenset[str]) -> _Parts:
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
        dated = bare not in _AMBIGUOUS_MONTHS or _dated(seq, i)  # "a march" is no month
        _place(index, word, bare, lang, bare in capitals, parts, lenient, dated=dated)
    parts.unknown = [_as_typed(text, w) for w in parts.unknown]
    parts.name_like = [_as_typed(text, w) for w in parts.name_like]
    return parts


def _as_typed(text: str, word: str) -> str:
    found = re.search(r"\b" + re.escape(word) + r"\b", text, re.IGNORECASE)
    return found.group(0) if found else word


def _dated(seq: list[str], i: int) -> bool:
    """Whether "march" or "may" at `i` is the month: next to a number, or after "in", "on", "since"…."""
    near = seq[max(i - 1, 0):i] + seq[i + 1:i + 2]
    return any(w.isdigit() for w in near) or (i > 0 and seq[i - 1] in ("in", "on", "since", "until", "of",
                                                                      "from", "by", "early", "late", "mid"))


def _place(index: AnswerIndex, word: str, bare: str, lang: str, capital: bool, parts: _Parts,
           lenient: frozenset[str], *, respelled: bool = False, dated: bool = True) -> None:
    name = index.name_of(bare)
    if name is not None:
        if name.cards not in parts.named:
            parts.named.append(name.cards)
        return
    if bare.isdigit() or (bare in _DATES and dated) or bare in _NUMBER_WORDS:  # a date narrows it down
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
        _place(index, spelled, spelled, "en", capital, parts, lenient, respelled=True)
        return
    if lang != "en" and not capital:
        return  # a word of another language the glossary lacks: no reason to doubt the answer
    if concept(word) in lenient:
        parts.concepts.append(concept(word))
        return
    near = NEAR.get(concept(word), frozenset()) & index.vocabulary
    if near:  # "cancelled" where the article says "postponed": the article's word answers
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
