"""The briefing commands: everything a reader asks of the deck. Each returns a Reply."""

from __future__ import annotations

import datetime as dt

from content.loader import Briefing
from content.model import AnyCard, EventCard, Fact, PersonCard, PlaceCard, PositionCard, SummaryCard
from handlers import eventtime, messages, timefmt
from handlers.answers.index import answer_index
from handlers.context import Context
from handlers.i18n import N_, _, language, local, ngettext
from handlers.matching import PEOPLE, Lookup, index
from handlers.registry import REGISTRY, Query, command
from handlers.reply import (
    ACTIONS_MAX,
    Action,
    Field,
    Reply,
    Section,
    Source,
    clip,
    echo,
)

PLACES = frozenset({"place"})
EVENTS = frozenset({"event"})
POSITIONS = frozenset({"position"})
_SHORT = 160  # a fact's text as a list shows it
_LANGUAGES = {"en": N_("English"), "ru": N_("Russian"), "uk": N_("Ukrainian"), "tr": N_("Turkish")}
# The same, as the end of a sentence: "the article on …, in English".
_WRITTEN_IN = {"en": N_("in English"), "ru": N_("in Russian"), "uk": N_("in Ukrainian"),
               "tr": N_("in Turkish")}


def source(b: Briefing, *facts: Fact) -> Source:
    return source_of(b, *(f.quote for f in facts))


def source_of(b: Briefing, *quotes: str) -> Source:
    """The article and the verbatim passages an answer stands on.

    The seed's title is the editor's, not the article's headline, so it is never shown as one;
    the article's date is the latest date it reports, and is said to be.
    """
    topic = local(b.deck.title)
    article = _("The article on {topic}").format(topic=topic)
    if (written_in := quoted_in(b)) is not None:
        article = _("The article on {topic}, {written_in}").format(topic=topic, written_in=written_in)
    return Source(article, as_of(b), tuple(dict.fromkeys(quotes)))


def quoted_in(b: Briefing) -> str | None:
    """'in English': the article's language, when the reader reads another (quotes stay in it)."""
    if language() == b.seed.language:
        return None
    phrase = _WRITTEN_IN.get(b.seed.language)
    return _(phrase) if phrase else _("in {language}").format(language=b.seed.language)


def as_of(b: Briefing) -> str:
    return _("as of {date}, the latest date it reports").format(date=timefmt.long_date(b.seed.as_of))


def surname(person: PersonCard) -> str:
    """The person's surname as the reader reads it ("Лавров" in Ukrainian)."""
    return local(person.name).split()[-1]


def label(card: AnyCard) -> str:
    """A card's name as the reader reads it: the summary's in the reader's words, others the editor's."""
    return _("Summary") if isinstance(card, SummaryCard) else local(card.label)


def command_for(card: AnyCard) -> str:
    """The command that shows `card` in full, in the deck's own words (what buttons send)."""
    if isinstance(card, PersonCard):
        return f"who {card.name.split()[-1].lower()}"
    if isinstance(card, PlaceCard):
        return f"where {card.name.lower()}"
    if isinstance(card, EventCard):
        return f"when {card.id}"
    if isinstance(card, PositionCard):
        return f"stakes {card.id}"
    return "summary"


def actions(*pairs: tuple[str, str]) -> tuple[Action, ...]:
    """Follow-ups, keeping only commands that exist (a feature may be switched off)."""
    kept = [Action(label, cmd) for label, cmd in pairs if cmd.split()[0] in REGISTRY]
    return tuple(kept[:ACTIONS_MAX])


def short(card: AnyCard) -> str:
    """A button-sized name: a person's full name, else the card's first alias (in the deck's language)."""
    name = label(card)
    if isinstance(card, PersonCard) or not card.aliases or name != card.label:
        return clip(name, 40)
    return clip(card.aliases[0][:1].upper() + card.aliases[0][1:], 40)


def card_actions(cards: tuple[AnyCard, ...]) -> tuple[Action, ...]:
    return actions(*((short(c), command_for(c)) for c in cards))


