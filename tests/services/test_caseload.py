"""The caseload list against a hand-made PCN whose answers the tests work out for themselves.

The cases are made through the ORM from a seeded list of plain records; each expectation is
that list filtered and sorted in Python, so the SQL is checked against an independent answer.
The data is built once per module on each database and only read (viewing adds audit events,
which the audit tests count as differences).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any

import pytest
from sqlalchemy import func, select

from linkworker import catalogues
from linkworker.domain import nhs_number
from linkworker.domain.errors import ValidationError
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.person import search_key
from linkworker.domain.referrals import CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import caseload
from linkworker.services.cases.caseload import UNASSIGNED, CaseloadQuery, Scope, SortKey, StatusGroup
from linkworker.services.errors import PermissionDenied
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database
from linkworker.store.models import (
    AuditEvent,
    LocalNeed,
    Patient,
    Pcn,
    Practice,
    Referral,
    ReferralNeed,
    UserAccount,
)
from tests.conftest import WORKER_PASSWORD, _set_up_pcn
from tests.helpers.databases import PostgresTemplate, SqliteTemplate

TODAY = date(2026, 6, 15)
S = CaseStatus
STATUS_ORDER = [S.REFERRED, S.CONTACTED, S.ASSESSED, S.CONNECTED, S.CLOSED, S.DECLINED, S.NOT_CONTACTABLE]
LOCAL_NEED = ("community_pantry", "Community pantry")
NATIONAL = {need.code: need.label for need in catalogues.needs()}
LABELS = NATIONAL | dict([LOCAL_NEED])

PEOPLE = [  # given, family, date of birth; the last has no NHS number yet (a self-referral)
    ("Sam", "Smith", date(1950, 3, 1)),
    ("Samantha", "Smithson", date(1988, 7, 9)),
    ("Mary Ann", "Smith", date(1950, 3, 1)),
    ("Ann", "O'Brien", date(1941, 12, 25)),
    ("Jo", "van der Berg", date(2001, 1, 31)),
    ("Élodie", "Ångström", date(1972, 6, 15)),
    ("Li", "Wu", date(1999, 2, 28)),
    ("Priya", "Patel", date(1963, 10, 2)),
    ("Tom", "Patelson", date(1958, 4, 4)),
    ("Orla", "Fenwick-Hale", date(1948, 11, 2)),
    ("Kit", "Okafor", date(2004, 6, 16)),
]


@dataclass
class Case:
    """One referral as the test made it; ``id`` is filled in once saved."""

    person: int
    practice: str
    status: CaseStatus
    worker: str | None
    received_on: date
    needs: tuple[str, ...]
    id: int = 0

    @property
    def given(self) -> str:
        return PEOPLE[self.person][0]

    @property
    def family(self) -> str:
        return PEOPLE[self.person][1]

    @property
    def born(self) -> date:
        return PEOPLE[self.person][2]

    @property
    def days_waiting(self) -> int | None:
        return (TODAY - self.received_on).days if self.status.is_open else None

    @property
    def need_labels(self) -> tuple[str, ...]:
        return tuple(sorted(LABELS[code] for code in self.needs))


@dataclass
class World:
    database: Database
    actors: dict[Role, Actor]
    second_worker: Actor
    cases: list[Case]
    numbers: dict[int, str | None]  # person index -> NHS number
    practice_ids: dict[str, int]
    worker_names: dict[str, str]
    worker_ids: dict[str, int]
    other_practice_id: int
    other_number: str
    other_cases: list[int] = field(default_factory=list)


def _cases() -> list[Case]:
    """Seventy referrals spread over every status, both practices, three holders and none."""
    chosen = random.Random(7)
    codes = [*sorted(NATIONAL)[:8], LOCAL_NEED[0]]
    cases = []
    for index in range(70):
        status = STATUS_ORDER[index % len(STATUS_ORDER)]
        cases.append(
            Case(
                person=index % len(PEOPLE),
                practice=chosen.choice(["G99001", "G99002"]),
                status=status,
                worker=chosen.choice(["worker", "worker", "second", "admin", None]),
                received_on=TODAY - timedelta(days=chosen.choice([0, 1, 3, 3, 30, 90, 400])),
                needs=tuple(chosen.sample(codes, chosen.choice([0, 1, 1, 2, 3]))),
            )
        )
    return cases


def _build(database: Database) -> World:
    actors = _set_up_pcn(database)
    admin = actors[Role.ADMIN]
    with database.session() as session:
        create_user(session, admin, NewUser("second", "Bea Second", Role.LINK_WORKER, WORKER_PASSWORD))
    with database.session() as session:
        second = sign_in(session, "second", WORKER_PASSWORD)
    numbers = dict(enumerate([*islice(nhs_number.synthetic_numbers(77_000), len(PEOPLE) - 1), None]))
    cases = _cases()
    with database.session() as session:
        practices = {p.ods_code: p for p in session.scalars(select(Practice))}
        users = {u.username: u for u in session.scalars(select(UserAccount))}
        session.add(LocalNeed(pcn_id=admin.pcn_id, code=LOCAL_NEED[0], label=LOCAL_NEED[1]))
        patients = []
        for index, (given, family, born) in enumerate(PEOPLE):
            patient = Patient(
                nhs_number=numbers[index],
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=Sex.NOT_KNOWN.value,
                ethnic_category=EthnicCategory.Z.value,
            )
            session.add(patient)
            patients.append(patient)
        session.flush()
        for case in cases:
            referral = Referral(
                patient_id=patients[case.person].id,
                pcn_id=admin.pcn_id,
                referring_practice_id=practices[case.practice].id,
                source=ReferralSource.GP.value,
                received_on=case.received_on,
                urgency=Urgency.ROUTINE.value,
                status=case.status.value,
                assigned_worker_id=users[case.worker].id if case.worker else None,
            )
            referral.needs = [ReferralNeed(need_code=code) for code in case.needs]
            session.add(referral)
            session.flush()
            case.id = referral.id
        # Another PCN on the same server, with a namesake of ours: never shown to this PCN.
        elsewhere = Pcn(name="Other Side PCN", ods_code="U99902")
        elsewhere.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
        session.add(elsewhere)
        session.flush()
        stranger = UserAccount(
            pcn_id=elsewhere.id, username="far", full_name="Far Worker", role="link_worker", password_hash="x"
        )
        namesake = Patient(
            nhs_number=next(nhs_number.synthetic_numbers(88_000)),
            given_name="Sam",
            family_name="Smith",
            date_of_birth=date(1950, 3, 1),
            sex=Sex.NOT_KNOWN.value,
            ethnic_category=EthnicCategory.Z.value,
        )
        session.add_all([stranger, namesake])
        session.flush()
        other_ids = []
        for status in STATUS_ORDER:
            referral = Referral(
                patient_id=namesake.id,
                pcn_id=elsewhere.id,
                referring_practice_id=elsewhere.practices[0].id,
                source=ReferralSource.GP.value,
                received_on=TODAY,
                urgency=Urgency.ROUTINE.value,
                status=status.value,
                assigned_worker_id=stranger.id,
                needs=[ReferralNeed(need_code="loneliness")],
            )
            session.add(referral)
            session.flush()
            other_ids.append(referral.id)
        return World(
            database=database,
            actors=actors,
            second_worker=second,
            cases=cases,
            numbers=numbers,
            practice_ids={code: p.id for code, p in practices.items()},
            worker_names={name: users[name].full_name for name in ("worker", "admin")}
            | {"second": "Bea Second"},
            worker_ids={name: users[name].id for name in ("worker", "admin")} | {"second": second.user_id},
            other_practice_id=elsewhere.practices[0].id,
            other_number=namesake.nhs_number,
            other_cases=other_ids,
        )


@pytest.fixture(scope="module")
def sqlite_world(
    sqlite_template: SqliteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    database = sqlite_template.copy_to(tmp_path_factory.mktemp("caseload-sqlite"))
    yield _build(database)
    database.dispose()


@pytest.fixture(scope="module")
def postgresql_world(postgres_template: PostgresTemplate) -> Iterator[World]:
    database, name = postgres_template.copy()
    yield _build(database)
    database.dispose()
    postgres_template.drop(name)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest) -> World:
    return request.getfixturevalue(f"{request.param}_world")


def _all(world: World, actor: Actor, query: CaseloadQuery, size: int = caseload.MAX_PAGE) -> list[Any]:
    """Every row of the query, read page after page of ``size``; checks the pages fit together."""
    rows: list[Any] = []
    while True:
        with world.database.session() as session:
            page = caseload.page(session, actor, query, len(rows), size, today=TODAY)
        assert page.offset == len(rows)
        rows.extend(page.rows)
        if not page.has_more:
            return rows
        assert len(page.rows) == size


def _ids(
    world: World, query: CaseloadQuery, actor: Actor | None = None, size: int = caseload.MAX_PAGE
) -> list[int]:
    return [row.referral_id for row in _all(world, actor or world.actors[Role.LINK_WORKER], query, size)]


def _newest_first(cases: list[Case]) -> list[int]:
    """The default order: received, newest first, then the highest case number."""
    return [case.id for case in sorted(cases, key=lambda case: (case.received_on, case.id), reverse=True)]


def _count(world: World, query: CaseloadQuery, actor: Actor | None = None) -> int:
    with world.database.session() as session:
        return caseload.count(session, actor or world.actors[Role.LINK_WORKER], query)


def test_my_cases_are_the_open_cases_assigned_to_me(world: World) -> None:
    mine = [case for case in world.cases if case.worker == "worker" and case.status.is_open]
    assert 5 <= len(mine) < len(world.cases)
    assert _ids(world, CaseloadQuery()) == _newest_first(mine)
    assert _count(world, CaseloadQuery()) == len(mine)
    theirs = [case for case in world.cases if case.worker == "second" and case.status.is_open]
    assert _ids(world, CaseloadQuery(), world.second_worker) == _newest_first(theirs)


def test_all_cases_in_the_pcn_never_include_another_pcns(world: World) -> None:
    query = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY)
    assert _ids(world, query) == _newest_first(world.cases)
    assert _count(world, query) == len(world.cases)
    foreign = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, practice_id=world.other_practice_id)
    assert _ids(world, foreign) == [] and _count(world, foreign) == 0
    assert not set(_ids(world, query, world.actors[Role.ADMIN])) & set(world.other_cases)


@pytest.mark.parametrize("status", [*CaseStatus, StatusGroup.OPEN, StatusGroup.ANY])
def test_status_filter(world: World, status: CaseStatus | StatusGroup) -> None:
    def wanted(case: Case) -> bool:
        if status == StatusGroup.ANY:
            return True
        return case.status.is_open if status == StatusGroup.OPEN else case.status == status

    expected = _newest_first([case for case in world.cases if wanted(case)])
    assert expected
    query = CaseloadQuery(scope=Scope.PCN, status=status)
    assert _ids(world, query) == expected
    assert _count(world, query) == len(expected)


def test_practice_worker_and_need_filters_combine(world: World) -> None:
    for practice in ("G99001", "G99002"):
        for worker in ("worker", "second", "admin", None):
            for need in ("loneliness", LOCAL_NEED[0], None):
                query = CaseloadQuery(
                    scope=Scope.PCN,
                    status=StatusGroup.ANY,
                    practice_id=world.practice_ids[practice],
                    worker_id=world.worker_ids[worker] if worker else UNASSIGNED,
                    need=need,
                )
                expected = [
                    case
                    for case in world.cases
                    if case.practice == practice
                    and case.worker == worker
                    and (need is None or need in case.needs)
                ]
                assert _ids(world, query) == _newest_first(expected), (practice, worker, need)
                assert _count(world, query) == len(expected)


def test_any_worker_is_every_case_and_my_scope_narrows_a_worker_filter(world: World) -> None:
    everyone = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, worker_id=None)
    assert _count(world, everyone) == len(world.cases)
    someone_else = CaseloadQuery(
        scope=Scope.MINE, status=StatusGroup.ANY, worker_id=world.worker_ids["second"]
    )
    assert _ids(world, someone_else) == []


def _search(world: World, text: str) -> list[int]:
    return _ids(world, CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, search=text))


def _people(world: World, *names: str) -> list[int]:
    """The PCN's cases of the people with these "given family" names, in the default order."""
    return _newest_first([case for case in world.cases if f"{case.given} {case.family}" in names])


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("smith", ["Sam Smith", "Samantha Smithson", "Mary Ann Smith"]),
        ("  SMITHS ", ["Samantha Smithson"]),
        ("Sam Smi", ["Sam Smith", "Samantha Smithson"]),
        ("samantha smith", ["Samantha Smithson"]),
        ("Mary Ann Smith", ["Mary Ann Smith"]),
        ("mary smith", ["Mary Ann Smith"]),
        ("Smith, Sam", ["Sam Smith", "Samantha Smithson"]),
        ("smith,m", ["Mary Ann Smith"]),
        ("obrien", ["Ann O'Brien"]),
        ("O'Bri", ["Ann O'Brien"]),
        ("van der", ["Jo van der Berg"]),
        ("Jo Vanderberg", ["Jo van der Berg"]),
        ("angst", ["Élodie Ångström"]),
        ("Élodie ÅNG", ["Élodie Ångström"]),
        ("Fenwick Hale", ["Orla Fenwick-Hale"]),
        ("pat", ["Priya Patel", "Tom Patelson"]),
        ("S% Smith", []),  # LIKE's wildcards are plain characters here
        ("_am Smith", []),
        ("Sam", []),  # one word is a family name
        ("Wu Li", []),
    ],
)
def test_search_by_name(world: World, text: str, names: list[str]) -> None:
    assert _search(world, text) == _people(world, *names)


