"""Readers' messages through the real ptb Application: commands, questions, groups, topics."""

from __future__ import annotations

from typing import Any

import pytest

from bot.platforms.service import BriefingService
from handlers.context import ChatRef, Permission
from handlers.registry import REGISTRY
from handlers.reply import Action, Reply, Section
from tests.bot.platforms.telegram.conftest import Bot, make_adapter
from tests.fakes.telegram_api import FakeTelegram, User
from tests.fakes.telegram_html import utf16_len


def html_ok(tg: FakeTelegram) -> bool:
    """Every message the bot sent was accepted by Telegram's HTML parser on the first try."""
    sends = tg.calls_to("sendMessage")
    return bool(sends) and all(c.status == 200 and c.args.get("parse_mode") == "HTML" for c in sends)


async def test_every_registered_command_answers_in_html(telegram: Bot, reader: User) -> None:
    for command in REGISTRY:
        [message] = await telegram.ask(reader, f"/{command.name}")
        assert message.html and message.text.strip(), command.name
    assert html_ok(telegram.tg)


async def test_the_command_menu_is_the_registry(telegram: Bot) -> None:
    assert telegram.tg.commands["default"] == [{"command": n, "description": d} for n, d in REGISTRY.menu()]


async def test_a_card_has_its_follow_ups_as_buttons_and_no_link_preview(telegram: Bot, reader: User) -> None:
    [card] = await telegram.ask(reader, "/who lavrov")
    assert card.text.startswith("Sergey Lavrov\n")
    assert {"type": "bold", "offset": 0, "length": len("Sergey Lavrov")} in card.entities
    assert [b["text"] for b in card.buttons][:2] == ["Source", "Medinsky"]
    assert all(b["callback_data"].startswith("cmd:") for b in card.buttons)
    assert card.link_preview_disabled


async def test_plain_questions_in_a_private_chat(telegram: Bot, reader: User) -> None:
    [medinsky] = await telegram.ask(reader, "who is Medinsky?")
    [when] = await telegram.ask(reader, "when are the talks?")
    assert medinsky.text.startswith("Vladimir Medinsky")
    assert "2 June 2025" in when.text


