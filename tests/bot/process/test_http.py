"""The HTTP server: liveness, readiness naming the part that is not ready, metrics, mounted routes."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

import aiohttp
import pytest
from aiohttp import web

from bot.process.http import FD_RESERVE, HttpServer, ReadyCheck, build_app, cached, connection_cap
from bot.process.metrics import Metrics
from handlers.context import ChatRef

TELEGRAM_CHAT = ChatRef("telegram", "42")
SLACK_CHANNEL = ChatRef("slack", "C1", kind="channel")
Serve = Callable[..., Awaitable[str]]


def ok() -> ReadyCheck:
    async def check() -> str | None:
        return None

    return check


def failing(reason: str) -> ReadyCheck:
    async def check() -> str | None:
        return reason

    return check


def raising() -> ReadyCheck:
    async def check() -> str | None:
        raise ConnectionRefusedError("database down")

    return check


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start a server on 127.0.0.1, port 0; answer its base URL."""
    servers: list[HttpServer] = []

    async def start(metrics: Metrics | None = None, checks: Mapping[str, ReadyCheck] | None = None,
                    routes: list[web.RouteDef] | None = None) -> str:
        server = HttpServer(build_app(metrics or Metrics(), checks or {}, routes or []),
                            host="127.0.0.1", port=0)
        await server.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}"

    yield start
    for server in servers:
        await server.stop()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def get_json(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_healthz_answers_while_the_loop_runs(serve: Serve) -> None:
    base = await serve(checks={"database": failing("unreachable")})
    assert await get_json(f"{base}/healthz") == (200, {"status": "ok"})


async def test_readyz_is_ok_when_every_part_is(serve: Serve) -> None:
    base = await serve(checks={"database": ok(), "telegram": ok(), "scheduler": ok()})
    assert await get_json(f"{base}/readyz") == (200, {
        "ready": True, "checks": {"database": "ok", "telegram": "ok", "scheduler": "ok"}, "failing": []})


async def test_readyz_names_each_part_that_is_not_ready(serve: Serve) -> None:
    base = await serve(checks={
        "database": raising(), "telegram": failing("not connected"), "slack": ok()})
    status, body = await get_json(f"{base}/readyz")
    assert status == 503
    assert body == {"ready": False, "failing": ["database", "telegram"], "checks": {
        "database": "check failed: ConnectionRefusedError", "telegram": "not connected", "slack": "ok"}}


async def test_a_check_that_hangs_is_reported_not_waited_for(serve: Serve,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.process.http.CHECK_TIMEOUT", 0.05)

    async def hangs() -> str | None:
        await asyncio.sleep(10)
        return None

    base = await serve(checks={"database": hangs})
    status, body = await get_json(f"{base}/readyz")
    assert (status, body["checks"]) == (503, {"database": "no answer within 0.05 s"})


async def test_metrics_count_commands_and_deliveries_and_read_the_gauges(serve: Serve) -> None:
    metrics = Metrics()

    async def two() -> int:
        return 2

    metrics.bind(next_run=lambda: dt.datetime(2025, 6, 1, 6, tzinfo=dt.UTC), active_subscriptions=two,
                 readiness=lambda: {"telegram": True, "slack": False})
    metrics.observe_command(TELEGRAM_CHAT, "who", "card", 0.01)
    metrics.observe_command(TELEGRAM_CHAT, "who", "card", 0.02)
    metrics.observe_command(SLACK_CHANNEL, "no-such-command", "notice", 0.01)
    metrics.observe_delivery(SLACK_CHANNEL, "sent", 0.3)
    base = await serve(metrics)
    async with aiohttp.ClientSession() as session, session.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    lines = set(text.splitlines())
    assert 'briefing_commands_total{command="who",outcome="card",platform="telegram"} 2.0' in lines
    assert 'briefing_commands_total{command="other",outcome="notice",platform="slack"} 1.0' in lines
    assert 'briefing_deliveries_total{outcome="sent",platform="slack"} 1.0' in lines
    assert 'briefing_send_duration_seconds_count{platform="slack"} 1.0' in lines
    [next_post] = [line for line in lines if line.startswith("briefing_next_post_timestamp_seconds ")]
    assert float(next_post.split()[1]) == dt.datetime(2025, 6, 1, 6, tzinfo=dt.UTC).timestamp()
    assert "briefing_active_subscriptions 2.0" in lines
    assert 'briefing_adapter_ready{platform="slack"} 0.0' in lines


async def test_metrics_count_answered_and_unanswered_questions(serve: Serve) -> None:
    metrics = Metrics()
    metrics.observe_question(TELEGRAM_CHAT, True)
    metrics.observe_question(TELEGRAM_CHAT, False)
    metrics.observe_question(TELEGRAM_CHAT, False)
    base = await serve(metrics)
    async with aiohttp.ClientSession() as session, session.get(f"{base}/metrics") as response:
        body = await response.text()
    assert 'briefing_questions_total{answered="yes",platform="telegram"} 1.0' in body
    assert 'briefing_questions_total{answered="no",platform="telegram"} 2.0' in body


async def test_metrics_still_answer_when_the_store_fails(serve: Serve,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()

    async def broken() -> int:
        raise OSError("disk gone")

    metrics.bind(next_run=lambda: None, active_subscriptions=broken)
    base = await serve(metrics)
    status, text = await get(f"{base}/metrics")
    assert status == 200
    assert "briefing_next_post_timestamp_seconds 0.0" in text.splitlines()
    assert "active subscriptions unavailable error=OSError" in caplog.text


async def test_each_metrics_registry_is_its_own() -> None:
    first, second = Metrics(), Metrics()
    first.observe_command(TELEGRAM_CHAT, "when", "card", 0.1)
    assert 'command="when"' in (await first.render()).decode()
    assert 'command="when"' not in (await second.render()).decode()


async def test_adapter_routes_are_mounted_and_logged_but_probes_are_not(
        serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    async def webhook(request: web.Request) -> web.Response:
        return web.json_response({"got": await request.text()})

    base = await serve(routes=[web.post("/slack/events", webhook)])
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/slack/events", data="hello") as response:
                assert await response.json() == {"got": "hello"}
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 200
    access = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(access) == 1
    assert access[0].startswith("http method=POST path=/slack/events status=200 ms=")


async def test_port_zero_binds_a_free_port_and_a_taken_port_fails() -> None:
    server = HttpServer(build_app(Metrics(), {}), host="127.0.0.1", port=0)
    await server.start()
    try:
        assert server.port > 0
        taken = HttpServer(build_app(Metrics(), {}), host="127.0.0.1", port=server.port)
        with pytest.raises(OSError, match="address already in use"):
            await taken.start()
    finally:
        await server.stop()


# --- slow and idle clients -------------------------------------------------------------------


async def idle_client(base: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = base.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def test_a_client_that_sends_no_request_is_closed_after_the_read_timeout() -> None:
    server = HttpServer(build_app(Metrics(), {}), host="127.0.0.1", port=0, read_timeout=0.3)
    await server.start()
    try:
        reader, writer = await idle_client(f"http://127.0.0.1:{server.port}")
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
        writer.close()
    finally:
        await server.stop()


async def test_at_the_connection_cap_the_oldest_waiting_client_makes_room_for_a_probe() -> None:
    server = HttpServer(build_app(Metrics(), {}), host="127.0.0.1", port=0, max_connections=4)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        idle = [await idle_client(base) for _ in range(6)]
        await asyncio.sleep(0.1)
        assert server.cap.open <= 4
        assert await get_json(f"{base}/healthz") == (200, {"status": "ok"})
        closed = [await asyncio.wait_for(reader.read(), 5) == b"" for reader, _ in idle[:3]]
        assert closed == [True, True, True]  # the oldest went first
        for _, writer in idle:
            writer.close()
    finally:
        await server.stop()


async def test_a_body_sent_too_slowly_gets_408() -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    server = HttpServer(build_app(Metrics(), {}, [web.post("/hook", echo)]), host="127.0.0.1", port=0,
                        read_timeout=0.3)
    await server.start()
    try:
        reader, writer = await idle_client(f"http://127.0.0.1:{server.port}")
        writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        status_line = await asyncio.wait_for(reader.readline(), 5)
        assert status_line.startswith(b"HTTP/1.1 408")
        writer.close()
    finally:
        await server.stop()


def test_the_cap_leaves_room_below_the_limit_on_open_files() -> None:
    assert connection_cap(1000, 65_536) == 1000
    assert connection_cap(1000, 1024) == 1024 - FD_RESERVE
    assert 0 < connection_cap(1000, 256) <= 128


async def test_a_cached_check_runs_once_per_period_and_callers_share_a_run() -> None:
    runs: list[str | None] = []
    answers = iter(["cannot write: OperationalError (database or disk is full)", None])
    now = [100.0]
    gate = asyncio.Event()

    async def probe() -> str | None:
        await gate.wait()
        runs.append(answer := next(answers))
        return answer

    check = cached(probe, 1.5, clock=lambda: now[0])
    waiting = [asyncio.ensure_future(check()) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    assert set(await asyncio.gather(*waiting)) == {"cannot write: OperationalError (database or disk is full)"}
    now[0] += 1.0
    assert await check() is not None and len(runs) == 1  # still within the period: not probed again
    now[0] += 1.0
    assert await check() is None and len(runs) == 2  # space returned: ready again at the next probe


async def test_a_cached_check_that_fails_is_run_again_next_time() -> None:
    calls = 0

    async def probe() -> str | None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError("database down")
        return None

    check = cached(probe, 60.0)
    with pytest.raises(ConnectionRefusedError):
        await check()
    assert await check() is None and calls == 2


async def test_metrics_count_how_timed_out_posts_were_resolved(serve: Serve) -> None:
    metrics = Metrics()
    for resolution in ("arrived", "resent", "resent", "unknown"):
        metrics.observe_doubt("telegram", resolution)
    base = await serve(metrics=metrics)
    status, text = await get(f"{base}/metrics")
    assert status == 200
    assert 'briefing_delivery_uncertain_total{platform="telegram",resolution="resent"} 2.0' in text
    assert 'briefing_delivery_uncertain_total{platform="telegram",resolution="arrived"} 1.0' in text
    assert 'briefing_delivery_uncertain_total{platform="telegram",resolution="unknown"} 1.0' in text
