"""The adapter's lifecycle, its settings, polling, and keeping the token out of sight."""

from __future__ import annotations

import logging
import socket

import pytest

from bot.platforms.base import DestinationGone, Rejected, StartRefused, Unavailable
from bot.platforms.service import BriefingService
from bot.platforms.telegram import TelegramAdapter
from bot.platforms.telegram.adapter import ALLOWED_UPDATES
from handlers.context import ChatRef
from handlers.reply import Reply, Section
from tests.bot.platforms.telegram.conftest import FAST_RETRIES, Bot, make_adapter
from tests.fakes.kit import server_error
from tests.fakes.telegram_api import FakeTelegram, User

POST = Reply("Countdown", (Section("Two days to go."),))


def running(adapter: TelegramAdapter) -> bool:
    """`ready` read afresh: a checker would keep what an earlier assert on the property narrowed it to."""
    return adapter.ready


async def test_ready_follows_start_and_stop(fake_telegram: FakeTelegram, service: BriefingService) -> None:
    adapter = make_adapter(service, fake_telegram)
    assert (running(adapter), adapter.bot_username) == (False, None)
    await adapter.start()
    await adapter.start()  # already running: nothing more
    assert running(adapter) and adapter.bot_username == "BriefingTestBot"
    await adapter.stop()
    await adapter.stop()
    assert not running(adapter)
    await adapter.start()  # and again, as the runtime does after a failed start
    assert running(adapter)
    await adapter.stop()
    assert [c.status for c in fake_telegram.calls_to("getMe")] == [200, 200]


async def test_polling_long_polls_and_confirms_each_update(telegram: Bot, reader: User) -> None:
    await telegram.ask(reader, "/when")
    await telegram.ask(reader, "/where")
    await telegram.tg.wait_until(lambda: telegram.tg.pending_updates == 0, what="both updates confirmed")
    polls = telegram.tg.calls_to("getUpdates")
    assert {c.args["timeout"] for c in polls} == {"10"}  # every poll waits up to 10 s
    offsets = [int(c.args.get("offset", 0)) for c in polls]
    assert offsets == [0, 100_001]  # and a third poll, still waiting, came with 100_002
    assert polls[0].args["allowed_updates"] == list(ALLOWED_UPDATES)


async def test_a_token_telegram_refuses_fails_start_for_good(fake_telegram: FakeTelegram,
                                                              service: BriefingService) -> None:
    adapter = TelegramAdapter(service, token="999:not-the-right-token", base_url=fake_telegram.base_url,
                              retry_delays=FAST_RETRIES)
    with pytest.raises(Rejected, match="token") as caught:
        await adapter.start()
    assert not adapter.ready
    assert "not-the-right-token" not in str(caught.value) and caught.value.__suppress_context__
    assert [c.status for c in fake_telegram.calls_to("getMe")] == [401]  # not worth retrying


async def test_a_refused_token_stops_the_process_start_up(fake_telegram: FakeTelegram,
                                                           service: BriefingService) -> None:
    adapter = TelegramAdapter(service, token="999:not-the-right-token", base_url=fake_telegram.base_url,
                              retry_delays=FAST_RETRIES)
    with pytest.raises(StartRefused) as caught:
        await adapter.start()
    assert caught.value.refused and "token" in str(caught.value)


async def test_telegram_out_of_reach_fails_start_as_unavailable(service: BriefingService) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = TelegramAdapter(service, token="1:abcdefghijkl", base_url=f"http://127.0.0.1:{port}/bot",
                              retry_delays=FAST_RETRIES)
    with pytest.raises(Unavailable, match="getMe"):
        await adapter.start()
    assert not adapter.ready


async def test_send_before_start_is_unavailable(fake_telegram: FakeTelegram, service: BriefingService) -> None:
    adapter = make_adapter(service, fake_telegram)
    with pytest.raises(Unavailable, match="not running"):
        await adapter.send(ChatRef("telegram", "1001"), POST)


async def test_a_post_goes_to_the_topic_of_its_chat(telegram: Bot, reader: User) -> None:
    forum = telegram.tg.group(-5001, forum=True, topics=(4,))
    sent = await telegram.adapter.send(ChatRef("telegram", "-5001", "4", "group"), POST)
    [post] = telegram.tg.messages_in(forum.id)
    assert sent.message_ids == (str(post.message_id),)
    assert post.thread_id == 4 and post.text == "Countdown\n\nTwo days to go."


def test_settings_are_checked_when_the_adapter_is_made(service: BriefingService) -> None:
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        TelegramAdapter(service, token=" ")
    with pytest.raises(ValueError, match="webhook secret") as caught:
        TelegramAdapter(service, token="1:abcdefghijkl", webhook_secret="not allowed: spaces")
    assert "not allowed: spaces" not in str(caught.value)
    with pytest.raises(ValueError, match="absolute"):
        TelegramAdapter(service, token="1:abcdefghijkl", webhook_url="/telegram")


async def test_the_token_never_reaches_a_log_line_a_repr_or_an_error(
        fake_telegram: FakeTelegram, service: BriefingService, reader: User,
        caplog: pytest.LogCaptureFixture) -> None:
    tg = fake_telegram
    caplog.set_level(logging.DEBUG)  # every library at its chattiest, httpx's URLs included
    wrong = TelegramAdapter(service, token="999:a-wrong-token-too", base_url=tg.base_url)
    with pytest.raises(Rejected) as refused:
        await wrong.start()
    adapter = make_adapter(service, tg)
    await adapter.start()
    try:
        tg.send_text(reader, "/when")
        await tg.wait_for_messages(reader.id, 1)
        tg.fail("sendMessage", server_error(502), times=None)  # retried, logged, then given up
        with pytest.raises(Unavailable) as outage:
            await adapter.send(ChatRef("telegram", str(reader.id)), POST)
        tg.clear_failures()
        with pytest.raises(DestinationGone) as gone:  # a bad request: logged with its payload
            await adapter.send(ChatRef("telegram", "-424242"), POST)
        shown = [repr(adapter), str(refused.value), str(outage.value), str(gone.value)]
    finally:
        await adapter.stop()
    formatter = logging.Formatter("%(name)s %(message)s")
    logged = "\n".join(formatter.format(r) for r in caplog.records) + caplog.text
    assert "[redacted]/getMe" in logged and "payload=" in logged  # the URLs and payloads were logged
    for secret in (tg.token, tg.token.partition(":")[2], "a-wrong-token-too"):
        assert secret not in logged
        assert not any(secret in text for text in shown)
