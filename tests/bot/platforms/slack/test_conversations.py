"""Readers and the app, end to end, over HTTP (signed requests) and Socket Mode alike.

Each test sends what Slack sends and asserts what the fake Slack received back.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.platforms.service import BriefingService
from bot.platforms.slack.blocks import SHARE_LABEL, slack_commands
from content.loader import Briefing
from handlers.clock import FixedClock
from handlers.context import ChatRef, ChatSettings, SubscriptionSummary
from handlers.registry import REGISTRY
from handlers.reply import Field, Reply, Section
from tests.bot.platforms.slack.conftest import Asked, Bot
from tests.fakes.chat_events import RecordedEvents
from tests.fakes.slack_api import Message, message_problem

EXAMPLES = {"who": "who lavrov", "when": "when", "where": "where istanbul", "stakes": "stakes",
            "source": "source lavrov", "countdown": "countdown"}


async def expected(briefing: Briefing, clock: FixedClock, text: str, chat: ChatRef) -> Reply:
    """What the core answers, asked directly (a fresh service: no remembered topic)."""
    reply = await BriefingService(briefing, clock).answer(text, chat)
    assert reply is not None
    return reply


def assert_accepted(messages: list[Message]) -> None:
    for m in messages:
        assert message_problem(m.text, m.blocks) is None
        assert m.text


@pytest.mark.parametrize("command", [c.name for c in REGISTRY])
async def test_every_command_through_the_slash_command(bot: Bot, command: str, briefing: Briefing,
                                                       clock: FixedClock) -> None:
    text = EXAMPLES.get(command, command)
    messages = await bot.ask(text)
    reply = await expected(briefing, clock, text, ChatRef("slack", "C0GENERAL", kind="channel"))
    assert messages[0].header() == reply.title
    assert all(m.ephemeral_to == "U0READER" for m in messages)  # only the reader sees it
    assert_accepted(messages)
    labels = [b["text"]["text"] for b in messages[-1].buttons]
    assert labels[:len(reply.actions)] == [slack_commands(a.label) for a in reply.actions]
    assert (SHARE_LABEL in labels) == (reply.tone == "card")


async def test_the_slash_command_is_acked_at_once_with_an_empty_body(bot: Bot) -> None:
    answer = await bot.deliver(bot.slack.slash_command("who lavrov"))
    assert answer.status == 200 and answer.text == ""
    [call] = await bot.slack.wait_for_calls("response_url")
    assert call.args["response_type"] == "ephemeral" and call.args["replace_original"] is False
    await bot.settle()


async def test_a_bare_slash_command_introduces_the_bot_with_the_usage_hint(bot: Bot) -> None:
    [message] = await bot.ask("")
    assert message.header() is not None and message.header().startswith("Briefing:")
    assert "Usage: /briefing start | help | summary | who [name]" in message.mrkdwn()


async def test_a_question_not_understood_gets_the_usage_hint(bot: Bot) -> None:
    [message] = await bot.ask("what is the meaning of life")
    assert "Usage: /briefing" in message.mrkdwn()
    assert SHARE_LABEL not in [b["text"]["text"] for b in message.buttons]


async def test_an_app_mention_is_answered_in_the_channel(bot: Bot, asked: Asked) -> None:
    [message] = await bot.answers(bot.slack.app_mention("who is Fidan?"), "C0GENERAL")
    assert message.header() == "Hakan Fidan"
    assert message.via == "chat.postMessage" and message.ephemeral_to is None and message.thread_ts is None
    assert asked.texts == ["who is Fidan?"]  # the mention stripped


async def test_a_mention_in_a_thread_is_answered_in_the_thread(bot: Bot, asked: Asked) -> None:
    delivery = bot.slack.app_mention("when?", thread_ts="1748680000.000100")
    [message] = await bot.answers(delivery, "C0GENERAL")
    assert message.thread_ts == "1748680000.000100"
    assert asked.calls[0][1] == ChatRef("slack", "C0GENERAL", "1748680000.000100", "channel")


async def test_a_direct_message_is_answered_in_the_dm(bot: Bot, asked: Asked) -> None:
    dm = bot.slack.dm_channel("U0READER")
    [message] = await bot.answers(bot.slack.direct_message("when are the talks?"), dm)
    assert message.header() == "Second round of Russia-Ukraine talks in Istanbul"
    assert "Time*\nNot announced" in message.mrkdwn()
    assert asked.calls[0][1] == ChatRef("slack", dm, None, "private")


async def test_edits_bot_messages_and_channel_chatter_are_not_answered(bot: Bot, asked: Asked) -> None:
    slack = bot.slack
    for delivery in (slack.direct_message("edited", subtype="message_changed"),
                     slack.direct_message("from a bot", bot_id="B0OTHER"),
                     slack.event({"type": "message", "channel": "C0GENERAL", "user": "U0READER",
                                  "text": "who lavrov", "ts": "1.1", "channel_type": "channel"}),
                     slack.home_opened(tab="messages")):
        assert (await bot.deliver(delivery)).status == 200
    await bot.settle()
    assert asked.texts == []
    assert [c.method for c in slack.calls if c.method != "auth.test" and c.method != "apps.connections.open"] == []


async def test_app_home_shows_the_summary_countdown_and_no_subscriptions_without_a_database(
        bot: Bot, briefing: Briefing, clock: FixedClock) -> None:
    await bot.deliver(bot.slack.home_opened("U0READER"))
    [call] = await bot.slack.wait_for_calls("views.publish")
    await bot.settle()
    assert call.ok and call.args["user_id"] == "U0READER"
    home = bot.slack.home_message("U0READER")
    summary = await expected(briefing, clock, "summary", ChatRef("slack", "D0READER", kind="private"))
    assert home.header() == summary.title
    shown = home.mrkdwn()
    countdown = summary.sections[-1].text
    assert "2 days" in countdown and countdown in shown
    assert "Subscriptions are not available" in shown
    assert "Usage: /briefing start" in shown


@dataclass
class Chats:
    subs: list[SubscriptionSummary]

    async def settings(self, chat: ChatRef) -> ChatSettings:
        return ChatSettings()

    async def timezone(self, chat: ChatRef) -> str | None:
        return None

    async def story(self, chat: ChatRef) -> str | None:
        return None

    async def subscriptions(self, platform: str) -> list[SubscriptionSummary]:
        assert platform == "slack"
        return self.subs


async def test_app_home_lists_this_workspaces_subscriptions(bot: Bot, service: BriefingService) -> None:
    service.chats = Chats([
        SubscriptionSummary(ChatRef("slack", "C0GENERAL", kind="channel"), "Countdown D-7, D-3, D-1 at 09:00",
                            True),
        SubscriptionSummary(ChatRef("slack", "C0NEWS", "17.1", "channel"), "Daily <!channel> & more", False),
        SubscriptionSummary(ChatRef("slack", "D0DM", kind="private"), "Daily briefing", True),
    ])
    await bot.deliver(bot.slack.home_opened())
    await bot.slack.wait_for_calls("views.publish")
    await bot.settle()
    shown = bot.slack.home_message().mrkdwn()
    assert "• <#C0GENERAL> — Countdown D-7, D-3, D-1 at 09:00 (active)" in shown
    assert "• <#C0NEWS> (in a thread) — Daily &lt;!channel&gt; &amp; more (stopped)" in shown
    assert "• A direct message — Daily briefing (active)" in shown


async def test_a_follow_up_button_runs_its_command_for_the_reader(bot: Bot) -> None:
    [card] = await bot.ask("who lavrov")
    [answer] = await bot.answers(bot.slack.press(card, "Medinsky"), "C0GENERAL")
    assert answer.header() == "Vladimir Medinsky"
    assert answer.via == "response_url" and answer.ephemeral_to == "U0READER"


async def test_share_in_channel_posts_the_card_for_everyone(bot: Bot) -> None:
    [card] = await bot.ask("who lavrov")
    [shared] = await bot.answers(bot.slack.press(card, SHARE_LABEL), "C0GENERAL")
    assert shared.header() == "Sergey Lavrov"
    assert shared.ephemeral_to is None and shared.response_type == "in_channel"
    assert SHARE_LABEL not in [b["text"]["text"] for b in shared.buttons]
    assert bot.slack.calls_to("response_url")[-1].args.get("delete_original") is True


async def test_a_button_in_a_dm_answers_in_the_dm(bot: Bot) -> None:
    dm = bot.slack.dm_channel("U0READER")
    [card] = await bot.answers(bot.slack.direct_message("who lavrov"), dm)
    [answer] = await bot.answers(bot.slack.press(card, "Fidan"), dm)
    assert answer.header() == "Hakan Fidan" and answer.via == "chat.postMessage"


async def test_a_button_on_app_home_answers_in_the_apps_dm(bot: Bot) -> None:
    await bot.deliver(bot.slack.home_opened())
    await bot.slack.wait_for_calls("views.publish")
    await bot.settle()
    home = bot.slack.home_message()
    dm = bot.slack.dm_channel("U0READER")
    [answer] = await bot.answers(bot.slack.press(home, "Who's who"), dm)
    assert answer.header() == "People in this briefing"


HOSTILE = "<!channel> *bold* _it_ ~strike~ `code` &amp; &lt;script&gt;alert(1)&lt;/script&gt; <!here>"


async def test_hostile_input_comes_back_inert(bot: Bot, asked: Asked) -> None:
    [message] = await bot.ask(f"who {HOSTILE}")
    assert asked.texts == ["who @channel *bold* _it_ ~strike~ `code` & <script>alert(1)</script> @here"]
    shown = message.mrkdwn()
    assert "&lt;script&gt;" in shown and "&amp;" in shown
    assert "<!" not in shown and "<script>" not in shown and "<!" not in message.text
    assert_accepted([message])


async def test_a_mention_full_of_markup_is_answered_without_pinging_anyone(bot: Bot) -> None:
    [message] = await bot.answers(bot.slack.app_mention(f"tell me about {HOSTILE}"), "C0GENERAL")
    assert "<!channel>" not in message.mrkdwn() + message.text
    assert "<!here>" not in message.mrkdwn() + message.text


async def test_ten_thousand_characters_get_a_short_clear_answer(bot: Bot, asked: Asked, briefing: Briefing,
                                                                clock: FixedClock) -> None:
    typed = "who " + "Лавров<>&" * 1112
    [message] = await bot.ask(typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    assert asked.texts[0] == typed and len(typed) > 10_000  # as Slack sends it: entities decoded
    reply = await expected(briefing, clock, typed, ChatRef("slack", "C0GENERAL", kind="channel"))
    assert message.header() == reply.title
    assert len(message.mrkdwn()) < 3000
    assert SHARE_LABEL not in [b["text"]["text"] for b in message.buttons]  # too long to carry
    dm = bot.slack.dm_channel("U0READER")
    [dm_answer] = await bot.answers(bot.slack.direct_message("x" * 10_000), dm)
    assert dm_answer.header() == "I answer questions about this briefing"
    assert_accepted([message, dm_answer])


def huge_card() -> Reply:
    sections = tuple(Section(f"Paragraph {i}. " + "Lorem ipsum dolor sit amet. " * 40, heading=f"Part {i}",
                             fields=(Field("Index", str(i)),))
                     for i in range(70))
    return Reply("The longest card", sections)


async def test_a_card_over_the_block_limits_arrives_in_several_messages(
        bot: Bot, service: BriefingService, monkeypatch: pytest.MonkeyPatch) -> None:
    async def answer(text: str, chat: ChatRef, **kwargs: object) -> Reply:
        return huge_card()

    monkeypatch.setattr(service, "answer", answer)
    delivery = bot.slack.app_mention("everything")
    await bot.deliver(delivery)
    await bot.slack.wait_for_messages("C0GENERAL", 2)
    await bot.settle()
    messages = bot.slack.messages_in("C0GENERAL")
    calls = bot.slack.calls_to("chat.postMessage")
    assert len(messages) == len(calls) >= 3 and all(c.ok for c in calls)
    assert sum(len(m.blocks) for m in messages) > 50
    assert messages[0].header() == "The longest card" and all(m.header() is None for m in messages[1:])
    shown = "\n".join(m.mrkdwn() for m in messages)
    assert all(f"*Part {i}*" in shown for i in range(70))
    assert_accepted(messages)


async def test_the_permission_passed_to_the_core_lets_anyone_manage_by_default(bot: Bot, asked: Asked) -> None:
    await bot.ask("help")
    may_manage = asked.calls[0][2]["may_manage"]
    assert await may_manage() is True


async def test_only_configured_admins_may_manage(service: BriefingService, events: RecordedEvents) -> None:
    from tests.bot.platforms.slack.conftest import make_adapter
    from tests.fakes.slack_api import FakeSlack

    adapter = make_adapter(service, FakeSlack(), admins=frozenset({"U0ADMIN"}))
    assert await adapter.readers.permission("U0ADMIN")() is True
    assert await adapter.readers.permission("U0READER")() is False
    assert await adapter.readers.permission(None)() is False
