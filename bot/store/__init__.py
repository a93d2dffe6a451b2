"""Persistence: chat settings, subscriptions, the delivery ledger, unanswered questions and the
decks generation (SQLAlchemy 2 async + Alembic).

`open_store(url)` opens SQLite (`sqlite:///FILE`, the default under the data directory) or
PostgreSQL (`postgresql://…` or `postgres://…`, for replicas sharing one database) and runs the
migrations, so an upgraded image keeps every row.
"""

from bot.store.engine import StoreURLError, async_url, default_url
from bot.store.ledger import Ledger
from bot.store.records import ChatChoices, Claim, Entry, Follow, Subscription
from bot.store.store import Store, open_store

__all__ = ["ChatChoices", "Claim", "Entry", "Follow", "Ledger", "Store", "StoreURLError", "Subscription",
           "async_url", "default_url", "open_store"]