def test_search_by_nhs_number_with_or_without_spaces(world: World) -> None:
    number = world.numbers[3]
    assert number is not None
    expected = _newest_first([case for case in world.cases if case.person == 3])
    assert expected
    for typed in (number, nhs_number.formatted(number), f" {number[:3]}-{number[3:6]}-{number[6:]} "):
        assert _search(world, typed) == expected
    unused = next(nhs_number.synthetic_numbers(99_000))
    assert _search(world, unused) == []
    assert _search(world, world.other_number) == []  # the other PCN's Sam Smith


def _case_search(world: World, query: CaseloadQuery, actor: Actor | None = None) -> tuple[list[int], int]:
    return _ids(world, query, actor), _count(world, query, actor)


def test_a_case_number_finds_that_case_however_it_is_typed_whatever_the_filters(world: World) -> None:
    """A case number names one case: typed into my open cases, it finds a colleague's ended case
    too (the filters are for browsing; the number is for going straight to the case)."""
    wanted = next(case for case in world.cases if case.worker == "second" and not case.status.is_open)
    for typed in (f"LW-{wanted.id:06d}", f"lw{wanted.id}", f" LW {wanted.id} ", str(wanted.id)):
        for query in (
            CaseloadQuery(search=typed),
            CaseloadQuery(scope=Scope.PCN, status=CaseStatus.REFERRED, need="no-such-need", search=typed),
        ):
            assert _case_search(world, query) == ([wanted.id], 1), (typed, query)


