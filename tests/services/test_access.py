"""The sign-in as the gate to the data: a file whose key is kept only in key slots opens with a
user's password or the recovery key and with nothing else; throttling and the audit of every
attempt hold although a wrong password opens no database; a password an administrator set must
be changed before the commands run; an older installation moves over."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from linkworker.domain.roles import Role
from linkworker.services import signing_in, unlocking
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.services.administration import key_custody, users
from linkworker.services.administration.organisation import NewPractice, SetupRequest, set_up
from linkworker.services.administration.users import NewUser
from linkworker.services.errors import ServiceError, SignInFailed
from linkworker.services.signing_in import SignInThrottled
from linkworker.store import key_slots, secrets
from linkworker.store.database import Database, open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.key_slots import KeySlots
from linkworker.store.models import AuditEvent, UserAccount, utc_now
from tests.conftest import ADMIN_PASSWORD, WORKER_PASSWORD
from tests.helpers.fake_keyring import MemoryKeyring

WRONG = "not the right password"
WRONG_WORDS = "The user name or password is not right."
NEW_PASSWORD = "lantern otter meadow"


def _staff(database: Database) -> tuple[Actor, str | None]:
    """A PCN with an administrator and a link worker, and the recovery key shown at set-up."""
    with database.session() as session:
        set_up(
            session,
            SetupRequest(
                pcn_name="Test Valley PCN",
                pcn_ods_code="U99901",
                practices=[NewPractice("G99001", "Riverside Surgery")],
                admin=NewUser("admin", "Ada Admin", Role.ADMIN, ADMIN_PASSWORD),
            ),
        )
        code = key_custody.first_recovery_key(session)
    with database.session() as session:
        admin = signing_in.sign_in(session, "admin", ADMIN_PASSWORD)
        users.create_user(session, admin, NewUser("worker", "Wren Worker", Role.LINK_WORKER, WORKER_PASSWORD))
    return admin, code


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def recovery(folder: Path, fake_keyring: MemoryKeyring) -> str:
    """A database set up by this version: its key is in slots only."""
    database = open_sqlite(folder / "linkworker.db", folder / "keys")
    _admin, code = _staff(database)
    database.dispose()
    assert fake_keyring.secrets == {}
    assert code is not None
    return code


def access(folder: Path) -> DataAccess:
    return DataAccess(folder / "linkworker.db", folder / "keys")


def events(database: Database, action: str) -> list[AuditEvent]:
    with database.session() as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def refusal(gate: DataAccess, username: str, password: str) -> str:
    with pytest.raises(SignInFailed) as raised:
        gate.sign_in(username, password)
    return str(raised.value)


def test_only_a_password_opens_a_database_kept_in_key_slots(folder: Path, recovery: str) -> None:
    gate = access(folder)
    assert gate.open_unlocked() is None, "nothing but a password (or the recovery key) opens it"
    assert refusal(gate, "admin", WRONG) == "The user name or password is not right."
    assert refusal(gate, "admin", "") == "The user name or password is not right."

    signed_in = gate.sign_in("Admin", ADMIN_PASSWORD)
    assert (signed_in.actor.username, signed_in.actor.role) == ("admin", Role.ADMIN)
    assert events(signed_in.database, "sign_in")[-1].username == "admin"
    gate.sign_out(signed_in)
    worker = gate.sign_in("worker", WORKER_PASSWORD)
    assert worker.actor.role is Role.LINK_WORKER
    gate.release(worker)


class Clock:
    """The time the sign-in sees, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = utc_now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **moved: float) -> None:
        self.now += timedelta(**moved)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(unlocking, "utc_now", clock)
    return clock


def outcome(gate: DataAccess, username: str, password: str, clock: Clock) -> str:
    try:
        gate.release(gate.sign_in(username, password))
    except SignInThrottled as throttled:
        wait = f"wait {(throttled.not_before - clock.now).total_seconds():g} s"
        return f"wrong, {wait}" if str(throttled).startswith(WRONG_WORDS) else wait
    except SignInFailed as failed:
        return str(failed)
    return "signed in"


