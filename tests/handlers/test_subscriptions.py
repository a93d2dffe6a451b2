"""The subscription commands, through the router, against the real store-backed chat service."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.chats import StoreChats
from bot.store import Store, default_url, open_store
from content.loader import Briefing
from handlers import messages
from handlers.clock import FixedClock
from handlers.context import ChatRef, Context
from handlers.reply import Reply
from handlers.router import answer
from handlers.subscriptions import find_zone, parse_subscribe, parse_time
from tests.handlers.limits import assert_fits

CHAT = ChatRef("telegram", "-100", kind="group")
Say = Callable[..., Awaitable[Reply]]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(default_url(tmp_path))
    yield opened
    await opened.close()


@pytest.fixture
def chats(store: Store, briefing: Briefing, clock: FixedClock) -> StoreChats:
    return StoreChats(store, briefing, clock)


@pytest.fixture
def say(briefing: Briefing, clock: FixedClock, chats: StoreChats) -> Say:
    async def say(text: str, *, allowed: bool | None = None, with_chats: bool = True) -> Reply:
        async def may_manage() -> bool:
            return bool(allowed)

        zone_name = (await chats.settings(CHAT)).timezone
        ctx = Context(clock, ZoneInfo(zone_name) if zone_name else None, CHAT, None,
                      chats if with_chats else None, None if allowed is None else may_manage)
        reply = await answer(briefing, text, ctx)
        assert reply is not None
        assert_fits(reply)
        return reply

    return say


def text_of(reply: Reply) -> str:
    return reply.plain_text()


async def test_subscribe_confirms_what_is_sent_and_when(say: Say) -> None:
    reply = await say("/subscribe")
    assert reply.title == "Subscribed"
    assert text_of(reply) == (
        "Subscribed\n\nThis chat will get:\n"
        "• Countdown reminders for Second round of Russia-Ukraine talks in Istanbul: D-7, D-3, D-1, D-0 at 09:00 "
        "(Europe/Istanbul)\n\nNext posts\n"
        "• Sunday 1 June 2025, 09:00 (Europe/Istanbul, UTC+03:00) — D-1 reminder: Second round of Russia-Ukraine "
        "talks in Istanbul\n"
        "• Monday 2 June 2025, 09:00 (Europe/Istanbul, UTC+03:00) — D-0 reminder: Second round of Russia-Ukraine "
        "talks in Istanbul")


async def test_subscribe_today_says_honestly_that_nothing_is_coming(say: Say, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    reply = await say("/subscribe")
    assert "Nothing is upcoming, so nothing will be sent for now. The countdown is over: Second round of " \
           "Russia-Ukraine talks in Istanbul was scheduled for Monday 2 June 2025, 18 months ago." in text_of(reply)
    assert "Next posts" not in text_of(reply)


async def test_subscribe_with_offsets_and_a_local_time(say: Say, clock: FixedClock, chats: StoreChats) -> None:
    clock.set(dt.datetime.fromisoformat("2025-05-28T12:00+03:00"))
    reply = await say("/subscribe 3d, 1d 1h at 08:30")
    assert "D-3, D-1 at 08:30 (Europe/Istanbul)" in text_of(reply)
    assert "Friday 30 May 2025, 08:30 (Europe/Istanbul, UTC+03:00) — D-3 reminder" in text_of(reply)
    settings = await chats.settings(CHAT)
    assert settings.offsets == ("3d", "1d", "1h") and settings.remind_at == dt.time(8, 30)
    again = await say("/subscribe")  # plain /subscribe: back to the defaults, the time kept
    assert "D-7, D-3, D-1, D-0 at 08:30" in text_of(again)


async def test_hour_offsets_alone_cannot_apply_to_a_day_without_time(say: Say) -> None:
    reply = await say("/subscribe 3h")
    assert "none (hour offsets need an announced time of day)" in text_of(reply)
    assert "Nothing is upcoming" in text_of(reply)


@pytest.mark.parametrize("args", ["soon", "99d", "3x", "25:00", "0h"])
async def test_bad_subscribe_arguments_change_nothing(say: Say, chats: StoreChats, args: str) -> None:
    reply = await say(f"/subscribe {args}")
    assert reply.tone == "error"
    assert "/subscribe 3d 1d 1h at 08:00" in text_of(reply)
    assert not (await chats.settings(CHAT)).reminders


async def test_only_those_who_may_manage_change_anything(say: Say, chats: StoreChats) -> None:
    for command in ("/subscribe", "/unsubscribe", "/daily 08:00", "/timezone Europe/Kyiv"):
        reply = await say(command, allowed=False)
        assert reply.title == "Not allowed"
        assert "Only this chat's administrators can change its reminders and settings." in text_of(reply)
    assert await chats.settings(CHAT) == (await chats.settings(ChatRef("telegram", "never")))
    assert (await say("/settings", allowed=False)).title == "Settings for this chat"  # reading is fine
    assert (await say("/subscribe", allowed=True)).title == "Subscribed"


async def test_without_the_database_the_commands_say_so(say: Say) -> None:
    for command in ("/subscribe", "/settings", "/daily 08:00", "/timezone Europe/Kyiv", "/unsubscribe"):
        reply = await say(command, with_chats=False)
        assert reply.sections[0].text == messages.SUBSCRIPTIONS_UNAVAILABLE


async def test_timezone_is_validated_and_used_for_every_date(say: Say) -> None:
    reply = await say("/timezone europe/kyiv")
    assert text_of(reply).startswith("Timezone set\n\nDates in this chat are now shown in Europe/Kyiv, UTC+03:00.")
    await say("/timezone Asia/Tokyo")
    assert "In your timezone: from Monday 2 June 2025, 06:00 to Tuesday 3 June 2025, 06:00 (Asia/Tokyo" \
        in text_of(await say("/when"))  # the service reads the chat's zone for every answer
    await say("/timezone Europe/Kyiv")
    bad = await say("/timezone Europe/Kyviv")
    assert bad.tone == "error" and "Did you mean Europe/Kyiv" in text_of(bad)
    assert "is not a timezone I know" in text_of(await say("/timezone <b>Mars</b>"))
    assert "This chat's timezone is Europe/Kyiv." in text_of(await say("/timezone"))
    assert "reset" in text_of(await say("/timezone reset"))
    assert "has not chosen a timezone" in text_of(await say("/timezone"))


async def test_timezone_moves_the_posts_it_confirms(say: Say) -> None:
    await say("/subscribe")
    reply = await say("/timezone Asia/Tokyo")
    assert "Sunday 1 June 2025, 09:00 (Asia/Tokyo, UTC+09:00) — D-1 reminder" in text_of(reply)


async def test_daily_on_and_off(say: Say, chats: StoreChats) -> None:
    reply = await say("/daily 08:00")
    assert reply.title == "Daily post on"
    assert "• Daily briefing at 08:00 (Europe/Istanbul)" in text_of(reply)
    assert "Sunday 1 June 2025, 08:00 (Europe/Istanbul, UTC+03:00) — Daily briefing" in text_of(reply)
    assert (await chats.settings(CHAT)).daily_at == dt.time(8)
    off = await say("/daily off")
    assert off.title == "Daily post off"
    assert (await chats.settings(CHAT)).daily_at is None
    for bad in ("/daily 8", "/daily 24:00", "/daily"):
        assert (await say(bad)).tone == "error"


async def test_settings_show_everything_and_why_posting_stopped(say: Say, chats: StoreChats) -> None:
    empty = await say("/settings")
    assert "not set: Europe/Istanbul is used" in text_of(empty)
    assert "No reminders and no daily post." in text_of(empty)
    await say("/subscribe 1d")
    await say("/daily 07:15")
    full = text_of(await say("/settings"))
    assert "Countdown reminders for Second round of Russia-Ukraine talks in Istanbul: D-1 at 09:00" in full
    assert "Daily briefing at 07:15 (Europe/Istanbul)" in full
    assert "Sunday 1 June 2025, 07:15 (Europe/Istanbul, UTC+03:00) — Daily briefing" in full
    await chats.chat_gone(CHAT, "Forbidden: bot was kicked from the group chat")
    stopped = text_of(await say("/settings"))
    assert "Posting here stopped: Forbidden: bot was kicked from the group chat." in stopped


async def test_unsubscribe_stops_everything(say: Say, chats: StoreChats) -> None:
    assert (await say("/unsubscribe")).title == "Not subscribed"
    await say("/subscribe")
    await say("/daily 08:00")
    assert (await say("/unsubscribe")).title == "Unsubscribed"
    settings = await chats.settings(CHAT)
    assert not settings.reminders and settings.daily_at is None and settings.stopped is None
    assert await chats.upcoming(CHAT, 5) == []
    assert (await say("/unsubscribe")).title == "Not subscribed"


async def test_subscriptions_listing_for_overviews(say: Say, chats: StoreChats) -> None:
    await say("/subscribe")
    [summary] = await chats.subscriptions("telegram")
    assert summary.chat == CHAT and summary.active
    assert summary.description == ("Countdown reminders for Second round of Russia-Ukraine talks in Istanbul: "
                                   "D-7, D-3, D-1, D-0 at 09:00 (Europe/Istanbul)")


def test_subscribe_arguments() -> None:
    assert parse_subscribe("") == (None, None)
    assert parse_subscribe("1d 3d 1d at 7:05") == (("3d", "1d"), dt.time(7, 5))
    with pytest.raises(ValueError, match="at most 8"):
        parse_subscribe(" ".join(f"{n}h" for n in range(1, 12)))
    assert parse_time("18.30") == dt.time(18, 30)


def test_zone_names_are_found_forgivingly() -> None:
    assert find_zone("america/new york") == ("America/New_York", [])
    assert find_zone("UTC") == ("UTC", [])
    name, close = find_zone("Europe/Lisbn")
    assert name is None and "Europe/Lisbon" in close


async def test_hour_offsets_for_an_event_without_a_time_are_explained(say: Say) -> None:
    text = text_of(await say("/subscribe 3d 1d 1h at 08:30"))
    assert "D-3, D-1 at 08:30" in text
    assert "Left out: 1h. Second round of Russia-Ukraine talks in Istanbul has no announced time of day" in text
    assert "Left out" not in text_of(await say("/subscribe 3d 1d"))
