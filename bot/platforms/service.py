"""The one entry point every adapter calls with a reader's text: its story, settings, errors, logs.

Each answer is worded in one language: the chat's, when it chose one with /language, else the
reader's own as the platform tells it (Telegram's `language_code`, Slack's locale), else the
bot's default (BRIEFING_LANG). A question in plain Ukrainian or Russian is answered in that
language whatever the chat's (handlers.router).

It also decides what a reader gets when the process is short of something: a short "busy" when
too many requests arrive at once (bot/platforms/admission.py), nothing for a delivery already
answered (bot/platforms/dedupe.py), and, when the database cannot be reached, answers from the
deck in the default zone and story, or "settings are unavailable for a moment" for the commands
that need it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.platforms.admission import Admission
from bot.platforms.dedupe import Dedupe
from bot.platforms.outage import is_outage
from content.library import Library, Stories, library_of
from content.loader import Briefing
from content.text import fold
from handlers import messages
from handlers.briefing import command_for
from handlers.clock import Clock
from handlers.context import ChatRef, ChatService, Context, Permission
from handlers.i18n import ENGLISH, LANGUAGES, _, language, speaking_in, supported
from handlers.matching import index
from handlers.registry import Query
from handlers.reply import Reply, Section
from handlers.router import dispatch, for_another_bot, parse
from handlers.stories import Entry, default_story, elsewhere, entries, from_story, scoped, within

log = logging.getLogger("briefing.commands")

# Observer of every answered command: (chat, command, outcome, seconds).
AnswerObserver = Callable[[ChatRef, str, str, float], None]
# Observer of every question in plain words (and every command it could not answer): (chat, answered).
QuestionObserver = Callable[[ChatRef, bool], None]
_REMEMBERED_CHATS = 10_000
OVERVIEW = ("summary", "when", "who", "timeline")  # the cards offered before anything is typed
_KEEP_TIMEOUT = 1.0  # keeping an unanswered question must never hold up the answer for long
CHOICE_TIMEOUT = 2.0  # seconds a chat's zone or story may take to read before the default is used


class QuestionBook(Protocol):
    """Where unanswered questions are kept for the editors (the store's `questions`)."""

    async def record(self, deck: str, text: str, platform: str, at: dt.datetime) -> None: ...


def apology() -> Reply:
    return Reply(_(messages.APOLOGY_TITLE), (Section(_(messages.APOLOGY_TEXT)),), tone="error")


def busy() -> Reply:
    return Reply(_(messages.BUSY_TITLE), (Section(_(messages.BUSY_TEXT)),), tone="notice")


def settings_unavailable() -> Reply:
    return Reply(_(messages.SETTINGS_UNAVAILABLE_TITLE), (Section(_(messages.SETTINGS_UNAVAILABLE_TEXT)),),
                 tone="notice")


@dataclass(frozen=True, slots=True)
class Asked:
    """A query and the story that answers it (`current`: the story the chat follows)."""

    query: Query
    briefing: Briefing
    current: Briefing

    @property
    def elsewhere(self) -> bool:
        return self.briefing is not self.current


class BriefingService:
    """Answers readers' texts from the stories of a library (or one briefing), for any platform.

    Each chat is answered from the story it follows (`story_of`), its subscription commands
    too (they subscribe it to that story); a question naming only another story's person or
    place, and a button of such an answer (`in ID COMMAND`), are answered from that story.
    """

    def __init__(
        self,
        stories: Library | Briefing,
        clock: Clock,
        *,
        zone: ZoneInfo | None = None,
        chats: ChatService | None = None,
        default: str | None = None,
        observers: tuple[AnswerObserver, ...] = (),
        question_observers: tuple[QuestionObserver, ...] = (),
        unanswered: QuestionBook | None = None,
        admission: Admission | None = None,
        dedupe: Dedupe | None = None,
        language: str = ENGLISH,
    ) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no catalogue for the language {language!r}: use one of {', '.join(LANGUAGES)}")
        self.library = library_of(stories)
        self.language = language  # for readers whose language the platform does not tell, or the bot lacks
        self.clock = clock
        self.zone = zone
        self.chats = chats
        self.default = default  # the story of a chat that chose none (None: the next main event's)
        self.observers = list(observers)
        self.question_observers = list(question_observers)
        self.unanswered = unanswered
        self.admission = admission or Admission()
        self.dedupe = dedupe or Dedupe()  # without a store: this process's own copies only
        self.database = self.dedupe.outage  # one account of the database's outages, one log line each
        self._last_topic: OrderedDict[str, str] = OrderedDict()

    async def zone_for(self, chat: ChatRef) -> ZoneInfo | None:
        """The chat's own display zone if it chose one, else the process default."""
        if self.chats is None:
            return self.zone
        chosen = await self._choice(self.chats.timezone, chat, "dates are shown in the default zone")
        return ZoneInfo(chosen) if chosen else self.zone

    def reader_language(self, code: str | None) -> str:
        """The language to answer a reader in whose platform says `code` ("uk-UA"), before the
        chat's own choice is read: theirs when the bot speaks it, else the default."""
        return supported(code) or self.language

    async def chosen_language(self, chat: ChatRef) -> str | None:
        """The language the chat chose with /language; None when it chose none (or the database
        cannot tell right now: each reader's own stands in)."""
        if self.chats is None:
            return None
        return supported(await self._choice(self.chats.language, chat, "readers are answered in their own "
                                                                        "language"))

    async def language_of(self, chat: ChatRef, reader: str | None = None) -> str:
        """The language answers in `chat` are worded in, for a reader whose platform says `reader`."""
        return await self.chosen_language(chat) or self.reader_language(reader)

    async def story_of(self, chat: ChatRef, stories: Stories) -> Briefing:
        """The story the chat follows: its choice while that story is served, else the default."""
        chosen = None
        if self.chats is not None:
            chosen = await self._choice(self.chats.story, chat, "chats follow the default story")
        return stories.get(chosen) or stories.get(self.default) or default_story(stories, self.clock.now())

    async def _choice(self, read: Callable[[ChatRef], Awaitable[str | None]], chat: ChatRef,
                      instead: str) -> str | None:
        """What the chat chose (its zone, its story), or None while the database cannot tell.

        The default can always stand in: when the choice cannot be read (the database is down,
        or was a moment ago), that is what the reader gets, without waiting.
        """
        if self.database.resting():
            return None
        try:
            async with asyncio.timeout(CHOICE_TIMEOUT):
                return await read(chat)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self.database.failed(exc, instead)
            return None

    def context(self, chat: ChatRef, zone: ZoneInfo | None, may_manage: Permission | None,
                stories: Stories | None = None, reader: str | None = None) -> Context:
        return Context(self.clock, zone, chat, self._last_topic.get(chat.key), self.chats, may_manage,
                       stories if stories is not None else self.library.stories, reader or self.language)

    async def answer(
        self,
        text: str,
        chat: ChatRef,
        *,
        bot_username: str | None = None,
        may_manage: Permission | None = None,
        delivery: str | None = None,
        reader_language: str | None = None,
    ) -> Reply | None:
        """The reply to `text` from `chat`; None when it was addressed to another bot, or when
        `delivery` (the platform's id for this request, e.g. "slack:event:Ev1") was answered before.
        `reader_language` is the sender's language as the platform gives it ("uk", "ru-RU").

        A request that finds no turn (admission.py) gets a short "busy"; a handler that raises
        gets an apology (the traceback goes to the log), or "settings are unavailable" when what
        failed was reaching the database.
        """
        started = time.perf_counter()
        stories = self.library.stories  # one snapshot for the whole answer, whatever a reload does
        asked: Asked | None = None
        reply: Reply | None = None
        outcome = "ignored"
        if for_another_bot(text, bot_username):
            pass
        elif delivery is not None and self.dedupe.known(delivery):
            outcome = "repeat"
        else:
            # The reader's own language until the chat's choice is read, which takes a turn: a
            # "busy" costs the database nothing.
            with speaking_in(self.reader_language(reader_language)):
                async with self.admission.turn() as admitted:
                    if admitted:
                        asked, reply, outcome = await self._answer(text, chat, stories, bot_username,
                                                                   may_manage, delivery)
                    else:
                        reply, outcome = busy(), "busy"
        if reply is not None and reply.topic and (asked is None or not asked.elsewhere):
            self._remember(chat.key, reply.topic)
        elapsed = time.perf_counter() - started
        command = _command(asked)
        log.info("command platform=%s chat=%s command=%s outcome=%s ms=%.1f",
                 chat.platform, chat.key, command, outcome, elapsed * 1000)
        for observe in self.observers:
            observe(chat, command, outcome, elapsed)
        if reply is not None and (reply.unanswered or not text.lstrip().startswith("/")):
            deck = asked.briefing.deck.id if asked is not None else stories.newest.deck.id
            await self._question(text, chat, deck, answered=not reply.unanswered)
        return reply

    async def _answer(self, text: str, chat: ChatRef, stories: Stories, bot_username: str | None,
                      may_manage: Permission | None, delivery: str | None
                      ) -> tuple[Asked | None, Reply | None, str]:
        """(what was asked, the reply, the outcome) for a request holding a turn."""
        if delivery is not None and not await self.dedupe.first(delivery):
            return None, None, "repeat"
        asked: Asked | None = None
        try:
            reader = language()  # the reader's own, which /language auto goes back to
            chosen = await self.chosen_language(chat)
            with speaking_in(chosen) if chosen else contextlib.nullcontext():
                asked = await self.asked(text, chat, stories, bot_username)
                if asked is None:
                    return None, None, "ignored"
                ctx = self.context(chat, await self.zone_for(chat), may_manage, stories, reader)
                reply = await self._reply(asked, ctx)
        except Exception as exc:
            if self.chats is not None and is_outage(exc):
                self.database.failed(exc, "settings commands answer that they are unavailable")
                return asked, settings_unavailable(), "unavailable"
            _log_failure(chat, _command(asked))
            return asked, apology(), "failed"
        return asked, reply, reply.tone

    async def asked(self, text: str, chat: ChatRef, stories: Stories,
                    bot_username: str | None = None) -> Asked | None:
        """What `text` asks and which story answers it; None when it is addressed to another bot."""
        current = await self.story_of(chat, stories)
        scope = scoped(text)
        if scope is not None and (inside := stories.get(scope[0])) is not None:
            query = parse(inside, scope[1], bot_username)
            return Asked(query, inside, current) if query is not None else None
        query = parse(current, text, bot_username)
        if query is None:
            return None
        other = elsewhere(stories, current, query)
        if other is not None:
            again = parse(other, text, bot_username)  # a bare name is a card there: "Karlsson"
            return Asked(again or query, other, current)
        return Asked(query, current, current)

    async def _reply(self, asked: Asked, ctx: Context) -> Reply:
        reply = await dispatch(asked.briefing, asked.query, ctx)
        return from_story(reply, asked.briefing) if asked.elsewhere else reply

    async def listing(self, chat: ChatRef, reader_language: str | None = None) -> list[Entry]:
        """Every story, newest first, each with its main event's countdown in the chat's zone and
        language."""
        stories = self.library.stories
        current = await self.story_of(chat, stories)
        with speaking_in(await self.language_of(chat, reader_language)):
            return entries(stories, current, self.clock.now(), await self.zone_for(chat))

    async def cards(self, text: str, chat: ChatRef, reader_language: str | None = None
                    ) -> list[tuple[str, Reply]]:
        """(command, card) pairs for text a reader is still typing, best first, each card once.

        The text itself, then each card its words name (nothing typed: the overview), then the
        other stories whose title the words name (nothing typed: every other story). These are
        offers, not commands: no observer counts them and no topic is remembered, so a reader
        typing "lav…" letter by letter is not a dozen commands. As with answer(), a failing
        handler is logged (its card is left out), and dates are shown in the chat's zone and the
        cards worded in its language.
        """
        with speaking_in(await self.language_of(chat, reader_language)):
            return await self._cards(text, chat)

    async def _cards(self, text: str, chat: ChatRef) -> list[tuple[str, Reply]]:
        stories = self.library.stories
        ctx = self.context(chat, await self.zone_for(chat), None, stories)
        current = await self.story_of(chat, stories)
        found: list[tuple[str, Reply]] = []
        for command in (*self._offers(current, text), *_story_offers(stories, current, text)):
            asked = await self.asked(command, chat, stories)
            if asked is None or not asked.query.command:
                continue
            try:
                reply = await self._reply(asked, ctx)
            except Exception:
                _log_failure(chat, asked.query.command)
                continue
            if reply.tone == "card" and all(reply.title != r.title for _, r in found):
                found.append((command, reply))
        return found

    @staticmethod
    def _offers(current: Briefing, text: str) -> list[str]:
        """The commands to try for `text`: the text itself, then one per card it names."""
        words = " ".join(text.split())
        if not words:
            return list(OVERVIEW)
        found = index(current.deck).lookup(words)
        named = (found.card,) if found.card is not None else found.candidates
        return list(dict.fromkeys([words, *(command_for(card) for card in named)]))

    async def _question(self, text: str, chat: ChatRef, deck: str, *, answered: bool) -> None:
        """Count a question; keep one it could not answer (its words only) for the editors."""
        for observe in self.question_observers:
            observe(chat, answered)
        if answered or self.unanswered is None:
            return
        try:
            await asyncio.wait_for(self.unanswered.record(deck, text, chat.platform, self.clock.now()),
                                   _KEEP_TIMEOUT)
        except Exception as exc:  # the reader still gets the answer; the log says what was lost
            log.warning("unanswered question not kept platform=%s error=%s", chat.platform,
                        type(exc).__name__)

    def _remember(self, key: str, topic: str) -> None:
        self._last_topic[key] = topic
        self._last_topic.move_to_end(key)
        while len(self._last_topic) > _REMEMBERED_CHATS:
            self._last_topic.popitem(last=False)


def _story_offers(stories: Stories, current: Briefing, text: str) -> list[str]:
    """`in ID summary` for each other story whose title the words name (nothing typed: each one)."""
    words = fold(text)
    return [within(b, "summary") for b in stories.briefings
            if b is not current and (not words or words in fold(f"{b.deck.title} {b.deck.id}"))]


def _command(asked: Asked | None) -> str:
    return (asked.query.command or "?") if asked is not None else "-"


def _log_failure(chat: ChatRef, command: str) -> None:
    log.exception("command failed platform=%s chat=%s command=%s", chat.platform, chat.key, command)
