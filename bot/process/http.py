"""The process's one HTTP server: health, readiness, metrics, and the adapters' webhook routes.

`/healthz` answers while the event loop runs (the container's HEALTHCHECK). `/readyz` runs
every readiness check (database, each enabled adapter, scheduler) and answers 503 with the
names of the parts that are not ready. `/metrics` is Prometheus text. Adapters contribute
routes (Telegram's webhook, Slack's /slack/events) through `http_routes()`.

Slow and idle clients cannot hold the server: a connection that has not sent a whole request
head within `read_timeout` seconds (or sends nothing between requests for as long) is closed, and
at most `max_connections` are open at once. At that cap a new connection closes the oldest one
not being answered, so a health probe always gets in. The cap stays below the process's limit on
open files (raised to the hard limit at start), leaving room for the database and the platforms.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_server import Server

from bot.process.metrics import CONTENT_TYPE, Metrics
from bot.quiet import Quiet

log = logging.getLogger("briefing.http")

# A check answers None when its part is ready, else a short reason ("not connected").
ReadyCheck = Callable[[], Awaitable[str | None]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
CHECK_TIMEOUT = 2.0
SHUTDOWN_TIMEOUT = 3.0  # in-flight webhook requests get this long once the server stops
READ_TIMEOUT = 10.0  # seconds a client gets to send a request head (and, in the routes, its body)
MAX_CONNECTIONS = 1_000
# Open files kept beside the connections: a burst of accepts (up to the backlog, 128) and the
# sockets closed to make room for them (closed a loop turn later), the database, the platforms' clients.
FD_RESERVE = 384
FD_WANTED = 65_536  # the soft limit on open files is raised towards this (never past the hard one)


class AccessLog(AbstractAccessLogger):
    """One line per request, except the probes a platform polls every few seconds."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        if request.path not in PROBES:
            self.logger.info("http method=%s path=%s status=%s ms=%.1f",
                             request.method, request.path, response.status, time * 1000)


async def _run_check(check: ReadyCheck) -> str | None:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:g} s"
    except Exception as exc:  # a failing check is a "not ready", never a 500
        return f"check failed: {type(exc).__name__}"


def cached(check: ReadyCheck, seconds: float, clock: Callable[[], float] = time.monotonic) -> ReadyCheck:
    """`check`, run at most once per `seconds`: probes polled by many (replicas' load balancers,
    the orchestrator) must not hammer what they probe. Callers arriving while it runs share that run."""
    last: tuple[float, str | None] | None = None
    running: asyncio.Future[str | None] | None = None

    async def check_cached() -> str | None:
        nonlocal last, running
        if last is not None and clock() - last[0] < seconds:
            return last[1]
        if running is None:
            running = asyncio.ensure_future(check())
            running.add_done_callback(remember)
        return await asyncio.shield(running)

    def remember(done: asyncio.Future[str | None]) -> None:
        nonlocal last, running
        running = None
        if not done.cancelled() and done.exception() is None:
            last = (clock(), done.result())

    return check_cached


async def readiness(checks: Mapping[str, ReadyCheck]) -> tuple[bool, dict[str, str]]:
    """Run every check at once; (all ready, part -> "ok" or its reason)."""
    names = list(checks)
    results = await asyncio.gather(*(_run_check(checks[n]) for n in names))
    report = {name: result or "ok" for name, result in zip(names, results, strict=True)}
    return all(r is None for r in results), report


def build_app(metrics: Metrics, checks: Mapping[str, ReadyCheck],
              routes: Iterable[web.AbstractRouteDef] = ()) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        ready, report = await readiness(checks)
        failing = [name for name, state in report.items() if state != "ok"]
        return web.json_response({"ready": ready, "checks": report, "failing": failing},
                                 status=200 if ready else 503)

    async def metrics_text(_: web.Request) -> web.Response:
        body = await metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app = web.Application()
    app.add_routes([web.get("/healthz", healthz), web.get("/readyz", readyz),
                    web.get("/metrics", metrics_text), *routes])
    return app


