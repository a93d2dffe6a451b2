"""BriefingService with four stories: each chat follows one, questions that name another story's
people are answered from it, and its buttons stay there."""

from __future__ import annotations

from bot.platforms.service import BriefingService
from content.library import Library
from handlers.context import ChatRef
from handlers.reply import Reply
from tests.newsroom import COPENHAGEN, PORTLAND, REYKJAVIK, Newsroom

ADA = ChatRef("telegram", "1001")
BEA = ChatRef("telegram", "1002")


async def ask(service: BriefingService, text: str, chat: ChatRef = ADA) -> Reply:
    reply = await service.answer(text, chat)
    assert reply is not None
    return reply


def press(reply: Reply, label: str) -> str:
    return next(a.command for a in reply.actions if a.label == label)


async def test_a_new_chat_follows_the_story_whose_event_comes_next(newsroom_service: BriefingService) -> None:
    reply = await ask(newsroom_service, "/when")
    assert reply.title == "Second round of Russia-Ukraine talks in Istanbul"


async def test_choosing_a_story_changes_this_chats_answers_only(newsroom_service: BriefingService) -> None:
    chosen = await ask(newsroom_service, "/story copenhagen")
    assert chosen.title == "Following: Strike in Copenhagen"
    assert "Tomorrow" not in chosen.plain_text() and "Strike in Copenhagen" in chosen.plain_text()
    when = await ask(newsroom_service, "/when")
    assert when.title == "Strike in Copenhagen" and "From the story" not in when.plain_text()
    assert (await ask(newsroom_service, "/when", BEA)).title == "Second round of Russia-Ukraine talks in Istanbul"
    current = await ask(newsroom_service, "/story")
    assert current.title == "This chat's story: Strike in Copenhagen"


async def test_a_button_of_the_listing_chooses_that_story(newsroom_service: BriefingService) -> None:
    listing = await ask(newsroom_service, "/stories")
    chosen = await ask(newsroom_service, press(listing, "Summit in Reykjavik"))
    assert chosen.title == "Following: Summit in Reykjavik"
    assert "Summit in Reykjavik (this chat's story)" in (await ask(newsroom_service, "stories")).plain_text()


async def test_a_question_about_another_storys_person_is_answered_from_it(
        newsroom_service: BriefingService) -> None:
    reply = await ask(newsroom_service, "who is Per Brandt?")
    assert reply.title == "Per Brandt"
    assert reply.sections[0].text == "From the story “Strike in Copenhagen”"
    people = await ask(newsroom_service, press(reply, "Who's who"))  # the button stays in that story
    assert people.sections[0].text == "From the story “Strike in Copenhagen”"
    assert "Birgitte Lunde" in people.plain_text() and "Lavrov" not in people.plain_text()
    followed = await ask(newsroom_service, press(reply, "Follow this story"))
    assert followed.title == "Following: Strike in Copenhagen"


async def test_a_question_the_current_story_can_answer_stays_in_it(newsroom_service: BriefingService) -> None:
    reply = await ask(newsroom_service, "who is Lavrov?")
    assert reply.title == "Sergey Lavrov" and "From the story" not in reply.plain_text()


async def test_a_story_that_is_no_longer_served_gives_way_to_the_default(
        newsroom: Newsroom, newsroom_service: BriefingService) -> None:
    library = newsroom.library()
    moving = BriefingService(library, newsroom_service.clock, chats=newsroom_service.chats)
    await ask(moving, f"/story {PORTLAND}")
    assert (await ask(moving, "/when")).title == "Vote in Portland"
    newsroom.remove(PORTLAND)
    assert library.reload().ids("removed") == [PORTLAND]
    assert (await ask(moving, "/when")).title == "Second round of Russia-Ukraine talks in Istanbul"


async def test_subscribing_subscribes_the_chat_to_its_own_story(newsroom_service: BriefingService) -> None:
    await ask(newsroom_service, f"/story {REYKJAVIK}")
    reply = await ask(newsroom_service, "/subscribe")
    assert reply.title == "Subscribed"
    assert "Countdown reminders for Summit in Reykjavik" in reply.plain_text()
    assert "Russia-Ukraine" not in reply.plain_text()
    assert "Summit in Reykjavik" in (await ask(newsroom_service, "/settings")).plain_text()


async def test_inline_offers_the_chats_story_and_then_the_others(newsroom_service: BriefingService,
                                                                 stories: Library) -> None:
    offered = await newsroom_service.cards("", ADA)
    titles = [reply.title for _, reply in offered]
    assert titles[1] == "Second round of Russia-Ukraine talks in Istanbul"
    others = [(command, reply) for command, reply in offered if reply.sections[0].text.startswith("From")]
    assert [command for command, _ in others] == [f"in {REYKJAVIK} summary", f"in {PORTLAND} summary",
                                                 f"in {COPENHAGEN} summary"]
    portland = stories.stories.get(PORTLAND)
    assert portland is not None
    typed = await newsroom_service.cards("portland", ADA)
    assert [reply.title for _, reply in typed][-1] == portland.deck.summary.headline.text


async def test_start_says_there_are_other_stories(newsroom_service: BriefingService) -> None:
    reply = await ask(newsroom_service, "/start")
    assert "I follow 3 other stories too: /stories lists them." in reply.plain_text()
