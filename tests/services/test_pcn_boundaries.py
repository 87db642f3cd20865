"""PCN boundaries on a shared server (issue 13): two PCNs on one database, and every service
function that returns or changes identifiable data aimed at a case of PCN A.

Each such function is listed in ``DOORS`` with the arguments that aim it at PCN A's case, its
person, a follow-up or a connection of it. Called by PCN B's link worker or administrator, one
that takes an id is refused (NotFound or PermissionDenied) and writes nothing; one that lists or
searches shows nothing of PCN A's, and a search for PCN A's person answers exactly as it does
for someone never recorded. Called by a role that may not see records (PCN A's own manager, or
a link worker for moving work), each is refused for its role before anything is read.

``test_every_service_function_is_classified`` lists every public service function that takes an
actor and fails on any not in ``DOORS`` or ``NOT_IDENTIFIABLE``, so a new one cannot be left out.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import linkworker.services
from linkworker.domain.casework import ContactKind, FollowUpKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus, CostKind, ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import PersonDetails, ReferralDetails
from linkworker.domain.matching import MatchCriteria
from linkworker.domain.name_change import PersonName
from linkworker.domain.referrals import CaseStatus, ReferralSource
from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import ReferralFile, parse_referral_csv
from linkworker.services.actor import Actor
from linkworker.services.administration import audit_trail, backup
from linkworker.services.cases import (
    calendar_export,
    case_record,
    caseload,
    casework,
    connections,
    corrections,
    follow_ups,
    gp_record,
    matching,
    people,
    referral_import,
    referrals,
    today,
)
from linkworker.services.errors import NotFound, PermissionDenied
from linkworker.services.network import network
from linkworker.store.database import Database
from linkworker.store.models import (
    AuditEvent,
    FollowUp,
    Patient,
    Pcn,
    Practice,
    Referral,
    Service,
    UserAccount,
)
from tests.interchange.files import csv_bytes, row
from tests.services.casework_builder import connection, new_case, synthetic_nhs_number

TODAY = date.today()
NEVER_RECORDED = synthetic_nhs_number()


@dataclass(frozen=True)
class World:
    """PCN A (the usual test PCN) with one case worked on, and PCN B beside it on the server."""

    database: Database
    folder: Path
    a: dict[Role, Actor]
    b: dict[Role, Actor]
    case: int
    person: int
    nhs_number: str
    given_name: str
    family_name: str
    born: date
    follow_up: int
    connection: int
    shared_service: int
    import_key: str
    b_practice: int
    b_practice_ods: str

    @property
    def private(self) -> tuple[str, ...]:
        """What would show PCN A's person in an answer given to PCN B."""
        return (self.nhs_number, self.given_name, self.family_name)


def _user(session: Session, pcn: Pcn, username: str, full_name: str, role: Role) -> Actor:
    user = UserAccount(
        pcn_id=pcn.id, username=username, full_name=full_name, role=role.value, password_hash="-"
    )
    session.add(user)
    session.flush()
    return Actor(user.id, username, full_name, role, pcn.id)


