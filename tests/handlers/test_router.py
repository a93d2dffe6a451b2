"""From typed text to the right command: slashes, bot names, Slack's text, plain questions."""

from __future__ import annotations

import pytest

from content.loader import Briefing
from handlers.registry import Query
from handlers.router import parse
from tests.handlers.conftest import Ask


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("/who lavrov", "who", "lavrov"),
        ("/WHO Lavrov", "who", "Lavrov"),
        ("/who@BriefingBot lavrov", "who", "lavrov"),
        ("/who\nlavrov", "who", "lavrov"),  # any white space ends the command
        ("/who\tSergey  Lavrov", "who", "Sergey  Lavrov"),
        ("/when\r\n", "when", ""),
        ("/when@briefingbot", "when", ""),
        ("who lavrov", "who", "lavrov"),  # Slack: "/briefing who lavrov" arrives as "who lavrov"
        ("who is Medinsky?", "who", "is Medinsky?"),
        ("Who’s Medinsky", "who", "medinsky"),  # a bare name after the question word
        ("when are the talks?", "when", "are the talks?"),
        ("where?", "where", ""),
        ("What time are the talks?", "when", "are the talks"),
        ("how long until the talks", "countdown", "until the talks"),
        ("what happened?", "summary", ""),
        ("hello", "start", ""),
        ("help", "help", ""),
        ("what's at stake?", "stakes", ""),
        ("tell me about Turkey", "stakes", "turkey-host"),
        ("what is the memorandum", "stakes", "russia-memorandum"),
        ("tell me about Fidan", "who", "fidan"),
        ("Lavrov", "who", "lavrov"),  # a bare name
        ("Istanbul", "where", "istanbul"),
        ("Лавров", "who", "lavrov"),
        ("the weather in Oslo", "", ""),
        ("", "", ""),
    ],
)
def test_parse(briefing: Briefing, text: str, command: str, args: str) -> None:
    query = parse(briefing, text, bot_username="BriefingBot")
    assert query is not None
    assert (query.command, query.args) == (command, args)


def test_a_command_for_another_bot_is_not_ours(briefing: Briefing) -> None:
    assert parse(briefing, "/who@OtherBot lavrov", bot_username="BriefingBot") is None
    assert parse(briefing, "/who@OtherBot lavrov") == Query("who", "lavrov", "/who@OtherBot lavrov")


async def test_plain_questions_reach_the_same_handlers(ask: Ask) -> None:
    assert (await ask("who is Medinsky?")).title == "Vladimir Medinsky"
    assert (await ask("when are the talks?")).title == "Second round of Russia-Ukraine talks in Istanbul"
    assert (await ask("where?")).title == "Istanbul"
    assert (await ask("tell me about sanctions")).title == "The U.S. stance on sanctions"


async def test_an_unknown_command_gets_a_hint(ask: Ask) -> None:
    reply = await ask("/summry")
    assert reply.title == "Unknown command"
    assert "There is no /summry here. Did you mean /summary?" in reply.plain_text()
    assert [a.command for a in reply.actions] == ["summary", "help"]
    far = await ask("/launch")
    assert "Did you mean" not in far.plain_text()
    assert [a.command for a in far.actions] == ["help"]


async def test_text_it_cannot_place_gets_examples_not_silence(ask: Ask) -> None:
    reply = await ask("the weather in Oslo")
    assert reply.title == "I answer questions about this briefing"
    assert "/who lavrov" in reply.plain_text()


async def test_hostile_input_is_echoed_short_and_flat(ask: Ask) -> None:
    reply = await ask("/who " + "<b>x</b>\n\x00" * 2000)
    text = reply.plain_text()
    assert reply.title == "Not in this briefing"
    assert "\x00" not in text
    assert len(text) < 1000


async def test_a_command_on_its_own_line_is_still_the_command(ask: Ask) -> None:
    reply = await ask("/who\nlavrov")
    assert reply.title == "Sergey Lavrov"
    assert "There is no" not in reply.plain_text()


async def test_a_who_question_about_a_role_no_one_holds_names_no_one(ask: Ask) -> None:
    reply = await ask("who is Turkey's president?")
    assert reply.title == "The article doesn't say"
    assert "The article doesn't name Turkey's president." in reply.plain_text()
    assert "More than one match" not in reply.plain_text() and reply.unanswered


async def test_words_the_article_uses_are_never_not_in_this_briefing(ask: Ask) -> None:
    reply = await ask("/stakes Lavrov")
    assert "not named in this briefing" not in reply.plain_text()
    assert "The article mentions “Lavrov”, but not as one of these." in reply.plain_text()
    assert (await ask("/who presidential aide")).title == "Vladimir Medinsky"
