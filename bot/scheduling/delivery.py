"""Sending one planned post: claim it in the ledger, pace, send, mark — and what to do when it fails.

The protocol, for every post:
1. decide whether it still makes sense now (planning.verdict); if not, record it as skipped;
2. claim it in the database (bot/store/ledger.py) — only one process in the world wins;
3. wait for the platform's pacing, render the text from the real remaining time, send;
4. mark it sent. A process killed between 3 and 4 leaves a claimed row that the next start
   hands back, so the post is sent again: duplicates are bounded by the sends in flight.

Errors (the `bot.platforms.base` family): RetryLater pauses the platform for the wait it names and
tries again; Unavailable is retried with backoff, then handed back as pending for a later
attempt. When the platform may have posted it already (`maybe_sent`: a timeout waiting for its
answer), the doubt is resolved (bot/scheduling/doubts.py): the platform is asked whether the post
arrived (Slack looks for the post's key in the channel's history: found, it counts as sent; not
there, it is sent again); where it cannot tell (Telegram), the rule is to send again, at most
`Policy.max_resends` times per post (2), each counted in /metrics — so a reader who got nothing
gets the reminder, and a rare duplicate is the lesser harm. Still in doubt after that, the post is
recorded as uncertain and not sent again. DestinationGone stops the
chat's subscriptions (the reason is stored); DestinationMoved moves them to the new chat id and
sends there; Rejected gives up.

A fan-out (`deliver_many`) claims a batch of posts in one transaction, sends them concurrently
under the pacer, and marks them sent through `Marks`, which writes the marks of the posts that
went out meanwhile in one statement. A database or disk error (`bot.platforms.outage.is_outage`)
never loses a post: one not yet claimed is `deferred` for a prompt retry by the scheduler; one
already sent stays in `Marks`, in memory, until the database takes its mark, so it is not sent
twice.

Observers (for metrics) are callables `(chat: ChatRef, outcome: str, seconds: float)`, called
once per post with the outcome `Delivery.deliver` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.platforms.base import (
    Adapter,
    ChatEvents,
    DestinationGone,
    DestinationMoved,
    Rejected,
    RetryLater,
    Sent,
    Unavailable,
)
from bot.platforms.outage import is_outage
from bot.scheduling.doubts import Doubts, trace_key
from bot.scheduling.pacing import Pacer
from bot.scheduling.planning import Post, verdict
from bot.store import Claim, Entry, Store
from bot.store.ledger import SentNote
from content.loader import Briefing
from handlers.clock import Clock
from handlers.context import ChatRef
from handlers.reply import Reply

log = logging.getLogger("briefing.delivery")

DeliveryObserver = Callable[[ChatRef, str, float], None]


@dataclass(frozen=True, slots=True)
class Policy:
    """How hard a delivery tries; the defaults suit the real platforms, tests shrink them."""

    concurrency: int = 16  # posts in flight at once (also the bound on duplicates after a crash)
    max_attempts: int = 5  # sends of one post before it is handed back for later
    backoff: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)  # seconds between tries when Unavailable
    max_retry_after: float = 300.0  # a longer 429 wait is cut to this (the post is then tried again)
    max_moves: int = 2  # a chat that moves more often than this in one post is not followed
    max_resends: int = 2  # sends again of one post after timeouts, where the platform cannot tell
    settle: float = 5.0  # seconds after a timeout before asking the platform whether the post arrived
    batch: int = 100  # posts claimed in one transaction by a fan-out
    retry: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 5.0)  # seconds before deferred posts are tried again


DEFAULT_POLICY = Policy()


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def store_error(exc: BaseException) -> bool:
    """A database or disk error: the post waits for a prompt retry, it is never given up."""
    return isinstance(exc, SQLAlchemyError) or is_outage(exc)


class Marks:
    """Marks of posts that went out, written in batches; kept in memory while the database is away.

    `mark` returns once the mark is written (True) or the claim was found taken back (False);
    while the database fails it keeps the mark and tries again with backoff, so a post that
    reached its chat is never handed back as unsent because of a database outage.
    """

    def __init__(self, store: Store, *, delay: float = 0.0,
                 backoff: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)) -> None:
        self.store = store
        self.delay, self.backoff = delay, backoff
        self._waiting: list[tuple[SentNote, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def unwritten(self) -> int:
        return len(self._waiting)

    async def mark(self, claim: Claim, sent_to: str, message_ids: tuple[str, ...] | list[str],
                   note: str | None) -> bool:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append(((claim, sent_to, message_ids, note), done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        return await asyncio.shield(done)  # a cancelled sender must not take its mark away

    async def _write(self) -> None:
        failures = 0
        # Posts answered in the same turn of the loop join this batch; those answered while it is
        # written join the next: the busier the fan-out, the larger the batches.
        await asyncio.sleep(self.delay)
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                held = await self.store.ledger.mark_many([note for note, _ in batch], real_now())
            except Exception as exc:
                if not store_error(exc):  # a bug: the senders waiting for these marks hear of it
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                self._waiting = batch + self._waiting
                wait = self.backoff[min(failures, len(self.backoff) - 1)]
                failures += 1
                log.warning("ledger marks_unwritten=%d error=%s: kept in memory, retry in %.1fs",
                            len(self._waiting), type(exc).__name__, wait)
                await asyncio.sleep(wait)
                continue
            if failures:
                log.info("ledger marks written after %d failures", failures)
            failures = 0
            for (claim, *_), done in batch:
                if not done.done():
                    done.set_result(claim.id in held)

    async def flush(self, timeout: float) -> None:  # noqa: ASYNC109 - the shutdown bound
        if self._writer is not None and not self._writer.done():
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._writer), timeout)
        if self._waiting:
            log.error("ledger marks_unwritten=%d at shutdown: these posts may be sent again",
                      len(self._waiting))


class FanOut:
    """The sends of one fan-out under way, and the counts of its outcomes so far."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.running: set[asyncio.Task[str]] = set()

    def count(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def start(self, task: asyncio.Task[str]) -> None:
        self.running.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[str]) -> None:
        self.running.discard(task)
        self.count(task.result() if not task.cancelled() and task.exception() is None else "interrupted")


