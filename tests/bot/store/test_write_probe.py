"""The write probe behind /readyz: a database that answers reads may still refuse every write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import Store, default_url, open_store
from tests.bot.store.full_disk import FULL, installed
from tests.bot.store.postgres import Server

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


async def test_the_probe_writes_one_row_per_replica(store: Store) -> None:
    for moment in (NOW, NOW + dt.timedelta(seconds=1)):
        assert await store.probe_write("replica-0", moment) is None
    assert await store.probe_write("replica-1", NOW) is None
    async with store.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT replica FROM write_probes ORDER BY replica"))).all()
    assert [r.replica for r in rows] == ["replica-0", "replica-1"]


async def test_sqlite_on_a_full_disk_is_not_writable_until_space_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    switch = tmp_path / "disk-full"
    with installed(monkeypatch, switch):
        store = await open_store(default_url(tmp_path))
        try:
            assert await store.probe_write("r", NOW) is None
            switch.touch()
            assert await store.ping()  # reads still work: a read probe would say "ready"
            assert await store.probe_write("r", NOW) == f"cannot write: OperationalError ({FULL})"
            switch.unlink()
            assert await store.probe_write("r", NOW) is None
        finally:
            await store.close()


@pytest.mark.postgres
async def test_a_read_only_postgresql_is_not_writable(pg_server: Server) -> None:
    store_url = await pg_server.create_database()
    url = make_url(store_url)
    admin = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
    store = await open_store(store_url)
    try:
        await admin.execute(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        await store.engine.dispose()  # new connections take the setting, as after a failover to a standby
        assert await store.ping()
        reason = await store.probe_write("r", NOW)
        assert reason is not None and reason.startswith("cannot write:") and "read-only" in reason
        await admin.execute(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = off')
        await store.engine.dispose()
        assert await store.probe_write("r", NOW) is None
    finally:
        await admin.close()
        await store.close()
