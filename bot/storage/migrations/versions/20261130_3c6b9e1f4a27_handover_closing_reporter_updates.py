"""an operator closes a hand-over request (when, and the note they leave); a reporter says
their power is back, or cancels their outage report (when, kept on the report)

Revision ID: 3c6b9e1f4a27
Revises: d61c0a7e3f58
Create Date: 2026-11-30 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c6b9e1f4a27"
down_revision: str | None = "d61c0a7e3f58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _has_column(table: str, column: str) -> bool:
    # A database adopted from before migrations was made by create_all with the current
    # models (bot/storage/migrate.py), so it may have these columns already. A script written
    # offline is for an empty database, which has them from this revision only.
    if op.get_context().as_sql:
        return False
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        if not _has_column("handovers", "closed_at"):
            batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        if not _has_column("handovers", "note"):
            batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        for column in ("power_back_at", "cancelled_at"):
            if not _has_column("outage_reports", column):
                batch_op.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("power_back_at")
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("closed_at")
