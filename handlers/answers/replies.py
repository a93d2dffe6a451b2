"""Answers to plain questions: the one fact that answers, its quote, and the card as a follow-up.

When no fact of the deck answers but a sentence of the article does, the sentence is shown as
the article's own words. When neither covers the question's content words, the answer says
plainly that the article does not say, and offers what it does cover. Words that occur in the
article are never called "not in this briefing".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable

from content.loader import Briefing
from content.model import AnyCard, EventCard, PersonCard, PlaceCard, PositionCard, Wording
from handlers import briefing as cards
from handlers import messages
from handlers.answers import clauses, statements
from handlers.answers.clauses import OWNER
from handlers.answers.index import AnswerIndex, Entry, answer_index
from handlers.answers.questions import ADJECTIVAL, GOING, ORDINALS, Kind, Question, Statement, analyse
from handlers.answers.words import NATIONS, foreign_tokens, tokens
from handlers.context import Context
from handlers.i18n import ENGLISH, _, language, local
from handlers.matching import PEOPLE, Lookup
from handlers.reply import Reply, Section, echo

PART = 0.6  # of a long question's content words, the share an answer must contain


def respond(b: Briefing, text: str, ctx: Context, kind: Kind | None = None) -> Reply:
    """The answer to a plain question (or to `/who …`, `/when …`, `/where …` naming no card)."""
    return answer_question(b, read(b, text, kind), ctx)


def read(b: Briefing, text: str, kind: Kind | None = None) -> Question:
    """`text` read as a question about `b`; `kind` when a command already says it."""
    return analyse(answer_index(b), text, kind)


def answer_question(b: Briefing, q: Question, ctx: Context) -> Reply:
    """The answer to a question already read (the router reads some to route them)."""
    reply = _answer(b, answer_index(b), q, ctx)
    if q.language != language() and language() == ENGLISH:  # asked in a language not answered in
        note = Section(_("I answer in English, the language of the article."))
        reply = dataclasses.replace(reply, sections=(*reply.sections, note))
    return reply


def asks_of(b: Briefing, q: Question, named: Iterable[AnyCard], *, found: bool = True) -> bool:
    """Whether `q` asks something of the cards it names rather than only naming them ("met Putin
    in Moscow", "were the talks proposed" say more than "Putin" or "the talks").

    `found` False: the cards are only near misses of a name, whose unknown words are its typos."""
    index = answer_index(b)
    cards_named = list(named)
    names = set(tokens(" ".join(n for card in cards_named for n in card.names())))
    own = {card.id for card in cards_named}
    others = [n for n in q.named if not n & own and not set(tokens(" ".join(
        index.cards[i].label for i in n))) & names]
    return bool((q.unknown and found) or others or set(q.key) - names or q.ending or q.time_of_day)


def _answer(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    if q.on and not (q.key or q.named or q.unknown) and q.kind in ("what", "yesno"):
        return _that_day(b, q, ctx)  # "what happened on May 29?"
    if not (q.key or q.named or q.unknown):
        return _bare(b, q, ctx)
    if q.unknown and not q.key and not q.named:
        if not q.asked:
            return not_understood(b)
        if q.kind in ("who", "where"):
            return _not_named(b, q)
        return doesnt_say(b, q)
    if q.name_like or (q.unknown and (len(q.key) < 2 or _another(q) or q.kind == "whatif"
                                      or (q.kind == "yesno" and _only_names(index, q)))):
        # "is there a ceasefire?", "the last strike", "if it fails": not in it
        return doesnt_say(b, q, related=_between(index, q))
    if q.statement is not None:
        return _statement(b, index, q, q.statement)
    if q.key and not q.named and set(q.key) <= index.common and q.kind in ("what", "whatif", "howmany"):
        if q.kind == "howmany":  # "how many nurses are in the union?": a figure of the whole story
            figure = next((e for e in candidates(index, q, whole=True) if q.numeric(e.text)), None)
            no_figure = _("The article gives no figure for that.")
            return fact_reply(b, figure) if figure else doesnt_say(b, q, no_figure)
        card = _topic(index, q)  # "russia ukraine war": the story's background, no one fact
        return _card_reply(b, card, ctx) if card is not None else doesnt_say(b, q)
    by_kind: dict[str, Callable[[Briefing, AnswerIndex, Question, Context], Reply]] = {
        "who": _who, "when": _when, "where": _where, "why": _why, "yesno": _yesno}
    return by_kind.get(q.kind, _what)(b, index, q, ctx)


def _only_names(index: AnswerIndex, q: Question) -> bool:
    """Whether the question's known words only name who or what it is about (its cards, nations,
    the story's most common words), so that what it asks of them is all in its unknown words
    ("is there a ceasefire between Russia and Ukraine?")."""
    names = frozenset().union(*(_naming(index.cards[i]) for n in q.named for i in n))
    return set(q.key) <= names | NATIONS | index.common


def _between(index: AnswerIndex, q: Question) -> Entry | None:
    """What the article does say of two or more cards the question names together, when its own
    word for their relation is not the reader's ("is Trump happy with Putin?")."""
    return _said_of_named(index, q) if len(q.named) >= 2 else None


def _said_of_named(index: AnswerIndex, q: Question, *, on_topic: bool = False) -> Entry | None:
    """The closest thing the article says of the cards the question names (`on_topic`: sharing one
    of its words), shown beside "the article doesn't say" so the reader sees what it does say."""
    if not q.named or q.name_like:
        return None
    loose = dataclasses.replace(q, key=(), unknown=())
    return next((e for e in candidates(index, loose) if not on_topic or set(q.key) & e.concepts), None)


def on_day(event: EventCard, on: Iterable[tuple[int, int]]) -> bool:
    """Whether `event` takes place on one of the (month, day) readings of a date the reader gave."""
    if event.date is None:
        return False
    last = event.until or event.date
    for month, day in on:
        try:
            asked = dt.date(event.date.year, month, day)
        except ValueError:  # 29 February of a year without it
            continue
        if event.date <= asked <= last:
            return True
    return False


def _that_day(b: Briefing, q: Question, ctx: Context) -> Reply:
    """The event(s) of the day the reader names: the story's own first, then in the deck's order."""
    found = sorted((e for e in b.deck.events if on_day(e, q.on)), key=lambda e: e.id != b.deck.main.id)
    if not found:
        return doesnt_say(b, q, _("The article reports nothing on that day."))
    return cards.event_reply(b, found[0], ctx)


def _another(q: Question) -> bool:
    """ "When was the last strike?" about an article that never says "last": another strike."""
    return any(w.lower() in ORDINALS for w in q.unknown)


_NAMED_TIME = frozenset({"date", "day", "time"})  # a question's words for a moment it names


def _bare(b: Briefing, q: Question, ctx: Context) -> Reply:
    """A question word and nothing the article could be searched for: "who?", "when?"."""
    if q.kind == "who":
        return cards.people_reply(b)
    if q.kind == "when":
        return cards.event_reply(b, b.deck.main, ctx)
    place = b.deck.place(b.deck.main.place)
    if q.kind == "where" and place is not None:
        return cards.place_reply(b, place, ctx)
    # "what's the latest?", "what is going on?": the story. Not "what happened in 2022?", which
    # names a time the article may not cover.
    if q.kind == "what" and q.asked and q.rest and not _NAMED_TIME & set(q.weak):
        return cards.summary_reply(b, ctx)
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
    found = candidates(index, q, whole=q.language == "en", people_first=True)
    doers = [(entry, _doer(b, index, entry, q)) for entry in found]
    if q.objects:
        doers = _done_to(index, q, doers)
    if q.party:  # "who negotiates for Ukraine?": only someone of that side answers
        doers = [(e, p) for e, p in doers if p is not None and q.party <= index.roles[p.id]]
    if not doers:
        return doesnt_say(b, q)
    entry, person = doers[0]
    if q.named and not q.objects and person is not None and person.id in _asked(q):
        person = _done_to_one(index, entry, q) or person  # "who did Putin meet?": the one he met
    group = _unnamed(entry, q) if person is None else None
    if group is not None:  # "who represents Ukraine?": "Ukrainian representatives", no one named
        line = _("The article doesn't name who {rest}; it only mentions “{group}”.")
        return doesnt_say(b, q, line.format(rest=echo(q.rest), group=group), entry)
    return fact_reply(b, entry, local(person.name) if person else None, person)


def _doer(b: Briefing, index: AnswerIndex, entry: Entry, q: Question) -> PersonCard | None:
    """The person who does the question's deed in `entry`, else the one the entry is about."""
    at = clauses.at(entry.words, _deed_concepts(q)) if q.deed else None
    if at is not None:
        found = clauses.doer(entry.words, at, index.people)
        found = entry.owner if found == OWNER else found
        if found is not None:
            card = index.cards[found]
            return card if isinstance(card, PersonCard) else None
    return _actor(b, entry, q)


def _deed_concepts(q: Question) -> set[str]:
    deed = q.deed or ""
    return {deed} | set(q.nearby.get(deed, frozenset()))


def _done_to(index: AnswerIndex, q: Question, doers: list[tuple[Entry, PersonCard | None]]
             ) -> list[tuple[Entry, PersonCard | None]]:
    """ "Who met Putin?": not Putin; first those who did it to Putin, then those it involves."""
    people = q.objects & index.people
    kept = [(e, p) for e, p in doers if p is None or p.id not in q.objects]
    strict = [(e, p) for e, p in kept if p is not None and people <= _objects_of(e, q)]
    return strict + [d for d in kept if d not in strict]


def _asked(q: Question) -> set[str]:
    return {i for ids in q.named for i in ids}


def _done_to_one(index: AnswerIndex, entry: Entry, q: Question) -> PersonCard | None:
    met = (_objects_of(entry, q) & index.people) - _asked(q)
    card = index.cards[next(iter(met))] if len(met) == 1 else None
    return card if isinstance(card, PersonCard) else None


def _objects_of(entry: Entry, q: Question) -> frozenset[str]:
    at = clauses.at(entry.words, _deed_concepts(q))
    return clauses.objects(entry.words, at) if at is not None else frozenset()


def _unnamed(entry: Entry, q: Question) -> str | None:
    """The words of a group the entry only mentions as the deed's doers: "Ukrainian representatives"
    for "who represents Ukraine?"."""
    deeds, sides = {q.deed}, set(q.key) & NATIONS
    for i in range(len(entry.words) - 1):
        side, thing = entry.words[i], entry.words[i + 1]
        if side.concept in sides and side.raw.endswith(ADJECTIVAL) and thing.concept in deeds:
            typed = rf"\b{re.escape(side.raw)}\w*\W+{re.escape(thing.raw)}\b"
            found = re.search(typed, entry.text, re.IGNORECASE)
            return found.group(0) if found else f"{side.raw} {thing.raw}"
    return None


def _actor(b: Briefing, entry: Entry, q: Question) -> PersonCard | None:
    """The person a fact is about: its card's, else the one person it names besides the asked ones."""
    if isinstance(entry.card, PersonCard):
        return entry.card
    people = [p for p in b.deck.people if p.id in entry.involves and p.id not in _asked(q)]
    return people[0] if len(people) == 1 else None


def _names_fit(q: Question, involves: Iterable[str]) -> bool:
    ids = set(involves)
    return all(ids & named for named in q.named)


# --- when and where --------------------------------------------------------------------------


def _event(b: Briefing, index: AnswerIndex, q: Question) -> EventCard | None:
    """The event the question is about: the one its verb names ("when were the talks proposed?":
    the proposal), else the one its words name most, else the one whose facts tell it."""
    key = set(q.key)
    found: list[tuple[bool, int, int, int, EventCard]] = []
    for event in b.deck.events:
        # Its names, not its date's wording: "before the announcement" names no announcement.
        naming = _worded(event.title, q) | set(tokens(" ".join(event.aliases)))
        involves = index.mentioned(" ".join((event.title, *(f.text for f in event.what))))
        involves |= {event.place} if event.place else set()
        if not _names_fit(q, involves):
            continue
        roles = set().union(*(index.roles[i] for i in involves if i in index.roles))
        level = _told(event, key, naming, naming | roles | set(tokens(event.when.text)), q)
        if level:
            named_by_verb = q.deed is not None and q.deed in naming
            found.append((named_by_verb, level, len(key & naming), int(event.id == b.deck.main_event), event))
    found.sort(key=lambda f: (not f[0], -f[1], -f[2], -f[3]))
    return found[0][4] if found else None


def _told(event: EventCard, key: set[str], naming: set[str], known: set[str], q: Question) -> int:
    """2 when the event's names hold the question's words, 1 when one of its facts (and the roles
    of the people in it: "Russia proposed" is its foreign minister's proposal) does, else 0."""
    if key <= naming:
        return 2
    for fact in event.what:
        if key <= known | _worded(fact.text, q) and (len(key) >= 2 or q.named or key & naming):
            return 1
    return 0


def _worded(text: str, q: Question) -> set[str]:
    """The concepts of the editor's `text`, and of its translations for a question in another
    language ("где встретились…" finds "Фидан встретился в Москве")."""
    found = set(tokens(text))
    if q.language != "en" and isinstance(text, Wording):
        found |= set(foreign_tokens(" ".join(text.translations())))
    return found


def _when(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    event = None if q.deadline else _event(b, index, q) if (q.key or q.named) else b.deck.main
    if event is None:  # no event of the deck: a sentence that says when ("on the eve of the summit")
        dated = [e for e in candidates(index, q, whole=True) if clauses.when_of(e.words, set(q.key))]
        if q.deadline:  # "before Tuesday morning", "by Friday": the time something must happen by
            dated.sort(key=lambda e: not clauses.by_when(e.text))
        return fact_reply(b, dated[0]) if dated else doesnt_say(b, q)
    if q.ending and event.until is None:  # "when will the talks end?": the article gives no end
        return doesnt_say(b, q)
    if q.time_of_day and event.precision != "minute":
        timed = _timed(index, event)
        if timed is not None:  # "at 15:30 GMT": the article's time, though the deck keeps the day
            return fact_reply(b, timed)
        reply = cards.event_reply(b, event, ctx)
        lead = Section(_("The article gives a date but no time of day."))
        return dataclasses.replace(reply, sections=(lead, *reply.sections))
    return cards.event_reply(b, event, ctx)


def _timed(index: AnswerIndex, event: EventCard) -> Entry | None:
    """A fact of the event that gives a time of day."""
    return next((e for e in index.entries if e.card is event and clauses.clock(e.text)), None)


def _where(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    places = [p for p in b.deck.places if any(p.id in named for named in q.named)]
    if len(places) == 1 and not q.key:
        return cards.place_reply(b, places[0], ctx)
    if q.named and not q.key:  # "where is Medinsky now?": the article places people only at events
        return doesnt_say(b, q)
    event = _event(b, index, q)
    place = b.deck.place(event.place) if event is not None else None
    if place is not None:
        if event is not None and place in places:  # "where in Reykjavik is the summit?": finer
            finer = _finer(b, index, q, event, ctx)
            if finer is not None:
                return finer
        return cards.place_reply(b, place, ctx)
    found = candidates(index, q, whole=True)  # no event, or one with no place: the article's words
    if not found and set(q.key) & GOING:  # "where will the march go": where the march is
        found = candidates(index, dataclasses.replace(q, key=tuple(k for k in q.key if k not in GOING)),
                           whole=True)
    for entry in found:
        answer = _located(b, index, entry, q, ctx)
        if answer is not None:
            return answer
    if event is not None:  # "where was the announcement made?": that event, and no place for it
        line = _("The article doesn't say where this took place: {event}.").format(event=local(event.title))
        return doesnt_say(b, q, line, follow=event, cover=False)
    return doesnt_say(b, q)


def _finer(b: Briefing, index: AnswerIndex, q: Question, event: EventCard, ctx: Context) -> Reply | None:
    """A fact of `event` that places it more finely than the place the question names."""
    for entry in [e for e in index.entries if e.card is event]:
        answer = _located(b, index, entry, q, ctx)
        if answer is not None:
            return answer
    return None


def _located(b: Briefing, index: AnswerIndex, entry: Entry, q: Question, ctx: Context) -> Reply | None:
    """Where `entry` says the asked thing is: a phrase of place next to the asked words that says
    more than the question ("outside the union's headquarters"), shown as the article words it."""
    asked = set(q.key) | {i for n in q.named for i in n}
    for phrase, near in clauses.places_near(entry.words, set(q.key)):
        if near and set(tokens(phrase.partition(" ")[2])) - asked:  # the place, not its "outside"
            return fact_reply(b, entry)
    return None


def _place_of(b: Briefing, entry: Entry) -> PlaceCard | None:
    if isinstance(entry.card, PlaceCard):
        return entry.card
    if isinstance(entry.card, EventCard):
        return b.deck.place(entry.card.place)
    places = [p for p in b.deck.places if p.id in entry.involves]
    return places[0] if len(places) == 1 else None


# --- what, why, what if, yes or no, how many ----------------------------------------------------


def _what(b: Briefing, index: AnswerIndex, q: Question, ctx: Context, found: Entry | None = None) -> Reply:
    if q.named and not q.key:  # one name: its card; two people: what ties them; else nothing does
        if len(q.named) == 1:
            return _named(b, index, q, ctx, None)
        people = [n for n in q.named if any(index.cards[i].kind == "person" for i in n)]
        entry = best(index, q) if len(people) >= 2 else None
        return fact_reply(b, entry) if entry is not None else doesnt_say(b, q)
    entry = found or best(index, q, whole=q.kind == "whatif")
    if entry is None:
        card = _topic(index, q)
        if card is not None:
            return _card_reply(b, card, ctx)
        return doesnt_say(b, q, related=_said_of_named(index, q, on_topic=True))
    if q.kind == "howmany" and not q.numeric(entry.text):
        return doesnt_say(b, q, _("The article gives no figure for that."), entry)
    return fact_reply(b, entry)


def _why(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    """The fact that gives a reason for what is asked; "the article doesn't say" when none does."""
    found = [e for e in candidates(index, q, whole=True) or candidates(index, q) if _names_fit(q, e.involves)]
    if not found:
        return _what(b, index, q, ctx)
    asked = _key(q, index)[0] | _asked(q)

    def given(words: frozenset[str]) -> bool:  # a "reason" made of the question's own words explains nothing
        return bool(words & asked)

    best_at, strongest = 0, 0
    for i, entry in enumerate(found):  # the best ranked of the strongest reasons
        strength = clauses.strongest(entry.reasons, given)
        if strength > strongest:
            best_at, strongest = i, strength
        if strongest == clauses.STRONG:
            break
    if strongest == 0:
        return doesnt_say(b, q, related=found[0])
    return fact_reply(b, found[best_at])


def _yesno(b: Briefing, index: AnswerIndex, q: Question, ctx: Context) -> Reply:
    found = candidates(index, q)
    if found and _only_if(found[0], q, index):  # "did the talks succeed?": "if they succeed, …"
        return doesnt_say(b, q, related=found[0])
    return _what(b, index, q, ctx, found[0] if found else None)


def _only_if(entry: Entry, q: Question, index: AnswerIndex) -> bool:
    """Whether the entry says what is asked only as a condition ("should the talks be fruitful")."""
    asked = set(_key(q, index)[0])
    return bool(asked & entry.hypothetical) and not (asked & entry.concepts) - entry.hypothetical


def _topic(index: AnswerIndex, q: Question) -> AnyCard | None:
    """A card whose very names are what the question asks about ("что на кону?": the stakes)."""
    key = set(q.key)
    found = [c for c in index.cards.values()
             if not isinstance(c, PersonCard) and key <= _naming(c)]
    found.sort(key=lambda c: c.id != index.main_event)  # the story's own event first
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


def _statement(b: Briefing, index: AnswerIndex, q: Question, statement: Statement) -> Reply:
    said = statements.find(index, statement)
    if not said.shown:
        return doesnt_say(b, q, said.missing, follow=said.person)
    return statements.reply(b, said)


# --- choosing what answers -----------------------------------------------------------------------


def best(index: AnswerIndex, q: Question, *, whole: bool = False, people_first: bool = False) -> Entry | None:
    found = candidates(index, q, whole=whole, people_first=people_first)
    return found[0] if found else None


def candidates(index: AnswerIndex, q: Question, *, whole: bool = False,
               people_first: bool = False) -> list[Entry]:
    """The facts and sentences that cover the question's content words and names, best first.

    Cover decides, ranking only orders: an entry must contain every content word of a short
    question (most of a long one), or an article's near word for it, and be about every person
    the question names. The story's own subject ("summit") need not be repeated when the question
    says more than it ("who is hosting the summit?").
    """
    key, context = _key(q, index)
    need = len(key) if whole or len(key) <= 2 else math.ceil(PART * len(key))
    weak = set(q.weak) | context
    near = q.nearby
    deed = _deed_concepts(q) if q.deed in key else set()  # "why did Russia invade?": not without "invade"
    scores = index.scores(q.query)
    ranked: list[tuple[tuple[int, int, bool, int, bool, bool, int, int, bool, int, float], int]] = []
    people = tuple(n for n in q.named if any(index.cards[i].kind == "person" for i in n))
    places = {i for n in q.named for i in n} - {i for n in people for i in n}
    for i, entry in enumerate(index.entries):
        exact = len(key & entry.concepts)
        covered = exact + (_near_cover(key, entry, near) if near and exact < len(key) else 0)
        if covered < need or not all(n & entry.involves for n in people) or _other_side(q, entry):
            continue
        if deed and not deed & entry.concepts:
            continue
        person = people_first and isinstance(entry.card, PersonCard)
        label = entry.field in ("role", "affiliation") and not people_first
        own = entry.card is not None and any(entry.card.id in named for named in q.named)
        weight = len(weak & entry.concepts) + len(places & entry.involves)
        literal = len(q.literal & entry.literal)
        # For "who hosts…": "Turkey hosts the negotiations" before "Thanked Turkey for hosting".
        early = -_first(entry, q.key[0]) if people_first and q.key else 0
        dated = q.on and isinstance(entry.card, EventCard) and on_day(entry.card, q.on)
        rank = (covered, exact, bool(dated), early, person, not label, weight, literal, own,
                _preference(entry), float(scores[i]))
        ranked.append((rank, i))
    ranked.sort(key=lambda r: r[0], reverse=True)
    return [index.entries[i] for _rank, i in ranked]


def _near_cover(key: frozenset[str], entry: Entry, near: dict[str, frozenset[str]]) -> int:
    """How many of the question's words the entry holds only as an article's near word."""
    return sum(bool(near.get(c, frozenset()) & entry.concepts) for c in key - entry.concepts)


def _key(q: Question, index: AnswerIndex) -> tuple[frozenset[str], frozenset[str]]:
    """The concepts an answer must hold, and those of the story's subject it may leave out."""
    key = frozenset(q.key)
    context = key & index.topic
    return (key - context, context) if key - context else (key, frozenset())


def _first(entry: Entry, deed: str) -> int:
    """How far into what is shown the question's first word (its deed) comes: the doer is before it."""
    return next((i for i, c in enumerate(entry.sequence) if c == deed), len(entry.sequence))


def _other_side(q: Question, entry: Entry) -> bool:
    """The entry speaks of another side's thing only: "the Russian delegation" for "the Ukrainian one"."""
    near = q.nearby
    for side, thing in q.sides:
        things = {thing} | near.get(thing, frozenset())
        sides_of = {s for s, t in entry.sides if t in things}
        if sides_of and side not in sides_of:
            return True
    return False


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


def doesnt_say(b: Briefing, q: Question, line: str | None = None, related: Entry | None = None,
               follow: AnyCard | None = None, *, cover: bool = True) -> Reply:
    """The article does not answer: said in one line, with what it does cover (and `follow`'s card)."""
    sections = [Section(line or _line(q))]
    if related is not None:
        written_in = cards.quoted_in(b)
        said = (_("What it says, {written_in}: “{quote}”").format(written_in=written_in, quote=related.quote)
                if written_in else _("What it says: “{quote}”").format(quote=related.quote))
        sections.append(Section(said))
    if cover:
        sections.append(Section(covers(b)))
    own = [(cards.short(follow), cards.command_for(follow))] if follow is not None else []
    follow_ups = cards.actions(*own, (_("Who's who"), "who"), (_("When"), "when"), (_("Where"), "where"),
                               (_("What's at stake"), "stakes"), (_("Summary"), "summary"))
    return Reply(_("The article doesn't say"), tuple(sections), follow_ups, tone="notice", unanswered=True)


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
