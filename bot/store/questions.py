"""Questions the bot could not answer: kept by their words, listed by how often they were asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.engine import Writing
from bot.store.models import UnansweredRow

TEXT_MAX = 200


def normalise(text: str) -> str:
    """One line, lower case, no closing marks: "Is there a  ceasefire?" -> "is there a ceasefire"."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat.casefold().strip(" ?!.…")[:TEXT_MAX]


@dataclass(frozen=True, slots=True)
class Asked:
    text: str
    times: int
    platforms: tuple[str, ...]
    last: dt.datetime


class Questions:
    """The store's unanswered questions (no reader, no chat: the words, the platform, the time)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], writing: Writing) -> None:
        self.sessions = sessions
        self.writing = writing

    async def record(self, deck: str, text: str, platform: str, at: dt.datetime) -> None:
        words = normalise(text)
        if not words:
            return
        async with self.writing.core() as conn:
            await conn.execute(insert(UnansweredRow).values(
                deck=deck[:40], text=words, platform=platform[:16], asked_at=at))

    async def most_asked(self, since: dt.datetime | None = None, limit: int = 50) -> list[Asked]:
        """The questions asked most often (since `since`), most asked first."""
        times = func.count(UnansweredRow.id)
        query = (select(UnansweredRow.text, times, func.max(UnansweredRow.asked_at))
                 .group_by(UnansweredRow.text).order_by(times.desc(), UnansweredRow.text).limit(limit))
        if since is not None:
            query = query.where(UnansweredRow.asked_at >= since)
        async with self.sessions() as session:
            rows = (await session.execute(query)).all()
            platforms = await self._platforms(session, [r[0] for r in rows], since)
        return [Asked(text, int(n), platforms.get(text, ()), _utc(last)) for text, n, last in rows]

    @staticmethod
    async def _platforms(session: AsyncSession, texts: list[str],
                         since: dt.datetime | None) -> dict[str, tuple[str, ...]]:
        query = (select(UnansweredRow.text, UnansweredRow.platform).distinct()
                 .where(UnansweredRow.text.in_(texts)))
        if since is not None:
            query = query.where(UnansweredRow.asked_at >= since)
        found: dict[str, list[str]] = {}
        for text, platform in (await session.execute(query)).all():
            found.setdefault(text, []).append(platform)
        return {text: tuple(sorted(p)) for text, p in found.items()}


def _utc(moment: dt.datetime) -> dt.datetime:
    """func.max() bypasses the column type on some drivers: make the moment aware UTC either way."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
