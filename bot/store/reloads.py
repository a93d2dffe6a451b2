"""The decks generation: `briefing-bot reload` advances it, and every replica that sees it grow
reads its decks folder again. A counter in the shared database, rather than a signal to each
process, reaches replicas the operator cannot address one by one, and one that was down catches
up when it starts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.engine import Writing
from bot.store.models import DecksGenerationRow

_ROW = 1  # the table's one row, created by the migration


class Reloads:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], writing: Writing) -> None:
        self.sessions = sessions
        self.writing = writing

    async def generation(self) -> int:
        """How many reloads were requested so far (0: none)."""
        async with self.sessions() as session:
            found = await session.execute(select(DecksGenerationRow.generation).where(
                DecksGenerationRow.id == _ROW))
            return int(found.scalar_one_or_none() or 0)

    async def request(self, now: dt.datetime) -> int:
        """Ask every replica to reload its decks; the new generation."""
        async with self.writing.core() as conn:
            found = await conn.execute(
                update(DecksGenerationRow).where(DecksGenerationRow.id == _ROW)
                .values(generation=DecksGenerationRow.generation + 1, requested_at=now)
                .returning(DecksGenerationRow.generation))
            return int(found.scalar_one())
