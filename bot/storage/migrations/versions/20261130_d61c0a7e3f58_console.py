"""the operations console: operators, their sessions, the audit trail; messages not understood

Revision ID: d61c0a7e3f58
Revises: 3c6f1b8e2a47
Create Date: 2026-11-30 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d61c0a7e3f58"
down_revision: str | None = "3c6f1b8e2a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def _has(table: str) -> bool:
    # A database adopted from before migrations was made by create_all with the current models
    # (bot/storage/migrate.py), so it may have these already; an offline script has none.
    return not op.get_context().as_sql and sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if not _has("console_operators"):
        op.create_table(
            "console_operators",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("password_hash", sa.String(length=200), nullable=False),
            sa.Column("failed_attempts", sa.Integer(), nullable=False),
            sa.Column("locked_until", TIME, nullable=True),
            sa.Column("created_at", TIME, nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_console_operators")),
            sa.UniqueConstraint("name", name=op.f("uq_console_operators_name")),
        )
    if not _has("console_sessions"):
        op.create_table(
            "console_sessions",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("operator_id", sa.Integer(), nullable=False),
            sa.Column("csrf_token", sa.String(length=64), nullable=False),
            sa.Column("created_at", TIME, nullable=False),
            sa.Column("last_seen_at", TIME, nullable=False),
            sa.Column("ended_at", TIME, nullable=True),
            sa.ForeignKeyConstraint(
                ["operator_id"],
                ["console_operators.id"],
                name=op.f("fk_console_sessions_operator_id_console_operators"),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        )
        op.create_index(
            op.f("ix_console_sessions_operator_id"), "console_sessions", ["operator_id"]
        )
    if not _has("console_audit"):
        op.create_table(
            "console_audit",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("operator", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=40), nullable=False),
            sa.Column("target", sa.String(length=40), nullable=True),
            sa.Column("detail", sa.Text(), nullable=True),
            sa.Column("at", TIME, nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_console_audit")),
        )
        op.create_index(op.f("ix_console_audit_operator"), "console_audit", ["operator"])
        op.create_index(op.f("ix_console_audit_at"), "console_audit", ["at"])
    if not _has("not_understood"):
        op.create_table(
            "not_understood",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("sender", sa.String(length=64), nullable=False),
            sa.Column("lang", sa.String(length=2), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("offered", sa.JSON(), nullable=False),
            sa.Column("received_at", TIME, nullable=False),
            sa.Column("label", sa.String(length=40), nullable=True),
            sa.Column("labelled_by", sa.String(length=64), nullable=True),
            sa.Column("labelled_at", TIME, nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_not_understood")),
        )
        op.create_index(op.f("ix_not_understood_received_at"), "not_understood", ["received_at"])


def downgrade() -> None:
    op.drop_table("not_understood")
    op.drop_table("console_audit")
    op.drop_table("console_sessions")
    op.drop_table("console_operators")
