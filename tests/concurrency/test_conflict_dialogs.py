"""The screens when two people change the same case from two computers: the refused form stays
open with the user's input and says what the other person did; saving again applies it."""

from __future__ import annotations

from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import CaseHeader, open_case
from linkworker.services.cases.casework import PlanText
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.case_dialogs import AssignWorkerDialog, MoveStatusDialog
from linkworker.ui.cases.case_view import CaseView
from tests.concurrency.conftest import Desk
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
D = TypeVar("D", bound=QWidget)


@pytest.fixture
def view(qtbot: QtBot, wren: Desk, case: int) -> CaseView:
    """Wren's screen on the case."""
    view = CaseView(Workspace(wren.database, wren.actor), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    return view


def shown(view: CaseView, kind: type[D]) -> D:
    [dialog] = [dialog for dialog in view.findChildren(kind) if dialog.isVisible()]
    return dialog


def current(desk: Desk, case: int) -> CaseHeader:
    with desk.database.read_session() as session:
        return open_case(session, desk.actor, case, reopened=True).header


def refused_with(qtbot: QtBot, messages: Messages, dialog_save: QWidget) -> str:
    """Press save; the message box's text, once closed."""
    qtbot.mouseClick(dialog_save, CLICK)
    qtbot.waitUntil(lambda: bool(messages.texts()))
    [box] = messages.boxes()
    text = box.text()
    assert box.windowTitle().endswith(": changed by someone else")
    messages.close_all()
    return text


def at(header: CaseHeader) -> str:
    return f"at {header.status_since.astimezone():%H:%M}"


def test_a_closing_refused_over_anothers_move_keeps_the_choice_and_applies_it_again(
    qtbot: QtBot, view: CaseView, wren: Desk, ana: Desk, case: int, messages: Messages
) -> None:
    view.change_status(CaseStatus.CLOSED)
    dialog = shown(view, MoveStatusDialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData(ClosingReason.MOVED_AWAY))
    with ana.database.session() as session:  # meanwhile, at another practice
        theirs = casework.move_status(
            session, ana.actor, case, current(ana, case).version, CaseStatus.ASSESSED
        )

    with qtbot.waitSignal(dialog.overtaken) as overtaken:
        text = refused_with(qtbot, messages, dialog.save_button)
    assert text.startswith(
        f"Someone else changed this case after you opened it: Ana Worker moved it to Assessed {at(theirs)}. "
        "Your change was not saved"
    )
    assert overtaken.args is not None and overtaken.args[0].status is CaseStatus.ASSESSED
    assert dialog.isVisible()
    assert (dialog.target(), dialog.chosen_reason()) == (CaseStatus.CLOSED, ClosingReason.MOVED_AWAY)
    assert dialog.changed_meanwhile.isVisible()
    assert dialog.changed_meanwhile.text() == (
        f"Someone else changed this case after you opened it: Ana Worker moved it to Assessed {at(theirs)}.\n"
        "Your choice (closed) is kept: save to apply it over their change, or cancel to leave theirs."
    )
    assert current(wren, case).status is CaseStatus.ASSESSED  # nothing of Wren's written
    assert view.header().status is CaseStatus.ASSESSED  # the screen behind shows Ana's move at once

    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    saved = current(wren, case)
    assert (saved.status, saved.closing_reason) == (CaseStatus.CLOSED, ClosingReason.MOVED_AWAY)
    assert view.status.text().startswith("Closed: moved away since ")


def test_a_move_no_longer_open_from_where_the_case_is_asks_for_a_new_choice(
    qtbot: QtBot, view: CaseView, ana: Desk, case: int, messages: Messages
) -> None:
    view.change_status()
    dialog = shown(view, MoveStatusDialog)
    dialog.status.setCurrentIndex(dialog.status.findData(CaseStatus.CONTACTED))
    with ana.database.session() as session:
        casework.move_status(session, ana.actor, case, current(ana, case).version, CaseStatus.ASSESSED)

    refused_with(qtbot, messages, dialog.save_button)
    assert dialog.changed_meanwhile.text().endswith(
        "\nContacted is not a move from assessed: choose again, or cancel."
    )
    assert dialog.target() is None
    assert [dialog.status.itemData(i) for i in range(dialog.status.count())] == [
        CaseStatus.CONNECTED,
        CaseStatus.CLOSED,
        CaseStatus.DECLINED,
        CaseStatus.NOT_CONTACTABLE,
    ]
    qtbot.mouseClick(dialog.save_button, CLICK)  # nothing chosen: said beside the field
    assert dialog.isVisible() and not messages.texts()
    dialog.status.setCurrentIndex(dialog.status.findData(CaseStatus.CONNECTED))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert view.status.text().startswith("Connected since ")


def test_an_assignment_refused_over_anothers_keeps_the_choice_and_applies_it_again(
    qtbot: QtBot, view: CaseView, wren: Desk, ana: Desk, case: int, messages: Messages
) -> None:
    qtbot.mouseClick(view.assign_button, CLICK)
    dialog = shown(view, AssignWorkerDialog)
    dialog.worker.setCurrentIndex(dialog.worker.findData(wren.actor.user_id))
    with ana.database.session() as session:
        casework.assign_worker(session, ana.actor, case, current(ana, case).version, ana.actor.user_id)

    text = refused_with(qtbot, messages, dialog.save_button)
    assert text.startswith(
        "Someone else changed this case after you opened it: Ana Worker gave it to Ana Worker at "
    )
    assert dialog.worker.currentText() == "Wren Worker"
    assert dialog.changed_meanwhile.text().endswith(
        "\nYour choice (Wren Worker) is kept: save to apply it over their change, or cancel to leave theirs."
    )
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert current(wren, case).assigned_worker == "Wren Worker"
    assert "Link worker: Wren Worker" in view.facts.text()


def test_a_case_ended_meanwhile_leaves_nothing_to_save(
    qtbot: QtBot, view: CaseView, ana: Desk, case: int, messages: Messages
) -> None:
    qtbot.mouseClick(view.assign_button, CLICK)
    dialog = shown(view, AssignWorkerDialog)
    dialog.worker.setCurrentIndex(dialog.worker.findData(ana.actor.user_id))
    with ana.database.session() as session:
        casework.move_status(
            session, ana.actor, case, current(ana, case).version, CaseStatus.CLOSED, ClosingReason.DIED
        )
    text = refused_with(qtbot, messages, dialog.save_button)
    assert "Ana Worker closed it (died) at " in text
    assert dialog.changed_meanwhile.text().endswith(
        "\nThe case has ended, so there is nothing more to change here."
    )
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, CLICK)
    assert view.status.text().startswith("Closed: died since ")


def test_a_plan_refused_over_anothers_keeps_the_text_typed_and_saves_it_again(
    qtbot: QtBot, view: CaseView, wren: Desk, ana: Desk, case: int, messages: Messages
) -> None:
    plan = view.plan
    view.tabs.setCurrentWidget(plan)
    qtbot.keyClicks(plan.editors["goals"], "Join the choir")
    with ana.database.session() as session:
        theirs = casework.save_support_plan(session, ana.actor, case, PlanText("", "Meet people", ""), 0)
    assert theirs.updated_at is not None

    text = refused_with(qtbot, messages, plan.save_button)
    assert text.startswith(
        "Someone else changed this support plan after you opened it: "
        f"Ana Worker saved it at {theirs.updated_at.astimezone():%H:%M}. Your change was not saved"
    )
    assert plan.editors["goals"].toPlainText() == "Join the choir"
    assert plan.conflict.isVisible() and "Goals now reads:\nMeet people" in plan.theirs.text()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(plan.save_button, CLICK)
    with wren.database.read_session() as session:
        saved = open_case(session, wren.actor, case, reopened=True).plan
    assert (saved.goals, saved.updated_by, saved.version) == ("Join the choir", "Wren Worker", 2)