def resolve(b: Briefing, args: str, kinds: frozenset[str] | None) -> tuple[AnyCard | None, Lookup]:
    """The card `args` names: by its id (what buttons send), else by any of its names."""
    direct = b.deck.card(args.strip().lower())
    if direct is not None and (kinds is None or direct.kind in kinds):
        return direct, Lookup("found", args, direct)
    found = index(b.deck).lookup(args, kinds)
    return (found.card if found.outcome == "found" else None), found


def not_found(b: Briefing, found: Lookup, raw: str, listing: tuple[AnyCard, ...]) -> Reply:
    """'Not in this briefing' (with suggestions), or 'which one?' when several match."""
    name = echo(raw)
    if found.outcome == "ambiguous":
        text = _(messages.AMBIGUOUS_TEXT).format(name=name)
        return Reply(_(messages.AMBIGUOUS_TITLE), (Section(text),), card_actions(found.candidates),
                     tone="notice")
    offered = found.candidates or listing
    lead = _("Did you mean:") if found.candidates else _("It covers:")
    bullets = tuple(label(c) for c in offered)
    if answer_index(b).occurs(raw):  # the article has these words: they are just not such a card
        text = _(messages.IN_ARTICLE_TEXT).format(name=name)
        return Reply(_("Not one of these"), (Section(text), Section(lead, bullets=bullets)),
                     card_actions(offered), tone="notice")
    text = _(messages.NOT_IN_BRIEFING_TEXT).format(name=name)
    return Reply(_(messages.NOT_IN_BRIEFING_TITLE), (Section(text), Section(lead, bullets=bullets)),
                 card_actions(offered), tone="notice", unanswered=True)


# --- start and help --------------------------------------------------------------------


def examples(b: Briefing) -> tuple[str, ...]:
    people = b.deck.people
    first = f"/{command_for(people[0])}" if people else "/who"
    second = surname(people[-1]) if people else "…"
    return (first, "/when", _("who is {name}?").format(name=second), _("where?"))


@command("start", N_("What this bot is and what to ask it"))
def start(b: Briefing, q: Query, ctx: Context) -> Reply:
    main = b.deck.main
    intro = _("I answer questions about one news article, on {topic}, {as_of}. Every answer shows the "
              "passage it comes from; ask in plain words.").format(topic=local(b.deck.title), as_of=as_of(b))
    line = eventtime.countdown_line(b.deck, main, ctx.now(), ctx.zone, b.seed.as_of)
    sections = [Section(intro), Section(line), Section(_("Try:"), bullets=examples(b))]
    others = len(ctx.stories) - 1 if ctx.stories is not None else 0
    if others > 0:
        sections.append(Section(ngettext("I follow {n} other story too: /stories lists them.",
                                         "I follow {n} other stories too: /stories lists them.", others
                                         ).format(n=others)))
    return Reply(
        _("Briefing: {topic}").format(topic=local(b.deck.title)),
        tuple(sections),
        actions((_("Summary"), "summary"), (_("When"), "when"), (_("Who's who"), "who"), (_("Help"), "help")),
        topic=main.id,
    )


@command("help", N_("Every command, and how to ask in plain words"))
def help_(b: Briefing, q: Query, ctx: Context) -> Reply:
    sections = [
        Section(heading=_(group), bullets=tuple(f"{c.synopsis} — {_(c.summary)}" for c in cmds))
        for group, cmds in REGISTRY.groups().items()
    ]
    asks = ", ".join(f"“{e}”" for e in examples(b)[2:])
    sections.append(Section(_("Plain questions work too: {examples}. Names forgive typos and other scripts.")
                            .format(examples=asks)))
    return Reply(_("Commands"), tuple(sections), actions((_("Summary"), "summary"), (_("When"), "when")),
                 tone="notice")


# --- summary -----------------------------------------------------------------------------


@command("summary", N_("The story in a few lines"))
def summary(b: Briefing, q: Query, ctx: Context) -> Reply:
    return summary_reply(b, ctx)


def summary_reply(b: Briefing, ctx: Context) -> Reply:
    card: SummaryCard = b.deck.summary
    line = eventtime.countdown_line(b.deck, b.deck.main, ctx.now(), ctx.zone, b.seed.as_of)
    return Reply(
        local(card.headline.text),
        (Section(bullets=tuple(local(f.text) for f in card.bullets)), Section(line)),
        actions((_("Who's who"), "who"), (_("When"), "when"), (_("Timeline"), "timeline"),
                (_("What's at stake"), "stakes"), (_("Sources"), "source summary")),
        source(b, card.headline),
        topic=card.id,
    )