def test_a_case_number_of_no_case_here_finds_nothing(world: World) -> None:
    for number in (0, max(world.other_cases) + 1000, world.other_cases[0]):  # the last: another PCN's
        for actor in (world.actors[Role.LINK_WORKER], world.actors[Role.ADMIN]):
            found = _case_search(world, CaseloadQuery(scope=Scope.PCN, search=f"LW-{number:06d}"), actor)
            assert found == ([], 0), number


def test_a_case_number_too_large_for_any_case_says_so(world: World) -> None:
    with world.database.session() as session, pytest.raises(ValidationError) as refused:
        caseload.page(session, world.actors[Role.LINK_WORKER], CaseloadQuery(search="LW-" + "9" * 30), 0, 10)
    assert refused.value.field == "search" and "case number" in refused.value.message


def _one_digit_wrong(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize(
    "typed", ["999 000", "999 000 00189", _one_digit_wrong(next(nhs_number.synthetic_numbers())), "12a"]
)
def test_a_mistyped_nhs_number_says_what_is_wrong(world: World, typed: str) -> None:
    with world.database.session() as session, pytest.raises(ValidationError) as refused:
        caseload.page(session, world.actors[Role.LINK_WORKER], CaseloadQuery(search=typed), 0, 10)
    assert refused.value.field == "search"
    assert "NHS number" in refused.value.message


def _ordered(cases: list[Case], key: Callable[[Case], Any], descending: bool) -> list[int]:
    """Sorted by ``key`` then case number in the direction; cases without a value at the end."""
    present = sorted(
        (c for c in cases if key(c) is not None), key=lambda c: (key(c), c.id), reverse=descending
    )
    absent = sorted((c for c in cases if key(c) is None), key=lambda c: c.id, reverse=descending)
    return [case.id for case in present + absent]


SORT_KEYS: dict[SortKey, Callable[[World], Callable[[Case], Any]]] = {
    SortKey.CASE: lambda w: lambda c: c.id,
    SortKey.PERSON: lambda w: lambda c: (search_key(c.family), c.given),
    SortKey.NHS_NUMBER: lambda w: lambda c: w.numbers[c.person],
    SortKey.AGE: lambda w: lambda c: -c.born.toordinal(),  # younger (born later) is a lower age
    SortKey.PRACTICE: lambda w: (
        lambda c: {"G99001": "Riverside Surgery", "G99002": "Hilltop Practice"}[c.practice]
    ),
    SortKey.STATUS: lambda w: lambda c: STATUS_ORDER.index(c.status),
    SortKey.WORKER: lambda w: lambda c: w.worker_names[c.worker] if c.worker else None,
    SortKey.RECEIVED: lambda w: lambda c: c.received_on,
    SortKey.WAITING: lambda w: lambda c: c.days_waiting,
    SortKey.NEEDS: lambda w: lambda c: c.need_labels[0] if c.needs else None,
    # None of these cases has a follow-up (test_caseload_overdue sorts some that have).
    SortKey.OVERDUE: lambda w: lambda c: 0,
}


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(SortKey))
def test_every_column_sorts_in_sql_and_pages_fit_together(
    world: World, sort: SortKey, descending: bool
) -> None:
    query = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, sort=sort, descending=descending)
    expected = _ordered(world.cases, SORT_KEYS[sort](world), descending)
    assert _ids(world, query, size=9) == expected


