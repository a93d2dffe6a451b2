"""Alembic's environment: always run on a connection the store hands over (see bot/store/engine.py)."""

from __future__ import annotations

from alembic import context

from bot.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # only the store runs these migrations, on its own engine
    raise RuntimeError("run migrations through bot.store.open_store(), which passes a connection")

# Batch mode lets later migrations alter tables on SQLite (copy-and-move) as on PostgreSQL.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