# --- who ---------------------------------------------------------------------------------


def person_reply(b: Briefing, person: PersonCard) -> Reply:
    fields = [Field(_("Role"), local(person.role.text))]
    if person.affiliation is not None:
        fields.append(Field(_("Affiliation"), local(person.affiliation.text)))
    did = Section(heading=_("In this story"), bullets=tuple(local(f.text) for f in person.did))
    others = tuple(p for p in b.deck.people if p.id != person.id)[:2]
    return Reply(
        local(person.name),
        (Section(fields=tuple(fields)), did),
        actions((_("Source"), f"source {person.id}"), *((surname(p), command_for(p)) for p in others),
                (_("Who's who"), "who"), (_("Timeline"), "timeline")),
        source(b, person.role, *person.did[:1]),
        topic=person.id,
    )


def people_reply(b: Briefing) -> Reply:
    bullets = tuple(f"{local(p.name)} — {local(p.role.text)}" for p in b.deck.people)
    return Reply(_("People in this briefing"), (Section(bullets=bullets),), card_actions(b.deck.people),
                 source(b, *(p.role for p in b.deck.people)))


@command("who", N_("Who's who: one person, or everyone in the briefing"), usage=N_("[name]"),
         example="who lavrov")
def who(b: Briefing, q: Query, ctx: Context) -> Reply:
    if not q.args.strip():
        return people_reply(b)
    card, found = resolve(b, q.args, PEOPLE)
    if isinstance(card, PersonCard):
        return person_reply(b, card)
    return not_found(b, found, q.args, b.deck.people)


# --- when, countdown, timeline -------------------------------------------------------------


def pick_event(b: Briefing, args: str) -> EventCard:
    """The event the reader names, else the main one ("when are the talks?" and "/when" alike)."""
    card = resolve(b, args, EVENTS)[0] if args.strip() else None
    return card if isinstance(card, EventCard) else b.deck.main


def event_reply(b: Briefing, event: EventCard, ctx: Context) -> Reply:
    now = ctx.now()
    s = eventtime.standing(b.deck, event, now, ctx.zone)
    place = b.deck.place(event.place)
    at = _("{date}, in {place}").format(date=s.date, place=local(place.name)) if place else s.date
    past_unreported = s.state == "passed" and not eventtime.reported(event, b.seed.as_of)
    lead = {
        "upcoming": _("{relative}: {date}.").format(relative=s.relative[:1].upper() + s.relative[1:],
                                                    date=at),
        "today": _("Today: {date}.").format(date=at),
        "passed": (_("Scheduled for {date}, which was {relative}.") if past_unreported
                   else _("{date}: {relative}.")).format(date=at, relative=s.relative),
        "undated": f"{at}.",
    }[s.state]
    if event.status != "scheduled":  # postponed or cancelled: no countdown to a date that no longer holds
        lead = eventtime.countdown_line(b.deck, event, now, ctx.zone, b.seed.as_of)
    fields = [Field(_("Date"), s.date)]
    if event.precision == "day":
        fields.append(Field(_("Time"), _("Not announced")))
    start = event.starts_at()
    if event.zone is not None and start is not None and event.precision == "day":
        fields.append(Field(_("Timezone"), timefmt.zone_label(event.zone, start)))
    if place is not None:
        fields.append(Field(_("Place"), local(place.name)))
    window = eventtime.reader_window(event, ctx.zone)
    if window:
        fields.append(Field(_("In your timezone"), window))
    changed = (event.changed,) if event.changed else ()
    sections = [Section(lead, fields=tuple(fields)),
                Section(heading=_("What"), bullets=tuple(local(f.text) for f in (*changed, *event.what)))]
    if past_unreported:
        sections.append(Section(
            _("This briefing is as of {date}: it does not report whether this took place as planned "
              "or how it went.").format(date=timefmt.long_date(b.seed.as_of))))
    return Reply(
        local(event.title),
        tuple(sections),
        actions((_("Countdown"), "countdown"), (_("Where"), "where"), (_("Timeline"), "timeline"),
                (_("Source"), f"source {event.id}")),
        source(b, event.when, *changed),
        topic=event.id,
    )