def test_rows_carry_what_the_list_shows(world: World) -> None:
    rows = _all(world, world.actors[Role.LINK_WORKER], CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY))
    by_id = {case.id: case for case in world.cases}
    assert len(rows) == len(world.cases)
    for row in rows:
        case = by_id[row.referral_id]
        assert row.case_number == f"LW-{case.id:06d}"
        assert (row.given_name, row.family_name) == (case.given, case.family)
        assert row.person_name == f"{case.family}, {case.given}"
        assert row.nhs_number == world.numbers[case.person]
        assert row.practice == {"G99001": "Riverside Surgery", "G99002": "Hilltop Practice"}[case.practice]
        assert row.status is case.status
        assert row.worker == (world.worker_names[case.worker] if case.worker else None)
        assert row.received_on == case.received_on
        assert row.days_waiting == case.days_waiting
        assert row.needs == case.need_labels
    ages = {(row.given_name, row.family_name): row.age for row in rows}
    assert ages[("Kit", "Okafor")] == 21  # 22 tomorrow
    assert ages[("Élodie", "Ångström")] == 54  # 54 today
    assert ages[("Li", "Wu")] == 27
    assert any(row.needs == (LOCAL_NEED[1],) or LOCAL_NEED[1] in row.needs for row in rows)


def test_a_page_past_the_end_is_empty_and_bad_pages_are_refused(world: World) -> None:
    worker = world.actors[Role.LINK_WORKER]
    query = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY)
    with world.database.session() as session:
        last = caseload.page(session, worker, query, len(world.cases) - 1, 5, today=TODAY)
        beyond = caseload.page(session, worker, query, len(world.cases), 5, today=TODAY)
        for offset, limit in [(-1, 10), (0, 0), (0, caseload.MAX_PAGE + 1)]:
            with pytest.raises(ValueError):
                caseload.page(session, worker, query, offset, limit)
    assert len(last.rows) == 1 and not last.has_more
    assert beyond.rows == () and not beyond.has_more


