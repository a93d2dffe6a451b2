"""Inbound deliveries taken: each platform delivery answered once across replicas.

Revision ID: 0003_inbound
Revises: 0002_questions
Create Date: 2025-06-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0003_inbound"
down_revision = "0002_questions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_deliveries",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_inbound_deliveries"),
    )
    op.create_index("ix_inbound_deliveries_expires_at", "inbound_deliveries", ["expires_at"])


def downgrade() -> None:
    op.drop_table("inbound_deliveries")
