"""``linkworker import postcodes`` as IT runs it: progress and the report, the lookup filled,
unreadable rows listed with exit status 1, and a wrong file or user refused with status 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from linkworker.services.directory import postcodes
from linkworker.store import secrets
from linkworker.store.database import Database, open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.models import AuditEvent
from tests.conftest import MANAGER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.interchange.postcode_files import SAMPLE, row, write

pytestmark = pytest.mark.e2e


@contextmanager
def opened(command: Command, template: EncryptedTemplate) -> Iterator[Database]:
    """The command's database, opened in this process with the same key."""
    secrets.put(keyring_name(command.database_file), template.key_hex)
    database = open_sqlite(command.database_file, command.key_folder)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    command.install(encrypted_template)
    with opened(command, encrypted_template) as database:
        _set_up_pcn(database)
    command.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    return command


def located(command: Command, template: EncryptedTemplate, typed: str) -> postcodes.Located | None:
    with opened(command, template) as database, database.read_session() as session:
        return postcodes.locate(session, typed)


def test_the_directory_is_imported_with_progress_and_a_report(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    path = write(tmp_path / "ONSPD_NOV_2025_UK.csv", SAMPLE)

    result = installed.run("import", "postcodes", str(path), "--user", "manager")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Importing ONSPD_NOV_2025_UK.csv…"
    assert lines[-5] == "  100%"
    assert lines[-4:] == [
        "ONSPD_NOV_2025_UK.csv: 6 postcodes read.",
        "Imported or updated: 4 live postcodes, in 2 districts.",
        "Left out as no longer in use (terminated): 1.",
        "Left out as they have no map position: 1.",
    ]
    assert located(installed, encrypted_template, "ME14 1XX") == postcodes.Located(51.28, 0.52, "postcode")
    district = located(installed, encrypted_template, "ME14 9ZZ")
    assert district is not None and district.precision == "district"


def test_unreadable_rows_are_listed_and_the_rest_imported_with_status_1(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    path = write(tmp_path / "area.csv", [row("ME7 1AA", "51.38", "0.54"), row("ME7 2BB", "north", "east")])

    result = installed.run("import", "postcodes", str(path), "--user", "manager")

    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1] == "Rows that could not be read: 1 (lines 3)."
    assert located(installed, encrypted_template, "ME7 1AA") is not None


def test_a_file_that_is_not_a_postcode_directory_is_refused_with_status_2(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text("NHS number,Forename\n9990000018,Ada\n", encoding="utf-8")

    result = installed.run("import", "postcodes", str(path), "--user", "manager")

    assert result.returncode == 2
    assert result.error_lines == [
        "linkworker: referrals.csv is not an ONS postcode directory file: its first line should name the "
        "columns, including pcds (or pcd), lat and long, as the ONSPD and NSPL CSV files do."
    ]
    with opened(installed, encrypted_template) as database, database.read_session() as session:
        assert postcodes.lookup_size(session) == postcodes.LookupSize(0, 0)


def test_a_wrong_password_imports_nothing(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    installed.env["LINKWORKER_PASSWORD"] = "not the password"

    result = installed.run("import", "postcodes", str(write(tmp_path / "a.csv", SAMPLE)), "--user", "manager")

    assert result.returncode == 2
    assert result.stdout == ""
    assert located(installed, encrypted_template, "ME14 1XX") is None


def test_a_dry_run_reports_what_it_would_import_writes_nothing_and_is_audited_as_a_dry_run(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    path = write(tmp_path / "ONSPD_NOV_2025_UK.csv", SAMPLE)

    result = installed.run("import", "postcodes", str(path), "--user", "manager", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-5:] == [
        "ONSPD_NOV_2025_UK.csv: 6 postcodes read.",
        "Would import or update: 4 live postcodes, in 2 districts.",
        "Left out as no longer in use (terminated): 1.",
        "Left out as they have no map position: 1.",
        "Dry run: nothing was written.",
    ]
    with opened(installed, encrypted_template) as database, database.read_session() as session:
        assert postcodes.lookup_size(session) == postcodes.LookupSize(0, 0)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.username, event.detail) == (
        "postcodes_import_dry_run",
        "manager",
        "dry run; file=ONSPD_NOV_2025_UK.csv; rows=6; would_import=4; districts=2",
    )
