"""The async Store: chat settings and subscriptions; the ledger lives in `store.ledger`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.store.audience import Audience
from bot.store.engine import Writing, create_engine, migrate
from bot.store.follows import Follows, forget_chat, move_follows
from bot.store.inbound import InboundLog
from bot.store.leases import Leases
from bot.store.ledger import Ledger
from bot.store.models import ChatSettingsRow, SubscriptionRow, WriteProbeRow
from bot.store.questions import Questions
from bot.store.records import ChatChoices, Subscription, hhmm, parse_hhmm
from bot.store.reloads import Reloads
from handlers.context import ChatKind, ChatRef, Preferences

_KINDS: tuple[ChatKind, ...] = ("private", "group", "channel", "console")
PROBE_TIMEOUT = 1.5  # seconds a write probe may take before the database counts as not writable


def _chat(row: SubscriptionRow) -> ChatRef:
    kind: ChatKind = next((k for k in _KINDS if k == row.chat_kind), "private")
    return ChatRef(row.platform, row.chat_id, row.thread_id or None, kind)


def record_of(row: SubscriptionRow, settings: ChatChoices) -> Subscription:
    offsets = tuple(row.offsets.split(",")) if row.offsets else None
    wanted = Preferences(row.reminders, offsets, parse_hhmm(row.remind_at),
                         parse_hhmm(row.daily_at) if row.daily_at else None)
    return Subscription(row.id, _chat(row), row.deck, wanted, settings.timezone, row.active,
                        row.stopped_reason, row.since, settings.language or row.language)


def _short(exc: Exception) -> str:
    """The driver's own words ("database or disk is full"), not SQLAlchemy's (which quote the SQL)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    words = str(cause).strip().splitlines()
    return f"{type(cause).__name__} ({words[0][:80]})" if words else type(cause).__name__


def _choices(row: ChatSettingsRow | None) -> ChatChoices:
    return ChatChoices(row.timezone, row.story, row.language) if row else ChatChoices()


def _same_chat(chat: ChatRef) -> ColumnElement[bool]:
    return and_(SubscriptionRow.platform == chat.platform, SubscriptionRow.chat_id == chat.chat_id,
                SubscriptionRow.thread_id == (chat.thread_id or ""))


