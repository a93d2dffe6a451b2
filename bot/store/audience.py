"""The audience of scheduled posts, read the way a fan-out needs it: by shape, then in pages.

A *shape* is what decides when a subscription's posts are due: its platform, deck, the chat's
zone, and what it chose (reminders, offsets, local times). Every subscription of one shape gets
its posts at the same moments, so the scheduler plans per shape (a few hundred at most, however
large the audience) and reads the recipients of a due post only when it comes, page by page,
leaving out those whose ledger row for that post is already settled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.models import ChatSettingsRow, DeliveryRow, SubscriptionRow
from bot.store.records import ChatChoices, Subscription, parse_hhmm
from handlers.context import ChatRef, Preferences

_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

_settings = and_(ChatSettingsRow.platform == SubscriptionRow.platform,
                 ChatSettingsRow.chat_id == SubscriptionRow.chat_id)


@dataclass(frozen=True, slots=True)
class Shape:
    """What the due moments of a subscription's posts depend on, and nothing else."""

    platform: str
    deck: str
    timezone: str | None  # the chat's zone; None: the default
    reminders: bool
    offsets: str | None  # as stored: "7d,3h,start"; None: the defaults
    remind_at: str
    daily_at: str | None

    def subscription(self) -> Subscription:
        """A stand-in subscription of this shape, for planning its posts' moments."""
        offsets = tuple(self.offsets.split(",")) if self.offsets else None
        wanted = Preferences(self.reminders, offsets, parse_hhmm(self.remind_at),
                             parse_hhmm(self.daily_at) if self.daily_at else None)
        return Subscription(0, ChatRef(self.platform, "*"), self.deck, wanted, self.timezone, True, None,
                            _EPOCH)

    def _where(self) -> list[ColumnElement[bool]]:
        s = SubscriptionRow
        return [s.active.is_(True), s.platform == self.platform, s.deck == self.deck,
                s.reminders.is_(self.reminders), _same(s.offsets, self.offsets),
                s.remind_at == self.remind_at,
                _same(s.daily_at, self.daily_at), _same(ChatSettingsRow.timezone, self.timezone)]


def _same(column: ColumnElement[str | None] | object, value: str | None) -> ColumnElement[bool]:
    col: ColumnElement[str | None] = column  # type: ignore[assignment]
    return col.is_(None) if value is None else col == value


def shape_of(sub: Subscription) -> Shape:
    w = sub.wanted
    return Shape(sub.chat.platform, sub.deck, sub.timezone, w.reminders,
                 ",".join(w.offsets) if w.offsets else None, f"{w.remind_at:%H:%M}",
                 f"{w.daily_at:%H:%M}" if w.daily_at else None)


Record = Callable[[SubscriptionRow, ChatChoices], Subscription]


class Audience:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], record: Record) -> None:
        self.sessions = sessions
        self.record = record  # a row and its chat's settings as a Subscription (the Store's own rule)

    async def shapes(self, platforms: Sequence[str] | None = None) -> list[Shape]:
        """Every shape that has an active subscription (one grouped query)."""
        s = SubscriptionRow
        columns = (s.platform, s.deck, ChatSettingsRow.timezone, s.reminders, s.offsets, s.remind_at,
                   s.daily_at)
        query = (select(*columns, func.count()).outerjoin(ChatSettingsRow, _settings)
                 .where(s.active.is_(True)).group_by(*columns))
        if platforms is not None:
            query = query.where(s.platform.in_(list(platforms)))
        async with self.sessions() as session:
            rows = (await session.execute(query)).all()
        return [Shape(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows]

    async def page(self, shape: Shape, due: dt.datetime, post_key: str, *, after: int = 0, limit: int = 500,
                   among: Sequence[int] | None = None) -> list[Subscription]:
        """The next `limit` subscriptions of `shape` (ids above `after`) that a post `post_key` due at
        `due` is for and whose ledger has not settled it (no row, or one handed back as pending);
        only subscriptions `among` these ids, when given."""
        settled = exists().where(DeliveryRow.subscription_id == SubscriptionRow.id,
                                 DeliveryRow.post_key == post_key, DeliveryRow.status != "pending")
        query = (select(SubscriptionRow, ChatSettingsRow).outerjoin(ChatSettingsRow, _settings)
                 .where(*shape._where(), SubscriptionRow.id > after, SubscriptionRow.since <= due, ~settled)
                 .order_by(SubscriptionRow.id).limit(limit))
        if among is not None:
            query = query.where(SubscriptionRow.id.in_(list(among)))
        return await self._records(query)

    async def active(self, platform: str, *, after: int = 0, limit: int = 500,
                     among: Sequence[int] | None = None) -> list[Subscription]:
        """The next `limit` active subscriptions of `platform` (ids above `after`), whatever their shape."""
        query = (select(SubscriptionRow, ChatSettingsRow).outerjoin(ChatSettingsRow, _settings)
                 .where(SubscriptionRow.active.is_(True), SubscriptionRow.platform == platform,
                        SubscriptionRow.id > after)
                 .order_by(SubscriptionRow.id).limit(limit))
        if among is not None:
            query = query.where(SubscriptionRow.id.in_(list(among)))
        return await self._records(query)

    async def signature(self) -> tuple[object, ...]:
        """Changes when any subscription or chat setting changes: a cheap look for other replicas'."""
        s, c = SubscriptionRow, ChatSettingsRow
        async with self.sessions() as session:
            subs = (await session.execute(select(func.count(), func.max(s.updated_at), func.max(s.id)))).one()
            chats = (await session.execute(select(func.count(), func.max(c.updated_at)))).one()
        return (*subs, *chats)

    async def _records(self, query: Any) -> list[Subscription]:
        async with self.sessions() as session:
            found = (await session.execute(query)).all()
        return [self.record(row, ChatChoices(settings.timezone, settings.story, settings.language)
                          if settings else ChatChoices()) for row, settings in found]
