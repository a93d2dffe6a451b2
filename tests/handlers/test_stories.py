"""Stories, as rules: which one a new chat follows, which one a question names, and how an answer
from another story says so and keeps its buttons there."""

from __future__ import annotations

import datetime as dt

import pytest

from content.library import Library
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.registry import Query
from handlers.reply import ACTION_COMMAND_MAX_BYTES, Action, Reply
from handlers.router import answer
from handlers.stories import default_story, elsewhere, find, from_story, scoped
from tests.newsroom import COPENHAGEN, ISTANBUL, PORTLAND, REYKJAVIK, Newsroom

BEFORE_TALKS = dt.datetime.fromisoformat("2025-05-31T12:00+03:00")
DURING_STRIKE = dt.datetime.fromisoformat("2026-03-04T12:00+01:00")
BETWEEN_SUMMIT_AND_VOTE = dt.datetime.fromisoformat("2026-11-18T12:00+00:00")
LONG_AFTER = dt.datetime.fromisoformat("2027-06-01T12:00+00:00")


@pytest.fixture(scope="module")
def library(drafted: Newsroom) -> Library:
    return drafted.library()


@pytest.mark.parametrize(("now", "expected"), [
    (BEFORE_TALKS, ISTANBUL),  # every main event is ahead: the soonest
    (DURING_STRIKE, COPENHAGEN),  # a strike under way comes before the ones ahead
    (BETWEEN_SUMMIT_AND_VOTE, PORTLAND),  # the summit has opened: the vote is next
    (LONG_AFTER, REYKJAVIK),  # all in the past: the newest article
])
def test_a_new_chat_follows_the_story_whose_main_event_comes_next(library: Library, now: dt.datetime,
                                                                 expected: str) -> None:
    assert default_story(library.stories, now).deck.id == expected


def test_a_story_is_found_by_its_id_or_its_title_with_typos(library: Library) -> None:
    stories = library.stories
    assert find(stories, PORTLAND) is stories.get(PORTLAND)
    assert find(stories, "Reykjavik summit") is stories.get(REYKJAVIK)
    assert find(stories, "strike in copenhagn") is stories.get(COPENHAGEN)
    assert find(stories, "the weather on mars") is None


def test_buttons_of_another_story_carry_its_id() -> None:
    assert scoped(f"in {PORTLAND} who ortiz") == (PORTLAND, "who ortiz")
    assert scoped(f"/in {PORTLAND}") == (PORTLAND, "summary")
    assert scoped("in which city are the talks?") == ("which", "city are the talks?")
    assert scoped("who is in charge?") is None


def ask_of(library: Library, current: str, text: str) -> str | None:
    command, _space, args = text[1:].partition(" ")
    query = Query(command, args, text) if text.startswith("/") else Query("", "", text)
    current_story = library.stories.get(current)
    assert current_story is not None
    found = elsewhere(library.stories, current_story, query)
    return found.deck.id if found is not None else None


def test_a_question_naming_only_another_storys_person_goes_there(library: Library) -> None:
    assert ask_of(library, ISTANBUL, "who is Dana Whitfield?") == PORTLAND
    assert ask_of(library, ISTANBUL, "/who Karlsson") == REYKJAVIK
    assert ask_of(library, ISTANBUL, "what did Brandt say about the walkout") == COPENHAGEN
    assert ask_of(library, REYKJAVIK, "when is the vote in Portland?") == PORTLAND
    assert ask_of(library, ISTANBUL, "who is the mayor?") == PORTLAND  # her alias: no one else's


def test_a_name_the_current_story_knows_stays_there(library: Library) -> None:
    assert ask_of(library, ISTANBUL, "who is Lavrov?") is None
    assert ask_of(library, ISTANBUL, "what did Trump say?") is None
    assert ask_of(library, ISTANBUL, "who is the foreign minister?") is None  # a role Istanbul's people have
    assert ask_of(library, ISTANBUL, "/timeline") is None
    assert ask_of(library, PORTLAND, "who is Lavrov?") == ISTANBUL


def test_an_answer_from_another_story_says_so_and_its_buttons_stay_there(library: Library) -> None:
    b = library.stories.get(REYKJAVIK)
    assert b is not None
    long_id = "x" * 60
    reply = Reply("Eyvindur Karlsson", actions=(Action("Timeline", "timeline"), Action("Far", long_id)))
    shown = from_story(reply, b)
    assert shown.sections[0].text == "From the story “Summit in Reykjavik”"
    assert [a.command for a in shown.actions] == [f"in {REYKJAVIK} timeline", f"story {REYKJAVIK}"]
    assert all(len(a.command.encode()) <= ACTION_COMMAND_MAX_BYTES for a in shown.actions)


async def test_stories_lists_every_story_newest_first_with_its_countdown(library: Library) -> None:
    b = library.stories.get(ISTANBUL)
    assert b is not None
    reply = await answer(b, "/stories", Context(FixedClock(BEFORE_TALKS), stories=library.stories))
    assert reply is not None
    assert [s.heading for s in reply.sections] == [
        "Summit in Reykjavik", "Vote in Portland", "Strike in Copenhagen",
        "Russia-Ukraine talks in Istanbul (this chat's story)"]
    assert reply.sections[-1].text.startswith("2 days to go: Second round of Russia-Ukraine talks in Istanbul")
    assert [a.command for a in reply.actions] == [f"story {REYKJAVIK}", f"story {PORTLAND}",
                                                  f"story {COPENHAGEN}"]


async def test_choosing_a_story_needs_the_bots_database(library: Library) -> None:
    b = library.stories.get(ISTANBUL)
    assert b is not None
    reply = await answer(b, "/story portland", Context(FixedClock(BEFORE_TALKS), stories=library.stories))
    assert reply is not None and "needs the bot's database" in reply.plain_text()
    unknown = await answer(b, "/story atlantis", Context(FixedClock(BEFORE_TALKS), stories=library.stories))
    assert unknown is not None and unknown.title == "No such story"
    assert f"Vote in Portland — /story {PORTLAND}" in unknown.plain_text()
