"""an outage report keeps the last time its reporter said the power was still off

A restore time told later with no day ("رجعت الساعة ٩ الصبح") is read after it: never a time
the reporter had said the power was still off.

Revision ID: a5c3e7f9b214
Revises: 4b0357000078
Create Date: 2026-12-03 08:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a5c3e7f9b214"
down_revision: str | None = "4b0357000078"
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
    if not _has_column("outage_reports", "still_off_said_at"):
        with op.batch_alter_table("outage_reports", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("still_off_said_at", sa.DateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_column("still_off_said_at")
