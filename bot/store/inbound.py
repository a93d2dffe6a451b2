"""Inbound deliveries taken: the database's half of "each platform delivery is answered once".

A replica takes a delivery by inserting its key. The primary key lets exactly one insert win,
whichever replica a platform's retry or a replayed request reached; a row whose time ran out
may be taken again (it is updated in the same statement). Expired rows are pruned, so the table
holds only the last few minutes of traffic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CursorResult, delete
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.engine import Writing
from bot.store.models import InboundRow


class InboundLog:
    def __init__(self, dialect: str, writing: Writing) -> None:
        self.dialect = dialect
        self.writing = writing

    async def take(self, key: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take the delivery `key` until `until`; False when another took it and it has not expired."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = insert(InboundRow).values(key=key, expires_at=until).on_conflict_do_update(
            index_elements=["key"], set_={"expires_at": until}, where=InboundRow.expires_at <= now,
        ).returning(InboundRow.key)
        async with self.writing.core() as conn:
            return (await conn.execute(statement)).first() is not None

    async def prune(self, now: dt.datetime) -> int:
        """Forget the deliveries whose time ran out; how many were forgotten."""
        async with self.writing.core() as conn:
            result: CursorResult[Any] = await conn.execute(
                delete(InboundRow).where(InboundRow.expires_at <= now))
            return int(result.rowcount)
