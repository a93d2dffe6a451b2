"""Many stories: the story a chat chose, and the generation of decks every replica reloads to.

Revision ID: 0005_stories
Revises: 0003_inbound
Create Date: 2025-06-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0005_stories"
down_revision = "0003_inbound"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_settings") as batch:
        batch.add_column(sa.Column("story", sa.String(40), nullable=True))
    generation = op.create_table(
        "decks_generation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_decks_generation"),
    )
    # The one row exists from the start, so a reload request is a single UPDATE on any database.
    op.bulk_insert(generation, [{"id": 1, "generation": 0, "requested_at": None}])


def downgrade() -> None:
    op.drop_table("decks_generation")
    with op.batch_alter_table("chat_settings") as batch:
        batch.drop_column("story")
