"""hand-over requests (bot/handovers/models.py) and the few last messages a contact keeps for them

Revision ID: 9a4f2c6e8d15
Revises: e4a9c2d7f610
Create Date: 2026-11-30 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4f2c6e8d15"
down_revision: str | None = "e4a9c2d7f610"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _inspector() -> sa.Inspector | None:
    # A database adopted from before migrations was made by create_all with the current
    # models (bot/storage/migrate.py), so it may have these already. A script written offline
    # is for an empty database, which has them from this revision only.
    return None if op.get_context().as_sql else sa.inspect(op.get_bind())


def upgrade() -> None:
    inspector = _inspector()
    columns = {c["name"] for c in inspector.get_columns("contacts")} if inspector else set()
    if "recent_messages" not in columns:
        with op.batch_alter_table("contacts", schema=None) as batch_op:
            batch_op.add_column(sa.Column("recent_messages", sa.JSON(), nullable=True))
    if inspector is not None and inspector.has_table("handovers"):
        return
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("danger", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handovers_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handovers_status"))
    op.drop_table("handovers")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("recent_messages")
