"""Slack's refusals and outages, as the fake serves them: what the adapter raises, logs and reports.

After each failure the app still answers.
"""

from __future__ import annotations

import logging

import pytest

from bot.platforms.base import DestinationGone, Rejected, RetryLater, StartRefused, Unavailable
from bot.platforms.service import BriefingService
from bot.platforms.slack import SlackAdapter
from handlers.context import ChatRef
from handlers.reply import Reply, Section
from tests.bot.platforms.slack.conftest import Bot, make_adapter
from tests.fakes.chat_events import RecordedEvents
from tests.fakes.kit import Failure, server_error, slow, too_many_requests
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack

CARD = Reply("Countdown", (Section("2 days to go"),))
GENERAL = ChatRef("slack", "C0GENERAL", kind="channel")
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, "xoxb-wrong-token-q9z7x8w6", "xapp-1-wrong-k3v5m2n4")


def no_secrets_in(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
        assert secret.split("-")[-1] not in text


# --- pushed posts (what the scheduler calls) -------------------------------------------------------


async def test_send_posts_and_returns_the_message_ids(http_bot: Bot) -> None:
    sent = await http_bot.adapter.send(ChatRef("slack", "C0GENERAL", "1748680000.000100", "channel"), CARD)
    [message] = http_bot.slack.messages_in("C0GENERAL")
    assert sent.message_ids == (message.ts,)
    assert message.thread_ts == "1748680000.000100" and message.header() == "Countdown"
    [call] = http_bot.slack.calls_to("chat.postMessage")
    assert call.args["unfurl_links"] is False and call.args["text"].startswith("Countdown")


@pytest.mark.parametrize("reason", ["is_archived", "not_in_channel", "channel_not_found", "account_inactive"])
async def test_a_destination_that_is_gone_says_so_in_the_log(
        http_bot: Bot, reason: str, caplog: pytest.LogCaptureFixture) -> None:
    slack = http_bot.slack
    if reason == "is_archived":
        slack.channel("C0OLD", archived=True)
    elif reason == "not_in_channel":
        slack.channel("C0OLD", member=False)
    elif reason == "channel_not_found":
        slack.remove_channel("C0OLD")
    else:
        slack.fail("chat.postMessage", Failure(200, "account_inactive"))
    with pytest.raises(DestinationGone) as gone:
        await http_bot.adapter.send(ChatRef("slack", "C0OLD", kind="channel"), CARD)
    assert gone.value.reason == reason
    assert f"slack destination gone chat=slack:C0OLD reason={reason}: no more posts there" in caplog.text
    assert (await http_bot.adapter.send(GENERAL, CARD)).message_ids  # other chats are unaffected


async def test_a_short_rate_limit_is_waited_out_by_the_client(http_bot: Bot) -> None:
    http_bot.slack.fail("chat.postMessage", too_many_requests(0))
    sent = await http_bot.adapter.send(GENERAL, CARD)
    calls = http_bot.slack.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert sent.message_ids == (http_bot.slack.messages_in("C0GENERAL")[0].ts,)


async def test_a_rate_limit_that_lasts_becomes_retry_later(http_bot: Bot) -> None:
    http_bot.slack.fail("chat.postMessage", too_many_requests(0), times=None)
    with pytest.raises(RetryLater) as later:
        await http_bot.adapter.send(GENERAL, CARD)
    assert later.value.retry_after == 0.0 and later.value.reason == "ratelimited"
    assert len(http_bot.slack.calls_to("chat.postMessage")) == 2  # the client retried once


async def test_retry_later_carries_slacks_retry_after(service: BriefingService, slack: FakeSlack) -> None:
    adapter = make_adapter(service, slack, rate_limit_retries=0)
    slack.fail("chat.postMessage", too_many_requests(30))
    with pytest.raises(RetryLater) as later:
        await adapter.send(GENERAL, CARD)
    assert later.value.retry_after == 30.0
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("error", ["msg_too_long", "invalid_blocks", "msg_blocks_too_long", "no_text"])
async def test_a_malformed_message_is_rejected(http_bot: Bot, error: str) -> None:
    http_bot.slack.fail("chat.postMessage", Failure(200, error))
    with pytest.raises(Rejected) as rejected:
        await http_bot.adapter.send(GENERAL, CARD)
    assert rejected.value.reason == error
    assert (await http_bot.adapter.send(GENERAL, CARD)).message_ids


@pytest.mark.parametrize(("status", "reason"), [(500, "http_500"), (502, "http_502"), (503, "http_503")])
async def test_slack_server_errors_make_it_unavailable(http_bot: Bot, status: int, reason: str) -> None:
    http_bot.slack.fail("chat.postMessage", server_error(status))
    with pytest.raises(Unavailable) as unavailable:
        await http_bot.adapter.send(GENERAL, CARD)
    assert unavailable.value.reason == reason
    assert (await http_bot.adapter.send(GENERAL, CARD)).message_ids


async def test_a_post_whose_answer_timed_out_is_not_sent_again(http_bot: Bot) -> None:
    """Slack may have posted it: retrying could show the card twice in the channel."""
    http_bot.adapter.client.timeout = 1
    http_bot.slack.fail("chat.postMessage", slow(3.0))
    with pytest.raises(Unavailable, match="may have been delivered") as unavailable:
        await http_bot.adapter.send(GENERAL, CARD)
    assert unavailable.value.maybe_sent
    await http_bot.slack.wait_for_messages("C0GENERAL", 1, within=5)
    assert len(http_bot.slack.calls_to("chat.postMessage")) == 1  # the client did not retry either
    assert (await http_bot.adapter.send(GENERAL, CARD)).message_ids
    assert len(http_bot.slack.messages_in("C0GENERAL")) == 2


async def test_slacks_internal_error_body_makes_it_unavailable(http_bot: Bot) -> None:
    http_bot.slack.fail("chat.postMessage", Failure(200, "internal_error"))
    with pytest.raises(Unavailable):
        await http_bot.adapter.send(GENERAL, CARD)


async def test_no_connection_makes_it_unavailable(service: BriefingService) -> None:
    gone = FakeSlack()
    await gone.start()
    base_url = gone.base_url
    await gone.stop()  # nothing listens there any more
    adapter = SlackAdapter(service, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, base_url=base_url)
    with pytest.raises(Unavailable) as unavailable:
        await adapter.send(GENERAL, CARD)
    assert unavailable.value.reason.startswith("slack unreachable: ")


# --- start-up ------------------------------------------------------------------------------------


async def test_a_refused_bot_token_fails_fast_naming_the_setting(
        service: BriefingService, slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = SlackAdapter(service, bot_token="xoxb-wrong-token-q9z7x8w6", signing_secret=SIGNING_SECRET,
                           base_url=slack.base_url)
    with pytest.raises(StartRefused) as failed:
        await adapter.start()
    message = str(failed.value)
    assert "SLACK_BOT_TOKEN" in message and "refused" in message and "invalid_auth" in message
    assert failed.value.refused
    assert not adapter.ready
    no_secrets_in(message + caplog.text + repr(adapter))
    assert [c.method for c in slack.calls] == ["auth.test"]


async def test_an_inactive_account_at_start_up_is_a_refused_token(service: BriefingService,
                                                                  slack: FakeSlack) -> None:
    slack.fail("auth.test", Failure(200, "account_inactive"))
    with pytest.raises(StartRefused, match=r"refused SLACK_BOT_TOKEN \(account_inactive\)"):
        await make_adapter(service, slack).start()


async def test_a_refused_app_token_fails_fast_instead_of_retrying(
        service: BriefingService, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeSlack(app_token="xapp-1-A0FAKEAPP-the-right-one") as slack:
        adapter = SlackAdapter(service, bot_token=BOT_TOKEN, signing_secret="", app_token="xapp-1-wrong-k3v5m2n4",
                               base_url=slack.base_url)
        with pytest.raises(StartRefused) as failed:
            await adapter.start()
        assert "SLACK_APP_TOKEN" in str(failed.value) and "refused" in str(failed.value)
        assert len(slack.calls_to("apps.connections.open")) == 1
        assert slack.socket.connections == 0 and not adapter.ready
        no_secrets_in(str(failed.value) + caplog.text)


@pytest.mark.parametrize(("kwargs", "setting"), [
    ({"bot_token": "xapp-1-wrong-k3v5m2n4"}, "SLACK_BOT_TOKEN"),
    ({"bot_token": ""}, "SLACK_BOT_TOKEN"),
    ({"app_token": "xoxb-wrong-token-q9z7x8w6"}, "SLACK_APP_TOKEN"),
    ({"signing_secret": ""}, "SLACK_SIGNING_SECRET"),
])
def test_settings_that_cannot_work_are_refused_at_once(service: BriefingService, kwargs: dict[str, str],
                                                        setting: str) -> None:
    settings = {"bot_token": BOT_TOKEN, "signing_secret": SIGNING_SECRET, **kwargs}
    with pytest.raises(StartRefused) as failed:
        SlackAdapter(service, **settings)  # type: ignore[arg-type]
    assert setting in str(failed.value)
    no_secrets_in(str(failed.value))


async def test_slack_out_of_reach_at_start_up_can_be_retried(service: BriefingService) -> None:
    adapter = SlackAdapter(service, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
                           base_url="http://127.0.0.1:9/api/")
    with pytest.raises(StartRefused) as failed:
        await adapter.start()
    assert "SLACK_API_BASE_URL" in str(failed.value) and "refused" not in str(failed.value)
    assert not failed.value.refused


async def test_a_slack_outage_at_start_up_can_be_retried(service: BriefingService, slack: FakeSlack) -> None:
    slack.fail("auth.test", server_error())
    adapter = make_adapter(service, slack)
    with pytest.raises(StartRefused, match="http_500") as failed:
        await adapter.start()
    assert "refused" not in str(failed.value) and not failed.value.refused
    await adapter.start()
    assert adapter.ready


def test_the_adapter_shows_no_secret(service: BriefingService) -> None:
    adapter = SlackAdapter(service, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, app_token=APP_TOKEN)
    no_secrets_in(repr(adapter) + str(vars(adapter.readers).get("usage")))


# --- while answering readers ---------------------------------------------------------------------


async def test_a_mention_in_an_archived_channel_reports_the_chat_gone(
        bot: Bot, events: RecordedEvents, caplog: pytest.LogCaptureFixture) -> None:
    bot.slack.channel("C0OLD", archived=True)
    await bot.deliver(bot.slack.app_mention("who lavrov", channel="C0OLD"))
    await bot.slack.wait_for_calls("chat.postMessage")
    await bot.settle()
    assert events.gone == [(ChatRef("slack", "C0OLD", kind="channel"), "is_archived")]
    assert "reason=is_archived" in caplog.text
    [message] = await bot.answers(bot.slack.app_mention("who lavrov"), "C0GENERAL")
    assert message.header() == "Sergey Lavrov"


class BrokenEvents:
    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        raise RuntimeError("the database is down")

    async def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        raise RuntimeError("the database is down")


async def test_a_failing_chat_event_is_logged_and_the_app_goes_on(
        http_bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    http_bot.adapter.readers.reports.events = BrokenEvents()
    http_bot.slack.channel("C0OLD", archived=True)
    await http_bot.deliver(http_bot.slack.app_mention("who lavrov", channel="C0OLD"))
    await http_bot.slack.wait_for_calls("chat.postMessage")
    await http_bot.settle()
    assert "chat_gone failed for slack:C0OLD" in caplog.text
    assert "slack listener failed" not in caplog.text  # the answer's failure, not the listener's
    [message] = await http_bot.answers(http_bot.slack.app_mention("who lavrov"), "C0GENERAL")
    assert message.header() == "Sergey Lavrov"


async def test_a_dm_to_an_inactive_account_reports_the_chat_gone(bot: Bot, events: RecordedEvents) -> None:
    bot.slack.fail("chat.postMessage", Failure(200, "account_inactive"))
    await bot.deliver(bot.slack.direct_message("when"))
    await bot.slack.wait_for_calls("chat.postMessage")
    await bot.settle()
    dm = bot.slack.dm_channel("U0READER")
    assert events.gone == [(ChatRef("slack", dm, kind="private"), "account_inactive")]


async def test_a_failing_post_gets_the_reader_an_apology_and_the_app_goes_on(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    bot.slack.fail("chat.postMessage", server_error())
    [apology] = await bot.answers(bot.slack.app_mention("who lavrov"), "C0GENERAL")
    assert apology.header() == "Sorry, something went wrong"
    assert "slack listener failed: Unavailable: http_500" in caplog.text
    [message] = await bot.answers(bot.slack.app_mention("who lavrov"), "C0GENERAL")
    assert message.header() == "Sergey Lavrov"


async def test_a_failing_listener_gets_the_reader_an_apology_and_the_app_goes_on(
        bot: Bot, service: BriefingService, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    answer = service.answer
    failures = [RuntimeError("the store is down")]

    async def flaky(text: str, chat: ChatRef, **kwargs: object) -> Reply | None:
        if failures:
            raise failures.pop()
        return await answer(text, chat, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "answer", flaky)
    [apology] = await bot.ask("who lavrov")
    assert apology.header() == "Sorry, something went wrong" and apology.ephemeral_to == "U0READER"
    assert "slack listener failed: RuntimeError: the store is down" in caplog.text
    [message] = await bot.ask("who lavrov")
    assert message.header() == "Sergey Lavrov"


async def test_a_dead_response_url_is_logged_and_the_app_goes_on(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    bot.slack.fail("response_url", Failure(404, "expired_url"), times=2)  # the answer, then the apology
    await bot.deliver(bot.slack.slash_command("who lavrov"))
    await bot.slack.wait_for_calls("response_url", 2)
    await bot.settle()
    assert "response URL refused the reply: 404 expired_url" in caplog.text
    assert "slack apology not delivered: ReplyRefused" in caplog.text
    [message] = await bot.ask("who lavrov")
    assert message.header() == "Sergey Lavrov"


async def test_a_rate_limited_reply_is_retried_and_delivered(bot: Bot) -> None:
    bot.slack.fail("chat.postMessage", too_many_requests(0))
    [message] = await bot.answers(bot.slack.app_mention("when"), "C0GENERAL")
    assert message.header() == "Second round of Russia-Ukraine talks in Istanbul"
    assert [c.status for c in bot.slack.calls_to("chat.postMessage")] == [429, 200]


async def test_a_refused_home_view_is_logged_and_the_next_one_published(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    bot.slack.fail("views.publish", Failure(200, "invalid_arguments"))
    await bot.deliver(bot.slack.home_opened())
    await bot.slack.wait_for_calls("views.publish")
    await bot.settle()
    assert "slack listener failed: SlackApiError" in caplog.text
    assert bot.slack.calls_to("chat.postMessage") == []  # nothing was asked: no apology in the DM
    await bot.deliver(bot.slack.home_opened())
    [_, published] = await bot.slack.wait_for_calls("views.publish", 2)
    await bot.settle()
    assert published.ok and "U0READER" in bot.slack.views


async def test_answering_leaves_the_process_loggers_alone(http_bot: Bot) -> None:
    ours = logging.getLogger("briefing")
    level = ours.level
    ours.setLevel(logging.DEBUG)
    try:
        await http_bot.ask("who lavrov")
        assert ours.level == logging.DEBUG and not ours.disabled  # bolt touches only its own loggers
    finally:
        ours.setLevel(level)
