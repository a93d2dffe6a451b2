"""Follow-up buttons and inline mode, through the real ptb Application and the fake Bot API."""

from __future__ import annotations

from bot.platforms.telegram.inline import CACHE_SECONDS
from bot.platforms.telegram.updates import EXPIRED_BUTTON
from tests.bot.platforms.telegram.conftest import Bot
from tests.fakes.telegram_api import NOT_MODIFIED, User


async def test_a_button_in_a_private_chat_turns_the_card_into_the_next_one(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    [card] = await telegram.ask(reader, "/who lavrov")
    press = tg.press(reader, card, "Medinsky")
    await tg.wait_until(lambda: card.edits == 1, what="the card edited")
    assert press.answered
    assert card.text.startswith("Vladimir Medinsky")
    assert card.html is not None and "<b>Vladimir Medinsky</b>" in card.html
    assert "Lavrov" in [b["text"] for b in card.buttons]  # the new card's own follow-ups
    assert len(tg.messages_in(reader.id)) == 1


async def test_pressing_an_old_button_for_the_card_already_shown_changes_nothing(telegram: Bot,
                                                                                 reader: User) -> None:
    tg = telegram.tg
    [card] = await telegram.ask(reader, "/who lavrov")
    data = card.button("Who's who")["callback_data"]
    tg.press(reader, card, data=data)
    await tg.wait_until(lambda: card.edits == 1)
    stale = tg.press(reader, card, data=data)  # the same card again: Telegram says "not modified"
    await tg.wait_until(lambda: stale.answered)
    await telegram.ask(reader, "/when")  # answered after the press, so the press is fully handled
    refused = [c for c in tg.calls_to("editMessageText") if c.status == 400]
    assert [c.error for c in refused] == [NOT_MODIFIED]
    assert card.edits == 1
    assert len(tg.messages_in(reader.id)) == 2  # the card and the /when answer: no apology, no copy


async def test_a_button_in_a_group_posts_a_new_card_in_the_same_topic(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    forum = tg.group(-2001, forum=True, topics=(5,), members=(reader,))
    [card] = await telegram.ask(forum, "/who lavrov", user=reader, thread_id=5)
    press = tg.press(reader, card, "Timeline")
    [_, timeline] = await tg.wait_for_messages(forum.id, 2)
    assert press.answered
    assert timeline.text.startswith("Timeline") and timeline.thread_id == 5
    assert card.edits == 0 and card.text.startswith("Sergey Lavrov")


async def test_a_button_from_an_older_keyboard_is_answered_and_ignored(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    [card] = await telegram.ask(reader, "/summary")
    press = tg.press(reader, card, data="page:2")
    await tg.wait_until(lambda: press.answered)
    assert press.answer is not None and press.answer["text"] == EXPIRED_BUTTON
    await telegram.ask(reader, "/when")
    assert card.edits == 0 and len(tg.messages_in(reader.id)) == 2


async def test_inline_mode_offers_matching_cards(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    asked = tg.inline_query(reader, "lavrov")
    await tg.wait_until(lambda: asked.answered)
    assert [r["title"] for r in asked.results] == ["Sergey Lavrov"]
    assert asked.is_personal and asked.cache_time == CACHE_SECONDS
    [result] = asked.results
    assert result["input_message_content"]["parse_mode"] == "HTML"
    assert asked.parsed[result["id"]][0].startswith("Sergey Lavrov\n")  # the fake parsed it


async def test_inline_mode_without_a_query_offers_the_overview(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    empty, nothing = tg.inline_query(reader, ""), tg.inline_query(reader, "zzzz qqqq")
    await tg.wait_until(lambda: empty.answered and nothing.answered)
    assert [r["title"] for r in empty.results][1:] == ["Second round of Russia-Ukraine talks in Istanbul",
                                                      "People in this briefing", "Timeline"]
    assert nothing.results == []


async def test_a_button_on_a_posted_inline_card_edits_it(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    friend = tg.user(1002, "Bea")
    asked = tg.inline_query(reader, "medinsky")
    await tg.wait_until(lambda: asked.answered)
    posted = tg.choose_inline_result(asked, asked.results[0]["id"], friend)  # in the friend's chat
    press = tg.press(friend, posted, "Who's who")
    await tg.wait_until(lambda: posted.edits == 1, what="the inline card edited")
    assert press.answered
    assert posted.text.startswith("People in this briefing")
    assert tg.messages_in(friend.id) == []  # nothing posted by the bot itself
