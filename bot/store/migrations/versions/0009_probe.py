"""Write probes: one row per replica that /readyz rewrites to see that the database takes writes.

Revision ID: 0009_probe
Revises: 0008_follow
Create Date: 2025-06-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0009_probe"
down_revision = "0008_follow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "write_probes",
        sa.Column("replica", sa.String(120), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("replica", name="pk_write_probes"),
    )


def downgrade() -> None:
    op.drop_table("write_probes")
