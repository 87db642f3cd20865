"""The import screen: a file checked in the background, every rejected row shown with its line and
reason, rejected rows saved to fix, the valid rows imported with progress, and cancel."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain.nhs_number import formatted, synthetic_numbers
from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import read_referral_file
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Referral
from linkworker.ui.cases.import_view import ImportView
from linkworker.ui.widgets.jobs import Job
from tests.interchange.files import HEADER, csv_bytes, row
from tests.ui.conftest import Messages

WAIT_MS = 20_000
MIXED = [row(0), row(1, **{"Date of birth": "31/02/1970"}), row(2), row(3, **{"Practice code": "G99009"})]


def view_for(qtbot: QtBot, database: Database, actors: dict[Role, Actor]) -> ImportView:
    view = ImportView(Workspace(database, actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    return view


def written(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_bytes(csv_bytes(rows))
    return path


def finish(qtbot: QtBot, job: Job[object] | None) -> None:
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass


def referrals(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Referral)) or 0


def table_rows(view: ImportView) -> list[tuple[str, ...]]:
    model = view.problem_table.model()
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())
    ]


def headings(view: ImportView) -> list[str]:
    model = view.problem_table.model()
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_a_checked_file_shows_each_rejected_row_and_what_importing_would_do(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    assert not view.import_button.isEnabled() and not view.save_button.isEnabled()

    finish(qtbot, view.load(written(tmp_path / "referrals.csv", MIXED)))

    assert headings(view) == ["Line", "Person", "Problem"]
    assert table_rows(view) == [
        (
            "3",
            "B.M., born 31/02/1970",
            "Date of birth: There is no such date: check the day and month of the date of birth.",
        ),
        ("5", "D.D., born 04/04/1943", "Practice code: G99009 is not a practice of this PCN."),
    ]
    shown = " ".join(" ".join(cells) for cells in table_rows(view))
    assert "Mockford" not in shown and "Bram" not in shown, "never a name on the screen"
    assert "Ready to import: 2 referrals (2 new people, 0 people already recorded)." in view.summary.text()
    assert view.import_button.text() == "&Import 2 referrals" and view.import_button.isEnabled()
    assert view.save_button.isEnabled() and view.choose_button.isEnabled()
    assert view.progress.isHidden() and view.cancel_button.isHidden()
    assert view.status.text() == "Checked: nothing has been imported yet."
    assert referrals(sqlite_database) == 0


def test_rejected_rows_are_saved_to_fix_and_import_again(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    finish(qtbot, view.load(written(tmp_path / "referrals.csv", MIXED)))
    target = tmp_path / "rejected.csv"

    assert view.save_rejected(target) == 2

    saved = read_referral_file(target)
    assert saved.header == ("Problem", *HEADER)
    assert [r.cells[0] for r in saved.rows] == [problem for _line, _who, problem in table_rows(view)]
    assert view.saved.isVisible()
    assert view.saved.text() == (
        f"Saved to {target}. 2 rejected rows, each with its problem: fix them there, then import that file."
    )


def test_one_of_each_reads_in_the_singular(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    finish(qtbot, view.load(written(tmp_path / "referrals.csv", MIXED[:2])))
    assert view.import_button.text() == "&Import 1 referral"
    assert "Ready to import: 1 referral (1 new person, 0 people already recorded)." in view.summary.text()
    assert view.save_rejected(tmp_path / "rejected.csv") == 1
    assert view.saved.text().startswith(f"Saved to {tmp_path / 'rejected.csv'}. 1 rejected row, with its")

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS):
        view.start_import()
    assert view.status.text() == (
        "Imported 1 referral (1 new person). 0 rows were left out as imported before; 1 row was rejected."
    )


def test_a_template_with_the_accepted_headings_is_saved_and_its_place_said(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    assert view.template_button.text() == "Save a temp&late…" and view.template_button.isEnabled()
    target = tmp_path / "referral template.csv"

    assert view.save_template(target)

    template = read_referral_file(target)
    assert template.rows == () and template.ignored == ()
    assert template.header[:4] == (
        "NHS number (required)",
        "Given name (required)",
        "Family name (required)",
        "Date of birth (required, dd/mm/yyyy)",
    )
    assert view.saved.isVisible()
    assert view.saved.text() == (
        f"Saved to {target}. The template has the headings the import reads: fill in one referral a "
        "row, then choose the file to import it."
    )

    finish(qtbot, view.load(target))  # an empty template is checked like any file
    assert "Ready to import: 0 referrals" in view.summary.text()


def test_a_template_that_cannot_be_saved_is_said_in_a_message(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    assert not view.save_template(tmp_path / "no such folder" / "template.csv")
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "cannot be written" in messages.texts()[0]
    assert not view.saved.isVisible()


def test_importing_runs_in_the_background_then_reports_and_signals_the_count(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    finish(qtbot, view.load(written(tmp_path / "referrals.csv", MIXED)))

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS) as imported:
        job = view.start_import()
        assert view.progress.isVisible() and view.cancel_button.isVisible()
        assert not view.import_button.isEnabled() and not view.choose_button.isEnabled()
    assert job is not None and not job.running

    assert imported.args == [2]
    assert referrals(sqlite_database) == 2
    expected = (
        "Imported 2 referrals (2 new people). 0 rows were left out as imported before; 2 rows were rejected."
    )
    assert messages.texts() == [expected]
    assert view.status.text() == expected
    assert not view.import_button.isEnabled(), "the same preview is not imported twice"
    assert view.save_button.isEnabled(), "its rejected rows can still be saved"

    finish(qtbot, view.load(tmp_path / "referrals.csv"))
    assert "Left out, imported before or repeated in the file: 2 (lines 2, 4)." in view.summary.text()
    assert view.import_button.text() == "&Import 0 referrals" and not view.import_button.isEnabled()


def test_cancelling_an_import_writes_nothing(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], tmp_path: Path
) -> None:
    numbers = list(islice(synthetic_numbers(500_000), 300))
    rows = [row(0, **{"NHS number": formatted(number)}) for number in numbers]
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    finish(qtbot, view.load(written(tmp_path / "many.csv", rows)))
    assert view.import_button.text() == "&Import 300 referrals"
    signalled: list[int] = []
    view.imported.connect(signalled.append)

    job = view.start_import()
    view.cancel_button.click()
    finish(qtbot, job)

    assert view.status.text() == "The import was cancelled: nothing was imported."
    assert referrals(sqlite_database) == 0 and signalled == []
    assert view.import_button.isEnabled(), "the checked file can still be imported"


def test_a_file_that_cannot_be_read_is_explained_and_nothing_can_be_imported(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    view = view_for(qtbot, sqlite_database, sqlite_actors)

    finish(qtbot, view.load(empty))

    [box] = messages.boxes()
    assert (box.windowTitle(), box.text()) == ("Check the referral file: not done", "The file is empty.")
    assert view.status.text() == "The file is empty."
    assert not view.import_button.isEnabled() and not view.save_button.isEnabled()
    assert table_rows(view) == []
