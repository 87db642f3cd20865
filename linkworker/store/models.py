"""The tables, as typed SQLAlchemy 2 models. Only ``store`` and ``services`` import this.

Conventions: integer keys; timestamps are UTC and timezone-aware in Python; vocabularies are
stored as their string values (``domain`` enums), so adding a value needs no migration; every
record two people can edit has a ``version_id`` that SQLAlchemy checks on update (optimistic
locking: a stale save raises ``StaleDataError`` instead of overwriting).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship, validates

from linkworker.domain.connections import WAITING
from linkworker.domain.directory import service_search_text
from linkworker.domain.person import search_key


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always handed back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), str: String(200)}


class Versioned:
    """Mixin for records two people can edit: optimistic locking on ``version_id``."""

    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version_id}  # type: ignore[attr-defined]


def _code(length: int = 40) -> Any:
    return mapped_column(String(length))


class Pcn(Versioned, Base):
    __tablename__ = "pcn"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str]
    # Directory entries not verified for this many months are flagged as stale.
    stale_after_months: Mapped[int] = mapped_column(SmallInteger, default=6, server_default=text("6"))
    # A referral waiting longer than this many working days for a first contact is flagged.
    first_contact_working_days: Mapped[int] = mapped_column(SmallInteger, default=5, server_default=text("5"))
    # The summary shows counts from 1 to this as "*" (7: the NHS Digital rule; domain.disclosure).
    suppress_up_to: Mapped[int] = mapped_column(SmallInteger, default=7, server_default=text("7"))
    # The smallest SWEMWBS metric change, in hundredths of a point, the summary counts as a real
    # change for one person (287: Shah et al. 2018; domain.measures).
    swemwbs_change_hundredths: Mapped[int] = mapped_column(
        SmallInteger, default=287, server_default=text("287")
    )
    # The window locks after this many minutes without keyboard or mouse input (issue 13).
    idle_lock_minutes: Mapped[int] = mapped_column(SmallInteger, default=10, server_default=text("10"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    practices: Mapped[list[Practice]] = relationship(back_populates="pcn", order_by="Practice.name")


class Practice(Versioned, Base):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    pcn_id: Mapped[int] = mapped_column(ForeignKey("pcn.id"), index=True)
    ods_code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    pcn: Mapped[Pcn] = relationship(back_populates="practices")


class UserAccount(Versioned, Base):
    """A person who signs in. Named ``user_account`` because ``user`` is reserved in PostgreSQL."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    pcn_id: Mapped[int] = mapped_column(ForeignKey("pcn.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str]
    role: Mapped[str] = _code(20)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    # Set when an administrator chose the password: the user picks their own at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # On a shared server, sees every PCN's audit trail (the server's own administrators).
    administers_server: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Patient(Versioned, Base):
    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_family_given", "family_name", "given_name"),
        Index("ix_patient_date_of_birth", "date_of_birth"),
        # PostgreSQL uses an ordinary index for LIKE 'abc%' only under the C collation; this
        # one serves the caseload's name search whatever the server's collation is.
        Index(
            "ix_patient_family_key_prefix",
            "family_key",
            postgresql_ops={"family_key": "varchar_pattern_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # The family name folded for searching (see domain.person.search_key), so "starts with" is
    # an indexed comparison rather than lower() on every row.
    family_key: Mapped[str] = mapped_column(String(100), index=True)
    other_names: Mapped[str | None] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    sex: Mapped[str] = _code(20)
    ethnic_category: Mapped[str] = _code(2)
    address_line_1: Mapped[str | None]
    address_line_2: Mapped[str | None]
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    mobile: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_contact_method: Mapped[str | None] = _code(20)
    preferred_contact_times: Mapped[str | None]
    language: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    accessibility_needs: Mapped[str | None] = mapped_column(Text)
    registered_practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    referrals: Mapped[list[Referral]] = relationship(back_populates="patient")

    @validates("family_name")
    def _keep_search_key(self, _key: str, family_name: str) -> str:
        self.family_key = search_key(family_name)
        return family_name


class PersonNameChange(Base):
    """A change of a person's name: the name before and after, when and by whom. Never edited: the
    case record lists a person's earlier names from these."""

    __tablename__ = "person_name_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    old_given_name: Mapped[str] = mapped_column(String(100))
    old_family_name: Mapped[str] = mapped_column(String(100))
    new_given_name: Mapped[str] = mapped_column(String(100))
    new_family_name: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


def _given_with(consent: str) -> Callable[[DefaultExecutionContext], date | None]:
    """The day a consent given with a new referral was given: the day the referral was received,
    whichever way it is inserted (one by one, or a batch of an import)."""

    def given_on(context: DefaultExecutionContext) -> date | None:
        # SQLAlchemy leaves get_current_parameters untyped; it returns the row's values by column key.
        current_parameters = cast(Callable[[], dict[str, Any]], context.get_current_parameters)
        row = current_parameters()
        return row["received_on"] if row.get(consent) else None

    return given_on


class Referral(Versioned, Base):
    """One episode of support for one person."""

    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_pcn_status", "pcn_id", "status"),
        Index("ix_referral_worker_status", "assigned_worker_id", "status"),
        Index("ix_referral_pcn_received", "pcn_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    # The PCN is implied by the referring practice; kept here so PCN-wide lists need no join.
    pcn_id: Mapped[int] = mapped_column(ForeignKey("pcn.id"))
    referring_practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    source: Mapped[str] = _code(30)
    referrer_name: Mapped[str | None]
    received_on: Mapped[date]
    urgency: Mapped[str] = _code(20)
    consent_share_gp: Mapped[bool] = mapped_column(default=False)
    consent_share_services: Mapped[bool] = mapped_column(default=False)
    # The day each consent to share was given and, once withdrawn, the day it was withdrawn
    # (domain.corrections.Consent). A consent recorded with a new referral was given with it.
    consent_share_gp_given_on: Mapped[date | None] = mapped_column(default=_given_with("consent_share_gp"))
    consent_share_gp_withdrawn_on: Mapped[date | None]
    consent_share_services_given_on: Mapped[date | None] = mapped_column(
        default=_given_with("consent_share_services")
    )
    consent_share_services_withdrawn_on: Mapped[date | None]
    status: Mapped[str] = _code(20)
    status_changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    assigned_worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closing_reason: Mapped[str | None] = _code(30)
    notes: Mapped[str | None] = mapped_column(Text)
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    patient: Mapped[Patient] = relationship(back_populates="referrals")
    needs: Mapped[list[ReferralNeed]] = relationship(cascade="all, delete-orphan")
    status_changes: Mapped[list[StatusChange]] = relationship(order_by="StatusChange.changed_at")


class CaseChange(Base):
    """One field of a case's person or referral corrected after it was saved: its words before
    and after, when and by whom. Never edited. ``patient_id`` is set for a field of the person,
    whose record all their cases share; ``referral_id`` is the case it was corrected from."""

    __tablename__ = "case_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ReferralNeed(Base):
    __tablename__ = "referral_need"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True)
    need_code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class StatusChange(Base):
    """Every move of a case's status, dated, so waits can be measured. Never edited."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = _code(20)
    to_status: Mapped[str] = _code(20)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str | None] = _code(30)


class Contact(Versioned, Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime]
    kind: Mapped[str] = _code(30)
    duration_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Measure(Versioned, Base):
    """One completed outcome measure (ONS4 or SWEMWBS). ``answers`` holds the item scores in order."""

    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = _code(20)
    stage: Mapped[str] = _code(20)
    taken_on: Mapped[date]
    answers: Mapped[list[int]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Service(Versioned, Base):
    """An entry of the local directory: something a person can be connected to."""

    __tablename__ = "service"
    # Whether the directory changed (count and sum of versions), answered from the index alone.
    __table_args__ = (Index("ix_service_version_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null means shared across every PCN of the server (an ICB-wide directory).
    pcn_id: Mapped[int | None] = mapped_column(ForeignKey("pcn.id"), index=True)
    oruk_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    organisation_name: Mapped[str]
    name: Mapped[str]
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    cost_kind: Mapped[str] = _code(20)
    cost_note: Mapped[str | None]
    access_routes: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None] = mapped_column(SmallInteger)
    max_age: Mapped[int | None] = mapped_column(SmallInteger)
    waiting_time: Mapped[str | None]
    status: Mapped[str] = _code(30)
    last_verified_on: Mapped[date | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Name, organisation and description folded for searching (domain.directory.service_search_text),
    # kept current by the validator below; bulk inserts fill it themselves.
    search_text: Mapped[str] = mapped_column(Text)
    # Problems found when the record was imported; any makes the entry "flagged".
    import_problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What an Open Referral UK feed says beside the service itself, kept so an export gives it
    # back whole: its organisation, its phone's id, its contacts and service areas (revision 0015).
    organisation_oruk_id: Mapped[str | None] = mapped_column(String(100))
    organisation_description: Mapped[str | None] = mapped_column(Text)
    organisation_url: Mapped[str | None] = mapped_column(String(500))
    organisation_email: Mapped[str | None] = mapped_column(String(254))
    phone_oruk_id: Mapped[str | None] = mapped_column(String(100))
    oruk_contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    oruk_service_areas: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    needs: Mapped[list[ServiceNeed]] = relationship(cascade="all, delete-orphan")
    # In the order they were added, so exports and screens list venues and times the same way each time.
    locations: Mapped[list[ServiceLocation]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceLocation.id"
    )
    schedules: Mapped[list[ServiceSchedule]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceSchedule.id"
    )
    taxonomy: Mapped[list[ServiceTaxonomy]] = relationship(cascade="all, delete-orphan")

    @validates("name", "organisation_name", "description")
    def _keep_search_text(self, key: str, value: str | None) -> str | None:
        parts = {
            "name": self.name,
            "organisation_name": self.organisation_name,
            "description": self.description,
        }
        parts[key] = value
        self.search_text = service_search_text(
            parts["name"], parts["organisation_name"], parts["description"]
        )
        return value


class ServiceNeed(Base):
    __tablename__ = "service_need"

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    need_code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class ServiceTaxonomy(Base):
    """An Open Referral UK taxonomy term a service carries, kept so an export gives it back."""

    __tablename__ = "service_taxonomy"

    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(100), primary_key=True)
    term_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    term_name: Mapped[str] = mapped_column(String(200))
    oruk_id: Mapped[str | None] = mapped_column(String(100))


class TaxonomyMapping(Versioned, Base):
    """This PCN's need for an Open Referral UK taxonomy term; no need yet means unmapped."""

    __tablename__ = "taxonomy_mapping"
    __table_args__ = (UniqueConstraint("pcn_id", "vocabulary", "term_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pcn_id: Mapped[int] = mapped_column(ForeignKey("pcn.id"))
    vocabulary: Mapped[str] = mapped_column(String(100))
    term_id: Mapped[str] = mapped_column(String(200))
    term_name: Mapped[str] = mapped_column(String(200))
    need_code: Mapped[str | None] = mapped_column(String(40))


class ServiceLocation(Base):
    __tablename__ = "service_location"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None]
    address_line_1: Mapped[str | None]
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    oruk_id: Mapped[str | None] = mapped_column(String(100))


class ServiceSchedule(Base):
    """When a service runs, in ORUK's terms: weekly on ``byday`` (e.g. "TU,TH"), opens to closes."""

    __tablename__ = "service_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    # Indexed (revision 0015): taking a venue away finds its times without reading them all.
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_location.id", ondelete="SET NULL"), index=True
    )
    freq: Mapped[str] = mapped_column(String(10), default="WEEKLY")
    byday: Mapped[str | None] = mapped_column(String(40))
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    description: Mapped[str | None]
    oruk_id: Mapped[str | None] = mapped_column(String(100))


# A connection still waiting for its outcome (domain.connections.WAITING), as SQL.
_WAITING = text(f"status IN ({', '.join(repr(status.value) for status in WAITING)})")


class Connection(Versioned, Base):
    """A person's link to a service: referred or signposted (``route``) on ``made_on`` by
    ``made_by``; ``status`` and ``status_on`` are its latest state (the route itself, attended,
    did not attend, declined), recorded by ``recorded_by``."""

    __tablename__ = "connection"
    __table_args__ = (
        # A case's connections by state and service: the case record, and the PCN's attendance
        # record per service that matching ranks by. It leads with referral_id, so it serves
        # every lookup by case too.
        Index("ix_connection_referral_status_service", "referral_id", "status", "service_id"),
        # A PCN's connections made in a month, as the monthly summary counts them.
        Index("ix_connection_referral_made_on", "referral_id", "made_on"),
        # One connection per case and service still waiting for its outcome (see
        # domain.connections.WAITING): two people saving at once cannot both make it.
        Index(
            "uq_connection_referral_service_waiting",
            "referral_id",
            "service_id",
            unique=True,
            sqlite_where=_WAITING,
            postgresql_where=_WAITING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    route: Mapped[str] = _code(20)
    made_on: Mapped[date]
    status: Mapped[str] = _code(20)
    status_on: Mapped[date]
    feedback: Mapped[str | None] = mapped_column(Text)
    # How it was made (domain.connection_methods) and the note made with it; None on older ones.
    method: Mapped[str | None] = _code(20)
    note: Mapped[str | None] = mapped_column(Text)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


# A follow-up still to be done (domain.follow_ups.is_open), as SQL.
_FOLLOW_UP_OPEN = text("done_at IS NULL AND cancelled_at IS NULL")


class FollowUp(Versioned, Base):
    """Something to do for a case on a day: open until done (``done_at``) or cancelled
    (``cancelled_at``, with a reason), never both. Each move of its date is a FollowUpReschedule."""

    __tablename__ = "follow_up"
    __table_args__ = (
        CheckConstraint("done_at IS NULL OR cancelled_at IS NULL", name="done_or_cancelled"),
        # A worker's open follow-ups by day: the Today view, workload counts, reassignment.
        Index(
            "ix_follow_up_owner_due_open",
            "owner_id",
            "due_on",
            sqlite_where=_FOLLOW_UP_OPEN,
            postgresql_where=_FOLLOW_UP_OPEN,
        ),
        # A case's open follow-ups by day: its next one, whether any is overdue.
        Index(
            "ix_follow_up_referral_due_open",
            "referral_id",
            "due_on",
            sqlite_where=_FOLLOW_UP_OPEN,
            postgresql_where=_FOLLOW_UP_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    kind: Mapped[str] = _code(30)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancelled_reason: Mapped[str | None]

    reschedules: Mapped[list[FollowUpReschedule]] = relationship(
        cascade="all, delete-orphan", order_by="FollowUpReschedule.id"
    )


class FollowUpReschedule(Base):
    """One move of a follow-up's date, with the reason. Never edited."""

    __tablename__ = "follow_up_reschedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_up.id", ondelete="CASCADE"), index=True)
    from_due_on: Mapped[date]
    to_due_on: Mapped[date]
    reason: Mapped[str]
    rescheduled_at: Mapped[datetime] = mapped_column(default=utc_now)
    rescheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class AuditEvent(Base):
    """Who did what to which record, when. Append-only: the database refuses updates and deletes
    (and TRUNCATE on PostgreSQL), and each event is sealed to the one before (``chain_hash``,
    domain.audit_chain), so a change made around the app is found by ``audit verify``.

    ``detail`` never holds patient data: only what was done and to which record id. Ids are
    given by services.audit in chain order, not by the database.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        # The audit screen's action filter and its list of actions, newest first, without
        # reading the whole trail.
        Index("ix_audit_event_action", "action", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = _code(40)
    entity: Mapped[str | None] = _code(40)
    entity_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    detail: Mapped[str | None] = mapped_column(String(500))
    # The PCN the event belongs to (the actor's), so a shared server shows each PCN its own.
    pcn_id: Mapped[int | None] = mapped_column(ForeignKey("pcn.id"), index=True)
    chain_hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The newest sealed event: one row, locked by every writer so the chain never forks, and
    checked by ``audit verify`` so events cut from the end are found too."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_hash: Mapped[str] = mapped_column(String(64))


class PostcodePoint(Base):
    """A postcode's centre, from the ONS postcode directory; for a full postcode also the small
    area it lies in, that area's rank in its nation's deprivation index, and the nation (issue 18;
    ``domain.deprivation``). A district's row has none of these, nor does a postcode from an
    import before them."""

    __tablename__ = "postcode_point"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    lsoa_code: Mapped[str | None] = mapped_column(String(9))
    imd_rank: Mapped[int | None] = mapped_column(Integer)
    # The index the rank is of ("IMD2019", "SIMD2020": ``domain.deprivation.INDICES``).
    imd_index: Mapped[str | None] = mapped_column(String(12))
    country: Mapped[str | None] = mapped_column(String(9))


class PracticePopulation(Base):
    """How many patients registered at a practice live in one LSOA, from one extract of NHS
    Digital's "Patients Registered at a GP Practice" (an import replaces that extract's rows)."""

    __tablename__ = "practice_population"
    __table_args__ = (
        UniqueConstraint("extract_date", "practice_code", "lsoa_code"),
        CheckConstraint("patients >= 0", name="patients_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    extract_date: Mapped[date]
    practice_code: Mapped[str] = mapped_column(String(10), index=True)
    lsoa_code: Mapped[str] = mapped_column(String(9))
    patients: Mapped[int] = mapped_column(Integer)


class SupportPlan(Versioned, Base):
    """The personalised support plan of one episode: what matters, goals, agreed actions."""

    __tablename__ = "support_plan"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True)
    what_matters: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    actions: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class SupportPlanReview(Base):
    """A dated review of the support plan with the person. Never edited."""

    __tablename__ = "support_plan_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[date]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class CaseNote(Base):
    """A free-text note on a case's timeline. Never edited: a correction is a new note."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[datetime] = mapped_column(default=utc_now)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)


class GpCodeEntry(Base):
    """A SNOMED CT code of an episode that a link worker has entered in the GP record."""

    __tablename__ = "gp_code_entry"
    __table_args__ = (UniqueConstraint("referral_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    entered_on: Mapped[date]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class LocalNeed(Versioned, Base):
    """A need a PCN adds to the national taxonomy in resources/needs.json."""

    __tablename__ = "local_need"
    __table_args__ = (UniqueConstraint("pcn_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pcn_id: Mapped[int] = mapped_column(ForeignKey("pcn.id"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# Issue 16, live ORUK feeds (services.directory_feeds): saved feed addresses and what each read changed.


class DirectoryFeed(Versioned, Base):
    """A PCN's saved Open Referral UK feed address, and what its last import added, updated and closed."""

    __tablename__ = "directory_feed"
    __table_args__ = (UniqueConstraint("pcn_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pcn_id: Mapped[int] = mapped_column(ForeignKey("pcn.id"))
    address: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Null until the feed is first imported; the counts are that import's changes.
    last_read_at: Mapped[datetime | None]
    last_read_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_added: Mapped[int | None]
    last_updated: Mapped[int | None]
    last_unchanged: Mapped[int | None]
    last_closed: Mapped[int | None]
    last_skipped: Mapped[int | None]


class DirectoryFeedService(Base):
    """A service a feed carried when last imported: one that vanishes from the feed is closed."""

    __tablename__ = "directory_feed_service"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("directory_feed.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    oruk_id: Mapped[str] = mapped_column(String(100))
