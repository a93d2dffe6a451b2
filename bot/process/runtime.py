"""`briefing-bot run`: every adapter, the scheduler and one HTTP server on one asyncio loop.

Start-up: store (migrated) -> chat service and BriefingService (every deck of the library) ->
adapters -> scheduler -> deck reloads (SIGHUP, `briefing-bot reload`) -> HTTP server -> ready.
A platform that cannot be reached at start-up is retried in the background with backoff while
the others serve; one that refuses its credentials stops the start-up (no retry can fix a wrong
token).

Shutdown (SIGTERM, SIGINT, or the console's Ctrl-D): not ready, reloads stopped, scheduler
paused, sends in flight drained (bounded by BRIEFING_DRAIN_TIMEOUT), adapters stopped, scheduler
shut down, HTTP server stopped, database engine disposed. Then the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import random
import signal
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.platforms.admission import Admission
from bot.platforms.base import Adapter, StartRefused
from bot.platforms.dedupe import Dedupe
from bot.platforms.service import BriefingService
from bot.process.config import Settings
from bot.process.http import HttpServer, ReadyCheck, build_app, cached
from bot.process.metrics import Metrics
from bot.process.reloading import Reloader
from bot.scheduling.chats import StoreChats
from bot.scheduling.corrections import Corrections, sender
from bot.scheduling.delivery import DEFAULT_POLICY, Policy
from bot.scheduling.pacing import Pacer, rules
from bot.scheduling.scheduler import Scheduler
from bot.store import Store, StoreURLError, default_url, open_store
from content.library import DIGEST_SHOWN, Library, Reloaded, library_of
from content.loader import Briefing
from handlers.clock import SystemClock
from handlers.i18n import LANGUAGES, catalogue

log = logging.getLogger("briefing.runtime")

ATTEMPT_TIMEOUT = 45.0  # one start attempt of an adapter (Slack's own Socket Mode wait is 30 s)
STOP_GRACE = 5.0  # beyond the drain: what stopping the adapters, HTTP and database may take at most
WRITE_PROBE_EVERY = 1.5  # seconds /readyz reuses the database's write probe (probes come often)
POOL_RESERVE = 8  # database connections beyond the answers in flight: scheduler, ledger, probes
Sleep = Callable[[float], Awaitable[None]]


def jitter(delay: float) -> float:
    """Spread the retries of replicas that lost a platform at the same moment."""
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - not for security


def compile_catalogues() -> None:
    """Every language's messages, compiled now: a broken catalogue stops the start, not an answer."""
    for code in LANGUAGES:
        try:
            catalogue(code)
        except Exception as exc:  # Babel's PoFileError, a bad encoding, an unreadable file
            raise StartupError(f"the {code} message catalogue cannot be read: {exc}") from None


class StartupError(Exception):
    """The process cannot serve as configured; the message says which setting to fix."""


class Repl(Protocol):
    async def run(self) -> None: ...


def _fatal(exc: BaseException) -> bool:
    """A refusal no retry can fix: a wrong token or secret."""
    return isinstance(exc, StartRefused) and exc.refused


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Connection:
    """One platform's adapter: started at once if it can be, else retried with backoff."""

    def __init__(self, adapter: Adapter, *, initial: float, cap: float,
                 attempt_timeout: float = ATTEMPT_TIMEOUT, sleep: Sleep = asyncio.sleep,
                 spread: Callable[[float], float] = jitter) -> None:
        self.adapter = adapter
        self.platform = adapter.platform
        self.initial, self.cap, self.attempt_timeout = initial, cap, attempt_timeout
        self.sleep, self.spread = sleep, spread
        self.state = "not started"
        self.attempts = 0
        self._retrying: asyncio.Task[None] | None = None

    async def attempt(self) -> bool:
        """One start; False (and the reason kept for /readyz) when the platform is down."""
        self.attempts += 1
        try:
            await asyncio.wait_for(self.adapter.start(), self.attempt_timeout)
        except Exception as exc:
            if _fatal(exc):
                raise StartupError(f"{self.platform}: {exc}") from None
            self.state = f"not connected ({_reason(exc)})"
            with contextlib.suppress(Exception):  # leave nothing half-open before the next try
                await self.adapter.stop()
            return False
        self.state = "connected"
        log.info("adapter connected platform=%s attempts=%d", self.platform, self.attempts)
        return True

    def retry_in_background(self, on_fatal: Callable[[StartupError], None]) -> None:
        self._retrying = asyncio.create_task(self._retry(on_fatal), name=f"connect-{self.platform}")

    async def _retry(self, on_fatal: Callable[[StartupError], None]) -> None:
        delay = self.initial
        while True:
            wait = self.spread(delay)
            log.warning("adapter down platform=%s attempt=%d retry_in=%.1fs reason=%s",
                        self.platform, self.attempts, wait, self.state)
            await self.sleep(wait)
            try:
                if await self.attempt():
                    return
            except StartupError as exc:
                on_fatal(exc)
                return
            delay = min(delay * 2, self.cap)

    async def readiness(self) -> str | None:
        return None if self.adapter.ready else self.state

    async def close(self) -> None:
        if self._retrying is not None:
            self._retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrying
        await self.adapter.stop()


