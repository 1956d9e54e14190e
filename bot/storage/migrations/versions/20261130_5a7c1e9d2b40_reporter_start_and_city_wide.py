"""the start a reporter states is kept on the report; an incident can be marked city-wide

Revision ID: 5a7c1e9d2b40
Revises: b7e2c41a9d03
Create Date: 2026-11-30 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a7c1e9d2b40"
down_revision: str | None = "b7e2c41a9d03"
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
    if not _has_column("outage_reports", "stated_start"):
        with op.batch_alter_table("outage_reports", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("stated_start", sa.DateTime(timezone=True), nullable=True)
            )
    if not _has_column("outage_incidents", "city_wide"):
        with op.batch_alter_table("outage_incidents", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("city_wide", sa.Boolean(), server_default="0", nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table("outage_incidents", schema=None) as batch_op:
        batch_op.drop_column("city_wide")
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_column("stated_start")
