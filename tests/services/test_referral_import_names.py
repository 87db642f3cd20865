"""Importing a referral for a recorded person under another name: the row is not attached
silently. The preview lists it for a decision; attached, the new name is recorded in the person's
history; otherwise it is rejected with the reason."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.domain.intake import PersonDetails
from linkworker.domain.name_change import PersonName
from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import ReferralFile, parse_referral_csv, read_referral_file
from linkworker.services.actor import Actor
from linkworker.services.cases import referral_import
from linkworker.services.cases.people import PersonSummary, create_person
from linkworker.services.cases.referral_import import ImportPreview, ImportRefused, ImportResult
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, PersonNameChange, Referral
from tests.interchange.files import HEADER, NUMBERS, csv_bytes, row

TODAY = date(2026, 6, 30)
BORN = "01/01/1940"
HALE = row(0, **{"Date of birth": BORN, "Surname": "Hale"})
REASON = (
    "Same NHS number and date of birth, recorded as Ada Testwell: a change of name? The file gives "
    "Ada Hale. Not imported, as no one said it is a change of name: correct the name, or import the "
    "row again and say it is."
)
MIXED = (
    HALE,  # line 2: the recorded person under another name
    row(1),  # line 3: a new person
    row(0, **{"Date of birth": BORN, "Forename": "ADA", "Referral date": "2026-03-01"}),  # line 4
)


def file_of(*rows: dict[str, str]) -> ReferralFile:
    return replace(parse_referral_csv(csv_bytes(list(rows))), name="referrals.csv")


def preview(
    database: Database, actor: Actor, file: ReferralFile, attach: Collection[int] = ()
) -> ImportPreview:
    with database.session() as session:
        return referral_import.preview(session, actor, file, TODAY, attach=attach)


def commit(
    database: Database, actor: Actor, file: ReferralFile, attach: Collection[int] = ()
) -> ImportResult:
    with database.session() as session:
        return referral_import.commit(session, actor, file, TODAY, attach=attach)


def recorded(database: Database, actor: Actor) -> PersonSummary:
    """Person 0 of the test files, recorded as Ada Testwell, born 1 January 1940."""
    with database.session() as session:
        return create_person(session, actor, PersonDetails(NUMBERS[0], "Ada", "Testwell", date(1940, 1, 1)))


def names(database: Database, person_id: int) -> tuple[tuple[str, str], list[tuple[str, ...]]]:
    """The person's name now, and each change of name on record (old, new)."""
    with database.session() as session:
        patient = session.get(Patient, person_id)
        assert patient is not None
        changes = session.execute(
            select(
                PersonNameChange.old_given_name,
                PersonNameChange.old_family_name,
                PersonNameChange.new_given_name,
                PersonNameChange.new_family_name,
            ).where(PersonNameChange.patient_id == person_id)
        )
        return (patient.given_name, patient.family_name), [tuple(change) for change in changes]


def test_a_row_under_another_name_is_listed_for_a_decision_not_attached_silently(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = recorded(database, worker)

    checked = preview(database, worker, file_of(*MIXED))

    assert [row.line for row in checked.accepted] == [3, 4], "the same name in capitals is no question"
    assert [(c.line, c.person_id, c.recorded, c.new_name) for c in checked.name_changes] == [
        (2, person.id, PersonName("Ada", "Testwell"), PersonName("Ada", "Hale"))
    ]
    assert checked.rejected == ()
    assert checked.name_changes[0].reason == REASON
    assert referral_import.report(checked) == [
        "referrals.csv: 3 rows (UTF-8).",
        "Ready to import: 2 referrals (1 new person, 1 person already recorded).",
        "Another name for a recorded person (the same NHS number and date of birth): 1 (line 2). "
        "Each is imported only if you say it is a change of name; otherwise it is rejected.",
        "Rejected: 0.",
        "  Line 2: Same NHS number and date of birth, recorded as Ada Testwell: a change of name? "
        "The file gives Ada Hale.",
    ]


def test_without_a_decision_the_row_is_rejected_with_the_reason_and_the_name_kept(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = recorded(database, worker)

    result = commit(database, worker, file_of(*MIXED))

    assert (result.imported, result.rejected, result.names_changed) == (2, 1, 0)
    assert names(database, person.id) == (("Ada", "Testwell"), [])


def test_attached_the_referral_is_the_persons_and_the_new_name_is_recorded_with_the_old_kept(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = recorded(database, worker)

    checked = preview(database, worker, file_of(*MIXED), attach={2})
    result = commit(database, worker, file_of(*MIXED), attach={2})

    first = checked.accepted[0]
    assert (first.line, first.recorded_person_id) == (2, person.id)
    assert first.name_change is not None and first.name_change.new_name == PersonName("Ada", "Hale")
    assert checked.name_changes == ()
    assert (result.imported, result.rejected, result.names_changed) == (3, 0, 1)
    assert names(database, person.id) == (("Ada", "Hale"), [("Ada", "Testwell", "Ada", "Hale")])
    with database.session() as session:
        owned = session.scalar(select(func.count()).where(Referral.patient_id == person.id))
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "person_renamed"))
    assert owned == 2
    assert (event.entity_id, event.detail) == (person.id, "fields=family_name")


def test_two_rows_with_one_new_name_change_it_once_and_another_new_name_is_rejected(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = recorded(database, worker)
    again = row(0, **{"Date of birth": BORN, "Surname": "Hale", "Referral date": "2026-02-01"})
    other = row(0, **{"Date of birth": BORN, "Surname": "Quinn", "Referral date": "2026-03-01"})
    file = file_of(HALE, again, other)

    checked = preview(database, worker, file, attach={2, 3, 4})
    result = commit(database, worker, file, attach={2, 3, 4})

    assert [row.line for row in checked.accepted] == [2, 3]
    assert [(row.line, row.reason) for row in checked.rejected] == [
        (4, "Line 2 gives this person another new name: check which is right.")
    ]
    assert (result.imported, result.names_changed) == (2, 1)
    assert names(database, person.id) == (("Ada", "Hale"), [("Ada", "Testwell", "Ada", "Hale")])


@pytest.mark.parametrize("line", [3, 9])
def test_a_line_given_as_a_change_of_name_that_is_none_refuses_the_import(
    database: Database, actors: dict[Role, Actor], line: int
) -> None:
    worker = actors[Role.LINK_WORKER]
    person = recorded(database, worker)

    with pytest.raises(ImportRefused, match=f"Line {line} is not a row under another name"):
        commit(database, worker, file_of(*MIXED), attach={2, line})

    assert names(database, person.id) == (("Ada", "Testwell"), [])
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_rows_not_attached_are_saved_with_the_rejected_rows_to_fix(
    database: Database, actors: dict[Role, Actor], tmp_path: Path
) -> None:
    worker = actors[Role.LINK_WORKER]
    recorded(database, worker)
    checked = preview(database, worker, file_of(row(1, **{"Practice code": "G99009"}), *MIXED))
    every, chosen = tmp_path / "every.csv", tmp_path / "chosen.csv"

    with database.session() as session:
        saved_every = referral_import.save_rejected(session, worker, checked, every)
        saved_chosen = referral_import.save_rejected(
            session, worker, checked, chosen, name_changes_rejected=()
        )

    assert (saved_every, saved_chosen) == (2, 1)
    rows = read_referral_file(every).rows
    assert read_referral_file(every).header == ("Problem", *HEADER)
    assert [r.cells[0] for r in rows] == ["Practice code: G99009 is not a practice of this PCN.", REASON]
    assert rows[1].cells[3] == "Hale"