async def test_in_a_group_only_what_is_addressed_to_the_bot_is_answered(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    group = tg.group(-1001, members=(reader,))
    for ignored in ("/who@OtherBot lavrov", "/weather", "who is lavrov?", "lovely day"):
        tg.send_text(group, ignored, user=reader)
    # Updates of one chat are handled in order, so once this is answered the others were seen.
    [lavrov] = await telegram.ask(group, "/who@BriefingTestBot lavrov", user=reader)
    assert lavrov.text.startswith("Sergey Lavrov")
    [when] = await telegram.ask(group, "@BriefingTestBot when are the talks?", user=reader)
    assert "2 June 2025" in when.text
    [summary] = await telegram.ask(group, "/summary", user=reader)
    [again] = await telegram.ask(group, "and who is Fidan?", user=reader, reply_to=summary)
    assert again.text.startswith("Hakan Fidan")
    assert len(tg.messages_in(group.id)) == 4


async def test_an_unknown_command_gets_help_in_private_but_silence_in_groups(telegram: Bot, reader: User) -> None:
    [private] = await telegram.ask(reader, "/weather")
    assert private.text.startswith("Unknown command")
    group = telegram.tg.group(-1002, members=(reader,))
    telegram.tg.send_text(group, "/weather", user=reader)  # perhaps another bot's command
    [addressed] = await telegram.ask(group, "/weather@BriefingTestBot", user=reader)
    assert addressed.text.startswith("Unknown command")
    assert len(telegram.tg.messages_in(group.id)) == 1


async def test_replies_go_to_the_forum_topic_the_command_came_from(telegram: Bot, reader: User) -> None:
    forum = telegram.tg.group(-1003, forum=True, topics=(7, 9), members=(reader,))
    [in_topic] = await telegram.ask(forum, "/when", user=reader, thread_id=9)
    [in_general] = await telegram.ask(forum, "/when", user=reader)
    assert in_topic.thread_id == 9
    assert in_general.thread_id is None
    assert html_ok(telegram.tg)


async def test_commands_posted_in_a_channel_are_answered_there(telegram: Bot) -> None:
    channel = telegram.tg.channel(-1004)
    [post] = await telegram.ask(channel, "/summary")
    assert post.sender_chat is not None and post.sender_chat.id == channel.id


async def test_answers_in_one_chat_keep_the_order_of_the_questions(telegram: Bot, reader: User) -> None:
    questions = ["/who lavrov", "/who medinsky", "/who fidan", "/timeline", "/where"]
    for text in questions:
        telegram.tg.send_text(reader, text)
    replies = await telegram.tg.wait_for_messages(reader.id, len(questions))
    assert [m.text.split("\n")[0] for m in replies] == [
        "Sergey Lavrov", "Vladimir Medinsky", "Hakan Fidan", "Timeline", "Istanbul"]


class LongAnswers(BriefingService):
    """Answers /long with a reply far longer than one Telegram message."""

    async def answer(self, text: str, chat: ChatRef, **kwargs: Any) -> Reply | None:
        if text != "/long":
            return await super().answer(text, chat, **kwargs)
        sections = tuple(Section(f"Part {n}. " + "Lorem ipsum dolor sit amet. " * 60) for n in range(8))
        return Reply("A long answer", sections, (Action("Summary", "summary"),))


async def test_a_reply_over_4096_characters_is_split_at_sections(fake_telegram: FakeTelegram,
                                                                  service: BriefingService, reader: User) -> None:
    adapter = make_adapter(LongAnswers(service.library, service.clock), fake_telegram)
    await adapter.start()
    try:
        fake_telegram.send_text(reader, "/long")
        pages = await fake_telegram.wait_for_messages(reader.id, 4)  # two 1,700-character parts a page
    finally:
        await adapter.stop()
    assert len(pages) == 4
    assert all(utf16_len(p.text.strip()) <= 4096 for p in pages)
    assert [p.text.startswith("Part") for p in pages] == [False, True, True, True]  # the title leads
    assert [bool(p.buttons) for p in pages] == [False, False, False, True]  # the keyboard follows the last
    assert sum(p.text.count("Part ") for p in pages) == 8


class Permissions(BriefingService):
    """Records, for each question, what the adapter's may_manage answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: dict[str, bool] = {}  # text asked -> may_manage()

    async def answer(self, text: str, chat: ChatRef, *, bot_username: str | None = None,
                     may_manage: Permission | None = None, delivery: str | None = None,
                     reader_language: str | None = None) -> Reply | None:
        assert may_manage is not None
        self.answers[text] = await may_manage()
        return await super().answer(text, chat, bot_username=bot_username, may_manage=may_manage,
                                    delivery=delivery, reader_language=reader_language)


@pytest.fixture
async def permissions(fake_telegram: FakeTelegram, service: BriefingService) -> Any:
    spy = Permissions(service.library, service.clock)
    adapter = make_adapter(spy, fake_telegram)
    await adapter.start()
    yield spy
    await adapter.stop()


async def test_only_admins_may_manage_a_group(permissions: Permissions, fake_telegram: FakeTelegram,
                                              reader: User) -> None:
    tg = fake_telegram
    admin, owner = tg.user(2001, "Admin"), tg.user(2002, "Owner")
    group = tg.group(-1005, admins=(admin,), creator=owner, members=(reader,))
    channel = tg.channel(-1006)
    tg.send_text(reader, "/settings private")  # the reader's own chat
    tg.send_text(group, "/settings member", user=reader)
    tg.send_text(group, "/settings admin", user=admin)
    tg.send_text(group, "/settings owner", user=owner)
    tg.send_text(group, "/settings anonymous", sender_chat=group)  # an admin posting as the group
    tg.send_text(channel, "/settings channel")
    await tg.wait_until(lambda: len(permissions.answers) == 6, what="every question")
    assert permissions.answers == {"/settings private": True, "/settings member": False,
                                   "/settings admin": True, "/settings owner": True,
                                   "/settings anonymous": True, "/settings channel": True}
