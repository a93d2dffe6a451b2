"""Fixtures shared by the bot's test packages."""

from __future__ import annotations

from tests.bot.store.postgres import pg_server, store_url

# One throwaway PostgreSQL server for the whole run, whichever package asks first, and a database
# URL on SQLite and on it for the tests that run on both.
__all__ = ["pg_server", "store_url"]