@pytest.fixture
def world(database: Database, actors: dict[Role, Actor], tmp_path: Path) -> World:
    a_worker = actors[Role.LINK_WORKER]
    case = new_case(database, a_worker, given_name="Orla", family_name="Quennell")
    with database.session() as session:
        casework.assign_worker(
            session, a_worker, case, session.get_one(Referral, case).version_id, a_worker.user_id
        )
        follow_up = follow_ups.schedule(
            session,
            a_worker,
            case,
            follow_ups.NewFollowUp(TODAY + timedelta(days=2), FollowUpKind.CALL, a_worker.user_id),
        ).id
        shared = Service(
            pcn_id=None,
            organisation_name="County Trust",
            name="Walking Group",
            cost_kind=CostKind.FREE.value,
            status=ServiceStatus.ACTIVE.value,
        )
        session.add(shared)
        session.get_one(Referral, case).import_key = "key-of-a-referral-of-pcn-a"
        session.flush()
        shared_id = shared.id
        patient = session.get_one(Patient, session.get_one(Referral, case).patient_id)
        person = (
            patient.id,
            patient.nhs_number,
            patient.given_name,
            patient.family_name,
            patient.date_of_birth,
        )
    made = connection(database, case, a_worker, days_ago=3)
    with database.session() as session:
        pcn_b = Pcn(ods_code="U99902", name="Other Valley PCN")
        pcn_b.practices.append(Practice(ods_code="G88001", name="Far Surgery"))
        session.add(pcn_b)
        session.flush()
        b = {
            Role.LINK_WORKER: _user(session, pcn_b, "b-worker", "Bea Worker", Role.LINK_WORKER),
            Role.MANAGER: _user(session, pcn_b, "b-manager", "Bo Manager", Role.MANAGER),
            Role.ADMIN: _user(session, pcn_b, "b-admin", "Bel Admin", Role.ADMIN),
        }
        b_practice = pcn_b.practices[0].id
        # A follow-up of PCN A's case owned by PCN B's worker (it should never be): lists and
        # calendars must not trust the owner alone.
        session.add(
            FollowUp(
                referral_id=case,
                due_on=TODAY,
                kind=FollowUpKind.CALL.value,
                owner_id=b[Role.LINK_WORKER].user_id,
            )
        )
    person_id, number, given, family, born = person
    assert number is not None
    return World(
        database,
        tmp_path,
        actors,
        b,
        case,
        person_id,
        number,
        given,
        family,
        born,
        follow_up,
        made,
        shared_id,
        "key-of-a-referral-of-pcn-a",
        b_practice,
        "G88001",
    )


Call = Callable[[Session, Actor, World], object]


@dataclass(frozen=True)
class Door:
    """A service function aimed at PCN A's records. ``kind``: "id" (refused to another PCN),
    "list" (shows nothing of PCN A's), "search" (answers as for someone never recorded), or
    "role" (refused by role; its PCN boundary is tested on its own below)."""

    name: str
    call: Call
    kind: str
    refused_role: Role = Role.MANAGER
    unknown: Call | None = None  # for a search: the same search for someone never recorded


def _referral_details(world: World) -> ReferralDetails:
    return ReferralDetails(
        world.b_practice, world.b_practice_ods, ReferralSource.GP, None, TODAY, ("loneliness",)
    )


def _import_file(world: World) -> ReferralFile:
    """A referral file of PCN B's practice naming PCN A's person under another name and birthday."""
    entry = row(
        0,
        **{
            "NHS number": world.nhs_number,
            "Forename": "Someone",
            "Surname": "Else",
            "Date of birth": "01/01/1990",
            "Practice code": world.b_practice_ods,
            "Referral date": TODAY.isoformat(),
            "Needs": "loneliness",
        },
    )
    return parse_referral_csv(csv_bytes([entry]))


def _preview(session: Session, who: Actor, world: World) -> object:
    return referral_import.preview(session, who, _import_file(world), TODAY)


def _correct_person(session: Session, who: Actor, world: World) -> object:
    """A correction aimed at PCN A's person, over the sheet PCN A's worker would see."""
    seen = corrections.person_sheet(session, world.a[Role.LINK_WORKER], world.case)
    details = PersonDetails(world.nhs_number, "Olive", world.family_name, world.born)
    return corrections.correct_person(session, who, seen, details)


def _correct_referral(session: Session, who: Actor, world: World) -> object:
    """A correction aimed at PCN A's referral, over the sheet PCN A's worker would see."""
    seen = corrections.referral_sheet(session, world.a[Role.LINK_WORKER], world.case)
    practice = seen.practices[0]
    details = ReferralDetails(practice.id, practice.ods_code, ReferralSource.GP, None, TODAY, ("loneliness",))
    return corrections.correct_referral(session, who, seen, details, seen.consent_days)


ALL_CASES = caseload.CaseloadQuery(scope=caseload.Scope.PCN, status=caseload.StatusGroup.ANY)
CALENDAR = calendar_export.CalendarRequest(TODAY - timedelta(days=30), TODAY + timedelta(days=60), True, True)

