"""The needs a PCN records: the national list for everyone, its own needs added by a manager or an
administrator, deactivated (never deleted) and brought back; every change audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from linkworker import catalogues
from linkworker.domain.breakdowns import Count, exact
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import ReferralDetails
from linkworker.domain.referrals import ReferralSource
from linkworker.domain.roles import Permission, Role
from linkworker.services.actor import Actor
from linkworker.services.cases.needs import (
    IN_USE,
    LocalNeedSummary,
    Need,
    add_local_need,
    local_needs,
    need_labels,
    needs_for,
    set_local_need_active,
)
from linkworker.services.cases.referrals import create_referral, referring_practices
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, LocalNeed, Patient, Pcn


def events_after(database: Database, after: int) -> list[tuple[str, str | None, int | None, str | None]]:
    with database.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id))
        return [(e.action, e.entity, e.entity_id, e.username) for e in rows]


def last_event(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def add(database: Database, actor: Actor, label: str) -> LocalNeedSummary:
    with database.session() as session:
        return add_local_need(session, actor, label)


def offered(database: Database, actor: Actor) -> list[Need]:
    with database.session() as session:
        return needs_for(session, actor)


def test_every_role_sees_the_national_needs_in_the_taxonomys_order(
    database: Database, actors: dict[Role, Actor]
) -> None:
    national = [Need(n.code, n.label, False, n.description) for n in catalogues.needs()]
    for actor in actors.values():
        assert offered(database, actor) == national
    labels = {need.label for need in national}
    assert {"Loneliness and isolation", "Debt and money", "Digital inclusion", "Transport"} <= labels


def test_a_manager_and_an_admin_add_local_needs_offered_after_the_national_ones_by_label(
    database: Database, actors: dict[Role, Actor]
) -> None:
    before = last_event(database)
    pets = add(database, actors[Role.MANAGER], "  Pet   care ")
    gardening = add(database, actors[Role.ADMIN], "Gardening")
    assert (pets.code, pets.label, pets.active) == ("local_pet_care", "Pet care", True)
    assert pets.referrals == Count("0")
    needs = offered(database, actors[Role.LINK_WORKER])
    assert needs[-2:] == [
        Need(gardening.code, "Gardening", True),
        Need("local_pet_care", "Pet care", True),
    ]
    assert all(not need.local for need in needs[:-2])
    with database.session() as session:
        assert need_labels(session, actors[Role.LINK_WORKER])["local_pet_care"] == "Pet care"
    assert events_after(database, before) == [
        ("need_added", "local_need", pets.id, "manager"),
        ("need_added", "local_need", gardening.id, "admin"),
    ]


def test_a_link_worker_may_not_change_the_list_and_nothing_is_written(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    pets = add(database, actors[Role.MANAGER], "Pet care")
    before = last_event(database)
    with database.session() as session, pytest.raises(PermissionDenied) as raised:
        add_local_need(session, worker, "Gardening")
    assert raised.value.permission is Permission.SET_PCN_POLICY
    assert (
        str(raised.value)
        == "Your role (Link worker) does not allow you to change the PCN's needs list, directory rules"
        " and postcode lookup."
    )
    with database.session() as session, pytest.raises(PermissionDenied):
        set_local_need_active(session, worker, pets.id, pets.version, False)
    assert events_after(database, before) == []
    with database.session() as session:
        assert session.scalars(select(LocalNeed.label)).all() == ["Pet care"]
        assert session.get(LocalNeed, pets.id).active  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("loneliness AND isolation", "The list already has “loneliness AND isolation”."),
        ("Debt-and-money", "The list already has “Debt-and-money”."),
        ("pet care", "The list already has “pet care”."),
        ("", "Enter the name of the need."),
        ("42", "The name needs at least one letter."),
    ],
)
def test_a_need_already_on_the_list_or_without_a_name_is_refused(
    database: Database, actors: dict[Role, Actor], label: str, message: str
) -> None:
    manager = actors[Role.MANAGER]
    add(database, manager, "Pet care")
    with database.session() as session, pytest.raises(ValidationError) as raised:
        add_local_need(session, manager, label)
    assert (raised.value.field, raised.value.message) == ("label", message)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LocalNeed)) == 1


def test_a_deactivated_need_is_no_longer_offered_but_stays_on_its_referrals(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    pets = add(database, manager, "Pet care")
    with database.session() as session:
        practice_id = referring_practices(session, worker)["G99001"]
        patient = Patient(
            given_name="Ivo",
            family_name="Marsh",
            date_of_birth=date(1970, 1, 2),
            sex="male",
            ethnic_category="99",
            registered_practice_id=practice_id,
        )
        session.add(patient)
        session.flush()
        create_referral(
            session,
            worker,
            patient.id,
            ReferralDetails(practice_id, "G99001", ReferralSource.GP, None, date(2025, 1, 6), (pets.code,)),
        )
    before = last_event(database)
    with database.session() as session:
        off = set_local_need_active(session, manager, pets.id, pets.version, False)
    # A manager is told the need is in use, not on how many referrals (the monthly summaries'
    # counts by need add up to it); roles that see records get the number.
    assert (off.active, off.referrals) == (False, Count(IN_USE))
    assert pets.code not in {need.code for need in offered(database, worker)}
    with database.session() as session:
        assert local_needs(session, manager) == [off]
    with database.session() as session:
        on = set_local_need_active(session, actors[Role.ADMIN], off.id, off.version, True)
    assert on.active and on.version != off.version and on.referrals == exact(1)
    assert pets.code in {need.code for need in offered(database, worker)}
    assert events_after(database, before) == [
        ("need_deactivated", "local_need", pets.id, "manager"),
        ("need_activated", "local_need", pets.id, "admin"),
    ]


def test_adding_a_deactivated_need_again_brings_the_same_one_back(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    pets = add(database, manager, "Pet care")
    with database.session() as session:
        set_local_need_active(session, manager, pets.id, pets.version, False)
    again = add(database, manager, "Pet-Care")
    assert (again.id, again.code, again.label, again.active) == (pets.id, pets.code, "Pet-Care", True)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LocalNeed)) == 1


def test_a_change_on_a_need_someone_else_changed_is_refused(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    pets = add(database, manager, "Pet care")
    with database.session() as session:
        set_local_need_active(session, manager, pets.id, pets.version, False)
    with database.session() as session, pytest.raises(StaleEdit):
        set_local_need_active(session, actors[Role.ADMIN], pets.id, pets.version, True)
    with database.session() as session:
        assert not session.get(LocalNeed, pets.id).active  # type: ignore[union-attr]


def test_another_pcns_needs_are_neither_offered_nor_changeable(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        other = Pcn(ods_code="U99904", name="Other PCN")
        session.add(other)
        session.flush()
        theirs = LocalNeed(pcn_id=other.id, code="local_choir", label="Choir")
        session.add(theirs)
        session.flush()
        theirs_id, version = theirs.id, theirs.version_id
    manager = actors[Role.MANAGER]
    assert "local_choir" not in {need.code for need in offered(database, manager)}
    with database.session() as session:
        assert local_needs(session, manager) == []
    with database.session() as session, pytest.raises(NotFound):
        set_local_need_active(session, manager, theirs_id, version, False)
    choir = add(database, manager, "Choir")  # the same name is free in this PCN
    assert choir.id != theirs_id
