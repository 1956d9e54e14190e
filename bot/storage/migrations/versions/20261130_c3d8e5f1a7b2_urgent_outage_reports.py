"""an outage report can be flagged urgent (a person on electrically powered medical equipment)

Revision ID: c3d8e5f1a7b2
Revises: 5d2e81a4c7b3
Create Date: 2026-11-30 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3d8e5f1a7b2"
down_revision: str | None = "5d2e81a4c7b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_column(table: str, column: str) -> bool:
    # A database adopted from before migrations was made by create_all with the current
    # models (bot/storage/migrate.py), so it may have the column already. A script written
    # offline is for an empty database, which has it from this revision only.
    if op.get_context().as_sql:
        return False
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if not _has_column("outage_reports", "urgent"):
        with op.batch_alter_table("outage_reports", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("urgent", sa.Boolean(), server_default="0", nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_column("urgent")