DOORS: list[Door] = [
    Door("case_record.case_in_pcn", lambda s, who, w: case_record.case_in_pcn(s, who, w.case), "id"),
    Door("case_record.open_case", lambda s, who, w: case_record.open_case(s, who, w.case), "id"),
    # Who opened the case: staff and case numbers, never the person's name; administrators only.
    Door("audit_trail.case_history", lambda s, who, w: audit_trail.case_history(s, who, w.case), "id"),
    Door(
        "casework.move_status",
        lambda s, who, w: casework.move_status(s, who, w.case, 1, CaseStatus.CONTACTED),
        "id",
    ),
    Door("casework.assign_worker", lambda s, who, w: casework.assign_worker(s, who, w.case, 1, None), "id"),
    Door(
        "casework.add_contact",
        lambda s, who, w: casework.add_contact(
            s, who, w.case, casework.ContactEntry(ContactKind.PHONE, datetime.now(UTC), 10, "")
        ),
        "id",
    ),
    Door("casework.add_note", lambda s, who, w: casework.add_note(s, who, w.case, "A note"), "id"),
    Door(
        "casework.save_support_plan",
        lambda s, who, w: casework.save_support_plan(s, who, w.case, casework.PlanText("a", "b", "c"), 0),
        "id",
    ),
    Door(
        "casework.add_plan_review",
        lambda s, who, w: casework.add_plan_review(s, who, w.case, TODAY, ""),
        "id",
    ),
    Door(
        "casework.record_measure",
        lambda s, who, w: casework.record_measure(
            s, who, w.case, casework.MeasureEntry(Instrument.ONS4, MeasureStage.BASELINE, TODAY, (5, 5, 5, 5))
        ),
        "id",
    ),
    Door(
        "connections.make_connection",
        lambda s, who, w: connections.make_connection(
            s, who, w.case, w.shared_service, ConnectionStatus.REFERRED, TODAY
        ),
        "id",
    ),
    Door(
        "connections.record_outcome",
        lambda s, who, w: connections.record_outcome(
            s, who, w.connection, 1, ConnectionStatus.ATTENDED, TODAY, None
        ),
        "id",
    ),
    Door(
        "follow_ups.schedule",
        lambda s, who, w: follow_ups.schedule(
            s, who, w.case, follow_ups.NewFollowUp(TODAY + timedelta(days=3), FollowUpKind.CALL, who.user_id)
        ),
        "id",
    ),
    Door("follow_ups.complete", lambda s, who, w: follow_ups.complete(s, who, w.follow_up, 1), "id"),
    Door(
        "follow_ups.reschedule",
        lambda s, who, w: follow_ups.reschedule(s, who, w.follow_up, 1, TODAY + timedelta(days=9), "Away"),
        "id",
    ),
    Door("follow_ups.cancel", lambda s, who, w: follow_ups.cancel(s, who, w.follow_up, 1, "No need"), "id"),
    Door("gp_record.codes_due", lambda s, who, w: gp_record.codes_due(s, who, w.case), "id"),
    Door("gp_record.consent_to_share", lambda s, who, w: gp_record.consent_to_share(s, who, w.case), "id"),
    Door("corrections.person_sheet", lambda s, who, w: corrections.person_sheet(s, who, w.case), "id"),
    Door("corrections.correct_person", _correct_person, "id"),
    Door("corrections.referral_sheet", lambda s, who, w: corrections.referral_sheet(s, who, w.case), "id"),
    Door("corrections.correct_referral", _correct_referral, "id"),
    Door(
        "gp_record.mark_entered",
        lambda s, who, w: gp_record.mark_entered(s, who, w.case, "871731000000106"),
        "id",
    ),
    Door("gp_record.letter", lambda s, who, w: gp_record.letter(s, who, w.case), "id"),
    Door(
        "gp_record.record_export",
        lambda s, who, w: gp_record.record_export(s, who, w.case, gp_record.LetterExport.PRINTED),
        "id",
    ),
    Door("matching.start", lambda s, who, w: matching.start(s, who, w.case), "id"),
    Door(
        "matching.match",
        lambda s, who, w: matching.match(s, who, w.case, MatchCriteria(needs=frozenset({"loneliness"}))),
        "id",
    ),
    Door(
        "network.work_of",
        lambda s, who, w: network.work_of(s, who, w.a[Role.LINK_WORKER].user_id),
        "id",
        refused_role=Role.LINK_WORKER,
    ),
    Door(
        "network.reassign",
        lambda s, who, w: network.reassign(
            s, who, w.a[Role.LINK_WORKER].user_id, who.user_id, [network.Chosen(w.case, 1)], []
        ),
        "id",
        refused_role=Role.LINK_WORKER,
    ),
    Door(
        "network.move_share",
        lambda s, who, w: network.move_share(s, who, w.a[Role.LINK_WORKER].user_id, who.user_id, None),
        "id",
        refused_role=Role.LINK_WORKER,
    ),
    Door(
        "people.change_name",
        lambda s, who, w: people.change_name(
            s, who, w.person, PersonName(w.given_name, w.family_name), "Olive", ""
        ),
        "id",
    ),
    Door(
        "referrals.create_referral",
        lambda s, who, w: referrals.create_referral(s, who, w.person, _referral_details(w)),
        "id",
    ),
    Door(
        "referrals.create_referrals",
        lambda s, who, w: referrals.create_referrals(
            s, who, [referrals.NewReferral(w.person, _referral_details(w))]
        ),
        "id",
    ),
    # The warning before a second referral (issue 15): the person's open cases, by their id.
    Door("referrals.open_cases_of", lambda s, who, w: referrals.open_cases_of(s, who, w.person), "id"),
    Door("caseload.page", lambda s, who, w: caseload.page(s, who, ALL_CASES, 0, 100), "list"),
    Door("caseload.first_page", lambda s, who, w: caseload.first_page(s, who, ALL_CASES, 100), "list"),
    Door(
        "caseload.count",
        lambda s, who, w: caseload.count(
            s, who, caseload.CaseloadQuery(caseload.Scope.PCN, search=w.nhs_number)
        ),
        "search",
        unknown=lambda s, who, w: caseload.count(
            s, who, caseload.CaseloadQuery(caseload.Scope.PCN, search=NEVER_RECORDED)
        ),
    ),
    Door("today.today_lists", lambda s, who, w: today.today_lists(s, who), "list"),
    Door("today.due_now", lambda s, who, w: today.due_now(s, who), "list"),
    Door(
        "calendar_export.calendar_for",
        lambda s, who, w: calendar_export.calendar_for(s, who, CALENDAR),
        "list",
    ),
    Door(
        "calendar_export.export_calendar",
        lambda s, who, w: (
            calendar_export.export_calendar(s, who, CALENDAR, w.folder / f"{who.username}.ics"),
            (w.folder / f"{who.username}.ics").read_text(encoding="utf-8"),
        ),
        "list",
    ),
    Door(
        "people.find_by_nhs_number",
        lambda s, who, w: people.find_by_nhs_number(s, who, w.nhs_number),
        "search",
        unknown=lambda s, who, w: people.find_by_nhs_number(s, who, NEVER_RECORDED),
    ),
    Door(
        "people.find_people",
        lambda s, who, w: people.find_people(
            s,
            who,
            nhs_number=w.nhs_number,
            given_name=w.given_name,
            family_name=w.family_name,
            date_of_birth=w.born,
        ),
        "search",
        unknown=lambda s, who, w: people.find_people(
            s, who, nhs_number=NEVER_RECORDED, given_name="Nobody", family_name="Atall", date_of_birth=w.born
        ),
    ),
    Door(
        "referrals.imported_keys",
        lambda s, who, w: referrals.imported_keys(s, who, [w.import_key]),
        "search",
        unknown=lambda s, who, w: referrals.imported_keys(s, who, ["a-key-never-used"]),
    ),
    # Their PCN boundary is tested on its own below (the adoption of a person recorded elsewhere).
    Door(
        "people.create_person",
        lambda s, who, w: people.create_person(
            s, who, PersonDetails(NEVER_RECORDED, "Ivy", "Ashdown", w.born)
        ),
        "role",
    ),
    Door(
        "people.create_people",
        lambda s, who, w: people.create_people(
            s, who, [PersonDetails(NEVER_RECORDED, "Ivy", "Ashdown", w.born)]
        ),
        "role",
    ),
    # Another helper's module: the role here, the boundary in test_an_import_preview_*.
    Door("referral_import.preview", _preview, "role"),
    Door(
        "referral_import.commit",
        lambda s, who, w: referral_import.commit(s, who, _import_file(w), TODAY),
        "role",
    ),
    Door(
        "referral_import.save_rejected",
        lambda s, who, w: referral_import.save_rejected(
            s, who, _preview(s, w.a[Role.LINK_WORKER], w), w.folder / "r.csv"
        ),  # type: ignore[arg-type]
        "role",
    ),
    # The whole database: administrators only; a shared server is backed up by its own tools.
    Door("backup.back_up", lambda s, who, w: backup.back_up(w.database, who, w.folder), "role"),
]