def test_three_free_tries_then_waits_for_a_name_with_a_slot_and_one_without(
    folder: Path, recovery: str, clock: Clock
) -> None:
    gate = access(folder)

    def tries(name: str) -> list[str]:
        answers = [outcome(gate, name, WRONG, clock) for _ in range(3)]
        for seconds in (2, 4, 2):
            clock.advance(seconds=seconds)
            answers.append(outcome(gate, name, WRONG, clock))
        clock.advance(minutes=1)
        return answers

    expected = [WRONG_WORDS, WRONG_WORDS, "wrong, wait 5 s", "wait 3 s", "wrong, wait 15 s", "wait 13 s"]
    assert tries("worker") == tries("no.such.person") == expected
    for _ in range(3):
        outcome(gate, "worker", WRONG, clock)
    assert outcome(gate, "worker", WORKER_PASSWORD, clock).startswith("wait "), (
        "even the right password waits"
    )
    assert outcome(gate, "admin", ADMIN_PASSWORD, clock) == "signed in", "each name has its own count"
    clock.advance(minutes=5)
    assert outcome(gate, "worker", WORKER_PASSWORD, clock) == "signed in"
    assert outcome(gate, "worker", WRONG, clock) == WRONG_WORDS, "a success starts the count again"


def test_a_throttled_try_unwraps_nothing_and_costs_what_any_refusal_costs(
    folder: Path, recovery: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before the password is tried, whether or not the name has a slot: the same single
    derivation (the name's tag), so neither the answer nor the time says which names exist."""
    gate = access(folder)
    for name in ("worker", "nobody"):
        for _ in range(3):
            outcome(gate, name, WRONG, clock)
    derivations: dict[str, int] = {}
    real = key_slots._derive
    for name in ("worker", "nobody"):
        calls: list[bytes] = []

        def derive(
            secret: bytes, salt: bytes, kdf: key_slots.KdfParameters, calls: list[bytes] = calls
        ) -> bytes:
            calls.append(secret)
            return real(secret, salt, kdf)

        monkeypatch.setattr(key_slots, "_derive", derive)
        for _ in range(10):
            assert outcome(gate, name, WORKER_PASSWORD, clock) == "wait 5 s"
        assert WORKER_PASSWORD.encode() not in calls, "the password was never tried"
        derivations[name] = len(calls)
    assert derivations == {"worker": 10, "nobody": 10}


def test_every_attempt_reaches_the_audit_trail_once(folder: Path, recovery: str, clock: Clock) -> None:
    gate = access(folder)
    for _ in range(3):
        refusal(gate, "worker", WRONG)
    refusal(gate, "a password typed as a name", WRONG)
    refusal(gate, "worker", WORKER_PASSWORD)  # too soon: not checked
    with pytest.raises(SignInFailed):
        gate.recover("AAAA-" * 7 + "AAAA", "admin", NEW_PASSWORD)

    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.session() as session:
        worker_id = session.scalar(select(UserAccount.id).where(UserAccount.username == "worker"))
        refused = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(["sign_in_failed", "sign_in_throttled", "recovery_key_refused"]))
                .order_by(AuditEvent.id)
            )
        )
    pcn = signed_in.actor.pcn_id
    assert [(e.action, e.username, e.entity_id, e.pcn_id) for e in refused] == [
        ("sign_in_failed", "worker", worker_id, pcn),
        ("sign_in_failed", "worker", worker_id, pcn),
        ("sign_in_failed", "worker", worker_id, pcn),
        ("sign_in_failed", None, None, None),
        ("sign_in_throttled", "worker", worker_id, pcn),
        ("recovery_key_refused", None, None, None),
    ]
    when = f"attempted {clock.now:%Y-%m-%d %H:%M:%S} UTC"
    details = [e.detail or "" for e in refused]
    assert details[0] == f"{when}: wrong password"
    assert re.fullmatch(rf"{when}: user name not recognised \(tag [0-9a-f]{{16}}\)", details[3])
    assert details[4] == f"{when}: too soon after earlier failures; the password was not checked"
    assert details[5] == when
    gate.release(signed_in)

    again = gate.sign_in("admin", ADMIN_PASSWORD)
    assert len(events(again.database, "sign_in_failed")) == 4, "each attempt is written once"
    gate.release(again)


def test_text_typed_as_a_user_name_is_kept_nowhere_as_typed(folder: Path, recovery: str) -> None:
    gate = access(folder)
    for _ in range(5):
        refusal(gate, ADMIN_PASSWORD, ADMIN_PASSWORD)
    signed_in = gate.sign_in("admin", ADMIN_PASSWORD)
    with signed_in.database.session() as session:
        trail = " ".join(str(row) for row in session.execute(select(AuditEvent.username, AuditEvent.detail)))
    gate.release(signed_in)
    for form in (ADMIN_PASSWORD, ADMIN_PASSWORD.lower()):
        assert form not in trail
        assert form.encode() not in gate.slots.file.read_bytes()


