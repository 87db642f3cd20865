"""Managing accounts: creating, editing, deactivating and reactivating them, resetting and
changing passwords (the NCSC-style rule on every path, a password an administrator chose
flagged for change), stale edits, the last administrator, and key slots moving with a rename."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import NewPractice, SetupRequest, needs_setup, set_up
from linkworker.services.administration.users import (
    AccountChange,
    NewUser,
    UserSummary,
    change_own_password,
    create_user,
    list_users,
    reset_password,
    reset_with_recovery_key,
    set_active,
    update_account,
)
from linkworker.services.errors import NotFound, PermissionDenied, SignInFailed, StaleEdit
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, UserAccount
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD, _set_up_pcn
from tests.helpers.slotted import slotted_database

NEW_PASSWORD = "seven silver spoons"
TEMPORARY = "kettle orbit lantern"


def users(database: Database, admin: Actor) -> dict[str, UserSummary]:
    with database.session() as session:
        return {user.username: user for user in list_users(session, admin)}


def signs_in(database: Database, username: str, password: str) -> bool:
    try:
        with database.session() as session:
            sign_in(session, username, password)
    except SignInFailed:
        return False
    return True


def test_list_users_shows_the_pcn_accounts_in_order(database: Database, actors: dict[Role, Actor]) -> None:
    listed = users(database, actors[Role.ADMIN])
    assert list(listed) == ["admin", "manager", "worker"]
    assert [(u.full_name, u.role, u.active) for u in listed.values()] == [
        ("Ada Admin", Role.ADMIN, True),
        ("Max Manager", Role.MANAGER, True),
        ("Wren Worker", Role.LINK_WORKER, True),
    ]


def test_create_user_normalises_and_audits(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        created = create_user(
            session, admin, NewUser(" L.Link ", "  Lee   Link ", Role.LINK_WORKER, NEW_PASSWORD)
        )
    assert (created.username, created.full_name, created.role, created.active) == (
        "l.link",
        "Lee Link",
        Role.LINK_WORKER,
        True,
    )
    assert signs_in(database, "l.link", NEW_PASSWORD)
    with database.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user_created").order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None
    assert (event.user_id, event.entity_id, event.detail) == (admin.user_id, created.id, "role=link_worker")


REFUSED = [
    (NewUser("WORKER", "Another Worker", Role.LINK_WORKER, NEW_PASSWORD), "username", "already taken"),
    (NewUser("x", "Short Name", Role.LINK_WORKER, NEW_PASSWORD), "username", "3 to 64"),
    (NewUser("new.person", " ", Role.LINK_WORKER, NEW_PASSWORD), "full_name", "full name"),
    (NewUser("new.person", "New Person", Role.MANAGER, "short"), "password", "at least 10"),
    (
        NewUser("new.person.1", "New Person", Role.MANAGER, "new.person.1"),
        "password",
        "contain the user name",
    ),
    (
        NewUser("p.jones", "Pat Jones", Role.MANAGER, "Pat-Jones orbit 7"),
        "password",
        "contain the person's name",
    ),
    (NewUser("p.jones", "Pat Jones", Role.MANAGER, "TestValley2024!"), "password", "contain the PCN's name"),
    (NewUser("p.jones", "Pat Jones", Role.MANAGER, "password123"), "password", "too easy to guess"),
]


def test_create_user_refuses_bad_details_and_writes_nothing(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for new, field, message in REFUSED:
        with database.session() as session, pytest.raises(ValidationError, match=message) as raised:
            create_user(session, actors[Role.ADMIN], new)
        assert raised.value.field == field
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(UserAccount)) == 3


def test_an_admin_cannot_deactivate_their_own_account(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    me = users(database, admin)["admin"]
    with pytest.raises(ValidationError, match="your own account"), database.session() as session:
        set_active(session, admin, me.id, me.version, False)
    assert users(database, admin)["admin"].active


def test_the_last_active_admin_cannot_be_deactivated(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        create_user(session, admin, NewUser("second.admin", "Sam Second", Role.ADMIN, NEW_PASSWORD))
    with database.session() as session:
        second = sign_in(session, "second.admin", NEW_PASSWORD)
    listed = users(database, admin)
    with database.session() as session:  # two admins: one may deactivate the other
        set_active(session, admin, listed["second.admin"].id, listed["second.admin"].version, False)

    first = users(database, admin)["admin"]
    with pytest.raises(ValidationError, match="last active administrator"), database.session() as session:
        set_active(session, second, first.id, first.version, False)
    assert users(database, admin)["admin"].active


def test_deactivating_and_reactivating_a_user(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    with database.session() as session:
        off = set_active(session, admin, worker.id, worker.version, False)
    assert not off.active and off.version == worker.version + 1
    assert not signs_in(database, "worker", WORKER_PASSWORD)
    with pytest.raises(ValidationError, match="temporary password") as needed, database.session() as session:
        set_active(session, admin, worker.id, off.version, True)
    assert needed.value.field == "password"
    with database.session() as session:
        on = set_active(session, admin, worker.id, off.version, True, temporary_password=TEMPORARY)
    assert on.active and on.must_change_password
    assert not signs_in(database, "worker", WORKER_PASSWORD)
    assert signs_in(database, "worker", TEMPORARY)
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity_id == worker.id, AuditEvent.user_id == admin.user_id
            )
        ).all()
    assert actions[-3:] == ["user_deactivated", "user_activated", "password_reset"]


def test_a_stale_version_is_refused_and_nothing_changes(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    opened = users(database, admin)["worker"]  # the admin screen shows this version
    with database.session() as session:  # meanwhile, another admin resets the password
        reset_password(session, admin, opened.id, opened.version, NEW_PASSWORD)

    stale = pytest.raises(StaleEdit, match="Someone else changed this user account")
    with stale as raised, database.session() as session:
        set_active(session, admin, opened.id, opened.version, False)
    assert "Your edit is kept" in str(raised.value)
    assert users(database, admin)["worker"].active


def test_reset_password_checks_the_new_password(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    with pytest.raises(ValidationError, match="contain the user name"), database.session() as session:
        reset_password(session, admin, worker.id, worker.version, "worker    ")
    with pytest.raises(ValidationError, match="contain the PCN's name"), database.session() as session:
        reset_password(session, admin, worker.id, worker.version, "test valley pcn rocks")
    assert signs_in(database, "worker", WORKER_PASSWORD)


def test_change_own_password(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    refused = pytest.raises(ValidationError, match="current password is not right")
    with refused as wrong, database.session() as session:
        change_own_password(session, worker, "a guess at it", NEW_PASSWORD)
    assert wrong.value.field == "current_password"
    with pytest.raises(ValidationError, match="at least 10") as short, database.session() as session:
        change_own_password(session, worker, WORKER_PASSWORD, "short")
    assert short.value.field == "new_password"

    with database.session() as session:
        change_own_password(session, worker, WORKER_PASSWORD, NEW_PASSWORD)
    assert not signs_in(database, "worker", WORKER_PASSWORD)
    assert signs_in(database, "worker", NEW_PASSWORD)
    with database.session() as session:
        assert (
            session.scalar(
                select(func.count()).where(
                    AuditEvent.action == "password_changed", AuditEvent.user_id == worker.user_id
                )
            )
            == 1
        )


def test_signing_in_is_not_an_edit_that_makes_the_admin_screen_stale(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    opened = users(database, admin)["worker"]
    assert not signs_in(database, "worker", "a mistyped password")
    assert signs_in(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        deactivated = set_active(session, admin, opened.id, opened.version, False)
    assert not deactivated.active


def flags(database: Database, admin: Actor) -> dict[str, bool]:
    return {name: user.must_change_password for name, user in users(database, admin).items()}


def last_event(database: Database, action: str) -> AuditEvent:
    with database.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None, f"no {action} event"
    return event


def test_a_password_an_administrator_chose_must_be_changed_and_the_owners_own_need_not(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    # The set-up wizard's administrator chose their own (the fixture's other two have since
    # chosen theirs); an account the administrator creates starts with a password to change.
    with database.session() as session:
        create_user(session, admin, NewUser("new.one", "Nia New", Role.LINK_WORKER, TEMPORARY))
    assert flags(database, admin) == {"admin": False, "manager": False, "worker": False, "new.one": True}

    with database.session() as session:
        newcomer = sign_in(session, "new.one", TEMPORARY)
        change_own_password(session, newcomer, TEMPORARY, NEW_PASSWORD)
    assert flags(database, admin)["new.one"] is False

    listed = users(database, admin)["worker"]
    with database.session() as session:
        reset_password(session, admin, listed.id, listed.version, TEMPORARY)
    assert flags(database, admin)["worker"] is True

    with database.session() as session:  # the user themself, with the recovery key
        assert reset_with_recovery_key(session, " Worker ", "quiet harbour lamps") == "worker"
    assert flags(database, admin)["worker"] is False
    assert signs_in(database, "worker", "quiet harbour lamps")


def test_a_changed_password_must_differ_from_the_current_one(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """Otherwise a user made to change the password an administrator gave them could keep it."""
    admin, worker = actors[Role.ADMIN], actors[Role.LINK_WORKER]
    listed = users(database, admin)["worker"]
    with database.session() as session:
        reset_password(session, admin, listed.id, listed.version, TEMPORARY)
    with pytest.raises(ValidationError, match="different from your current") as same, database.session() as s:
        change_own_password(s, worker, TEMPORARY, TEMPORARY)
    assert same.value.field == "new_password"
    assert flags(database, admin)["worker"] is True


Setter = Callable[[Session, dict[Role, Actor], UserSummary, str], object]
SETTERS: dict[str, Setter] = {
    "create": lambda s, a, _w, pw: create_user(
        s, a[Role.ADMIN], NewUser("new.one", "Nia New", Role.MANAGER, pw)
    ),
    "reset": lambda s, a, w, pw: reset_password(s, a[Role.ADMIN], w.id, w.version, pw),
    "own": lambda s, a, _w, pw: change_own_password(s, a[Role.LINK_WORKER], WORKER_PASSWORD, pw),
    "recovery": lambda s, _a, _w, pw: reset_with_recovery_key(s, "worker", pw),
    "rename": lambda s, a, w, pw: update_account(
        s, a[Role.ADMIN], w.id, w.version, AccountChange("w.wren", "Wren Worker", Role.LINK_WORKER, pw)
    ),
    "reactivate": lambda s, a, w, pw: set_active(
        s, a[Role.ADMIN], w.id, w.version, True, temporary_password=pw
    ),
}


@pytest.mark.parametrize("path", list(SETTERS))
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Test Valley PCN 1", "contain the PCN's name"),
        ("qwerty123456", "too easy to guess"),
        ("x" * 300, "at most 256 characters"),
    ],
)
def test_every_path_that_sets_a_password_applies_the_policy(
    sqlite_database: Database, path: str, password: str, message: str
) -> None:
    actors = _set_up_pcn(sqlite_database)
    worker = users(sqlite_database, actors[Role.ADMIN])["worker"]
    with pytest.raises(ValidationError, match=message), sqlite_database.session() as session:
        SETTERS[path](session, actors, worker, password)
    assert signs_in(sqlite_database, "worker", WORKER_PASSWORD)


def test_a_temporary_password_for_a_rename_must_not_contain_the_new_names(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    for full_name, password, message in [
        ("Wren Worker", "w.wren lantern owl", "contain the user name"),
        ("Wren Jones", "wren jones lantern", "contain the person's name"),
    ]:
        change = AccountChange("w.wren", full_name, Role.LINK_WORKER, password)
        with pytest.raises(ValidationError, match=message), database.session() as session:
            update_account(session, admin, worker.id, worker.version, change)
    assert users(database, admin)["worker"] == worker


def test_set_up_refuses_an_administrator_password_made_of_the_pcns_name(database: Database) -> None:
    request = SetupRequest(
        pcn_name="Test Valley PCN",
        pcn_ods_code="U99901",
        practices=[NewPractice("G99001", "Riverside Surgery")],
        admin=NewUser("admin", "Ada Admin", Role.ADMIN, "testvalley orbit 2024"),
    )
    with pytest.raises(ValidationError, match="contain the PCN's name"), database.session() as session:
        set_up(session, request)
    with database.session() as session:
        assert needs_setup(session)
        assert session.scalar(select(func.count()).select_from(Pcn)) == 0


def test_an_administrator_changes_a_users_name_full_name_and_role(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    change = AccountChange(" W.Wren ", " Wren   Worker-Jones ", Role.MANAGER, TEMPORARY)
    with database.session() as session:
        edited = update_account(session, admin, worker.id, worker.version, change)
    assert (edited.username, edited.full_name, edited.role) == ("w.wren", "Wren Worker-Jones", Role.MANAGER)
    assert edited.must_change_password and edited.version > worker.version
    assert not signs_in(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        signed_in = sign_in(session, "w.wren", TEMPORARY)
    assert (signed_in.user_id, signed_in.role) == (worker.id, Role.MANAGER)

    event = last_event(database, "user_updated")
    assert (event.user_id, event.entity_id) == (admin.user_id, worker.id)
    assert event.detail == "username worker → w.wren; role link_worker → manager; full name changed"
    assert "Wren" not in (event.detail or "")
    assert last_event(database, "password_reset").entity_id == worker.id


def test_a_role_or_full_name_change_alone_keeps_the_password(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    manager = users(database, admin)["manager"]
    with database.session() as session:
        edited = update_account(
            session,
            admin,
            manager.id,
            manager.version,
            AccountChange("manager", "Max Manning", Role.LINK_WORKER),
        )
    assert (edited.role, edited.full_name) == (Role.LINK_WORKER, "Max Manning")
    assert last_event(database, "user_updated").detail == "role manager → link_worker; full name changed"
    with database.session() as session:
        assert sign_in(session, "manager", "tangerine trampoline ok").role is Role.LINK_WORKER

    before = len(audit_actions(database))
    with database.session() as session:  # nothing changed: nothing saved, nothing audited
        same = update_account(
            session,
            admin,
            manager.id,
            edited.version,
            AccountChange("Manager", "Max Manning", Role.LINK_WORKER),
        )
    assert same.version == edited.version
    assert len(audit_actions(database)) == before


def audit_actions(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


EDITS_REFUSED = [
    (AccountChange("manager", "Wren Worker", Role.LINK_WORKER, TEMPORARY), "username", "already taken"),
    (AccountChange("x", "Wren Worker", Role.LINK_WORKER, TEMPORARY), "username", "3 to 64"),
    (AccountChange("w.wren", " ", Role.LINK_WORKER, TEMPORARY), "full_name", "full name"),
    (AccountChange("w.wren", "Wren Worker", Role.LINK_WORKER), "password", "new user name needs"),
]


@pytest.mark.parametrize(("change", "field", "message"), EDITS_REFUSED)
def test_an_edit_breaking_a_rule_is_refused_and_changes_nothing(
    database: Database, actors: dict[Role, Actor], change: AccountChange, field: str, message: str
) -> None:
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    with pytest.raises(ValidationError, match=message) as raised, database.session() as session:
        update_account(session, admin, worker.id, worker.version, change)
    assert raised.value.field == field
    assert users(database, admin)["worker"] == worker
    assert signs_in(database, "worker", WORKER_PASSWORD)


def test_an_administrator_cannot_change_their_own_role_or_user_name(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    me = users(database, admin)["admin"]
    with pytest.raises(ValidationError, match="your own role") as role, database.session() as session:
        update_account(session, admin, me.id, me.version, AccountChange("admin", "Ada Admin", Role.MANAGER))
    assert role.value.field == "role"
    with pytest.raises(ValidationError, match="your own user name") as name, database.session() as session:
        update_account(
            session, admin, me.id, me.version, AccountChange("ada", "Ada Admin", Role.ADMIN, TEMPORARY)
        )
    assert name.value.field == "username"
    with database.session() as session:  # their own full name is theirs to correct
        assert (
            update_account(
                session, admin, me.id, me.version, AccountChange("admin", "Ada Adams", Role.ADMIN)
            ).full_name
            == "Ada Adams"
        )
    assert users(database, admin)["admin"].role is Role.ADMIN


def test_the_last_active_administrator_is_never_demoted(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        create_user(session, admin, NewUser("second.admin", "Sam Second", Role.ADMIN, NEW_PASSWORD))
    with database.session() as session:
        second = sign_in(session, "second.admin", NEW_PASSWORD)
    listed = users(database, admin)
    with database.session() as session:  # two administrators: one may demote the other
        update_account(
            session,
            second,
            listed["admin"].id,
            listed["admin"].version,
            AccountChange("admin", "Ada Admin", Role.LINK_WORKER),
        )
    # ``admin`` still holds a signed-in actor from before: the database says they are no longer
    # an administrator, so they cannot demote the one who is.
    demoted = users(database, second)["second.admin"]
    change = AccountChange("second.admin", "Sam Second", Role.MANAGER)
    with pytest.raises(ValidationError, match="last active administrator"), database.session() as session:
        update_account(session, admin, demoted.id, demoted.version, change)
    assert users(database, second)["second.admin"].role is Role.ADMIN


def test_only_administrators_edit_accounts_and_only_their_own_pcns(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker_actor = actors[Role.LINK_WORKER]
    worker = users(database, actors[Role.ADMIN])["worker"]
    for role in (Role.LINK_WORKER, Role.MANAGER):
        with pytest.raises(PermissionDenied), database.session() as session:
            update_account(
                session,
                actors[role],
                worker.id,
                worker.version,
                AccountChange("worker", "Wren Worker", Role.ADMIN),
            )
    with database.session() as session:
        other = Pcn(name="Other Hills PCN", ods_code="U99902")
        session.add(other)
        session.flush()
        other_pcn = other.id
    stranger = Actor(actors[Role.ADMIN].user_id, "admin", "Ada Admin", Role.ADMIN, other_pcn)
    with pytest.raises(NotFound), database.session() as session:
        update_account(session, stranger, worker.id, worker.version, AccountChange("worker", "W", Role.ADMIN))
    assert users(database, actors[Role.ADMIN])["worker"].role is Role.LINK_WORKER
    assert worker_actor.role is Role.LINK_WORKER


def test_a_stale_edit_is_refused(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    opened = users(database, admin)["worker"]
    with database.session() as session:
        reset_password(session, admin, opened.id, opened.version, NEW_PASSWORD)
    with pytest.raises(StaleEdit), database.session() as session:
        update_account(
            session, admin, opened.id, opened.version, AccountChange("worker", "W W", Role.MANAGER)
        )
    assert users(database, admin)["worker"].role is Role.LINK_WORKER


def test_a_renamed_user_signs_in_on_an_encrypted_file_with_the_new_name(tmp_path: Path) -> None:
    """Each key slot is bound to its user name (AES-GCM associated data), so a slot cannot be
    renamed: the rename writes a new slot under the temporary password and removes the old."""
    slotted = slotted_database(tmp_path / "data")
    admin = slotted.actors[Role.ADMIN]
    with slotted.database.session() as session:
        worker = next(u for u in list_users(session, admin) if u.username == "worker")
        update_account(
            session,
            admin,
            worker.id,
            worker.version,
            AccountChange("w.wren", "Wren Worker", Role.LINK_WORKER, TEMPORARY),
        )
    slotted.database.dispose()

    gate = DataAccess(slotted.file, tmp_path / "data" / "keys")
    assert "worker" not in gate.slots.usernames()
    with pytest.raises(SignInFailed):
        gate.sign_in("worker", WORKER_PASSWORD)
    signed_in = gate.sign_in("w.wren", TEMPORARY)
    assert (signed_in.actor.user_id, signed_in.actor.username) == (worker.id, "w.wren")
    with signed_in.database.session() as session:
        change_own_password(session, signed_in.actor, TEMPORARY, NEW_PASSWORD)
    gate.release(signed_in)
    gate.release(gate.sign_in("w.wren", NEW_PASSWORD))
    gate.release(gate.sign_in("admin", ADMIN_PASSWORD))


def test_a_reactivated_user_signs_in_on_an_encrypted_file_with_the_temporary_password(tmp_path: Path) -> None:
    """Deactivating removed the user's key slot; reactivating writes one under the new password."""
    slotted = slotted_database(tmp_path / "data")
    admin = slotted.actors[Role.ADMIN]
    with slotted.database.session() as session:
        worker = next(u for u in list_users(session, admin) if u.username == "worker")
        off = set_active(session, admin, worker.id, worker.version, False)
    with slotted.database.session() as session:
        set_active(session, admin, worker.id, off.version, True, temporary_password=TEMPORARY)
    slotted.database.dispose()

    gate = DataAccess(slotted.file, tmp_path / "data" / "keys")
    with pytest.raises(SignInFailed):
        gate.sign_in("worker", WORKER_PASSWORD)
    signed_in = gate.sign_in("worker", TEMPORARY)
    assert signed_in.actor.user_id == worker.id
    gate.release(signed_in)