# Every other public service function that takes an actor, and why it holds nothing identifiable.
NOT_IDENTIFIABLE: dict[str, str] = {
    "audit.recent": "the audit trail by ids and staff names, never a person's details (administrators)",
    "audit.record": "writes the actor's own action",
    "audit.record_each": "writes the actor's own actions",
    "audit.verify_chain": "checks the trail's hashes (administrators)",
    "audit_trail.action_choices": "the trail's actions (administrators)",
    "audit_trail.export_csv": "the trail by case numbers and staff names, never a person's (administrators)",
    "audit_trail.page": "the trail by case numbers and staff names, never a person's (administrators)",
    "audit_trail.record_export": "audits an export of the trail by its filter (administrators)",
    "audit_trail.user_choices": "staff accounts (administrators)",
    "audit_trail.write_csv": "the trail by case numbers and staff names, never a person's (administrators)",
    "caseload.choices": "the PCN's practices, staff who hold cases and needs",
    "casework.case_workers": "the PCN's staff who hold cases",
    "connections.service_usage": "a count, under the PCN's rule for a manager (test_small_counts)",
    "directory.choices": "directory services",
    "directory.count": "directory services",
    "directory.create_service": "directory services",
    "directory.first_page": "directory services",
    "directory.get_service": "a directory service, with its use counted under the PCN's rule",
    "directory.mark_verified": "directory services",
    "directory.page": "directory services",
    "directory.set_stale_after_months": "a PCN setting",
    "directory.update_service": "directory services",
    "directory_export.directory_services": "directory services",
    "directory_export.export": "directory services",
    "directory_export.export_csv": "directory services",
    "directory_export.export_json": "directory services",
    "directory_feeds.commit": "directory services, from a saved feed",
    "directory_feeds.forget": "the PCN's saved feed addresses",
    "directory_feeds.read": "directory services, read from a feed",
    "directory_feeds.save": "the PCN's saved feed addresses",
    "directory_feeds.saved_feeds": "the PCN's saved feed addresses",
    "directory_import.commit": "directory services",
    "directory_import.preview": "directory services",
    "directory_import.record_dry_run": "directory services",
    "disclosure.pcn_for_figures": "a PCN's settings",
    "disclosure.rule_for": "a PCN's settings",
    "disclosure.rule_for_reader": "a PCN's settings",
    "disclosure.set_swemwbs_change": "a PCN setting",
    "disclosure.set_threshold": "a PCN setting",
    "disclosure.swemwbs_change_for": "a PCN setting",
    "follow_ups.attendance_check": "a suggested follow-up built from the actor and a service's name",
    "icb.administers_server": "whether the actor's own account administers the server",
    "icb.build": "anonymised figures of each PCN under its own rule; other PCNs named only to an "
    "administrator of the server (test_icb)",
    "icb.record_export": "audits a save of the ICB view by its month",
    "key_custody.custody": "database keys (administrators)",
    "key_custody.make_recovery_key": "database keys (administrators)",
    "key_custody.retire_legacy_copy": "database keys (administrators)",
    "matching.history": "attendance counted per service, for roles that see records",
    "needs.add_local_need": "the PCN's list of needs",
    "needs.local_needs": "the PCN's list of needs, with use counted by role",
    "needs.need_labels": "the PCN's list of needs",
    "needs.needs_for": "the PCN's list of needs",
    "needs.set_local_need_active": "the PCN's list of needs",
    "network.assign_choices": "the PCN's staff who take cases, with their open cases and overdue follow-ups",
    "network.figures": "counts, under the PCN's rule for a manager (test_small_counts)",
    "network.open_cases": "counts, under the PCN's rule for a manager (test_small_counts)",
    "organisation.add_practice": "the PCN's practices",
    "organisation.current_pcn": "the PCN's name",
    "organisation.idle_lock_minutes": "a PCN setting",
    "organisation.set_idle_lock_minutes": "a PCN setting",
    "organisation.list_practices": "the PCN's practices",
    "organisation.set_practice_active": "the PCN's practices",
    "overview.overview": "counts, under the PCN's rule for a manager (test_small_counts)",
    "people.on_pcn_list": "which of the ids given are on the actor's PCN's list: the boundary itself",
    "people.registered_practices": "the PCN's practices",
    "postcodes.check_file": "the ONS postcode directory",
    "practice_populations.check_file": "NHS Digital's counts of registered patients by practice and area",
    "practice_populations.commit": "NHS Digital's counts of registered patients by practice and area",
    "practice_populations.import_file": "NHS Digital's counts of registered patients by practice and area",
    "postcodes.import_file": "the ONS postcode directory",
    "postcodes.record_dry_run": "the ONS postcode directory",
    "referral_import.record_dry_run": "audits a dry run by its counts and the file's name (role-checked)",
    "referrals.referring_practices": "the PCN's practices",
    "signing_in.must_change_password": "the actor's own account",
    "signing_in.sign_out": "the actor's own session",
    "summary.build": "the anonymised monthly summary, under the PCN's rule",
    "summary.record_export": "the anonymised monthly summary",
    "summary.scopes": "the PCN's practices",
    "summary_export.make": "the anonymised monthly summary, under the PCN's rule",
    "summary_export.record_printed": "the anonymised monthly summary",
    "summary_export.save_csv": "the anonymised monthly summary, under the PCN's rule",
    "summary_export.save_pdf": "the anonymised monthly summary, under the PCN's rule",
    "taxonomy.list_terms": "directory taxonomy terms",
    "taxonomy.mappings": "directory taxonomy terms",
    "taxonomy.needs_of_terms": "directory taxonomy terms",
    "taxonomy.set_mapping": "directory taxonomy terms",
    "today.first_contact_wait": "a PCN setting",
    "today.set_first_contact_wait": "a PCN setting",
    "users.change_own_password": "staff accounts (users.py's own tests)",
    "users.create_user": "staff accounts (users.py's own tests)",
    "users.list_users": "staff accounts (users.py's own tests)",
    "users.reset_password": "staff accounts (users.py's own tests)",
    "users.set_active": "staff accounts (users.py's own tests)",
    "users.update_account": "staff accounts (users.py's own tests)",
}