def test_the_recovery_key_ignores_the_wait_and_ends_it(folder: Path, recovery: str, clock: Clock) -> None:
    """Nobody can keep an administrator out: the recovery key is never throttled."""
    gate = access(folder)
    for _ in range(6):
        refusal(gate, "admin", WRONG)
    assert outcome(gate, "admin", ADMIN_PASSWORD, clock).startswith("wait ")
    gate.recover(recovery, "admin", NEW_PASSWORD)
    assert outcome(gate, "admin", NEW_PASSWORD, clock) == "signed in"


def test_a_password_set_by_an_administrator_must_be_changed_before_the_commands_run(
    folder: Path, recovery: str
) -> None:
    gate = access(folder)
    admin = gate.sign_in("admin", ADMIN_PASSWORD)
    assert not admin.must_change_password
    with admin.database.session() as session:
        session.execute(
            update(UserAccount).where(UserAccount.username == "worker").values(must_change_password=True)
        )
    gate.release(admin)

    worker = gate.sign_in("worker", WORKER_PASSWORD)
    assert worker.must_change_password, "the window asks for a new password before the records"
    gate.release(worker)
    with pytest.raises(SignInFailed, match="sign in to the Linkworker window") as raised:
        gate.sign_in_for_command("worker", WORKER_PASSWORD)
    assert "administrator" in str(raised.value)
    commanded = gate.sign_in_for_command("admin", ADMIN_PASSWORD)
    last = events(commanded.database, "sign_out")[-1]
    assert last.username == "worker" and last.detail is not None and "command" in last.detail
    gate.release(commanded)


def test_a_password_reset_lifts_the_wait_and_rewraps(folder: Path, recovery: str) -> None:
    gate = access(folder)
    for _ in range(5):
        refusal(gate, "worker", WRONG)
    admin = gate.sign_in("admin", ADMIN_PASSWORD)
    with admin.database.session() as session:
        worker = next(u for u in users.list_users(session, admin.actor) if u.username == "worker")
        users.reset_password(session, admin.actor, worker.id, worker.version, NEW_PASSWORD)
    gate.release(admin)

    assert refusal(gate, "worker", WORKER_PASSWORD) == WRONG_WORDS
    signed_in = gate.sign_in("worker", NEW_PASSWORD)
    with signed_in.database.session() as session:
        users.change_own_password(session, signed_in.actor, NEW_PASSWORD, "quiet harbour lamps")
    gate.release(signed_in)
    assert refusal(gate, "worker", NEW_PASSWORD) == WRONG_WORDS
    gate.release(gate.sign_in("worker", "quiet harbour lamps"))


def test_deactivating_a_user_removes_their_slot(folder: Path, recovery: str) -> None:
    gate = access(folder)
    admin = gate.sign_in("admin", ADMIN_PASSWORD)
    with admin.database.session() as session:
        worker = next(u for u in users.list_users(session, admin.actor) if u.username == "worker")
        users.set_active(session, admin.actor, worker.id, worker.version, False)
    gate.release(admin)
    assert "worker" not in gate.slots.usernames()
    assert refusal(gate, "worker", WORKER_PASSWORD) == "The user name or password is not right."


def test_a_slot_left_for_an_inactive_account_opens_nothing_and_goes(folder: Path, recovery: str) -> None:
    """A slot the database no longer agrees with (say, after a restore) is not a way in; the
    refusal is audited once, with the attempts kept while the database was closed."""
    gate = access(folder)
    admin = gate.sign_in("admin", ADMIN_PASSWORD)
    with admin.database.session() as session:
        session.execute(update(UserAccount).where(UserAccount.username == "worker").values(active=False))
    gate.release(admin)
    refusal(gate, "manager.typo", WRONG)
    assert "deactivated" in refusal(gate, "worker", WORKER_PASSWORD)
    assert "worker" not in gate.slots.usernames()
    again = gate.sign_in("admin", ADMIN_PASSWORD)
    failed = [(e.username, e.detail) for e in events(again.database, "sign_in_failed")]
    gate.release(again)
    assert [username for username, _ in failed] == [None, "worker"]
    assert failed[1][1] == "account deactivated"


