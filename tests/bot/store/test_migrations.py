"""Migrations: they build exactly the models' schema, and an upgrade keeps every row."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text

from bot.store import open_store
from bot.store.engine import MIGRATIONS, create_engine
from bot.store.models import Base
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _differences(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


async def test_migrations_match_the_models(store_url: str) -> None:
    store = await open_store(store_url)
    async with store.engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    await store.close()
    newest = max((MIGRATIONS / "versions").glob("*.py"), key=lambda p: p.name)
    heads = [line.split("=")[1].strip().strip('"') for line in newest.read_text().splitlines()
             if line.startswith("revision =")]
    assert version == heads[-1]


async def test_reopening_keeps_every_row_and_migrates_once(store_url: str) -> None:
    store = await open_store(store_url)
    sub = await store.put_subscription(ChatRef("telegram", "7"), "deck", Preferences(reminders=True), NOW,
                                       reschedule=True)
    claim = await store.ledger.claim(sub.id, "k", NOW, "a", NOW)
    assert claim is not None and await store.ledger.mark_sent(claim, "telegram:7", ["1"], NOW)
    await store.close()
    for _ in range(2):
        again = await open_store(store_url)
        assert [s.id for s in await again.active_subscriptions()] == [sub.id]
        assert [e.status for e in await again.ledger.history()] == ["sent"]
        await again.close()


async def test_a_database_from_an_old_image_is_upgraded(store_url: str) -> None:
    """Rows written at the first revision survive the upgrade to the newest one."""
    engine = create_engine(store_url)

    def first_revision(conn: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")

    async with engine.begin() as conn:
        await conn.run_sync(first_revision)
        await conn.execute(text(
            "INSERT INTO subscriptions (platform, chat_id, thread_id, chat_kind, deck, reminders, remind_at, "
            "active, since, created_at, updated_at) VALUES ('slack', 'C9', '', 'channel', 'deck', true, "
            "'09:00', true, '2025-05-20 10:00:00', '2025-05-20 10:00:00', '2025-05-20 10:00:00')"))
    await engine.dispose()
    store = await open_store(store_url)
    [sub] = await store.active_subscriptions()
    assert sub.chat == ChatRef("slack", "C9", kind="channel")
    assert sub.since == dt.datetime(2025, 5, 20, 10, 0, tzinfo=dt.UTC)
    await store.close()