def service_functions() -> set[str]:
    """Every public function of linkworker.services that takes an actor, as "module.function"."""
    found = set()
    for info in pkgutil.walk_packages(linkworker.services.__path__, "linkworker.services."):
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            own = function.__module__ == module.__name__ and not name.startswith("_")
            if own and "actor" in inspect.signature(function).parameters:
                found.add(f"{info.name.rsplit('.', 1)[-1]}.{name}")  # module names are unique
    return found


def test_every_service_function_is_classified() -> None:
    """A new service function taking an actor must join DOORS (and be refused across PCNs and by
    role) or NOT_IDENTIFIABLE (with its reason); one removed must leave them."""
    doors = {door.name for door in DOORS}
    assert not doors & set(NOT_IDENTIFIABLE)
    assert service_functions() == doors | set(NOT_IDENTIFIABLE)


def attempt(database: Database, call: Callable[[Session], object]) -> object:
    """The call's answer, or the service's refusal; a refused unit of work writes nothing."""
    try:
        with database.session() as session:
            return call(session)
    except (NotFound, PermissionDenied, ValidationError) as refusal:
        return refusal


def audit_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def doors(*kinds: str) -> list[Door]:
    return [door for door in DOORS if door.kind in kinds]


def ids(found: list[Door]) -> list[str]:
    return [door.name for door in found]


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.ADMIN])
@pytest.mark.parametrize("door", doors("id"), ids=ids(doors("id")))
def test_a_record_of_another_pcn_is_refused_by_id(world: World, door: Door, role: Role) -> None:
    outsider = world.b[role]
    before = audit_count(world.database)
    answer = attempt(world.database, lambda session: door.call(session, outsider, world))
    assert isinstance(answer, NotFound | PermissionDenied), answer
    assert not any(private.casefold() in str(answer).casefold() for private in world.private)
    assert audit_count(world.database) == before  # the refused unit of work wrote nothing


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.ADMIN])
@pytest.mark.parametrize("door", doors("list"), ids=ids(doors("list")))
def test_a_list_shows_nothing_of_another_pcn(world: World, door: Door, role: Role) -> None:
    answer = attempt(world.database, lambda session: door.call(session, world.b[role], world))
    assert not isinstance(answer, Exception), answer
    shown = repr(answer).casefold()
    for private in world.private:
        assert private.casefold() not in shown
    assert f"{world.case:06d}" not in shown  # PCN A's case number


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.ADMIN])
@pytest.mark.parametrize("door", doors("search"), ids=ids(doors("search")))
def test_a_search_for_a_person_of_another_pcn_answers_as_for_someone_never_recorded(
    world: World, door: Door, role: Role
) -> None:
    outsider = world.b[role]
    assert door.unknown is not None
    unknown = door.unknown
    answer = attempt(world.database, lambda session: door.call(session, outsider, world))
    never = attempt(world.database, lambda session: unknown(session, outsider, world))
    assert answer == never
    assert answer in (None, [], set(), 0)


