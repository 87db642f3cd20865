"""The everyday flow of issue 15 on real widgets: finding a case by its number in the caseload
and the Network area; finding a person by a family name with a slip in it; a call that reached
the person making a referred case contacted; referring someone with an open case, warned and
offered that case; closing a case opened in error."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.casework import ContactKind
from linkworker.domain.intake import PersonDetails
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.casework import move_status
from linkworker.services.cases.people import create_person
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Patient, Referral
from linkworker.ui.cases.case_dialogs import AddContactDialog, MoveStatusDialog
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.caseload_view import CaseloadView
from linkworker.ui.cases.referral_form import NewReferralView
from linkworker.ui.network.network_view import NetworkView
from linkworker.ui.shell.main_window import MainWindow
from tests.services.casework_builder import new_case, synthetic_nhs_number
from tests.ui.caseload_cases import Made, is_open, make_cases

BORN = date(1962, 8, 23)


@pytest.fixture
def cases(sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> list[Made]:
    return make_cases(sqlite_database, sqlite_actors, 30)


def _shown(view: CaseloadView) -> list[int]:
    return [view.model.row_at(row).referral_id for row in range(view.model.rowCount())]


def _type_search(view: CaseloadView, qtbot: QtBot, text: str) -> None:
    """Type into the search box as a user does, then wait for the list to be asked again."""
    view.search.clear()
    with qtbot.waitSignal(view.model.modelReset, timeout=3000):
        qtbot.keyClicks(view.search, text)


@pytest.mark.parametrize("typed", ["LW-{id:06d}", "lw{id}", "{id}"])
def test_typing_a_case_number_in_my_caseload_shows_that_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], cases: list[Made], typed: str
) -> None:
    """An ended case someone else holds: the number finds it from my open cases all the same."""
    wanted = next(case for case in cases if not is_open(case) and case.worker != "Wren Worker")
    view = CaseloadView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    assert wanted.id not in _shown(view)
    _type_search(view, qtbot, typed.format(id=wanted.id))
    assert _shown(view) == [wanted.id]
    assert view.count_label.text() == "1 case"
    assert not view.search_message.isVisible()
    view.table.setFocus()
    view.table.selectRow(0)
    with qtbot.waitSignal(view.case_requested) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [wanted.id]


def test_typing_a_case_number_in_the_network_area_shows_that_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], cases: list[Made]
) -> None:
    wanted = next(case for case in cases if case.worker is None and is_open(case))
    view = NetworkView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.refresh()
    assert view.tabs is not None and view.cases is not None
    view.tabs.setCurrentWidget(view.cases)
    _type_search(view.cases, qtbot, f"LW-{wanted.id:06d}")
    assert _shown(view.cases) == [wanted.id]
    assert "case number" in view.cases.search.placeholderText()


def _label_of(view: QWidget, editor: QWidget) -> str:
    """The text of the label that names ``editor`` (its buddy), as a user reads it."""
    [label] = [label for label in view.findChildren(QLabel) if label.buddy() is editor]
    return label.text().replace("&", "")


def _hint_under(view: QWidget, editor: QWidget) -> str:
    """The hint shown under ``editor``: the next label down in its column of the form."""
    below = [
        label
        for label in view.findChildren(QLabel)
        if label.isVisible()
        and label.objectName() == "fieldHint"
        and abs(
            label.mapTo(view, label.rect().topLeft()).x() - editor.mapTo(view, editor.rect().topLeft()).x()
        )
        < 4
        and 0
        < label.mapTo(view, label.rect().topLeft()).y() - editor.mapTo(view, editor.rect().topLeft()).y()
        < 60
    ]
    return below[0].text() if below else ""


def test_a_family_name_with_a_slip_and_the_date_of_birth_find_the_person(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    """ "Sing" and the date of birth, no given name: Harpreet Singh is shown; the labels say the
    family name is the other way to search, the given name may be left out, the birthday not."""
    worker = sqlite_actors[Role.LINK_WORKER]
    with sqlite_database.session() as session:
        create_person(session, worker, PersonDetails(synthetic_nhs_number(), "Harpreet", "Singh", BORN))
    view = NewReferralView(Workspace(sqlite_database, worker))
    qtbot.addWidget(view)
    view.resize(1176, 708)
    view.show()
    assert _label_of(view, view.search_family_name) == "Or family name:"
    assert _label_of(view, view.search_given_name) == "Given name:"
    assert _hint_under(view, view.search_given_name).startswith("Optional")
    assert _hint_under(view, view.search_date_of_birth).startswith("Needed with a name")
    view.search_nhs_number.setFocus()
    qtbot.keyClick(view.search_nhs_number, Qt.Key.Key_Tab)
    assert view.focusWidget() is view.search_family_name  # the other way to search comes next
    qtbot.keyClicks(view.search_family_name, "Sing")
    qtbot.keyClicks(view.search_date_of_birth, f"{BORN:%d/%m/%Y}")
    qtbot.keyClick(view.search_date_of_birth, Qt.Key.Key_Return)
    model = view.matches
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == "Harpreet Singh"
    assert model.data(model.index(0, model.columnCount() - 1)) == (
        "Same date of birth, similar family name (89%)"
    )


@pytest.mark.parametrize(("kind", "status"), [("phone", "Contacted"), ("unable_to_contact", "Referred")])
def test_a_contact_saved_in_its_dialog_moves_a_referred_case_only_when_it_reached_them(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], kind: str, status: str
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = new_case(sqlite_database, worker, received_days_ago=3)
    view = CaseView(Workspace(sqlite_database, worker), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    assert view.status.text().startswith("Referred since ")
    qtbot.mouseClick(view.contact_button, Qt.MouseButton.LeftButton)
    [dialog] = [dialog for dialog in view.findChildren(AddContactDialog) if dialog.isVisible()]
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind(kind)))
    dialog.minutes.setFocus()
    dialog.minutes.selectAll()
    qtbot.keyClicks(dialog.minutes, "15")
    assert dialog.minutes.value() == 15
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert view.status.text().startswith(f"{status} since ")
    with sqlite_database.session() as session:
        assert session.get(Referral, case).status == status.lower()  # type: ignore[union-attr]


def _referral_form(qtbot: QtBot, database: Database, worker: Actor) -> NewReferralView:
    view = NewReferralView(Workspace(database, worker))
    qtbot.addWidget(view)
    view.resize(1176, 708)
    view.show()
    qtbot.waitExposed(view)
    return view


def _find_and_use(qtbot: QtBot, view: NewReferralView, family: str, born: date) -> None:
    qtbot.keyClicks(view.search_family_name, family)
    qtbot.keyClicks(view.search_date_of_birth, f"{born:%d/%m/%Y}")
    qtbot.keyClick(view.search_date_of_birth, Qt.Key.Key_Return)
    assert view.matches.rowCount() == 1
    qtbot.mouseClick(view.use_button, Qt.MouseButton.LeftButton)


def _fill_referral(qtbot: QtBot, view: NewReferralView) -> None:
    view.referring_practice.setCurrentIndex(view.referring_practice.findData("G99001"))
    view.source.setCurrentIndex(view.source.findData("gp"))
    item = view.needs.item(0)
    item.setCheckState(Qt.CheckState.Checked)


def _referrals_of(database: Database, family: str) -> int:
    with database.session() as session:
        return len(
            session.scalars(select(Referral.id).join(Patient).where(Patient.family_name == family)).all()
        )


def test_referring_someone_with_an_open_case_warns_and_offers_to_open_it(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = new_case(sqlite_database, worker, family_name="Okonjo", received_days_ago=12)
    view = _referral_form(qtbot, sqlite_database, worker)
    assert not view.open_case_warning.isVisible()
    _find_and_use(qtbot, view, "Okonjo", date(1948, 11, 2))
    assert view.open_case_warning.isVisible()
    warning = view.open_case_warning_text.text()
    assert f"Orla Okonjo already has an open case: LW-{case:06d} (referred, received " in warning
    assert "not assigned yet" in warning
    assert view.open_case_button.text().replace("&", "") == "Open the existing case"
    assert view.refer_anyway_button.text().replace("&", "") == "Refer anyway"
    assert view.focusWidget() is view.open_case_button

    # Saving without an answer does not save: the warning stays, and says why.
    _fill_referral(qtbot, view)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert _referrals_of(sqlite_database, "Okonjo") == 1
    assert view.open_case_warning.isVisible()
    assert "already has an open case" in view.status.text()

    with qtbot.waitSignal(view.case_requested) as opened:
        qtbot.mouseClick(view.open_case_button, Qt.MouseButton.LeftButton)
    assert opened.args == [case]
    assert _referrals_of(sqlite_database, "Okonjo") == 1


def test_refer_anyway_saves_a_second_referral(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    new_case(sqlite_database, worker, family_name="Okonjo", received_days_ago=12)
    view = _referral_form(qtbot, sqlite_database, worker)
    _find_and_use(qtbot, view, "Okonjo", date(1948, 11, 2))
    qtbot.mouseClick(view.refer_anyway_button, Qt.MouseButton.LeftButton)
    assert not view.open_case_warning.isVisible()
    _fill_referral(qtbot, view)
    with qtbot.waitSignal(view.referral_created):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert _referrals_of(sqlite_database, "Okonjo") == 2


def test_a_person_whose_cases_have_all_ended_is_referred_without_a_warning(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = new_case(sqlite_database, worker, family_name="Okonjo", received_days_ago=12)
    with sqlite_database.session() as session:
        referral = session.get(Referral, case)
        assert referral is not None
        version = referral.version_id
    with sqlite_database.session() as session:
        move_status(session, worker, case, version, CaseStatus.CLOSED, ClosingReason.GOALS_MET)
    view = _referral_form(qtbot, sqlite_database, worker)
    _find_and_use(qtbot, view, "Okonjo", date(1948, 11, 2))
    assert not view.open_case_warning.isVisible()
    _fill_referral(qtbot, view)
    with qtbot.waitSignal(view.referral_created):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)


def test_a_case_opened_in_error_is_closed_so_from_the_case(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = new_case(sqlite_database, worker, received_days_ago=1)
    view = CaseView(Workspace(sqlite_database, worker), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    [dialog] = [dialog for dialog in view.findChildren(MoveStatusDialog) if dialog.isVisible()]
    reason = dialog.reason.findText("Opened in error")
    assert reason >= 0, "offered among the reasons to close"
    dialog.reason.setCurrentIndex(reason)
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert view.status.text().startswith("Closed: opened in error since ")
    with sqlite_database.session() as session:
        referral = session.get(Referral, case)
        assert referral is not None
        assert (referral.status, referral.closing_reason) == ("closed", "opened_in_error")


def test_open_the_existing_case_opens_it_in_the_cases_area(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = new_case(sqlite_database, worker, family_name="Okonjo", received_days_ago=12)
    window = MainWindow(Workspace(sqlite_database, worker))
    qtbot.addWidget(window)
    window.show()
    window.show_area(window.area_titles().index("New referral"))
    form = window.view("New referral")
    assert form is not None and window.cases is not None
    _find_and_use(qtbot, form, "Okonjo", date(1948, 11, 2))
    qtbot.mouseClick(form.open_case_button, Qt.MouseButton.LeftButton)
    assert window.navigation.currentItem().text() == "Cases"
    assert window.cases.open_referral_ids() == [case]
