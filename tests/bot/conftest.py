"""Fixtures shared by the bot's test packages."""

from __future__ import annotations

from tests.bot.store.postgres import pg_server

# One throwaway PostgreSQL server for the whole run, whichever package asks first.
__all__ = ["pg_server"]
