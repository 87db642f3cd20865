"""PostgreSQL: an index for "family name starts with" whatever the server's collation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite has no operator classes; its name search is fast without (benchmarks/)
    op.create_index(
        "ix_patient_family_key_prefix",
        "patient",
        ["family_key"],
        postgresql_ops={"family_key": "varchar_pattern_ops"},
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.drop_index("ix_patient_family_key_prefix", table_name="patient")
