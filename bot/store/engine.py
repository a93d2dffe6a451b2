"""Database URLs, the async engine, and running the migrations when the store opens.

SQLite (aiosqlite) is the embedded default: one file under the data directory, WAL mode so
readers never wait for the writer, and every write transaction begun IMMEDIATE so two writers
queue on the busy timeout instead of failing half-way. PostgreSQL (asyncpg) is for several replicas
sharing one database; the same code runs on both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger("briefing.store")
T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DB_FILE = "briefing.sqlite3"
BUSY_TIMEOUT_MS = 10_000
# Replicas starting together take turns at migrating: any fixed key of our own.
MIGRATION_LOCK = 0x6272_6566
POOL_TIMEOUT = 5.0  # seconds to wait for a pooled connection (SQLAlchemy's default is 30)
POOL_OVERFLOW = 5  # connections opened beyond the pool's size in a burst, closed after
CONNECT_TIMEOUT = 5.0  # seconds to reach PostgreSQL (asyncpg waits 60 by default)


class StoreURLError(ValueError):
    """A database URL the store cannot use; the message names the URL without its password."""


def default_url(data_dir: Path) -> str:
    """The embedded database: a SQLite file in `data_dir`."""
    return f"sqlite+aiosqlite:///{(data_dir / DB_FILE).resolve()}"


def async_url(url: str) -> str:
    """`url` with the async driver: accepts postgres://, postgresql://, sqlite:// as users write them."""
    raw = url.strip()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        parsed = make_url(raw)
    except ArgumentError as exc:
        raise StoreURLError(f"not a database URL: {_hide_password(raw)}") from exc
    backend = parsed.get_backend_name()
    drivers = {"postgresql": "asyncpg", "sqlite": "aiosqlite"}
    if backend not in drivers:
        raise StoreURLError(f"unsupported database {backend!r}: use sqlite:///FILE or postgresql://…")
    return parsed.set(drivername=f"{backend}+{drivers[backend]}").render_as_string(hide_password=False)


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions over from the driver so that BEGIN IMMEDIATE below is what runs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   f"busy_timeout={BUSY_TIMEOUT_MS}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


WRITE = "briefing_write"  # execution option of the engine that write transactions run on


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock at BEGIN, so two of them queue on the busy timeout instead of
    # one failing half-way; readers begin deferred, and in WAL mode never wait for anyone.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def pool_options(pool_size: int | None) -> dict[str, Any]:
    """The connection pool: `pool_size` connections kept (SQLAlchemy's 5 when None), a few more
    for a burst of background work, and a wait for one that ends well before a reader gives up."""
    sized = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": POOL_OVERFLOW}
    return {"pool_timeout": POOL_TIMEOUT, **sized}


def create_engine(url: str, *, pool_size: int | None = None) -> AsyncEngine:
    full = async_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        in_memory = not parsed.database or parsed.database == ":memory:"
        if not in_memory:
            Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(full, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                                     **({} if in_memory else pool_options(pool_size)))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(full, pool_pre_ping=True, connect_args={"timeout": CONNECT_TIMEOUT},
                               **pool_options(pool_size))


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision, keeping every row (Alembic, in one transaction)."""
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_upgrade)
    log.info("database schema up to date url=%s", engine.url.render_as_string(hide_password=True))


class Writing:
    """Write transactions: `async with store.writing() as session:` (committed at the end).

    On SQLite one process's writers take turns on an asyncio lock: waiting there costs nothing,
    whereas SQLite's own busy handler sleeps in steps of up to 100 ms, which under a fan-out of
    concurrent claims and marks costs far more than the writes themselves. Other processes on
    the same file still queue on the busy timeout. PostgreSQL needs no such turn-taking.
    """

    def __init__(self, engine: AsyncEngine, *, one_at_a_time: bool) -> None:
        self.engine = engine.execution_options(**{WRITE: True})
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._turn = asyncio.Lock() if one_at_a_time else None

    def __call__(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        return self._in_turn(self.sessions.begin())

    def core(self) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        """A Core connection in a transaction: no ORM session, for the ledger's hot path."""
        return self._in_turn(self.engine.begin())

    @contextlib.asynccontextmanager
    async def _in_turn(self, begin: contextlib.AbstractAsyncContextManager[T]) -> AsyncIterator[T]:
        async with contextlib.AsyncExitStack() as stack:
            if self._turn is not None:
                await stack.enter_async_context(self._turn)
            yield await stack.enter_async_context(begin)
