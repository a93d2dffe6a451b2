"""Hostile HTTP against a real `briefing-bot run`: refused cleanly, logged briefly, never a 500.

The bot serves Slack in HTTP mode and Telegram by webhook, against the fakes, as behind a
public URL; these tests post to it what strangers (and a confused platform) might.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path

import aiohttp

from bot.platforms.telegram.adapter import SECRET_HEADER
from bot.process.http import FD_RESERVE
from tests.bot.process.conftest import CHANNEL, WEBHOOK_SECRET
from tests.bot.process.process import BotProcess, bot_env, launch
from tests.fakes.kit import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

MEGABYTE = 1_000_000


def public_env(tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, **extra: str) -> dict[str, str]:
    """Slack in HTTP mode and Telegram by webhook, on a port known in advance."""
    port = free_port()
    return bot_env(tmp_path / "data", BRIEFING_PORT=str(port),
                   TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url,
                   TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
                   TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, SLACK_BOT_TOKEN=slack.bot_token,
                   SLACK_SIGNING_SECRET=slack.signing_secret, SLACK_API_BASE_URL=slack.base_url, **extra)


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session, \
            session.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status


def requests_logged(bot: BotProcess, status: int) -> int:
    return sum(1 for e in bot.log if e.get("event") == "http" and e.get("status") == str(status))


async def test_twenty_unsigned_megabyte_posts_add_under_ten_kilobytes_of_log(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    bot = await launch(processes, public_env(tmp_path, telegram, slack))
    base = await bot.ready()
    before = bot.log_bytes()
    event = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {
        "type": "app_mention", "channel": CHANNEL, "text": "x" * MEGABYTE}}).encode()
    form = b"command=%2Fbriefing&channel_id=C1&text=" + b"y" * MEGABYTE
    started = time.perf_counter()
    for n in range(20):
        body, kind = (event, "application/json") if n % 2 else (form, "application/x-www-form-urlencoded")
        assert await post(f"{base}/slack/events", body, {"Content-Type": kind}) == 401
    elapsed = time.perf_counter() - started
    await bot.wait_log(lambda e: requests_logged(bot, 401) >= 20, within=10, what="20 refusals logged")
    added = bot.log_bytes() - before
    print(f"\n20 unsigned 1 MB posts: {added} bytes of log in {elapsed:.2f} s")
    assert added < 10_000
    assert "xxxxxxxxxx" not in bot.text() and "yyyyyyyyyy" not in bot.text()

    before = bot.log_bytes()
    for _ in range(20):  # and to Telegram's webhook, without its secret
        assert await post(f"{base}/telegram/webhook", event, {"Content-Type": "application/json"}) == 403
    await bot.wait_log(lambda e: requests_logged(bot, 403) >= 20, within=10, what="20 refusals logged")
    assert bot.log_bytes() - before < 10_000


def signed(slack: FakeSlack, body: bytes, content_type: str) -> dict[str, str]:
    return {"Content-Type": content_type, **slack.sign(body)}


MALFORMED_SLACK = {
    "bad JSON": (b'{"type": "event_callback", "event": {', "application/json"),
    "a JSON array": (b'[{"type": "event_callback"}]', "application/json"),
    "a JSON number": (b"42", "application/json"),
    "invalid UTF-8": (b'{"type": "event_callback", "text": "\xff\xfe\xc3"}', "application/json"),
    "a bogus charset": (b'{"type": "event_callback"}', "application/json; charset=bogus-8"),
    "a Latin-1 charset": (b"command=%2Fbriefing&text=caf\xe9", "application/x-www-form-urlencoded; charset=latin-1"),
    "a payload that is not JSON": (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    "a payload that is a list": (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
}


async def test_malformed_slack_bodies_get_400_signed_and_401_unsigned_without_a_traceback(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    bot = await launch(processes, public_env(tmp_path, telegram, slack))
    url = f"{await bot.ready()}/slack/events"
    for what, (body, kind) in MALFORMED_SLACK.items():
        assert (what, await post(url, body, signed(slack, body, kind))) == (what, 400)
        assert (what, await post(url, body, {"Content-Type": kind})) == (what, 401)
    odd_stamp = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": "soon",
                 "X-Slack-Signature": "v0=00"}
    assert await post(url, b"{}", odd_stamp) == 401
    await bot.wait_log(lambda e: requests_logged(bot, 401) >= len(MALFORMED_SLACK) + 1, within=10,
                       what="every refusal")
    assert_no_traceback(bot)


async def test_a_signed_command_without_a_channel_is_still_answered(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    bot = await launch(processes, public_env(tmp_path, telegram, slack))
    url = f"{await bot.ready()}/slack/events"
    command = slack.slash_command("who lavrov")
    del command.payload["channel_id"]
    answer = await slack.deliver(url, command)
    assert answer.status == 200
    [reply] = await slack.wait_for_calls("response_url", within=10)
    assert reply.ok and "Sergey Lavrov" in json.dumps(reply.args)
    assert_no_traceback(bot)


def telegram_update(**message: object) -> bytes:
    return json.dumps({"update_id": 77, "message": {"message_id": 1, "date": 0, "text": "/who lavrov",
                                                    **message}}).encode()


MALFORMED_TELEGRAM = {
    "not JSON": (b"{x", "application/json"),
    "a JSON array": (b'["not", "an", "update"]', "application/json"),
    "a bogus charset": (telegram_update(chat={"id": 5, "type": "private"}), "application/json; charset=bogus-8"),
    "invalid UTF-8": (b'{"update_id": 1, "message": {"text": "\xff"}}', "application/json"),
    "deep nesting": (b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                     "application/json"),
    "no update_id": (b'{"message": {}}', "application/json"),
    "a message without a chat": (telegram_update(), "application/json"),
    "a message that is a string": (b'{"update_id": 1, "message": "hi"}', "application/json"),
}


async def test_malformed_telegram_updates_get_400_without_a_traceback(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    bot = await launch(processes, public_env(tmp_path, telegram, slack))
    url = f"{await bot.ready()}/telegram/webhook"
    for what, (body, kind) in MALFORMED_TELEGRAM.items():
        headers = {"Content-Type": kind, SECRET_HEADER: WEBHOOK_SECRET}
        assert (what, await post(url, body, headers)) == (what, 400)
    assert await post(url, b"{x", {SECRET_HEADER: "guess"}) == 403
    reader = telegram.user(1001, "Ada")
    telegram.send_text(reader, "/who lavrov")  # and a real update is still answered
    [answer] = await telegram.wait_for_messages(reader.id, 1, within=10)
    assert answer.text.startswith("Sergey Lavrov")
    assert_no_traceback(bot)


def assert_no_traceback(bot: BotProcess) -> None:
    assert "Traceback" not in bot.text()
    assert [e for e in bot.log if e.get("level") in ("ERROR", "CRITICAL") or "exc" in e] == []
    assert requests_logged(bot, 500) == 0


async def trickle(writer: asyncio.StreamWriter, data: bytes) -> None:
    for byte in data:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.5)
    await asyncio.Event().wait()  # then hold the connection


async def slow_client(port: int, sends_a_head: bool, stop: asyncio.Event) -> str:
    """A client that sends a request head a byte every half second (or nothing at all): "cut" when
    the server closed it before `stop`, "held" when it was still open, "refused" when it never got in."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return "refused"
    head = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Slow: " + b"a" * 100 if sends_a_head else b""
    tasks = [asyncio.create_task(reader.read()), asyncio.create_task(trickle(writer, head)),
             asyncio.create_task(stop.wait())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return "held" if tasks[2] in done else "cut"
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        writer.close()


async def test_fifteen_hundred_slow_connections_are_cut_and_healthz_answers_throughout(
        tmp_path: Path, telegram: FakeTelegram, slack: FakeSlack, processes: list[BotProcess]) -> None:
    """With the open files of a small container (1024), 1,500 slow clients are cut, /healthz is not."""
    env = public_env(tmp_path, telegram, slack, BRIEFING_READ_TIMEOUT="4")
    bot = await launch(processes, env, open_files=1024)
    base = await bot.ready()
    stop = asyncio.Event()
    port = int(base.rsplit(":", 1)[1])
    clients = [asyncio.create_task(slow_client(port, n % 2 == 0, stop)) for n in range(1500)]
    latencies: list[float] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            for _ in range(24):  # about 12 s: three read timeouts, while the slow clients hold on
                started = time.perf_counter()
                async with session.get(f"{base}/healthz", headers={"Connection": "close"}) as response:
                    assert response.status == 200
                latencies.append(time.perf_counter() - started)
                await asyncio.sleep(0.5)
    finally:
        stop.set()
        ends = Counter(await asyncio.gather(*clients))
    latencies.sort()
    print(f"\n/healthz during 1,500 slow connections: {len(latencies)} probes answered, "
          f"median {latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
          f"slow clients: {dict(ends)}")
    assert ends["cut"] >= 1_000  # by the read timeout, or to make room at the cap
    assert ends["held"] < 1024 - FD_RESERVE  # never more than the cap at once
    assert bot.proc is not None and bot.proc.returncode is None
    assert not any("Too many open files" in line for line in bot.raw)
