"""The audit trail as an administrator reads it: names not ids, filters, pages over the whole
trail, the export (and its own event), a case's access history, and PCN boundaries on a shared
server. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain import passwords
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Role
from linkworker.interchange.spreadsheet_cells import restore
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import audit_trail
from linkworker.services.administration.audit_trail import TrailFilter, TrailPage
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import follow_ups
from linkworker.services.cases.case_record import open_case
from linkworker.services.errors import Cancelled, NotFound, PermissionDenied
from linkworker.store import key_slots
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Practice, Referral, UserAccount
from tests.conftest import _set_up_pcn
from tests.services.casework_builder import new_case

T = TypeVar("T")
GIVEN, FAMILY = "Orla", "Fenwick-Hale"  # casework_builder's person: never in the trail as read


def run(database: Database, work: Callable[[Session], T]) -> T:
    with database.session() as session:
        return work(session)


def refused(database: Database, work: Callable[[Session], object]) -> Exception:
    with pytest.raises(Exception) as raised:
        run(database, work)
    return raised.value


def all_of(database: Database, actor: Actor, wanted: TrailFilter | None = None) -> TrailPage:
    return run(database, lambda s: audit_trail.page(s, actor, wanted, size=audit_trail.MAX_PAGE_SIZE))


@pytest.fixture
def admin(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.ADMIN]


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    """A case the worker has opened once."""
    referral_id = new_case(database, worker)
    run(database, lambda s: open_case(s, worker, referral_id))
    return referral_id


def test_only_administrators_read_or_export_the_trail(
    database: Database, actors: dict[Role, Actor], case: int, tmp_path: Path
) -> None:
    calls: list[Callable[[Session, Actor], object]] = [
        lambda s, a: audit_trail.page(s, a),
        lambda s, a: audit_trail.case_history(s, a, case),
        lambda s, a: audit_trail.user_choices(s, a),
        lambda s, a: audit_trail.action_choices(s, a),
        lambda s, a: audit_trail.export_csv(s, a, TrailFilter(), tmp_path / "trail.csv"),
    ]
    for role in (Role.LINK_WORKER, Role.MANAGER):
        for call in calls:
            assert isinstance(refused(database, lambda s, c=call, r=role: c(s, actors[r])), PermissionDenied)
    assert not (tmp_path / "trail.csv").exists()


def test_events_carry_names_not_ids_and_no_person_is_named(
    database: Database, admin: Actor, worker: Actor, case: int
) -> None:
    events = all_of(database, admin).events
    viewed = events[0]
    assert viewed.action == "case_viewed" and viewed.action_label == "Case viewed"
    assert viewed.user == "Wren Worker (worker)"
    assert viewed.record == f"Case LW-{case:06d}"
    assert viewed.pcn == "Test Valley PCN"
    created = next(e for e in events if e.action == "user_created" and "worker" in e.record)
    assert created.record == "User: Wren Worker (worker)" and created.user == "Ada Admin (admin)"
    setup = next(e for e in events if e.action == "setup")
    assert setup.record == "PCN: Test Valley PCN" and setup.user == "admin (not signed in)"
    for event in events:
        text = " ".join([event.user, event.record, event.detail])
        assert GIVEN not in text and FAMILY not in text


def test_other_records_are_named_by_their_own_names(
    database: Database, admin: Actor, worker: Actor, case: int
) -> None:
    with database.session() as session:
        practice_id = session.scalar(select(Practice.id).where(Practice.ods_code == "G99001"))
        patient_id = session.scalar(select(Referral.patient_id).where(Referral.id == case))
        audit.record(session, admin, "practice_renamed", "practice", practice_id)
        audit.record(session, worker, "person_viewed", "patient", patient_id)
        audit.record(session, worker, "gp_letter_viewed", "referral", case)
        audit.record(session, None, "sign_in_failed", "user_account", None)
        audit.record(session, admin, "backup_made", "database", None, "backup.db")
        audit.record(session, admin, "mystery_done", "gadget", 42)
    records = {e.action: e for e in all_of(database, admin).events}
    assert records["practice_renamed"].record == "Practice: Riverside Surgery"
    assert records["person_viewed"].record == f"Person on case LW-{case:06d}"
    assert records["gp_letter_viewed"].action_label == "GP letter viewed"
    failed = records["sign_in_failed"]
    assert failed.record == "A user name that matches no account" and failed.user == "Nobody signed in"
    assert failed.pcn == "No PCN"
    assert records["backup_made"].record == "The database" and records["backup_made"].detail == "backup.db"
    assert records["mystery_done"].record == "Gadget 42"


@pytest.mark.parametrize(
    "typed", ["LW-000{case}", "lw-{case}", "{case}", "  LW000{case} ", "lw {case}", "00{case}"]
)
def test_a_case_number_is_found_however_it_is_typed(
    database: Database, admin: Actor, case: int, typed: str
) -> None:
    found = all_of(database, admin, TrailFilter(case=typed.format(case=f"{case:03d}")))
    assert found.total >= 2  # created and viewed
    assert {event.record for event in found.events} == {f"Case LW-{case:06d}"}


@pytest.mark.parametrize("typed", ["abc", "LW-", "0", "LW-0000000", "Orla", "12345678901", "LW-1-2"])
def test_a_case_number_that_is_no_case_number_is_refused_plainly(
    database: Database, admin: Actor, typed: str
) -> None:
    error = refused(database, lambda s: audit_trail.page(s, admin, TrailFilter(case=typed)))
    assert isinstance(error, ValidationError) and error.field == "case"
    assert "LW-000123" in error.message


def test_a_case_filter_holds_its_follow_ups_and_its_person_but_no_other_case(
    database: Database, admin: Actor, worker: Actor, case: int
) -> None:
    other = new_case(database, worker, given_name="Ivo", family_name="Other")
    run(database, lambda s: open_case(s, worker, other))
    due = date.today() + timedelta(days=3)
    booked = run(
        database,
        lambda s: follow_ups.schedule(
            s, worker, case, follow_ups.NewFollowUp(due, FollowUpKind.CALL, worker.user_id)
        ),
    )
    with database.session() as session:
        patient_id = session.scalar(select(Referral.patient_id).where(Referral.id == case))
        audit.record(session, worker, "follow_up_exported", "follow_up", booked.id, "initials only")
        audit.record(session, worker, "person_viewed", "patient", patient_id)
    found = all_of(database, admin, TrailFilter(case=str(case)))
    actions = [event.action for event in found.events]
    assert actions[:3] == ["person_viewed", "follow_up_exported", "follow_up_scheduled"]
    assert "case_viewed" in actions and "referral_created" in actions
    assert found.events[1].record == f"Follow-up on case LW-{case:06d}"
    assert all(f"LW-{other:06d}" not in event.record for event in found.events)
    history = run(database, lambda s: audit_trail.case_history(s, admin, case))
    assert [event.id for event in history.events] == [event.id for event in found.events]


def test_the_user_filter_holds_what_they_did_and_attempts_to_sign_in_as_them(
    database: Database, admin: Actor, worker: Actor, case: int
) -> None:
    with database.session() as session:
        audit.record(session, None, "sign_in_failed", "user_account", worker.user_id, username="worker")
        audit.record(session, None, "sign_in_failed", "user_account", admin.user_id, username="admin")
    found = all_of(database, admin, TrailFilter(user_id=worker.user_id)).events
    assert found[0].action == "sign_in_failed" and found[0].user == "worker (not signed in)"
    assert found[0].record == "User: Wren Worker (worker)"
    assert {event.action for event in found[1:]} >= {"sign_in", "referral_created", "case_viewed"}
    assert all(event.user == "Wren Worker (worker)" for event in found[1:])
    choices = run(database, lambda s: audit_trail.user_choices(s, admin))
    assert [choice.label for choice in choices] == [
        "Ada Admin (admin)",
        "Max Manager (manager)",
        "Wren Worker (worker)",
    ]


def test_the_action_filter_and_its_choices(database: Database, admin: Actor, case: int) -> None:
    choices = run(database, lambda s: audit_trail.action_choices(s, admin))
    labels = {choice.value: choice.label for choice in choices}
    assert labels["case_viewed"] == "Case viewed" and labels["sign_in"] == "Sign in"
    assert [choice.label for choice in choices] == sorted((c.label for c in choices), key=str.casefold)
    assert len(labels) == len(choices)  # each action once
    found = all_of(database, admin, TrailFilter(action="case_viewed"))
    assert found.total == 1 and found.events[0].record == f"Case LW-{case:06d}"


@dataclass
class Clock:
    """The moment the next audit event is stamped with."""

    now: datetime


@pytest.fixture
def london(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock on UK time, so a day's events are the day of a person in the UK."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_days_are_the_computers_own_days_both_ends_included(
    database: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch, london: None
) -> None:
    clock = Clock(datetime(2024, 6, 1, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(audit, "utc_now", lambda: clock.now)
    # 23:30 UTC on 1 June is 00:30 on 2 June in the UK (BST).
    for moment, what in [((6, 1, 10, 0), "first"), ((6, 1, 23, 30), "second"), ((6, 3, 12, 0), "third")]:
        clock.now = datetime(2024, *moment, tzinfo=UTC)
        run(database, lambda s, w=what: audit.record(s, admin, f"{w}_day_event"))

    def days(since: date | None, until: date | None) -> list[str]:
        return [e.action for e in all_of(database, admin, TrailFilter(since=since, until=until)).events]

    assert days(date(2024, 6, 1), date(2024, 6, 1)) == ["first_day_event"]
    assert days(date(2024, 6, 2), date(2024, 6, 2)) == ["second_day_event"]
    assert days(date(2024, 6, 2), date(2024, 6, 3)) == ["third_day_event", "second_day_event"]
    assert days(date(2024, 6, 3), None)[0] == "third_day_event"  # then the set-up's, made today
    assert {"first_day_event", "second_day_event"}.isdisjoint(days(date(2024, 6, 3), None))
    assert days(None, date(2024, 5, 31)) == []
    error = refused(
        database,
        lambda s: audit_trail.page(s, admin, TrailFilter(since=date(2024, 6, 3), until=date(2024, 6, 1))),
    )
    assert isinstance(error, ValidationError) and error.field == "until"


def test_pages_reach_every_event_not_only_the_latest_two_hundred(database: Database, admin: Actor) -> None:
    with database.session() as session:
        for number in range(450):
            audit.record(session, admin, "counted", detail=f"n={number}")
    whole = run(database, lambda s: audit_trail.page(s, admin, TrailFilter(action="counted")))
    assert whole.total == 450 and len(whole.events) == 200
    assert (whole.first_number, whole.last_number, whole.has_previous, whole.has_next) == (
        1,
        200,
        False,
        True,
    )
    pages = [
        run(database, lambda s, o=offset: audit_trail.page(s, admin, TrailFilter(action="counted"), offset=o))
        for offset in (0, 200, 400)
    ]
    details = [event.detail for p in pages for event in p.events]
    assert details == [f"n={number}" for number in reversed(range(450))]  # newest first, none twice
    last = pages[-1]
    assert (last.first_number, last.last_number, last.has_previous, last.has_next) == (401, 450, True, False)
    paged = run(
        database,
        lambda s: audit_trail.page(s, admin, TrailFilter(action="counted"), offset=200, known_total=450),
    )
    assert paged.total == 450 and [e.detail for e in paged.events] == details[200:400]  # not counted again
    everything = run(database, lambda s: audit_trail.page(s, admin))
    assert everything.total > 450  # the set-up's events too
    for offset, size in [(-1, 200), (0, 0), (0, audit_trail.MAX_PAGE_SIZE + 1)]:
        error = refused(database, lambda s, o=offset, n=size: audit_trail.page(s, admin, offset=o, size=n))
        assert isinstance(error, ValidationError)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_the_export_holds_what_is_filtered_privately_and_is_audited(
    database: Database, admin: Actor, worker: Actor, case: int, tmp_path: Path
) -> None:
    with database.session() as session:
        audit.record(session, worker, "gp_letter_viewed", "referral", case, '=HYPERLINK("http://x")')
        audit.record(session, worker, "note_added", "referral", case, "@SUM(1)")
    wanted = TrailFilter(case=f"LW-{case:06d}", user_id=worker.user_id)
    target = tmp_path / "trail.csv"
    previous = os.umask(0o022)
    try:
        exported = run(database, lambda s: audit_trail.export_csv(s, admin, wanted, target))
    finally:
        os.umask(previous)
    shown = all_of(database, admin, wanted)
    rows = read_csv(target)
    assert rows[0] == list(audit_trail.EXPORT_HEADER)
    assert exported.events == shown.total == len(rows) - 1
    assert [int(row[0]) for row in rows[1:]] == [event.id for event in shown.events]
    assert rows[1][3:5] == ["Note added", f"Case LW-{case:06d}"] and rows[1][2] == "Wren Worker (worker)"
    assert rows[1][5] == "'@SUM(1)" and restore(rows[1][5]) == "@SUM(1)"
    assert restore(rows[2][5]) == '=HYPERLINK("http://x")' and rows[2][5].startswith("'=")
    assert datetime.fromisoformat(rows[1][1]).tzinfo is not None
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8-sig")
    assert GIVEN not in text and FAMILY not in text
    event = all_of(database, admin, TrailFilter(action=audit_trail.EXPORTED)).events[0]
    assert event.user == "Ada Admin (admin)" and event.action_label == "Audit exported"
    assert event.detail == f"events={exported.events}; user=worker; case=LW-{case:06d}"


def test_an_export_stopped_or_refused_leaves_no_file_and_no_event(
    database: Database, admin: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "trail.csv"
    error = refused(
        database, lambda s: audit_trail.export_csv(s, admin, TrailFilter(), target, cancelled=lambda: True)
    )
    assert isinstance(error, Cancelled) and list(folder.iterdir()) == []  # no half file either
    missing = folder / "no such folder" / "trail.csv"
    error = refused(database, lambda s: audit_trail.export_csv(s, admin, TrailFilter(), missing))
    assert isinstance(error, audit_trail.ExportRefused) and "cannot be written" in str(error)
    assert all_of(database, admin, TrailFilter(action=audit_trail.EXPORTED)).total == 0


def test_writing_the_file_alone_records_nothing_until_the_export_is_recorded(
    database: Database, admin: Actor, tmp_path: Path
) -> None:
    """The screen writes the file reading only (a long read holds no write lock), then records it."""
    wanted = TrailFilter(action="sign_in")
    with database.read_session() as session:
        exported = audit_trail.write_csv(session, admin, wanted, tmp_path / "signs.csv")
    assert exported.events == 3
    assert all_of(database, admin, TrailFilter(action=audit_trail.EXPORTED)).total == 0
    run(database, lambda s: audit_trail.record_export(s, admin, exported))
    [event] = all_of(database, admin, TrailFilter(action=audit_trail.EXPORTED)).events
    assert event.detail == "events=3; action=sign_in"


def test_an_export_never_takes_the_place_of_the_database_or_its_key_slots(
    sqlite_database: Database, tmp_path: Path
) -> None:
    database, admin = sqlite_database, _set_up_pcn(sqlite_database)[Role.ADMIN]
    file = database.location.sqlite_file
    assert file is not None
    link = tmp_path / "looks-harmless.csv"
    link.symlink_to(file)
    before = file.read_bytes()
    for target in (file, file.with_name(file.name + "-wal"), key_slots.path_for(file), link):
        error = refused(database, lambda s, t=target: audit_trail.export_csv(s, admin, TrailFilter(), t))
        assert isinstance(error, audit_trail.ExportRefused) and "Linkworker's own data" in str(error)
    assert file.read_bytes() == before and link.is_symlink()
    assert all_of(database, admin).total > 0  # the database still opens, and nothing was recorded
    assert all_of(database, admin, TrailFilter(action=audit_trail.EXPORTED)).total == 0


def test_the_export_reports_its_progress_over_a_large_trail(
    database: Database, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_trail, "_EXPORT_BATCH", 100)
    with database.session() as session:
        for number in range(250):
            audit.record(session, admin, "counted", detail=f"n={number}")
    reported: list[tuple[int, int]] = []
    target = tmp_path / "counted.csv"
    run(
        database,
        lambda s: audit_trail.export_csv(
            s, admin, TrailFilter(action="counted"), target, progress=lambda d, t: reported.append((d, t))
        ),
    )
    assert reported == [(100, 250), (200, 250), (250, 250)]
    assert [row[5] for row in read_csv(target)[1:]] == [f"n={n}" for n in reversed(range(250))]


def test_a_case_history_is_for_administrators_and_cases_that_exist(
    database: Database, admin: Actor, worker: Actor, case: int
) -> None:
    history = run(database, lambda s: audit_trail.case_history(s, admin, case))
    assert [event.action for event in history.events][:1] == ["case_viewed"]
    assert history.events[0].user == "Wren Worker (worker)"
    assert isinstance(
        refused(database, lambda s: audit_trail.case_history(s, worker, case)), PermissionDenied
    )
    assert isinstance(refused(database, lambda s: audit_trail.case_history(s, admin, case + 1000)), NotFound)


# A shared server: a second PCN, with its own administrator and link worker.


@dataclass(frozen=True)
class OtherPcn:
    admin: Actor
    worker: Actor
    case: int


def _account(session: Session, pcn_id: int, username: str, full_name: str, role: Role) -> Actor:
    user = UserAccount(
        pcn_id=pcn_id,
        username=username,
        full_name=full_name,
        role=role.value,
        password_hash=passwords.hash_password("unused in these tests"),
    )
    session.add(user)
    session.flush()
    return Actor(user.id, username, full_name, role, pcn_id)


@pytest.fixture
def other_pcn(database: Database, actors: dict[Role, Actor]) -> OtherPcn:
    with database.session() as session:
        pcn = Pcn(name="Far Hills PCN", ods_code="U99902")
        session.add(pcn)
        session.flush()
        session.add(Practice(pcn_id=pcn.id, ods_code="G99009", name="Far Hills Surgery"))
        admin = _account(session, pcn.id, "faradmin", "Fern Farley", Role.ADMIN)
        worker = _account(session, pcn.id, "farworker", "Finn Farrow", Role.LINK_WORKER)
        audit.record(session, admin, "far_only_action", "pcn", pcn.id)
    case = new_case(database, worker, given_name="Gwen", family_name="Faraway")
    run(database, lambda s: open_case(s, worker, case))
    return OtherPcn(admin, worker, case)


@pytest.fixture
def pcn_admin(database: Database, admin: Actor) -> Actor:
    """An administrator of the first PCN who does not administer the server."""
    with database.session() as session:
        created = create_user(
            session, admin, NewUser("second", "Sol Second", Role.ADMIN, "violet umbrella quarry")
        )
        return Actor(created.id, "second", "Sol Second", Role.ADMIN, admin.pcn_id)


def test_a_pcn_administrator_never_sees_another_pcns_events(
    database: Database, pcn_admin: Actor, other_pcn: OtherPcn, case: int, tmp_path: Path
) -> None:
    with database.session() as session:
        audit.record(session, None, "sign_in_failed", "user_account", None)  # no PCN known
        far_pcn = session.scalar(select(Pcn.id).where(Pcn.ods_code == "U99902"))
    mine = all_of(database, pcn_admin)
    assert mine.total == len(mine.events) > 0 and not mine.every_pcn
    assert all(event.pcn == "Test Valley PCN" for event in mine.events)
    assert all(
        event.user not in {"Fern Farley (faradmin)", "Finn Farrow (farworker)"} for event in mine.events
    )
    with database.session() as session:
        far_ids = set(session.scalars(select(AuditEvent.id).where(AuditEvent.pcn_id == far_pcn)))
        unplaced = set(session.scalars(select(AuditEvent.id).where(AuditEvent.pcn_id.is_(None))))
    assert far_ids and unplaced and not ({e.id for e in mine.events} & (far_ids | unplaced))
    far_case = TrailFilter(case=str(other_pcn.case))
    assert all_of(database, pcn_admin, far_case).total == 0
    assert all_of(database, pcn_admin, TrailFilter(user_id=other_pcn.worker.user_id)).total == 0
    error = refused(database, lambda s: audit_trail.case_history(s, pcn_admin, other_pcn.case))
    assert isinstance(error, NotFound) and "not in your PCN" in str(error)
    users = run(database, lambda s: audit_trail.user_choices(s, pcn_admin))
    assert "Fern Farley (faradmin)" not in {choice.label for choice in users}
    actions = run(database, lambda s: audit_trail.action_choices(s, pcn_admin))
    assert "far_only_action" not in {choice.value for choice in actions}
    target = tmp_path / "mine.csv"
    run(database, lambda s: audit_trail.export_csv(s, pcn_admin, TrailFilter(), target))
    exported = read_csv(target)[1:]
    assert {int(row[0]) for row in exported} == {e.id for e in mine.events}
    assert "Faraway" not in target.read_text(encoding="utf-8-sig")
    # The other PCN's administrator, likewise, sees only theirs.
    theirs = all_of(database, other_pcn.admin)
    assert {event.id for event in theirs.events} == far_ids
    assert run(database, lambda s: audit_trail.case_history(s, other_pcn.admin, other_pcn.case)).total >= 2


def test_a_server_administrator_sees_every_pcns_events(
    database: Database, admin: Actor, pcn_admin: Actor, other_pcn: OtherPcn, case: int
) -> None:
    run(database, lambda s: audit.record(s, None, "sign_in_failed", "user_account", None))
    every = run(database, lambda s: s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())))
    seen = all_of(database, admin)
    assert seen.every_pcn and seen.total == every  # ids are consecutive from 1: every event, none left out
    assert {event.pcn for event in seen.events} == {"Test Valley PCN", "Far Hills PCN", "No PCN"}
    far = all_of(database, admin, TrailFilter(case=f"LW-{other_pcn.case:06d}"))
    assert {e.user for e in far.events} == {"Finn Farrow (farworker)"}
    history = run(database, lambda s: audit_trail.case_history(s, admin, other_pcn.case))
    assert [e.id for e in history.events] == [e.id for e in far.events]
    users = {choice.label for choice in run(database, lambda s: audit_trail.user_choices(s, admin))}
    assert {"Fern Farley (faradmin)", "Ada Admin (admin)", "Sol Second (second)"} <= users
    actions = {choice.value for choice in run(database, lambda s: audit_trail.action_choices(s, admin))}
    assert "far_only_action" in actions


def test_on_a_database_of_one_pcn_every_administrator_reads_the_events_of_no_pcn(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """A sign-in under a name that matches no account belongs to no PCN; on a file (one PCN) an
    administrator added after set-up, who does not administer a server, still reads it."""
    with database.session() as session:
        create_user(
            session, actors[Role.ADMIN], NewUser("second", "Sam Second", Role.ADMIN, "copper kettle rain")
        )
        audit.record(session, None, "sign_in_failed", "user_account", None, "name matches no account")
    with database.session() as session:
        second = session.scalar(select(UserAccount).where(UserAccount.username == "second"))
        assert second is not None and not second.administers_server
        reader = Actor(second.id, second.username, second.full_name, Role.ADMIN, second.pcn_id)
        events = audit_trail.page(session, reader).events
    assert any(event.detail == "name matches no account" for event in events)
