"""``linkworker import referrals`` with a row under another name for a recorded person: the report
asks about it, the row is rejected unless its line is given to --accept-name-changes, and then
the new name is recorded with the earlier one kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from linkworker.domain.intake import PersonDetails
from linkworker.domain.roles import Role
from linkworker.services.cases.people import create_person
from linkworker.store.models import Patient, PersonNameChange, Referral
from tests.conftest import WORKER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.e2e.test_import_command import _opened
from tests.interchange.files import NUMBERS, csv_bytes, row

pytestmark = pytest.mark.e2e

QUESTION = (
    "  Line 2: Same NHS number and date of birth, recorded as Ada Testwell: a change of name? "
    "The file gives Ada Hale."
)


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    """The command's database with a PCN, its users and Ada Testwell, born 1 January 1940."""
    file = command.install(encrypted_template)
    with _opened(command, encrypted_template, file) as database:
        worker = _set_up_pcn(database)[Role.LINK_WORKER]
        with database.session() as session:
            create_person(session, worker, PersonDetails(NUMBERS[0], "Ada", "Testwell", date(1940, 1, 1)))
    command.env["LINKWORKER_PASSWORD"] = WORKER_PASSWORD
    return command


def referrals_file(folder: Path) -> Path:
    path = folder / "referrals.csv"
    path.write_bytes(csv_bytes([row(0, **{"Date of birth": "01/01/1940", "Surname": "Hale"}), row(1)]))
    return path


def names(command: Command, template: EncryptedTemplate) -> tuple[list[tuple[str, ...]], int, int]:
    """Everyone's name, the changes of name on record, and the referrals."""
    with _opened(command, template) as database, database.session() as session:
        people = session.execute(select(Patient.given_name, Patient.family_name).order_by(Patient.id)).all()
        changes = len(session.scalars(select(PersonNameChange.id)).all())
        referrals = len(session.scalars(select(Referral.id)).all())
    return [tuple(person) for person in people], changes, referrals


def test_the_report_asks_and_without_an_answer_the_row_is_rejected(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    rejected = tmp_path / "rejected.csv"
    arguments = ("import", "referrals", str(referrals_file(tmp_path)), "--user", "worker")

    dry = installed.run(*arguments, "--dry-run")
    real = installed.run(*arguments, "--rejected", str(rejected))

    assert dry.returncode == 1, dry.stderr
    assert dry.stdout.splitlines() == [
        "referrals.csv: 2 rows (UTF-8).",
        "Ready to import: 1 referral (1 new person, 0 people already recorded).",
        "Another name for a recorded person (the same NHS number and date of birth): 1 (line 2). "
        "Each is imported only if you say it is a change of name; otherwise it is rejected.",
        "Rejected: 0.",
        QUESTION,
        "To import a row as a change of name, give its line: --accept-name-changes 2",
        "Dry run: nothing was written.",
    ]
    assert real.returncode == 1, real.stderr
    assert real.stdout.splitlines()[-1] == "Imported 1 referral (1 new person). 1 row was rejected."
    saved = rejected.read_text(encoding="utf-8-sig").splitlines()
    assert len(saved) == 2 and "recorded as Ada Testwell" in saved[1]
    assert names(installed, encrypted_template) == ([("Ada", "Testwell"), ("Bram", "Mockford")], 0, 1)


def test_a_line_accepted_as_a_change_of_name_is_imported_and_the_new_name_recorded(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    arguments = ("import", "referrals", str(referrals_file(tmp_path)), "--user", "worker")

    result = installed.run(*arguments, "--accept-name-changes", "2")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ready to import: 2 referrals (1 new person, 1 person already recorded)." in result.stdout
    assert QUESTION not in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == (
        "Imported 2 referrals (1 new person). 0 rows were rejected. 1 new name recorded."
    )
    assert names(installed, encrypted_template) == ([("Ada", "Hale"), ("Bram", "Mockford")], 1, 2)


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ("3", "linkworker: Line 3 is not a row under another name for a recorded person"),
        ("two", "--accept-name-changes: 'two' is not line numbers separated by commas, like 2,5"),
    ],
)
def test_a_line_that_is_no_change_of_name_imports_nothing(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path, lines: str, says: str
) -> None:
    arguments = ("import", "referrals", str(referrals_file(tmp_path)), "--user", "worker")

    result = installed.run(*arguments, "--accept-name-changes", lines)

    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr
    assert names(installed, encrypted_template)[1:] == (0, 0)
