"""Answers to plain questions: the one fact that answers, its quote, and the card as a follow-up.

When no fact of the deck answers but a sentence of the article does, the sentence is shown as
the article's own words. When neither covers the question's content words, the answer says
plainly that the article does not say, and offers what it does cover. Words that occur in the
article are never called "not in this briefing".
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterable

from content.loader import Briefing
from content.model import AnyCard, EventCard, PersonCard, PlaceCard, PositionCard
from handlers import briefing as cards
from handlers import messages
from handlers.answers.index import AnswerIndex, Entry, answer_index
from handlers.answers.questions import Kind, Question, analyse
from handlers.answers.words import foreign_tokens, tokens
from handlers.context import Context
from handlers.i18n import ENGLISH, _, language, local
from handlers.matching import PEOPLE, Lookup
from handlers.reply import Reply, Section, echo

PART = 0.6  # of a long question's content words, the share an answer must contain


def respond(b: Briefing, text: str, ctx: Context, kind: Kind | None = None) -> Reply:
    """The answer to a plain question (or to `/who …`, `/when …`, `/where …` naming no card)."""
    index = answer_index(b)
    q = analyse(index, text, kind)
    reply = _answer(b, index, q, ctx)
    if q.language != language() and language() == ENGLISH:  # asked in a language not answered in
        note = Section(_("I answer in English, the language of the article."))
        reply = dataclasses.replace(reply, sections=(*reply.sections, note))
    return reply


def _answer(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    if not (q.key or q.named or q.unknown):
        return _bare(b, q, ctx)
    if q.unknown and not q.key and not q.named:
        if not q.asked:
            return not_understood(b)
        if q.kind in ("who", "where"):
            return _not_named(b, q)
        return doesnt_say(b, q)
    if q.name_like or (q.unknown and len(q.key) < 2):
        return doesnt_say(b, q)  # "is there a ceasefire?", "the weather in Istanbul": not in the article
    if q.key and not q.named and set(q.key) <= index.common and q.kind not in ("when", "where"):
        if q.kind == "howmany":
            return doesnt_say(b, q, _("The article gives no figure for that."))
        card = _topic(index, q)  # "russia ukraine war": the story's background, no one fact
        return _card_reply(b, card, ctx) if card is not None else doesnt_say(b, q)
    by_kind: dict[str, Callable[[Briefing, AnswerIndex, Question, Context], Reply]] = {
        "who": _who, "when": _when, "where": _where}
    return by_kind.get(q.kind, _what)(b, index, q, ctx)


def _bare(b: Briefing, q: Question, ctx: Context) -> Reply:
    """A question word and nothing the article could be searched for: "who?", "when?"."""
    if q.kind == "who":
        return cards.people_reply(b)
    if q.kind == "when":
        return cards.event_reply(b, b.deck.main, ctx)
    place = b.deck.place(b.deck.main.place)
    if q.kind == "where" and place is not None:
        return cards.place_reply(b, place, ctx)
    return doesnt_say(b, q) if q.asked and q.rest else not_understood(b)


# --- who -------------------------------------------------------------------------------------


def _who(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    if q.named and not q.key:
        return _named(b, index, q, ctx, PEOPLE)
    if q.copular:
        holders = [p for p in b.deck.people if set(q.key) <= index.roles[p.id] and _names_fit(q, {p.id})]
        if len(holders) == 1:
            return cards.person_reply(b, holders[0])
        if holders:
            return cards.not_found(b, Lookup("ambiguous", q.rest, None, tuple(holders)), q.rest, ())
    if q.copular and q.language == "en":  # "who is Turkey's president?": a role the article gives no one
        return doesnt_say(b, q)  # (without a copula, "кто поблагодарил…" may be a deed: searched below)
    entry = best(index, q, whole=q.language == "en", people_first=True)
    if entry is None:
        return doesnt_say(b, q)
    person = _actor(b, entry, q)
    return fact_reply(b, entry, local(person.name) if person else None, person)


def _actor(b: Briefing, entry: Entry, q: Question) -> PersonCard | None:
    """The person a fact is about: its card's, else the one person it names besides the asked ones."""
    if isinstance(entry.card, PersonCard):
        return entry.card
    asked = {i for ids in q.named for i in ids}
    people = [p for p in b.deck.people if p.id in entry.involves and p.id not in asked]
    return people[0] if len(people) == 1 else None


