"""`briefing-bot run` as a real process against fake Telegram and Slack servers.

The bot is the real thing (ptb, bolt, APScheduler, SQLite, aiohttp) started with `python -m bot
run`; only Telegram's and Slack's servers are fakes in this test process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time
from pathlib import Path

from bot.store import default_url, open_store
from handlers.context import ChatRef, Preferences
from tests.bot.process.conftest import CHANNEL, D_MINUS_1, MARGIN, READER
from tests.bot.process.process import BotProcess, bot_env, get_json, get_text, launch
from tests.fakes.kit import Failure, server_error, slow
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram


async def metrics_once(base: str, *lines: str, within: float = 10.0) -> set[str]:
    """/metrics once it holds `lines` (a delivery is counted just after the ledger marks it)."""
    deadline = time.monotonic() + within
    while True:
        metrics = set((await get_text(f"{base}/metrics")).splitlines())
        if set(lines) <= metrics or time.monotonic() > deadline:
            assert set(lines) <= metrics, sorted(m for m in metrics if m.startswith("briefing_deliveries"))
            return metrics
        await asyncio.sleep(0.2)


def both_platforms(tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, **more: str) -> dict[str, str]:
    return bot_env(tmp_path / "data", TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url,
                   SLACK_BOT_TOKEN=slack.bot_token, SLACK_APP_TOKEN=slack.app_token,
                   SLACK_API_BASE_URL=slack.base_url, **more)


async def test_serves_telegram_and_slack_at_once_and_posts_the_reminder_to_both(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    bot = await launch(processes, both_platforms(tmp_path, telegram, slack,
                                                 BRIEFING_NOW=(D_MINUS_1 - MARGIN).isoformat()))
    base = await bot.ready()
    status, body = await get_json(f"{base}/readyz")
    assert (status, body["checks"]) == (200, {"process": "ok", "database": "ok", "telegram": "ok",
                                              "slack": "ok", "scheduler": "ok"})

    reader = telegram.user(READER, "Ada")
    telegram.send_text(reader, "/subscribe")
    await slack.socket.send(slack.slash_command("subscribe", channel=CHANNEL))
    [subscribed] = await telegram.wait_for_messages(READER, 1, within=10)
    assert subscribed.text.startswith("Subscribed")
    assert "Sunday 1 June 2025, 09:00" in subscribed.text
    [confirmed] = await slack.wait_for_messages(CHANNEL, 1, within=10)
    assert "Subscribed" in confirmed.text

    telegram.send_text(reader, "/who lavrov")
    answers = await telegram.wait_for_messages(READER, 2, within=10)
    assert "Lavrov" in answers[1].text

    # The reminder, when the bot's clock reaches 09:00 (real seconds from now).
    reminders = await telegram.wait_for_messages(READER, 3, within=MARGIN.total_seconds() + 15)
    assert reminders[2].text.startswith("Reminder: Second round of Russia-Ukraine talks in Istanbul")
    assert "Tomorrow" in reminders[2].text
    posts = [c for c in await slack.wait_for_calls("chat.postMessage", 1, within=10) if c.args["channel"] == CHANNEL]
    assert posts and "Tomorrow" in posts[0].args["text"]

    metrics = await metrics_once(base, 'briefing_deliveries_total{outcome="sent",platform="slack"} 1.0',
                                 'briefing_deliveries_total{outcome="sent",platform="telegram"} 1.0')
    assert 'briefing_commands_total{command="subscribe",outcome="notice",platform="telegram"} 1.0' in metrics
    assert 'briefing_commands_total{command="subscribe",outcome="notice",platform="slack"} 1.0' in metrics
    assert "briefing_active_subscriptions 2.0" in metrics

    bot.signal(signal.SIGTERM)
    assert await bot.wait(within=15) == 0
    assert [e["message"] for e in bot.log if e.get("event") == "stopping"] == ["stopping signal=SIGTERM"]
    log = bot.text()
    for secret in (telegram.token, telegram.token.partition(":")[2], slack.bot_token, slack.app_token):
        assert secret not in log
    assert "Traceback" not in log


async def test_a_platform_down_at_start_is_retried_while_the_other_serves(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    slack.fail("auth.test", server_error(503), times=3)
    bot = await launch(processes, both_platforms(tmp_path, telegram, slack))
    base = await bot.ready()
    status, body = await get_json(f"{base}/readyz")
    assert status == 503 and body["failing"] == ["slack"]
    assert body["checks"]["slack"].startswith("not connected")

    telegram.send_text(telegram.user(READER), "/when")
    [answer] = await telegram.wait_for_messages(READER, 1, within=10)
    assert "Istanbul" in answer.text

    await bot.wait_log(lambda e: e.get("message", "").startswith("adapter connected platform=slack"),
                       within=20, what="slack connected")
    status, body = await get_json(f"{base}/readyz")
    assert (status, body["failing"]) == (200, [])
    assert len(slack.calls_to("auth.test")) == 4
    bot.signal(signal.SIGINT)
    assert await bot.wait(within=15) == 0


async def test_a_refused_token_stops_the_start_with_a_message_naming_the_setting(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    slack.fail("auth.test", Failure(200, "invalid_auth"), times=None)
    bot = await launch(processes, both_platforms(tmp_path, telegram, slack))
    assert await bot.wait(within=30) == 1
    [error] = [e for e in bot.log if e["level"] == "ERROR"]
    assert error["message"].startswith("cannot start: slack: Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert slack.bot_token not in bot.text()
    assert any(e.get("event") == "stopped" for e in bot.log)  # what had started was closed


async def test_an_unreachable_database_stops_the_start_without_showing_its_password(
        tmp_path: Path, telegram: FakeTelegram, processes: list[BotProcess]) -> None:
    bot = await launch(processes, bot_env(tmp_path / "data", TELEGRAM_BOT_TOKEN=telegram.token,
                                          TELEGRAM_API_BASE_URL=telegram.base_url,
                                          DATABASE_URL="postgresql://bot:pw-0f-the-db@127.0.0.1:1/briefing"))
    assert await bot.wait(within=30) == 1
    [error] = [e for e in bot.log if e["level"] == "ERROR"]
    assert error["message"].startswith(
        "cannot start: cannot open the database postgresql://bot:***@127.0.0.1:1/briefing: ")
    assert "pw-0f-the-db" not in bot.text()


async def test_no_platform_and_no_terminal_is_refused(tmp_path: Path, processes: list[BotProcess]) -> None:
    bot = await launch(processes, bot_env(tmp_path / "data"))
    assert await bot.wait(within=30) == 1
    assert "no platform is configured: set TELEGRAM_BOT_TOKEN" in bot.text()


async def test_a_wrong_setting_fails_fast_naming_it(tmp_path: Path, processes: list[BotProcess]) -> None:
    bot = await launch(processes, bot_env(tmp_path / "data", TELEGRAM_BOT_TOKEN="xoxb-not-telegram",
                                          BRIEFING_PORT="http"))
    assert await bot.wait(within=30) == 2
    assert bot.raw == [
        "error: TELEGRAM_BOT_TOKEN must look like 123456789:AAE… (the token @BotFather gave)",
        "error: BRIEFING_PORT: Input should be a valid integer, unable to parse string as an integer"]


FANOUT = 48
DRAIN = 2.0


async def seed_subscribers(data_dir: Path, count: int, since: dt.datetime) -> None:
    store = await open_store(default_url(data_dir))
    try:
        for n in range(count):
            chat = ChatRef("telegram", str(5000 + n))
            await store.put_subscription(chat, "istanbul-talks-2025", Preferences(reminders=True), since,
                                         reschedule=True)
    finally:
        await store.close()


async def ledger_counts(data_dir: Path) -> dict[str, int]:
    store = await open_store(default_url(data_dir))
    try:
        return await store.ledger.counts()
    finally:
        await store.close()


async def test_sigterm_during_a_fan_out_exits_cleanly_within_the_bound_leaving_no_claim(
        tmp_path: Path, telegram: FakeTelegram, processes: list[BotProcess]) -> None:
    data = tmp_path / "data"
    await seed_subscribers(data, FANOUT, D_MINUS_1 - dt.timedelta(hours=1))
    for n in range(FANOUT):
        telegram.user(5000 + n)
    telegram.fail("sendMessage", slow(1.0), times=None)  # every post takes 1 s to be answered
    bot = await launch(processes, bot_env(data, TELEGRAM_BOT_TOKEN=telegram.token,
                                          TELEGRAM_API_BASE_URL=telegram.base_url,
                                          BRIEFING_NOW=(D_MINUS_1 - dt.timedelta(seconds=3)).isoformat(),
                                          BRIEFING_DRAIN_TIMEOUT=str(DRAIN)))
    await bot.ready()
    await telegram.wait_until(lambda: len(telegram.calls_to("sendMessage")) >= 3 or any(
        m for n in range(FANOUT) for m in telegram.messages_in(5000 + n)), within=20, what="the fan-out")
    await asyncio.sleep(0.3)  # the next sends are in flight now: the fake takes 1 s over each
    signalled = time.monotonic()
    bot.signal(signal.SIGTERM)
    assert await bot.wait(within=DRAIN + 10) == 0
    took = time.monotonic() - signalled
    assert took < DRAIN + 5, f"the shutdown took {took:.1f} s"

    counts = await ledger_counts(data)
    assert "claimed" not in counts, counts
    assert set(counts) <= {"sent", "pending"}, counts  # posts not yet claimed have no row at all
    assert 0 < counts["sent"] < FANOUT, counts  # interrupted mid-way, after some went out
    delivered = {n for n in range(FANOUT) if telegram.messages_in(5000 + n)}
    assert len(delivered) == counts["sent"]  # what the ledger says was sent is what reached the chats
    assert any(e.get("event") == "stopped" for e in bot.log)

    # The next start sends the rest, and nothing twice.
    again = await launch(processes, bot.env)
    await again.ready()
    await telegram.wait_until(lambda: all(telegram.messages_in(5000 + n) for n in range(FANOUT)), within=30,
                            what="every chat's reminder")
    again.signal(signal.SIGTERM)
    assert await again.wait(within=DRAIN + 10) == 0
    assert [len(telegram.messages_in(5000 + n)) for n in range(FANOUT)] == [1] * FANOUT
    assert await ledger_counts(data) == {"sent": FANOUT}
