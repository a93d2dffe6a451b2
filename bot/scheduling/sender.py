"""One sender per bot token: the lease this replica holds, or waits for, per platform.

Telegram's 30 messages a second and Slack's per-channel limits belong to the token, not to a
process: replicas that each paced themselves would together send too fast. So one replica at a
time sends a platform's scheduled posts: the one holding its row in `sender_leases`
(bot/store/leases.py), renewed every third of the lease. The others answer commands, plan the
same jobs, and try for the lease at the same pace; when the sender stops renewing (killed, cut
off), the first of them to find the row expired takes it over and is told (`gained`): the
scheduler then hands back every claim left on that platform, whoever made it, and catches up.

A holder counts itself the sender only for two thirds of the lease after its last renewal
began, so it stops before anyone else can start, even when the database stops answering it.
On SQLite (one process, one file) there is nobody to share with: the lease is simply held.

Why a lease row, not an existing engine: procrastinate (PostgreSQL job queue) and APScheduler
4's SQLAlchemy data store both distribute *jobs*, one row per job with locks on each; neither
knows that all the sends of one token share one rate, so two workers would still send at twice
the limit, and a row per post is exactly the growth with the audience we plan away from.
APScheduler 4 is also still a pre-release. A PostgreSQL advisory lock would need a session held
open for as long as the lease (lost silently with the connection, invisible to other replicas'
queries, and absent on SQLite); a row with an expiry is visible, survives pooling, and costs
one conditional upsert every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable

from bot.scheduling.delivery import real_now, store_error
from bot.store.leases import Leases

log = logging.getLogger("briefing.sender")

Told = Callable[[str], Awaitable[None]]
VALID_SHARE = 2 / 3  # of the lease, after its renewal began, during which the holder sends


class SenderLease:
    def __init__(self, leases: Leases | None, platforms: Iterable[str], owner: str, *, ttl: float,
                 gained: Told, lost: Told) -> None:
        self.leases = leases  # None: nobody to share with (SQLite)
        self.platforms = sorted(set(platforms))
        # A restart under the same name is another holder: it waits for the old lease to expire.
        self.holder = f"{owner[:100]}/{uuid.uuid4().hex[:8]}"
        self.ttl = ttl
        self.gained, self.lost = gained, lost
        self._valid: dict[str, float] = {}  # platform -> monotonic moment the holding ends
        self._task: asyncio.Task[None] | None = None

    def holds(self, platform: str) -> bool:
        return self.leases is None or self._valid.get(platform, 0.0) > time.monotonic()

    def held(self) -> list[str]:
        return [p for p in self.platforms if self.holds(p)]

    async def start(self) -> None:
        if self.leases is None:
            for platform in self.platforms:
                await self.gained(platform)
            return
        await self._round()
        self._task = asyncio.create_task(self._keep(), name="sender-lease")

    async def stop(self) -> None:
        """Stop renewing and give the leases up, so another replica sends at once."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.leases is None:
            return
        for platform in [p for p in self.platforms if self.holds(p)]:
            self._valid.pop(platform, None)
            with contextlib.suppress(Exception):  # unreachable: the lease simply expires
                await self.leases.give_up(platform, self.holder, real_now())
                log.info("sender lease given up platform=%s holder=%s", platform, self.holder)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            await self._round()

    async def _round(self) -> None:
        for platform in self.platforms:
            try:
                await self._beat(platform)
            except Exception:  # a bug here must not stop the heartbeat
                log.exception("sender lease platform=%s heartbeat failed", platform)

    async def _beat(self, platform: str) -> None:
        if self.leases is None:
            return
        was = self.holds(platform)
        began, now = time.monotonic(), real_now()
        try:
            ok = await self.leases.hold(platform, self.holder, now, now + _seconds(self.ttl))
        except Exception as exc:
            if not store_error(exc):
                raise
            if was and not self.holds(platform):
                log.warning("sender lease platform=%s lost: the database did not answer (%s)", platform,
                            type(exc).__name__)
                await self.lost(platform)
            return
        if ok:
            self._valid[platform] = began + self.ttl * VALID_SHARE
            if not was:
                log.info("sender lease gained platform=%s holder=%s", platform, self.holder)
                await self.gained(platform)
        elif was:
            self._valid.pop(platform, None)
            log.warning("sender lease platform=%s lost to another replica", platform)
            await self.lost(platform)


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)
