"""From what a reader typed to a Reply: commands, `/cmd@BotName`, Slack's text, plain questions."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from content.loader import Briefing
from content.model import AnyCard, EventCard, PlaceCard
from content.text import fold
from handlers import briefing, messages
from handlers.answers import questions
from handlers.answers.questions import Kind, Question
from handlers.answers.replies import answer_question, asks_of, not_understood, read, respond
from handlers.answers.words import FOREIGN_QUESTION_WORDS
from handlers.context import Context
from handlers.i18n import _, catalogue, language, speaking
from handlers.matching import PEOPLE, index
from handlers.registry import REGISTRY, Query
from handlers.reply import Action, Reply, Section, clip, echo

__all__ = ["answer", "dispatch", "not_understood", "parse", "unknown_command"]

# Plain questions that ask for a whole card, tried in order on the folded text. Each maps to a
# command; the words after the match (group "rest") become its arguments. Everything else (and
# `/who`, `/when`, `/where` naming no card) is answered from the answer index.
_QUESTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rx), cmd)
    for rx, cmd in (
        (r"^(whos|who are|who was|who were)\b(?P<rest>.*)", "who"),
        (r"^(hi|hello|hey|start|hallo|good (morning|afternoon|evening))\b", "start"),
        (r"^(help|commands|menu|what can you do|how does this work)\b", "help"),
        # "how long until the talks" counts down; "how long will the strike last" asks a duration
        (r"^(how long(?= (until|till|before|to go|left|now)\b|$)|how many (days|hours)|countdown|"
         r"days (left|to go|until)|(skilki|skolko) (dniv|dney|dnei|godin|chasov|zalishilos|ostalos))\b"
         r"(?P<rest>.*)", "countdown"),
        (r"^(what (day|date|time)|which (day|date)|at what time|timing)\b(?P<rest>.*)", "when"),
        (r"^(what place|which (city|place|country)|venue|location)\b(?P<rest>.*)", "where"),
        (r"^(what happened|whats (happening|going on|new)|whats (this|it)( about)?|what is (this|it|going on)"
         r"( about)?|summar(y|ise|ize)|overview|news|tldr|brief me)$", "summary"),
        (r"^(summar(y|ise|ize)|overview|tldr|brief me|give me a summary)\b", "summary"),
        (r"^(sources?|quotes?|evidence|says who|citation|where does it say)\b(?P<rest>.*)", "source"),
        (r"^(whats at stake|stakes?|positions?)\b(?P<rest>.*)", "stakes"),
        (r"^(whats at risk|what are the (risks|stakes|consequences|implications)|risks)$", "stakes"),
        (r"^(order of events|sequence|chronology|history)\b", "timeline"),
        (r"^(tell me about|what about|what is|whats|what are|who or what is|about|info on)\b(?P<rest>.*)",
         "topic"),
    )
)


_QUESTION_MAX = 400
_BARE_NAME_WORDS = 3  # longer texts are questions, answered from the index, even when they hold a name


def _first_word(text: str) -> tuple[str, str]:
    """The first word and the rest, split at any white space ("/who\nlavrov" too)."""
    parts = text.split(maxsplit=1)
    return (parts[0], parts[1].strip()) if len(parts) == 2 else (text.strip(), "")


def for_another_bot(text: str, bot_username: str | None) -> bool:
    """Whether `text` is a command addressed to another bot ("/who@OtherBot" in a group)."""
    text = text.strip()
    if not text.startswith("/") or bot_username is None:
        return False
    _name, at, target = _first_word(text[1:])[0].partition("@")
    return bool(at) and target.lower() != bot_username.lower()


def _slash(text: str, bot_username: str | None) -> Query | None:
    if for_another_bot(text, bot_username):
        return None
    head, rest = _first_word(text[1:])
    return Query(head.partition("@")[0].lower(), rest, text)


def _topic(b: Briefing, args: str, text: str) -> Query:
    """Whatever card the words name, shown by the command that shows that kind of card."""
    card, _found = briefing.resolve(b, args, None) if len(args.split()) <= _BARE_NAME_WORDS else (None, None)
    if card is None:
        return Query("", "", text)  # a question about something that is no card: answered from the index
    head, rest = _first_word(briefing.command_for(card))
    return Query(head, rest, text)


def parse(b: Briefing, text: str, bot_username: str | None = None) -> Query | None:
    """The query in `text`, or None when it is addressed to another bot."""
    text = text.strip()
    if text.startswith("/"):
        return _slash(text, bot_username)
    head, rest = _first_word(text)
    if (key := fold(head)) in REGISTRY:
        return Query(key, rest, text)  # Slack's "/briefing who lavrov" arrives as "who lavrov"
    folded = fold(text[:_QUESTION_MAX])
    for pattern, cmd in _QUESTIONS:
        match = pattern.match(folded)
        if match:
            args = (match.groupdict().get("rest") or "").strip()
            return _topic(b, args, text) if cmd == "topic" else Query(cmd, args, text)
    short = len(folded.split()) <= _BARE_NAME_WORDS and not _foreign_question(folded)
    if short and index(b.deck).lookup(text).outcome == "found":
        return _topic(b, text, text)  # a bare name: "Lavrov", "Istanbul", "the memorandum"
    return Query("", "", text)


def _foreign_question(folded: str) -> bool:
    """ "что подготовила Москва?": a question in another language, not a bare name with words around it."""
    return _first_word(folded)[0] in FOREIGN_QUESTION_WORDS


def _closest(name: str) -> str | None:
    best = process.extractOne(name, [c.name for c in REGISTRY], scorer=fuzz.ratio, score_cutoff=60)
    return best[0] if best else None


def unknown_command(name: str) -> Reply:
    close = _closest(name)
    hint = _("Did you mean /{command}? ").format(command=close) if close else ""
    text = _(messages.UNKNOWN_COMMAND_TEXT).format(command=clip(f"/{echo(name)}", 40), hint=hint)
    follow = (Action(f"/{close}", close),) if close else ()
    return Reply(_(messages.UNKNOWN_COMMAND_TITLE), (Section(text),), (*follow, Action(_("Help"), "help")),
                 tone="notice")


# What each asking command looks for first; when its words name no such card, the command's
# words are answered as a question of its kind ("/who presidential aide", "who proposed it?").
_ASKING: dict[str, frozenset[str]] = {
    "who": PEOPLE, "when": briefing.EVENTS, "where": briefing.PLACES | briefing.EVENTS}


_KINDS: dict[str, Kind] = {"who": "who", "when": "when", "where": "where"}


def _asked(b: Briefing, query: Query) -> Question | None:
    """The command's words read as a question, when they are one rather than a card's name: they
    name no card ("/who presidential aide"), or say more than the card ("who met Putin in Moscow")."""
    kinds = _ASKING.get(query.command)
    if kinds is None or not query.args.strip() or b.deck.card(query.args.strip().lower()) is not None:
        return None
    q = read(b, *_question(query))
    found = index(b.deck).lookup(query.args, kinds)
    if found.outcome == "none" and not found.candidates:
        return q
    if query.command == "where" and isinstance(found.card, EventCard) and found.card.place is None:
        return q  # the card has no place to show; the article's words may say where
    if query.command == "where" and _event_and_its_place(found.candidates):
        return q  # "where in Reykjavik is the summit?": not a choice between the two, a question
    named = (found.card,) if found.card is not None else found.candidates
    return q if asks_of(b, q, named, found=found.card is not None) else None


def _event_and_its_place(cards: Sequence[AnyCard]) -> bool:
    places = {c.id for c in cards if isinstance(c, PlaceCard)}
    return any(isinstance(c, EventCard) and c.place in places for c in cards)


def _question(query: Query) -> tuple[str, Kind | None]:
    """What to read as the question: a typed one whole ("what time is …" asks a time), a command's
    words as of the command's kind."""
    if query.text.lstrip().startswith("/"):
        return query.args, _KINDS[query.command]
    return query.text, None


