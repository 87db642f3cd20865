"""Correcting a case after it was saved: the days of each consent to share, and the case's history
of corrections.

- ``referral.consent_share_gp_given_on`` / ``_withdrawn_on`` and the same for services: a consent
  given later is dated the day the person agreed, one withdrawn the day they withdrew. A consent
  already recorded was given with its referral: it is dated the day the referral was received.
  Nothing else about the referrals changes (not their version: no one's open form is refused).
- ``case_change``: each field of a person or a referral corrected, its words before and after,
  when and by whom; ``patient_id`` for a field of the person. Existing cases have no history.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_CONSENTS = ("consent_share_gp", "consent_share_services")


def upgrade() -> None:
    # Not a batch: nullable columns are added in place, and rebuilding the referral table would
    # drop the tables that refer to it.
    for consent in _CONSENTS:
        op.add_column("referral", sa.Column(f"{consent}_given_on", sa.Date(), nullable=True))
        op.add_column("referral", sa.Column(f"{consent}_withdrawn_on", sa.Date(), nullable=True))
        op.execute(f"UPDATE referral SET {consent}_given_on = received_on WHERE {consent}")
    op.create_table(
        "case_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_case_change_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_case_change_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_case_change_changed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_change")),
    )
    op.create_index(op.f("ix_case_change_referral_id"), "case_change", ["referral_id"], unique=False)
    op.create_index(op.f("ix_case_change_patient_id"), "case_change", ["patient_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_change_patient_id"), table_name="case_change")
    op.drop_index(op.f("ix_case_change_referral_id"), table_name="case_change")
    op.drop_table("case_change")
    for consent in reversed(_CONSENTS):
        op.drop_column("referral", f"{consent}_withdrawn_on")
        op.drop_column("referral", f"{consent}_given_on")
