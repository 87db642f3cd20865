"""First-run setup (all or nothing) and the practice list of the admin screen."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import (
    IDLE_LOCK_RANGE,
    NewPractice,
    SetupRequest,
    add_practice,
    current_pcn,
    idle_lock_minutes,
    list_practices,
    needs_setup,
    set_idle_lock_minutes,
    set_practice_active,
    set_up,
)
from linkworker.services.administration.users import NewUser
from linkworker.services.errors import AlreadySetUp, PermissionDenied, StaleEdit
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Practice, UserAccount

ADMIN = NewUser("p.admin", "Pat Admin", Role.LINK_WORKER, "lantern meadow river")
REQUEST = SetupRequest(
    pcn_name="  Medway   North PCN ",
    pcn_ods_code="u12345",
    practices=[NewPractice("g82001", "Castle Surgery"), NewPractice("G82002", " Bridge  Practice ")],
    admin=ADMIN,
)


def counts(database: Database) -> tuple[int, int, int, int]:
    with database.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Pcn, Practice, UserAccount, AuditEvent)
        )


def test_set_up_creates_the_pcn_its_practices_and_an_admin(database: Database) -> None:
    with database.session() as session:
        assert needs_setup(session)
        admin = set_up(session, REQUEST)
    assert (admin.username, admin.full_name, admin.role) == ("p.admin", "Pat Admin", Role.ADMIN)

    with database.session() as session:
        assert not needs_setup(session)
        actor = sign_in(session, "p.admin", ADMIN.password)
    assert actor.role is Role.ADMIN
    with database.session() as session:
        pcn = current_pcn(session, actor)
        practices = list_practices(session, actor)
        setup_event = session.scalars(select(AuditEvent).where(AuditEvent.action == "setup")).one()
    assert (pcn.name, pcn.ods_code) == ("Medway North PCN", "U12345")
    assert [(p.ods_code, p.name, p.active) for p in practices] == [
        ("G82002", "Bridge Practice", True),
        ("G82001", "Castle Surgery", True),
    ]
    assert (setup_event.entity, setup_event.entity_id, setup_event.username) == ("pcn", pcn.id, "p.admin")


REFUSED = [
    (replace(REQUEST, practices=[]), "practices", "at least one practice"),
    (
        replace(REQUEST, practices=[NewPractice("G82001", "Castle"), NewPractice("g82001", "Castle Again")]),
        "practices[1]",
        "G82001 is used twice",
    ),
    (replace(REQUEST, practices=[NewPractice("U12345", "Same As PCN")]), "practices[0]", "used twice"),
    (replace(REQUEST, pcn_ods_code="U1"), "pcn_ods_code", "U and five digits"),
    (replace(REQUEST, pcn_name=" "), "pcn_name", "Enter the PCN name"),
    (
        replace(REQUEST, practices=[NewPractice("G82 001", "Castle")]),
        "practices[0].ods_code",
        "letter and five",
    ),
    (replace(REQUEST, practices=[NewPractice("G82001", "")]), "practices[0].name", "practice name"),
    (replace(REQUEST, admin=replace(ADMIN, password="too short")), "password", "at least 10"),
    (replace(REQUEST, admin=replace(ADMIN, username="a b")), "username", "3 to 64"),
    (replace(REQUEST, admin=replace(ADMIN, full_name="")), "full_name", "full name"),
]


def test_set_up_refuses_bad_details_and_leaves_nothing_behind(database: Database) -> None:
    # The wizard keeps its unit of work open to show the message beside the field, so whatever
    # set_up added before refusing would be saved: it must add nothing.
    for refused, field, message in REFUSED:
        with database.session() as session, pytest.raises(ValidationError, match=message) as raised:
            set_up(session, refused)
        assert raised.value.field == field
        assert counts(database) == (0, 0, 0, 0), field

    with database.session() as session:  # the corrected details then go through
        set_up(session, REQUEST)
    assert counts(database)[:3] == (1, 2, 1)


def test_set_up_a_second_time_is_refused_and_writes_nothing(database: Database) -> None:
    with database.session() as session:
        set_up(session, REQUEST)
    before = counts(database)
    other = replace(REQUEST, pcn_ods_code="U54321", practices=[NewPractice("G11111", "Elsewhere")])
    with database.session() as session, pytest.raises(AlreadySetUp, match="already set up"):
        set_up(session, replace(other, admin=replace(ADMIN, username="intruder")))
    assert counts(database) == before


def test_add_practice(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        added = add_practice(session, admin, NewPractice(" g99003 ", " Meadow  View "))
    assert (added.ods_code, added.name, added.active, added.version) == ("G99003", "Meadow View", True, 1)
    with database.session() as session:
        assert [p.ods_code for p in list_practices(session, actors[Role.LINK_WORKER])] == [
            "G99002",
            "G99003",
            "G99001",
        ]
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "practice_added")).one()
    assert (event.entity_id, event.user_id) == (added.id, admin.user_id)


def test_add_practice_refuses_a_code_in_use(database: Database, actors: dict[Role, Actor]) -> None:
    with pytest.raises(ValidationError, match="G99001 exists already"), database.session() as session:
        add_practice(session, actors[Role.ADMIN], NewPractice("g99001", "Copy Surgery"))
    assert counts(database)[1] == 2


def test_deactivated_practices_leave_the_list_but_stay_on_record(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        riverside = next(p for p in list_practices(session, admin) if p.ods_code == "G99001")
        closed = set_practice_active(session, admin, riverside.id, riverside.version, False)
    assert (closed.active, closed.version) == (False, riverside.version + 1)
    with database.session() as session:
        assert [p.ods_code for p in list_practices(session, admin)] == ["G99002"]
        everything = list_practices(session, admin, include_inactive=True)
    assert [(p.ods_code, p.active) for p in everything] == [("G99002", True), ("G99001", False)]


def test_a_stale_practice_version_is_refused(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        opened = next(p for p in list_practices(session, admin) if p.ods_code == "G99001")
    with database.session() as session:
        set_practice_active(session, admin, opened.id, opened.version, False)
    with pytest.raises(StaleEdit, match="Someone else changed this practice"), database.session() as session:
        set_practice_active(session, admin, opened.id, opened.version, True)
    with database.session() as session:
        assert not next(
            p for p in list_practices(session, admin, include_inactive=True) if p.id == opened.id
        ).active


def idle_lock_events(database: Database) -> list[tuple[int | None, str | None]]:
    with database.read_session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "idle_lock_set"))
        return [(event.user_id, event.detail) for event in events]


def test_the_idle_lock_starts_at_ten_minutes_and_an_administrator_sets_it_audited(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    with database.read_session() as session:
        assert {idle_lock_minutes(session, actor) for actor in actors.values()} == {10}
    with database.session() as session:
        assert set_idle_lock_minutes(session, admin, " 3 ") == 3
    with database.session() as session:
        assert set_idle_lock_minutes(session, admin, IDLE_LOCK_RANGE[1]) == 60
        set_idle_lock_minutes(session, admin, 60)  # no change: nothing to record
    with database.read_session() as session:
        assert idle_lock_minutes(session, actors[Role.LINK_WORKER]) == 60
    assert idle_lock_events(database) == [
        (admin.user_id, "idle_lock_minutes=10->3"),
        (admin.user_id, "idle_lock_minutes=3->60"),
    ]


@pytest.mark.parametrize("typed", [0, 61, -5, "", "ten", "2.5", "1e3", 10**12])
def test_an_idle_lock_outside_one_to_sixty_minutes_is_refused(
    database: Database, actors: dict[Role, Actor], typed: int | str
) -> None:
    with pytest.raises(ValidationError) as refused, database.session() as session:
        set_idle_lock_minutes(session, actors[Role.ADMIN], typed)
    assert refused.value.field == "idle_lock_minutes"
    assert refused.value.message in (
        "Choose from 1 to 60 minutes.",
        "Write the number of minutes as a whole number, like 10.",
    )
    with database.read_session() as session:
        assert idle_lock_minutes(session, actors[Role.ADMIN]) == 10
    assert idle_lock_events(database) == []


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.MANAGER])
def test_only_an_administrator_sets_the_idle_lock(
    database: Database, actors: dict[Role, Actor], role: Role
) -> None:
    """A worker who could lengthen it would undo the lock for the whole PCN."""
    with pytest.raises(PermissionDenied), database.session() as session:
        set_idle_lock_minutes(session, actors[role], 60)
    with database.read_session() as session:
        assert idle_lock_minutes(session, actors[role]) == 10


def test_each_pcn_keeps_its_own_idle_lock(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        other = Pcn(ods_code="U99902", name="Other Valley PCN")
        session.add(other)
        session.flush()
        other_admin = replace(actors[Role.ADMIN], pcn_id=other.id)
        set_idle_lock_minutes(session, other_admin, 2)
    with database.read_session() as session:
        assert idle_lock_minutes(session, actors[Role.LINK_WORKER]) == 10
        assert idle_lock_minutes(session, other_admin) == 2