def open_files_limit() -> int:
    """The soft limit on open files, first raised as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FD_WANTED if hard == resource.RLIM_INFINITY else min(FD_WANTED, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):  # a sandbox may refuse: serve within the limit given
            pass
    return FD_WANTED if soft == resource.RLIM_INFINITY else soft


def connection_cap(wanted: int, open_files: int) -> int:
    """`wanted`, or fewer when the limit on open files would be reached first."""
    room = open_files - FD_RESERVE if open_files > 2 * FD_RESERVE else open_files // 2
    return max(1, min(wanted, room))


class ConnectionCap:
    """At most `limit` open connections; at the cap, the oldest one not being answered is closed.

    A connection "being answered" is one whose request reached a handler (the middleware counts
    them); the others are clients still sending a request head, or idle between requests. The
    count includes connections accepted but not yet set up: asyncio accepts a burst of sockets
    before it calls the protocol factory for each, and aiohttp learns of each a loop turn later.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.closed = 0  # connections closed at the cap
        self._connections: dict[RequestHandler, bool] = {}  # oldest first -> whether it has opened
        self._answering: dict[RequestHandler, int] = {}
        self._quiet = Quiet(log)

    @web.middleware
    async def track(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        connection = request.protocol
        self._answering[connection] = self._answering.get(connection, 0) + 1
        try:
            return await handler(request)
        finally:
            left = self._answering.pop(connection) - 1
            if left:
                self._answering[connection] = left

    def factory(self, server: Server) -> Callable[[], RequestHandler]:
        """The protocol factory for the listening socket: `server`'s, behind the cap."""
        def connection() -> RequestHandler:
            self._forget_closed()
            if len(self._connections) >= self.limit:
                self._close_oldest_waiting()
            handler = server()
            self._connections[handler] = False
            return handler

        return connection

    @property
    def open(self) -> int:
        self._forget_closed()
        return len(self._connections)

    def _forget_closed(self) -> None:
        for handler, opened in list(self._connections.items()):
            if handler.transport is not None:
                self._connections[handler] = True
            elif opened:
                del self._connections[handler]

    def _close_oldest_waiting(self) -> None:
        waiting = next((c for c, opened in self._connections.items()
                        if opened and c.transport is not None and c not in self._answering), None)
        if waiting is None:
            return  # every connection is being answered: the new one waits its turn like them
        waiting.force_close()
        del self._connections[waiting]
        self.closed += 1
        self._quiet.warning("http connection closed at the cap limit=%d closed=%d", self.limit, self.closed)


def body_read_within(seconds: float) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Middleware: a request's body is read whole within `seconds` (else 408) before any route sees it.

    aiohttp keeps the body it read, so the routes' own reads return at once. Bodies over the
    application's `client_max_size` get 413 from aiohttp itself.
    """
    @web.middleware
    async def read_body(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists:
            try:
                async with asyncio.timeout(seconds):
                    await request.read()
            except TimeoutError:
                return web.Response(status=408, text="request body too slow")
        return await handler(request)

    return read_body


class CappedSite(web.BaseSite):
    """aiohttp's TCPSite, with the listening socket's connections going through a ConnectionCap."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, cap: ConnectionCap) -> None:
        super().__init__(runner)
        self._host, self._port, self._cap = host, port, cap

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        if server is None:
            raise RuntimeError("set the runner up before starting its site")
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._cap.factory(server), self._host, self._port,
                                                backlog=self._backlog, reuse_address=True)


class HttpServer:
    """One aiohttp AppRunner on `host:port` (port 0 picks a free one; see `port` after start)."""

    def __init__(self, app: web.Application, *, host: str, port: int, read_timeout: float = READ_TIMEOUT,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.app = app
        self.host = host
        self.read_timeout = read_timeout
        self.cap = ConnectionCap(connection_cap(max_connections, open_files_limit()))
        app.middlewares.extend([self.cap.track, body_read_within(read_timeout)])
        self._requested_port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # aiohttp's keep-alive timer runs from the moment a connection opens until a whole request
        # head has arrived: it is the read timeout for request heads as well as for idle clients.
        runner = web.AppRunner(self.app, access_log_class=AccessLog, shutdown_timeout=SHUTDOWN_TIMEOUT,
                               keepalive_timeout=self.read_timeout)
        await runner.setup()
        try:
            await CappedSite(runner, self.host, self._requested_port, self.cap).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("http listening host=%s port=%s max_connections=%d", self.host, self.port, self.cap.limit)

    @property
    def port(self) -> int:
        if self._runner is None or not self._runner.addresses:
            return self._requested_port
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
