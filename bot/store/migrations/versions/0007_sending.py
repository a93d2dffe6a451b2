"""One sender per platform: a lease row each, renewed by the replica that sends; indexes to notice
changed subscriptions.

Revision ID: 0007_sending
Revises: 0006_language
Create Date: 2025-06-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0007_sending"
down_revision = "0006_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sender_leases",
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(120), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", name="pk_sender_leases"),
    )
    # The sender notices subscriptions changed on other replicas by their newest change.
    op.create_index("ix_subscriptions_updated_at", "subscriptions", ["updated_at"])
    op.create_index("ix_chat_settings_updated_at", "chat_settings", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_chat_settings_updated_at", "chat_settings")
    op.drop_index("ix_subscriptions_updated_at", "subscriptions")
    op.drop_table("sender_leases")