def test_a_search_by_a_worker_of_the_pcn_still_finds_the_person(world: World) -> None:
    """The other side of each search above: PCN A's own worker finds them."""
    worker = world.a[Role.LINK_WORKER]
    with world.database.session() as session:
        assert people.find_by_nhs_number(session, worker, world.nhs_number) is not None
        assert [m.person.id for m in people.find_people(session, worker, nhs_number=world.nhs_number)] == [
            world.person
        ]
        assert caseload.count(
            session, worker, caseload.CaseloadQuery(caseload.Scope.PCN, search=world.nhs_number)
        )
        assert referrals.imported_keys(session, worker, [world.import_key]) == {world.import_key}


@pytest.mark.parametrize("door", DOORS, ids=ids(DOORS))
def test_a_role_that_may_not_see_records_is_refused_before_anything_is_read(world: World, door: Door) -> None:
    before = audit_count(world.database)
    answer = attempt(world.database, lambda session: door.call(session, world.a[door.refused_role], world))
    assert isinstance(answer, PermissionDenied), answer
    assert audit_count(world.database) == before


def test_moving_another_pcns_case_from_ones_own_worker_moves_nothing(world: World) -> None:
    admin = world.b[Role.ADMIN]
    with world.database.session() as session, pytest.raises(network.WorkChanged):
        network.reassign(  # named as if the administrator held it, to their PCN's link worker
            session,
            admin,
            admin.user_id,
            world.b[Role.LINK_WORKER].user_id,
            [network.Chosen(world.case, 1)],
            [],
        )
    with world.database.session() as session:
        assert session.get_one(Referral, world.case).assigned_worker_id == world.a[Role.LINK_WORKER].user_id


