"""Hostile input: whatever a reader types, the answer is valid HTML that Telegram accepts."""

from __future__ import annotations

import pytest

from tests.bot.platforms.telegram.conftest import Bot
from tests.fakes.telegram_api import User

HOSTILE = [
    '/who <b>Lavrov</b> & "co" <script>alert(1)</script>',
    "/who &lt;i&gt; &amp; &#x3C; &nbsp;",
    "/where </blockquote></b><pre>",
    "/source " + "x" * 10_000,
    "/who " + "лавров " * 1_500,
    "/who 😀🇺🇦👩‍👩‍👧 Лавров 🙂",
    "/who לברוב סרגיי",  # right-to-left: Hebrew
    "/who ‮vorvaL‬",  # a right-to-left override around the name
    "/stakes سرگئی لاوروف",  # Persian
    "/who \x00\x1b[31mred\u200b\ufeff",
    "who is <Medinsky>?",
    "/" + "a" * 100,
    "/who@BriefingTestBot " + "&" * 5_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_text_gets_a_valid_answer(telegram: Bot, reader: User, text: str) -> None:
    [answer] = await telegram.ask(reader, text)
    sends = telegram.tg.calls_to("sendMessage")
    assert [c.status for c in sends] == [200], sends[-1].error  # no plain-text fallback needed
    assert answer.html is not None and answer.text.strip()
    assert {e["type"] for e in answer.entities} <= {"bold", "italic", "blockquote"}  # no injected markup
    assert len(answer.text) < 4096
    [after] = await telegram.ask(reader, "/when")  # and the bot is still answering
    assert after.text.startswith("Second round")


async def test_hostile_text_in_a_group_topic(telegram: Bot, reader: User) -> None:
    forum = telegram.tg.group(-3001, forum=True, topics=(3,), members=(reader,))
    for text in HOSTILE[:4]:
        [answer] = await telegram.ask(forum, text.replace("/who", "/who@BriefingTestBot", 1), user=reader,
                                      thread_id=3)
        assert answer.thread_id == 3 and answer.html is not None
    assert all(c.status == 200 for c in telegram.tg.calls_to("sendMessage"))


async def test_what_a_reader_typed_is_echoed_exactly_as_typed(telegram: Bot, reader: User) -> None:
    [entities] = await telegram.ask(reader, "/who &lt;i&gt; &amp; &#x3C; &nbsp;")
    [tags] = await telegram.ask(reader, "/where </blockquote></b><pre>")
    assert "“&lt;i&gt; &amp; &#x3C; &nbsp;” is not named" in entities.text  # not decoded, not doubled
    assert "“</blockquote></b><pre>” is not named" in tags.text
