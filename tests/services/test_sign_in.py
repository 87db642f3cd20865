"""Signing in to a database opened without a password (a shared server, or a file whose older key
copy is still kept): right and wrong passwords, throttling (the same for a name that exists and
one that does not), deactivated accounts, every attempt audited; each attempt is its own unit of
work, as the sign-in window makes it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from linkworker.domain import accounts, passwords
from linkworker.domain.roles import Role
from linkworker.services import audit, signing_in
from linkworker.services.actor import Actor
from linkworker.services.administration.users import list_users, reset_password, set_active
from linkworker.services.errors import SignInFailed
from linkworker.services.signing_in import SignInThrottled, must_change_password, sign_in
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, UserAccount, utc_now
from tests.conftest import ADMIN_PASSWORD, MANAGER_PASSWORD, WORKER_PASSWORD

WRONG = "not the right password"
SAME_FAILURE = "The user name or password is not right."


def attempt(database: Database, username: str, password: str) -> Actor:
    with database.session() as session:
        return sign_in(session, username, password)


def failure(database: Database, username: str, password: str) -> str:
    with pytest.raises(SignInFailed) as raised:
        attempt(database, username, password)
    return str(raised.value)


def audit_actions(database: Database) -> list[tuple[str, str | None, int | None]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.username, AuditEvent.user_id).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def user_id(database: Database, username: str) -> int:
    with database.session() as session:
        found = session.scalar(select(UserAccount.id).where(UserAccount.username == username))
    assert found is not None
    return found


def version_of(database: Database, admin: Actor, username: str) -> int:
    with database.session() as session:
        return next(user.version for user in list_users(session, admin) if user.username == username)


def test_the_right_password_signs_in_and_is_audited(database: Database, actors: dict[Role, Actor]) -> None:
    actor = attempt(database, "worker", WORKER_PASSWORD)
    assert (actor.username, actor.full_name, actor.role) == ("worker", "Wren Worker", Role.LINK_WORKER)
    assert actor.pcn_id == actors[Role.ADMIN].pcn_id
    assert audit_actions(database)[-1] == ("sign_in", "worker", actor.user_id)
    with database.session() as session:
        summary = next(u for u in list_users(session, actors[Role.ADMIN]) if u.username == "worker")
    assert summary.last_sign_in_at is not None
    assert utc_now() - summary.last_sign_in_at < timedelta(minutes=1)


def test_the_username_is_not_case_sensitive_but_the_password_is(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for typed in ("WORKER", " Worker ", "wOrKeR"):
        assert attempt(database, typed, WORKER_PASSWORD).username == "worker"
    assert failure(database, "worker", WORKER_PASSWORD.upper()) == SAME_FAILURE


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(
    database: Database, actors: dict[Role, Actor]
) -> None:
    assert failure(database, "nobody", WRONG) == failure(database, "worker", WRONG) == SAME_FAILURE
    actions = audit_actions(database)
    # A name that matches no account is not kept as typed: it may be a password typed in the
    # wrong box.
    assert actions[-2] == ("sign_in_failed", None, None)
    assert actions[-1] == ("sign_in_failed", "worker", None)


class Clock:
    """The time signing in and the audit trail see, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = utc_now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **moved: float) -> None:
        self.now += timedelta(**moved)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(signing_in, "utc_now", clock)
    monkeypatch.setattr(audit, "utc_now", clock)
    return clock


def outcome(database: Database, username: str, password: str, clock: Clock) -> str:
    """What one try gives, with the throttle's time taken out: "signed in", the refusal, or
    "wait N s" for a try refused before the next try is allowed."""
    try:
        attempt(database, username, password)
    except SignInThrottled as throttled:
        wait = f"wait {(throttled.not_before - clock.now).total_seconds():g} s"
        if str(throttled).startswith(SAME_FAILURE):
            assert str(throttled) == f"{SAME_FAILURE} {accounts.try_again_after(throttled.not_before)}"
            return f"wrong, {wait}"
        assert str(throttled) == accounts.throttled_message(throttled.not_before)
        return wait
    except SignInFailed as failed:
        return str(failed)
    return "signed in"


