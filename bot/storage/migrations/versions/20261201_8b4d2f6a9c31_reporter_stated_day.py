"""an outage report keeps the day a reporter said the power went off, with no hour ("من يوم السبت")

Revision ID: 8b4d2f6a9c31
Revises: 7e3a5c9b1d62
Create Date: 2026-12-01 00:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b4d2f6a9c31"
down_revision: str | None = "7e3a5c9b1d62"
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
    if not _has_column("outage_reports", "stated_day"):
        with op.batch_alter_table("outage_reports", schema=None) as batch_op:
            batch_op.add_column(sa.Column("stated_day", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_column("stated_day")
