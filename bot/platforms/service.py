"""The one entry point every adapter calls with a reader's text: routing, settings, errors, logs."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol
from zoneinfo import ZoneInfo

from content.loader import Briefing
from handlers import messages
from handlers.briefing import command_for
from handlers.clock import Clock
from handlers.context import ChatRef, ChatService, Context, Permission
from handlers.i18n import _
from handlers.matching import index
from handlers.reply import Reply, Section
from handlers.router import dispatch, parse

log = logging.getLogger("briefing.commands")

# Observer of every answered command: (chat, command, outcome, seconds).
AnswerObserver = Callable[[ChatRef, str, str, float], None]
# Observer of every question in plain words (and every command it could not answer): (chat, answered).
QuestionObserver = Callable[[ChatRef, bool], None]
_REMEMBERED_CHATS = 10_000
OVERVIEW = ("summary", "when", "who", "timeline")  # the cards offered before anything is typed
_KEEP_TIMEOUT = 1.0  # keeping an unanswered question must never hold up the answer for long


class QuestionBook(Protocol):
    """Where unanswered questions are kept for the editors (the store's `questions`)."""

    async def record(self, deck: str, text: str, platform: str, at: dt.datetime) -> None: ...


def apology() -> Reply:
    return Reply(_(messages.APOLOGY_TITLE), (Section(_(messages.APOLOGY_TEXT)),), tone="error")


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
        question_observers: tuple[QuestionObserver, ...] = (),
        unanswered: QuestionBook | None = None,
    ) -> None:
        self.briefing = briefing
        self.clock = clock
        self.zone = zone
        self.chats = chats
        self.observers = list(observers)
        self.question_observers = list(question_observers)
        self.unanswered = unanswered
        self._last_topic: OrderedDict[str, str] = OrderedDict()

    async def zone_for(self, chat: ChatRef) -> ZoneInfo | None:
        """The chat's own display zone if it chose one, else the process default."""
        if self.chats is not None:
            chosen = await self.chats.timezone(chat)
            if chosen:
                return ZoneInfo(chosen)
        return self.zone

    def context(self, chat: ChatRef, zone: ZoneInfo | None, may_manage: Permission | None) -> Context:
        return Context(self.clock, zone, chat, self._last_topic.get(chat.key), self.chats, may_manage)

    async def answer(
        self,
        text: str,
        chat: ChatRef,
        *,
        bot_username: str | None = None,
        may_manage: Permission | None = None,
    ) -> Reply | None:
        """The reply to `text` from `chat`; None when it was addressed to another bot.

        A handler that raises gets the reader a short apology; the traceback goes to the log.
        """
        started = time.perf_counter()
        query = parse(self.briefing, text, bot_username)
        command = (query.command or "?") if query else "-"
        reply: Reply | None = None
        outcome: str
        try:
            if query is not None:
                ctx = self.context(chat, await self.zone_for(chat), may_manage)
                reply = await dispatch(self.briefing, query, ctx)
            outcome = "ignored" if reply is None else reply.tone
        except Exception:
            _log_failure(chat, command)
            reply, outcome = apology(), "failed"
        if reply is not None and reply.topic:
            self._remember(chat.key, reply.topic)
        elapsed = time.perf_counter() - started
        log.info("command platform=%s chat=%s command=%s outcome=%s ms=%.1f",
                 chat.platform, chat.key, command, outcome, elapsed * 1000)
        for observe in self.observers:
            observe(chat, command, outcome, elapsed)
        if reply is not None and (reply.unanswered or not text.lstrip().startswith("/")):
            await self._question(text, chat, answered=not reply.unanswered)
        return reply

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
    async def _question(self, text: str, chat: ChatRef, *, answered: bool) -> None:
        """Count a question; keep one it could not answer (its words only) for the editors."""
        for observe in self.question_observers:
            observe(chat, answered)
        if answered or self.unanswered is None:
            return
        try:
            await asyncio.wait_for(self.unanswered.record(self.briefing.deck.id, text, chat.platform,
                                                          self.clock.now()), _KEEP_TIMEOUT)
        except Exception as exc:  # the reader still gets the answer; the log says what was lost
            log.warning("unanswered question not kept platform=%s error=%s", chat.platform,
                        type(exc).__name__)

    def _remember(self, key: str, topic: str) -> None:
        self._last_topic[key] = topic
        self._last_topic.move_to_end(key)
        while len(self._last_topic) > _REMEMBERED_CHATS:
            self._last_topic.popitem(last=False)


def _log_failure(chat: ChatRef, command: str) -> None:
    log.exception("command failed platform=%s chat=%s command=%s", chat.platform, chat.key, command)
