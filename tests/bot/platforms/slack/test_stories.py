"""Several stories on Slack, through the real bolt AsyncApp and the fake Web API (HTTP and Socket
Mode): each channel follows its story, a mention naming another story's person is answered from
it, and App Home lists the stories with a button to follow each."""

from __future__ import annotations

import pytest

from bot.platforms.service import BriefingService
from tests.bot.platforms.slack.conftest import Bot


@pytest.fixture
def service(newsroom_service: BriefingService) -> BriefingService:
    return newsroom_service


async def test_a_channel_follows_the_story_chosen_from_the_listing(bot: Bot) -> None:
    [listing] = await bot.ask("stories")
    assert listing.header() == "Stories"
    shown = listing.mrkdwn()
    assert shown.index("Summit in Reykjavik") < shown.index("Vote in Portland") < shown.index("Istanbul")
    [chosen] = await bot.answers(bot.slack.press(listing, "Vote in Portland"), "C0GENERAL")
    assert chosen.header() == "Following: Vote in Portland"
    [when] = await bot.ask("when")
    assert when.header() == "Vote in Portland"
    [elsewhere] = await bot.ask("when", channel="C0RANDOM")
    assert elsewhere.header() == "Second round of Russia-Ukraine talks in Istanbul"


async def test_a_mention_of_another_storys_person_is_answered_from_that_story(bot: Bot) -> None:
    [card] = await bot.answers(bot.slack.app_mention("who is Birgitte Lunde?"), "C0GENERAL")
    assert card.header() == "Birgitte Lunde"
    assert "From the story “Strike in Copenhagen”" in card.mrkdwn()
    assert card.button("Follow this story")["value"] == "story copenhagen-strike-2026-03-02"


async def test_app_home_lists_the_stories_and_a_button_follows_one(bot: Bot) -> None:
    await bot.deliver(bot.slack.home_opened())
    await bot.slack.wait_for_calls("views.publish")
    await bot.settle()
    home = bot.slack.home_message()
    shown = home.mrkdwn()
    assert "*Russia-Ukraine talks in Istanbul* (the one you follow) — 2 days to go" in shown
    assert "*Strike in Copenhagen* — " in shown
    dm = bot.slack.dm_channel("U0READER")
    [followed] = await bot.answers(bot.slack.press(home, "Strike in Copenhagen"), dm)
    assert followed.header() == "Following: Strike in Copenhagen"
    [answer] = await bot.answers(bot.slack.direct_message("who is Per Brandt?"), dm)
    assert answer.header() == "Per Brandt" and "From the story" not in answer.mrkdwn()
    await bot.deliver(bot.slack.home_opened())
    await bot.slack.wait_for_calls("views.publish", 2)
    await bot.settle()
    assert "*Strike in Copenhagen* (the one you follow)" in bot.slack.home_message().mrkdwn()
