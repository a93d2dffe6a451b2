"""The chats that follow every story: their choice, and the subscriptions a new story gives them.

A chat that sent `/subscribe all` has one row here (per topic) with the preferences it chose, and
an ordinary subscription to each story. When a reload adds a story, `subscribe_to` gives each such
chat a subscription to it. Every replica reloads the same change, so that is an INSERT the unique
(chat, topic, deck) constraint of the subscriptions table lets only the first one make; an
existing subscription, even one the chat stopped, is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.engine import Writing
from bot.store.models import FollowRow, SubscriptionRow
from bot.store.records import Follow, hhmm, parse_hhmm
from handlers.context import ChatKind, ChatRef, Preferences

_KINDS: tuple[ChatKind, ...] = ("private", "group", "channel", "console")


def _follow(row: FollowRow) -> Follow:
    kind: ChatKind = next((k for k in _KINDS if k == row.chat_kind), "private")
    offsets = tuple(row.offsets.split(",")) if row.offsets else None
    wanted = Preferences(row.reminders, offsets, parse_hhmm(row.remind_at),
                         parse_hhmm(row.daily_at) if row.daily_at else None)
    return Follow(ChatRef(row.platform, row.chat_id, row.thread_id or None, kind), wanted, row.language)


def _same_chat(chat: ChatRef) -> Any:
    return and_(FollowRow.platform == chat.platform, FollowRow.chat_id == chat.chat_id,
                FollowRow.thread_id == (chat.thread_id or ""))


class Follows:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str, writing: Writing) -> None:
        self.sessions = sessions
        self.dialect = dialect
        self.writing = writing

    async def of(self, chat: ChatRef) -> Follow | None:
        async with self.sessions() as session:
            row = (await session.execute(select(FollowRow).where(_same_chat(chat)))).scalar_one_or_none()
            return _follow(row) if row is not None else None

    async def all(self) -> list[Follow]:
        async with self.sessions() as session:
            rows = (await session.execute(select(FollowRow).order_by(FollowRow.id))).scalars().all()
            return [_follow(row) for row in rows]

    async def follow(self, chat: ChatRef, wanted: Preferences, now: dt.datetime,
                     language: str | None) -> None:
        """Follow every story from now on, each with `wanted` (a second call replaces the preferences)."""
        async with self.writing() as session:
            row = (await session.execute(select(FollowRow).where(_same_chat(chat)))).scalar_one_or_none()
            if row is None:
                row = FollowRow(platform=chat.platform, chat_id=chat.chat_id, thread_id=chat.thread_id or "",
                                created_at=now)
                session.add(row)
            row.chat_kind, row.reminders = chat.kind, wanted.reminders
            row.offsets = ",".join(wanted.offsets) if wanted.offsets else None
            row.remind_at = hhmm(wanted.remind_at)
            row.daily_at = hhmm(wanted.daily_at) if wanted.daily_at else None
            row.language = language or row.language
            row.updated_at = now

    async def unfollow(self, chat: ChatRef) -> bool:
        """New stories no longer reach this chat; False when it did not follow them all."""
        async with self.writing() as session:
            found = await session.execute(delete(FollowRow).where(_same_chat(chat)).returning(FollowRow.id))
            return bool(found.scalars().all())

    async def subscribe_to(self, deck: str, now: dt.datetime) -> list[ChatRef]:
        """Subscribe every chat that follows all stories to `deck`; the chats subscribed by this call."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        added = []
        for follow in await self.all():
            chat, wanted = follow.chat, follow.wanted
            statement = insert(SubscriptionRow).values(
                platform=chat.platform, chat_id=chat.chat_id, thread_id=chat.thread_id or "",
                chat_kind=chat.kind, deck=deck, reminders=wanted.reminders, remind_at=hhmm(wanted.remind_at),
                offsets=",".join(wanted.offsets) if wanted.offsets else None,
                daily_at=hhmm(wanted.daily_at) if wanted.daily_at else None, language=follow.language,
                active=wanted.anything, stopped_reason=None if wanted.anything else "unsubscribed",
                since=now, created_at=now, updated_at=now,
            ).on_conflict_do_nothing(index_elements=["platform", "chat_id", "thread_id", "deck"])
            async with self.writing.core() as conn:
                if (await conn.execute(statement.returning(SubscriptionRow.id))).first() is not None:
                    added.append(chat)
        return added


async def forget_chat(session: AsyncSession, platform: str, chat_id: str) -> None:
    """The chat is gone (the bot blocked or removed): new stories must not subscribe it again."""
    await session.execute(delete(FollowRow).where(FollowRow.platform == platform,
                                                  FollowRow.chat_id == chat_id))


async def move_follows(session: AsyncSession, platform: str, old_id: str, new_id: str,
                       now: dt.datetime) -> None:
    """The chat now lives at `new_id`: its choice to follow every story goes with it (unless the new
    chat made its own)."""
    taken = select(FollowRow.thread_id).where(FollowRow.platform == platform, FollowRow.chat_id == new_id)
    await session.execute(update(FollowRow).where(
        FollowRow.platform == platform, FollowRow.chat_id == old_id, FollowRow.thread_id.not_in(taken))
        .values(chat_id=new_id, updated_at=now))
    await forget_chat(session, platform, old_id)
