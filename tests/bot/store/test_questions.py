"""Unanswered questions in the store: their words, platform and time, listed by how often asked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect

from bot.store import Store
from bot.store.questions import normalise

DAY = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)


async def test_the_most_asked_come_first_with_their_platforms(store: Store) -> None:
    for text, platform, hours in [("Has a ceasefire been agreed?", "telegram", 0),
                                  ("has a ceasefire  been agreed", "slack", 1),
                                  ("what does Zelensky think?", "telegram", 2),
                                  ("HAS A CEASEFIRE BEEN AGREED?!", "telegram", 3)]:
        await store.questions.record("istanbul-talks-2025", text, platform, DAY + dt.timedelta(hours=hours))
    [first, second] = await store.questions.most_asked()
    assert (first.text, first.times, first.platforms) == ("has a ceasefire been agreed", 3, ("slack", "telegram"))
    assert first.last == DAY + dt.timedelta(hours=3)
    assert (second.text, second.times) == ("what does zelensky think", 1)


async def test_since_and_limit_narrow_the_list(store: Store) -> None:
    await store.questions.record("d", "old question", "slack", DAY - dt.timedelta(days=3))
    await store.questions.record("d", "new question", "slack", DAY)
    await store.questions.record("d", "newer question", "slack", DAY + dt.timedelta(hours=1))
    assert [a.text for a in await store.questions.most_asked(since=DAY)] == ["new question", "newer question"]
    assert len(await store.questions.most_asked(limit=1)) == 1


async def test_only_words_platform_and_time_are_kept(store: Store) -> None:
    async with store.engine.connect() as conn:
        columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("unanswered_questions")})
    assert columns == {"id", "deck", "text", "platform", "asked_at"}


async def test_blank_text_is_not_kept(store: Store) -> None:
    await store.questions.record("d", " \n?! ", "telegram", DAY)
    assert await store.questions.most_asked() == []


def test_normalised_text_is_one_short_lower_case_line() -> None:
    assert normalise("  Who is\tTurkey's\npresident??  ") == "who is turkey's president"
    assert len(normalise("x" * 1000)) == 200
