"""``linkworker audit verify`` through the real command, on a data folder set up as the wizard
does: a whole trail, a trail changed in SQL by someone holding the key, and one rewritten and
sealed again after an administrator noted its newest seal; only administrators may run it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from linkworker import config
from linkworker.domain.audit_chain import ChainedEvent, seal
from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.services.administration import key_custody
from linkworker.services.administration.organisation import NewPractice, SetupRequest, set_up
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database
from linkworker.store.models import AuditChainHead, AuditEvent, UserAccount
from tests.e2e.command import Command, Result

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ADMIN, MANAGER, WORKER = "quartz heron velvet 58", "copper meadow lantern 31", "saffron glacier pebble 74"
SUMMARY = re.compile(r"^Checked ([\d,]+) events? in \d+\.\d s: (.+)$", re.MULTILINE)
NEWEST = re.compile(r"^Newest seal: event (\d+), ([0-9a-f]{64})$", re.MULTILINE)
COLUMNS = (
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.user_id,
    AuditEvent.username,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.detail,
    AuditEvent.pcn_id,
)


@pytest.fixture(scope="module")
def set_up_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder set up as the first-start wizard does (its key only in key slots), with a
    link worker and a manager who have chosen their passwords, and a few sign-ins in the trail."""
    folders = config.folders(tmp_path_factory.mktemp("audit-command") / "data")
    folders.create()
    access = DataAccess(folders.database_file, folders.key_folder)
    database = access.open_unlocked()
    assert database is not None, "a new file opens without a password"
    with database.session() as session:
        set_up(
            session,
            SetupRequest(
                pcn_name="Test Valley PCN",
                pcn_ods_code="U99901",
                practices=[NewPractice("G99001", "Riverside Surgery")],
                admin=NewUser("ada", "Ada Admin", Role.ADMIN, ADMIN),
            ),
        )
        key_custody.first_recovery_key(session)
    with database.session() as session:
        admin = sign_in(session, "ada", ADMIN)
        create_user(session, admin, NewUser("wren", "Wren Worker", Role.LINK_WORKER, WORKER))
        create_user(session, admin, NewUser("max", "Max Manager", Role.MANAGER, MANAGER))
    with database.session() as session:  # as if each had chosen their own password since
        session.execute(update(UserAccount).values(must_change_password=False))
    access.close()
    return folders.data


@pytest.fixture
def demo(set_up_folder: Path, tmp_path: Path) -> Command:
    """A command on this test's own copy of the data folder."""
    command = Command(tmp_path)
    shutil.copytree(set_up_folder, command.data_dir)
    return command


def verify(command: Command, user: str, password: str, *options: str) -> Result:
    command.env["LINKWORKER_PASSWORD"] = password
    return command.run("audit", "verify", "--user", user, *options)


def newest_seal(result: Result) -> tuple[int, str]:
    found = NEWEST.search(result.stdout)
    assert found is not None, result.stdout
    return int(found[1]), found[2]


@pytest.fixture
def intruder(demo: Command) -> Iterator[Database]:
    """The demo database opened with the administrator's password, its trail's triggers dropped:
    what anyone holding the key can do outside the app."""
    access = DataAccess(demo.database_file, demo.key_folder)
    signed_in = access.sign_in("ada", ADMIN)
    with signed_in.database.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("DROP TRIGGER audit_event_no_delete"))
    yield signed_in.database
    access.release(signed_in)
    access.close()


def test_a_whole_trail_is_reported_whole_with_its_newest_seal(demo: Command) -> None:
    checked = verify(demo, "ada", ADMIN)

    assert checked.returncode == 0, checked.stderr
    summary = SUMMARY.search(checked.stdout)
    assert summary is not None and summary[2] == "the audit trail is whole.", checked.stdout
    assert int(summary[1].replace(",", "")) > 1
    newest, hash_ = newest_seal(checked)
    assert f"--expect-seal {newest}:{hash_}" in checked.stdout
    assert "Event" not in checked.stdout.split("Checked")[0], "no break listed"

    again = verify(demo, "ada", ADMIN, "--expect-seal", f"{newest}:{hash_.upper()}")
    assert again.returncode == 0, again.stderr
    assert f"Event {newest} still has the seal noted" in again.stdout
    assert newest_seal(again)[0] > newest, "the first check and the sign-ins since are in the trail"


@pytest.mark.parametrize("user, password", [("wren", WORKER), ("max", MANAGER)])
def test_only_an_administrator_may_check_the_trail(demo: Command, user: str, password: str) -> None:
    refused = verify(demo, user, password)
    assert refused.returncode == 2
    assert "does not allow" in refused.stderr and refused.stdout == ""


def test_a_wrong_password_checks_nothing(demo: Command) -> None:
    refused = verify(demo, "ada", "not the password")
    assert refused.returncode == 2 and refused.stdout == ""
    assert "not right" in refused.stderr


