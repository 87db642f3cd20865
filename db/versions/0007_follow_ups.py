"""Follow-ups: who scheduled, completed and cancelled each, when it was cancelled, every move of
its date; and each PCN's first-contact wait threshold.

A follow-up is open while it is neither done nor cancelled. Until now a cancelled one had only a
reason, so existing rows with a reason and not done take ``cancelled_at`` from ``created_at``:
the one moment on record, and the earliest it can have been cancelled; a row both done and
given a reason stays done (done is the later fact a link worker recorded). The database then
refuses a follow-up both done and cancelled. Who scheduled, completed or cancelled a follow-up
was not kept before and stays empty for existing rows ("not recorded"), rather than guessed.

The index on (owner_id, done_at, due_on) is replaced by two partial indexes on open follow-ups
only: a worker's by day (Today, workload, reassignment) and a case's by day (its next one,
overdue). Each PCN gets ``first_contact_working_days`` (5 unless a manager sets it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_OPEN = "done_at IS NULL AND cancelled_at IS NULL"
_PEOPLE = ("created_by_id", "done_by_id", "cancelled_by_id")


def upgrade() -> None:
    with op.batch_alter_table("pcn", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "first_contact_working_days", sa.SmallInteger(), server_default=sa.text("5"), nullable=False
            )
        )

    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        for column in _PEOPLE:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    op.execute(
        "UPDATE follow_up SET cancelled_at = created_at "
        "WHERE cancelled_reason IS NOT NULL AND done_at IS NULL"
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        for column in _PEOPLE:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_follow_up_{column}_user_account"), "user_account", [column], ["id"]
            )
        batch_op.create_check_constraint(
            batch_op.f("ck_follow_up_done_or_cancelled"), "done_at IS NULL OR cancelled_at IS NULL"
        )
        batch_op.drop_index("ix_follow_up_owner_open")
        batch_op.create_index(
            "ix_follow_up_owner_due_open",
            ["owner_id", "due_on"],
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        )
        batch_op.create_index(
            "ix_follow_up_referral_due_open",
            ["referral_id", "due_on"],
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        )

    op.create_table(
        "follow_up_reschedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("from_due_on", sa.Date(), nullable=False),
        sa.Column("to_due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("rescheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rescheduled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_up.id"],
            name=op.f("fk_follow_up_reschedule_follow_up_id_follow_up"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_by_id"],
            ["user_account.id"],
            name=op.f("fk_follow_up_reschedule_rescheduled_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_reschedule")),
    )
    op.create_index(
        op.f("ix_follow_up_reschedule_follow_up_id"), "follow_up_reschedule", ["follow_up_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_follow_up_reschedule_follow_up_id"), table_name="follow_up_reschedule")
    op.drop_table("follow_up_reschedule")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_referral_due_open")
        batch_op.drop_index("ix_follow_up_owner_due_open")
        batch_op.create_index("ix_follow_up_owner_open", ["owner_id", "done_at", "due_on"])
        batch_op.drop_constraint(batch_op.f("ck_follow_up_done_or_cancelled"), type_="check")
        for column in _PEOPLE:
            batch_op.drop_constraint(batch_op.f(f"fk_follow_up_{column}_user_account"), type_="foreignkey")
            batch_op.drop_column(column)
        batch_op.drop_column("cancelled_at")
    # Not a batch: rebuilding pcn would drop a table others refer to. SQLite drops a plain column.
    op.drop_column("pcn", "first_contact_working_days")