@command("when", N_("When it happens, and how far away that is"), usage=N_("[event]"))
def when(b: Briefing, q: Query, ctx: Context) -> Reply:
    return event_reply(b, pick_event(b, q.args), ctx)


@command("countdown", N_("How long until the main event"), usage=N_("[event]"))
def countdown(b: Briefing, q: Query, ctx: Context) -> Reply:
    event = pick_event(b, q.args)
    now = ctx.now()
    line = eventtime.countdown_line(b.deck, event, now, ctx.zone, b.seed.as_of)
    upcoming = eventtime.standing(b.deck, event, now, ctx.zone).state in ("upcoming", "today")
    follow = [(_("When"), "when"), (_("Timeline"), "timeline")]
    if upcoming:
        follow.insert(0, (_("Remind this chat"), "subscribe"))
    return Reply(_("Countdown: {event}").format(event=local(event.title)), (Section(line),), actions(*follow),
                 source(b, event.when), topic=event.id)


def ordered_events(b: Briefing) -> list[EventCard]:
    """Dated events by date; 'before X' just ahead of X and 'after X' just behind it."""
    dated = sorted((e for e in b.deck.events if e.date is not None),
                   key=lambda e: (e.date, e.time or dt.time(0)))
    order = list(dated)
    pending = [e for e in b.deck.events if e.date is None]
    while pending:
        placed = False
        for e in list(pending):
            if e.relative_to in {x.id for x in order}:
                at = next(i for i, x in enumerate(order) if x.id == e.relative_to)
                order.insert(at if e.precision == "before" else at + 1, e)
                pending.remove(e)
                placed = True
        if not placed:  # ordered against nothing dated: keep them, at the end
            order.extend(pending)
            break
    return order


@command("timeline", N_("What happened and what is planned, in order"))
def timeline(b: Briefing, q: Query, ctx: Context) -> Reply:
    now = ctx.now()
    today = timefmt.long_moment(now, eventtime.chat_zone(b.deck, ctx.zone))
    marker = _("▶ Now: {moment}").format(moment=today)
    bullets: list[str] = []
    for event in ordered_events(b):
        s = eventtime.standing(b.deck, event, now, ctx.zone)
        if s.state in ("upcoming", "today") and marker not in bullets:
            bullets.append(marker)
        rel = f" ({s.relative})" if s.relative else ""
        bullets.append(f"{s.date}{rel} — {local(event.title)}")
    if marker not in bullets:
        bullets.append(marker)
    return Reply(
        _("Timeline"),
        (Section(bullets=tuple(bullets)),),
        actions(*((short(e), command_for(e)) for e in b.deck.events), (_("Countdown"), "countdown")),
        source(b, *(e.when for e in b.deck.events)),
    )


# --- where -------------------------------------------------------------------------------


def place_reply(b: Briefing, place: PlaceCard, ctx: Context) -> Reply:
    now = ctx.now()
    fields = [Field(_("Timezone"), timefmt.zone_label(place.zone, now)),
              Field(_("Local time now"), timefmt.local_moment(now, place.zone))]
    events = [e for e in b.deck.events if e.place == place.id]
    fields.extend(Field(_("Event"), f"{local(e.title)} — {eventtime.date_text(b.deck, e, ctx.zone)}")
                  for e in events)
    others = tuple(p for p in b.deck.places if p.id != place.id)
    sections = [Section(local(place.role.text), fields=tuple(fields))]
    if others:
        sections.append(Section(heading=_("Other places in this briefing"), bullets=tuple(
            f"{local(p.name)} — {clip(local(p.role.text), _SHORT)}" for p in others)))
    return Reply(
        local(place.name),
        tuple(sections),
        actions(*((local(p.name), command_for(p)) for p in others), (_("When"), "when"),
                (_("Source"), f"source {place.id}")),
        source(b, place.role),
        topic=place.id,
    )


