"""What someone said, thinks or holds: "what did Putin say?", "what is Ukraine's position?".

Only what the article reports them saying answers: facts and sentences whose verb of saying has
them as its doer (handlers.answers.clauses.speaker), the positions they hold, and, for a party
with no card ("the union", "Ukraine"), what the people whose role names it said. "About Y" must
be in what is shown. When nothing is left, the answer says so in one line and offers the
person's card, rather than showing what others said about them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from content.loader import Briefing
from content.model import AnyCard, PersonCard, PositionCard
from handlers import briefing as cards
from handlers.answers.index import AnswerIndex, Entry
from handlers.answers.questions import Statement
from handlers.answers.words import tokens
from handlers.i18n import _, local
from handlers.reply import Reply, Section, echo

SHOWN = 3  # statements in one answer: enough to see what they said, short enough to read


@dataclass(frozen=True, slots=True)
class Said:
    """What a statement question found: the statements to show, or the line saying there are none."""

    shown: tuple[Entry, ...]
    person: AnyCard | None  # the speaker's card, offered as a follow-up either way
    title: str
    missing: str = ""


def find(index: AnswerIndex, s: Statement) -> Said:
    people = {i for ids in s.named for i in ids if index.cards[i].kind == "person"}
    if not people and s.named:  # a place speaks for its government: "what did Moscow say"
        people = {i for ids in s.named for i in ids}
    said = _said(index, s, people)
    shown = _distinct(e for e in said if covers(index, e, s.about, s.about_named))
    person = index.cards[next(iter(people))] if len(people) == 1 else None
    if not shown:
        return Said((), person, "", _nothing_said(s, person))
    title = local(person.name) if isinstance(person, PersonCard) else _party_title(shown)
    return Said(tuple(shown[:SHOWN]), person, title)


def _said(index: AnswerIndex, s: Statement, people: set[str]) -> list[Entry]:
    """What the question's speaker said or holds, their own words first, positions first for views."""
    party = frozenset(s.concepts)
    if not people and party:
        people = {p for p, role in index.roles.items() if party <= role}
    spoken = [e for e in index.entries if e.speaker in people
              or (party and not s.named and party <= e.speaking)]
    spoken.sort(key=lambda e: (not (e.card is not None and e.card.id in people), not e.fact))
    if not (s.position or s.about or s.about_named):
        return spoken  # "what did Medinsky say?": his words, not the positions he stands for
    held = [e for e in index.entries if isinstance(e.card, PositionCard) and _holds(e.card, people, party)
            and (e.speaker is None or e.speaker in people)]
    return held + spoken if s.position else spoken + held


def _holds(card: PositionCard, people: set[str], party: frozenset[str]) -> bool:
    return bool(people & set(card.people)) or (bool(party) and party <= set(tokens(card.holder)))


def covers(index: AnswerIndex, entry: Entry, about: Iterable[str], named: Iterable[frozenset[str]]) -> bool:
    """Whether `entry` itself names every concept and card of the "about" part of a question (not
    through a "he" that means someone of the sentence before)."""
    own = index.mentioned(entry.text)
    return all(c in entry.concepts for c in about) and all(n & own for n in named)


def _distinct(entries: Iterable[Entry]) -> list[Entry]:
    """Each statement once: a fact that quotes a passage already shown adds nothing."""
    kept: list[Entry] = []
    for entry in entries:
        if not any(entry.quote in k.quote or k.quote in entry.quote or entry.text == k.text for k in kept):
            kept.append(entry)
    return kept


def _party_title(shown: list[Entry]) -> str:
    card = shown[0].card
    return cards.label(card) if isinstance(card, PositionCard) else _("In the article's words")


def _speaker_words(s: Statement, person: AnyCard | None) -> str:
    return cards.label(person) if person is not None else echo(s.words.removesuffix("'s").removesuffix("’s"))


def _nothing_said(s: Statement, person: AnyCard | None) -> str:
    who = _speaker_words(s, person)
    if s.about or s.about_named:
        about = echo(s.topic) if s.topic else _("that")
        if s.position:
            return _("The article doesn't say what {who} thinks about {about}.").format(who=who, about=about)
        return _("The article doesn't report anything {who} said about {about}.").format(who=who, about=about)
    if s.position:
        return _("The article doesn't say what {who} thinks or wants.").format(who=who)
    return _("The article doesn't report anything {who} said.").format(who=who)


def reply(b: Briefing, said: Said) -> Reply:
    """Up to SHOWN statements, each as the deck or the article words it, with their quotes, and
    the speaker's card and its sources as follow-ups (as a fact's answer has)."""
    person = said.person
    sections = tuple(Section(local(e.text)) for e in said.shown)
    follow = [(cards.short(person), cards.command_for(person)), (_("Source"), f"source {person.id}")
              ] if person is not None else []
    follow.append((_("The article"), "source"))
    quotes = cards.source_of(b, *(e.quote for e in said.shown))
    return Reply(said.title, sections, cards.actions(*follow), quotes,
                 topic=person.id if person is not None else None)