def _recorded_elsewhere(world: World, **changes: object) -> PersonDetails:
    details = PersonDetails(
        world.nhs_number, "Olive", "Newname", world.born, registered_practice_ods=world.b_practice_ods
    )
    return PersonDetails(**{**details.__dict__, **changes})  # type: ignore[arg-type]


def test_recording_a_person_already_recorded_by_another_pcn_takes_them_on_without_showing_them(
    world: World,
) -> None:
    """PCN B is referred someone PCN A has recorded: the NHS number is one person on the server,
    so B's new referral joins that record (as an import does) and nothing B did not type is
    shown until the referral makes them one of B's people; A's record is not changed."""
    worker = world.b[Role.LINK_WORKER]
    with world.database.session() as session:
        taken = people.create_person(session, worker, _recorded_elsewhere(world))
        assert taken.id == world.person
        shown = repr(taken).casefold()
        assert world.given_name.casefold() not in shown and world.family_name.casefold() not in shown
        referrals.create_referral(session, worker, taken.id, _referral_details(world))
    with world.database.session() as session:
        stored = session.get_one(Patient, world.person)
        assert (stored.given_name, stored.family_name) == (world.given_name, world.family_name)
        [found] = people.find_people(session, worker, nhs_number=world.nhs_number)
    assert found.person.id == world.person


def test_another_pcns_person_with_another_date_of_birth_is_refused_without_their_details(
    world: World,
) -> None:
    worker = world.b[Role.LINK_WORKER]
    with world.database.session() as session, pytest.raises(ValidationError) as refused:
        people.create_person(session, worker, _recorded_elsewhere(world, date_of_birth=date(1990, 1, 1)))
    assert refused.value.field == "nhs_number"
    assert not any(private.casefold() in refused.value.message.casefold() for private in world.private)
    assert world.born.isoformat() not in refused.value.message


