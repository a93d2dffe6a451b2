"""What the fakes of Telegram's and Slack's servers share, under the same names on both.

`FakeServer` is an aiohttp server on 127.0.0.1 (a free port) that a test starts and stops
(`async with`), which records every call (`calls`, `calls_to`), fails on demand
(`fail(method, failure, times=, chat_id=)`, `clear_failures()`), limits the rate of sends
(`rate_limit`, `rate_limited`), and lets a test wait, bounded, for what it expects
(`wait_until`, `wait_for_calls`, `wait_for_messages`). A `Failure` says what went wrong in
neutral terms; each fake answers it in its platform's own words, status codes and headers:

    fake.fail("sendMessage", too_many_requests(2))         # Telegram: 429, parameters.retry_after
    fake.fail("chat.postMessage", too_many_requests(2))    # Slack: 429, Retry-After, "ratelimited"
    fake.fail("chat.postMessage", server_error(503), times=None)   # until clear_failures()
    fake.fail("sendMessage", slow(1.5))                     # answered late, carried out all the same
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from aiohttp import web

WAIT = 5.0  # how long a wait lasts unless told, in seconds
_POLL = 0.02  # how often a wait looks at state kept outside the fake (what a test recorded, say)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (a fake or a bot process takes it next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Call:
    """One request a fake received, and what it answered."""

    method: str  # "sendMessage", "chat.postMessage", …, or Slack's "response_url"
    args: dict[str, Any]  # the arguments as sent, JSON-valued form fields decoded
    status: int
    answer: Any  # the body sent back: decoded JSON, or text
    error: str | None = None  # Telegram's description or Slack's error; None when it succeeded
    token: str | None = None  # the credential the call carried
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class Failure:
    """What a switched call answers instead of its result.

    `status` None answers normally, `delay` seconds late; `error` is the platform's own wording
    (Telegram's description, Slack's error code), empty for the platform's usual one.
    """

    status: int | None
    error: str = ""
    retry_after: int | None = None
    moved_to: int | None = None  # the chat's new id (Telegram's migrate_to_chat_id)
    delay: float = 0.0


def too_many_requests(retry_after: int = 1) -> Failure:
    return Failure(429, retry_after=retry_after)


def server_error(status: int = 500) -> Failure:
    return Failure(status)


def slow(seconds: float) -> Failure:
    """Answered `seconds` late, then carried out as usual: a client that gave up waiting still
    finds its message posted, as on the real servers."""
    return Failure(None, delay=seconds)


@dataclass
class _Switch:
    method: str  # or "*" for any
    failure: Failure
    chat_id: str | None
    remaining: int | None  # None: until cleared

    def take(self, method: str, chat_id: object) -> bool:
        """Whether this switch applies to the call; counts it when it does."""
        if self.method not in (method, "*") or self.remaining == 0:
            return False
        if self.chat_id is not None and str(chat_id) != self.chat_id:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


@dataclass(frozen=True)
class RateLimit:
    """At most `calls` sends per `period` seconds; beyond it, 429 with the seconds to wait."""

    calls: int
    period: float = 1.0


class _Window:
    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.times: deque[float] = deque()

    def retry_after(self, now: float) -> int | None:
        """None when a call may go now (and counts it), else the whole seconds to wait."""
        while self.times and self.times[0] <= now - self.limit.period:
            self.times.popleft()
        if len(self.times) >= self.limit.calls:
            return max(1, math.ceil(self.times[0] + self.limit.period - now))
        self.times.append(now)
        return None


ChatT = TypeVar("ChatT")
MessageT = TypeVar("MessageT")


class FakeServer(ABC, Generic[ChatT, MessageT]):
    """A platform's server on 127.0.0.1: lifecycle, call log, failure switches, rate limits, waits."""

    chat_param: ClassVar[str]  # the argument naming the chat: what `fail(chat_id=)` matches
    sending_methods: ClassVar[frozenset[str]]  # the ones that count towards `rate_limit`

    def __init__(self, *, rate_limit: RateLimit | None = None) -> None:
        self.rate_limit = rate_limit
        self.rate_limited = 0  # 429s answered because of a rate limit
        self.calls: list[Call] = []
        self._switches: list[_Switch] = []
        self._windows: dict[object, _Window] = {}
        self._tick = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0  # the port it listens on, once started

    # --- lifecycle -------------------------------------------------------------------------

    @abstractmethod
    def routes(self) -> list[web.RouteDef]: ...

    @property
    @abstractmethod
    def base_url(self) -> str:
        """What the platform's client is given as its API base URL."""

    async def start(self) -> None:
        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- failure switches and rate limits ----------------------------------------------------

    def fail(self, method: str, failure: Failure, *, times: int | None = 1, chat_id: object = None) -> None:
        """The next `times` calls of `method` ("*": any; None: until cleared), to `chat_id` if
        given, answer `failure`."""
        chat = None if chat_id is None else str(chat_id)
        self._switches.append(_Switch(method, failure, chat, times))

    def clear_failures(self) -> None:
        self._switches.clear()

    async def _intercept(self, method: str, args: dict[str, Any]) -> Failure | None:
        """What to answer instead of carrying out the call, if anything (after any delay)."""
        switch = next((s for s in self._switches if s.take(method, args.get(self.chat_param))), None)
        if switch is not None:
            if switch.failure.delay:
                await asyncio.sleep(switch.failure.delay)
            if switch.failure.status is not None:
                return switch.failure
        retry_after = self._retry_after(args) if method in self.sending_methods else None
        if retry_after is None:
            return None
        self.rate_limited += 1
        return too_many_requests(retry_after)

    def _retry_after(self, args: dict[str, Any]) -> int | None:
        """The seconds a send must wait under the rate limits, or None (then it counts)."""
        return self._over_limit("all", self.rate_limit)

    def _over_limit(self, key: object, limit: RateLimit | None) -> int | None:
        if limit is None:
            return None
        window = self._windows.get(key)
        if window is None or window.limit != limit:
            window = self._windows[key] = _Window(limit)
        return window.retry_after(time.monotonic())

    # --- the call log and waits --------------------------------------------------------------

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed()

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @abstractmethod
    def messages_in(self, chat: ChatT) -> list[MessageT]:
        """The bot's messages in a chat, oldest first."""

    def _changed(self) -> None:
        """Wake whoever waits for the fake's state to change."""
        self._tick.set()
        self._tick = asyncio.Event()

    async def _next_change(self, within: float) -> None:
        """Return at the fake's next change, or after `within` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._tick.wait(), within)

    async def wait_until(self, condition: Callable[[], bool], *, within: float = WAIT, what: str = "") -> None:
        """Wait until `condition()` holds; fail the test after `within` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [f"{c.method} {c.status}" for c in self.calls[-10:]]
                raise AssertionError(f"timed out after {within:g} s waiting for {what or condition}; "
                                     f"last calls: {seen}")
            await self._next_change(min(remaining, _POLL))

    async def wait_for_calls(self, method: str, count: int = 1, *, within: float = WAIT) -> list[Call]:
        """The calls of `method`, once there are at least `count`."""
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, within=within,
                              what=f"{count} call(s) to {method}")
        return self.calls_to(method)

    async def wait_for_messages(self, chat: ChatT, count: int = 1, *, within: float = WAIT) -> list[MessageT]:
        """The bot's messages in `chat`, once there are at least `count`."""
        await self.wait_until(lambda: len(self.messages_in(chat)) >= count, within=within,
                              what=f"{count} message(s) in chat {chat}")
        return self.messages_in(chat)
