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
from linkworker.demo import DemoCredentials, DemoSizes, build_demo
from linkworker.demo.plan_texts import LOCAL_NEED_TEXTS, NEED_TEXTS, NeedTexts
from linkworker.domain import measures, nhs_number, postcode
from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.deprivation import IMD_2019, AreaRank
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus, service_search_text
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import LOCAL_NEED_PREFIX
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import ENDED, CaseStatus, ClosingReason, can_move
from linkworker.domain.roles import Role
from linkworker.domain.working_days import bank_holidays, is_working_day
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import NewPractice, add_practice
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import gp_record
from linkworker.services.cases.needs import local_needs
from linkworker.services.directory import postcodes, practice_populations
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database
from linkworker.store.errors import StoreError
from linkworker.store.models import (
    AuditEvent,
    Base,
    CaseNote,
    Connection,
    Contact,
    FollowUp,
    GpCodeEntry,
    LocalNeed,
    Measure,
    Patient,
    Pcn,
    PostcodePoint,
    Practice,
    PracticePopulation,
    Referral,
    ReferralNeed,
    Service,
    ServiceLocation,
    ServiceNeed,
    ServiceSchedule,
    StatusChange,
    SupportPlan,
    SupportPlanReview,
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
    assert stages[:5] == ["Organisation", "People", "Practice populations", "Directory", "Cases"]
    assert any(f"{SMALL_PCN.people:,} registered" in message for message in demo.messages)
    assert any(f"{SMALL_PCN.referrals:,} referrals" in message for message in demo.messages)
    assert any("3 local needs" in message for message in demo.messages)
    assert any("support plans" in message and "GP codes entered" in message for message in demo.messages)


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
    with demo.database.session() as session:
        who = session.execute(
            select(FollowUp.owner_id, FollowUp.created_by_id, FollowUp.done_at, FollowUp.done_by_id)
        ).all()
        assert session.scalar(select(func.count()).where(FollowUp.cancelled_at.is_not(None))) == 0
    assert all(created_by == owner for owner, created_by, _, _ in who)  # each worker books their own
    assert all((done_by == owner) == (done is not None) for owner, _, done, done_by in who)


def _closed_days(database: Database) -> tuple[list[date], list[date]]:
    """Every follow-up's day, and those of them no one works on (a weekend or a bank holiday)."""
    with database.session() as session:
        days = sorted(set(session.scalars(select(FollowUp.due_on))))
    return days, [day for day in days if not is_working_day(day)]


def test_every_follow_up_falls_on_a_working_day(demo):
    days, closed = _closed_days(demo.database)
    assert closed == []
    # The follow-ups span bank holidays (Christmas, New Year, Easter ahead), so the rule was met.
    holidays = {day for year in range(days[0].year, days[-1].year + 1) for day in bank_holidays(year)}
    assert sum(days[0] < day < days[-1] and day.weekday() < 5 for day in holidays) >= 8


# Built on Easter Monday 2026: the open cases' follow-ups due "today" and in the days around go
# to working days, the Tuesday after the long weekend the first of them.
EASTER_MONDAY = datetime(2026, 4, 6, 11, 0, tzinfo=UTC)
TINY_PCN = DemoSizes(pcns=1, practices=2, link_workers=2, people=300, referrals=150, services=12)


def test_a_demo_built_on_a_bank_holiday_books_its_follow_ups_on_working_days(sqlite_template, tmp_path):
    database = sqlite_template.copy_to(tmp_path / "easter")
    try:
        build_demo(
            database, scale="pcn", seed=SEED, progress=lambda _: None, sizes=TINY_PCN, now=EASTER_MONDAY
        )
        assert _closed_days(database)[1] == []
        with database.session() as session:
            waiting = set(session.scalars(select(FollowUp.due_on).where(FollowUp.done_at.is_(None))))
        assert date(2026, 4, 7) in waiting  # what was due over the weekend and today
        assert any(day < EASTER_MONDAY.date() for day in waiting)  # and some overdue
    finally:
        database.dispose()


def test_needs_and_connections_use_the_taxonomy_and_the_directory(demo):
    codes = set(catalogues.needs().codes())
    with demo.database.session() as session:
        referral_needs = set(session.scalars(select(ReferralNeed.need_code)))
        service_needs = set(session.scalars(select(ServiceNeed.need_code)))
        connections = session.execute(select(Connection.status, Service.status).join(Service)).all()
        local_codes = set(session.scalars(select(LocalNeed.code)))
    assert referral_needs <= codes | local_codes and service_needs <= codes
    assert len(referral_needs) > 10
    statuses = Counter(status for status, _ in connections)
    assert set(statuses) <= {status.value for status in ConnectionStatus}
    for wanted in ("referred", "signposted", "attended", "declined", "did_not_attend"):
        assert statuses[wanted] > 0
    assert {service_status for _, service_status in connections} == {ServiceStatus.ACTIVE.value}


def test_services_are_searchable_and_connections_carry_their_route_and_day(demo):
    with demo.database.session() as session:
        services = session.execute(
            select(Service.name, Service.organisation_name, Service.description, Service.search_text)
        ).all()
        connections = session.execute(
            select(Connection.route, Connection.made_on, Connection.status, Connection.status_on)
        ).all()
        stale_after = set(session.scalars(select(Pcn.stale_after_months)))
    assert all(
        row.search_text == service_search_text(row.name, row.organisation_name, row.description)
        for row in services
    )
    assert {route for route, *_ in connections} == {"referred", "signposted"}
    assert all(made_on <= status_on for _, made_on, _, status_on in connections)
    made_alone = [row for row in connections if row.status in ("referred", "signposted", "suggested")]
    assert made_alone and all(row.made_on == row.status_on for row in made_alone)
    assert stale_after == {6}


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


# Casework records: support plans, reviews, notes, GP codes and the PCN's own needs ---------


@dataclass(frozen=True)
class Case:
    id: int
    worker: int | None
    status: CaseStatus
    received_on: date
    start: datetime
    end: datetime  # when it ended, or NOW for an open case
    assessed_at: datetime | None
    needs: tuple[str, ...]


def _cases(session: Session) -> dict[int, Case]:
    assessed = dict(
        session.execute(
            select(StatusChange.referral_id, StatusChange.changed_at).where(
                StatusChange.to_status == CaseStatus.ASSESSED.value
            )
        ).all()
    )
    needs: dict[int, list[str]] = defaultdict(list)
    for referral_id, code in session.execute(select(ReferralNeed.referral_id, ReferralNeed.need_code)):
        needs[referral_id].append(code)
    cases = {}
    for referral in session.scalars(select(Referral)):
        status = CaseStatus(referral.status)
        cases[referral.id] = Case(
            referral.id,
            referral.assigned_worker_id,
            status,
            referral.received_on,
            referral.created_at,
            referral.status_changed_at if status in ENDED else NOW,
            assessed.get(referral.id),
            tuple(needs[referral.id]),
        )
    return cases


def _texts(session: Session) -> dict[str, NeedTexts]:
    local = {need.code: LOCAL_NEED_TEXTS[need.label] for need in session.scalars(select(LocalNeed))}
    return NEED_TEXTS | local


def test_every_need_the_demo_records_has_plan_texts():
    assert set(NEED_TEXTS) == set(catalogues.needs().codes())
    for texts in [*NEED_TEXTS.values(), *LOCAL_NEED_TEXTS.values()]:
        for phrases in (texts.matters, texts.goals, texts.actions, texts.progress, texts.notes):
            assert phrases and all(10 <= len(phrase) <= 120 for phrase in phrases)


def test_support_plans_are_on_every_assessed_case_and_only_those(demo):
    with demo.database.session() as session:
        cases = _cases(session)
        plans = session.scalars(select(SupportPlan)).all()
        texts = _texts(session)
    assessed = {case.id for case in cases.values() if case.assessed_at is not None}
    assert len(assessed) > SMALL_PCN.referrals / 2
    assert {plan.referral_id for plan in plans} == assessed
    for plan in plans:
        case = cases[plan.referral_id]
        assert case.assessed_at is not None
        assert plan.updated_by_id == case.worker is not None
        assert case.assessed_at <= plan.updated_at <= case.end
        assert (plan.version_id == 1) == (plan.updated_at == case.assessed_at)
        # Tied to the case's needs: every line comes from the texts of one of them.
        own = [texts[code] for code in case.needs]
        assert plan.what_matters and any(
            plan.what_matters.startswith(phrase) for t in own for phrase in t.matters
        )
        goals = (plan.goals or "").split("\n")
        assert 1 <= len(goals) <= 3
        assert all(line.removeprefix("- ") in {g for t in own for g in t.goals} for line in goals)
        actions = (plan.actions or "").split("\n")
        agreed = [line for line in actions if not line.startswith("- Reviewed ")]
        assert all(line.removeprefix("- ") in {a for t in own for a in t.actions} for line in agreed)
        revisions = [line for line in actions if line.startswith("- Reviewed ")]
        assert len(revisions) == plan.version_id - 1
        if revisions:
            assert revisions[-1].startswith(f"- Reviewed {plan.updated_at:%d/%m/%Y}: ")
    assert len({plan.what_matters for plan in plans}) > 50
    assert Counter(plan.version_id for plan in plans).keys() == {1, 2}


def test_plan_reviews_come_after_assessment_while_the_case_is_open(demo):
    with demo.database.session() as session:
        cases = _cases(session)
        reviews = session.scalars(select(SupportPlanReview)).all()
        plans = {plan.referral_id: plan for plan in session.scalars(select(SupportPlan))}
    assert len(plans) / 4 < len(reviews) < len(plans)
    for review in reviews:
        case = cases[review.referral_id]
        plan = plans[review.referral_id]
        assert case.assessed_at is not None
        assert case.assessed_at.date() < review.reviewed_on == review.created_at.date()
        assert review.created_at <= case.end and review.reviewed_by_id == case.worker
        if review.created_at == case.end:  # only the review at the closing conversation
            assert case.status is CaseStatus.CLOSED and review.note.startswith("Final review")
        assert review.note and review.created_at <= NOW
        assert plan.updated_at <= case.end
    per_case = Counter(review.referral_id for review in reviews)
    assert max(per_case.values()) <= 2
    assert any(cases[referral_id].status is CaseStatus.CLOSED for referral_id in per_case)


def test_notes_fall_within_the_case_and_are_written_by_its_worker(demo):
    with demo.database.session() as session:
        cases = _cases(session)
        notes = session.scalars(select(CaseNote)).all()
        texts = _texts(session)
    assert 0.6 * SMALL_PCN.referrals <= len(notes) <= 2 * SMALL_PCN.referrals
    for note in notes:
        case = cases[note.referral_id]
        assert case.worker is not None and note.author_id == case.worker
        assert case.start <= note.written_at <= case.end <= NOW
        assert note.text.strip() == note.text and note.text
        if any(note.text in texts[code].notes for code in case.needs):
            assert case.assessed_at is not None and case.assessed_at <= note.written_at
    per_case = Counter(note.referral_id for note in notes)
    assert max(per_case.values()) >= 3
    assert not {case.id for case in cases.values() if case.worker is None} & set(per_case)
    assert len({note.text for note in notes}) > 30


def test_gp_codes_are_entered_after_they_fall_due_by_the_worker_with_some_still_to_do(demo):
    with demo.database.session() as session:
        cases = _cases(session)
        workers = {user.id: user for user in session.scalars(select(UserAccount))}
        entries = session.scalars(select(GpCodeEntry)).all()
        any_worker = next(user for user in workers.values() if user.role == Role.LINK_WORKER.value)
        actor = Actor(
            any_worker.id, any_worker.username, any_worker.full_name, Role.LINK_WORKER, any_worker.pcn_id
        )
        panels = {referral_id: gp_record.codes_due(session, actor, referral_id) for referral_id in cases}
    entered = [(referral_id, code) for referral_id, codes in panels.items() for code in codes if code.entered]
    waiting = [
        (referral_id, code) for referral_id, codes in panels.items() for code in codes if not code.entered
    ]
    assert len(entered) == len(entries)  # every entry is of a code the panel shows as due
    assert 0.75 < len(entered) / (len(entered) + len(waiting)) < 0.97
    assert any(TODAY - code.due_on > timedelta(days=30) for _, code in waiting)  # forgotten
    assert any(TODAY - code.due_on <= timedelta(days=7) for _, code in waiting)  # not yet
    for referral_id, code in entered:
        assert code.entered_on is not None
        assert code.due_on <= code.entered_on <= min(TODAY, code.due_on + timedelta(days=9))
        assert code.entered_by == workers[cases[referral_id].worker].full_name  # type: ignore[index]
    assert {code.code for _, code in entered} == {code.code for code in catalogues.snomed_codes()}
    unreached = {CaseStatus.REFERRED, CaseStatus.NOT_CONTACTABLE}
    assert all(not panels[case.id] for case in cases.values() if case.status in unreached)


def test_the_pcn_has_its_own_needs_recorded_on_a_few_referrals(demo):
    with demo.database.session() as session:
        admin = session.scalar(select(UserAccount).where(UserAccount.role == Role.ADMIN.value))
        assert admin is not None
        actor = Actor(admin.id, admin.username, admin.full_name, Role.ADMIN, admin.pcn_id)
        listed = local_needs(session, actor)
        created = dict(session.execute(select(LocalNeed.code, LocalNeed.created_at)).all())
        uses = session.execute(
            select(ReferralNeed.need_code, Referral.received_on)
            .join(Referral)
            .where(ReferralNeed.need_code.startswith(LOCAL_NEED_PREFIX))
        ).all()
    assert [(need.label, need.active) for need in listed] == [
        ("Gardening", True),
        ("Pet care", True),
        ("Warm spaces", False),
    ]
    # An administrator sees exact counts.
    assert all(1 <= (need.referrals.exact or 0) <= SMALL_PCN.referrals / 20 for need in listed)
    for code, received_on in uses:
        assert created[code].date() <= received_on


# Columns that hold the moment of building, not generated data.
_VOLATILE = {
    "created_at", "updated_at", "password_hash", "last_sign_in_at", "failed_sign_ins", "version_id",
}  # fmt: skip


def _dump(database: Database) -> dict[str, list[tuple[object, ...]]]:
    dump = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in {"audit_event", "audit_chain_head"}:  # times of the build itself
                continue
            columns = [column for column in table.columns if column.name not in _VOLATILE]
            key = list(table.primary_key.columns)
            dump[table.name] = [tuple(row) for row in session.execute(select(*columns).order_by(*key))]
    return dump


# Tables the demo fills entirely from the seed, timestamps and versions included.
_CASE_RECORDS = (SupportPlan, SupportPlanReview, CaseNote, GpCodeEntry, LocalNeed)


def _dump_whole(database: Database, models: tuple[type[Base], ...]) -> dict[str, list[tuple[object, ...]]]:
    with database.session() as session:
        return {
            model.__tablename__: [
                tuple(row)
                for row in session.execute(
                    select(*model.__table__.columns).order_by(*model.__table__.primary_key.columns)
                )
            ]
            for model in models
        }


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    sqlite_demo, sqlite_template, tmp_path
):
    same = _build(sqlite_template.copy_to(tmp_path / "same"))
    other = _build(sqlite_template.copy_to(tmp_path / "other"), seed=SEED + 1)
    try:
        expected = _dump(sqlite_demo.database)
        assert _dump(same.database) == expected
        # The same accounts; the recovery key is random by design, never made from the seed.
        assert same.credentials.accounts == sqlite_demo.credentials.accounts
        assert same.credentials.recovery_key != sqlite_demo.credentials.recovery_key
        records = _dump_whole(sqlite_demo.database, _CASE_RECORDS)
        assert _dump_whole(same.database, _CASE_RECORDS) == records
        different = _dump(other.database)
        assert different["patient"] != expected["patient"]
        assert different["referral"] != expected["referral"]
        assert _dump_whole(other.database, _CASE_RECORDS)["support_plan"] != records["support_plan"]
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
    with database.session() as session:
        own_needs = defaultdict(set)
        for pcn_id, code in session.execute(select(LocalNeed.pcn_id, LocalNeed.code)):
            own_needs[pcn_id].add(code)
        recorded = session.execute(
            select(Referral.pcn_id, ReferralNeed.need_code)
            .join(Referral)
            .where(ReferralNeed.need_code.startswith(LOCAL_NEED_PREFIX))
        ).all()
        writers = [
            row
            for model, column in (
                (CaseNote, CaseNote.author_id),
                (SupportPlan, SupportPlan.updated_by_id),
                (GpCodeEntry, GpCodeEntry.entered_by_id),
            )
            for row in session.execute(
                select(Referral.pcn_id, column).join(model, model.referral_id == Referral.id)
            )
        ]
    assert own_needs.keys() == set(pcns) and all(len(codes) >= 2 for codes in own_needs.values())
    assert recorded and all(code in own_needs[pcn_id] for pcn_id, code in recorded)
    assert writers and all(user_pcn[user_id] == pcn_id for pcn_id, user_id in writers)


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
        referral_id = session.scalar(select(func.max(Referral.id)))
        assert referral_id == SMALL_ICS.referrals + 1
        session.add_all(
            [
                CaseNote(referral_id=referral_id, author_id=worker.user_id, text="First note."),
                SupportPlanReview(referral_id=referral_id, reviewed_on=TODAY, reviewed_by_id=worker.user_id),
                GpCodeEntry(referral_id=referral_id, code="871731000000106", entered_on=TODAY),
            ]
        )
        session.flush()  # the ids the demo gave itself are behind each table's sequence
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


