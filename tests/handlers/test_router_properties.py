"""Whatever a reader types, at whatever moment, the router answers within every platform's limits."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.loader import Briefing, load_all
from handlers.clock import FixedClock
from handlers.context import Context
from handlers.registry import REGISTRY
from handlers.router import answer
from tests.handlers.limits import assert_fits

BRIEFING: Briefing = load_all()[0]
ZONES = ["UTC", "Europe/Istanbul", "Europe/Kyiv", "America/Los_Angeles", "Pacific/Kiritimati",
         "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns"]

words = st.sampled_from(["/" + c.name for c in REGISTRY] + [c.name for c in REGISTRY] + [
    "who is", "when", "where", "Lavrov", "Лавров", "@BriefingBot", "?", "the", "talks", "İstanbul"])
noise = st.text(st.characters(codec="utf-8"), max_size=300)  # every code point, controls included
texts = st.one_of(
    noise,
    st.lists(st.one_of(words, noise), max_size=8).map(" ".join),
    st.builds(lambda w, n: f"{w} {n * 40}", words, st.text(min_size=1, max_size=400)),  # very long
)
moments = st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, at=moments, zone=st.none() | st.sampled_from(ZONES))
def test_any_text_gets_a_reply_that_fits(text: str, at: dt.datetime, zone: str | None) -> None:
    ctx = Context(FixedClock(at), ZoneInfo(zone) if zone else None)
    reply = asyncio.run(answer(BRIEFING, text, ctx, bot_username="BriefingBot"))
    if reply is None:  # addressed to another bot: the only way to get no reply
        assert "@" in text
        return
    assert_fits(reply)
