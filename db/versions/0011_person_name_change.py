"""A person's earlier names: each change of name, the name before and after, when and by whom.

A referral that gives a recorded person's NHS number and date of birth under another name is
attached only when a link worker says it is a change of name; the name before it is kept here,
and the case record lists it. Existing people have no recorded change: nothing to fill.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_name_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("old_given_name", sa.String(length=100), nullable=False),
        sa.Column("old_family_name", sa.String(length=100), nullable=False),
        sa.Column("new_given_name", sa.String(length=100), nullable=False),
        sa.Column("new_family_name", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_person_name_change_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_person_name_change_changed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_name_change")),
    )
    op.create_index(
        op.f("ix_person_name_change_patient_id"), "person_name_change", ["patient_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_person_name_change_patient_id"), table_name="person_name_change")
    op.drop_table("person_name_change")