def _names_fit(q: Question, involves: Iterable[str]) -> bool:
    ids = set(involves)
    return all(ids & named for named in q.named)


# --- when and where --------------------------------------------------------------------------


def _event(b: Briefing, index: AnswerIndex, q: Question) -> EventCard | None:
    """The event the question is about: by its title and names, or by a fact of what happened."""
    key = set(q.key)
    found: list[tuple[int, int, EventCard]] = []
    for event in b.deck.events:
        naming = set(tokens(" ".join((event.title, *event.aliases, event.when.text))))
        involves = index.mentioned(" ".join((event.title, *(f.text for f in event.what))))
        involves |= {event.place} if event.place else set()
        if not _names_fit(q, involves):
            continue
        main = int(event.id == b.deck.main_event)  # "the talks", "переговоры": the story's own event
        if key <= naming:
            found.append((2, main, event))
            continue
        for fact in event.what:
            said = set(tokens(fact.text))
            if key <= said and (len(key) >= 2 or q.named):
                found.append((1, main, event))
                break
    found.sort(key=lambda f: (-f[0], -f[1]))
    return found[0][2] if found else None


def _when(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    event = _event(b, index, q) if (q.key or q.named) else b.deck.main
    if event is None:
        return doesnt_say(b, q)
    reply = cards.event_reply(b, event, ctx)
    if q.time_of_day and event.precision != "minute":
        lead = Section(_("The article gives a date but no time of day."))
        reply = dataclasses.replace(reply, sections=(lead, *reply.sections))
    return reply


def _where(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    places = [p for p in b.deck.places if any(p.id in named for named in q.named)]
    if len(places) == 1 and not q.key:
        return cards.place_reply(b, places[0], ctx)
    if q.named and not q.key:  # "where is Medinsky now?": the article places people only at events
        return doesnt_say(b, q)
    event = _event(b, index, q)
    place: PlaceCard | None = None
    if event is not None:
        place = b.deck.place(event.place)
        if place is None:
            return doesnt_say(b, q)
    else:
        entry = best(index, q, whole=True)
        place = _place_of(b, entry) if entry is not None else None
    return cards.place_reply(b, place, ctx) if place is not None else doesnt_say(b, q)


def _place_of(b: Briefing, entry: Entry) -> PlaceCard | None:
    if isinstance(entry.card, PlaceCard):
        return entry.card
    if isinstance(entry.card, EventCard):
        return b.deck.place(entry.card.place)
    places = [p for p in b.deck.places if p.id in entry.involves]
    return places[0] if len(places) == 1 else None


# --- what, why, what if, yes or no, how many ----------------------------------------------------


def _what(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    if q.named and not q.key:  # one name: its card; two people: what ties them; else nothing does
        if len(q.named) == 1:
            return _named(b, index, q, ctx, None)
        people = [n for n in q.named if any(index.cards[i].kind == "person" for i in n)]
        entry = best(index, q) if len(people) >= 2 else None
        return fact_reply(b, entry) if entry is not None else doesnt_say(b, q)
    entry = best(index, q)
    if entry is None:
        card = _topic(index, q)
        return _card_reply(b, card, ctx) if card is not None else doesnt_say(b, q)
    if q.kind == "howmany" and not q.numeric(entry.text):
        return doesnt_say(b, q, _("The article gives no figure for that."), entry)
    return fact_reply(b, entry)


def _topic(index: AnswerIndex, q: Question) -> AnyCard | None:
    """A card whose very names are what the question asks about ("что на кону?": the stakes)."""
    key = set(q.key)
    found = [c for c in index.cards.values()
             if not isinstance(c, PersonCard) and key <= _naming(c)]
    found.sort(key=lambda c: c.id != index.briefing.deck.main_event)  # the story's own event first
    return found[0] if found else None


def _naming(card: AnyCard) -> frozenset[str]:
    return _concepts_of_names(" ".join(card.names()))


@functools.lru_cache(maxsize=1024)
def _concepts_of_names(names: str) -> frozenset[str]:
    """The concepts of a card's names, its translated names read as another language's words."""
    return frozenset(tokens(names)) | frozenset(foreign_tokens(names))


def _named(b: Briefing, index: AnswerIndex, q: Question, ctx: Context, kinds: frozenset[str] | None) -> Reply:
    """The card of the one person or place the question names; "which one?" when a name fits several."""
    ids = set.intersection(*(set(n) for n in q.named)) if q.named else set()
    if kinds is not None and not ids:  # "кто такой Фидан и … в Москву": the person asked about
        ids = {i for n in q.named for i in n if index.cards[i].kind in kinds}
    found = [index.cards[i] for i in sorted(ids) if kinds is None or index.cards[i].kind in kinds]
    if len(found) == 1:
        return _card_reply(b, found[0], ctx)
    tied = tuple(index.cards[i] for n in q.named for i in sorted(n))
    return cards.not_found(b, Lookup("ambiguous", q.rest, None, tied), q.rest, ())


def _card_reply(b: Briefing, card: AnyCard, ctx: Context) -> Reply:
    if isinstance(card, PersonCard):
        return cards.person_reply(b, card)
    if isinstance(card, PlaceCard):
        return cards.place_reply(b, card, ctx)
    if isinstance(card, EventCard):
        return cards.event_reply(b, card, ctx)
    if isinstance(card, PositionCard):
        return cards.position_reply(b, card)
    return cards.summary_reply(b, ctx)


# --- choosing what answers -----------------------------------------------------------------------


def best(index: AnswerIndex, q: Question, *, whole: bool = False, people_first: bool = False) -> Entry | None:
    """The fact or sentence that covers the question's content words and names, best ranked first.

    Cover decides, BM25 only orders: an entry must contain every content word of a short
    question (most of a long one), and be about every card the question names.
    """
    key = set(q.key)
    need = len(key) if whole or len(key) <= 2 else math.ceil(PART * len(key))
    weak = set(q.weak)
    scores = index.scores(q.query)
    chosen: tuple[tuple[int, int, bool, bool, int, int, bool, int, float], Entry] | None = None
    people = tuple(n for n in q.named if any(index.cards[i].kind == "person" for i in n))
    places = {i for n in q.named for i in n} - {i for n in people for i in n}
    for i, entry in enumerate(index.entries):
        covered = len(key & entry.concepts)
        if covered < need or not all(n & entry.involves for n in people) or _other_side(q, entry):
            continue
        person = people_first and isinstance(entry.card, PersonCard)
        label = entry.field in ("role", "affiliation") and not people_first
        own = entry.card is not None and any(entry.card.id in named for named in q.named)
        weight = len(weak & entry.concepts) + len(places & entry.involves)
        literal = len(q.literal & entry.literal)
        # For "who hosts…": "Turkey hosts the negotiations" before "Thanked Turkey for hosting".
        early = -_first(entry, q.key[0]) if people_first and q.key else 0
        rank = (covered, early, person, not label, weight, literal, own, _preference(entry), float(scores[i]))
        if chosen is None or rank > chosen[0]:
            chosen = (rank, entry)
    return chosen[1] if chosen else None


def _first(entry: Entry, deed: str) -> int:
    """How far into what is shown the question's first word (its deed) comes: the doer is before it."""
    return next((i for i, c in enumerate(entry.sequence) if c == deed), len(entry.sequence))


def _other_side(q: Question, entry: Entry) -> bool:
    """The entry speaks of another side's thing: "the Russian delegation" for "the Ukrainian one"."""
    return any(thing == t and side != s for side, thing in q.sides for s, t in entry.sides)


def _preference(entry: Entry) -> int:
    """Facts before sentences; a card's main fact before its details; the summary's facts last."""
    if entry.card is None:
        return 0
    if entry.card.kind == "summary" or entry.field in ("role", "affiliation"):
        return 1  # a label ("Turkey", "President") answers "who", not "what"
    return 2 if entry.field is not None and "[" in entry.field else 3


# --- replies ---------------------------------------------------------------------------------


def fact_reply(b: Briefing, entry: Entry, title: str | None = None, card: AnyCard | None = None) -> Reply:
    """One fact, or one sentence of the article, with its quote and follow-ups to whole cards."""
    if entry.card is None:
        return _sentence_reply(b, entry)
    card = card or entry.card
    others = [index_card for index_card in _involved(b, entry) if index_card.id != card.id]
    follow = [(cards.short(card), cards.command_for(card)), (_("Source"), f"source {card.id}")]
    follow += [(cards.short(c), cards.command_for(c)) for c in others[:2]]
    return Reply(title or cards.label(card), (Section(local(entry.text)),), cards.actions(*follow),
                 cards.source_of(b, entry.quote), topic=card.id)


def _sentence_reply(b: Briefing, entry: Entry) -> Reply:
    involved = _involved(b, entry)
    follow = [(cards.short(c), cards.command_for(c)) for c in involved[:3]]
    return Reply(_("In the article's words"), (Section(_("The article says:")),),
                 cards.actions(*follow, (_("The article"), "source")), cards.source_of(b, entry.text),
                 topic=involved[0].id if len(involved) == 1 else None)


def _involved(b: Briefing, entry: Entry) -> list[AnyCard]:
    return [c for c in b.deck.cards() if c.id in entry.involves]


def doesnt_say(b: Briefing, q: Question, line: str | None = None, related: Entry | None = None) -> Reply:
    """The article does not answer: said in one line, with what it does cover."""
    sections = [Section(line or _line(q))]
    if related is not None:
        written_in = cards.quoted_in(b)
        said = (_("What it says, in {language}: “{quote}”").format(language=written_in, quote=related.quote)
                if written_in else _("What it says: “{quote}”").format(quote=related.quote))
        sections.append(Section(said))
    sections.append(Section(covers(b)))
    follow = cards.actions((_("Who's who"), "who"), (_("When"), "when"), (_("Where"), "where"),
                           (_("What's at stake"), "stakes"), (_("Summary"), "summary"))
    return Reply(_("The article doesn't say"), tuple(sections), follow, tone="notice", unanswered=True)


def _line(q: Question) -> str:
    if q.unknown:
        shown = ", ".join(f"“{echo(w)}”" for w in q.unknown[:3])
        return _("The article doesn't mention {words}.").format(words=shown)
    rest = echo(q.rest) if q.language == "en" else ""
    who = _("The article doesn't name {rest}.") if q.copular else _("The article doesn't say who {rest}.")
    templates = {
        "who": who,
        "when": _("The article doesn't say when {rest}."),
        "where": _("The article doesn't say where {rest}."),
        "why": _("The article doesn't say why {rest}."),
    }
    if rest and q.kind in templates:
        copula = rest.split(maxsplit=1)
        if q.copular and copula and copula[0].lower() in ("is", "was", "are", "were"):
            rest = copula[1] if len(copula) > 1 else rest
        return templates[q.kind].format(rest=rest)
    return _("Nothing in the article answers “{question}”.").format(question=echo(q.text))


def covers(b: Briefing) -> str:
    people = ", ".join(cards.surname(p) for p in b.deck.people)
    places = ", ".join(local(p.name) for p in b.deck.places)
    return _("It covers: {people}; {places}; the dates of the events; what is at stake.").format(
        people=people, places=places)


def _not_named(b: Briefing, q: Question) -> Reply:
    """A who- or where-question whose words the article never uses: no one, nowhere of that name."""
    listing = b.deck.people if q.kind == "who" else b.deck.places
    head, _sep, tail = q.rest.partition(" ")
    asked = tail if head.lower() in ("is", "was", "are", "were") and tail else q.rest  # "is Zelensky"
    reply = cards.not_found(b, Lookup("none", q.rest), asked, listing)
    return dataclasses.replace(reply, unanswered=True)


def not_understood(b: Briefing) -> Reply:
    tries = ", ".join(cards.examples(b))
    text = _(messages.NOT_UNDERSTOOD_TEXT).format(examples=tries)
    return Reply(_(messages.NOT_UNDERSTOOD_TITLE), (Section(text),),
                 cards.actions((_("Summary"), "summary"), (_("Help"), "help")), tone="notice",
                 unanswered=True)