def test_three_free_tries_then_even_the_right_password_waits(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    assert [outcome(database, "worker", WRONG, clock) for _ in range(3)] == [
        SAME_FAILURE,
        SAME_FAILURE,
        "wrong, wait 5 s",
    ]
    assert outcome(database, "worker", WORKER_PASSWORD, clock) == "wait 5 s"
    clock.advance(seconds=5)
    assert outcome(database, "worker", WRONG, clock) == "wrong, wait 15 s"
    assert outcome(database, "worker", WORKER_PASSWORD, clock) == "wait 15 s"
    clock.advance(seconds=15)
    assert outcome(database, "worker", WORKER_PASSWORD, clock) == "signed in"
    assert outcome(database, "worker", WRONG, clock) == SAME_FAILURE, "a success starts the count again"
    assert outcome(database, "worker", WORKER_PASSWORD, clock) == "signed in"


def test_a_try_before_the_next_is_allowed_is_refused_without_checking_the_password(
    database: Database, actors: dict[Role, Actor], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        outcome(database, "worker", WRONG, clock)
    checked: list[str] = []
    real = passwords.verify

    def verify(stored: str, typed: str) -> bool:
        checked.append(typed)
        return real(stored, typed)

    monkeypatch.setattr(passwords, "verify", verify)
    for _ in range(20):
        assert outcome(database, "worker", WORKER_PASSWORD, clock) == "wait 5 s", "hammering adds nothing"
    assert checked == []
    with database.session() as session:
        worker = session.scalars(select(UserAccount).where(UserAccount.username == "worker")).one()
    assert worker.failed_sign_ins == 3, "a refused try is not counted as a failure"


def test_an_unknown_name_is_refused_and_throttled_exactly_as_a_known_one(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    def tries(name: str) -> list[str]:
        answers = [outcome(database, name, WRONG, clock) for _ in range(3)]
        for seconds in (2, 4, 2):
            clock.advance(seconds=seconds)
            answers.append(outcome(database, name, WRONG, clock))
        clock.advance(minutes=1)
        return answers

    assert (
        tries("manager")
        == tries("no.such.person")
        == [
            SAME_FAILURE,
            SAME_FAILURE,
            "wrong, wait 5 s",
            "wait 3 s",
            "wrong, wait 15 s",
            "wait 13 s",
        ]
    )


def test_each_name_has_its_own_count(database: Database, actors: dict[Role, Actor], clock: Clock) -> None:
    for _ in range(3):
        outcome(database, "worker", WRONG, clock)
        outcome(database, "nobody", WRONG, clock)
    assert outcome(database, "manager", MANAGER_PASSWORD, clock) == "signed in"
    assert outcome(database, "somebody.else", WRONG, clock) == SAME_FAILURE


def test_nobody_can_keep_an_administrator_out_for_longer_than_five_minutes(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    for _ in range(40):
        clock.advance(seconds=90)
        outcome(database, "admin", WRONG, clock)
    waited = outcome(database, "admin", ADMIN_PASSWORD, clock)
    seconds = float(waited.removeprefix("wait ").removesuffix(" s"))
    assert 0 < seconds <= 300
    clock.advance(seconds=seconds)
    assert outcome(database, "admin", ADMIN_PASSWORD, clock) == "signed in"


def test_a_password_reset_lifts_the_wait(database: Database, actors: dict[Role, Actor], clock: Clock) -> None:
    for _ in range(4):
        outcome(database, "worker", WRONG, clock)
    admin = actors[Role.ADMIN]
    new_password = "a brand new passphrase"
    with database.session() as session:
        reset_password(
            session, admin, user_id(database, "worker"), version_of(database, admin, "worker"), new_password
        )
    assert outcome(database, "worker", new_password, clock) == "signed in"


def test_a_quiet_day_forgets_the_failures(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    for _ in range(3):
        outcome(database, "worker", WRONG, clock)
        outcome(database, "nobody", WRONG, clock)
    clock.advance(hours=25)
    for name in ("worker", "nobody"):
        assert [outcome(database, name, WRONG, clock) for _ in range(4)] == [
            SAME_FAILURE,
            SAME_FAILURE,
            "wrong, wait 5 s",
            "wait 5 s",
        ]


def test_a_lockout_left_by_an_older_version_is_a_wait_that_ends(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    """The older version locked for 15 minutes with the count set back to 0: that lock is now
    only a wait, and the count starts from nothing after it."""
    with database.session() as session:
        session.execute(
            update(UserAccount)
            .where(UserAccount.username == "worker")
            .values(failed_sign_ins=0, locked_until=clock.now + timedelta(minutes=3))
        )
    assert outcome(database, "worker", WORKER_PASSWORD, clock) == "wait 180 s"
    clock.advance(minutes=3)
    assert outcome(database, "worker", WRONG, clock) == SAME_FAILURE
    assert outcome(database, "worker", WORKER_PASSWORD, clock) == "signed in"


def sign_in_events(database: Database) -> list[AuditEvent]:
    with database.session() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("sign_in%")).order_by(AuditEvent.id)
            )
        )


def test_every_attempt_is_audited_with_its_pcn(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    before = len(sign_in_events(database))
    admin = actors[Role.ADMIN]
    with database.session() as session:
        set_active(
            session, admin, user_id(database, "manager"), version_of(database, admin, "manager"), False
        )
    outcome(database, "worker", WORKER_PASSWORD, clock)
    outcome(database, "worker", WRONG, clock)
    outcome(database, "nobody", WRONG, clock)
    outcome(database, "manager", MANAGER_PASSWORD, clock)
    for _ in range(2):
        outcome(database, "worker", WRONG, clock)
    outcome(database, "worker", WORKER_PASSWORD, clock)
    events = sign_in_events(database)[before:]
    worker = user_id(database, "worker")
    pcn = admin.pcn_id
    assert [(e.action, e.username, e.entity_id, e.pcn_id) for e in events] == [
        ("sign_in", "worker", worker, pcn),
        ("sign_in_failed", "worker", worker, pcn),
        ("sign_in_failed", None, None, None),
        ("sign_in_failed", "manager", user_id(database, "manager"), pcn),
        ("sign_in_failed", "worker", worker, pcn),
        ("sign_in_failed", "worker", worker, pcn),
        ("sign_in_throttled", "worker", worker, pcn),
    ]
    details = [e.detail or "" for e in events]
    assert details[1] == "wrong password"
    assert re.fullmatch(r"user name not recognised \(tag [0-9a-f]{16}\)", details[2])
    assert details[3] == "account deactivated"
    allowed = clock.now + timedelta(seconds=5)
    assert details[6] == f"next try allowed at {allowed:%H:%M:%S} UTC; the password was not checked"


def test_text_typed_as_a_user_name_is_never_kept_as_typed(
    database: Database, actors: dict[Role, Actor], clock: Clock
) -> None:
    """The classic slip: the password typed into the user-name box, then tried again and again."""
    for _ in range(5):
        outcome(database, ADMIN_PASSWORD, ADMIN_PASSWORD, clock)
    with database.session() as session:
        kept = [str(row) for row in session.execute(select(AuditEvent)).all()]
        kept += [
            " ".join(str(value) for value in row)
            for row in session.execute(select(AuditEvent.username, AuditEvent.detail))
        ]
    for form in (ADMIN_PASSWORD, ADMIN_PASSWORD.lower(), ADMIN_PASSWORD.replace(" ", "")):
        assert not any(form in text for text in kept)
    tags = {e.detail for e in sign_in_events(database) if e.action == "sign_in_failed" and e.username is None}
    assert len(tags) == 1, "the same name typed again gives the same tag, so its tries are counted"


def test_a_deactivated_user_cannot_sign_in(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        set_active(session, admin, user_id(database, "worker"), version_of(database, admin, "worker"), False)
    assert "deactivated" in failure(database, "worker", WORKER_PASSWORD)
    assert failure(database, "worker", WRONG) == SAME_FAILURE  # a wrong password reveals nothing more


def test_signing_in_says_when_the_password_must_be_changed(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        session.execute(
            update(UserAccount).where(UserAccount.username == "worker").values(must_change_password=True)
        )
    with database.session() as session:
        worker = sign_in(session, "worker", WORKER_PASSWORD)
        assert must_change_password(session, worker)
        assert not must_change_password(session, actors[Role.ADMIN])


def test_passwords_are_never_kept_or_logged_in_clear(database: Database, actors: dict[Role, Actor]) -> None:
    failure(database, "admin", WRONG)
    attempt(database, "admin", ADMIN_PASSWORD)
    with database.session() as session:
        hashes = session.scalars(select(UserAccount.password_hash)).all()
        details = session.execute(select(AuditEvent.username, AuditEvent.detail)).all()
    assert all(stored.startswith("$argon2id$") for stored in hashes)
    for password in (ADMIN_PASSWORD, WORKER_PASSWORD, WRONG):
        assert not any(password in stored for stored in hashes)
        assert not any(password in str(row) for row in details)


def test_a_hash_made_with_weaker_settings_is_upgraded_at_sign_in(
    database: Database, actors: dict[Role, Actor]
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(WORKER_PASSWORD)
    with database.session() as session:
        session.execute(
            update(UserAccount).where(UserAccount.username == "worker").values(password_hash=weak)
        )
    attempt(database, "worker", WORKER_PASSWORD)
    with database.session() as session:
        stored = session.scalar(select(UserAccount.password_hash).where(UserAccount.username == "worker"))
    assert stored is not None and stored != weak
    assert not passwords.needs_rehash(stored)
    assert attempt(database, "worker", WORKER_PASSWORD).username == "worker"


@pytest.mark.parametrize(
    "typed",
    ["nul\x00admin", "a" * 5000, "\u202enimda", "admin\u200b", "'; DROP TABLE user_account; --"],
    ids=["nul byte", "very long", "right-to-left override", "zero-width space", "sql"],
)
def test_text_that_could_be_no_user_name_is_refused_in_the_usual_words(
    database: Database, actors: dict[Role, Actor], typed: str
) -> None:
    """Whatever is pasted into the user-name box (a NUL byte PostgreSQL cannot take, a page of
    text, invisible characters) is refused as a wrong name, never an error."""
    assert failure(database, typed, ADMIN_PASSWORD) == SAME_FAILURE
    assert attempt(database, "admin", ADMIN_PASSWORD).username == "admin"