def test_a_person_taken_on_in_one_unit_of_work_is_not_referred_from_another(world: World) -> None:
    """Taking a person on lasts for the unit of work that typed their NHS number and birthday:
    a later call with their id alone is refused, as any id of another PCN's person is."""
    worker = world.b[Role.LINK_WORKER]
    with world.database.session() as session:
        people.create_person(session, worker, _recorded_elsewhere(world))
    with world.database.session() as session, pytest.raises(NotFound):
        referrals.create_referral(session, worker, world.person, _referral_details(world))


def test_a_person_known_to_this_pcn_is_still_refused_as_recorded_already(world: World) -> None:
    worker = world.a[Role.LINK_WORKER]
    with world.database.session() as session, pytest.raises(ValidationError, match="already recorded"):
        people.create_person(session, worker, _recorded_elsewhere(world, registered_practice_ods=None))


def test_an_import_preview_does_not_show_another_pcns_person(world: World) -> None:
    with world.database.session() as session:
        shown = repr(_preview(session, world.b[Role.LINK_WORKER], world)).casefold()
    for private in (world.given_name, world.family_name):
        assert private.casefold() not in shown


def test_a_person_recorded_before_their_referral_is_on_the_list_of_the_pcn_that_recorded_them(
    world: World,
) -> None:
    """Recorded with no practice and no referral yet (a referral saved later), a person is on the
    list of the PCN whose worker recorded them (its own audit event says so), and no other's."""
    mine, outsider = world.a[Role.LINK_WORKER], world.b[Role.ADMIN]
    number = synthetic_nhs_number()
    with world.database.session() as session:
        person = people.create_person(session, mine, PersonDetails(number, "Ivy", "Ashdown", world.born)).id
    with world.database.session() as session:
        assert people.find_by_nhs_number(session, mine, number) is not None
        assert people.on_pcn_list(session, mine, [person]) == {person}
        assert people.find_by_nhs_number(session, outsider, number) is None
        assert people.on_pcn_list(session, outsider, [person]) == set()
    with world.database.session() as session, pytest.raises(NotFound):
        people.change_name(session, outsider, person, PersonName("Ivy", "Ashdown"), "Ivo", "")


def test_a_person_taken_on_is_not_renamed_before_their_referral_puts_them_on_the_list(world: World) -> None:
    """Typing another PCN's person's NHS number and birthday takes them on for a referral only: a
    change of name (whose answer is their record) still waits for the referral."""
    worker = world.b[Role.LINK_WORKER]
    with world.database.session() as session, pytest.raises(NotFound):
        taken = people.create_person(session, worker, _recorded_elsewhere(world))
        people.change_name(
            session, worker, taken.id, PersonName(world.given_name, world.family_name), "Olive", ""
        )
    with world.database.session() as session:
        assert session.get_one(Patient, world.person).given_name == world.given_name


def _import_row(world: World, **changes: str) -> ReferralFile:
    entry = row(
        0,
        **{
            "NHS number": world.nhs_number,
            "Forename": world.given_name,
            "Surname": world.family_name,
            "Date of birth": world.born.strftime("%d/%m/%Y"),
            "Practice code": world.b_practice_ods,
            "Referral date": TODAY.isoformat(),
            "Needs": "loneliness",
            **changes,
        },
    )
    return parse_referral_csv(csv_bytes([entry]))


def test_an_import_preview_of_a_renamed_person_does_not_show_another_pcns_name(world: World) -> None:
    file = _import_row(world, Forename="Olive", Surname="Newname")
    with world.database.session() as session:
        shown = repr(referral_import.preview(session, world.b[Role.LINK_WORKER], file, TODAY)).casefold()
    assert world.family_name.casefold() not in shown


def test_an_import_of_a_referral_for_another_pcns_person_takes_them_on(world: World) -> None:
    worker = world.b[Role.LINK_WORKER]
    with world.database.session() as session:
        result = referral_import.commit(session, worker, _import_row(world), TODAY)
    assert result.imported == 1
    with world.database.session() as session:
        assert people.find_by_nhs_number(session, worker, world.nhs_number) is not None