def test_the_audit_detail_names_no_one_but_staff(database: Database, actors: dict[Role, Actor]) -> None:
    """User names and roles are not patient data; the audit chain still verifies after edits."""
    admin = actors[Role.ADMIN]
    worker = users(database, admin)["worker"]
    with database.session() as session:
        update_account(
            session,
            admin,
            worker.id,
            worker.version,
            AccountChange("w.wren", "Wren Worker", Role.MANAGER, TEMPORARY),
        )
    assert audit.verify_chain(database, admin).whole


def test_a_deactivated_account_keeps_no_key_slot_whatever_is_done_to_it(tmp_path: Path) -> None:
    """A slot would let the account's password unwrap the database key from a copy of the files,
    whatever the database says about the account: a reset or a rename writes none for it, and
    renaming it needs no password (reactivating will set one)."""
    slotted = slotted_database(tmp_path / "data")
    admin = slotted.actors[Role.ADMIN]
    with slotted.database.session() as session:
        worker = next(u for u in list_users(session, admin) if u.username == "worker")
        off = set_active(session, admin, worker.id, worker.version, False)
    with slotted.database.session() as session:
        reset = reset_password(session, admin, worker.id, off.version, TEMPORARY)
    with slotted.database.session() as session:
        change = AccountChange("w.wren", "Wren Worker", Role.LINK_WORKER)
        renamed = update_account(session, admin, worker.id, reset.version, change)
    assert (renamed.username, renamed.active) == ("w.wren", False)
    slotted.database.dispose()

    gate = DataAccess(slotted.file, tmp_path / "data" / "keys")
    assert gate.slots.usernames() == {"admin", "manager"}
    for name in ("worker", "w.wren"):
        with pytest.raises(SignInFailed):
            gate.sign_in(name, TEMPORARY)
