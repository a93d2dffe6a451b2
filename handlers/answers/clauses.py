"""Who does what in one fact or sentence: the doer of a deed and whom it is done to, who speaks,
the reasons it gives, the conditions it sets, the places and times it names.

Plain rules over the words in order, no parser: the article's sentences are written to be read,
and the deck's facts are short. A person's fact that starts with its deed ("Met Fidan in Moscow")
is that person's deed; a name before the deed in its clause is its doer ("Fidan, who met Putin");
"by" or "from" after it names the doer too ("led by Medinsky", "a visit from Fidan").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from handlers.answers.words import CONCEPTS, QUESTION_WORDS, STOPWORDS, ascii_lower, concept, is_usa

BOUNDARIES = frozenset(",;:()—–\"“”")
_WORD = re.compile(r"[a-z0-9]+(?:[.'_][a-z0-9]+)*\.?|[,;:()—–\"“”]")
_PHRASES = sorted((w for w in CONCEPTS if " " in w), key=len, reverse=True)
_PHRASE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _PHRASES) + r")\b")
_RELATIVES = frozenset({"who", "which", "that", "whose", "where"})
_AGENT = frozenset({"by", "from"})  # "led by Medinsky", "a visit from Fidan"
_PRONOUNS = frozenset({"he", "she", "they"})
_ALONGSIDE = ("together with", "along with", "alongside", "as well as")


@dataclass(frozen=True, slots=True)
class Word:
    raw: str  # lower-case ASCII as written, or a punctuation mark
    concept: str  # "" for function words and punctuation
    card: str | None = None  # the one card this word names


def read(text: str, name: Callable[[str], str | None]) -> tuple[Word, ...]:
    """The words of `text` in order, punctuation kept (it ends clauses), names resolved."""
    lowered = _PHRASE.sub(lambda m: m.group(0).replace(" ", "_"), ascii_lower(text))
    raw = [w.replace("_", " ") for w in _WORD.findall(lowered)]
    out: list[Word] = []
    for i, word in enumerate(raw):
        bare = word.removesuffix("'s").replace("'", "").rstrip(".")
        if word in BOUNDARIES or not bare:
            out.append(Word(word, ""))
        elif is_usa(raw, i):
            out.append(Word(bare, "usa"))
        elif bare in STOPWORDS or bare in QUESTION_WORDS:
            out.append(Word(bare, ""))
        else:
            out.append(Word(bare, concept(bare), name(bare)))
    return tuple(out)


def at(words: tuple[Word, ...], concepts: Iterable[str]) -> int | None:
    """Where the first of `concepts` comes in `words`."""
    wanted = set(concepts)
    return next((i for i, w in enumerate(words) if w.concept in wanted), None)


# --- doers and objects -------------------------------------------------------------------------


OWNER = "<owner>"  # the doer is the one the fact is about: its text starts with the deed, or "he"


def doer(words: tuple[Word, ...], deed: int, people: frozenset[str]) -> str | None:
    """The person (card id) who does the deed at `deed`; OWNER; or None when no one is named."""
    after = _agent(words, deed, people)
    if after is not None:
        return after
    i = deed - 1
    while i >= 0:
        word = words[i]
        if word.raw in BOUNDARIES and not _clause_goes_on(words, i):
            break
        if word.card in people:
            return word.card
        if word.raw in _PRONOUNS:
            return OWNER
        i -= 1
    return OWNER if not any(w.concept for w in words[max(i, 0):deed]) else None


def _agent(words: tuple[Word, ...], deed: int, people: frozenset[str]) -> str | None:
    """ "led by Medinsky", "the delegation, led by Medinsky", "a visit from Fidan"."""
    for j in range(deed + 1, min(deed + 4, len(words))):
        if words[j].raw in _AGENT:
            for k in range(j + 1, min(j + 6, len(words))):
                if words[k].raw in BOUNDARIES:
                    return None
                if words[k].card in people:
                    return words[k].card
            return None
    return None


def _clause_goes_on(words: tuple[Word, ...], boundary: int) -> bool:
    """A clause that begins "who …" or "…ing" after a comma is done by the one before it."""
    nxt = words[boundary + 1] if boundary + 1 < len(words) else None
    return nxt is not None and (nxt.raw in _RELATIVES or nxt.raw.endswith("ing"))


def objects(words: tuple[Word, ...], deed: int) -> frozenset[str]:
    """The cards named after the deed in its clause, not those it is done alongside."""
    found: set[str] = set()
    for i in range(deed + 1, len(words)):
        word = words[i]
        if word.raw in BOUNDARIES or _alongside(words, i):
            break
        if word.card is not None:
            found.add(word.card)
    return frozenset(found)


def _alongside(words: tuple[Word, ...], i: int) -> bool:
    ahead = " ".join(w.raw for w in words[i:i + 3])
    return any(ahead.startswith(p) for p in _ALONGSIDE)


# --- statements ---------------------------------------------------------------------------------


SPEECH = frozenset("""
said say says stated states told tells emphasized emphasised emphasizes emphasises stressed stresses
noted notes added adds announced announces urged urges warned warns hoped hopes expressed expresses
highlighted highlights conveyed conveys indicated indicates suggested suggests suggesting insisted
argued argues claimed claims declared declares thanked thanks addressed addresses criticised
criticized praised promised promises vowed pledged admitted acknowledged reiterated complained
""".split())


def speaker(words: tuple[Word, ...], people: frozenset[str]) -> tuple[str | None, frozenset[str]]:
    """Who speaks in `words`: (card id or OWNER, the concepts of the words naming the speaker).

    (None, {}) when nothing is said. The words right before the first verb of saying name the
    speaker ("their union said" -> {"union"}), as English puts a subject before its verb.
    """
    verb = next((i for i, w in enumerate(words) if w.raw in SPEECH), None)
    if verb is None:
        return None, frozenset()
    said = doer(words, verb, people)
    subject: list[str] = []
    for word in reversed(words[max(verb - 3, 0):verb]):
        if word.raw in BOUNDARIES or (not word.concept and subject):
            break
        if word.concept:
            subject.append(word.concept)
    return said, frozenset(subject)


# --- reasons and conditions ---------------------------------------------------------------------


STRONG = 2  # "because", "aimed at": a reason given in so many words
_STRONG = re.compile(r"\b(?:because(?: of)?|due to|owing to|in order to|so as to|so that|"
                     r"aim(?:s|ed)? (?:at|to)|the aim of|purpose|goal|expected to|in a bid to|"
                     r"not wanting to|hoping to)\b")
_WEAK = re.compile(r"\b(?:for|over|after|as|to)\b")
_NUMBER = r"(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|several|many)\b)"
_NOT_REASON = {  # "for three days", "to 5 March", "to the table": a span or a direction, not a reason
    "for": re.compile(r"^\s*" + _NUMBER),
    "to": re.compile(r"^\s*(?:" + _NUMBER + r"|(?:the|a|an|this|that|its|his|her|their|our)\b)"),
}
_END = re.compile(r"[,;:.!?—–]")


def reasons(text: str) -> list[tuple[int, str]]:
    """The reasons `text` gives, each as (strength, its words): 2 for a marker like "because" or
    "aimed at", 1 for a "for", "over", "to …" and the like ("for three days" is a span, not a
    reason). Which of them explain a question depends on its words (`strongest`)."""
    low = ascii_lower(text)
    found = []
    for pattern, strength in ((_STRONG, STRONG), (_WEAK, 1)):
        for m in pattern.finditer(low):
            clause = _END.split(low[m.end():], maxsplit=1)[0]
            skip = _NOT_REASON.get(m.group(0))
            if (skip is None or not skip.match(clause)) and clause.strip():
                found.append((strength, clause))
    return found


def strongest(given: Iterable[tuple[int, frozenset[str]]], asked: Callable[[frozenset[str]], bool]) -> int:
    """The strength of the strongest reason that is not made of the question's own words (`asked`):
    "to meet in Reykjavik" does not say why the meeting is in Reykjavik."""
    return max((strength for strength, words in given if not asked(words)), default=0)


_IF = re.compile(r"\b(?:if|unless|whether)\b([^,;.]*)")
_SHOULD = re.compile(r"^\W*should\b([^,;.]*)")  # "Should the negotiations be fruitful, …"


def conditions(text: str) -> tuple[str, str]:
    """The words of `text` inside its conditions ("if the talks fail", "should they be fruitful"),
    and the words outside them."""
    low = ascii_lower(text)
    inside = [m.group(1) for pattern in (_IF, _SHOULD) for m in pattern.finditer(low)]
    outside = low
    for part in inside:
        outside = outside.replace(part, " ")
    return " ".join(inside), outside


# --- places and times ---------------------------------------------------------------------------


_PREPOSITIONS = frozenset("in at outside inside near around through across along throughout beside behind"
                          .split())
_PLACE = re.compile(r"\b(?:" + "|".join(sorted(_PREPOSITIONS)) + ")"
                    r"\s+(?!\d)(?:the\s+)?([a-z][a-z'’]+(?:\s+[a-z][a-z'’]+){0,3})", re.IGNORECASE)
# "in order to", "in stark contrast", "in talks": idioms, not places.
_NOT_PLACE = frozenset("""local time order case stark contrast addition particular fact part turn general
response return total effect favour favor line place charge power talks negotiation negotiations a an its
his her their our this that which""".split())
def places(text: str) -> list[str]:
    """Phrases of `text` that say where: "outside the union's headquarters", "in the capital region"."""
    found = []
    for m in _PLACE.finditer(text):
        head = ascii_lower(m.group(1)).split()[0]
        if head not in _NOT_PLACE and not head.endswith("ing") and not _TIME_WORD.match(head):
            found.append(m.group(0))
    return found


def places_near(words: tuple[Word, ...], asked: set[str]) -> list[tuple[str, bool]]:
    """The phrases of place in `words`, each with whether it is close to the asked words."""
    text = [w.raw for w in words]
    found = []
    for i, word in enumerate(text):
        phrase = " ".join(t for t in text[i:i + 5] if t not in BOUNDARIES)
        if word in _PREPOSITIONS and places(phrase):
            found.append((places(phrase)[0], _together(words, i, asked)))
    return found


_TIME_WORD = re.compile(r"^(?:january|february|march|april|may|june|july|august|september|october|november|"
                        r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
                        r"yesterday|tonight|morning|afternoon|evening|eve|week|weekend|midnight|noon)$")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b(?:january|february|april|june|july|august|september|october|"
                   r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
                   r"tomorrow|yesterday|tonight|morning|afternoon|evening|eve|weekend|midnight|noon|"
                   r"(?:next|last|this) (?:week|month|year))\b|\b\d{1,2} (?:march|may)\b|"
                   r"\b(?:march|may) \d{1,2}\b", re.IGNORECASE)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b(?:\s*(?:a\.m\.|p\.m\.|am|pm|gmt|utc|local time))?", re.IGNORECASE)


NEAR_WORDS = 10  # a time or place in the asked words' clause and this close is theirs


def when_of(words: tuple[Word, ...], asked: set[str]) -> bool:
    """Whether a time is given next to the asked words: "a march … on the eve of the summit", but
    not "Announced, on 29 May, a proposal … to end the war" for when the war began."""
    text = [w.raw for w in words]
    times = [i for i in range(len(words)) if _TIME.search(" ".join(text[i:i + 2]))]
    return any(_together(words, t, asked) for t in times)


def _together(words: tuple[Word, ...], at: int, asked: set[str]) -> bool:
    """Whether an asked word is within NEAR_WORDS of `at`, with no clause boundary between them."""
    for i, word in enumerate(words):
        if word.concept in asked and abs(i - at) <= NEAR_WORDS:
            between = words[min(i, at):max(i, at)]
            if not any(w.raw in BOUNDARIES for w in between):
                return True
    return False


_BY = re.compile(r"\b(?:before|by|until|till|no later than)\s+(?:the\s+)?(?:end of\s+)?(?:\w+\s+)?",
                 re.IGNORECASE)


def by_when(text: str) -> bool:
    """Whether `text` sets a time to act by: "before Tuesday morning", "by 5 March"."""
    return any(_TIME.match(text, m.end()) or _TIME.search(m.group(0)) for m in _BY.finditer(text))


def clock(text: str) -> str | None:
    """A time of day the text gives ("15:30 GMT"), as written."""
    found = _CLOCK.search(text)
    return found.group(0) if found else None
