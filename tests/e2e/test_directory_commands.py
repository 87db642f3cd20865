"""``linkworker import directory`` and ``linkworker export directory`` as IT or a manager runs them:
the report with each problem's record, the import, the same feed again, the export, and refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linkworker.store import secrets
from linkworker.store.database import Database, open_sqlite
from linkworker.store.database_key import keyring_name
from linkworker.store.models import AuditEvent, Service
from tests.conftest import MANAGER_PASSWORD, _set_up_pcn
from tests.e2e.command import Command, EncryptedTemplate
from tests.interchange.oruk_standard import service_errors, table_errors
from tests.services.oruk_feeds import PAGE

pytestmark = pytest.mark.e2e


@pytest.fixture
def installed(command: Command, encrypted_template: EncryptedTemplate) -> Command:
    file = command.install(encrypted_template)
    with _opened(command, encrypted_template, file) as database:
        _set_up_pcn(database)
    command.env["LINKWORKER_PASSWORD"] = MANAGER_PASSWORD
    return command


@contextmanager
def _opened(command: Command, template: EncryptedTemplate, file: Path | None = None) -> Iterator[Database]:
    file = file or command.database_file
    secrets.put(keyring_name(file), template.key_hex)
    database = open_sqlite(file, command.key_folder)
    try:
        yield database
    finally:
        database.dispose()


def counts(command: Command, template: EncryptedTemplate) -> tuple[int, int]:
    with _opened(command, template) as database, database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Service)) or 0,
            session.scalar(select(func.count()).where(AuditEvent.action == "directory_imported")) or 0,
        )


def test_an_import_reports_each_problem_then_imports_and_a_second_run_updates(
    installed: Command, encrypted_template: EncryptedTemplate
) -> None:
    dry = installed.run("import", "directory", str(PAGE), "--user", "manager", "--dry-run")
    assert dry.returncode == 1, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[:3] == [
        "page.json (JSON page of services): 7 service records.",
        "Ready to import: 3 new services, 0 updates of services imported before.",
        "Flagged for checking: 2. Skipped: 4.",
    ]
    assert (
        "  Skipped: Service id svc-no-name at page.json, $.contents[1]: The service has no name: skipped."
        in lines
    )
    assert (
        "  Flagged: Service “Money Advice Drop-in” (id svc-5) at page.json, "
        "$.contents[4].service_at_locations[0].location: “75001” is not a UK postcode: left out."
    ) in lines
    assert lines[-1] == "Dry run: nothing was written."
    assert counts(installed, encrypted_template) == (0, 0)

    first = installed.run("import", "directory", str(PAGE), "--user", "manager")
    assert first.returncode == 1, first.stderr
    assert first.stdout.splitlines()[-1] == (
        "Imported 3 new services and updated 0 (2 flagged for checking); 4 records skipped."
    )
    again = installed.run("import", "directory", str(PAGE), "--user", "manager")
    # The same feed again changes nothing: no service is written anew (issue 16).
    assert again.stdout.splitlines()[-1].startswith("Imported 0 new services and updated 0 (3 unchanged")
    assert counts(installed, encrypted_template) == (3, 2)


def test_the_export_writes_valid_json_and_csv_tables(
    installed: Command, encrypted_template: EncryptedTemplate, tmp_path: Path
) -> None:
    installed.run("import", "directory", str(PAGE), "--user", "manager")
    as_json = installed.run("export", "directory", str(tmp_path / "out.json"), "--user", "manager")
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.strip() == f"Exported 3 services as ORUK JSON to {tmp_path / 'out.json'}."
    for service in json.loads((tmp_path / "out.json").read_text(encoding="utf-8")):
        assert service_errors(service) == []
    as_csv = installed.run("export", "directory", str(tmp_path / "tables"), "--user", "manager")
    assert as_csv.returncode == 0, as_csv.stderr
    assert table_errors(tmp_path / "tables") == []


def test_a_feed_that_is_not_one_is_refused_with_status_2(installed: Command, tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text('{"hello": 1}', encoding="utf-8")
    result = installed.run("import", "directory", str(tmp_path / "feed.json"), "--user", "manager")
    assert result.returncode == 2
    assert "not a directory feed" in result.stderr


def test_a_dry_run_is_audited_as_a_dry_run(installed: Command, encrypted_template: EncryptedTemplate) -> None:
    result = installed.run("import", "directory", str(PAGE), "--user", "manager", "--dry-run")

    assert result.returncode == 1, result.stderr
    with _opened(installed, encrypted_template) as database, database.read_session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.username, event.detail) == (
        "directory_import_dry_run",
        "manager",
        "dry run; file=page.json; would_add=3; would_update=0; flagged=2; skipped=4; unmapped_terms=2",
    )
    assert counts(installed, encrypted_template) == (0, 0)


def test_the_directory_export_is_never_written_over_the_database(
    installed: Command, encrypted_template: EncryptedTemplate
) -> None:
    before = installed.database_file.read_bytes()

    result = installed.run("export", "directory", str(installed.database_file), "--page", "--user", "manager")

    assert result.returncode == 2
    assert result.stderr == (
        f"linkworker: {installed.database_file} is Linkworker's database: choose another file. "
        "Nothing was written.\n"
    )
    assert installed.database_file.read_bytes() == before
