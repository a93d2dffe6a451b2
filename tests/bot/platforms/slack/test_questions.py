"""Plain questions through the real bolt app and the fake Slack, over HTTP and Socket Mode."""

from __future__ import annotations

from tests.bot.platforms.slack.conftest import Bot


async def test_a_when_question_gets_the_date_of_the_event_it_names(bot: Bot) -> None:
    [answer] = await bot.ask("when was the proposal made")
    assert answer.header() == "Lavrov announces a second round of talks"
    assert "Thursday 29 May 2025" in answer.mrkdwn()
    assert "On May 29, 2025, Russian Foreign Minister Sergey Lavrov announced" in answer.mrkdwn()


async def test_a_fact_answer_has_its_quote_and_a_working_source_button(bot: Bot) -> None:
    [answer] = await bot.ask("what was Trump's position on sanctions?")
    assert "remained cautious about imposing new sanctions" in answer.mrkdwn()
    [source] = await bot.answers(bot.slack.press(answer, "Source"), "C0GENERAL")
    assert source.header() == "Source: Donald Trump"


async def test_the_article_not_saying_is_a_notice_with_the_usage_hint(bot: Bot) -> None:
    [answer] = await bot.ask("who is Turkey's president?")
    assert answer.header() == "The article doesn't say"
    assert "The article doesn't name Turkey's president." in answer.mrkdwn()
    assert "Donald Trump" not in answer.mrkdwn()
    assert "Usage: /briefing" in answer.mrkdwn()
