"""Sender leases: which replica sends a platform's scheduled posts (one row per platform).

A replica holds the lease while its row names it and has not expired; it renews the row every
few seconds (`hold`). Another replica takes the row over only once it has expired, in one
conditional upsert that exactly one replica can win. A clean shutdown gives the lease up at
once (`give_up`), so the next sender starts without waiting for the expiry.

The moments are the replicas' own clocks (UTC); a lease of several seconds tolerates the small
skew of clocks kept by NTP.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CursorResult, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.engine import Writing
from bot.store.models import SenderLeaseRow


class Leases:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str, writing: Writing) -> None:
        self.sessions = sessions
        self.dialect = dialect
        self.writing = writing

    async def hold(self, platform: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take or renew the lease of `platform` for `holder` until `until`; False when another
        replica holds it and it has not expired."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        row = SenderLeaseRow
        values = insert(row).values(platform=platform, holder=holder, expires_at=until, acquired_at=now)
        statement = values.on_conflict_do_update(
            index_elements=["platform"],
            set_={"holder": holder, "expires_at": until,
                  "acquired_at": case((row.holder == holder, row.acquired_at), else_=now)},
            where=(row.holder == holder) | (row.expires_at <= now),
        ).returning(row.holder)
        async with self.writing.core() as conn:
            return (await conn.execute(statement)).first() is not None

    async def give_up(self, platform: str, holder: str, now: dt.datetime) -> bool:
        """End `holder`'s lease now, so another replica may send at once; False if not its own."""
        async with self.writing.core() as conn:
            result: CursorResult[Any] = await conn.execute(
                update(SenderLeaseRow)
                .where(SenderLeaseRow.platform == platform, SenderLeaseRow.holder == holder)
                .values(expires_at=now))
            return int(result.rowcount) == 1

    async def holder(self, platform: str, now: dt.datetime) -> str | None:
        """Who holds the lease of `platform` now; None when nobody does."""
        async with self.sessions() as session:
            row = (await session.execute(select(SenderLeaseRow).where(
                SenderLeaseRow.platform == platform))).scalar_one_or_none()
            return row.holder if row is not None and row.expires_at > now else None