# Languages a question in plain words is answered in, whatever the reader's own language is.
ANSWERED_IN = frozenset({"uk", "ru"})


def asked_in(query: Query) -> str | None:
    """The language of a question in plain words, when it is one answered in it; None for commands.

    Cyrillic that marks neither Ukrainian nor Russian ("Лавров?") is read in the reader's own
    language when that is one of the two.
    """
    text = query.text.strip()
    if text.startswith("/") or fold(_first_word(text)[0]) in REGISTRY:
        return None
    current = language()
    found = questions.language(text[:_QUESTION_MAX], current if current in ANSWERED_IN else "ru")
    return found if found in ANSWERED_IN else None


async def dispatch(b: Briefing, query: Query, ctx: Context) -> Reply:
    """Run the handler `query` names, in the language of a plain question. Handlers' errors propagate."""
    spoken = asked_in(query)
    if spoken is None or spoken == language():
        return await _run(b, query, ctx)
    with speaking(catalogue(spoken), spoken):
        return await _run(b, query, ctx)


async def _run(b: Briefing, query: Query, ctx: Context) -> Reply:
    if not query.command:
        return respond(b, query.text, ctx) if query.text.strip() else not_understood(b)
    cmd = REGISTRY.get(query.command)
    if cmd is None:
        return unknown_command(query.command)
    question = _asked(b, query)
    if question is not None:
        return answer_question(b, question, ctx)
    result = cmd.handler(b, query, ctx)
    return await result if inspect.isawaitable(result) else result


async def answer(b: Briefing, text: str, ctx: Context, bot_username: str | None = None) -> Reply | None:
    """The reply to `text`; None when the text is for another bot."""
    query = parse(b, text, bot_username)
    return None if query is None else await dispatch(b, query, ctx)