def test_a_demo_postcode_that_is_not_in_the_lookup_is_placed_at_its_district(demo: Built) -> None:
    with demo.database.read_session() as session:
        known = session.scalars(
            select(PostcodePoint.postcode).where(PostcodePoint.postcode.contains(" ")).limit(1)
        ).one()
        district = known.split()[0]
        exact = postcodes.locate(session, known)
        unknown_in_district = postcodes.locate(session, f"{district} 9ZZ")
    assert exact is not None and exact.precision == "postcode"
    assert unknown_in_district is not None and unknown_in_district.precision == "district"


# Where people live: areas, deprivation ranks and practice populations (issue 18) -----------


def test_every_postcode_has_an_invented_lsoa_and_an_english_imd_2019_rank_across_the_deciles(demo):
    with demo.database.session() as session:
        points = session.execute(
            select(
                PostcodePoint.lsoa_code,
                PostcodePoint.imd_rank,
                PostcodePoint.imd_index,
                PostcodePoint.country,
            ).where(PostcodePoint.postcode.like("% %"))
        ).all()
        people = set(session.scalars(select(Patient.postcode)))
        found = postcodes.areas_of(session, people)
    assert points and all(index == "IMD2019" and country == "E92000001" for _, _, index, country in points)
    assert all(lsoa is not None and lsoa.startswith("E0109") and len(lsoa) == 9 for lsoa, *_ in points)
    ranks = {lsoa: AreaRank(IMD_2019, rank) for lsoa, rank, _, _ in points}
    assert len({area.decile for area in ranks.values()}) >= 8  # spread across the deciles
    assert {area.quintile for area in ranks.values()} == {1, 2, 3, 4, 5}
    assert set(found) == people and all(area.rank is not None for area in found.values())


