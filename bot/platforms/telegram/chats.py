"""Telegram chats as the core sees them: ChatRef, "is this message for us?", "may they manage?"."""

from __future__ import annotations

from typing import Any

from telegram import Chat, Message, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ExtBot

from handlers.context import ChatKind, ChatRef, Permission
from handlers.registry import REGISTRY

PLATFORM = "telegram"
_MANAGERS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


def chat_ref(chat: Chat, thread_id: int | None = None) -> ChatRef:
    kind: ChatKind = "private" if chat.type == ChatType.PRIVATE else (
        "channel" if chat.type == ChatType.CHANNEL else "group")
    return ChatRef(PLATFORM, str(chat.id), str(thread_id) if thread_id is not None else None, kind)


def topic_of(message: Message) -> int | None:
    """The forum topic a message is in; reply threads of ordinary groups are not topics."""
    return message.message_thread_id if message.is_topic_message else None


def message_chat(message: Message) -> ChatRef:
    return chat_ref(message.chat, topic_of(message))


def private_chat(user: User) -> ChatRef:
    """A user's private chat with the bot: on Telegram it has the user's id."""
    return ChatRef(PLATFORM, str(user.id), None, "private")


def _command_target(text: str) -> tuple[str, str]:
    head = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
    name, _, target = head.partition("@")
    return name.lower(), target.lower()


def question(message: Message, bot_username: str) -> str | None:
    """The text to answer, or None when the message is not addressed to the bot.

    Private chats: everything. Groups and channels: our commands (`/who`, `/who@ThisBot`; an
    unknown `/cmd` without @ may be another bot's), and messages that mention the bot or reply
    to it, with the mention taken out.
    """
    text = (message.text or "").strip()
    if not text:
        return None
    if message.chat.type == ChatType.PRIVATE:
        return text
    if text.startswith("/"):
        name, target = _command_target(text)
        if target:
            return text if target == bot_username.lower() else None
        return text if name in REGISTRY else None
    mention = f"@{bot_username}".lower()
    if mention in text.lower():
        at = text.lower().index(mention)
        return (text[:at] + text[at + len(mention):]).strip(" ,:") or "/start"
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.username == bot_username:
        return text
    return None


def permission(bot: ExtBot[Any], chat: Chat, user: User | None, sender_chat: Chat | None) -> Permission:
    """May the sender change this chat's settings? Asked only when a command needs to know."""

    async def may_manage() -> bool:
        if chat.type == ChatType.PRIVATE:
            return True
        if sender_chat is not None:  # anonymous admin, or the channel itself posting
            return sender_chat.id == chat.id
        if user is None:
            return False
        member = await bot.get_chat_member(chat.id, user.id)
        return member.status in _MANAGERS

    return may_manage
