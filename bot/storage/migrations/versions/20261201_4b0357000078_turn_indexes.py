"""the indexes a message's turn writes: outage_reports by (incident_id, status); contacts not
by phone

Every report's turn counts the incident's standing reports (`status != 'cancelled'`). With an
index on incident_id alone, SQLite read each report's row for its status, a hundred rows a turn
in a burst; with the status in the index the count reads only index entries. The old index is
dropped: lookups by incident alone use the new one (or the unique index's prefix).

ix_contacts_phone is read by no query (a sender's reports and accounts are found by phone in
their own tables) and was written on every new contact.

Revision ID: 4b0357000078
Revises: 8b4d2f6a9c31
Create Date: 2026-12-01 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4b0357000078"
down_revision: str | None = "8b4d2f6a9c31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BY_INCIDENT = "ix_outage_reports_incident_id"
BY_INCIDENT_STATUS = "ix_outage_reports_incident_status"
CONTACTS_BY_PHONE = "ix_contacts_phone"


def _indexes(table: str) -> set[str] | None:
    # A database adopted from create_all (bot/storage/migrate.py) was made with the current
    # models: it may have the new index, and not the old ones. A script written offline is for
    # an empty database, which has the first revision's indexes (None: as made by revisions).
    if op.get_context().as_sql:
        return None
    return {str(index["name"]) for index in sa.inspect(op.get_bind()).get_indexes(table)}


def upgrade() -> None:
    reports = _indexes("outage_reports")
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        if reports is None or BY_INCIDENT in reports:
            batch_op.drop_index(BY_INCIDENT)
        if reports is None or BY_INCIDENT_STATUS not in reports:
            batch_op.create_index(BY_INCIDENT_STATUS, ["incident_id", "status"], unique=False)
    contacts = _indexes("contacts")
    if contacts is None or CONTACTS_BY_PHONE in contacts:
        with op.batch_alter_table("contacts", schema=None) as batch_op:
            batch_op.drop_index(CONTACTS_BY_PHONE)


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(CONTACTS_BY_PHONE, ["phone"], unique=False)
    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_index(BY_INCIDENT_STATUS)
        batch_op.create_index(BY_INCIDENT, ["incident_id"], unique=False)
