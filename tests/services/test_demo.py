"""The demo builder: real data in real databases, checked for the properties the app relies on.

The PCN scale is built once per module at a small size on an encrypted SQLite file and on
PostgreSQL (the full 40,000 people is measured by hand, see benchmarks/README.md). ``now`` is
fixed so the data is the same whenever the suite runs.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker import catalogues
from linkworker.domain import measures, nhs_number, postcode
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import ENDED, CaseStatus, ClosingReason, can_move
from linkworker.domain.roles import Role
from linkworker.services.demo import DemoCredentials, DemoSizes, build_demo
from linkworker.services.organisation import NewPractice, add_practice
from linkworker.services.users import NewUser, create_user, sign_in
from linkworker.store.database import Database
from linkworker.store.errors import StoreError
from linkworker.store.models import (
    AuditEvent,
    Base,
    Connection,
    Contact,
    FollowUp,
    Measure,
    Patient,
    Pcn,
    PostcodePoint,
    Practice,
    Referral,
    ReferralNeed,
    Service,
    ServiceLocation,
    ServiceNeed,
    ServiceSchedule,
    StatusChange,
    UserAccount,
)
from tests.helpers.databases import PostgresTemplate, SqliteTemplate

NOW = datetime(2026, 3, 18, 14, 30, tzinfo=UTC)  # a Wednesday afternoon
TODAY = NOW.date()
SEED = 11
SMALL_PCN = DemoSizes(pcns=1, practices=5, link_workers=3, people=3_000, referrals=400, services=40)
SMALL_ICS = DemoSizes(pcns=3, practices=11, link_workers=7, people=2_400, referrals=1_500, services=120)


@dataclass(frozen=True)
class Built:
    database: Database
    credentials: DemoCredentials
    messages: list[str]


def _build(database: Database, scale: str = "pcn", sizes: DemoSizes = SMALL_PCN, seed: int = SEED) -> Built:
    messages: list[str] = []
    credentials = build_demo(database, scale=scale, seed=seed, progress=messages.append, sizes=sizes, now=NOW)
    return Built(database, credentials, messages)


@pytest.fixture(scope="module")
def sqlite_demo(sqlite_template: SqliteTemplate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    built = _build(sqlite_template.copy_to(tmp_path_factory.mktemp("demo-sqlite")))
    yield built
    built.database.dispose()


@pytest.fixture(scope="module")
def postgresql_demo(postgres_template: PostgresTemplate) -> Iterator[Built]:
    database, name = postgres_template.copy()
    yield _build(database)
    database.dispose()
    postgres_template.drop(name)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(f"{request.param}_demo")


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _all_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {table.name: _count(session, table) for table in Base.metadata.sorted_tables}  # type: ignore[arg-type]


def test_counts_are_those_asked_for_and_casework_follows_from_them(demo):
    with demo.database.session() as session:
        assert _count(session, Pcn) == 1
        assert _count(session, Practice) == 5
        assert sorted(session.scalars(select(UserAccount.role))) == sorted(
            ["admin", "manager", "link_worker", "link_worker", "link_worker"]
        )
        assert _count(session, Patient) == SMALL_PCN.people
        assert _count(session, Referral) == SMALL_PCN.referrals
        assert _count(session, Service) == SMALL_PCN.services
        referrals = SMALL_PCN.referrals
        assert 5 * referrals <= _count(session, Contact) <= 9 * referrals
        assert 3 * referrals <= _count(session, StatusChange) <= 5 * referrals
        assert 1 * referrals <= _count(session, Measure) <= 3 * referrals
        assert 3 * referrals <= _count(session, FollowUp) <= 8 * referrals
        assert 0.8 * referrals <= _count(session, Connection) <= 2 * referrals
        assert _count(session, ServiceLocation) >= 0.8 * SMALL_PCN.services
        assert _count(session, ServiceSchedule) >= SMALL_PCN.services


def test_progress_is_reported_per_stage_with_counts(demo):
    stages = [message.split(":")[0] for message in demo.messages]
    assert stages[:4] == ["Organisation", "People", "Directory", "Cases"]
    assert any(f"{SMALL_PCN.people:,} registered" in message for message in demo.messages)
    assert any(f"{SMALL_PCN.referrals:,} referrals" in message for message in demo.messages)


def test_every_nhs_number_is_valid_in_the_test_range_and_unique(demo):
    with demo.database.session() as session:
        numbers = list(session.scalars(select(Patient.nhs_number)))
    assert len(numbers) == len(set(numbers)) == SMALL_PCN.people
    for number in numbers:
        assert number is not None and nhs_number.is_valid(number) and nhs_number.is_test_number(number)


def test_people_are_adults_skewed_older_with_nhs_vocabularies(demo):
    with demo.database.session() as session:
        people = session.execute(
            select(Patient.date_of_birth, Patient.sex, Patient.ethnic_category, Patient.given_name)
        ).all()
    ages = [
        TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day)) for born, *_ in people
    ]
    assert min(ages) >= 18 and max(ages) <= 95
    assert 50 <= statistics.mean(ages) <= 70
    assert {sex for _, sex, _, _ in people} <= {sex.value for sex in Sex}
    ethnic = Counter(category for _, _, category, _ in people)
    assert set(ethnic) <= {category.value for category in EthnicCategory}
    assert 0.75 <= ethnic["A"] / len(people) <= 0.9  # White British, as in Kent
    assert all(given for *_, given in people)


def test_every_postcode_is_well_formed_canonical_and_has_a_point_in_kent(demo):
    with demo.database.session() as session:
        codes = set(session.scalars(select(Patient.postcode)))
        codes |= set(session.scalars(select(ServiceLocation.postcode)))
        points = {point.postcode: point for point in session.scalars(select(PostcodePoint))}
        locations = session.execute(
            select(ServiceLocation.postcode, ServiceLocation.latitude, ServiceLocation.longitude)
        ).all()
    for code in codes:
        assert code is not None and postcode.parse(code) == code
        assert code in points
    for point in points.values():
        assert 50.85 < point.latitude < 51.55 and -0.05 < point.longitude < 1.55
    for code, latitude, longitude in locations:
        assert (points[code].latitude, points[code].longitude) == (latitude, longitude)


def test_every_status_history_is_a_dated_sequence_of_allowed_moves(demo):
    with demo.database.session() as session:
        referrals = {referral.id: referral for referral in session.scalars(select(Referral))}
        histories = defaultdict(list)
        for change in session.scalars(
            select(StatusChange).order_by(StatusChange.changed_at, StatusChange.id)
        ):
            histories[change.referral_id].append(change)
    assert set(histories) == set(referrals)
    for referral_id, history in histories.items():
        referral = referrals[referral_id]
        first = history[0]
        assert (first.from_status, first.to_status) == (None, CaseStatus.REFERRED.value)
        assert first.changed_at.date() == referral.received_on
        for before, after in itertools.pairwise(history):
            assert after.from_status == before.to_status
            assert can_move(CaseStatus(before.to_status), CaseStatus(after.to_status))
            assert before.changed_at < after.changed_at <= NOW
        last = history[-1]
        assert referral.status == last.to_status
        assert referral.status_changed_at == last.changed_at
        if CaseStatus(referral.status) in ENDED:
            assert referral.closing_reason == last.reason
            assert referral.closing_reason in {reason.value for reason in ClosingReason}
        else:
            assert referral.closing_reason is None


def test_a_realistic_mix_of_outcomes_with_open_cases_mostly_recent(demo):
    with demo.database.session() as session:
        rows = session.execute(
            select(Referral.status, Referral.received_on, Referral.assigned_worker_id)
        ).all()
    statuses = Counter(status for status, _, _ in rows)
    assert statuses[CaseStatus.CLOSED.value] > len(rows) / 2
    assert statuses[CaseStatus.DECLINED.value] > 0 and statuses[CaseStatus.NOT_CONTACTABLE.value] > 0
    open_cases = [(received, worker) for status, received, worker in rows if CaseStatus(status).is_open]
    assert len(open_cases) >= 20
    assert statistics.median(TODAY - received for received, _ in open_cases) < timedelta(days=120)
    assert min(received for _, received, _ in rows) >= TODAY - timedelta(days=730)
    assert max(received for _, received, _ in rows) <= TODAY
    per_worker = Counter(worker for _, worker in open_cases if worker is not None)
    assert len(per_worker) == 3 and min(per_worker.values()) >= len(open_cases) / 6


def test_engaged_cases_have_6_to_12_contacts_within_the_episode(demo):
    with demo.database.session() as session:
        closed = {
            referral.id: referral
            for referral in session.scalars(
                select(Referral).where(Referral.status == CaseStatus.CLOSED.value)
            )
        }
        contacts = defaultdict(list)
        for contact in session.scalars(select(Contact)):
            contacts[contact.referral_id].append(contact)
    assert closed
    for referral_id, referral in closed.items():
        assert 6 <= len(contacts[referral_id]) <= 12
        for contact in contacts[referral_id]:
            assert referral.created_at <= contact.occurred_at <= referral.status_changed_at
    every = [contact for group in contacts.values() for contact in group]
    assert {contact.kind for contact in every} == {kind.value for kind in ContactKind}
    assert all(contact.occurred_at <= NOW for contact in every)
    assert all(contact.duration_minutes is None or contact.duration_minutes > 0 for contact in every)


def test_measure_scores_follow_the_domain_rules_and_follow_ups_improve_a_little(demo):
    with demo.database.session() as session:
        rows = session.scalars(select(Measure)).all()
    by_stage: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        assert row.score == measures.score(Instrument(row.instrument), row.answers)
        if row.instrument == Instrument.SWEMWBS.value:
            by_stage[(row.instrument, row.stage)].append(row.score)
        else:
            measures.parse_ons4(row.answers)
            by_stage[(row.instrument, row.stage)].append(row.answers[0])
    for instrument in Instrument:
        baseline = statistics.mean(by_stage[(instrument.value, MeasureStage.BASELINE.value)])
        follow_up = statistics.mean(by_stage[(instrument.value, MeasureStage.FOLLOW_UP.value)])
        assert 0 < follow_up - baseline < 3


def test_follow_ups_are_mostly_done_with_some_overdue_today_and_this_week(demo):
    with demo.database.session() as session:
        rows = session.execute(
            select(FollowUp.due_on, FollowUp.done_at, FollowUp.owner_id, Referral.status).join(
                Referral, Referral.id == FollowUp.referral_id
            )
        ).all()
        open_assigned = session.scalar(
            select(func.count()).where(
                Referral.status.not_in([status.value for status in ENDED]),
                Referral.assigned_worker_id.is_not(None),
            )
        )
    waiting = [(due, status) for due, done, _, status in rows if done is None]
    assert len(rows) - len(waiting) > 0.8 * len(rows)
    assert all(CaseStatus(status).is_open for _, status in waiting)
    assert len(waiting) == open_assigned  # each open case has its next step booked
    assert any(due < TODAY for due, _ in waiting)
    assert any(due == TODAY for due, _ in waiting)
    assert any(TODAY < due <= TODAY + timedelta(days=6) for due, _ in waiting)
    assert all(done is None or done <= NOW for _, done, _, _ in rows)
    assert all(owner is not None for _, _, owner, _ in rows)


def test_needs_and_connections_use_the_taxonomy_and_the_directory(demo):
    codes = set(catalogues.needs().codes())
    with demo.database.session() as session:
        referral_needs = set(session.scalars(select(ReferralNeed.need_code)))
        service_needs = set(session.scalars(select(ServiceNeed.need_code)))
        connections = session.execute(select(Connection.status, Service.status).join(Service)).all()
    assert referral_needs <= codes and service_needs <= codes
    assert len(referral_needs) > 10
    statuses = Counter(status for status, _ in connections)
    assert set(statuses) <= {status.value for status in ConnectionStatus}
    for wanted in ("referred", "signposted", "attended", "declined", "did_not_attend"):
        assert statuses[wanted] > 0
    assert {service_status for _, service_status in connections} == {ServiceStatus.ACTIVE.value}


def test_the_directory_spans_kent_with_varied_times_costs_and_stale_entries(demo):
    with demo.database.session() as session:
        services = session.scalars(select(Service)).all()
        schedules = session.scalars(select(ServiceSchedule)).all()
        towns = set(session.scalars(select(ServiceLocation.town)))
    assert len(towns) >= 8
    assert {service.cost_kind for service in services} <= {kind.value for kind in CostKind}
    assert Counter(service.status for service in services)[ServiceStatus.ACTIVE.value] >= 0.75 * len(services)
    assert any(service.last_verified_on < TODAY - timedelta(days=365) for service in services)
    assert all(service.languages and service.access_routes for service in services)
    days = {day for schedule in schedules for day in (schedule.byday or "").split(",")}
    assert {"MO", "TU", "WE", "TH", "FR"} <= days and days & {"SA", "SU"}
    assert any(schedule.opens_at.hour >= 18 for schedule in schedules)
    assert all(schedule.opens_at < schedule.closes_at for schedule in schedules)


def test_the_printed_demo_accounts_sign_in(demo):
    lines = demo.credentials.lines()
    assert len(lines) == len(demo.credentials.accounts) == 5
    hint = demo.credentials.hint()
    assert hint is not None and "worker1" in hint
    for account in demo.credentials.accounts:
        assert any(account.username in line and account.password in line for line in lines)
        with demo.database.session() as session:
            actor = sign_in(session, account.username, account.password)
        assert actor.role is account.role


def test_a_second_call_adds_nothing_and_gives_the_same_credentials(demo):
    before = _all_counts(demo.database)
    messages: list[str] = []
    again = build_demo(demo.database, scale="pcn", seed=SEED + 1, progress=messages.append, now=NOW)
    assert _all_counts(demo.database) == before
    assert sorted(again.lines()) == sorted(demo.credentials.lines())
    assert messages == ["The demo data (pcn scale) is already built; nothing was added."]


def test_the_audit_trail_has_one_event_per_stage_and_no_patient_data(demo):
    with demo.database.session() as session:
        details = list(
            session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action.in_(["demo_data_loaded", "demo_built"]))
            )
        )
        numbers = set(session.scalars(select(Patient.nhs_number)))
        names = set(session.scalars(select(Patient.family_name)))
    assert len(details) == 5
    words = {word.strip("=:,") for detail in details for word in (detail or "").split()}
    assert not words & numbers and not words & names


# Columns that hold the moment of building, not generated data.
_VOLATILE = {
    "created_at", "updated_at", "password_hash", "last_sign_in_at", "failed_sign_ins", "version_id",
}  # fmt: skip


def _dump(database: Database) -> dict[str, list[tuple[object, ...]]]:
    dump = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_event":
                continue
            columns = [column for column in table.columns if column.name not in _VOLATILE]
            key = list(table.primary_key.columns)
            dump[table.name] = [tuple(row) for row in session.execute(select(*columns).order_by(*key))]
    return dump


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    sqlite_demo, sqlite_template, tmp_path
):
    same = _build(sqlite_template.copy_to(tmp_path / "same"))
    other = _build(sqlite_template.copy_to(tmp_path / "other"), seed=SEED + 1)
    try:
        expected = _dump(sqlite_demo.database)
        assert _dump(same.database) == expected
        assert same.credentials == sqlite_demo.credentials
        different = _dump(other.database)
        assert different["patient"] != expected["patient"]
        assert different["referral"] != expected["referral"]
    finally:
        same.database.dispose()
        other.database.dispose()


def test_the_ics_scale_builds_several_pcns_that_keep_to_their_own(database):
    built = _build(database, scale="ics", sizes=SMALL_ICS)
    assert built.credentials.hint() is None
    with database.session() as session:
        pcns = session.scalars(select(Pcn.id)).all()
        practice_pcn = dict(session.execute(select(Practice.id, Practice.pcn_id)).all())
        user_pcn = dict(session.execute(select(UserAccount.id, UserAccount.pcn_id)).all())
        service_pcn = dict(session.execute(select(Service.id, Service.pcn_id)).all())
        referrals = session.execute(
            select(Referral.id, Referral.pcn_id, Referral.referring_practice_id, Referral.assigned_worker_id)
        ).all()
        connections = session.execute(select(Connection.service_id, Referral.pcn_id).join(Referral)).all()
        workers = Counter(
            session.scalars(select(UserAccount.pcn_id).where(UserAccount.role == Role.LINK_WORKER.value))
        )
    assert len(pcns) == 3 and len(practice_pcn) == SMALL_ICS.practices
    assert sum(workers.values()) == SMALL_ICS.link_workers and set(workers) == set(pcns)
    assert len(referrals) == SMALL_ICS.referrals
    for _, pcn_id, practice_id, worker_id in referrals:
        assert practice_pcn[practice_id] == pcn_id
        assert worker_id is None or user_pcn[worker_id] == pcn_id
    assert Counter(pcn_id for _, pcn_id, _, _ in referrals).keys() == set(pcns)
    for service_id, pcn_id in connections:
        assert service_pcn[service_id] in (None, pcn_id)
    assert None in service_pcn.values() and len(set(service_pcn.values())) == 4


def test_after_an_ics_build_the_app_adds_records_and_every_pcn_signs_in(database):
    built = _build(database, scale="ics", sizes=SMALL_ICS)
    usernames = {account.username: account for account in built.credentials.accounts}
    assert {"admin1", "admin3", "manager2", "worker7"} <= set(usernames)
    with database.session() as session:
        admin = sign_in(session, "admin3", usernames["admin3"].password)
        worker = sign_in(session, "worker7", usernames["worker7"].password)
    assert admin.pcn_id == worker.pcn_id != 1
    with database.session() as session:
        create_user(
            session, admin, NewUser("new.worker", "New Worker", Role.LINK_WORKER, "a long new password")
        )
        add_practice(session, admin, NewPractice("G12345", "New Surgery"))
        patient = Patient(
            nhs_number=None,
            given_name="Test",
            family_name="Person",
            date_of_birth=date(1960, 1, 1),
            sex=Sex.FEMALE.value,
            ethnic_category=EthnicCategory.Z.value,
        )
        session.add(patient)
        session.flush()
        session.add(
            Referral(
                patient_id=patient.id,
                pcn_id=admin.pcn_id,
                referring_practice_id=session.scalar(
                    select(Practice.id).where(Practice.ods_code == "G12345")
                ),
                source="gp",
                received_on=TODAY,
                urgency="routine",
                status="referred",
            )
        )
        session.flush()
        assert patient.id == SMALL_ICS.people + 1
    again = build_demo(database, scale="ics", seed=SEED, sizes=SMALL_ICS, now=NOW)
    assert again.accounts == built.credentials.accounts  # not new.worker, whose password is not ours


def test_a_database_with_other_data_is_left_alone(database, actors):
    before = _all_counts(database)
    with pytest.raises(StoreError) as refused:
        build_demo(database, scale="pcn", seed=SEED, sizes=SMALL_PCN, now=NOW)
    assert "empty database" in str(refused.value)
    assert _all_counts(database) == before


@pytest.mark.parametrize(
    ("scale", "sizes"),
    [
        ("county", None),
        ("pcn", DemoSizes(pcns=2, practices=1, link_workers=2, people=100, referrals=10, services=10)),
        ("pcn", DemoSizes(pcns=1, practices=5, link_workers=3, people=20, referrals=10, services=10)),
        ("ics", DemoSizes(pcns=1, practices=5, link_workers=3, people=909_092, referrals=10, services=10)),
    ],
)
def test_an_unknown_scale_or_impossible_sizes_are_refused_before_anything_is_written(
    sqlite_database, scale, sizes
):
    with pytest.raises(ValidationError):
        build_demo(sqlite_database, scale=scale, sizes=sizes)
    assert _all_counts(sqlite_database)["pcn"] == 0