def test_the_practice_populations_count_the_registered_people_by_lsoa(demo):
    with demo.database.session() as session:
        codes = dict(session.execute(select(Practice.id, Practice.ods_code)).all())
        areas = dict(session.execute(select(PostcodePoint.postcode, PostcodePoint.lsoa_code)).all())
        expected = Counter(
            (codes[practice_id], areas[code])
            for practice_id, code in session.execute(select(Patient.registered_practice_id, Patient.postcode))
        )
        held = practice_populations.registered(session, codes.values())
        events = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "practice_populations_imported")
        ).all()
    assert held is not None and held.extract_date == date(2026, 1, 1)  # the quarter before 18 March 2026
    assert {(row.practice_code, row.lsoa_code): row.patients for row in held.rows} == expected
    assert sum(row.patients for row in held.rows) == SMALL_PCN.people
    assert len(events) == 1 and "imported=" in (events[0] or "")


def test_each_pcn_of_the_ics_scale_has_its_practice_populations(sqlite_template, tmp_path):
    built = _build(sqlite_template.copy_to(tmp_path / "ics"), scale="ics", sizes=SMALL_ICS)
    try:
        with built.database.session() as session:
            by_pcn = session.execute(
                select(Practice.pcn_id, func.sum(PracticePopulation.patients))
                .join(Practice, Practice.ods_code == PracticePopulation.practice_code)
                .group_by(Practice.pcn_id)
            ).all()
            registered = dict(
                session.execute(
                    select(Practice.pcn_id, func.count(Patient.id))
                    .join(Practice, Practice.id == Patient.registered_practice_id)
                    .group_by(Practice.pcn_id)
                ).all()
            )
    finally:
        built.database.dispose()
    assert len(by_pcn) == SMALL_ICS.pcns
    assert dict(by_pcn) == registered


def test_people_from_more_deprived_areas_are_referred_a_little_more_often(demo):
    with demo.database.session() as session:
        people = session.execute(select(Patient.id, Patient.postcode)).all()
        areas = postcodes.areas_of(session, {code for _, code in people})
        referred = Counter(session.scalars(select(Referral.patient_id)))
    registered: Counter[int] = Counter()
    referrals: Counter[int] = Counter()
    for patient_id, code in people:
        rank = areas[code].rank
        assert rank is not None
        registered[rank.quintile] += 1
        referrals[rank.quintile] += referred[patient_id]
    rates = [referrals[quintile] / registered[quintile] for quintile in sorted(registered)]
    assert len(rates) >= 4 and rates == sorted(rates, reverse=True)  # per person, most deprived first