def _audit_events(world: World) -> list[tuple[str, str | None, int | None, str | None, str | None]]:
    with world.database.session() as session:
        return [
            tuple(row)  # type: ignore[misc]
            for row in session.execute(
                select(
                    AuditEvent.action,
                    AuditEvent.entity,
                    AuditEvent.entity_id,
                    AuditEvent.detail,
                    AuditEvent.username,
                ).order_by(AuditEvent.id)
            )
        ]


def test_each_query_is_audited_once_without_what_was_searched(world: World) -> None:
    worker = world.actors[Role.LINK_WORKER]
    number = world.numbers[0]
    assert number is not None
    before = len(_audit_events(world))
    _ids(world, CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY), size=10)  # seven pages
    _ids(world, CaseloadQuery(scope=Scope.PCN, search="Smith, Sam", need="loneliness"), size=2)
    _ids(world, CaseloadQuery(search=nhs_number.formatted(number), sort=SortKey.AGE, descending=False))
    _count(world, CaseloadQuery(search="Smith"))
    _ids(world, CaseloadQuery(search=f"LW-{world.cases[0].id:06d}"))
    events = _audit_events(world)[before:]
    pcn = worker.pcn_id
    assert events == [
        (
            "caseload_viewed",
            "pcn",
            pcn,
            "scope=pcn status=any practice=any worker=any need=any "
            "overdue=any search=none sort=received desc",
            "worker",
        ),
        (
            "caseload_viewed",
            "pcn",
            pcn,
            "scope=pcn status=open practice=any worker=any need=loneliness "
            "overdue=any search=name sort=received desc",
            "worker",
        ),
        (
            "caseload_viewed",
            "pcn",
            pcn,
            "scope=mine status=open practice=any worker=any need=any "
            "overdue=any search=nhs number sort=age asc",
            "worker",
        ),
        (
            "caseload_viewed",
            "pcn",
            pcn,
            "scope=mine status=open practice=any worker=any need=any "
            "overdue=any search=case number sort=received desc",
            "worker",
        ),
    ]
    for event in events:
        detail = event[3] or ""
        assert "Smith" not in detail and number not in detail.replace(" ", "")
        assert f"{world.cases[0].id:06d}" not in detail


