"""The scheduler: APScheduler jobs derived from the plan, sent through the delivery ledger.

Jobs live in memory only (APScheduler's own SQLAlchemy store pickles jobs and must not be shared
between processes): they are rebuilt from the subscriptions at start-up (a changed deck is served
by a restart), for one chat whenever it changes, and every `refresh_every` as the planning
horizon moves on. Job ids are stable (`sub:<id>:event:<id>:offset:<k>`, `sub:<id>:daily:<date>`)
and added with `replace_existing`, so a rebuild never doubles a job; the ledger, not the jobs,
decides whether a post goes out, so two replicas with the same jobs still send each post once.

Clock: the bot's clock may run ahead or behind real time (`--now`); a post planned for moment
P runs at real time P - offset, where offset is how far the clock is from real time.

Use (one running event loop):

    scheduler = Scheduler(store, briefing, clock, {"telegram": tg, "slack": slack})
    service = BriefingService(briefing, clock, chats=scheduler.chats)   # commands reschedule
    await scheduler.start()          # catch-up of missed posts runs in the background
    ...
    await scheduler.pause(); await scheduler.drain(10); await scheduler.shutdown()
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import socket
from collections.abc import AsyncIterator, Coroutine, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING, STATE_STOPPED

from bot.platforms.base import Adapter
from bot.scheduling.chats import StoreChats
from bot.scheduling.delivery import DEFAULT_POLICY, Delivery, DeliveryObserver, Policy, is_open, real_now
from bot.scheduling.pacing import Pacer
from bot.scheduling.planning import Post, plan
from bot.store import Entry, Store, Subscription
from content.loader import Briefing
from handlers.clock import Clock
from handlers.context import ChatRef

log = logging.getLogger("briefing.scheduler")

REFRESH_JOB = "plan:refresh"


class Scheduler:
    """Posts reminders and daily briefings to every subscribed chat, through `adapters`.

    Missed posts are looked for `lookback` into the past (older ones are stale anyway); jobs
    are planned `horizon` ahead and planned again every `refresh_every`.

    `owner` names this replica in the ledger (default: the host name); replicas sharing a
    database need distinct names. A claim left by a crash is taken back at once by the same
    owner's next start, and by anyone after `lease`.
    """

    def __init__(
        self,
        store: Store,
        briefing: Briefing,
        clock: Clock,
        adapters: Mapping[str, Adapter],
        *,
        chats: StoreChats | None = None,
        default_zone: ZoneInfo | None = None,
        pacer: Pacer | None = None,
        policy: Policy = DEFAULT_POLICY,
        owner: str | None = None,
        horizon: dt.timedelta = dt.timedelta(days=2),
        lookback: dt.timedelta = dt.timedelta(days=2),
        refresh_every: dt.timedelta = dt.timedelta(hours=1),
        lease: dt.timedelta = dt.timedelta(minutes=10),
        retry_delay: dt.timedelta = dt.timedelta(minutes=1),
        observers: Iterable[DeliveryObserver] = (),
    ) -> None:
        self.store = store
        self.briefing = briefing
        self.clock = clock
        self.default_zone = default_zone
        self.owner = owner or socket.gethostname()
        self.horizon, self.lookback, self.refresh_every = horizon, lookback, refresh_every
        self.lease, self.retry_delay = lease, retry_delay
        self.chats = chats or StoreChats(store, briefing, clock, default_zone)
        self.chats.watch(self.refresh_chat)
        self.delivery = Delivery(store, briefing, clock, adapters, pacer or Pacer(), self.chats, self.owner,
                                 policy=policy, observers=observers)
        # Late jobs must still run: the delivery decides whether a late post makes sense.
        self._aps = AsyncIOScheduler(timezone=dt.UTC, job_defaults={
            "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
        self._jobs: dict[int, set[str]] = {}  # subscription id -> its job ids
        self._background: set[asyncio.Task[object]] = set()
        self._lock = asyncio.Lock()

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._aps.state == STATE_RUNNING)

    async def start(self) -> None:
        """Take back this replica's claims left by a crash, plan, start the jobs and the catch-up."""
        recovered = await self.store.ledger.recover(self.owner, real_now() - self.lease, real_now())
        if recovered:
            log.warning("ledger claims_recovered=%d: their posts are sent again", recovered)
        self._aps.start()
        self._aps.add_job(self._refresh, "interval", seconds=self.refresh_every.total_seconds(),
                          id=REFRESH_JOB, replace_existing=True)
        await self.rebuild()
        log.info("scheduler started owner=%s jobs=%d next=%s", self.owner, self.job_count(),
                 self.next_run_time())

    async def rebuild(self) -> None:
        """Every subscription's jobs from the plan; missed posts go to the catch-up."""
        async with self._lock:
            subs = await self.store.active_subscriptions()
            entries = await self.store.ledger.entries(due_from=self.clock.now() - self.lookback)
            await self._apply(subs, entries, replace_all=True)

    async def refresh_chat(self, chat: ChatRef) -> None:
        """Re-plan one chat after a change to its subscriptions or settings."""
        async with self._lock:
            subs = await self.store.subscriptions_of(chat.platform, chat.chat_id)
            for sub in subs:
                self._drop(sub.id)
            active = [s for s in subs if s.active]
            entries = await self.store.ledger.entries([s.id for s in active]) if active else {}
            await self._apply(active, entries, replace_all=False)

    async def pause(self) -> None:
        """Start no new job (jobs that come due wait, and are planned again at the next start)."""
        if self.running:
            self._aps.pause()

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - the runtime's shutdown bound
        """Let sends under way finish for up to `timeout` s; claimed posts not yet sent become pending."""
        for task in self._background:
            task.cancel()
        await self.delivery.drain(timeout)

    async def shutdown(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._aps.state != STATE_STOPPED:
            self._aps.shutdown(wait=False)

    async def idle(self) -> None:
        """Wait until the catch-up and every post under way have finished (tests, benchmarks)."""
        while self._background or self.delivery.in_flight:
            await asyncio.gather(*self._background, return_exceptions=True)
            await self.delivery.idle()

    def next_run_time(self) -> dt.datetime | None:
        """When the next post is due, on the bot's clock; None when nothing is planned."""
        times = [job.next_run_time for job in self._aps.get_jobs()
                 if job.id != REFRESH_JOB and job.next_run_time is not None]
        return min(times) + self._offset() if times else None

    def job_count(self) -> int:
        return sum(len(ids) for ids in self._jobs.values())

    def job_ids(self) -> set[str]:
        return {job_id for ids in self._jobs.values() for job_id in ids}

    # --- planning into jobs ---------------------------------------------------------------------

    def _offset(self) -> dt.timedelta:
        return self.clock.now() - real_now()

    async def _refresh(self) -> None:
        stale = await self.store.ledger.recover(None, real_now() - self.lease, real_now())
        if stale:
            log.warning("ledger stale_claims_recovered=%d (a replica stopped mid-send)", stale)
        await self.rebuild()

    async def _apply(self, subs: list[Subscription], entries: Mapping[tuple[int, str], Entry],
                     *, replace_all: bool) -> None:
        now = self.clock.now()
        subs = [s for s in subs if s.chat.platform in self.delivery.adapters]  # others: another replica's
        posts = plan(self.briefing, subs, now - self.lookback, now + self.horizon, self.default_zone)
        future = [p for p in posts if p.due > now]
        if replace_all:
            wanted = {p.job_id for p in future}
            for sub_id in list(self._jobs):
                self._drop(sub_id, keep=wanted)
        offset = self._offset()
        for post in future:
            if is_open(entries.get((post.subscription_id, post.key))):  # none yet, or handed back
                self._add(post, post.due - offset)
        missed = [p for p in posts if p.due <= now]
        if missed:
            self._spawn(self.delivery.catch_up(missed, entries))

    def _add(self, post: Post, run_at: dt.datetime) -> None:
        self._aps.add_job(self._run, "date", run_date=run_at, args=(post,), id=post.job_id,
                          name=post.key, replace_existing=True)
        self._jobs.setdefault(post.subscription_id, set()).add(post.job_id)

    def _drop(self, sub_id: int, keep: set[str] | frozenset[str] = frozenset()) -> None:
        ids = self._jobs.get(sub_id, set())
        for job_id in [j for j in ids if j not in keep]:
            ids.discard(job_id)
            with contextlib.suppress(JobLookupError):  # it ran already
                self._aps.remove_job(job_id)
        if not ids:
            self._jobs.pop(sub_id, None)

    async def _run(self, post: Post) -> None:
        """One job: deliver the post; when the platform was unavailable, try again later."""
        self._jobs.get(post.subscription_id, set()).discard(post.job_id)
        try:
            outcome = await self.delivery.deliver(post)
        except asyncio.CancelledError:
            return  # a shutdown: the delivery handed its claim back; nothing to report to APScheduler
        if outcome == "deferred" and not self.delivery.closing:
            self._add(post, real_now() + self.retry_delay)

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task: asyncio.Task[object] = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


@asynccontextmanager
async def scheduling(scheduler: Scheduler, drain_timeout: float = 10.0) -> AsyncIterator[Scheduler]:
    """Start the scheduler; on the way out pause, drain and shut it down (the order that loses nothing)."""
    await scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.pause()
        await scheduler.drain(drain_timeout)
        await scheduler.shutdown()
