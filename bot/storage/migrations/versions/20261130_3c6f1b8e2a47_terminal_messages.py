"""messages the bot starts itself for a number talking in the terminal, until its chat shows them

Revision ID: 3c6f1b8e2a47
Revises: 9a4f2c6e8d15
Create Date: 2026-11-30 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c6f1b8e2a47"
down_revision: str | None = "9a4f2c6e8d15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database adopted from before migrations was made by create_all with the current
    # models (bot/storage/migrate.py), so it may have the table already.
    if not op.get_context().as_sql and sa.inspect(op.get_bind()).has_table("terminal_messages"):
        return
    op.create_table(
        "terminal_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminal_messages")),
    )
    with op.batch_alter_table("terminal_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_terminal_messages_phone"), ["phone"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("terminal_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terminal_messages_phone"))
    op.drop_table("terminal_messages")
