"""A drafted deck is servable as written: the bot answers from it, a range of days included."""

from __future__ import annotations

import datetime as dt
import gettext
from zoneinfo import ZoneInfo

from handlers.clock import FixedClock
from handlers.context import Context
from handlers.i18n import speaking
from handlers.reply import Reply
from handlers.router import answer
from tests.content.draft.conftest import ARTICLES, Drafter
from tests.handlers.limits import assert_fits


async def ask(draft: Drafter, text: str, at: str) -> str:
    b = draft(ARTICLES / "copenhagen-strike.txt").briefing()
    reply = await answer(b, text, Context(FixedClock(dt.datetime.fromisoformat(at)), None))
    assert reply is not None
    assert_fits(reply)
    return plain(reply)


def plain(reply: Reply) -> str:
    return "\n".join([reply.title, *(s.text for s in reply.sections),
                      *(f"{f.label}: {f.value}" for s in reply.sections for f in s.fields)])


async def test_when_names_the_days_of_a_strike_that_runs_over_three(draft: Drafter) -> None:
    text = await ask(draft, "/when", "2026-03-02T12:00+01:00")
    assert "Tomorrow: Tuesday 3 – Thursday 5 March 2026, in Copenhagen." in text
    assert "Time: Not announced" in text


async def test_on_the_second_day_of_the_strike_it_is_under_way(draft: Drafter) -> None:
    text = await ask(draft, "/when", "2026-03-04T12:00+01:00")
    assert "Today: Tuesday 3 – Thursday 5 March 2026, in Copenhagen." in text


async def test_after_its_last_day_the_strike_is_in_the_past(draft: Drafter) -> None:
    text = await ask(draft, "/when", "2026-03-09T12:00+01:00")
    assert "Tuesday 3 – Thursday 5 March 2026, in Copenhagen" in text
    assert "4 days ago" in text  # counted from the last day, 5 March


async def test_who_finds_the_minister_by_her_role(draft: Drafter) -> None:
    text = await ask(draft, "who is the employment minister?", "2026-03-02T12:00+01:00")
    assert "Birgitte Lunde" in text


def test_a_reader_elsewhere_sees_the_whole_range_in_their_zone(draft: Drafter) -> None:
    from handlers import eventtime

    b = draft(ARTICLES / "copenhagen-strike.txt").briefing()
    window = eventtime.reader_window(b.deck.main, ZoneInfo("America/New_York"))
    assert window is not None
    assert window.startswith("from Monday 2 March 2026, 18:00 to Thursday 5 March 2026, 18:00")


async def test_a_drafted_deck_is_in_one_language_and_a_ukrainian_reader_gets_it_as_written(draft: Drafter) -> None:
    b = draft(ARTICLES / "copenhagen-strike.txt").briefing()
    assert b.deck.languages == ()
    with speaking(gettext.NullTranslations(), "uk"):
        reply = await answer(b, "/when", Context(FixedClock(dt.datetime.fromisoformat("2026-03-02T12:00+01:00"))))
    assert reply is not None and reply.title == b.deck.main.title
    assert reply.source is not None and reply.source.article.endswith(", in English")
