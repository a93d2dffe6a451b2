"""Languages in the store: a chat's /language, and the language a subscription was made in."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from bot.store import ChatChoices, Store, open_store
from bot.store.engine import MIGRATIONS, create_engine
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2025, 5, 31, 9, 0, tzinfo=dt.UTC)
GROUP = ChatRef("telegram", "-100", kind="group")
TOPIC = ChatRef("telegram", "-100", "7", kind="group")
DECK = "istanbul-talks-2025"


async def test_a_chats_language_is_kept_for_all_its_topics_with_its_other_choices(store: Store) -> None:
    await store.set_timezone(GROUP, "Europe/Kyiv", NOW)
    await store.set_language(TOPIC, "uk", NOW)
    assert await store.choices(GROUP) == ChatChoices("Europe/Kyiv", None, "uk")
    await store.set_language(GROUP, None, NOW)
    assert await store.choices(TOPIC) == ChatChoices("Europe/Kyiv", None, None)


async def test_posts_are_in_the_chats_language_else_the_one_the_subscription_was_made_in(store: Store) -> None:
    made = await store.put_subscription(GROUP, DECK, Preferences(reminders=True), NOW, reschedule=True,
                                        language="ru")
    assert made.language == "ru"
    later = await store.put_subscription(GROUP, DECK, Preferences(reminders=True, daily_at=dt.time(8)), NOW,
                                         reschedule=False)
    assert later.language == "ru"  # a change made without a language keeps the one it had
    await store.set_language(GROUP, "uk", NOW)
    [active] = await store.active_subscriptions()
    assert active.language == "uk"
    await store.set_language(GROUP, None, NOW)
    [again] = await store.active_subscriptions()
    assert again.language == "ru"


async def test_a_database_from_before_languages_keeps_its_rows_and_their_posts_stay_english(
        store_url: str) -> None:
    engine = create_engine(store_url)

    def stories_revision(conn: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0005_stories")

    async with engine.begin() as conn:
        await conn.run_sync(stories_revision)
        await conn.execute(text(
            "INSERT INTO subscriptions (platform, chat_id, thread_id, chat_kind, deck, reminders, remind_at, "
            "active, since, created_at, updated_at) VALUES ('telegram', '-100', '', 'group', 'deck', true, "
            "'09:00', true, '2025-05-20 10:00:00', '2025-05-20 10:00:00', '2025-05-20 10:00:00')"))
        await conn.execute(text("INSERT INTO chat_settings (platform, chat_id, timezone, updated_at) "
                                "VALUES ('telegram', '-100', 'Europe/Kyiv', '2025-05-20 10:00:00')"))
    await engine.dispose()
    store = await open_store(store_url)
    [sub] = await store.active_subscriptions()
    assert (sub.timezone, sub.language) == ("Europe/Kyiv", None)
    assert await store.choices(GROUP) == ChatChoices("Europe/Kyiv", None, None)
    await store.close()