class Store:
    """Everything the bot persists, behind a short async API; the same code on SQLite and PostgreSQL."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.writing = Writing(engine, one_at_a_time=engine.dialect.name == "sqlite")
        self.ledger = Ledger(self.sessions, engine.dialect.name, self.writing)
        self.questions = Questions(self.sessions, self.writing)
        self.reloads = Reloads(self.sessions, self.writing)
        self.inbound = InboundLog(engine.dialect.name, self.writing)
        self.follows = Follows(self.sessions, engine.dialect.name, self.writing)
        self.audience = Audience(self.sessions, record_of)
        self.leases = Leases(self.sessions, engine.dialect.name, self.writing)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> bool:
        """Whether the database answers (for readiness checks); never raises."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # any failure means "not ready"; the caller reports it
            return False
        return True

    async def probe_write(self, replica: str, now: dt.datetime) -> str | None:
        """Write this replica's probe row; None when the write went through, else a short reason.

        A real write (an UPSERT of one row, committed), because a database can answer reads and
        still refuse every write: a full disk, a read-only file or replica, a lost lock. Bounded
        by PROBE_TIMEOUT; never raises.
        """
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = insert(WriteProbeRow).values(replica=replica[:120], written_at=now).on_conflict_do_update(
            index_elements=["replica"], set_={"written_at": now})
        try:
            async with asyncio.timeout(PROBE_TIMEOUT), self.writing.core() as conn:
                await conn.execute(statement)
        except TimeoutError:
            return f"no write within {PROBE_TIMEOUT:g} s"
        except Exception as exc:  # any failure means "cannot write"; the reason says which
            return f"cannot write: {_short(exc)}"
        return None

    # --- chat settings ---------------------------------------------------------------------

    async def timezone(self, chat: ChatRef) -> str | None:
        async with self.sessions() as session:
            row = await self._settings_row(session, chat.platform, chat.chat_id)
            return row.timezone if row else None

    async def choices(self, chat: ChatRef) -> ChatChoices:
        """What the chat chose (its zone, story and language), in one read: every command needs them."""
        async with self.sessions() as session:
            return _choices(await self._settings_row(session, chat.platform, chat.chat_id))

    async def set_timezone(self, chat: ChatRef, zone: str | None, now: dt.datetime) -> None:
        await self._put_settings(chat, now, timezone=zone)

    async def set_story(self, chat: ChatRef, deck: str | None, now: dt.datetime) -> None:
        """The chat's current story (a deck id); None: back to the default."""
        await self._put_settings(chat, now, story=deck)

    async def set_language(self, chat: ChatRef, language: str | None, now: dt.datetime) -> None:
        """The chat's language ("uk"); None: each reader's own."""
        await self._put_settings(chat, now, language=language)

    async def _put_settings(self, chat: ChatRef, now: dt.datetime, **values: str | None) -> None:
        async with self.writing() as session:
            row = await self._settings_row(session, chat.platform, chat.chat_id)
            if row is None:
                row = ChatSettingsRow(platform=chat.platform, chat_id=chat.chat_id)
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now

    @staticmethod
    async def _settings_row(session: AsyncSession, platform: str, chat_id: str) -> ChatSettingsRow | None:
        found = await session.execute(select(ChatSettingsRow).where(
            ChatSettingsRow.platform == platform, ChatSettingsRow.chat_id == chat_id))
        return found.scalar_one_or_none()

    # --- subscriptions ---------------------------------------------------------------------

    async def subscription(self, chat: ChatRef, deck: str) -> Subscription | None:
        found = await self._select(_same_chat(chat), SubscriptionRow.deck == deck)
        return found[0] if found else None

    async def put_subscription(self, chat: ChatRef, deck: str, wanted: Preferences, now: dt.datetime,
                               *, reschedule: bool, language: str | None = None) -> Subscription:
        """Create or update what `chat` receives for `deck`; active exactly when it wants something.

        `language` is the one the change was made in: the chat's posts are in it unless the chat
        chose one. With `reschedule`, the schedule starts again at `now`: posts due earlier are not
        sent, and ledger rows for posts still ahead of the clock are forgotten. Those can exist only when the
        clock was set back (a replay with --now), and the new schedule must be able to send them.
        """
        async with self.writing() as session:
            row = (await session.execute(select(SubscriptionRow).where(
                _same_chat(chat), SubscriptionRow.deck == deck))).scalar_one_or_none()
            if row is None:
                row = SubscriptionRow(platform=chat.platform, chat_id=chat.chat_id,
                                      thread_id=chat.thread_id or "", deck=deck, since=now, created_at=now)
                session.add(row)
            row.chat_kind = chat.kind
            row.reminders, row.remind_at = wanted.reminders, hhmm(wanted.remind_at)
            row.offsets = ",".join(wanted.offsets) if wanted.offsets else None
            row.daily_at = hhmm(wanted.daily_at) if wanted.daily_at else None
            row.active = wanted.anything
            row.stopped_reason = None if wanted.anything else "unsubscribed"
            row.language = language or row.language
            row.updated_at = now
            if reschedule:
                row.since = now
            await session.flush()
            if reschedule:
                await Ledger.forget_from(session, row.id, now)
            settings = await self._settings_row(session, chat.platform, chat.chat_id)
            return record_of(row, _choices(settings))

    async def active_subscriptions(self, ids: Sequence[int] | None = None) -> list[Subscription]:
        where = [SubscriptionRow.active.is_(True)]
        if ids is not None:
            where.append(SubscriptionRow.id.in_(list(ids)))
        return await self._select(*where)

    async def subscriptions_to(self, deck: str) -> list[Subscription]:
        """The active subscriptions to one story (whom a correction of it reaches)."""
        return await self._select(SubscriptionRow.active.is_(True), SubscriptionRow.deck == deck)

    async def subscriptions_of(self, platform: str, chat_id: str | None = None) -> list[Subscription]:
        """Every subscription of a platform (or of one chat there), active and stopped."""
        where = [SubscriptionRow.platform == platform]
        if chat_id is not None:
            where.append(SubscriptionRow.chat_id == chat_id)
        return await self._select(*where)

    async def count_active_subscriptions(self) -> int:
        async with self.sessions() as session:
            found = await session.execute(select(func.count()).select_from(SubscriptionRow).where(
                SubscriptionRow.active.is_(True)))
            return int(found.scalar_one())

    async def deactivate_chat(self, platform: str, chat_id: str, reason: str, now: dt.datetime) -> list[int]:
        """Stop every subscription of the chat (all its topics), keeping why; returns their ids."""
        async with self.writing() as session:
            found = await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.platform == platform, SubscriptionRow.chat_id == chat_id,
                       SubscriptionRow.active.is_(True))
                .values(active=False, stopped_reason=reason[:200], updated_at=now)
                .returning(SubscriptionRow.id))
            stopped = list(found.scalars())
            await forget_chat(session, platform, chat_id)
            return stopped

    async def move_chat(self, platform: str, old_id: str, new_id: str, now: dt.datetime) -> list[int]:
        """The chat now lives at `new_id`: its subscriptions and settings follow; returns the ids moved.

        A subscription the new chat already has for the same deck and topic wins; the old one stops.
        """
        async with self.writing() as session:
            rows = (await session.execute(select(SubscriptionRow).where(
                SubscriptionRow.platform == platform, SubscriptionRow.chat_id == old_id))).scalars().all()
            taken = {(thread, deck) for thread, deck in (await session.execute(
                select(SubscriptionRow.thread_id, SubscriptionRow.deck).where(
                    SubscriptionRow.platform == platform, SubscriptionRow.chat_id == new_id))).all()}
            moved = []
            for row in rows:
                if (row.thread_id, row.deck) in taken:
                    row.active, row.stopped_reason = False, f"moved to {new_id}"[:200]
                else:
                    row.chat_id = new_id
                    moved.append(row.id)
                row.updated_at = now
            await self._move_settings(session, platform, old_id, new_id, now)
            await move_follows(session, platform, old_id, new_id, now)
            return moved

    async def _move_settings(self, session: AsyncSession, platform: str, old_id: str, new_id: str,
                             now: dt.datetime) -> None:
        old = await self._settings_row(session, platform, old_id)
        if old is not None and await self._settings_row(session, platform, new_id) is None:
            old.chat_id, old.updated_at = new_id, now

    async def _select(self, *where: ColumnElement[bool]) -> list[Subscription]:
        query = (select(SubscriptionRow, ChatSettingsRow)
                 .outerjoin(ChatSettingsRow, and_(ChatSettingsRow.platform == SubscriptionRow.platform,
                                                  ChatSettingsRow.chat_id == SubscriptionRow.chat_id))
                 .where(*where).order_by(SubscriptionRow.id))
        async with self.sessions() as session:
            found = (await session.execute(query)).all()
            return [record_of(row, _choices(settings)) for row, settings in found]


async def open_store(url: str, *, pool_size: int | None = None) -> Store:
    """Open (creating and migrating as needed) the database at `url`; `pool_size`: see create_engine."""
    engine = create_engine(url, pool_size=pool_size)
    try:
        await migrate(engine)
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine)
