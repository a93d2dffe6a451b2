"""Whatever a reader types, at whatever moment, with four stories served: an answer that fits,
from the chat's story or (saying so) from another, never an apology."""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.platforms.service import BriefingService
from content.library import Library
from handlers.clock import FixedClock
from handlers.context import ChatRef
from handlers.registry import REGISTRY
from tests.handlers.limits import assert_fits
from tests.newsroom import COPENHAGEN, PORTLAND

words = st.sampled_from(["/" + c.name for c in REGISTRY] + [c.name for c in REGISTRY] + [
    "in", f"in {PORTLAND}", f"/in {COPENHAGEN}", "in no-such-story", "who is", "Brandt", "Whitfield",
    "Karlsson", "Lavrov", "Portland", "Reykjavik", "?", "story", "stories"])
noise = st.text(st.characters(codec="utf-8"), max_size=200)
texts = st.one_of(noise, st.lists(st.one_of(words, noise), max_size=6).map(" ".join))
moments = st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2028, 12, 31), timezones=st.just(dt.UTC))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, at=moments)
def test_any_text_gets_a_fitting_answer_from_some_story(stories: Library, text: str, at: dt.datetime) -> None:
    service = BriefingService(stories, FixedClock(at))
    reply = asyncio.run(service.answer(text, ChatRef("telegram", "1"), bot_username="BriefingBot"))
    if reply is None:  # addressed to another bot: the only way to get no reply
        assert "@" in text
        return
    assert reply.title != "Sorry, something went wrong", text
    assert_fits(reply)
