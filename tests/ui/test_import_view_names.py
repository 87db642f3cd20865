"""The import screen with rows under another name: each is listed for a decision, the import waits
until every one is decided, an attached row records the person's new name and a rejected one goes
to the rejected rows with the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.intake import PersonDetails
from linkworker.domain.roles import Role
from linkworker.interchange.referral_csv import read_referral_file
from linkworker.services.actor import Actor
from linkworker.services.cases.people import create_person
from linkworker.store.database import Database
from linkworker.store.models import Patient, PersonNameChange
from linkworker.ui.cases.import_view import ImportView
from tests.interchange.files import NUMBERS, row
from tests.ui.conftest import Messages
from tests.ui.test_import_view import WAIT_MS, finish, view_for, written

ROWS = [
    row(0, **{"Date of birth": "01/01/1940", "Surname": "Hale"}),  # line 2: Ada Testwell under another name
    row(1),  # line 3: a new person
    row(2, **{"Surname": "Quinn"}),  # line 4: Cleo Samplewood under another name
]


def record_people(database: Database, actor: Actor) -> None:
    with database.session() as session:
        create_person(session, actor, PersonDetails(NUMBERS[0], "Ada", "Testwell", date(1940, 1, 1)))
        create_person(session, actor, PersonDetails(NUMBERS[2], "Cleo", "Samplewood", date(1942, 3, 3)))


def decisions(view: ImportView) -> list[tuple[str, ...]]:
    model = view.name_model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())
    ]


def access_keys(view: ImportView) -> list[str]:
    """The access keys of the buttons and labels on screen."""
    texts = [w.text() for w in view.findChildren(QAbstractButton) if w.isVisibleTo(view)] + [
        w.text() for w in view.findChildren(QLabel) if w.isVisibleTo(view) and w.buddy() is not None
    ]
    return [text.split("&")[1][0].lower() for text in texts if "&" in text]


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_rows_under_another_name_are_decided_then_imported_with_the_new_name_recorded(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    tmp_path: Path,
    messages: Messages,
) -> None:
    record_people(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    view = view_for(qtbot, sqlite_database, sqlite_actors)
    assert view.name_section.isHidden()

    finish(qtbot, view.load(written(tmp_path / "referrals.csv", ROWS)))

    assert view.name_section.isVisible()
    assert decisions(view) == [
        ("2", "Ada Hale", "Ada Testwell", "To decide"),
        ("4", "Cleo Quinn", "Cleo Samplewood", "To decide"),
    ]
    assert (
        "Another name for a recorded person (the same NHS number and date of birth): 2" in view.summary.text()
    )
    assert view.import_button.text() == "&Import 1 referral" and not view.import_button.isEnabled()
    assert view.undecided_label.text() == "Decide each row above before importing: 2 still to decide."
    assert view.start_import() is None, "nothing is imported while a row waits for a decision"
    keys = access_keys(view)
    assert {"t", "j", "d"} <= set(keys) and len(keys) == len(set(keys)), sorted(keys)

    click(qtbot, view.attach_button)  # the first row is selected
    assert [d[-1] for d in decisions(view)] == ["Attach: a change of name", "To decide"]
    assert view.name_table.selectionModel().selectedRows()[0].row() == 1, "on to the next to decide"
    assert view.import_button.text() == "&Import 2 referrals" and not view.import_button.isEnabled()
    click(qtbot, view.reject_button)

    assert [d[-1] for d in decisions(view)] == ["Attach: a change of name", "Reject"]
    assert view.undecided_label.text() == "" and view.import_button.isEnabled()
    target = tmp_path / "rejected.csv"
    assert view.save_rejected(target) == 1
    [saved] = read_referral_file(target).rows
    assert saved.cells[0].startswith("Same NHS number and date of birth, recorded as Cleo Samplewood")

    with qtbot.waitSignal(view.imported, timeout=WAIT_MS) as imported:
        view.start_import()
    assert imported.args == [2]
    assert messages.texts() == [
        "Imported 2 referrals (1 new person). 1 new name recorded. 0 rows were left out as imported "
        "before; 1 row was rejected."
    ]
    assert not view.attach_button.isEnabled() and not view.reject_button.isEnabled()
    with sqlite_database.session() as session:
        names = session.execute(
            select(Patient.nhs_number, Patient.given_name, Patient.family_name).order_by(Patient.id)
        ).all()
        changes = session.execute(
            select(PersonNameChange.old_family_name, PersonNameChange.new_family_name)
        ).all()
    assert [tuple(name) for name in names][:2] == [
        (NUMBERS[0], "Ada", "Hale"),
        (NUMBERS[2], "Cleo", "Samplewood"),
    ]
    assert [tuple(change) for change in changes] == [("Testwell", "Hale")]
