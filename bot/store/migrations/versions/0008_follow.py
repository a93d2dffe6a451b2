"""Subscriptions per story: the chats that follow every story, also those added later.

Revision ID: 0008_follow
Revises: 0007_sending
Create Date: 2025-06-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0008_follow"
down_revision = "0007_sending"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing subscriptions stay as they are: each already names its deck.
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(64), nullable=False),
        sa.Column("chat_kind", sa.String(16), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("offsets", sa.String(200), nullable=True),
        sa.Column("remind_at", sa.String(5), nullable=False),
        sa.Column("daily_at", sa.String(5), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_follows"),
        sa.UniqueConstraint("platform", "chat_id", "thread_id", name="uq_follows_chat"),
    )


def downgrade() -> None:
    op.drop_table("follows")
