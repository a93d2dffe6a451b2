"""The delivery ledger: claim a post in the database before sending it, mark it after.

A claim is an INSERT guarded by the unique (subscription, post) constraint, or a conditional
UPDATE of a row handed back as pending; the database lets exactly one process win either. A
process that dies between claiming and marking leaves a `claimed` row: `recover` hands those
back (its own at once after a restart, another replica's after a lease), so the post is sent
again: at most the posts that were in flight at the moment of the crash can arrive twice.

A fan-out claims and marks in batches (`claim_many`, `mark_many`, `skip_many`): one transaction
for a page of posts instead of two per post, with the same guarantees row by row. With one
sender per platform (bot/store/leases.py), the replica that takes a lease over hands back every
claim left on that platform at once (`recover_platform`), whoever made it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import CursorResult, bindparam, delete, func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.engine import Writing
from bot.store.models import DeliveryRow, SubscriptionRow
from bot.store.records import Claim, Entry, Status

PostRef = tuple[int, str, dt.datetime]  # (subscription id, post key, due): one post of a batch
SentNote = tuple[Claim, str, Sequence[str], str | None]  # a claim, where it went, message ids, note

_MARK_SENT = (
    update(DeliveryRow)
    .where(DeliveryRow.id == bindparam("mark_id"), DeliveryRow.claim_token == bindparam("mark_token"),
           DeliveryRow.status == "claimed")
    .values(status="sent", sent_at=bindparam("mark_now"), updated_at=bindparam("mark_now"), claim_token=None,
            sent_to=bindparam("mark_to"), message_ids=bindparam("mark_ids"), reason=bindparam("mark_reason"))
)

_REASON_MAX = 1000


def _changed(result: Any) -> int:
    cursor: CursorResult[Any] = result
    return int(cursor.rowcount)


def _entry(row: DeliveryRow) -> Entry:
    status: Status = row.status  # type: ignore[assignment]  # written only by this module
    return Entry(row.subscription_id, row.post_key, row.due_at, status, row.attempts, row.reason,
                 row.sent_to, row.owner)


class Ledger:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str, writing: Writing) -> None:
        self.sessions = sessions
        self.dialect = dialect
        self.writing = writing

    def _insert(self, **values: Any) -> Any:
        """INSERT unless the (subscription, post) row exists (then nothing happens)."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return insert(DeliveryRow).values(**values).on_conflict_do_nothing(
            index_elements=["subscription_id", "post_key"])

    async def claim(self, subscription_id: int, post_key: str, due_at: dt.datetime, owner: str,
                    now: dt.datetime) -> Claim | None:
        """Take the post for sending, or None when it is sent, settled, or held by someone else."""
        token = str(uuid.uuid4())
        won = (DeliveryRow.id, DeliveryRow.attempts)
        async with self.writing.core() as session:
            row = (await session.execute(self._insert(
                subscription_id=subscription_id, post_key=post_key, due_at=due_at, status="claimed",
                owner=owner, claim_token=token, claimed_at=now, attempts=1, updated_at=now,
            ).returning(*won))).first()
            if row is None:  # the row exists: only a post handed back as pending can be taken again
                row = (await session.execute(
                    update(DeliveryRow)
                    .where(DeliveryRow.subscription_id == subscription_id, DeliveryRow.post_key == post_key,
                           DeliveryRow.status == "pending")
                    .values(status="claimed", owner=owner, claim_token=token, claimed_at=now,
                            attempts=DeliveryRow.attempts + 1, updated_at=now)
                    .returning(*won))).first()
            return None if row is None else Claim(row.id, subscription_id, post_key, token, row.attempts)

    async def claim_many(self, posts: Sequence[PostRef], owner: str, now: dt.datetime) -> list[Claim]:
        """Claim a batch of posts in one transaction; the claims won (the others are settled or held)."""
        if not posts:
            return []
        token = str(uuid.uuid4())
        won = (DeliveryRow.id, DeliveryRow.subscription_id, DeliveryRow.post_key, DeliveryRow.attempts)
        rows = [{"subscription_id": s, "post_key": k, "due_at": d, "status": "claimed", "owner": owner,
                 "claim_token": token, "claimed_at": now, "attempts": 1, "updated_at": now}
                for s, k, d in posts]
        async with self.writing.core() as conn:
            taken = list((await conn.execute(self._insert_many(rows).returning(*won))).all())
            fresh = {(r.subscription_id, r.post_key) for r in taken}
            rest = [(s, k) for s, k, _d in posts if (s, k) not in fresh]
            if rest:  # rows that exist: only posts handed back as pending can be taken again
                taken += (await conn.execute(
                    update(DeliveryRow)
                    .where(tuple_(DeliveryRow.subscription_id, DeliveryRow.post_key).in_(rest),
                           DeliveryRow.status == "pending")
                    .values(status="claimed", owner=owner, claim_token=token, claimed_at=now,
                            attempts=DeliveryRow.attempts + 1, updated_at=now)
                    .returning(*won))).all()
        return [Claim(r.id, r.subscription_id, r.post_key, token, r.attempts) for r in taken]

    def _insert_many(self, rows: list[dict[str, Any]]) -> Any:
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return insert(DeliveryRow).values(rows).on_conflict_do_nothing(
            index_elements=["subscription_id", "post_key"])

    async def mark_many(self, sent: Sequence[SentNote], now: dt.datetime) -> set[int]:
        """Mark a batch of claimed posts sent, in one transaction; the ids of the claims still held
        (a claim taken back meanwhile is not marked: the caller logs it).

        One statement of a fixed shape, run once per post: compiled once for the whole process
        (a single UPDATE whose CASE grows with the batch would be compiled anew every time, and
        compiling costs more than the write).
        """
        if not sent:
            return set()
        held: set[int] = set()
        async with self.writing.core() as conn:
            for claim, to, ids, note in sent:
                done = await conn.execute(_MARK_SENT, {
                    "mark_id": claim.id, "mark_token": claim.token, "mark_to": to[:140],
                    "mark_ids": ",".join(ids)[:200], "mark_reason": note, "mark_now": now})
                if _changed(done) == 1:
                    held.add(claim.id)
        return held

    async def release_many(self, claims: Sequence[Claim], reason: str, now: dt.datetime) -> int:
        """Hand a batch of claims back as pending (a shutdown before their turn came)."""
        if not claims:
            return 0
        async with self.writing.core() as conn:
            return _changed(await conn.execute(
                update(DeliveryRow)
                .where(tuple_(DeliveryRow.id, DeliveryRow.claim_token).in_([(c.id, c.token) for c in claims]),
                       DeliveryRow.status == "claimed")
                .values(status="pending", reason=reason[:_REASON_MAX], owner=None, claim_token=None,
                        claimed_at=None, updated_at=now)))

    async def skip_many(self, posts: Sequence[PostRef], reason: str, now: dt.datetime) -> int:
        """Record a batch of posts as not to be sent (too late, superseded); how many were recorded."""
        if not posts:
            return 0
        rows = [{"subscription_id": s, "post_key": k, "due_at": d, "status": "skipped", "attempts": 0,
                 "reason": reason[:_REASON_MAX], "updated_at": now} for s, k, d in posts]
        async with self.writing.core() as conn:
            new = len((await conn.execute(self._insert_many(rows).returning(DeliveryRow.id))).all())
            return new + _changed(await conn.execute(
                update(DeliveryRow)
                .where(tuple_(DeliveryRow.subscription_id, DeliveryRow.post_key).in_(
                    [(s, k) for s, k, _d in posts]), DeliveryRow.status == "pending")
                .values(status="skipped", reason=reason[:_REASON_MAX], updated_at=now)))

    async def recover_platform(self, platform: str, now: dt.datetime, *, keep: str | None = None) -> int:
        """Hand back every claim on `platform`'s chats (but `keep`'s): the sender that made them is gone."""
        ours = select(SubscriptionRow.id).where(SubscriptionRow.platform == platform).scalar_subquery()
        where = [DeliveryRow.status == "claimed", DeliveryRow.subscription_id.in_(ours)]
        if keep is not None:
            where.append(DeliveryRow.owner != keep)
        async with self.writing.core() as conn:
            return _changed(await conn.execute(
                update(DeliveryRow).where(*where)
                .values(status="pending", reason="claim recovered from a sender that stopped", owner=None,
                        claim_token=None, claimed_at=None, updated_at=now)))

    async def _settle(self, claim: Claim, now: dt.datetime, **values: Any) -> bool:
        """Change a row this claim still holds; False when the claim was taken back meanwhile."""
        async with self.writing.core() as session:
            return _changed(await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == claim.id, DeliveryRow.status == "claimed",
                       DeliveryRow.claim_token == claim.token)
                .values(updated_at=now, **values))) == 1

    async def mark_sent(self, claim: Claim, sent_to: str, message_ids: Sequence[str], now: dt.datetime,
                        note: str | None = None) -> bool:
        return await self._settle(claim, now, status="sent", sent_at=now, sent_to=sent_to[:140],
                                  message_ids=",".join(message_ids)[:200], reason=note, claim_token=None)

    async def mark_failed(self, claim: Claim, reason: str, now: dt.datetime, *,
                          skipped: bool = False) -> bool:
        """Give the post up for good: the destination is gone, the platform rejected it, or (with
        `skipped`) it became too late while it waited."""
        return await self._settle(claim, now, status="skipped" if skipped else "failed",
                                  reason=reason[:_REASON_MAX], claim_token=None)

    async def release(self, claim: Claim, reason: str, now: dt.datetime) -> bool:
        """Hand the post back as pending, so a later attempt (here or on another replica) may send it."""
        return await self._settle(claim, now, status="pending", reason=reason[:_REASON_MAX], owner=None,
                                  claim_token=None, claimed_at=None)

    async def skip(self, subscription_id: int, post_key: str, due_at: dt.datetime, reason: str,
                   now: dt.datetime) -> bool:
        """Record that the post will not be sent (too late); False when it was already settled."""
        async with self.writing() as session:
            if _changed(await session.execute(self._insert(
                    subscription_id=subscription_id, post_key=post_key, due_at=due_at, status="skipped",
                    attempts=0, reason=reason[:_REASON_MAX], updated_at=now))) == 1:
                return True
            return _changed(await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.subscription_id == subscription_id, DeliveryRow.post_key == post_key,
                       DeliveryRow.status == "pending")
                .values(status="skipped", reason=reason[:_REASON_MAX], updated_at=now))) == 1

    async def recover(self, owner: str | None, stale_before: dt.datetime, now: dt.datetime) -> int:
        """Hand back claims left by a dead process: anyone's older than the lease and, at start-up,
        every claim of `owner` (this replica's previous life: nobody else uses its name)."""
        stale = DeliveryRow.claimed_at < stale_before
        async with self.writing() as session:
            return _changed(await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.status == "claimed",
                       or_(DeliveryRow.owner == owner, stale) if owner is not None else stale)
                .values(status="pending", reason="claim recovered after a restart", owner=None,
                        claim_token=None, claimed_at=None, updated_at=now)))

    async def entries(self, subscription_ids: Sequence[int] | None = None,
                      due_from: dt.datetime | None = None) -> dict[tuple[int, str], Entry]:
        """Ledger rows by (subscription, post): of the given subscriptions, else of every active one."""
        query = select(DeliveryRow)
        if subscription_ids is None:
            active = select(SubscriptionRow.id).where(SubscriptionRow.active.is_(True))
            query = query.where(DeliveryRow.subscription_id.in_(active.scalar_subquery()))
        else:
            query = query.where(DeliveryRow.subscription_id.in_(list(subscription_ids)))
        if due_from is not None:
            query = query.where(DeliveryRow.due_at >= due_from)
        async with self.sessions() as session:
            rows = (await session.execute(query)).scalars()
            return {(r.subscription_id, r.post_key): _entry(r) for r in rows}

    async def history(self, subscription_id: int | None = None) -> list[Entry]:
        """Every row, oldest post first (for tests, reports and the benchmark)."""
        query = select(DeliveryRow).order_by(DeliveryRow.due_at, DeliveryRow.id)
        if subscription_id is not None:
            query = query.where(DeliveryRow.subscription_id == subscription_id)
        async with self.sessions() as session:
            return [_entry(r) for r in (await session.execute(query)).scalars()]

    async def counts(self) -> dict[str, int]:
        """How many rows are in each status."""
        query = select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
        async with self.sessions() as session:
            return {status: int(n) for status, n in (await session.execute(query)).all()}

    @staticmethod
    async def forget_from(session: AsyncSession, subscription_id: int, moment: dt.datetime) -> None:
        """Delete the rows of posts due at or after `moment` (see Store.put_subscription)."""
        await session.execute(delete(DeliveryRow).where(DeliveryRow.subscription_id == subscription_id,
                                                        DeliveryRow.due_at >= moment))
