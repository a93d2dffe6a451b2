"""Each delivery from a platform answered once, however often it arrives.

Slack retries an event or a command it thinks went unacknowledged (`X-Slack-Retry-Num`), a signed
request can be replayed for five minutes, and Telegram posts an update again when its webhook
call did not get a 200. Each carries an id that stays the same (Slack's `event_id` or
`trigger_id`, Telegram's `update_id`): the first copy is answered, the others are not.

A short-lived memory of the keys this process saw catches its own copies at no cost; the store's
`inbound_deliveries` table (bot/store/inbound.py) catches the copies another replica answered.
When the database cannot be reached, the delivery is answered anyway: a rare double answer
is better than none. That is logged once per outage.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import OrderedDict
from typing import Protocol

from bot.platforms.outage import Outage, is_outage

log = logging.getLogger("briefing.inbound")

TTL = 15 * 60.0  # seconds a key is kept: Slack's replay window is 5 minutes either side of its stamp
KEPT = 20_000  # keys kept in memory at most (the oldest go first)
PRUNE_EVERY = 60.0  # seconds between two prunings of the table


class Claims(Protocol):
    """The shared table of deliveries taken (bot.store.inbound.InboundLog)."""

    async def take(self, key: str, now: dt.datetime, until: dt.datetime) -> bool: ...

    async def prune(self, now: dt.datetime) -> int: ...


class Dedupe:
    """Whether a delivery is the first copy to arrive, in this process or, with `claims`, any replica."""

    def __init__(self, claims: Claims | None = None, *, ttl: float = TTL, kept: int = KEPT,
                 outage: Outage | None = None) -> None:
        self.claims = claims
        self.ttl = ttl
        self.kept = kept
        self.outage = outage or Outage("database", log)
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> when it may be forgotten
        self._pruned_at = time.monotonic()

    def known(self, key: str) -> bool:
        """Whether this process already saw `key` (no database: cheap enough to ask first)."""
        now = time.monotonic()
        while self._seen:
            oldest, until = next(iter(self._seen.items()))
            if until > now and len(self._seen) <= self.kept:
                break
            del self._seen[oldest]
        return key in self._seen

    async def first(self, key: str) -> bool:
        """True for the first copy of `key` (then remembered), False for any later one."""
        if self.known(key):
            return False
        self._seen[key] = time.monotonic() + self.ttl
        return True if self.claims is None else await self._take(self.claims, key)

    async def _take(self, claims: Claims, key: str) -> bool:
        now = dt.datetime.now(dt.UTC)  # real time on every replica, whatever clock the bot replays
        try:
            taken = await claims.take(key, now, now + dt.timedelta(seconds=self.ttl))
            await self._prune(claims, now)
        except Exception as exc:
            if not is_outage(exc):
                log.exception("delivery check failed key=%s: answering it", key)
                return True
            self.outage.failed(exc, "deliveries are answered without checking the other replicas")
            return True
        self.outage.succeeded()
        return taken

    async def _prune(self, claims: Claims, now: dt.datetime) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = time.monotonic()
        forgotten = await claims.prune(now)
        log.debug("inbound deliveries pruned count=%d", forgotten)