class _Retry(Exception):
    """One more try of the same post (after a wait already taken)."""


class Delivery:
    def __init__(
        self,
        store: Store,
        briefing: Briefing,
        clock: Clock,
        adapters: Mapping[str, Adapter],
        pacer: Pacer,
        chats: ChatEvents,
        owner: str,
        *,
        policy: Policy = DEFAULT_POLICY,
        observers: Iterable[DeliveryObserver] = (),
        decks: Callable[[str], Briefing] | None = None,
        sending: Callable[[str], bool] = lambda platform: True,
    ) -> None:
        self.store = store
        self.briefing = briefing
        self.decks = decks  # a deck by id as served now; None: `briefing` only
        self.sending = sending  # whether this replica sends a platform's posts now (its sender lease)
        self.clock = clock
        self.adapters = adapters
        self.pacer = pacer
        self.chats = chats
        self.owner = owner
        self.policy = policy
        self.observers = list(observers)
        self.closing = False
        self.doubts = Doubts(max_resends=policy.max_resends, settle=policy.settle)
        self._slots = asyncio.Semaphore(policy.concurrency)
        self.marks = Marks(store)
        self._held: dict[int, Claim] = {}  # claimed in a batch, their sender not started yet
        self._unsettled: list[Claim] = []  # claims that could not be handed back: retried with the posts
        self._renders: dict[tuple[object, ...], object] = {}
        self._render_second = -1
        self._tasks: dict[asyncio.Task[object], str] = {}  # task -> phase ("waiting", "sending")

    # --- one post ----------------------------------------------------------------------------

    async def deliver(self, post: Post, *, moot: bool = False) -> str:
        """Send `post` unless it is settled, too late or held elsewhere; returns the outcome."""
        return await self._observed(post, self._deliver(post, moot))

    async def _observed(self, post: Post, work: Coroutine[Any, Any, str]) -> str:
        """Run one post's delivery as a task the drain knows of; report its outcome to the observers."""
        started = time.perf_counter()
        task = asyncio.current_task()
        if task is not None:
            self._tasks.setdefault(task, "waiting")
        try:
            outcome = await work
        finally:
            if task is not None:
                self._tasks.pop(task, None)
        for observe in self.observers:
            observe(post.chat, outcome, time.perf_counter() - started)
        return outcome

    async def _deliver(self, post: Post, moot: bool) -> str:
        decision = verdict(post, self.clock.now(), moot)
        if not decision.send:
            return await self._skip(post, decision.reason)
        adapter = self.adapters.get(post.chat.platform)
        if adapter is None:  # another replica may serve this platform: leave the post to it
            return self._log(post, post.chat, "no_adapter", "no adapter for this platform here")
        async with self._slots:
            if self.closing:
                return "interrupted"
            try:
                claim = await self.store.ledger.claim(post.subscription_id, post.key, post.due, self.owner,
                                                      real_now())
            except Exception as exc:  # nothing was claimed: the scheduler tries again shortly
                if not store_error(exc):
                    raise
                return self._log(post, post.chat, "deferred", f"ledger unavailable: {type(exc).__name__}")
            if claim is None:
                return "taken"  # sent, settled, or in flight elsewhere: exactly what the ledger is for
            return await self._claimed(post, claim, adapter)

    async def _skip(self, post: Post, reason: str) -> str:
        try:
            recorded = await self.store.ledger.skip(post.subscription_id, post.key, post.due, reason,
                                                    real_now())
        except Exception as exc:
            if not store_error(exc):
                raise
            return self._log(post, post.chat, "deferred", f"ledger unavailable: {type(exc).__name__}")
        if recorded:
            log.info("delivery platform=%s chat=%s post=%s outcome=skipped reason=%r",
                     post.chat.platform, post.chat.key, post.key, reason)
        return "skipped" if recorded else "taken"

    async def _claimed(self, post: Post, claim: Claim, adapter: Adapter) -> str:
        chat, tries, moves, resends = post.chat, 0, 0, 0
        try:
            while True:
                decision = verdict(post, self.clock.now())
                if not decision.send:  # it waited too long (pacing, retries): better silent than wrong
                    await self.store.ledger.mark_failed(claim, decision.reason, real_now(), skipped=True)
                    return self._log(post, chat, "skipped", decision.reason)
                tries += 1
                began = real_now()
                try:
                    return await self._send(post, claim, adapter, chat, decision.late)
                except RetryLater as exc:
                    await self._after_retry_later(post, exc, tries)
                except Unavailable as exc:
                    if not exc.maybe_sent:
                        await self._after_unavailable(post, exc, tries)
                        continue
                    # It may be in the chat already: ask the platform, or follow the rule (doubts.py).
                    settled = await self._in_doubt(post, claim, adapter, chat, exc, began, (tries, resends),
                                                   decision.late)
                    if settled is not None:
                        return settled
                    resends += 1
                except DestinationMoved as exc:
                    moves += 1
                    if moves > self.policy.max_moves:
                        return await self._give_up(post, claim, chat, "rejected",
                                                   f"moved too often: {exc.reason}")
                    await self.chats.chat_moved(chat, exc.new_chat_id)
                    log.info("delivery platform=%s chat=%s moved_to=%s post=%s", chat.platform, chat.key,
                             exc.new_chat_id, post.key)
                    chat = dataclasses.replace(chat, chat_id=exc.new_chat_id)
        except _Retry as exc:
            return await self._hand_back(post, claim, chat, "deferred", str(exc))
        except DestinationGone as exc:
            await self._give_up(post, claim, chat, "gone", exc.reason)
            await self.chats.chat_gone(chat, exc.reason)
            return "gone"
        except Rejected as exc:
            return await self._give_up(post, claim, chat, "rejected", exc.reason)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):  # a database away: the claim is recovered at the next start
                await asyncio.shield(self._hand_back(post, claim, chat, "interrupted", "shut down meanwhile"))
            raise
        except Exception as exc:  # an adapter bug must not lose the claim nor kill the scheduler
            if store_error(exc):  # settling failed: hand the claim back when the database returns
                self._unsettled.append(claim)
                return self._log(post, chat, "deferred", f"ledger unavailable: {type(exc).__name__}")
            log.exception("delivery platform=%s chat=%s post=%s failed unexpectedly", chat.platform,
                          chat.key, post.key)
            return await self._give_up(post, claim, chat, "failed", f"error: {type(exc).__name__}")

    async def _send(self, post: Post, claim: Claim, adapter: Adapter, chat: ChatRef, late: bool) -> str:
        await self.pacer.wait(chat)
        if self.closing:
            raise _Retry("shutting down before sending")
        if not self.sending(chat.platform):  # another replica sends now: it takes this post over
            raise _Retry("the sender lease moved to another replica")
        reply = self._render(post)
        task = asyncio.current_task()
        if task is not None:
            self._tasks[task] = "sending"
        try:
            sent: Sent = await adapter.send(chat, reply, key=trace_key(post.subscription_id, post.key))
        except BaseException:
            if task is not None and task in self._tasks:
                self._tasks[task] = "waiting"  # a retry's wait may be cut short by a shutdown
            raise
        # Still "sending" until marked: a drain that cancelled it now would hand back a post
        # that has already reached the chat, and the next start would send it twice.
        return await self._mark(post, claim, chat, sent, late)

    async def _mark(self, post: Post, claim: Claim, chat: ChatRef, sent: Sent, late: bool) -> str:
        note = f"late by {self.clock.now() - post.due}" if late else None
        if not await self.marks.mark(claim, chat.key, sent.message_ids, note):
            log.error("delivery chat=%s post=%s sent after its claim was taken back: it may arrive twice",
                      chat.key, post.key)
        return self._log(post, chat, "late" if late else "sent", note or "")

    async def _in_doubt(self, post: Post, claim: Claim, adapter: Adapter, chat: ChatRef, exc: Unavailable,
                        began: dt.datetime, counts: tuple[int, int], late: bool) -> str | None:
        """The outcome once the doubt is settled, or None: send it again. `counts`: (tries, resends)."""
        tries, resends = counts
        doubt = await self.doubts.resolve(adapter, chat, trace_key(post.subscription_id, post.key), began,
                                          resends)
        if isinstance(doubt, Sent):
            return await self._mark(post, claim, chat, doubt, late)
        if doubt == "unknown":
            return await self._give_up(post, claim, chat, "uncertain", exc.reason)
        if tries >= self.policy.max_attempts:
            raise _Retry(f"timed out {tries} times: {exc.reason}")
        return None
    def _render(self, post: Post) -> Reply:
        """The post's text, worded once a second for all the chats that get the same words."""
        now = self.clock.now()
        second = int(now.timestamp())
        if second != self._render_second:
            self._renders.clear()
            self._render_second = second
        key = (post.deck, post.kind.key, post.event_id, post.occurrence, post.label, post.language,
               post.reader)
        reply = self._renders.get(key)
        if reply is None:
            reply = self._renders[key] = post.render(self.briefing_of(post), now)
        return reply  # type: ignore[return-value]

    def briefing_of(self, post: Post) -> Briefing:
        """The deck a post is about, as served now (a reload may have changed it)."""
        return self.decks(post.deck) if self.decks is not None else self.briefing

    async def _after_retry_later(self, post: Post, exc: RetryLater, tries: int) -> None:
        wait = min(exc.retry_after, self.policy.max_retry_after)
        self.pacer.pause(post.chat.platform, wait)
        log.info("delivery platform=%s chat=%s post=%s retry_after=%.1f try=%d", post.chat.platform,
                 post.chat.key, post.key, wait, tries)
        if tries >= self.policy.max_attempts:
            raise _Retry(f"still rate-limited after {tries} tries: {exc.reason}")

    async def _after_unavailable(self, post: Post, exc: Unavailable, tries: int) -> None:
        if tries >= self.policy.max_attempts or tries > len(self.policy.backoff):
            raise _Retry(f"platform unavailable after {tries} tries: {exc.reason}")
        log.info("delivery platform=%s chat=%s post=%s unavailable=%r try=%d", post.chat.platform,
                 post.chat.key, post.key, exc.reason, tries)
        await asyncio.sleep(self.policy.backoff[tries - 1])

    async def _give_up(self, post: Post, claim: Claim, chat: ChatRef, outcome: str, reason: str) -> str:
        await self.store.ledger.mark_failed(claim, f"{outcome}: {reason}", real_now())
        return self._log(post, chat, outcome, reason)

    async def _hand_back(self, post: Post, claim: Claim, chat: ChatRef, outcome: str, reason: str) -> str:
        await self.store.ledger.release(claim, reason, real_now())
        return self._log(post, chat, outcome, reason)

    def _log(self, post: Post, chat: ChatRef, outcome: str, detail: str) -> str:
        # A fan-out logs its counts once (the scheduler); a line per post sent would cost a large
        # audience more than its sends. Metrics count every post.
        level = logging.DEBUG if outcome in ("sent", "late", "skipped") else logging.WARNING
        log.log(level, "delivery platform=%s chat=%s post=%s outcome=%s%s", chat.platform, chat.key,
                post.key, outcome, f" detail={detail!r}" if detail else "")
        return outcome

    # --- many posts --------------------------------------------------------------------------

    async def deliver_many(self, posts: list[Post], *, moot: bool = False) -> dict[str, int]:
        """A fan-out of `posts`: skipped, claimed and sent in batches; counts of the outcomes."""
        fan = FanOut()
        await self.feed(fan, posts, moot=moot)
        return await self.finish(fan)

    async def feed(self, fan: FanOut, posts: list[Post], *, moot: bool = False) -> None:
        """Add `posts` to a fan-out: claim them a batch at a time and start their sends. Returns
        while the last batch is still going out, so the next page joins a full pipeline.

        At most `policy.batch` and a half claimed posts wait for their turn at a time, so a fan-out
        to any audience holds a bounded number of claims (and, after a crash, a bounded number to
        recover).
        """
        for start in range(0, len(posts), self.policy.batch):
            if self.closing:
                break
            for outcome in await self._batch(posts[start:start + self.policy.batch], moot, fan):
                fan.count(outcome)
            while len(fan.running) > self.policy.batch // 2:
                await asyncio.wait(fan.running, return_when=asyncio.FIRST_COMPLETED)

    async def finish(self, fan: FanOut) -> dict[str, int]:
        """Wait for a fan-out's sends (wait, not gather: a cancelled fan-out leaves them to the drain)."""
        if fan.running:
            await asyncio.wait(set(fan.running))
        return fan.counts

    async def _batch(self, posts: list[Post], moot: bool, fan: FanOut) -> list[str]:
        """Skip what is too late, claim the rest in one transaction and start their sends;
        the outcomes known at once (the sends' come from `running`)."""
        now, at = self.clock.now(), real_now()
        verdicts = [(p, verdict(p, now, moot)) for p in posts]
        late = [(p, v.reason) for p, v in verdicts if not v.send]
        go = [p for p, v in verdicts if v.send and p.chat.platform in self.adapters]
        elsewhere = sum(1 for p, v in verdicts if v.send and p.chat.platform not in self.adapters)
        outcomes = ["no_adapter"] * elsewhere
        try:
            await self._settle_unsettled(at)
            for reason in {r for _, r in late}:
                await self.store.ledger.skip_many(
                    [(p.subscription_id, p.key, p.due) for p, r in late if r == reason], reason, at)
            claims = await self.store.ledger.claim_many([(p.subscription_id, p.key, p.due) for p in go],
                                                        self.owner, at)
        except Exception as exc:
            if not store_error(exc):
                raise
            log.warning("delivery batch=%d outcome=deferred detail='ledger unavailable: %s'", len(posts),
                        type(exc).__name__)
            self._observe_all(posts, "deferred")
            return outcomes + ["deferred"] * (len(posts) - len(outcomes))
        self._observe_all([p for p, _ in late], "skipped")
        if late:
            log.info("delivery batch skipped=%d reason=%r", len(late), late[0][1])
        by_key = {(c.subscription_id, c.post_key): c for c in claims}
        for post in go:
            claim = by_key.get((post.subscription_id, post.key))
            if claim is None:  # sent, settled or in flight elsewhere
                outcomes.append("taken")
                self._observe_all([post], "taken")
                continue
            self._held[claim.id] = claim
            task = asyncio.ensure_future(self._one_claimed(post, claim))
            self._tasks[task] = "waiting"
            fan.start(task)
        return outcomes + ["skipped"] * len(late)

    async def _one_claimed(self, post: Post, claim: Claim) -> str:
        return await self._observed(post, self._in_slot(post, claim))

    async def _in_slot(self, post: Post, claim: Claim) -> str:
        async with self._slots:
            if self.closing:
                return "interrupted"  # the drain hands its claim back
            self._held.pop(claim.id, None)  # from here on, its own sender settles it
            return await self._claimed(post, claim, self.adapters[post.chat.platform])

    def _observe_all(self, posts: list[Post], outcome: str) -> None:
        for post in posts:
            for observe in self.observers:
                observe(post.chat, outcome, 0.0)

    async def _settle_unsettled(self, at: dt.datetime) -> None:
        """Hand back the claims a database error kept from being settled, now that it may answer."""
        while self._unsettled:
            await self.store.ledger.release(self._unsettled[0], "handed back after a database error", at)
            self._unsettled.pop(0)

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - the runtime's shutdown bound
        """Stop starting sends; let those under way finish for up to `timeout` seconds.

        Posts still waiting (for pacing, a retry, a free slot) are handed back as pending at once;
        a send still running at the deadline is cancelled and handed back too.
        """
        self.closing = True
        for task, phase in list(self._tasks.items()):
            if phase != "sending":
                task.cancel()
        pending = set(self._tasks)
        if pending:
            _done, late = await asyncio.wait(pending, timeout=timeout)
            for task in late:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*pending, return_exceptions=True)
        await self.marks.flush(min(timeout, 2.0))
        if self._held:  # claimed in a batch, never started: pending again for the next sender
            held, self._held = list(self._held.values()), {}
            try:
                await self.store.ledger.release_many(held, "shut down before its turn", real_now())
            except Exception as exc:
                if not store_error(exc):
                    raise
                log.warning("ledger claims_not_handed_back=%d (%s): the next sender recovers them", len(held),
                            type(exc).__name__)

    async def idle(self) -> None:
        """Wait until no post is in flight (tests, and replay of a fan-out)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def is_open(entry: Entry | None) -> bool:
    """Whether a post with this ledger row (or none) still waits to be sent by someone."""
    return entry is None or entry.status == "pending"
