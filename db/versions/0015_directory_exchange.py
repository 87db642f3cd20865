"""Directory exchange without loss (issue 16): the Open Referral UK ids of a service's parts, and
its organisation's details, kept so an export gives back what an import took in.

- ``service``: the organisation's ORUK id, description, web address and email; the phone's ORUK
  id; the contacts and service areas a feed gives (``oruk_contacts``, ``oruk_service_areas``,
  lists of their fields as the feed gave them, empty for none).
- ``service_location.oruk_id``, ``service_schedule.oruk_id``, ``service_taxonomy.oruk_id``: the
  id of the venue, the time and the term in the feed.
- an index on ``service_schedule.location_id``: an import that replaces a service's venues deletes
  them, and each deletion looked through every time of the directory for the venue's (to set
  them to no venue); 5,000 services changed took 3.5 s of deletions without it.

Until now an export made these ids up from the service and the part's place in its list (a
venue's id from the service's and "0", "1", ...), so they changed when a venue was taken away,
and an import threw the feed's own away. Each part that exists already is given the id it has
been exported under so far (the same derivation, written out here so this revision never
changes with the application's code): whoever reads Linkworker's exports sees the same ids after
the upgrade, and from then on they stay with the part. No organisation has a description, web
address or email until a feed gives one (exports wrote its name as its description).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# interchange.oruk's namespace for ids made from Linkworker's own keys, as of this revision.
_NAMESPACE = uuid.UUID("6f1f8d5e-2b8a-4c39-9d0e-6c1b5a1e7d42")
_SERVICE_COLUMNS = (
    ("organisation_oruk_id", sa.String(length=100)),
    ("organisation_description", sa.Text()),
    ("organisation_url", sa.String(length=500)),
    ("organisation_email", sa.String(length=254)),
    ("phone_oruk_id", sa.String(length=100)),
)
_PART_TABLES = ("service_location", "service_schedule", "service_taxonomy")
_LISTS = ("oruk_contacts", "oruk_service_areas")


def upgrade() -> None:
    # Added in place (nullable, or with a default for the lists): nothing else of the tables changes.
    for name, kind in _SERVICE_COLUMNS:
        op.add_column("service", sa.Column(name, kind, nullable=True))
    for name in _LISTS:
        op.add_column("service", sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    for table in _PART_TABLES:
        op.add_column(table, sa.Column("oruk_id", sa.String(length=100), nullable=True))
    op.create_index(
        op.f("ix_service_schedule_location_id"), "service_schedule", ["location_id"], unique=False
    )
    _keep_exported_ids(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("ix_service_schedule_location_id"), table_name="service_schedule")
    for table in reversed(_PART_TABLES):
        op.drop_column(table, "oruk_id")
    for name in reversed(_LISTS):
        op.drop_column("service", name)
    for name, _kind in reversed(_SERVICE_COLUMNS):
        op.drop_column("service", name)


def _export_id(kind: str, key: str) -> str:
    """The UUID a record was exported under: its own id when that is a UUID, else one made from it."""
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def _keep_exported_ids(connection: sa.Connection) -> None:
    """Each part's id as exports have written it so far (interchange.oruk before this revision)."""
    exported: dict[int, str] = {}
    services = []
    for service_id, oruk_id, organisation, name, phone in connection.execute(
        sa.text("SELECT id, oruk_id, organisation_name, name, phone FROM service")
    ):
        own = _export_id("service", oruk_id or f"linkworker-service-{service_id}")
        exported[service_id] = own
        services.append(
            {
                "id": service_id,
                "organisation": _export_id("organization", (organisation or name).casefold()),
                # The phone went out under the service's own id.
                "phone": own if phone else None,
            }
        )
    _update(
        connection,
        "UPDATE service SET organisation_oruk_id = :organisation, phone_oruk_id = :phone WHERE id = :id",
        services,
    )
    for table, kind in (("service_location", "location"), ("service_schedule", "schedule")):
        rows = connection.execute(sa.text(f"SELECT id, service_id FROM {table} ORDER BY service_id, id"))
        _update(
            connection,
            f"UPDATE {table} SET oruk_id = :oruk_id WHERE id = :id",
            _numbered(rows, exported, kind),
        )
    terms = connection.execute(sa.text("SELECT service_id, vocabulary, term_id FROM service_taxonomy"))
    _update(
        connection,
        "UPDATE service_taxonomy SET oruk_id = :oruk_id "
        "WHERE service_id = :service_id AND vocabulary = :vocabulary AND term_id = :term_id",
        [
            {
                "service_id": service_id,
                "vocabulary": vocabulary,
                "term_id": term_id,
                "oruk_id": _export_id("taxonomy_term", f"{vocabulary}:{term_id}"),
            }
            for service_id, vocabulary, term_id in terms
        ],
    )


def _numbered(rows: Iterable[Sequence[int]], exported: dict[int, str], kind: str) -> list[dict[str, object]]:
    """A venue's or a time's id: made from its service's and its place among the service's (by id)."""
    numbered: list[dict[str, object]] = []
    place: dict[int, int] = {}
    for row_id, service_id in rows:
        number = place.get(service_id, 0)
        place[service_id] = number + 1
        numbered.append({"id": row_id, "oruk_id": _export_id(kind, f"{exported[service_id]}:{number}")})
    return numbered


def _update(connection: sa.Connection, statement: str, rows: list[dict[str, object]]) -> None:
    if rows:
        connection.execute(sa.text(statement), rows)