@command("where", N_("Where it happens, and the other places in the story"), usage=N_("[place]"))
def where(b: Briefing, q: Query, ctx: Context) -> Reply:
    card: AnyCard | None = b.deck.main
    found = Lookup("none", q.args)
    if q.args.strip():
        card, found = resolve(b, q.args, PLACES | EVENTS)
    if isinstance(card, EventCard):
        card = b.deck.place(card.place)
        if card is None:
            return Reply(_("The article doesn't say"),
                         (Section(_("The article does not say where that took place.")),), tone="notice",
                         unanswered=True)
    if isinstance(card, PlaceCard):
        return place_reply(b, card, ctx)
    return not_found(b, found, q.args, b.deck.places)


# --- stakes ------------------------------------------------------------------------------


def position_reply(b: Briefing, position: PositionCard) -> Reply:
    names = [local(p.name) for p in b.deck.people if p.id in position.people]
    fields = [Field(_("Held by"), local(position.holder))]
    if names:
        fields.append(Field(_("People"), ", ".join(names)))
    sections = [Section(local(position.statement.text), fields=tuple(fields))]
    if position.details:
        sections.append(Section(bullets=tuple(local(f.text) for f in position.details)))
    people = [p for p in b.deck.people if p.id in position.people]
    return Reply(
        local(position.title),
        tuple(sections),
        actions((_("Source"), f"source {position.id}"), *((surname(p), command_for(p)) for p in people),
                (_("What's at stake"), "stakes")),
        source(b, position.statement, *position.details),
        topic=position.id,
    )


@command("stakes", N_("The positions of each side, and what success or failure would mean"),
         usage=N_("[topic]"))
def stakes(b: Briefing, q: Query, ctx: Context) -> Reply:
    if q.args.strip():
        card, found = resolve(b, q.args, POSITIONS)
        if isinstance(card, PositionCard):
            return position_reply(b, card)
        return not_found(b, found, q.args, b.deck.positions)
    sections = tuple(Section(clip(local(p.statement.text), _SHORT),
                             heading=f"{local(p.title)} ({local(p.holder)})") for p in b.deck.positions)
    return Reply(_("What's at stake"), sections, card_actions(b.deck.positions),
                 source(b, *(p.statement for p in b.deck.positions)))


# --- source ------------------------------------------------------------------------------


def card_source(b: Briefing, card: AnyCard) -> Reply:
    quoted = tuple(Section(f"“{fact.quote}”", heading=clip(local(fact.text), _SHORT))
                   for _path, fact in card.facts())
    written_in = quoted_in(b)
    lead = () if written_in is None else (
        Section(_("The passages are the article's own words, {written_in}.").format(written_in=written_in)),)
    return Reply(
        _("Source: {topic}").format(topic=label(card)),
        (*lead, *quoted),
        actions((_("Back to the card"), command_for(card)), (_("The article"), "source")),
        source_of(b),
        topic=card.id,
    )


def language_name(code: str) -> str:
    """'English' for "en"; a code it has no name for as it is."""
    name = _LANGUAGES.get(code)
    return _(name) if name else code


def article_reply(b: Briefing) -> Reply:
    fields = (Field(_("Editor's title"), b.seed.title),
              Field(_("As of"), _("{date} (the latest date it reports)").format(
                  date=timefmt.long_date(b.seed.as_of))),
              Field(_("Language"), language_name(b.seed.language)),
              Field(_("Publisher"), b.seed.publisher))
    text = _("Every answer is drawn from this article, and each fact keeps the sentence it comes "
             "from. Name a topic to see those sentences.")
    return Reply(
        _("Source"),
        (Section(b.seed.reports, fields=fields), Section(text)),
        actions((_("Summary"), "source summary"), (_("The talks"), f"source {b.deck.main.id}"),
                *((surname(p), f"source {p.id}") for p in b.deck.people[:3])),
    )


@command("source", N_("The article's own words behind an answer"), usage=N_("[topic]"),
         example="source lavrov")
def source_cmd(b: Briefing, q: Query, ctx: Context) -> Reply:
    if not q.args.strip():
        last = b.deck.card(ctx.last_topic) if ctx.last_topic else None
        return card_source(b, last) if last is not None else article_reply(b)
    card, found = resolve(b, q.args, None)
    if card is not None:
        return card_source(b, card)
    return not_found(b, found, q.args, (b.deck.summary, *b.deck.people, b.deck.main))
