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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

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
from bot.scheduling.doubts import Doubts, trace_key
from bot.scheduling.pacing import Pacer
from bot.scheduling.planning import Post, superseded, verdict
from bot.store import Claim, Entry, Store
from content.loader import Briefing
from handlers.clock import Clock
from handlers.context import ChatRef

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


DEFAULT_POLICY = Policy()


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    ) -> None:
        self.store = store
        self.briefing = briefing
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
        self._tasks: dict[asyncio.Task[object], str] = {}  # task -> phase ("waiting", "sending")

    # --- one post ----------------------------------------------------------------------------

    async def deliver(self, post: Post, *, moot: bool = False) -> str:
        """Send `post` unless it is settled, too late or held elsewhere; returns the outcome."""
        started = time.perf_counter()
        task = asyncio.current_task()
        if task is not None:
            self._tasks[task] = "waiting"
        try:
            outcome = await self._deliver(post, moot)
        finally:
            if task is not None:
                self._tasks.pop(task, None)
        elapsed = time.perf_counter() - started
        for observe in self.observers:
            observe(post.chat, outcome, elapsed)
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
            except SQLAlchemyError as exc:  # nothing was claimed: the scheduler tries again later
                return self._log(post, post.chat, "deferred", f"ledger unavailable: {type(exc).__name__}")
            if claim is None:
                return "taken"  # sent, settled, or in flight elsewhere: exactly what the ledger is for
            return await self._claimed(post, claim, adapter)

    async def _skip(self, post: Post, reason: str) -> str:
        recorded = await self.store.ledger.skip(post.subscription_id, post.key, post.due, reason, real_now())
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
            await asyncio.shield(self._hand_back(post, claim, chat, "interrupted", "shut down meanwhile"))
            raise
        except Exception as exc:  # an adapter bug must not lose the claim nor kill the scheduler
            log.exception("delivery platform=%s chat=%s post=%s failed unexpectedly", chat.platform,
                          chat.key, post.key)
            return await self._give_up(post, claim, chat, "failed", f"error: {type(exc).__name__}")

    async def _send(self, post: Post, claim: Claim, adapter: Adapter, chat: ChatRef, late: bool) -> str:
        await self.pacer.wait(chat)
        if self.closing:
            raise _Retry("shutting down before sending")
        reply = post.render(self.briefing, self.clock.now())
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
        if not await self.store.ledger.mark_sent(claim, chat.key, sent.message_ids, real_now(), note):
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
        level = logging.INFO if outcome in ("sent", "late", "skipped") else logging.WARNING
        log.log(level, "delivery platform=%s chat=%s post=%s outcome=%s%s", chat.platform, chat.key,
                post.key, outcome, f" detail={detail!r}" if detail else "")
        return outcome

    # --- many posts --------------------------------------------------------------------------

    async def catch_up(self, posts: list[Post], entries: Mapping[tuple[int, str], Entry]) -> dict[str, int]:
        """Posts that fell due while nobody sent them: late if they still make sense, else skipped.

        Of several missed posts of one series (D-3 and D-1 of one event), only the latest can
        still be sent: the earlier ones are recorded as superseded.
        """
        now = self.clock.now()
        due = [p for p in posts if p.due <= now and is_open(entries.get((p.subscription_id, p.key)))]
        if not due:
            return {}
        moot = superseded([p for p in posts if p.due <= now], now)
        outcomes = await asyncio.gather(*(self.deliver(p, moot=p in moot) for p in due))
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        log.info("catch-up posts=%d %s", len(due), " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        return counts

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

    async def idle(self) -> None:
        """Wait until no post is in flight (tests, and replay of a fan-out)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def is_open(entry: Entry | None) -> bool:
    """Whether a post with this ledger row (or none) still waits to be sent by someone."""
    return entry is None or entry.status == "pending"