def _secret(value: Any) -> str:
    return "" if value is None else str(value.get_secret_value())


def telegram_adapter(settings: Settings, service: BriefingService, chats: StoreChats) -> Adapter:
    from bot.platforms.telegram import TelegramAdapter

    secret = settings.telegram_webhook_secret
    # ptb runs this many updates at once; the service's admission decides which are answered.
    admission = service.admission
    return TelegramAdapter(service, token=_secret(settings.telegram_bot_token),
                           base_url=settings.telegram_api_base_url, webhook_url=settings.telegram_webhook_url,
                           webhook_secret=_secret(secret) if secret else None, events=chats,
                           max_concurrent_updates=admission.limit + admission.queue)


def slack_adapter(settings: Settings, service: BriefingService, chats: StoreChats) -> Adapter:
    from bot.platforms.slack import SlackAdapter

    app_token = settings.slack_app_token
    return SlackAdapter(service, bot_token=_secret(settings.slack_bot_token),
                        signing_secret=_secret(settings.slack_signing_secret),
                        app_token=_secret(app_token) if app_token else None,
                        base_url=settings.slack_api_base_url, events=chats,
                        admins=settings.slack_admins or None, drain_timeout=settings.drain_timeout)


AdapterFactory = Callable[[Settings, BriefingService, StoreChats], Adapter]
FACTORIES: dict[str, AdapterFactory] = {"telegram": telegram_adapter, "slack": slack_adapter}


def check_platforms(settings: Settings, *, console: bool) -> list[str]:
    """The platforms to serve; StartupError when one is half-configured or none is (and no console)."""
    statuses = settings.platforms().values()
    incomplete = [f"{s.name} needs {' and '.join(s.missing)}" for s in statuses if s.configured and s.missing]
    if incomplete:
        raise StartupError("; ".join(incomplete))
    enabled = [s.name for s in statuses if s.enabled]
    if not enabled and not console:
        raise StartupError("no platform is configured: set TELEGRAM_BOT_TOKEN, or SLACK_BOT_TOKEN with "
                           "SLACK_APP_TOKEN or SLACK_SIGNING_SECRET (see `briefing-bot config`)")
    return enabled