def restored_with_an_older_hash(gate: DataAccess, username: str) -> str:
    """As after a restore of a backup made before ``username`` set their password: the
    database holds a hash of another one (returned), their slot the current one."""
    admin = gate.sign_in("admin", ADMIN_PASSWORD)
    with admin.database.session() as session:
        old_hash = users.passwords.hash_password("an older password here")
        session.execute(
            update(UserAccount).where(UserAccount.username == username).values(password_hash=old_hash)
        )
    gate.release(admin)
    return old_hash


def test_a_password_changed_after_a_backup_still_signs_in_after_a_restore(
    folder: Path, recovery: str
) -> None:
    gate = access(folder)
    restored_with_an_older_hash(gate, "worker")

    worker = gate.sign_in("worker", WORKER_PASSWORD)
    assert events(worker.database, "password_hash_realigned")[-1].username == "worker"
    with worker.database.session() as session:
        stored = session.scalar(select(UserAccount.password_hash).where(UserAccount.username == "worker"))
    assert stored is not None and users.passwords.verify(stored, WORKER_PASSWORD)
    gate.release(worker)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stored hashes the sign-in checks a password against (each one an Argon2id derivation)."""
    checked: list[str] = []
    verify = signing_in.passwords.verify

    def counted(stored_hash: str, password: str) -> bool:
        checked.append(stored_hash)
        return verify(stored_hash, password)

    monkeypatch.setattr(signing_in.passwords, "verify", counted)
    return checked


def test_a_slot_written_with_the_stored_hash_signs_in_without_checking_the_hash_again(
    folder: Path, recovery: str, checks: list[str]
) -> None:
    gate = access(folder)
    worker = gate.sign_in("worker", WORKER_PASSWORD)
    gate.release(worker)
    assert checks == [], "the slot opening proved the password; the slot file knew the hash was its"


def test_after_a_restore_the_hash_is_checked_once_then_known_again(
    folder: Path, recovery: str, checks: list[str]
) -> None:
    gate = access(folder)
    old_hash = restored_with_an_older_hash(gate, "worker")
    gate.release(gate.sign_in("worker", WORKER_PASSWORD))
    assert checks == [old_hash]
    worker = gate.sign_in("worker", WORKER_PASSWORD)
    assert checks == [old_hash], "the realigned hash's id is kept beside the slot"
    with worker.database.session() as session:  # the idle lock checks the realigned hash
        stored = session.scalar(select(UserAccount.password_hash).where(UserAccount.username == "worker"))
    assert stored is not None and users.passwords.verify(stored, WORKER_PASSWORD)
    gate.release(worker)


def test_a_slot_file_from_before_the_hash_ids_checks_the_hash_once(
    folder: Path, recovery: str, checks: list[str]
) -> None:
    with closing(
        sqlite3.connect(key_slots.path_for(folder / "linkworker.db"), isolation_level=None)
    ) as connection:
        connection.execute("DROP TABLE password_hash_id")
    gate = access(folder)
    gate.release(gate.sign_in("worker", WORKER_PASSWORD))
    gate.release(gate.sign_in("worker", WORKER_PASSWORD))
    assert len(checks) == 1
    assert events_of(folder, "password_hash_realigned") == []


def test_a_hash_id_moved_to_another_user_s_slot_only_makes_the_sign_in_check_again(
    folder: Path, recovery: str, checks: list[str]
) -> None:
    """Someone with the slot file gives the worker the administrator's hash id: the worker's
    hash is then checked (the ids differ), and passes; nothing is opened that was not."""
    slots = KeySlots.beside(folder / "linkworker.db")
    admin_id = slots.password_hash_id("admin")
    assert admin_id is not None
    with closing(sqlite3.connect(slots.file, isolation_level=None)) as connection:
        connection.execute("UPDATE password_hash_id SET hash_id = ? WHERE owner = 'user:worker'", (admin_id,))
    gate = access(folder)
    gate.release(gate.sign_in("worker", WORKER_PASSWORD))
    assert len(checks) == 1
    assert refusal(gate, "worker", "the administrator's password is not this") == WRONG_WORDS


def events_of(folder: Path, action: str) -> list[AuditEvent]:
    gate = access(folder)
    admin = gate.sign_in("admin", ADMIN_PASSWORD)
    try:
        return events(admin.database, action)
    finally:
        gate.release(admin)


def test_the_recovery_key_resets_a_forgotten_password(folder: Path, recovery: str) -> None:
    gate = access(folder)
    with pytest.raises(SignInFailed, match="does not open this database"):
        gate.recover("AAAA-" * 7 + "AAAA", "admin", NEW_PASSWORD)
    with pytest.raises(SignInFailed, match="32 letters"):
        gate.recover("ABCD-EFGH", "admin", NEW_PASSWORD)
    assert gate.recover(recovery.lower().replace("-", " "), "ADMIN", NEW_PASSWORD) == "admin"

    assert refusal(gate, "admin", ADMIN_PASSWORD) == "The user name or password is not right."
    admin = gate.sign_in("admin", NEW_PASSWORD)
    assert events(admin.database, "password_reset_with_recovery_key")[-1].username == "admin"
    with admin.database.session() as session:
        fresh = key_custody.make_recovery_key(session, admin.actor)
    gate.release(admin)
    with pytest.raises(SignInFailed, match="does not open"):
        gate.recover(recovery, "admin", "yet another good one")  # the old key is retired
    gate.recover(fresh, "worker", "yet another good one")


def test_only_an_administrator_makes_a_recovery_key(folder: Path, recovery: str) -> None:
    gate = access(folder)
    worker = gate.sign_in("worker", WORKER_PASSWORD)
    with pytest.raises(ServiceError), worker.database.session() as session:
        key_custody.make_recovery_key(session, worker.actor)
    gate.release(worker)


def test_an_older_installation_moves_over_to_key_slots(folder: Path, fake_keyring: MemoryKeyring) -> None:
    database = open_sqlite(folder / "linkworker.db", folder / "keys")
    assert database.location.key is not None
    key_hex = database.location.key.hex
    secrets.put(keyring_name(folder / "linkworker.db"), key_hex)  # where older versions kept it
    with database.session() as session:
        set_up(
            session,
            SetupRequest(
                pcn_name="Test Valley PCN",
                pcn_ods_code="U99901",
                practices=[NewPractice("G99001", "Riverside Surgery")],
                admin=NewUser("admin", "Ada Admin", Role.ADMIN, ADMIN_PASSWORD),
            ),
        )
    database.dispose()
    # Older versions wrote no slots: take away those this version's set-up wrote.
    KeySlots.beside(folder / "linkworker.db").file.unlink()
    gate = access(folder)
    admin = gate.sign_in("admin", ADMIN_PASSWORD)  # the old key copy opens it, the password is checked
    assert gate.slots.usernames() == {"admin"}, "the first sign-in after the upgrade writes the slot"
    with admin.database.session() as session:
        users.create_user(
            session, admin.actor, NewUser("worker", "Wren Worker", Role.LINK_WORKER, WORKER_PASSWORD)
        )
    gate.slots.remove_user("worker")  # as if the account were made before the upgrade

    with admin.database.session() as session:
        state = key_custody.custody(session, admin.actor)
        assert state.legacy_copy == "the system keyring"
        assert state.users_without_slot == ("worker",) and not state.recovery_key_made
        assert any("worker" in step for step in state.to_do())
        with pytest.raises(ServiceError):
            key_custody.retire_legacy_copy(session, admin.actor)
        key_custody.make_recovery_key(session, admin.actor)
    gate.sign_in("worker", WORKER_PASSWORD)  # their first sign-in writes their slot
    with admin.database.session() as session:
        state = key_custody.custody(session, admin.actor)
        assert state.ready_to_retire
        key_custody.retire_legacy_copy(session, admin.actor)
        assert key_custody.custody(session, admin.actor).to_do() == []
    assert events(admin.database, "legacy_key_removed")
    gate.close()

    assert fake_keyring.secrets == {}
    after = access(folder)
    assert after.open_unlocked() is None
    after.release(after.sign_in("worker", WORKER_PASSWORD))


@pytest.mark.parametrize(
    "typed",
    ["nul\x00admin", "a" * 5000, "\u202enimda", "admin\u200b"],
    ids=["nul byte", "very long", "right-to-left override", "zero-width space"],
)
def test_text_that_could_be_no_user_name_is_refused_in_the_usual_words(
    folder: Path, recovery: str, typed: str
) -> None:
    gate = access(folder)
    assert refusal(gate, typed, ADMIN_PASSWORD) == WRONG_WORDS
    assert typed.encode() not in gate.slots.file.read_bytes()
    gate.release(gate.sign_in("admin", ADMIN_PASSWORD))
