"""Languages: the one a chat chose with /language, and the one each subscription was made in.

Revision ID: 0006_language
Revises: 0005_stories
Create Date: 2025-06-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_language"
down_revision = "0005_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL in both: no choice. A chat's posts are then in the language its subscription was made
    # in; rows written before languages existed keep English, the language they were sent in.
    with op.batch_alter_table("chat_settings") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("chat_settings") as batch:
        batch.drop_column("language")
