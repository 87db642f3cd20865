"""Connections: who made each one, one waiting connection per case and service, and an index
for the attendance record per service.

Who made a connection (``made_by_id``) was not kept before: ``recorded_by_id`` is who recorded
its latest state, the maker for a connection still waiting and the nearest record there is for
one with an outcome, so existing rows take it.

A case may hold only one connection to a service that is still waiting for its outcome (status
referred or signposted); a partial unique index makes the database refuse a second, so two
people saving at once cannot both make it. Older data may already hold such repeats (two
workers, or one saving twice). The upgrade keeps the earliest made of each group (then the
lowest id): it is the referral the person was first given, its day is the one their wait is
counted from, and the outcome recorded later belongs to it. The later repeats are removed:
they record nothing the kept one does not, except any feedback, which the kept one takes when
it has none. Each removal is written to the audit trail (the case, the removed connection and
the one kept), so the change can be traced. Nothing refers to a connection's id, so nothing
else changes. Connections with an outcome and suggestions are never touched.

The new index (referral_id, status, service_id) leads with referral_id, so it replaces the
index on referral_id alone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The statuses of a connection waiting for its outcome at this revision (its routes).
_WAITING = "status IN ('referred', 'signposted')"


def _earlier_waiting(outer: str) -> str:
    """A waiting connection of the same case and service made before ``outer``'s row."""
    return (
        "SELECT 1 FROM connection earlier "
        f"WHERE earlier.referral_id = {outer}.referral_id AND earlier.service_id = {outer}.service_id "
        f"AND earlier.{_WAITING} AND (earlier.made_on < {outer}.made_on "
        f"OR (earlier.made_on = {outer}.made_on AND earlier.id < {outer}.id))"
    )


def _kept_of(outer: str) -> str:
    """The id of the waiting connection kept for ``outer``'s case and service (the earliest made)."""
    return (
        "SELECT kept.id FROM connection kept "
        f"WHERE kept.referral_id = {outer}.referral_id AND kept.service_id = {outer}.service_id "
        f"AND kept.{_WAITING} ORDER BY kept.made_on, kept.id LIMIT 1"
    )


def upgrade() -> None:
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("made_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_connection_made_by_id_user_account"), "user_account", ["made_by_id"], ["id"]
        )
    op.execute("UPDATE connection SET made_by_id = recorded_by_id")

    repeat = f"connection.{_WAITING} AND EXISTS ({_earlier_waiting('connection')})"
    op.execute(
        "UPDATE connection SET feedback = ("
        "SELECT later.feedback FROM connection later "
        "WHERE later.referral_id = connection.referral_id AND later.service_id = connection.service_id "
        f"AND later.{_WAITING} AND later.feedback IS NOT NULL AND later.id <> connection.id "
        "ORDER BY later.made_on, later.id LIMIT 1) "
        f"WHERE feedback IS NULL AND connection.{_WAITING} "
        f"AND NOT EXISTS ({_earlier_waiting('connection')})"
    )
    op.execute(
        "INSERT INTO audit_event (occurred_at, username, action, entity, entity_id, detail) "
        "SELECT CURRENT_TIMESTAMP, 'upgrade 0005', 'connection_removed', 'referral', referral_id, "
        "'connection ' || CAST(id AS VARCHAR(20)) || ' to service ' || CAST(service_id AS VARCHAR(20)) "
        f"|| ' repeated connection ' || CAST(({_kept_of('connection')}) AS VARCHAR(20)) "
        "|| ', both waiting for an outcome; the earlier was kept' "
        f"FROM connection WHERE {repeat} ORDER BY id"
    )
    op.execute(f"DELETE FROM connection WHERE {repeat}")

    op.drop_index("ix_connection_referral_id", table_name="connection")
    op.create_index(
        "ix_connection_referral_status_service", "connection", ["referral_id", "status", "service_id"]
    )
    op.create_index(
        "uq_connection_referral_service_waiting",
        "connection",
        ["referral_id", "service_id"],
        unique=True,
        sqlite_where=sa.text(_WAITING),
        postgresql_where=sa.text(_WAITING),
    )


def downgrade() -> None:
    op.drop_index("uq_connection_referral_service_waiting", table_name="connection")
    op.drop_index("ix_connection_referral_status_service", table_name="connection")
    op.create_index("ix_connection_referral_id", "connection", ["referral_id"])
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_connection_made_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("made_by_id")
