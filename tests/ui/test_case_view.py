"""The case record screen on real widgets and a real database: what it shows, and each change a
link worker makes from it, through its dialog, refused beside the field or saved and shown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.measures import Ons4Question
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import open_case
from linkworker.services.cases.casework import PlanText
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent
from linkworker.ui.cases.case_dialogs import (
    AddContactDialog,
    AddNoteDialog,
    AssignWorkerDialog,
    MoveStatusDialog,
    PlanReviewDialog,
    RecordMeasureDialog,
)
from linkworker.ui.cases.case_view import CaseView
from tests.services.casework_builder import (
    connection,
    new_case,
    past_contact,
    past_measure,
    past_note,
    past_status,
)
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """The window is the subject here; the services are checked on both databases elsewhere."""
    return sqlite_database


@pytest.fixture
def actors(sqlite_actors: dict[Role, Actor]) -> dict[Role, Actor]:
    return sqlite_actors


@pytest.fixture
def worker(actors: dict[Role, Actor]) -> Actor:
    return actors[Role.LINK_WORKER]


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    return new_case(database, worker, received_days_ago=30)


def open_view(qtbot: QtBot, database: Database, actor: Actor, case: int) -> CaseView:
    view = CaseView(Workspace(database, actor), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    return view


@pytest.fixture
def view(qtbot: QtBot, database: Database, worker: Actor, case: int) -> CaseView:
    return open_view(qtbot, database, worker, case)


D = TypeVar("D", bound=QDialog)


def shown(view: CaseView, kind: type[D]) -> D:
    """The dialog of this kind on screen now (one closed before may not be deleted yet)."""
    [dialog] = [dialog for dialog in view.findChildren(kind) if dialog.isVisible()]
    return dialog


def rows(model, column: int) -> list[str]:
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def actions(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def version(database: Database, actor: Actor, case: int) -> int:
    with database.session() as session:
        return open_case(session, actor, case, reopened=True).header.version


def test_the_header_timeline_and_tabs_show_the_case(qtbot: QtBot, database: Database, worker: Actor) -> None:
    case = new_case(database, worker, received_days_ago=30)
    past_status(database, case, worker, 25, CaseStatus.CONTACTED)
    past_contact(database, case, worker, 25, ContactKind.HOME_VISIT)
    past_note(database, case, worker, 5, "Prefers calls before 11.")
    connection(database, case, worker, 10, status=ConnectionStatus.ATTENDED)
    view = open_view(qtbot, database, worker, case)

    assert view.name.text() == "Orla Fenwick-Hale"
    assert view.case_number.text() == f"LW-{case:06d}"
    assert view.status.text().startswith("Contacted since ")
    facts = view.facts.text()
    assert "NHS 999 " in facts and "Age " in facts
    assert "Referred by Riverside Surgery" in facts and "Link worker: not assigned" in facts
    assert view.waiting.text().endswith("(30 days ago)")
    timeline = view.timeline[0]
    assert rows(timeline, 1) == [
        "Note",
        "Attended Men in Sheds",
        "Referred to Men in Sheds",
        "Contact: home visit",
        "Status: contacted",
        "Status: referred",
    ]
    assert rows(timeline, 3)[0] == "Prefers calls before 11."
    assert view.tabs.tabText(view.tabs.indexOf(view.contacts[1])) == "Cont&acts (1)"
    assert view.tabs.tabText(view.tabs.indexOf(view.connections)) == "Conn&ections (1)"
    assert rows(view.connections.model, 2) == ["Referred"]
    assert rows(view.connections.model, 4) == [f"Attended ({date.today() - timedelta(days=10):%d %b %Y})"]
    assert view.person.values["phone"].text() == "01632 960123"
    assert view.person.values["source"].text() == "GP: Dr Amara Osei"
    assert view.person.values["needs"].text() == "Loneliness and isolation\nDebt and money"
    assert view.person.values["email"].isHidden()  # nothing to show, no empty row
    assert isinstance(view.gp_panel_area, QVBoxLayout) and view.gp_panel_area.count() == 0
    assert actions(database).count("case_viewed") == 1


def test_it_fits_a_1366_by_768_screen(view: CaseView) -> None:
    hint = view.minimumSizeHint()
    assert hint.width() <= 1366 - 200  # beside the window's list of areas
    assert hint.height() <= 700
    assert view.plan.minimumSizeHint().height() <= 560


def test_a_contact_is_added_through_its_dialog(qtbot: QtBot, view: CaseView, database: Database) -> None:
    qtbot.mouseClick(view.contact_button, CLICK)
    dialog = shown(view, AddContactDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.notes, "Talked about the walking group.")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("duration_minutes") == "Enter how many minutes the contact took."

    dialog.minutes.setValue(25)
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    assert rows(view.contacts[0], 1) == ["Phone"]
    assert rows(view.contacts[0], 2) == ["25 min"]
    assert "Contact: phone" in rows(view.timeline[0], 1)[:2]  # with the status it moved the case to
    assert view.tabs.tabText(view.tabs.indexOf(view.contacts[1])) == "Cont&acts (1)"
    # The call reached the person, so the referred case is contacted now (issue 15). Reading the
    # record again after the user's own change is not a new viewing.
    assert view.status.text().startswith("Contacted since ")
    assert actions(database)[-3:] == ["case_viewed", "contact_added", "case_status_changed"]


def test_a_text_message_needs_no_minutes(qtbot: QtBot, view: CaseView) -> None:
    view.add_contact()
    dialog = shown(view, AddContactDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind.TEXT))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert rows(view.contacts[0], 1) == ["Text"]


def test_closing_asks_for_the_reason(qtbot: QtBot, view: CaseView, database: Database) -> None:
    qtbot.mouseClick(view.close_button, CLICK)
    dialog = shown(view, MoveStatusDialog)
    assert dialog.target() is CaseStatus.CLOSED
    assert dialog.reason.isEnabled() and dialog.reason.currentIndex() == -1
    assert [dialog.reason.itemData(i) for i in range(dialog.reason.count())] == [
        ClosingReason.GOALS_MET,
        ClosingReason.MOVED_AWAY,
        ClosingReason.REFERRED_ELSEWHERE,
        ClosingReason.DIED,
        ClosingReason.OPENED_IN_ERROR,
    ]
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("reason") == "Choose why the case is closing."

    dialog.reason.setCurrentIndex(dialog.reason.findData(ClosingReason.GOALS_MET))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert view.status.text().startswith("Closed: goals met since ")
    assert not any(
        button.isEnabled() for button in (view.status_button, view.close_button, view.assign_button)
    )
    assert view.plan.save_button.isHidden()
    assert all(editor.isReadOnly() for editor in view.plan.editors.values())
    assert "case_status_changed" in actions(database)


def test_choosing_opened_in_error_says_in_plain_words_what_it_does(qtbot: QtBot, view: CaseView) -> None:
    qtbot.mouseClick(view.close_button, CLICK)
    dialog = shown(view, MoveStatusDialog)
    assert dialog.reason_meaning.isHidden()
    in_error = dialog.reason.findData(ClosingReason.OPENED_IN_ERROR)
    dialog.reason.setCurrentIndex(in_error)
    meaning = dialog.reason_meaning.text()
    assert dialog.reason_meaning.isVisible()
    assert "made by mistake" in meaning and "left out of every figure" in meaning
    assert dialog.reason.itemData(in_error, Qt.ItemDataRole.ToolTipRole) == meaning
    dialog.reason.setCurrentIndex(dialog.reason.findData(ClosingReason.GOALS_MET))
    assert dialog.reason_meaning.isHidden()


def test_a_case_moves_on_and_declining_is_its_own_reason(qtbot: QtBot, view: CaseView) -> None:
    view.change_status()
    dialog = shown(view, MoveStatusDialog)
    assert [dialog.status.itemData(i) for i in range(dialog.status.count())] == [
        CaseStatus.CONTACTED,
        CaseStatus.ASSESSED,
        CaseStatus.CONNECTED,
        CaseStatus.CLOSED,
        CaseStatus.DECLINED,
        CaseStatus.NOT_CONTACTABLE,
    ]
    assert dialog.target() is CaseStatus.CONTACTED and not dialog.reason.isEnabled()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert view.status.text().startswith("Contacted since ")

    view.change_status()
    dialog = shown(view, MoveStatusDialog)
    assert dialog.status.findData(CaseStatus.CONTACTED) == -1  # no going back
    dialog.status.setCurrentIndex(dialog.status.findData(CaseStatus.DECLINED))
    assert not dialog.reason.isEnabled() and dialog.chosen_reason() is ClosingReason.DECLINED
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert view.status.text().startswith("Declined since ")
    assert rows(view.timeline[0], 3)[0] == "From contacted. Reason: declined"


def test_a_move_over_someone_elses_change_is_refused_and_the_screen_catches_up(
    qtbot: QtBot, view: CaseView, database: Database, actors: dict[Role, Actor], messages: Messages
) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        casework.move_status(session, admin, view.referral_id, view.header().version, CaseStatus.ASSESSED)
    view.change_status()
    dialog = shown(view, MoveStatusDialog)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "Someone else changed this case" in messages.texts()[0]
    messages.close_all()
    qtbot.mouseClick(dialog.cancel_button, CLICK)
    assert view.status.text().startswith("Assessed since ")


def test_the_case_is_assigned_to_a_link_worker(qtbot: QtBot, view: CaseView, worker: Actor) -> None:
    qtbot.mouseClick(view.assign_button, CLICK)
    dialog = shown(view, AssignWorkerDialog)
    # Not Ada Admin: an administrator holding no cases is no link worker (tests/ui/test_assign_dialog.py).
    assert [dialog.worker.itemText(i) for i in range(dialog.worker.count())] == [
        "No one (unassigned)",
        "Wren Worker",
    ]
    dialog.worker.setCurrentIndex(dialog.worker.findData(worker.user_id))
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert "Link worker: Wren Worker" in view.facts.text()
    view.assign_worker()
    dialog = shown(view, AssignWorkerDialog)
    assert dialog.worker.currentData() == worker.user_id


def test_ons4_answers_are_shown_with_their_bands_and_the_change_since_baseline(
    qtbot: QtBot, view: CaseView, database: Database, worker: Actor
) -> None:
    past_measure(database, view.referral_id, worker, 20, Instrument.ONS4, MeasureStage.BASELINE, (4, 5, 3, 8))
    view.refresh()
    view.tabs.setCurrentWidget(view.measures)
    assert view.measures.ons4_table.isHidden()
    assert "ONS4 and SWEMWBS: the change shows" in view.measures.nothing_yet.text()

    measure_menu = view.measure_button.menu()
    assert [action.text() for action in measure_menu.actions()] == ["&ONS4…", "&SWEMWBS…"]
    measure_menu.actions()[0].trigger()
    dialog = shown(view, RecordMeasureDialog)
    assert dialog.stage.currentData() == MeasureStage.FOLLOW_UP  # the case has its baseline
    answers = dialog.ons4
    qtbot.keyClicks(answers[Ons4Question.SATISFIED], "7")
    assert answers[Ons4Question.SATISFIED].meaning.text() == "High"
    qtbot.keyClicks(answers[Ons4Question.ANXIOUS], "1")
    assert answers[Ons4Question.ANXIOUS].meaning.text() == "Very low"
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()  # two questions not answered: each says so
    assert dialog.form.message("answers.worthwhile") == "Type the person's answer, from 0 to 10."
    assert dialog.form.message("answers.happy") == "Type the person's answer, from 0 to 10."
    assert dialog.form.message("answers.satisfied") == ""

    qtbot.keyClicks(answers[Ons4Question.WORTHWHILE], "5")
    qtbot.keyClicks(answers[Ons4Question.HAPPY], "0")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert rows(view.measures.model, 2) == ["Follow-up", "Baseline"]
    assert (
        rows(view.measures.model, 4)[0]
        == "Satisfied 7 (high), Worthwhile 5 (medium), Happy 0 (low), Anxious 1 (very low)"
    )
    assert view.measures.ons4_table.isVisible()
    changes = view.measures.ons4_model
    assert rows(changes, 0) == [
        "Life satisfaction",
        "Things done in life are worthwhile",
        "Happiness yesterday",
        "Anxiety yesterday",
    ]
    assert rows(changes, 1) == ["4 (low)", "5 (medium)", "3 (low)", "8 (high)"]
    assert rows(changes, 3) == ["+3, better", "No change", "-3, worse", "-7, better"]
    assert view.measures.nothing_yet.text().startswith("SWEMWBS:")


def test_swemwbs_shows_its_raw_and_metric_score_as_answers_are_chosen(
    qtbot: QtBot, view: CaseView, database: Database, worker: Actor
) -> None:
    view.record_measure(Instrument.SWEMWBS)
    dialog = shown(view, RecordMeasureDialog)
    assert dialog.stage.currentData() == MeasureStage.BASELINE
    assert dialog.swemwbs_score.text() == "0 of 7 answered"
    for answer in dialog.swemwbs[:6]:
        qtbot.keyClicks(answer, "3")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.form.message("answers[6]") == "Type the person's answer, from 1 to 5."
    qtbot.keyClicks(dialog.swemwbs[6], "4")
    assert dialog.swemwbs_score.text() == "Raw score 22 of 35; metric score 19.98"
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert rows(view.measures.model, 4) == ["Raw score 22; metric score 19.98"]

    past_measure(database, view.referral_id, worker, 0, Instrument.SWEMWBS, MeasureStage.FOLLOW_UP, (4,) * 7)
    view.refresh()
    assert view.measures.swemwbs.text().endswith(
        "raw score 22 → 28 (+6); metric score 19.98 → 25.03 (+5.05)."
    )


def test_a_note_is_added(qtbot: QtBot, view: CaseView) -> None:
    qtbot.mouseClick(view.note_button, CLICK)
    dialog = shown(view, AddNoteDialog)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.form.message("text") == "Write the note."
    qtbot.keyClicks(dialog.text, "Daughter visits on Sundays.")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert rows(view.notes[0], 2) == ["Daughter visits on Sundays."]
    assert rows(view.notes[0], 1) == ["Wren Worker"]
    assert view.tabs.tabText(view.tabs.indexOf(view.notes[1])) == "N&otes (1)"


def test_the_support_plan_is_saved_and_reviewed(qtbot: QtBot, view: CaseView) -> None:
    plan = view.plan
    view.tabs.setCurrentWidget(plan)
    assert plan.saved_by.text() == "Not written yet."
    assert not plan.review_button.isEnabled()
    qtbot.keyClicks(plan.editors["what_matters"], "Being outdoors")
    qtbot.keyClicks(plan.editors["goals"], "Make friends")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(plan.save_button, CLICK)
    assert plan.saved_by.text().startswith("Last saved by Wren Worker, ")
    assert plan.base.version == 1 and not plan.is_edited()
    assert plan.review_button.isEnabled()

    qtbot.mouseClick(plan.review_button, CLICK)
    dialog = shown(view, PlanReviewDialog)
    dialog.reviewed_on.selectAll()
    qtbot.keyClicks(dialog.reviewed_on, f"{date.today() - timedelta(days=1):%d/%m/%Y}")
    qtbot.keyClicks(dialog.note, "On track")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert rows(plan.reviews, 2) == ["On track"]
    assert rows(view.timeline[0], 1)[0] == "Support plan reviewed"


def test_a_stale_plan_save_keeps_the_users_text_and_shows_what_changed(
    qtbot: QtBot, view: CaseView, database: Database, actors: dict[Role, Actor], messages: Messages
) -> None:
    plan = view.plan
    view.tabs.setCurrentWidget(plan)
    qtbot.keyClicks(plan.editors["goals"], "Make friends")
    qtbot.mouseClick(plan.save_button, CLICK)
    with database.session() as session:  # another user saves over version 1 meanwhile
        casework.save_support_plan(
            session, actors[Role.ADMIN], view.referral_id, PlanText("", "Their goals", "Call the club"), 1
        )
    plan.editors["goals"].selectAll()
    qtbot.keyClicks(plan.editors["goals"], "My new goals")
    qtbot.mouseClick(plan.save_button, CLICK)

    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "Your edit is kept" in messages.texts()[0]
    messages.close_all()
    assert plan.editors["goals"].toPlainText() == "My new goals"
    assert plan.conflict.isVisible()
    assert plan.conflict_text.text().startswith("Ada Admin saved this plan at ")
    assert plan.theirs.text() == "Goals now reads:\nTheir goals\n\nAgreed actions now reads:\nCall the club"
    # Having seen theirs, the user saves over it.
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(plan.save_button, CLICK)
    assert not plan.conflict.isVisible()
    assert plan.base.goals == "My new goals" and plan.base.actions == "" and plan.base.version == 3


def test_their_version_can_be_taken_instead(
    qtbot: QtBot, view: CaseView, database: Database, actors: dict[Role, Actor], messages: Messages
) -> None:
    plan = view.plan
    view.tabs.setCurrentWidget(plan)
    with database.session() as session:
        casework.save_support_plan(
            session, actors[Role.ADMIN], view.referral_id, PlanText("Theirs", "", ""), 0
        )
    qtbot.keyClicks(plan.editors["what_matters"], "Mine")
    qtbot.mouseClick(plan.save_button, CLICK)
    qtbot.waitUntil(lambda: bool(messages.texts()))
    messages.close_all()
    qtbot.mouseClick(plan.use_theirs, CLICK)
    assert plan.editors["what_matters"].toPlainText() == "Theirs"
    assert not plan.conflict.isVisible() and not plan.is_edited()


def test_a_manager_is_told_the_case_cannot_be_shown(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], case: int, messages: Messages
) -> None:
    view = open_view(qtbot, database, actors[Role.MANAGER], case)
    assert view.unavailable.isVisible()
    assert "does not allow you to see identifiable records" in view.unavailable.text()
    assert view.contact_button.isHidden()  # a manager's role cannot change a case
    assert "case_viewed" not in actions(database)
    messages.close_all()