@pytest.mark.parametrize("noted", ["12", "12:abc", "0:" + "a" * 64, "x:" + "a" * 64])
def test_a_seal_not_as_printed_is_refused_before_signing_in(demo: Command, noted: str) -> None:
    refused = verify(demo, "ada", ADMIN, "--expect-seal", noted)
    assert refused.returncode == 2 and "give the event id and the hash" in refused.stderr


def test_an_event_changed_in_sql_is_named_and_the_exit_status_is_3(demo: Command, intruder: Database) -> None:
    with intruder.engine.begin() as connection:
        connection.execute(update(AuditEvent).where(AuditEvent.id == 2).values(detail="nothing happened"))

    broken = verify(demo, "ada", ADMIN)

    assert broken.returncode == 3, broken.stderr
    lines = broken.stdout.splitlines()
    assert lines[0] == (
        "Event 2: changed \u2014 Event 2 was changed after it was written, "
        "or event 1 was changed and sealed again."
    )
    summary = SUMMARY.search(broken.stdout)
    assert summary is not None and summary[2] == "the chain breaks in 1 place."


def test_events_deleted_and_added_in_sql_are_each_named(demo: Command, intruder: Database) -> None:
    with intruder.engine.begin() as connection:
        connection.execute(AuditEvent.__table__.delete().where(AuditEvent.id.in_([3, 4])))

    broken = verify(demo, "ada", ADMIN)

    assert broken.returncode == 3, broken.stderr
    assert broken.stdout.splitlines()[0] == "Event 3: deleted \u2014 Events 3 to 4 are missing."


def test_a_trail_rewritten_and_sealed_again_after_a_noted_seal_is_caught_only_by_that_seal(
    demo: Command, intruder: Database
) -> None:
    noted_id, noted_hash = newest_seal(verify(demo, "ada", ADMIN))
    with intruder.session() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == 2).values(detail="nothing happened"))
        _seal_again_from(session, 2)

    rewritten = verify(demo, "ada", ADMIN)
    assert rewritten.returncode == 0, "the chain alone cannot tell: it is not keyed"

    caught = verify(demo, "ada", ADMIN, "--expect-seal", f"{noted_id}:{noted_hash}")
    assert caught.returncode == 3, caught.stderr
    assert f"Event {noted_id} no longer has the seal noted" in caught.stdout
    assert "changed and sealed again since" in caught.stdout


def test_a_noted_event_cut_from_the_trail_is_caught(demo: Command, intruder: Database) -> None:
    noted_id, noted_hash = newest_seal(verify(demo, "ada", ADMIN))
    kept = noted_id - 4  # more than the check's own sign-in will add back
    with intruder.session() as session:
        session.execute(AuditEvent.__table__.delete().where(AuditEvent.id > kept))
        _seal_again_from(session, kept + 1)

    caught = verify(demo, "ada", ADMIN, "--expect-seal", f"{noted_id}:{noted_hash}")
    assert caught.returncode == 3, caught.stderr
    assert f"Event {noted_id}, whose seal was noted, is no longer in the trail." in caught.stdout


def _seal_again_from(session: Session, first_id: int) -> None:
    """Seal every event from ``first_id`` on again, and the head, as an intruder covering their
    tracks would (the chain is not keyed, so this needs nothing but the database)."""
    previous = session.scalar(select(AuditEvent.chain_hash).where(AuditEvent.id == first_id - 1))
    assert previous is not None
    last_id = first_id - 1
    for row in session.execute(select(*COLUMNS).where(AuditEvent.id >= first_id).order_by(AuditEvent.id)):
        previous = seal(previous, ChainedEvent(*row))
        session.execute(update(AuditEvent).where(AuditEvent.id == row.id).values(chain_hash=previous))
        last_id = row.id
    session.execute(update(AuditChainHead).values(last_event_id=last_id, last_hash=previous))


def test_an_event_added_outside_the_app_is_named(demo: Command, intruder: Database) -> None:
    with intruder.session() as session:
        newest = session.scalar(select(AuditChainHead.last_event_id))
        assert newest is not None
        row = session.execute(select(*COLUMNS).where(AuditEvent.id == newest)).one()
        added = {**row._mapping, "id": newest + 1, "detail": "added", "chain_hash": "e" * 64}
        session.execute(AuditEvent.__table__.insert().values(added))

    broken = verify(demo, "ada", ADMIN)

    assert broken.returncode == 3, broken.stderr
    assert broken.stdout.startswith(f"Event {newest + 1}: added after the newest seal \u2014 ")


def test_a_noted_seal_still_held_does_not_vouch_for_a_chain_broken_before_it(
    demo: Command, intruder: Database
) -> None:
    noted_id, noted_hash = newest_seal(verify(demo, "ada", ADMIN))
    with intruder.engine.begin() as connection:
        connection.execute(update(AuditEvent).where(AuditEvent.id == 2).values(detail="nothing happened"))

    checked = verify(demo, "ada", ADMIN, "--expect-seal", f"{noted_id}:{noted_hash}")

    assert checked.returncode == 3, checked.stderr
    assert f"Event {noted_id} still has the seal noted, but the chain breaks before it" in checked.stdout
    assert "the trail up to it is as it was then" not in checked.stdout
