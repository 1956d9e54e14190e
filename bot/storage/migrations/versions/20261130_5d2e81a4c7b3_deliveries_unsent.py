"""deliveries.unsent: how many of a stored answer's replies are not yet handed to the provider;
deliveries.owner: the process that claimed the message.

Telegram replies go out through the Bot API after the answer is stored; a redelivered update
whose replies did not all go out sends the rest instead of being taken for a duplicate.
Twilio's replies ride on the webhook's response, so theirs is always 0. A claim whose owner
process is gone (same host) is taken over at once instead of after the lease.

Revision ID: 5d2e81a4c7b3
Revises: 5a7c1e9d2b40
Create Date: 2026-11-30 10:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2e81a4c7b3"
down_revision: str | None = "5a7c1e9d2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database adopted from create_all (bot/storage/migrate.py) may have the column already.
    existing = (
        set()
        if op.get_context().as_sql
        else {c["name"] for c in sa.inspect(op.get_bind()).get_columns("deliveries")}
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        if "unsent" not in existing:
            batch_op.add_column(
                sa.Column("unsent", sa.Integer(), server_default="0", nullable=False)
            )
        if "owner" not in existing:
            batch_op.add_column(sa.Column("owner", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("owner")
        batch_op.drop_column("unsent")
