"""The process's one HTTP server: health, readiness, metrics, and the adapters' webhook routes.

`/healthz` answers while the event loop runs (the container's HEALTHCHECK). `/readyz` runs
every readiness check (database, each enabled adapter, scheduler) and answers 503 with the
names of the parts that are not ready. `/metrics` is Prometheus text. Adapters contribute
routes (Telegram's webhook, Slack's /slack/events) through `http_routes()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

from bot.process.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger("briefing.http")

# A check answers None when its part is ready, else a short reason ("not connected").
ReadyCheck = Callable[[], Awaitable[str | None]]
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
CHECK_TIMEOUT = 2.0
SHUTDOWN_TIMEOUT = 3.0  # in-flight webhook requests get this long once the server stops


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


class HttpServer:
    """One aiohttp AppRunner on `host:port` (port 0 picks a free one; see `port` after start)."""

    def __init__(self, app: web.Application, *, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self._requested_port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        runner = web.AppRunner(self.app, access_log_class=AccessLog, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._requested_port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("http listening host=%s port=%s", self.host, self.port)

    @property
    def port(self) -> int:
        if self._runner is None or not self._runner.addresses:
            return self._requested_port
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
