"""The scheduler: one job per moment a post falls due, its recipients read in pages when it comes.

Planning is per *shape* (bot/store/audience.py): every subscription of one platform, deck, zone
and choice of reminders gets its posts at the same moments, so the plan is made once per shape,
over every deck of the library, and one APScheduler job stands for each distinct due moment.
Neither the jobs nor the plan grow with the audience: at 100,000 subscriptions a re-plan is one
grouped query and a few hundred small plans. When a moment comes, the recipients are read from
the database page by page (those whose ledger row for the post is not settled yet), and each
page joins the fan-out under way (Delivery.feed). Decks are looked up by id in the library at
plan time and again when a post is worded, so a reload reaches the next post; a reload that
changes the decks plans everything again.

Jobs live in memory only (APScheduler's SQLAlchemy store pickles jobs and must not be shared
between processes): they are rebuilt at start-up, when a chat's change brings a shape not seen
yet, after a reload, and every `refresh_every` as the horizon moves on. Every replica plans the
same jobs, but only the replica holding a platform's sender lease (bot/scheduling/sender.py)
sends its posts; the ledger, not the jobs, decides whether a post goes out.

When this replica gains a lease (at start-up, or taking over from a sender that stopped), it
hands back every claim left on that platform and catches up: posts that fell due within
`lookback` and are still open are sent late if they make sense, else recorded as skipped. A
database error anywhere on the way defers the posts it touched for a retry within seconds.

Clock: the bot's clock may run ahead or behind real time (`--now`); a post planned for moment
P runs at real time P - offset, where offset is how far the clock is from real time.

Use (one running event loop):

    scheduler = Scheduler(store, library, clock, {"telegram": tg, "slack": slack})
    await scheduler.start()          # the catch-up runs in the background
    ...
    await scheduler.pause(); await scheduler.drain(10); await scheduler.shutdown()
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import socket
import time
from collections.abc import AsyncIterator, Coroutine, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING, STATE_STOPPED

from bot.platforms.base import Adapter
from bot.scheduling.chats import StoreChats
from bot.scheduling.delivery import (
    DEFAULT_POLICY,
    Delivery,
    DeliveryObserver,
    FanOut,
    Policy,
    is_open,
    real_now,
    store_error,
)
from bot.scheduling.pacing import Pacer
from bot.scheduling.planning import Post, plan, superseded
from bot.scheduling.sender import SenderLease
from bot.store import Store, Subscription
from bot.store.audience import Shape, shape_of
from content.library import Library, library_of
from content.loader import Briefing
from handlers.clock import Clock
from handlers.context import ChatRef
from handlers.i18n import ENGLISH

log = logging.getLogger("briefing.scheduler")

REFRESH_JOB = "plan:refresh"
PAGE = 200  # recipients read at once when a post falls due (a page is converted on the loop)
_YIELD_EVERY = 4  # shapes planned between two yields to the loop
_TICK = dt.timedelta(seconds=1)

Planned = list[tuple[Shape, Post]]  # the posts due at one moment: one per shape, for no chat yet


class Scheduler:
    """Posts reminders and daily briefings to every subscribed chat, through `adapters`.

    Missed posts are looked for `lookback` into the past (older ones are stale anyway); jobs
    are planned `horizon` ahead and planned again every `refresh_every`.

    `owner` names this replica in the ledger (default: the host name). `lease` is how long the
    sender lease lasts without renewal: how soon another replica takes over a stopped sender.
    """

    def __init__(
        self,
        store: Store,
        stories: Library | Briefing,
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
        lease: dt.timedelta = dt.timedelta(seconds=10),
        page: int = PAGE,
        observers: Iterable[DeliveryObserver] = (),
    ) -> None:
        self.store = store
        self.library = library_of(stories)
        self.clock = clock
        self.default_zone = default_zone
        self.owner = owner or socket.gethostname()
        self.horizon, self.lookback, self.refresh_every = horizon, lookback, refresh_every
        self.page = page
        self.chats = chats or StoreChats(store, self.briefing, clock, default_zone)
        self.chats.watch(self.refresh_chat)
        self.delivery = Delivery(store, self.briefing, clock, adapters, pacer or Pacer(), self.chats,
                                 self.owner, policy=policy, observers=observers, decks=self.deck_or_default,
                                 sending=lambda platform: self.sender.holds(platform))
        shared = store.leases if store.dialect == "postgresql" else None
        self.sender = SenderLease(shared, [p for p in adapters if p != "console"], self.owner,
                                  ttl=lease.total_seconds(), gained=self._gained, lost=self._lost)
        # Late jobs must still run: the delivery decides whether a late post makes sense.
        self._aps = AsyncIOScheduler(timezone=dt.UTC, job_defaults={
            "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
        self.watch_every = max(lease.total_seconds() / 3, 0.5)
        self._signature: tuple[object, ...] = ()
        self._planned_at = 0.0
        self._shapes: set[Shape] = set()
        self._moments: dict[dt.datetime, Planned] = {}
        self._background: set[asyncio.Task[object]] = set()
        self._watcher: asyncio.Task[object] | None = None
        self._lock = asyncio.Lock()

    @property
    def briefing(self) -> Briefing:
        """The default story (the newest served): what a post whose deck is gone is worded from."""
        return self.library.stories.briefings[0]

    def deck(self, deck_id: str) -> Briefing | None:
        return self.library.stories.get(deck_id)

    def deck_or_default(self, deck_id: str) -> Briefing:
        return self.deck(deck_id) or self.briefing

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._aps.state == STATE_RUNNING)

    async def start(self) -> None:
        """Plan, start the jobs, then take (or wait for) the sender lease; its gain starts the catch-up."""
        self._aps.start()
        self._aps.add_job(self.rebuild, "interval", seconds=self.refresh_every.total_seconds(),
                          id=REFRESH_JOB, replace_existing=True)
        await self.rebuild()
        await self.sender.start()
        self._watcher = self._spawn(self._watch())
        log.info("scheduler started owner=%s shapes=%d jobs=%d next=%s sending=%s", self.owner,
                 len(self._shapes), self.job_count(), self.next_run_time(),
                 ",".join(self.sender.held()) or "-")

    async def rebuild(self) -> set[Shape]:
        """The jobs of every shape from the plan (a grouped query, then a few small plans); the
        shapes not planned before."""
        async with self._lock:
            try:
                signature = await self.store.audience.signature()
                shapes = await self.store.audience.shapes(list(self.delivery.adapters))
            except Exception as exc:
                if not store_error(exc):
                    raise
                log.warning("plan not refreshed: database unavailable (%s); the jobs planned stay",
                            type(exc).__name__)
                return set()
            now = self.clock.now()
            moments: dict[dt.datetime, Planned] = {}
            await self._plan_into(moments, shapes, now)
            new = set(shapes) - self._shapes
            self._shapes, self._signature = set(shapes), signature
            self._planned_at = time.monotonic()
            self._replace(moments)
            return new

    async def _watch(self) -> None:
        """Plan again when another replica changed subscriptions (a reader's command answered there),
        and send at once what a new shape has already due."""
        while True:
            await asyncio.sleep(self.watch_every)
            try:
                changed = await self.store.audience.signature() != self._signature
            except Exception as exc:
                if not store_error(exc):
                    raise
                continue
            if changed:
                new = await self.rebuild()
                if new and self.sender.held():
                    await self.catch_up(shapes=new)

    async def refresh_chat(self, chat: ChatRef) -> None:
        """Plan the shapes a chat's change brought that no other chat has yet (others need nothing:
        recipients are read when their posts fall due)."""
        subs = [s for s in await self.store.subscriptions_of(chat.platform, chat.chat_id)
                if s.active and s.chat.platform in self.delivery.adapters]
        async with self._lock:
            new = {shape_of(s) for s in subs} - self._shapes
            if new:
                moments = dict(self._moments)
                await self._plan_into(moments, sorted(new, key=repr), self.clock.now())
                self._shapes |= new
                self._replace(moments)
        if subs and self.sender.holds(chat.platform):  # posts already due (a subscription dated back)
            self._spawn(self.catch_up(chat.platform, among=[s.id for s in subs]))

    async def decks_changed(self) -> None:
        """A reload changed the decks: plan every shape again over the decks now served."""
        await self.rebuild()

    async def pause(self) -> None:
        """Start no new job (jobs that come due wait, and are planned again at the next start)."""
        if self.running:
            self._aps.pause()

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - the runtime's shutdown bound
        """Let sends under way finish for up to `timeout` s; claimed posts not yet sent become pending;
        then give the sender lease up, so another replica sends at once."""
        for task in self._background:
            task.cancel()
        await self.delivery.drain(timeout)
        await self.sender.stop()

    async def shutdown(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.sender.stop()
        if self._aps.state != STATE_STOPPED:
            self._aps.shutdown(wait=False)

    async def idle(self) -> None:
        """Wait until the catch-up and every post under way have finished (tests, benchmarks)."""
        while (work := self._background - {self._watcher}) or self.delivery.in_flight:
            await asyncio.gather(*work, return_exceptions=True)
            await self.delivery.idle()

    def next_run_time(self) -> dt.datetime | None:
        """When the next post is due, on the bot's clock; None when nothing is planned."""
        times = [job.next_run_time for job in self._aps.get_jobs()
                 if job.id != REFRESH_JOB and job.next_run_time is not None]
        return min(times) + self._offset() if times else None

    def job_count(self) -> int:
        return len(self._moments)

    def job_ids(self) -> set[str]:
        return {_job_id(moment) for moment in self._moments}

    def planned(self) -> list[tuple[dt.datetime, str, str]]:
        """What the jobs stand for: (moment, shape's platform and deck, post key), in order."""
        return sorted((m, f"{s.platform}:{s.deck}", p.key)
                      for m, found in self._moments.items() for s, p in found)

    # --- planning into jobs ---------------------------------------------------------------------

    def _offset(self) -> dt.timedelta:
        return self.clock.now() - real_now()

    def _plan(self, shape: Shape, start: dt.datetime, end: dt.datetime) -> list[Post]:
        briefing = self.deck(shape.deck)
        if briefing is None:  # a deck no longer served: nothing to post about it
            return []
        return plan(briefing, [shape.subscription()], start, end, self.default_zone)

    async def _plan_into(self, moments: dict[dt.datetime, Planned], shapes: Iterable[Shape],
                         now: dt.datetime) -> None:
        for n, shape in enumerate(shapes, 1):
            for post in self._plan(shape, now, now + self.horizon):
                if post.due > now:
                    moments.setdefault(post.due, []).append((shape, post))
            if n % _YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a plan of many shapes never holds the loop for long

    def _replace(self, moments: dict[dt.datetime, Planned]) -> None:
        for moment in set(self._moments) - set(moments):
            with contextlib.suppress(JobLookupError):  # it ran already
                self._aps.remove_job(_job_id(moment))
        offset = self._offset()
        for moment in set(moments) - set(self._moments):
            self._aps.add_job(self._fire, "date", run_date=moment - offset, args=(moment,),
                              id=_job_id(moment), replace_existing=True)
        self._moments = moments

    async def _fire(self, moment: dt.datetime) -> None:
        """A moment came: fan each of its posts out to the recipients (when this replica sends)."""
        for shape, template in self._moments.pop(moment, []):
            if self.sender.holds(shape.platform):
                self._spawn(self.fan_out(shape, template))

    # --- sending -------------------------------------------------------------------------------

    async def fan_out(self, shape: Shape, template: Post, *, moot: bool = False,
                      among: list[int] | None = None) -> dict[str, int]:
        """Send `template`'s post to every open recipient of `shape`, page by page; posts deferred by
        an error are tried again after a short backoff, until none is left or this replica stops
        sending (the next sender catches up)."""
        total: dict[str, int] = {}
        for attempt in range(10_000):  # bounded: each pass ends, and posts turn too late
            counts = await self._pass(shape, template, moot, among)
            for outcome, n in counts.items():
                total[outcome] = total.get(outcome, 0) + n
            if not counts.get("deferred") or self.delivery.closing or not self.sender.holds(shape.platform):
                break
            await self._wait(attempt, f"posts deferred={counts['deferred']} post={template.key}")
        if total:
            log.info("fan-out platform=%s deck=%s post=%s %s", shape.platform, shape.deck, template.key,
                     " ".join(f"{k}={v}" for k, v in sorted(total.items())))
        return total

    async def _pass(self, shape: Shape, template: Post, moot: bool,
                    among: list[int] | None) -> dict[str, int]:
        fan = FanOut()
        after, failures = 0, 0
        while not self.delivery.closing and self.sender.holds(shape.platform):
            try:
                page = await self.store.audience.page(shape, template.due, template.key, after=after,
                                                      limit=self.page, among=among)
            except Exception as exc:
                if not store_error(exc):
                    raise
                await self._wait(failures,
                                 f"recipients unreadable ({type(exc).__name__}) post={template.key}")
                failures += 1
                continue
            if not page:
                break
            after, failures = page[-1].id, 0
            await self.delivery.feed(fan, [_for(template, s) for s in page], moot=moot)
        return await self.delivery.finish(fan)

    async def _wait(self, attempt: int, why: str) -> None:
        delays = self.delivery.policy.retry
        delay = delays[min(attempt, len(delays) - 1)]
        log.warning("delivery retry_in=%.1fs %s", delay, why)
        await asyncio.sleep(delay)

    async def catch_up(self, platform: str | None = None, *, among: list[int] | None = None,
                       shapes: set[Shape] | None = None) -> dict[str, int]:
        """Posts that fell due within `lookback` and are still open: late if they still make sense,
        else skipped. Of several missed posts of one series only the latest can still be sent.

        One pass over the platform's subscriptions in pages (`among` them, of `shapes`, when given),
        each page's ledger rows read at once; posts deferred by an error are tried again shortly.
        """
        total: dict[str, int] = {}
        for name in [platform] if platform is not None else self.sender.held():
            for attempt in range(10_000):  # bounded: each pass ends, and posts turn too late
                counts = await self._catch_up_pass(name, among, shapes)
                for outcome, n in counts.items():
                    total[outcome] = total.get(outcome, 0) + n
                if not counts.get("deferred") or self.delivery.closing or not self.sender.holds(name):
                    break
                await self._wait(attempt, f"catch-up posts deferred={counts['deferred']}")
        if total:
            log.info("catch-up platform=%s %s", platform or "all",
                     " ".join(f"{k}={v}" for k, v in sorted(total.items())))
        return total

    async def _catch_up_pass(self, platform: str, among: list[int] | None,
                             shapes: set[Shape] | None) -> dict[str, int]:
        now = self.clock.now()
        missed: dict[Shape, tuple[list[Post], set[Post]]] = {}
        fan = FanOut()
        after, failures = 0, 0
        while not self.delivery.closing and self.sender.holds(platform):
            try:
                page = await self.store.audience.active(platform, after=after, limit=self.page, among=among)
                due, moot = await self._missed(page, now, missed, shapes)
                ids = sorted({p.subscription_id for p in due + moot})
                entries = await self.store.ledger.entries(ids, due_from=now - self.lookback) if ids else {}
            except Exception as exc:
                if not store_error(exc):
                    raise
                await self._wait(failures, f"catch-up cannot read ({type(exc).__name__})")
                failures += 1
                continue
            if not page:
                break
            after, failures = page[-1].id, 0
            for posts, is_moot in ((moot, True), (due, False)):
                still = [p for p in posts if is_open(entries.get((p.subscription_id, p.key)))]
                await self.delivery.feed(fan, still, moot=is_moot)
        return await self.delivery.finish(fan)

    async def _missed(self, page: list[Subscription], now: dt.datetime,
                missed: dict[Shape, tuple[list[Post], set[Post]]],
                shapes: set[Shape] | None) -> tuple[list[Post], list[Post]]:
        """The page's posts that fell due by `now`: those to send, and those a later one made moot."""
        due: list[Post] = []
        moot: list[Post] = []
        for sub in page:
            shape = shape_of(sub)
            if shapes is not None and shape not in shapes:
                continue
            if shape not in missed:
                past = [p for p in self._plan(shape, now - self.lookback, now + _TICK) if p.due <= now]
                missed[shape] = past, superseded(past, now)
                if len(missed) % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)
            past, moots = missed[shape]
            for template in past:
                if sub.since <= template.due:
                    (moot if template in moots else due).append(_for(template, sub))
        return due, moot

    async def _gained(self, platform: str) -> None:
        self._spawn(self._take_over(platform))

    async def _lost(self, platform: str) -> None:
        """Another replica sends now: fan-outs under way stop at their next page."""

    async def _take_over(self, platform: str) -> None:
        """Hand back the claims a stopped sender left on `platform` (all of them: whatever its
        name, it sends no more), then catch up."""
        for attempt in range(10_000):
            try:
                keep = self.owner if self.delivery.in_flight else None  # our own sends still under way
                recovered = await self.store.ledger.recover_platform(platform, real_now(), keep=keep)
                break
            except Exception as exc:
                if not store_error(exc):
                    raise
                await self._wait(attempt, f"claims not recovered yet ({type(exc).__name__})")
        if recovered:
            log.warning("ledger claims_recovered=%d platform=%s: their posts are sent again", recovered,
                        platform)
        if time.monotonic() - self._planned_at > 1.0:  # the plan as of now (not just made at start-up)
            await self.rebuild()
        await self.catch_up(platform)

    def _spawn(self, work: Coroutine[Any, Any, object]) -> asyncio.Task[object]:
        task: asyncio.Task[object] = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[object]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("scheduled work failed", exc_info=task.exception())


def _for(template: Post, sub: Subscription) -> Post:
    """A shape's post for one of its subscriptions."""
    return dataclasses.replace(template, subscription_id=sub.id, chat=sub.chat,
                               language=sub.language or ENGLISH)


def _job_id(moment: dt.datetime) -> str:
    return f"due:{moment.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}"


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
