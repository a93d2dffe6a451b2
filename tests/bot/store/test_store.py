"""The store: settings, subscriptions, moves and deactivation, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.store import ChatChoices, Store, StoreURLError, async_url, open_store
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2025, 5, 31, 9, 0, tzinfo=dt.UTC)
GROUP = ChatRef("telegram", "-100", kind="group")
TOPIC = ChatRef("telegram", "-100", "7", kind="group")
DECK = "istanbul-talks-2025"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@db/briefing", "postgresql+asyncpg://u:p@db/briefing"),
    ("postgresql://u@db:5433/briefing", "postgresql+asyncpg://u@db:5433/briefing"),
    ("postgresql+asyncpg://u@db/b", "postgresql+asyncpg://u@db/b"),
    ("sqlite:///data/briefing.sqlite3", "sqlite+aiosqlite:///data/briefing.sqlite3"),
])
def test_urls_as_users_write_them(given: str, expected: str) -> None:
    assert async_url(given) == expected


def test_a_bad_url_is_refused_without_its_password() -> None:
    with pytest.raises(StoreURLError) as caught:
        async_url("mysql://admin:hunter2@db/x")
    assert "mysql" in str(caught.value)
    with pytest.raises(StoreURLError) as caught:
        async_url("not a url at all :// hunter2")
    assert "hunter2" not in str(caught.value)


async def test_settings_are_per_chat_and_shared_by_its_topics(store: Store) -> None:
    assert await store.timezone(GROUP) is None
    await store.set_timezone(TOPIC, "Europe/Kyiv", NOW)
    assert await store.timezone(GROUP) == "Europe/Kyiv"
    await store.set_timezone(GROUP, None, NOW)
    assert await store.timezone(TOPIC) is None


async def test_a_subscription_round_trips(store: Store) -> None:
    wanted = Preferences(True, ("3d", "1h", "start"), dt.time(8, 30), dt.time(7, 0))
    made = await store.put_subscription(TOPIC, DECK, wanted, NOW, reschedule=True)
    await store.set_timezone(GROUP, "Asia/Tokyo", NOW)
    found = await store.subscription(TOPIC, DECK)
    assert found is not None
    assert found.id == made.id and found.chat == TOPIC
    assert found.wanted == wanted
    assert found.timezone == "Asia/Tokyo"
    assert found.active and found.stopped_reason is None
    assert found.since == NOW
    assert await store.subscription(GROUP, DECK) is None  # the topic is its own subscription


async def test_wanting_nothing_stops_the_subscription(store: Store) -> None:
    await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    assert await store.count_active_subscriptions() == 1
    stopped = await store.put_subscription(GROUP, DECK, Preferences(), NOW, reschedule=True)
    assert not stopped.active and stopped.stopped_reason == "unsubscribed"
    assert await store.count_active_subscriptions() == 0
    assert await store.active_subscriptions() == []


async def test_rescheduling_forgets_only_posts_ahead_of_the_clock(store: Store) -> None:
    sub = await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    for key, due in (("past", NOW - dt.timedelta(days=1)), ("ahead", NOW + dt.timedelta(days=1))):
        claim = await store.ledger.claim(sub.id, key, due, "a", NOW)
        assert claim is not None
        await store.ledger.mark_sent(claim, GROUP.key, ["1"], NOW)
    await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    assert [e.post_key for e in await store.ledger.history(sub.id)] == ["past"]


async def test_a_gone_chat_stops_with_its_reason(store: Store) -> None:
    a = await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    b = await store.put_subscription(TOPIC, DECK, Preferences(reminders=True), NOW, reschedule=True)
    other = await store.put_subscription(ChatRef("slack", "-100"), DECK, Preferences(reminders=True), NOW,
                                         reschedule=True)
    stopped = await store.deactivate_chat("telegram", "-100", "bot was blocked by the user", NOW)
    assert sorted(stopped) == sorted([a.id, b.id])
    found = await store.subscription(GROUP, DECK)
    assert found is not None and not found.active and found.stopped_reason == "bot was blocked by the user"
    assert [s.id for s in await store.active_subscriptions()] == [other.id]


async def test_a_moved_chat_takes_its_subscriptions_and_settings(store: Store) -> None:
    sub = await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    await store.set_timezone(GROUP, "Europe/Kyiv", NOW)
    moved = await store.move_chat("telegram", "-100", "-100200", NOW)
    assert moved == [sub.id]
    new = ChatRef("telegram", "-100200", kind="group")
    found = await store.subscription(new, DECK)
    assert found is not None and found.id == sub.id and found.timezone == "Europe/Kyiv"
    assert await store.subscription(GROUP, DECK) is None


async def test_a_move_onto_an_existing_subscription_keeps_the_new_one(store: Store) -> None:
    old = await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    new_chat = ChatRef("telegram", "-100200", kind="group")
    new = await store.put_subscription(new_chat, DECK, Preferences(daily_at=dt.time(8)), NOW, reschedule=True)
    assert await store.move_chat("telegram", "-100", "-100200", NOW) == []
    assert [s.id for s in await store.active_subscriptions()] == [new.id]
    stale = await store.subscription(GROUP, DECK)
    assert stale is not None and stale.id == old.id and stale.stopped_reason == "moved to -100200"


async def test_listing_a_platform(store: Store) -> None:
    await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True)
    await store.put_subscription(ChatRef("slack", "C1", kind="channel"), DECK, Preferences(reminders=True), NOW,
                                 reschedule=True)
    assert [s.chat.chat_id for s in await store.subscriptions_of("slack")] == ["C1"]
    assert (await store.subscriptions_of("slack"))[0].chat.kind == "channel"


async def test_ping(store: Store, store_url: str) -> None:
    assert await store.ping()
    await store.close()
    reopened = await open_store(store_url)
    assert await reopened.ping()
    await reopened.close()


async def test_the_chosen_story_is_per_chat_and_kept_beside_its_zone(store: Store) -> None:
    assert await store.choices(GROUP) == ChatChoices()
    await store.set_timezone(GROUP, "Europe/Kyiv", NOW)
    await store.set_story(TOPIC, "harbour-strike", NOW)
    assert await store.choices(GROUP) == ChatChoices("Europe/Kyiv", "harbour-strike")
    await store.set_story(GROUP, None, NOW)
    assert await store.choices(TOPIC) == ChatChoices("Europe/Kyiv", None)


async def test_a_moved_chat_keeps_its_story(store: Store) -> None:
    await store.set_story(GROUP, "harbour-strike", NOW)
    await store.move_chat("telegram", "-100", "-200", NOW)
    assert (await store.choices(ChatRef("telegram", "-200", kind="group"))).story == "harbour-strike"


async def test_each_reload_request_advances_the_decks_generation(store: Store) -> None:
    assert await store.reloads.generation() == 0
    assert await store.reloads.request(NOW) == 1
    assert await store.reloads.request(NOW) == 2
    assert await store.reloads.generation() == 2
