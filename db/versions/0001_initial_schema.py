"""Initial schema: the data model of DESIGN.md, and an append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:25:34.299198
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pcn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ods_code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pcn")),
        sa.UniqueConstraint("ods_code", name=op.f("uq_pcn_ods_code")),
    )
    op.create_table(
        "postcode_point",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcode_point")),
    )
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=False),
        sa.Column("ods_code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_practice_pcn_id_pcn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
        sa.UniqueConstraint("ods_code", name=op.f("uq_practice_ods_code")),
    )
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_pcn_id"), ["pcn_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_user_account_pcn_id_pcn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_pcn_id"), ["pcn_id"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=True),
        sa.Column("entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("other_names", sa.String(length=100), nullable=True),
        sa.Column("preferred_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=20), nullable=False),
        sa.Column("ethnic_category", sa.String(length=2), nullable=False),
        sa.Column("address_line_1", sa.String(length=200), nullable=True),
        sa.Column("address_line_2", sa.String(length=200), nullable=True),
        sa.Column("town", sa.String(length=100), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("mobile", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("preferred_contact_method", sa.String(length=20), nullable=True),
        sa.Column("preferred_contact_times", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=60), nullable=True),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("accessibility_needs", sa.Text(), nullable=True),
        sa.Column("registered_practice_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registered_practice_id"],
            ["practice.id"],
            name=op.f("fk_patient_registered_practice_id_practice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("nhs_number", name=op.f("uq_patient_nhs_number")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index("ix_patient_date_of_birth", ["date_of_birth"], unique=False)
        batch_op.create_index("ix_patient_family_given", ["family_name", "given_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_patient_postcode"), ["postcode"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patient_registered_practice_id"), ["registered_practice_id"], unique=False
        )

    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=True),
        sa.Column("oruk_id", sa.String(length=100), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("cost_kind", sa.String(length=20), nullable=False),
        sa.Column("cost_note", sa.String(length=200), nullable=True),
        sa.Column("access_routes", sa.JSON(), nullable=False),
        sa.Column("accessibility", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("min_age", sa.SmallInteger(), nullable=True),
        sa.Column("max_age", sa.SmallInteger(), nullable=True),
        sa.Column("waiting_time", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("last_verified_on", sa.Date(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_service_pcn_id_pcn")),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["user_account.id"], name=op.f("fk_service_verified_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("oruk_id", name=op.f("uq_service_oruk_id")),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_pcn_id"), ["pcn_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("pcn_id", sa.Integer(), nullable=False),
        sa.Column("referring_practice_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("referrer_name", sa.String(length=200), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("consent_share_gp", sa.Boolean(), nullable=False),
        sa.Column("consent_share_services", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_worker_id", sa.Integer(), nullable=True),
        sa.Column("closing_reason", sa.String(length=30), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("import_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_worker_id"],
            ["user_account.id"],
            name=op.f("fk_referral_assigned_worker_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], name=op.f("fk_referral_patient_id_patient")),
        sa.ForeignKeyConstraint(["pcn_id"], ["pcn.id"], name=op.f("fk_referral_pcn_id_pcn")),
        sa.ForeignKeyConstraint(
            ["referring_practice_id"],
            ["practice.id"],
            name=op.f("fk_referral_referring_practice_id_practice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("import_key", name=op.f("uq_referral_import_key")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_referral_pcn_received", ["pcn_id", "received_on"], unique=False)
        batch_op.create_index("ix_referral_pcn_status", ["pcn_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_referring_practice_id"), ["referring_practice_id"], unique=False
        )
        batch_op.create_index("ix_referral_worker_status", ["assigned_worker_id", "status"], unique=False)

    op.create_table(
        "service_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("address_line_1", sa.String(length=200), nullable=True),
        sa.Column("town", sa.String(length=100), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_location_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_location")),
    )
    with op.batch_alter_table("service_location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_location_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service_need",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("need_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_need_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", "need_code", name=op.f("pk_service_need")),
    )
    with op.batch_alter_table("service_need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_need_need_code"), ["need_code"], unique=False)

    op.create_table(
        "connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_connection_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_connection_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_connection_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection")),
    )
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_connection_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_connection_service_id"), ["service_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("duration_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_contact_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_contact_referral_id_referral"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_follow_up_owner_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_follow_up_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_owner_open", ["owner_id", "done_at", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_measure_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_measure_referral_id_referral"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "referral_need",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("need_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_need_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "need_code", name=op.f("pk_referral_need")),
    )
    with op.batch_alter_table("referral_need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_need_need_code"), ["need_code"], unique=False)

    op.create_table(
        "service_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("freq", sa.String(length=10), nullable=False),
        sa.Column("byday", sa.String(length=40), nullable=True),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["service_location.id"],
            name=op.f("fk_service_schedule_location_id_service_location"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_schedule_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_schedule")),
    )
    with op.batch_alter_table("service_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_schedule_service_id"), ["service_id"], unique=False)

    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"], name=op.f("fk_status_change_changed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_status_change_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_change_referral_id"), ["referral_id"], unique=False)

    _make_audit_append_only()


_SQLITE_AUDIT_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
_POSTGRES_AUDIT_TRIGGERS = (
    "CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()",
)


def _make_audit_append_only() -> None:
    """The audit trail refuses updates and deletes in the database itself, not only in code."""
    dialect = op.get_bind().dialect.name
    statements = _POSTGRES_AUDIT_TRIGGERS if dialect == "postgresql" else _SQLITE_AUDIT_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_change()")
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_change_referral_id"))

    op.drop_table("status_change")
    with op.batch_alter_table("service_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_schedule_service_id"))

    op.drop_table("service_schedule")
    with op.batch_alter_table("referral_need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_need_need_code"))

    op.drop_table("referral_need")
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_referral_id"))

    op.drop_table("measure")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_referral_id"))
        batch_op.drop_index("ix_follow_up_owner_open")

    op.drop_table("follow_up")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_referral_id"))

    op.drop_table("contact")
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_connection_service_id"))
        batch_op.drop_index(batch_op.f("ix_connection_referral_id"))

    op.drop_table("connection")
    with op.batch_alter_table("service_need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_need_need_code"))

    op.drop_table("service_need")
    with op.batch_alter_table("service_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_location_service_id"))

    op.drop_table("service_location")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_worker_status")
        batch_op.drop_index(batch_op.f("ix_referral_referring_practice_id"))
        batch_op.drop_index("ix_referral_pcn_status")
        batch_op.drop_index("ix_referral_pcn_received")
        batch_op.drop_index(batch_op.f("ix_referral_patient_id"))

    op.drop_table("referral")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_pcn_id"))

    op.drop_table("service")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_registered_practice_id"))
        batch_op.drop_index(batch_op.f("ix_patient_postcode"))
        batch_op.drop_index("ix_patient_family_given")
        batch_op.drop_index("ix_patient_date_of_birth")

    op.drop_table("patient")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_pcn_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_pcn_id"))

    op.drop_table("practice")
    op.drop_table("postcode_point")
    op.drop_table("pcn")