class Runtime:
    """The running bot. `run()` serves until a signal (or the console ends) and returns 0."""

    def __init__(
        self,
        settings: Settings,
        stories: Library | Briefing,
        *,
        platforms: Sequence[str] | None = None,
        console: bool = False,
        serve_http: bool = True,
        pacer: Pacer | None = None,
        policy: Policy = DEFAULT_POLICY,
        factories: Mapping[str, AdapterFactory] = FACTORIES,
    ) -> None:
        self.settings = settings
        self.library = library_of(stories)
        self.console = console
        self.serve_http = serve_http
        self.pacer = pacer
        self.policy = policy
        self.factories = factories
        self.metrics = Metrics()
        self.platforms = list(check_platforms(settings, console=console) if platforms is None else platforms)
        self.clock = SystemClock(settings.now)
        self.ready = False
        self.store: Store | None = None
        self.service: BriefingService | None = None
        self.scheduler: Scheduler | None = None
        self.reloader: Reloader | None = None
        self.corrections: Corrections | None = None
        self.http: HttpServer | None = None
        self.connections: list[Connection] = []
        self.adapters: dict[str, Adapter] = {}
        self._stop = asyncio.Event()
        self._fatal: StartupError | None = None
        self._console: Repl | None = None
        self._stopping = False

    # --- start ---------------------------------------------------------------------------------

    async def start(self) -> None:
        started = time.perf_counter()
        s = self.settings
        log.info("starting platforms=%s console=%s", ",".join(self.platforms) or "-", self.console)
        compile_catalogues()
        store = self.store = await self._open_store()
        chats = StoreChats(store, self.library, self.clock, s.zone, default=s.deck)
        service = self.service = BriefingService(
            self.library, self.clock, zone=s.zone, chats=chats, default=s.deck,
            observers=(self.metrics.observe_command,), question_observers=(self.metrics.observe_question,),
            unanswered=store.questions, admission=Admission(s.max_in_flight, wait=s.busy_after),
            dedupe=Dedupe(store.inbound, ttl=s.delivery_ttl), language=s.lang)
        self.adapters = self._adapters(service, chats)
        await self._connect()
        # What exists now (the decks and their indexes, the libraries) lives as long as the process:
        # the collector need not walk it again, which would stall the loop 100-300 ms at a time.
        gc.collect()
        gc.freeze()
        self.scheduler = Scheduler(store, self.library, self.clock, self.adapters, chats=chats,
                                   default_zone=s.zone,
                                   pacer=self.pacer or Pacer(rules(s.telegram_rate, s.slack_rate)),
                                   policy=self.policy, owner=s.replica,
                                   lease=dt.timedelta(seconds=s.sender_lease),
                                   observers=(self.metrics.observe_delivery,))
        self.scheduler.delivery.doubts.observers.append(self.metrics.observe_doubt)
        await self.scheduler.start()
        self.corrections = Corrections(store, chats, self.clock, sender(self.scheduler.delivery), s.zone)
        await self._watch_decks(store)
        if self.serve_http:
            self.http = HttpServer(self._app(), host=s.host, port=s.port, read_timeout=s.read_timeout,
                                   max_connections=s.connection_cap)
            await self.http.start()
        self.ready = True
        log.info("ready seconds=%.2f port=%s", time.perf_counter() - started,
                 self.http.port if self.http else "-")

    async def _watch_decks(self, store: Store) -> None:
        reloader = self.reloader = Reloader(self.library, store.reloads, poll=self.settings.reload_poll,
                                            listeners=(self._reloaded,))
        await reloader.start()
        stories = self.library.stories
        self.metrics.observe_decks(Reloaded((), stories.refused, stories), reloader.generation)
        log.info("serving decks=%d refused=%d generation=%d digest=%s", len(stories), len(stories.refused),
                 reloader.generation, stories.digest[:DIGEST_SHOWN])

    async def _reloaded(self, loaded: Reloaded) -> None:
        self.metrics.observe_decks(loaded, self.reloader.generation if self.reloader else 0)
        if loaded.changes and self.scheduler is not None:  # posts come from every deck served: plan again
            await self.scheduler.decks_changed()
        if self.corrections is not None:  # new stories to the chats that follow all; corrections
            await self.corrections.reloaded(loaded)

    async def _open_store(self) -> Store:
        s = self.settings
        url = s.database_url.get_secret_value() if s.database_url else default_url(data_dir_ok(s.data_dir))
        try:
            # Each answer in flight holds one connection at most; the rest is for the scheduler and probes.
            return await open_store(url, pool_size=s.max_in_flight + POOL_RESERVE)
        except (OSError, SQLAlchemyError, StoreURLError) as exc:  # the log redacts a password in the text
            where = s.database_display() or "the SQLite file under BRIEFING_DATA_DIR"
            raise StartupError(f"cannot open the database {where}: {_reason(exc)}") from None

    def _adapters(self, service: BriefingService, chats: StoreChats) -> dict[str, Adapter]:
        adapters: dict[str, Adapter] = {}
        for name in self.platforms:
            try:
                adapters[name] = self.factories[name](self.settings, service, chats)
            except Exception as exc:  # the adapters' own checks of their settings
                if isinstance(exc, ValueError) or _fatal(exc):
                    raise StartupError(f"{name}: {exc}") from None
                raise
        if self.console:
            from bot.platforms.console import Console

            console = Console(service, history=self.settings.data_dir / "console_history")
            adapters["console"] = self._console = console
        return adapters

    async def _connect(self) -> None:
        """First attempts at once, side by side; the platforms that are down retry in the background."""
        s = self.settings
        self.connections = [Connection(a, initial=s.retry_initial, cap=s.retry_max)
                            for a in self.adapters.values() if a.platform != "console"]
        results = await asyncio.gather(*(c.attempt() for c in self.connections), return_exceptions=True)
        for connection, result in zip(self.connections, results, strict=True):
            if isinstance(result, BaseException):
                raise result
            if result is False:
                connection.retry_in_background(self._fail)

    def _fail(self, exc: StartupError) -> None:
        log.error("cannot serve: %s", exc)
        self._fatal = exc
        self._stop.set()

    def _app(self) -> web.Application:
        routes = [route for a in self.adapters.values() for route in a.http_routes()]
        self.metrics.bind(next_run=self._next_run, active_subscriptions=self._active,
                          readiness=lambda: {c.platform: c.adapter.ready for c in self.connections})
        return build_app(self.metrics, self.checks(), routes)

    def checks(self) -> dict[str, ReadyCheck]:
        checks: dict[str, ReadyCheck] = {"process": self._process_ready,
                                         "database": cached(self._database_ready, WRITE_PROBE_EVERY)}
        checks.update({c.platform: c.readiness for c in self.connections})
        checks["scheduler"] = self._scheduler_ready
        return checks

    async def _process_ready(self) -> str | None:
        return "stopping" if self._stopping else None if self.ready else "starting"

    async def _database_ready(self) -> str | None:
        """Ready when a write goes through: a database that answers reads may still refuse writes."""
        if self.store is None:
            return "unreachable"
        return await self.store.probe_write(self.scheduler.owner if self.scheduler else "starting",
                                            dt.datetime.now(dt.UTC))

    async def _scheduler_ready(self) -> str | None:
        return None if self.scheduler is not None and self.scheduler.running else "not running"

    def _next_run(self) -> Any:
        return self.scheduler.next_run_time() if self.scheduler is not None else None

    async def _active(self) -> int:
        return await self.store.count_active_subscriptions() if self.store is not None else 0

    # --- run and stop --------------------------------------------------------------------------

    def request_stop(self, why: str) -> None:
        if self._stop.is_set():
            log.warning("already stopping signal=%s", why)
            return
        log.info("stopping signal=%s", why)
        self._stop.set()

    def hang_up(self) -> None:
        """SIGHUP: read the decks folder again (a hang-up while starting is too early: ignored)."""
        if self.reloader is None or self._stopping:
            log.warning("SIGHUP ignored: the bot is %s", "stopping" if self._stopping else "starting")
            return
        self.reloader.hang_up()

    async def run(self) -> int:
        """Start, serve until told to stop, stop; 0 on a clean stop."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig.name)
        loop.add_signal_handler(signal.SIGHUP, self.hang_up)
        try:
            try:
                await self.start()
                await self._serve()
            finally:
                await self.stop()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(sig)
        if self._fatal is not None:
            raise self._fatal
        return 0

    async def _serve(self) -> None:
        waiters: list[Awaitable[Any]] = [self._stop.wait()]
        if self._console is not None:
            waiters.append(self._console.run())
        tasks = [asyncio.ensure_future(w) for w in waiters]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def stop(self) -> None:
        """The shutdown order that loses nothing, within the drain bound plus STOP_GRACE.

        Each step runs even when an earlier one failed or ran out of time.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.settings.drain_timeout + STOP_GRACE
        self.ready, self._stopping = False, True

        async def step(what: str, work: Awaitable[Any]) -> None:
            await _step(what, work, max(deadline - loop.time(), 0.5))

        if self.reloader is not None:
            await step("stop reloads", self.reloader.stop())
        scheduler = self.scheduler
        if scheduler is not None:
            await step("pause scheduler", scheduler.pause())
            await step("drain sends", scheduler.drain(self.settings.drain_timeout))
        for connection in self.connections:
            await step(f"stop {connection.platform}", connection.close())
        if scheduler is not None:
            await step("shut down scheduler", scheduler.shutdown())
        if self.http is not None:
            await step("stop http", self.http.stop())
        if self.store is not None:
            await step("close database", self.store.close())
        log.info("stopped seconds=%.2f", loop.time() - started)


async def _step(what: str, work: Awaitable[Any], within: float) -> None:
    try:
        await asyncio.wait_for(work, within)
    except TimeoutError:
        log.error("shutdown step cut short step=%r after=%.1fs", what, within)
    except Exception:
        log.exception("shutdown step failed step=%r", what)


def data_dir_ok(path: Path) -> Path:
    """The data directory, created if missing; StartupError naming BRIEFING_DATA_DIR if unusable."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise StartupError(f"BRIEFING_DATA_DIR {path} is not writable: {exc.strerror}") from None
    return path
