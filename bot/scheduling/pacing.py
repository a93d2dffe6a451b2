"""Pacing of pushed posts, per platform, so a fan-out stays inside what the platform allows.

Telegram: 30 messages a second overall (evenly spaced), 1 a second per private chat, 20 a minute
per group or channel. Slack: 1 a second per channel. A post first waits for its chat's window
(a sliding window of reservations), then for the platform's gate, which lets posts through one
at a time and counts when they really went. A 429 pauses the whole platform for the wait it names.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from handlers.context import ChatRef

_SWEEP_EVERY = 1000  # reservations between sweeps of idle chats' windows


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    period: float  # seconds
    catch_up: float = 0.0  # seconds a post may be late and keep its slot, beyond a quarter of its spacing

    def __post_init__(self) -> None:
        if self.count < 1 or self.period <= 0:
            raise ValueError(f"a limit needs a positive count and period, not {self.count}/{self.period}s")

    @classmethod
    def spaced(cls, count: int, period: float = 1.0) -> Limit:
        """`count` per `period`, evenly spaced: no window of `period` sees more, wherever it starts
        (a burst of `count` at the turn of each period can look like more to the platform's clock)."""
        return cls(1, period / count)


@dataclass(frozen=True, slots=True)
class Rules:
    overall: Limit | None = None
    per_chat: Mapping[str, Limit] = field(default_factory=dict)  # by chat kind; "*" for any kind

    def for_chat(self, kind: str) -> Limit | None:
        return self.per_chat.get(kind) or self.per_chat.get("*")


HEADROOM = 0.97  # of an allowed rate that is used: room for the jitter between a request leaving and arriving


def overall(rate: float) -> Limit:
    """`rate` messages a second allowed: evenly spaced at `HEADROOM` of it, so that no window of a
    second the platform counts (whose clock sees requests a few ms apart from ours) holds more.

    Spaced at HEADROOM, `rate` slots span 1/HEADROOM seconds: a post may be that much over a
    second late and still no second holds more than `rate`. Half of it absorbs our own loop's
    hiccups (a late post keeps its slot, the next follow sooner), half the network's jitter.
    """
    return Limit(1, 1.0 / (rate * HEADROOM), catch_up=(1 / HEADROOM - 1) / 2)


TELEGRAM = Rules(overall(30), {"private": Limit(1, 1.0), "group": Limit(20, 60.0),
                                  "channel": Limit(20, 60.0)})
SLACK = Rules(None, {"*": Limit(1, 1.0)})
DEFAULT_RULES: Mapping[str, Rules] = {"telegram": TELEGRAM, "slack": SLACK}


def rules(telegram_rate: int = 30, slack_rate: int | None = None) -> Mapping[str, Rules]:
    """The platforms' rules with the overall rates a bot token is allowed (BRIEFING_TELEGRAM_RATE,
    BRIEFING_SLACK_RATE, messages a second)."""
    return {"telegram": Rules(overall(telegram_rate), TELEGRAM.per_chat),
            "slack": Rules(overall(slack_rate) if slack_rate else None, SLACK.per_chat)}


class Window:
    """The last `count` reservations of one limit, oldest first."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.times: deque[float] = deque(maxlen=limit.count)

    def reserve(self, now: float) -> float:
        """The earliest moment at or after `now` that keeps the limit, taken for one message."""
        at = now
        if len(self.times) == self.limit.count:
            at = max(at, self.times[0] + self.limit.period)
        if self.times and at < self.times[-1]:
            at = self.times[-1]  # keep reservations ordered, which the window test above relies on
        self.times.append(at)
        return at

    def idle(self, now: float) -> bool:
        return not self.times or self.times[-1] + self.limit.period <= now


class Gate:
    """A platform's overall limit: posts pass one at a time, each after the last `count` real ones.

    Unlike a window of reservations, it counts when posts actually went, so a loop that stalled
    (a long garbage collection) does not release the slots it missed in one burst afterwards: a
    burst the platform would count against the next second as well, answering 429. A post that
    woke only a little after its slot (the loop was busy for a moment) keeps the slot, so that
    such small delays do not add up to a slower rate.
    """

    def __init__(self, limit: Limit, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.clock = clock
        self.times: deque[float] = deque(maxlen=limit.count)
        self.turn = asyncio.Lock()
        # How late a post may be and keep its slot (the next ones then follow sooner until the
        # schedule is met again): a quarter of the spacing, or the headroom the limit leaves.
        self.slack = max(limit.period / limit.count / 4, limit.catch_up)

    def next_at(self) -> float:
        if len(self.times) < self.limit.count:
            return self.clock()
        return self.times[0] + self.limit.period

    def passed(self, due: float) -> None:
        """Count a post that was due at `due` and is going now."""
        now = self.clock()
        self.times.append(due if now - due <= self.slack else now)


class Pacer:
    """Waits before each pushed post as long as the platform's limits require."""

    def __init__(
        self,
        rules: Mapping[str, Rules] = DEFAULT_RULES,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.rules = rules
        self.clock = clock
        self.sleep = sleep
        self._overall: dict[str, Gate] = {}
        self._chats: dict[str, Window] = {}
        self._paused_until: dict[str, float] = {}
        self._reserved = 0

    async def wait(self, chat: ChatRef) -> float:
        """Sleep until `chat` may get its next post; returns the seconds waited."""
        rules = self.rules.get(chat.platform)
        if rules is None:
            return 0.0
        started = self.clock()
        limit = rules.for_chat(chat.kind)
        if limit is not None:
            window = self._chats.setdefault(f"{chat.platform}:{chat.chat_id}", Window(limit))
            await self._until(window.reserve(self.clock()))
        if rules.overall is None:
            await self._until(self._paused_until.get(chat.platform, 0.0))
        else:
            gate = self._overall.setdefault(chat.platform, Gate(rules.overall, self.clock))
            async with gate.turn:
                await self._until(self._paused_until.get(chat.platform, 0.0))
                due = gate.next_at()
                await self._until(due)
                gate.passed(due)
        self._count()
        return self.clock() - started

    def pause(self, platform: str, seconds: float) -> None:
        """The platform said to wait (429 with retry-after): hold every post to it that long."""
        until = self.clock() + max(seconds, 0.0)
        self._paused_until[platform] = max(self._paused_until.get(platform, 0.0), until)

    async def _until(self, moment: float) -> None:
        delay = moment - self.clock()
        if delay > 0:
            await self.sleep(delay)

    def _count(self) -> None:
        """Forget the windows of chats that have been quiet for a whole period (bounded memory)."""
        self._reserved += 1
        if self._reserved % _SWEEP_EVERY == 0:
            now = self.clock()
            for key in [k for k, w in self._chats.items() if w.idle(now)]:
                del self._chats[key]


def unpaced() -> Pacer:
    """A pacer with no limits (the console; tests that are not about pacing)."""
    return Pacer({})
