"""Casework: support plans and reviews, case notes, GP codes entered, local needs, name search key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:18:07.387910
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "local_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_local_need_pcn_id_pcn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_need")),
        sa.UniqueConstraint("pcn_id", "code", name=op.f("uq_local_need_pcn_id")),
    )
    op.create_table(
        "case_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_case_note_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_case_note_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note")),
    )
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_note_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "gp_code_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user_account.id"], name=op.f("fk_gp_code_entry_entered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_gp_code_entry_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gp_code_entry")),
        sa.UniqueConstraint("referral_id", "code", name=op.f("uq_gp_code_entry_referral_id")),
    )
    with op.batch_alter_table("gp_code_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gp_code_entry_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "support_plan",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("what_matters", sa.Text(), nullable=True),
        sa.Column("goals", sa.Text(), nullable=True),
        sa.Column("actions", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_support_plan_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_support_plan_updated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_support_plan")),
    )
    op.create_table(
        "support_plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_support_plan_review_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_support_plan_review_reviewed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_plan_review")),
    )
    with op.batch_alter_table("support_plan_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_plan_review_referral_id"), ["referral_id"], unique=False)

    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_key", sa.String(length=100), nullable=True))
    _fill_family_keys()
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.alter_column("family_key", existing_type=sa.String(length=100), nullable=False)
        batch_op.create_index(batch_op.f("ix_patient_family_key"), ["family_key"], unique=False)


def _fold(name: str) -> str:
    """linkworker.domain.person.search_key as it was at this revision (migrations never change)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))


def _fill_family_keys() -> None:
    bind = op.get_bind()
    patient = sa.table(
        "patient",
        sa.column("id", sa.Integer),
        sa.column("family_name", sa.String),
        sa.column("family_key", sa.String),
    )
    rows = bind.execute(sa.select(patient.c.id, patient.c.family_name)).all()
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        bind.execute(
            patient.update()
            .where(patient.c.id == sa.bindparam("row_id"))
            .values(family_key=sa.bindparam("key")),
            [{"row_id": row.id, "key": _fold(row.family_name)} for row in chunk],
        )


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_family_key"))
        batch_op.drop_column("family_key")

    with op.batch_alter_table("support_plan_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_plan_review_referral_id"))

    op.drop_table("support_plan_review")
    op.drop_table("support_plan")
    with op.batch_alter_table("gp_code_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gp_code_entry_referral_id"))

    op.drop_table("gp_code_entry")
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_note_referral_id"))

    op.drop_table("case_note")
    op.drop_table("local_need")