def test_a_manager_is_refused_and_nothing_is_recorded(world: World) -> None:
    manager = world.actors[Role.MANAGER]
    before = len(_audit_events(world))
    with world.database.session() as session:
        for call in (
            lambda: caseload.page(session, manager, CaseloadQuery(scope=Scope.PCN), 0, 10),
            lambda: caseload.count(session, manager, CaseloadQuery(scope=Scope.PCN)),
            lambda: caseload.choices(session, manager),
        ):
            with pytest.raises(PermissionDenied):
                call()
    assert len(_audit_events(world)) == before


def test_an_admin_sees_the_pcns_cases_and_their_own(world: World) -> None:
    admin = world.actors[Role.ADMIN]
    theirs = [case for case in world.cases if case.worker == "admin" and case.status.is_open]
    assert _ids(world, CaseloadQuery(), admin) == _newest_first(theirs)


def test_choices_offer_this_pcns_practices_case_holders_and_needs(world: World) -> None:
    with world.database.session() as session:
        practice = session.get(Practice, world.practice_ids["G99002"])
        assert practice is not None
        practice.active = False  # a closed practice still has cases to find
    try:
        with world.database.session() as session:
            offered = caseload.choices(session, world.actors[Role.LINK_WORKER])
    finally:
        with world.database.session() as session:
            practice = session.get(Practice, world.practice_ids["G99002"])
            assert practice is not None
            practice.active = True
    assert [(p.name, p.active) for p in offered.practices] == [
        ("Hilltop Practice", False),
        ("Riverside Surgery", True),
    ]
    assert [(w.full_name, w.active) for w in offered.workers] == [
        ("Ada Admin", True),
        ("Bea Second", True),
        ("Wren Worker", True),
    ]
    labels = [need.label for need in offered.needs]
    assert labels == sorted(labels, key=str.casefold)
    assert {need.code for need in offered.needs} == set(LABELS)
    with world.database.session() as session:
        assert session.scalar(select(func.count()).select_from(LocalNeed)) == 1


def test_a_first_page_comes_with_the_total_whether_or_not_it_holds_them_all(world: World) -> None:
    worker = world.actors[Role.LINK_WORKER]
    everything = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY)
    smiths = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, search="smith")
    with world.database.session() as session:
        partial = caseload.first_page(session, worker, everything, 10, today=TODAY)
        whole = caseload.first_page(session, worker, smiths, caseload.MAX_PAGE, today=TODAY)
        exact = caseload.first_page(session, worker, everything, len(world.cases), today=TODAY)
    assert partial.total == len(world.cases) and len(partial.page.rows) == 10 and partial.page.has_more
    assert partial.page.rows == tuple(_all(world, worker, everything)[:10])
    assert whole.total == len(whole.page.rows) == _count(world, smiths) > 0 and not whole.page.has_more
    assert exact.total == len(world.cases) and not exact.page.has_more


def test_a_list_read_again_on_screen_is_not_a_new_viewing(world: World) -> None:
    worker = world.actors[Role.LINK_WORKER]
    query = CaseloadQuery(scope=Scope.PCN)
    before = len(_audit_events(world))
    with world.database.session() as session:
        shown = caseload.first_page(session, worker, query, 10)
        again = caseload.first_page(session, worker, query, 10, reread=True)
    assert [row.referral_id for row in again.page.rows] == [row.referral_id for row in shown.page.rows]
    assert again.total == shown.total
    assert [event[0] for event in _audit_events(world)[before:]] == ["caseload_viewed"]
