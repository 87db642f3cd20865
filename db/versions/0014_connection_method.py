"""How each referral or signposting was made, and the link worker's note on it.

- ``connection.method``: email, phone, online form, letter, in person, text message, leaflet or
  another way (``domain.connection_methods``). Connections made before this version have none:
  it was not recorded, and nothing is made up for them.
- ``connection.note``: what the link worker wrote when making it (who they spoke to, what was
  agreed). Free text about the person: shown on their case only, never in the audit trail.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-11 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not a batch: nullable columns are added in place, and nothing else of the table changes.
    op.add_column("connection", sa.Column("method", sa.String(length=20), nullable=True))
    op.add_column("connection", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    # In place too (SQLite 3.35 drops a column itself): a batch would rebuild the table and its
    # partial index of connections waiting for an outcome.
    op.drop_column("connection", "note")
    op.drop_column("connection", "method")
