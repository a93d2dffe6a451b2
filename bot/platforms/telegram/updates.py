"""What the bot does with each kind of update: messages, button presses, inline queries, and
news about chats (the bot removed, a group upgraded to a supergroup).

Answers to readers go out here, through bot.platforms.answering: when the chat turns out to be
gone or moved, ChatEvents hears of it (and a moved chat gets its answer at the new id). Pushed
posts go through TelegramAdapter.send instead, whose caller decides what a failure means.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    BaseHandler,
    CallbackContext,
    CallbackQueryHandler,
    ChatMemberHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.platforms.answering import ChatReports, answer_reader
from bot.platforms.base import ChatEvents, DeliveryError, DestinationGone, DestinationMoved
from bot.platforms.service import BriefingService, apology
from bot.platforms.telegram import inline
from bot.platforms.telegram.chats import chat_ref, message_chat, permission, private_chat, question
from bot.platforms.telegram.delivery import Outbox
from bot.platforms.telegram.render import Rendered, command_of, render
from handlers.context import ChatRef, Permission
from handlers.i18n import N_, _, speaking_in
from handlers.reply import Reply

log = logging.getLogger("briefing.telegram")

Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
EXPIRED_BUTTON = N_("This button belongs to an older version of the bot. Send /help for the commands.")
_GONE_STATUSES = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})


async def _nobody() -> bool:
    return False


def _language_of(user: User | None) -> str | None:
    """The reader's language as their Telegram app is set ("uk", "en-GB"); None for a channel post."""
    return user.language_code if user is not None else None


def delivery_key(update: Update, context: Context) -> str:
    """What every copy of an update shares (Telegram posts it again when a webhook call failed)."""
    return f"telegram:{context.bot.id}:update:{update.update_id}"


class Readers:
    """Answers readers' updates through the BriefingService."""

    def __init__(self, service: BriefingService, outbox: Outbox, events: ChatEvents | None) -> None:
        self.service = service
        self.outbox = outbox
        self.reports = ChatReports(events, log)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        texts = filters.TEXT & (filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST)
        return [
            MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrate),
            MessageHandler(texts, self.on_text),
            CallbackQueryHandler(self.on_button),
            InlineQueryHandler(self.on_inline),
            ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        ]

    # --- updates ---------------------------------------------------------------------------

    async def on_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        username = context.bot.username
        text = question(message, username) if message is not None and message.chat is not None else None
        if message is None or text is None:
            return
        chat = message_chat(message)
        may = permission(context.bot, message.chat, message.from_user, message.sender_chat)
        reply = await self.service.answer(text, chat, bot_username=username, may_manage=may,
                                          delivery=delivery_key(update, context),
                                          reader_language=_language_of(message.from_user))
        if reply is not None:
            await self.respond(chat, reply)

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        command = command_of(query.data)
        with speaking_in(self.service.reader_language(_language_of(query.from_user))):
            expired = None if command else _(EXPIRED_BUTTON)
        await self._acknowledge(query, expired)
        if command is None:
            return
        card = query.message
        chat = message_chat(card) if isinstance(card, Message) else (
            chat_ref(card.chat) if card is not None else private_chat(query.from_user))
        may: Permission = permission(context.bot, card.chat, query.from_user, None) if card else _nobody
        reply = await self.service.answer(command, chat, bot_username=context.bot.username, may_manage=may,
                                          delivery=delivery_key(update, context),
                                          reader_language=_language_of(query.from_user))
        if reply is not None:
            await self._show(query, chat, reply)

    async def on_inline(self, update: Update, context: Context) -> None:
        asked = update.inline_query
        if asked is None:
            return
        found = await inline.results(self.service, asked.query, private_chat(asked.from_user),
                                     _language_of(asked.from_user))

        async def answer() -> bool:
            return await asked.answer(found, cache_time=inline.CACHE_SECONDS, is_personal=True)

        try:
            await self.outbox.call("answerInlineQuery", {"inline_query_id": asked.id, "results": len(found)},
                                   answer)
        except DeliveryError as exc:
            log.warning("inline answer not delivered: %s", exc.reason)

    async def on_membership(self, update: Update, context: Context) -> None:
        change = update.my_chat_member
        if change is None or change.new_chat_member.status not in _GONE_STATUSES:
            return
        private = change.chat.type == ChatType.PRIVATE
        await self.reports.gone(chat_ref(change.chat),
                                "bot blocked by the user" if private else "bot removed from the chat")

    async def on_migrate(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self.reports.moved(chat_ref(message.chat), str(message.migrate_to_chat_id))

    async def on_error(self, update: object, context: Context) -> None:
        """ptb's error handler: the traceback to the log, a short apology to the chat."""
        log.error("telegram update failed", exc_info=context.error)
        message = update.effective_message if isinstance(update, Update) else None
        if message is not None and message.chat is not None:  # no chat: nobody to apologise to
            with speaking_in(self.service.reader_language(_language_of(message.from_user))):
                await self._apologise(message_chat(message))

    # --- answering ---------------------------------------------------------------------------

    async def respond(self, chat: ChatRef, reply: Reply) -> None:
        """Post an answer: a gone or moved chat is reported, a rejected answer goes as plain text."""
        try:
            await answer_reader(self._post, chat, reply, self.reports, plain=self._plain)
        except DeliveryError as exc:
            log.warning("answer to %s not delivered: %s", chat.key, exc.reason)

    async def _post(self, chat: ChatRef, reply: Reply) -> None:
        await self.outbox.post(chat, render(reply))

    async def _plain(self, chat: ChatRef, reply: Reply) -> None:
        try:
            await self.outbox.post(chat, render(reply, as_html=False))
        except DeliveryError as exc:
            log.error("plain answer to %s refused too (%s)", chat.key, exc.reason)
            await self._apologise(chat)

    async def _apologise(self, chat: ChatRef) -> None:
        """A fixed plain-text apology: no rendering, so it works when rendering is what failed."""
        try:
            await self.outbox.post(chat, Rendered((apology().plain_text(),), None, html=False))
        except Exception:  # the error path must never raise
            log.exception("could not apologise to %s", chat.key)

    async def _acknowledge(self, query: CallbackQuery, text: str | None) -> None:
        """Stop the button's spinner; a query too old to answer is not worth more."""
        try:
            await self.outbox.call("answerCallbackQuery", {"callback_query_id": query.id},
                                   lambda: query.answer(text))
        except DeliveryError as exc:
            log.info("button press not acknowledged: %s", exc.reason)

    async def _show(self, query: CallbackQuery, chat: ChatRef, reply: Reply) -> None:
        """A pressed button's card: edited in place in private chats and inline messages, posted
        as a new message in groups (where others are reading the card that was pressed)."""
        rendered = render(reply)
        card = query.message
        try:
            if query.inline_message_id:
                await self.outbox.edit(rendered, inline_message_id=query.inline_message_id)
                return
            if isinstance(card, Message) and chat.kind == "private" and len(rendered.pages) == 1:
                await self.outbox.edit(rendered, chat_id=card.chat.id, message_id=card.message_id)
                return
        except (DestinationGone, DestinationMoved):
            pass  # respond() below reports it
        except DeliveryError as exc:
            log.info("card not edited (%s); posting it instead", exc.reason)
            if query.inline_message_id:
                return
        await self.respond(chat, reply)
