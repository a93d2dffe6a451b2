"""Telegram failing in each way it does, and the bot still answering afterwards.

Pushed posts (`TelegramAdapter.send`) raise the bot.platforms.base errors for the scheduler to act on;
answers to readers report gone and moved chats through ChatEvents.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from telegram.ext import AIORateLimiter

from bot.platforms.base import DestinationGone, DestinationMoved, Rejected, RetryLater, Unavailable
from bot.platforms.service import BriefingService
from handlers import messages
from handlers.context import ChatRef
from handlers.reply import Reply, Section
from tests.bot.platforms.telegram.conftest import FAST_RETRIES, Bot, make_adapter
from tests.fakes.kit import Failure, server_error, slow, too_many_requests
from tests.fakes.telegram_api import FakeTelegram, User

REMINDER = Reply("Countdown", (Section("Two days to go <until the talks>."),))
CANT_PARSE = Failure(400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3")


def private(user: User) -> ChatRef:
    return ChatRef("telegram", str(user.id), None, "private")


def statuses(tg: FakeTelegram, method: str = "sendMessage") -> list[int]:
    return [c.status for c in tg.calls_to(method)]


async def still_answering(bot: Bot, user: User) -> None:
    [answer] = await bot.ask(user, "/when")
    assert answer.text.startswith("Second round")


# --- 429 -----------------------------------------------------------------------------------------


async def test_a_429_on_an_answer_is_waited_out_then_delivered(telegram: Bot, reader: User) -> None:
    telegram.tg.fail("sendMessage", too_many_requests(1))
    [answer] = await telegram.ask(reader, "/who lavrov")
    assert answer.text.startswith("Sergey Lavrov")
    assert statuses(telegram.tg) == [429, 200]
    waited = telegram.tg.calls_to("sendMessage")
    assert waited[1].at - waited[0].at >= 1.0  # what Telegram said to wait


async def test_a_lasting_429_on_a_pushed_post_is_retry_later(fake_telegram: FakeTelegram,
                                                             service: BriefingService, reader: User) -> None:
    adapter = make_adapter(service, fake_telegram, rate_limiter=AIORateLimiter(max_retries=1))
    await adapter.start()
    try:
        fake_telegram.fail("sendMessage", too_many_requests(1), times=None)
        with pytest.raises(RetryLater) as caught:
            await adapter.send(private(reader), REMINDER)
        assert caught.value.retry_after == 1.0
        assert statuses(fake_telegram) == [429, 429]  # ptb's limiter waited once, then gave up
        fake_telegram.clear_failures()
        sent = await adapter.send(private(reader), REMINDER)
    finally:
        await adapter.stop()
    assert sent.message_ids == ("1",)


# --- 403 -----------------------------------------------------------------------------------------


async def test_a_reader_who_blocked_the_bot_is_reported_gone(telegram: Bot, reader: User) -> None:
    telegram.tg.block(reader)
    telegram.tg.send_text(reader, "/when")
    await telegram.tg.wait_until(lambda: bool(telegram.events.gone), what="chat_gone")
    assert telegram.events.gone == [(private(reader), "sendMessage: Forbidden: bot was blocked by the user")]
    with pytest.raises(DestinationGone):
        await telegram.adapter.send(private(reader), REMINDER)
    assert statuses(telegram.tg) == [403, 403]  # never retried
    await still_answering(telegram, telegram.tg.user(1002, "Bea"))


async def test_the_bot_removed_from_a_group_is_reported_gone(telegram: Bot, reader: User) -> None:
    group = telegram.tg.group(-4001, members=(reader,))
    telegram.tg.remove_bot(group)  # Telegram sends my_chat_member
    await telegram.tg.wait_until(lambda: bool(telegram.events.gone), what="chat_gone")
    chat = ChatRef("telegram", "-4001", None, "group")
    assert telegram.events.gone == [(chat, "bot removed from the chat")]
    with pytest.raises(DestinationGone, match="kicked"):
        await telegram.adapter.send(chat, REMINDER)
    await still_answering(telegram, reader)


# --- 400 -----------------------------------------------------------------------------------------


async def test_a_chat_that_does_not_exist_is_gone(telegram: Bot, reader: User) -> None:
    with pytest.raises(DestinationGone, match=r"(?i)chat not found"):
        await telegram.adapter.send(ChatRef("telegram", "-987654", None, "group"), REMINDER)
    assert statuses(telegram.tg) == [400]
    await still_answering(telegram, reader)


async def test_a_bad_request_is_logged_with_method_and_payload_and_not_retried(
        telegram: Bot, reader: User, caplog: pytest.LogCaptureFixture) -> None:
    telegram.tg.fail("sendMessage", CANT_PARSE)
    with caplog.at_level(logging.WARNING, "briefing.telegram"), pytest.raises(Rejected, match=r"(?i)can't parse"):
        await telegram.adapter.send(private(reader), REMINDER)
    assert statuses(telegram.tg) == [400]
    [logged] = [r.getMessage() for r in caplog.records if "rejected sendMessage" in r.getMessage()]
    assert "'chat_id': 1001" in logged and "Two days to go &lt;until the talks&gt;." in logged
    await still_answering(telegram, reader)


async def test_an_answer_telegram_refuses_is_sent_again_as_plain_text(telegram: Bot, reader: User) -> None:
    telegram.tg.fail("sendMessage", CANT_PARSE)
    telegram.tg.send_text(reader, "/who lavrov")
    [answer] = await telegram.tg.wait_for_messages(reader.id, 1)
    assert answer.html is None and answer.text.startswith("Sergey Lavrov\n\nRole: Foreign Minister")
    assert [c.args.get("parse_mode") for c in telegram.tg.calls_to("sendMessage")] == ["HTML", None]
    await still_answering(telegram, reader)


# --- migration -------------------------------------------------------------------------------------


async def test_an_answer_to_a_migrated_group_moves_it_and_is_resent(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    group = tg.group(-4002, supergroup=False, members=(reader,))
    tg.migrate(group, -1004002)
    tg.send_text(group, "/when", user=reader)  # a message sent just before the upgrade
    [answer] = await tg.wait_for_messages(-1004002, 1)
    assert answer.text.startswith("Second round")
    assert telegram.events.moved == [(ChatRef("telegram", "-4002", None, "group"), "-1004002")]
    assert statuses(tg) == [400, 200]


async def test_a_pushed_post_to_a_migrated_group_is_destination_moved(telegram: Bot, reader: User) -> None:
    group = telegram.tg.group(-4003, supergroup=False)
    telegram.tg.migrate(group, -1004003)
    with pytest.raises(DestinationMoved) as caught:
        await telegram.adapter.send(ChatRef("telegram", "-4003", None, "group"), REMINDER)
    assert caught.value.new_chat_id == "-1004003"
    sent = await telegram.adapter.send(ChatRef("telegram", caught.value.new_chat_id, None, "group"), REMINDER)
    assert sent.message_ids == ("1",)


async def test_the_upgrade_notice_moves_the_chat(telegram: Bot, reader: User) -> None:
    group = telegram.tg.group(-4004, supergroup=False, members=(reader,))
    telegram.tg.migrate(group, -1004004, notify=True)
    await telegram.tg.wait_until(lambda: bool(telegram.events.moved), what="chat_moved")
    assert telegram.events.moved == [(ChatRef("telegram", "-4004", None, "group"), "-1004004")]
    await still_answering(telegram, reader)


# --- 5xx and timeouts --------------------------------------------------------------------------------


async def test_a_server_error_is_retried(telegram: Bot, reader: User) -> None:
    telegram.tg.fail("sendMessage", server_error(502))
    [answer] = await telegram.ask(reader, "/summary")
    assert answer.html is not None
    assert statuses(telegram.tg) == [502, 200]


async def test_a_lasting_outage_is_unavailable_after_bounded_retries(telegram: Bot, reader: User) -> None:
    telegram.tg.fail("sendMessage", server_error(500), times=None)
    with pytest.raises(Unavailable, match="gave up after retries"):
        await telegram.adapter.send(private(reader), REMINDER)
    assert statuses(telegram.tg) == [500] * (1 + len(FAST_RETRIES))
    telegram.tg.clear_failures()
    await still_answering(telegram, reader)


async def test_a_timed_out_post_is_never_sent_again(fake_telegram: FakeTelegram, service: BriefingService,
                                                    reader: User) -> None:
    """A sendMessage whose answer times out may have been posted: a retry could post it twice."""
    adapter = make_adapter(service, fake_telegram, request_timeout=0.5)
    await adapter.start()
    try:
        fake_telegram.fail("sendMessage", slow(1.5))
        with pytest.raises(Unavailable, match="may have been delivered") as raised:
            await adapter.send(private(reader), REMINDER)
        assert raised.value.maybe_sent
        await fake_telegram.wait_until(lambda: len(fake_telegram.messages_in(reader.id)) == 1, within=5,
                                     what="the slow post to arrive")
        assert len(fake_telegram.calls_to("sendMessage")) == 1  # no second attempt
        assert len((await adapter.send(private(reader), REMINDER)).message_ids) == 1
        assert len(fake_telegram.messages_in(reader.id)) == 2
    finally:
        await adapter.stop()


async def test_a_post_that_could_not_connect_is_retried(fake_telegram: FakeTelegram, service: BriefingService,
                                                        reader: User) -> None:
    """Nothing reached Telegram when the connection failed: sending again is safe."""
    adapter = make_adapter(service, fake_telegram)
    await adapter.start()
    try:
        assert adapter._app is not None
        pool = adapter._app.bot.request._client  # ptb's httpx client: make its first connection fail
        real_send = pool.send
        failures = iter([httpx.ConnectError("connection refused")])

        async def flaky_send(request: httpx.Request, **kwargs: Any) -> httpx.Response:
            if request.url.path.endswith("/sendMessage"):
                failure = next(failures, None)
                if failure is not None:
                    raise failure
            response: httpx.Response = await real_send(request, **kwargs)
            return response

        pool.send = flaky_send
        sent = await adapter.send(private(reader), REMINDER)
        assert len(sent.message_ids) == 1
        assert len(fake_telegram.messages_in(reader.id)) == 1
    finally:
        await adapter.stop()


# --- failures inside the bot ------------------------------------------------------------------------


async def test_a_failure_inside_the_adapter_gets_an_apology_and_a_logged_traceback(
        telegram: Bot, reader: User, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.platforms.telegram import updates

    def broken(reply: Reply, **options: bool) -> object:
        raise RuntimeError("rendering broke")

    monkeypatch.setattr(updates, "render", broken)
    with caplog.at_level(logging.ERROR):
        [apology] = await telegram.ask(reader, "/who lavrov")
    assert apology.text.startswith(messages.APOLOGY_TITLE)
    assert any(r.exc_info and "rendering broke" in str(r.exc_info[1]) for r in caplog.records)
    monkeypatch.undo()
    await still_answering(telegram, reader)


class BrokenEvents:
    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        raise RuntimeError("the database is down")

    async def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        raise RuntimeError("the database is down")


async def test_a_failing_chat_event_is_logged_and_the_bot_goes_on(fake_telegram: FakeTelegram,
                                                                  service: BriefingService, reader: User,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    adapter = make_adapter(service, fake_telegram)
    adapter.events = BrokenEvents()
    await adapter.start()
    try:
        fake_telegram.block(reader)
        fake_telegram.send_text(reader, "/when")
        await fake_telegram.wait_until(lambda: any("chat_gone failed" in r.getMessage() for r in caplog.records))
        other = fake_telegram.user(1003, "Cy")
        fake_telegram.send_text(other, "/when")
        assert len(await fake_telegram.wait_for_messages(other.id, 1)) == 1
    finally:
        await adapter.stop()
