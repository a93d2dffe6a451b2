"""Several stories on Telegram, through the real ptb Application and the fake Bot API: each chat
chooses its story, a question about another story's people is answered from it, inline mode offers
the other stories too."""

from __future__ import annotations

import pytest

from bot.platforms.service import BriefingService
from tests.bot.platforms.telegram.conftest import Bot
from tests.fakes.telegram_api import User
from tests.newsroom import PORTLAND


@pytest.fixture
def service(newsroom_service: BriefingService) -> BriefingService:
    return newsroom_service


async def test_stories_lists_them_and_a_button_chooses_one_for_this_chat(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    [listing] = await telegram.ask(reader, "/stories")
    assert listing.text.startswith("Stories\n\nSummit in Reykjavik\n")
    assert "Russia-Ukraine talks in Istanbul (this chat's story)" in listing.text
    tg.press(reader, listing, "Vote in Portland")
    await tg.wait_until(lambda: listing.edits == 1, what="the listing turned into the story")
    assert listing.text.startswith("Following: Vote in Portland")
    [when] = await telegram.ask(reader, "/when")
    assert when.text.startswith("Vote in Portland\n")
    friend = tg.user(1002, "Bea")
    [theirs] = await telegram.ask(friend, "/when")
    assert theirs.text.startswith("Second round of Russia-Ukraine talks in Istanbul")


async def test_in_a_group_only_admins_choose_the_story(telegram: Bot, reader: User) -> None:
    tg = telegram.tg
    admin = tg.user(2001, "Admin")
    group = tg.group(-1005, admins=(admin,), members=(reader,))
    [refused] = await telegram.ask(group, "/story copenhagen", user=reader)
    assert refused.text.startswith("Not allowed")
    [chosen] = await telegram.ask(group, "/story copenhagen", user=admin)
    assert chosen.text.startswith("Following: Strike in Copenhagen")
    [when] = await telegram.ask(group, "/when", user=reader)
    assert when.text.startswith("Strike in Copenhagen")


async def test_a_question_about_another_storys_person_says_where_it_comes_from(telegram: Bot,
                                                                             reader: User) -> None:
    tg = telegram.tg
    [card] = await telegram.ask(reader, "who is Dana Whitfield?")
    assert card.text.startswith("Dana Whitfield\n\nFrom the story “Vote in Portland”\n")
    tg.press(reader, card, "Who's who")
    await tg.wait_until(lambda: card.edits == 1, what="the card turned into the next one")
    assert card.text.startswith("People in this briefing\n\nFrom the story “Vote in Portland”")
    assert "Rafael Ortiz" in card.text and "Lavrov" not in card.text


async def test_inline_mode_offers_the_other_stories_and_their_buttons_stay_there(telegram: Bot,
                                                                                 reader: User) -> None:
    tg = telegram.tg
    asked = tg.inline_query(reader, "portland")
    await tg.wait_until(lambda: asked.answered)
    assert [r["title"] for r in asked.results] == ["Portland", "Portland council sets Nov. 20 vote on bridge tolls."]
    assert {r["description"] for r in asked.results} == {"From the story “Vote in Portland”"}
    result = asked.results[1]  # the story's summary
    friend = tg.user(1002, "Bea")
    posted = tg.choose_inline_result(asked, result["id"], friend)
    assert "Portland council sets Nov. 20 vote on bridge tolls" in posted.text
    tg.press(friend, posted, "When")
    await tg.wait_until(lambda: posted.edits == 1, what="the inline card edited")
    assert posted.text.startswith("Vote in Portland\n\nFrom the story “Vote in Portland”")
    assert f"in {PORTLAND} " in posted.button("Countdown")["callback_data"]
