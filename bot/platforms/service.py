"""The one entry point every adapter calls with a reader's text: routing, settings, errors, logs.

It also decides what a reader gets when the process is short of something: a short "busy" when
too many requests arrive at once (bot/platforms/admission.py), nothing for a delivery already
answered (bot/platforms/dedupe.py), and, when the database cannot be reached, answers from the
deck in the default zone, or "settings are unavailable for a moment" for the commands that need it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.platforms.admission import Admission
from bot.platforms.dedupe import Dedupe
from bot.platforms.outage import is_outage
from content.loader import Briefing
from handlers import messages
from handlers.briefing import command_for
from handlers.clock import Clock
from handlers.context import ChatRef, ChatService, Context, Permission
from handlers.i18n import _
from handlers.matching import index
from handlers.registry import Query
from handlers.reply import Reply, Section
from handlers.router import dispatch, parse

log = logging.getLogger("briefing.commands")

# Observer of every answered command: (chat, command, outcome, seconds).
AnswerObserver = Callable[[ChatRef, str, str, float], None]
_REMEMBERED_CHATS = 10_000
OVERVIEW = ("summary", "when", "who", "timeline")  # the cards offered before anything is typed
ZONE_TIMEOUT = 2.0  # seconds a chat's zone may take to read before the default zone is used


def apology() -> Reply:
    return Reply(messages.APOLOGY_TITLE, (Section(messages.APOLOGY_TEXT),), tone="error")


def busy() -> Reply:
    return Reply(_(messages.BUSY_TITLE), (Section(_(messages.BUSY_TEXT)),), tone="notice")


def settings_unavailable() -> Reply:
    return Reply(_(messages.SETTINGS_UNAVAILABLE_TITLE), (Section(_(messages.SETTINGS_UNAVAILABLE_TEXT)),),
                 tone="notice")


class BriefingService:
    """Answers readers' texts from one briefing, for any platform."""

    def __init__(
        self,
        briefing: Briefing,
        clock: Clock,
        *,
        zone: ZoneInfo | None = None,
        chats: ChatService | None = None,
        observers: tuple[AnswerObserver, ...] = (),
        admission: Admission | None = None,
        dedupe: Dedupe | None = None,
    ) -> None:
        self.briefing = briefing
        self.clock = clock
        self.zone = zone
        self.chats = chats
        self.observers = list(observers)
        self.admission = admission or Admission()
        self.dedupe = dedupe or Dedupe()  # without a store: this process's own copies only
        self.database = self.dedupe.outage  # one account of the database's outages, one log line each
        self._last_topic: OrderedDict[str, str] = OrderedDict()

    async def zone_for(self, chat: ChatRef) -> ZoneInfo | None:
        """The chat's own display zone if it chose one, else the process default.

        Dates can always be shown in the default zone: when the chat's choice cannot be read (the
        database is down, or was a moment ago), that is what the reader gets, without waiting.
        """
        if self.chats is None or self.database.resting():
            return self.zone
        try:
            async with asyncio.timeout(ZONE_TIMEOUT):
                chosen = await self.chats.timezone(chat)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self.database.failed(exc, "dates are shown in the default zone")
            return self.zone
        return ZoneInfo(chosen) if chosen else self.zone

    def context(self, chat: ChatRef, zone: ZoneInfo | None, may_manage: Permission | None) -> Context:
        return Context(self.clock, zone, chat, self._last_topic.get(chat.key), self.chats, may_manage)

    async def answer(
        self,
        text: str,
        chat: ChatRef,
        *,
        bot_username: str | None = None,
        may_manage: Permission | None = None,
        delivery: str | None = None,
    ) -> Reply | None:
        """The reply to `text` from `chat`; None when it was addressed to another bot, or when
        `delivery` (the platform's id for this request, e.g. "slack:event:Ev1") was answered before.

        A request that finds no turn (admission.py) gets a short "busy"; a handler that raises
        gets an apology (the traceback goes to the log), or "settings are unavailable" when what
        failed was reaching the database.
        """
        started = time.perf_counter()
        query = parse(self.briefing, text, bot_username)
        command = (query.command or "?") if query else "-"
        reply: Reply | None = None
        outcome = "ignored"
        if query is not None and delivery is not None and self.dedupe.known(delivery):
            outcome = "repeat"
        elif query is not None:
            async with self.admission.turn() as admitted:
                if admitted:
                    reply, outcome = await self._answer(query, chat, may_manage, delivery)
                else:
                    reply, outcome = busy(), "busy"
        if reply is not None and reply.topic:
            self._remember(chat.key, reply.topic)
        elapsed = time.perf_counter() - started
        log.info("command platform=%s chat=%s command=%s outcome=%s ms=%.1f",
                 chat.platform, chat.key, command, outcome, elapsed * 1000)
        for observe in self.observers:
            observe(chat, command, outcome, elapsed)
        return reply

    async def _answer(self, query: Query, chat: ChatRef, may_manage: Permission | None,
                      delivery: str | None) -> tuple[Reply | None, str]:
        """(reply, outcome) for a request holding a turn."""
        if delivery is not None and not await self.dedupe.first(delivery):
            return None, "repeat"
        try:
            ctx = self.context(chat, await self.zone_for(chat), may_manage)
            reply = await dispatch(self.briefing, query, ctx)
        except Exception as exc:
            if self.chats is not None and is_outage(exc):
                self.database.failed(exc, "settings commands answer that they are unavailable")
                return settings_unavailable(), "unavailable"
            _log_failure(chat, query.command or "?")
            return apology(), "failed"
        return reply, reply.tone

    async def cards(self, text: str, chat: ChatRef) -> list[tuple[str, Reply]]:
        """(command, card) pairs for text a reader is still typing, best first, each card once.

        The text itself, then each card its words name (nothing typed: the overview). These are
        offers, not commands: no observer counts them and no topic is remembered, so a reader
        typing "lav…" letter by letter is not a dozen commands. As with answer(), a failing
        handler is logged (its card is left out) and dates are shown in the chat's zone.
        """
        ctx = self.context(chat, await self.zone_for(chat), None)
        found: list[tuple[str, Reply]] = []
        for command in self._offers(text):
            query = parse(self.briefing, command)
            if query is None or not query.command:
                continue
            try:
                reply = await dispatch(self.briefing, query, ctx)
            except Exception:
                _log_failure(chat, query.command)
                continue
            if reply.tone == "card" and all(reply.title != r.title for _, r in found):
                found.append((command, reply))
        return found

    def _offers(self, text: str) -> list[str]:
        """The commands to try for `text`: the text itself, then one per card it names."""
        words = " ".join(text.split())
        if not words:
            return list(OVERVIEW)
        found = index(self.briefing.deck).lookup(words)
        named = (found.card,) if found.card is not None else found.candidates
        return list(dict.fromkeys([words, *(command_for(card) for card in named)]))

    def _remember(self, key: str, topic: str) -> None:
        self._last_topic[key] = topic
        self._last_topic.move_to_end(key)
        while len(self._last_topic) > _REMEMBERED_CHATS:
            self._last_topic.popitem(last=False)


def _log_failure(chat: ChatRef, command: str) -> None:
    log.exception("command failed platform=%s chat=%s command=%s", chat.platform, chat.key, command)
