"""Answering a reader on any platform: deliver the answer, and report a chat that is gone or moved.

Pushed posts go through Adapter.send, whose caller (the delivery code) decides what a failure
means. An answer to a reader has no such caller: the adapter that received the question reports
what it learnt about the chat to ChatEvents itself, here, with one policy for every platform.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from bot.platforms.base import ChatEvents, DestinationGone, DestinationMoved, Rejected
from handlers.context import ChatRef
from handlers.reply import Reply

# Delivers one reply to one chat, raising a DeliveryError when it cannot.
Deliver = Callable[[ChatRef, Reply], Awaitable[object]]


class ChatReports:
    """Tells ChatEvents what an adapter learnt about chats; a failure there never stops an answer."""

    def __init__(self, events: ChatEvents | None, log: logging.Logger) -> None:
        self.events = events
        self.log = log

    async def gone(self, chat: ChatRef, reason: str) -> None:
        """The chat takes no more messages (the bot blocked or removed, the channel archived)."""
        self.log.warning("chat %s gone: %s", chat.key, reason)
        if self.events is not None:
            await self._tell("chat_gone", chat, self.events.chat_gone(chat, reason))

    async def moved(self, chat: ChatRef, new_chat_id: str) -> ChatRef:
        """The chat lives on under `new_chat_id` (its threads do not); returns the chat there."""
        self.log.warning("chat %s moved to %s", chat.key, new_chat_id)
        if self.events is not None:
            await self._tell("chat_moved", chat, self.events.chat_moved(chat, new_chat_id))
        return dataclasses.replace(chat, chat_id=new_chat_id, thread_id=None)

    async def _tell(self, what: str, chat: ChatRef, report: Awaitable[None]) -> None:
        # A database that is down must not cost the reader the answer, nor the next reader theirs.
        try:
            await report
        except Exception:
            self.log.exception("%s failed for %s", what, chat.key)


async def answer_reader(deliver: Deliver, chat: ChatRef, reply: Reply, reports: ChatReports, *,
                        plain: Deliver | None = None, follow_moves: bool = True) -> None:
    """Deliver `reply` to the reader in `chat`.

    A chat that is gone is reported; one that moved is reported and answered at its new id (once:
    a chat that moves again is only reported). A reply the platform rejects is sent again with
    `plain` (a plain-text fallback) when the platform has one. Other DeliveryErrors, and a
    Rejected without `plain`, are the caller's to handle.
    """
    try:
        await deliver(chat, reply)
    except DestinationGone as exc:
        await reports.gone(chat, exc.reason)
    except DestinationMoved as exc:
        moved = await reports.moved(chat, exc.new_chat_id)
        if follow_moves:
            await answer_reader(deliver, moved, reply, reports, plain=plain, follow_moves=False)
    except Rejected as exc:
        if plain is None:
            raise
        reports.log.error("answer to %s refused (%s); sending it as plain text", chat.key, exc.reason)
        await plain(chat, reply)
