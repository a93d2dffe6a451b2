"""The runtime in this process, with a recording adapter: retries, refusals, readiness, shutdown order."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import Any, Literal

import pytest
from aiohttp import web

from bot.platforms.base import Sent, StartRefused, Unavailable
from bot.platforms.service import BriefingService
from bot.process.config import Settings
from bot.process.runtime import Connection, Runtime, StartupError, check_platforms
from bot.scheduling.chats import StoreChats
from content.loader import Briefing
from handlers.context import ChatRef
from handlers.reply import Reply
from tests.bot.process.conftest import SLACK_BOT_TOKEN, TELEGRAM_TOKEN

pytestmark = pytest.mark.usefixtures("clean_env")  # the settings come from the test alone


class Recorder:
    """An adapter whose start fails as told, and which notes what the runtime did meanwhile."""

    platform = "telegram"

    def __init__(self, failures: list[Exception] | None = None, *, hang_on_stop: bool = False) -> None:
        self.failures = list(failures or [])
        self.hang_on_stop = hang_on_stop
        self.started = False
        self.events: list[str] = []
        self.runtime: Runtime | None = None
        self.seen_at_stop: dict[str, bool] = {}

    @property
    def ready(self) -> bool:
        return self.started

    async def start(self) -> None:
        self.events.append("start")
        if self.failures:
            raise self.failures.pop(0)
        self.started = True

    async def stop(self) -> None:
        self.events.append("stop")
        if self.runtime is not None and self.started:
            r = self.runtime
            assert r.scheduler is not None and r.store is not None
            self.seen_at_stop = {"ready": r.ready, "scheduler running": r.scheduler.running,
                                 "http serving": r.http is not None and r.http.port > 0
                                 and r.http._runner is not None,
                                 "database open": await r.store.ping()}
        self.started = False
        if self.hang_on_stop:
            await asyncio.Event().wait()

    async def send(self, chat: ChatRef, reply: Reply, *, key: str | None = None) -> Sent:
        return Sent(chat, ("1",))

    async def arrived(self, chat: ChatRef, key: str, since: dt.datetime) -> Sent | Literal[False] | None:
        return None

    def http_routes(self) -> list[web.RouteDef]:
        return []


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(telegram_bot_token=TELEGRAM_TOKEN, data_dir=tmp_path, host="127.0.0.1", port=0,
                    _env_file=None, **values)


def runtime_with(adapter: Recorder, tmp_path: Path, briefing: Briefing, **values: object) -> Runtime:
    def factory(s: Settings, service: BriefingService, chats: StoreChats) -> Recorder:
        return adapter

    runtime = Runtime(settings(tmp_path, **values), briefing, factories={"telegram": factory})
    adapter.runtime = runtime
    return runtime


async def test_a_platform_that_is_down_is_retried_with_doubling_capped_delays() -> None:
    adapter = Recorder([Unavailable("no answer")] * 5)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    connection = Connection(adapter, initial=1, cap=4, sleep=sleep, spread=lambda d: d)
    assert await connection.attempt() is False
    assert await connection.readiness() == "not connected (Unavailable: no answer)"
    fatal: list[StartupError] = []
    connection.retry_in_background(fatal.append)
    assert connection._retrying is not None
    await asyncio.wait_for(connection._retrying, 5)
    assert waits == [1, 2, 4, 4, 4]
    assert (connection.attempts, await connection.readiness(), fatal) == (6, None, [])
    assert adapter.events == ["start", "stop"] * 5 + ["start"]  # each failed start is cleaned up


async def test_a_refusal_during_the_retries_stops_them_and_is_reported() -> None:
    adapter = Recorder([Unavailable("no answer"), StartRefused("Telegram refused the bot token")])
    connection = Connection(adapter, initial=0.01, cap=0.01)
    assert await connection.attempt() is False
    fatal: list[StartupError] = []
    connection.retry_in_background(fatal.append)
    assert connection._retrying is not None
    await asyncio.wait_for(connection._retrying, 5)
    assert [str(e) for e in fatal] == ["telegram: Telegram refused the bot token"]


async def test_a_refusal_at_the_first_attempt_stops_the_start() -> None:
    connection = Connection(Recorder([StartRefused("Telegram refused the bot token")]), initial=1, cap=1)
    with pytest.raises(StartupError, match=r"^telegram: Telegram refused the bot token$"):
        await connection.attempt()


async def test_a_start_that_a_later_attempt_may_fix_is_retried_not_fatal() -> None:
    outage = StartRefused("Slack answered http_500 at start-up (SLACK_BOT_TOKEN)", refused=False)
    connection = Connection(Recorder([outage]), initial=1, cap=1)
    assert await connection.attempt() is False
    assert await connection.readiness() == "not connected (StartRefused: Slack answered http_500 at start-up " \
        "(SLACK_BOT_TOKEN))"


def test_platforms_half_configured_or_missing_are_refused(tmp_path: Path) -> None:
    half = Settings(slack_bot_token=SLACK_BOT_TOKEN, _env_file=None)
    with pytest.raises(StartupError, match=r"^slack needs SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET"):
        check_platforms(half, console=False)
    nothing = Settings(_env_file=None)
    with pytest.raises(StartupError, match=r"^no platform is configured"):
        check_platforms(nothing, console=False)
    assert check_platforms(nothing, console=True) == []
    assert check_platforms(settings(tmp_path), console=False) == ["telegram"]


async def test_start_then_stop_in_the_order_that_loses_nothing(tmp_path: Path, briefing: Briefing) -> None:
    adapter = Recorder()
    runtime = runtime_with(adapter, tmp_path, briefing)
    await runtime.start()
    checks = runtime.checks()
    assert list(checks) == ["process", "database", "telegram", "scheduler"]
    assert [await check() for check in checks.values()] == [None] * 4
    await runtime.stop()
    # When the adapter stops: no longer ready, scheduler paused, HTTP and database still up.
    assert adapter.seen_at_stop == {"ready": False, "scheduler running": False, "http serving": True,
                                    "database open": True}
    assert await checks["process"]() == "stopping"
    assert runtime.http is not None and runtime.http._runner is None  # stopped after the adapters


async def test_a_step_that_hangs_cannot_hold_up_the_exit(tmp_path: Path, briefing: Briefing,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("bot.process.runtime.STOP_GRACE", 0.3)
    runtime = runtime_with(Recorder(hang_on_stop=True), tmp_path, briefing, drain_timeout=0.2)
    await runtime.start()
    with caplog.at_level(logging.INFO, logger="briefing.runtime"):
        await asyncio.wait_for(runtime.stop(), 5)
    assert "shutdown step cut short step='stop telegram'" in caplog.text
    assert caplog.records[-1].getMessage().startswith("stopped seconds=")  # the later steps still ran


async def test_a_stop_asked_for_twice_stops_once(tmp_path: Path, briefing: Briefing,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    runtime = runtime_with(Recorder(), tmp_path, briefing)
    with caplog.at_level(logging.INFO, logger="briefing.runtime"):
        runtime.request_stop("SIGTERM")  # before run(): it starts, then stops at once
        runtime.request_stop("SIGINT")
        assert await asyncio.wait_for(runtime.run(), 20) == 0
    messages = [r.getMessage() for r in caplog.records]
    assert messages[:2] == ["stopping signal=SIGTERM", "already stopping signal=SIGINT"]
    assert messages[-1].startswith("stopped seconds=")
