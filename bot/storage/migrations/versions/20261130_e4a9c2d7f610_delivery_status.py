"""delivery status callbacks: one row per (MessageSid, status), the outcome on each ledger;
photos and voice notes kept with outage reports

Revision ID: e4a9c2d7f610
Revises: c3d8e5f1a7b2
Create Date: 2026-11-30 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4a9c2d7f610"
down_revision: str | None = "c3d8e5f1a7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGERS = ("notice_sends", "outage_notifications", "hazard_notifications")


def _inspect():
    # A database adopted from before migrations was made by create_all with the current
    # models (bot/storage/migrate.py), so it may have these already. A script written offline
    # is for an empty database, which has them from this revision only.
    return None if op.get_context().as_sql else sa.inspect(op.get_bind())


def upgrade() -> None:
    inspector = _inspect()
    if inspector is None or not inspector.has_table("message_statuses"):
        op.create_table(
            "message_statuses",
            sa.Column("message_id", sa.String(length=80), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=True),
            sa.Column("error_code", sa.String(length=16), nullable=True),
            sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("message_id", "status", name=op.f("pk_message_statuses")),
        )
        op.create_index(
            "ix_message_statuses_received_at", "message_statuses", ["received_at"], unique=False
        )
    if inspector is None or not inspector.has_table("outage_media"):
        op.create_table(
            "outage_media",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("report_id", sa.Integer(), nullable=False),
            sa.Column("provider", sa.String(length=16), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            sa.Column("content_type", sa.String(length=80), nullable=True),
            sa.Column("size", sa.Integer(), nullable=True),
            sa.Column("data", sa.LargeBinary(), nullable=True),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["report_id"],
                ["outage_reports.id"],
                name=op.f("fk_outage_media_report_id_outage_reports"),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_media")),
        )
        op.create_index("ix_outage_media_report_id", "outage_media", ["report_id"], unique=False)
    for table in LEDGERS:
        have = set() if inspector is None else {c["name"] for c in inspector.get_columns(table)}
        if "delivery_status" in have:
            continue
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("delivery_status", sa.String(length=16), nullable=True))
            batch_op.add_column(sa.Column("delivery_error", sa.String(length=16), nullable=True))
            batch_op.create_index(f"ix_{table}_provider_id", ["provider_id"], unique=False)


def downgrade() -> None:
    for table in LEDGERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_provider_id")
            batch_op.drop_column("delivery_error")
            batch_op.drop_column("delivery_status")
    op.drop_index("ix_outage_media_report_id", table_name="outage_media")
    op.drop_table("outage_media")
    op.drop_index("ix_message_statuses_received_at", table_name="message_statuses")
    op.drop_table("message_statuses")
