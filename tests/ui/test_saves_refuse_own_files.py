"""No save from a screen replaces Linkworker's own data (issue 13, safe files out): the monthly
summary (PDF and CSV), rejected referral rows and the import template, the calendar file, the
audit trail export and the directory export, each aimed at the open database, its journals, its
key slots or a link to the database, is refused with a plain message (``Location.is_own_file``),
says nothing was saved, audits no export, and the database still opens from the disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent
from linkworker.ui.administration.audit_tab import AuditTab
from linkworker.ui.cases.calendar_export_dialog import CalendarExportDialog
from linkworker.ui.cases.import_view import ImportView
from linkworker.ui.directory.directory_import_view import DirectoryImportView
from linkworker.ui.summary.summary_view import SummaryView
from linkworker.ui.widgets.jobs import Job
from linkworker.ui.widgets.saved_file import SavedFileNotice
from tests.helpers.own_files import assert_still_opens, database_file, own_files
from tests.interchange.files import csv_bytes, row
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages

WAIT_MS = 30_000
OWN_DATA = "is Linkworker's own data"

Save = Callable[[Path], object]


def targets(database: Database, tmp_path: Path, suffix: str) -> list[Path]:
    """Every file of the database, and a harmless-looking name linked to it."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    link = tmp_path / f"looks-harmless{suffix}"
    link.symlink_to(database_file(database))
    return [*own_files(database), link]


def exports(database: Database) -> list[str]:
    """The saves and exports the audit trail holds: none, when every one was refused."""
    with database.read_session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    return [a for a in actions if "export" in a or "saved" in a or a.startswith("summary_")]


def wait(qtbot: QtBot, outcome: object) -> None:
    """A save run in the background: wait until it has ended."""
    if isinstance(outcome, Job):
        with qtbot.waitSignal(outcome.finished, timeout=WAIT_MS):
            pass


def refuses_every_own_file(
    qtbot: QtBot,
    database: Database,
    messages: Messages,
    tmp_path: Path,
    save: Save,
    notice: SavedFileNotice,
    suffix: str,
) -> None:
    file = database_file(database)
    before, audited = file.read_bytes(), exports(database)
    for target in targets(database, tmp_path, suffix):
        wait(qtbot, save(target))
        [said] = messages.texts()
        assert f"{target.name} {OWN_DATA}" in said, said
        messages.close_all()
        assert not notice.isVisible(), target
    assert file.read_bytes() == before
    assert exports(database) == audited
    assert_still_opens(database)


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """Own files are those of an encrypted file on this computer."""
    return sqlite_database


@pytest.fixture
def actors(sqlite_actors: dict[Role, Actor]) -> dict[Role, Actor]:
    return sqlite_actors


def test_the_summary_is_never_saved_over_the_database(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], messages: Messages, tmp_path: Path
) -> None:
    new_case(database, actors[Role.LINK_WORKER])
    view = SummaryView(Workspace(database, actors[Role.MANAGER]))
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.made, timeout=WAIT_MS):
        view.make_button.click()
    refuses_every_own_file(qtbot, database, messages, tmp_path / "pdf", view.save_pdf_to, view.saved, ".pdf")
    refuses_every_own_file(qtbot, database, messages, tmp_path / "csv", view.save_csv_to, view.saved, ".csv")


@pytest.fixture
def import_view(qtbot: QtBot, database: Database, actors: dict[Role, Actor], tmp_path: Path) -> ImportView:
    view = ImportView(Workspace(database, actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.show()
    referrals = tmp_path / "referrals.csv"
    referrals.write_bytes(csv_bytes([row(0), row(1, **{"Date of birth": "31/02/1970"})]))
    wait(qtbot, view.load(referrals))
    assert view.preview is not None and view.preview.rejected
    return view


def test_rejected_rows_are_never_saved_over_the_database(
    qtbot: QtBot, database: Database, import_view: ImportView, messages: Messages, tmp_path: Path
) -> None:
    folder = tmp_path / "rejected"
    refuses_every_own_file(
        qtbot, database, messages, folder, import_view.save_rejected, import_view.saved, ".csv"
    )


def test_the_template_is_never_saved_over_the_database(
    qtbot: QtBot, database: Database, import_view: ImportView, messages: Messages, tmp_path: Path
) -> None:
    folder = tmp_path / "template"
    refuses_every_own_file(
        qtbot, database, messages, folder, import_view.save_template, import_view.saved, ".csv"
    )


def test_the_calendar_is_never_saved_over_the_database(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], messages: Messages, tmp_path: Path
) -> None:
    dialog = CalendarExportDialog(Workspace(database, actors[Role.LINK_WORKER]))
    qtbot.addWidget(dialog)
    dialog.show()
    refuses_every_own_file(qtbot, database, messages, tmp_path, dialog.export_to, dialog.saved, ".ics")


def test_the_audit_trail_is_never_exported_over_the_database(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], messages: Messages, tmp_path: Path
) -> None:
    tab = AuditTab(Workspace(database, actors[Role.ADMIN]))
    qtbot.addWidget(tab)
    tab.show()
    refuses_every_own_file(qtbot, database, messages, tmp_path, tab.export_to, tab.saved, ".csv")
    assert tab.status.text() == "Nothing was exported."


def test_the_directory_is_never_exported_over_the_database(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], messages: Messages, tmp_path: Path
) -> None:
    view = DirectoryImportView(Workspace(database, actors[Role.MANAGER]))
    qtbot.addWidget(view)
    view.show()
    refuses_every_own_file(qtbot, database, messages, tmp_path, view.export, view.saved, ".json")
