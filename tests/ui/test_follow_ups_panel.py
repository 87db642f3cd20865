"""Follow-ups on the case screen, on real widgets and a real database: booked with quick picks,
marked done, moved and cancelled through their dialogs; refused beside the field or, when
someone else changed the follow-up, with what they did; and a refresh (the Today timer's) that
never throws away an open dialog, typed text or the row chosen."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.follow_ups import QuickPick, quick_pick
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import casework, follow_ups
from linkworker.services.cases.case_record import FollowUpRecord, open_case
from linkworker.services.cases.follow_ups import NewFollowUp
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import FollowUp
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.follow_up_dialogs import (
    CancelFollowUpDialog,
    CompleteFollowUpDialog,
    RescheduleFollowUpDialog,
    ScheduleFollowUpDialog,
)
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
TODAY = date.today()
D = TypeVar("D", bound=QDialog)


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """The screen is the subject here; the service is checked on both databases elsewhere."""
    return sqlite_database


@pytest.fixture
def worker(sqlite_actors: dict[Role, Actor]) -> Actor:
    return sqlite_actors[Role.LINK_WORKER]


@pytest.fixture
def colleague(database: Database, sqlite_actors: dict[Role, Actor]) -> Actor:
    admin = sqlite_actors[Role.ADMIN]
    with database.session() as session:
        user = create_user(session, admin, NewUser("lee", "Lee Linker", Role.LINK_WORKER, "orbit lamp owl"))
    return Actor(user.id, "lee", "Lee Linker", Role.LINK_WORKER, admin.pcn_id)


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    return new_case(database, worker)


@pytest.fixture
def view(qtbot: QtBot, database: Database, worker: Actor, case: int) -> CaseView:
    view = CaseView(Workspace(database, worker), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    view.tabs.setCurrentWidget(view.follow_ups)
    return view


def shown(view: QWidget, kind: type[D]) -> D:
    [dialog] = [dialog for dialog in view.findChildren(kind) if dialog.isVisible()]
    return dialog


def retype(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def saved_days(database: Database, case: int) -> list[date]:
    with database.session() as session:
        return list(session.scalars(select(FollowUp.due_on).where(FollowUp.referral_id == case)))


def book(
    database: Database, actor: Actor, case: int, due_on: date, owner: Actor | None = None
) -> FollowUpRecord:
    entry = NewFollowUp(due_on, FollowUpKind.CALL, (owner or actor).user_id, "Ask about the lunch club")
    with database.session() as session:
        return follow_ups.schedule(session, actor, case, entry)


def cells(model, column: int) -> list[str]:
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def timeline_first(view: CaseView) -> tuple[str, str, str]:
    model = view.timeline[0]
    return tuple(model.data(model.index(0, column)) for column in (1, 2, 3))  # type: ignore[return-value]


def test_scheduling_with_a_quick_pick_books_it_and_shows_it_everywhere(
    qtbot: QtBot, view: CaseView, colleague: Actor
) -> None:
    assert view.follow_ups.open_empty.isVisible() and not view.follow_ups.open_table.isVisible()
    assert "Schedule follow-up" in view.follow_ups.open_empty.text()
    qtbot.mouseClick(view.follow_up_button, CLICK)
    dialog = shown(view, ScheduleFollowUpDialog)
    assert dialog.day.value() == quick_pick(TODAY, QuickPick.ONE_WEEK)  # the default
    assert dialog.owner.currentText() == "Wren Worker"  # me, unless I choose a colleague
    assert dialog.owner.findText("Lee Linker") >= 0 and dialog.kind.currentData() == FollowUpKind.CALL
    assert dialog.cancel_button.text() == "Cancel"
    qtbot.mouseClick(dialog.day.picks[QuickPick.TWO_WEEKS], CLICK)
    due = quick_pick(TODAY, QuickPick.TWO_WEEKS)
    assert dialog.day.value() == due
    dialog.kind.setCurrentIndex(dialog.kind.findData(FollowUpKind.MEETING))
    dialog.owner.setCurrentIndex(dialog.owner.findText("Lee Linker"))
    qtbot.keyClicks(dialog.note, "Meet at the library")
    qtbot.mouseClick(dialog.save_button, CLICK)

    assert not dialog.isVisible()
    panel = view.follow_ups
    assert cells(panel.open_model, 0) == [f"{due:%d %b %Y}"]  # later than this week: no word
    assert cells(panel.open_model, 1) == ["Meeting"] and cells(panel.open_model, 2) == ["Lee Linker"]
    assert cells(panel.open_model, 3) == ["Meet at the library"]
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "Follo&w-ups (1)"
    assert timeline_first(view) == (
        "Follow-up scheduled: meeting",
        "Wren Worker",
        f"Due {due:%d %b %Y}; for Lee Linker; Meet at the library",
    )
    assert panel.selected() is not None and panel.complete_button.isEnabled()


def test_a_day_is_typed_as_on_the_referral_form_with_its_weekday_beside_it(
    qtbot: QtBot, database: Database, view: CaseView, case: int
) -> None:
    qtbot.mouseClick(view.follow_up_button, CLICK)
    dialog = shown(view, ScheduleFollowUpDialog)
    default = quick_pick(TODAY, QuickPick.ONE_WEEK)
    assert dialog.day.edit.text() == f"{default:%d/%m/%Y}"
    assert dialog.day.weekday.text() == f"{default:%A}"
    day = TODAY + timedelta(days=9)
    retype(qtbot, dialog.day.edit, f"{day.day}/{day.month}/{day.year}")
    assert dialog.day.weekday.text() == f"{day:%A}"
    retype(qtbot, dialog.day.edit, "31/02/2030")
    assert dialog.day.weekday.text() == ""  # not a day, so no weekday
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.form.message("due_on") == "There is no such date: check the day and month of the date."

    retype(qtbot, dialog.day.edit, f"{day:%Y-%m-%d}")
    assert dialog.form.message("due_on") == ""  # gone as it is corrected
    qtbot.keyClick(dialog.day.edit, Qt.Key.Key_Return)  # Enter saves, as the default button
    assert not dialog.isVisible()
    assert saved_days(database, case) == [day]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "A follow-up is booked for today or a later day."),
        (367, "A follow-up is booked at most a year ahead."),
    ],
)
def test_a_day_in_the_past_or_over_a_year_ahead_is_refused_not_replaced(
    qtbot: QtBot, database: Database, view: CaseView, case: int, days: int, message: str
) -> None:
    qtbot.mouseClick(view.follow_up_button, CLICK)
    dialog = shown(view, ScheduleFollowUpDialog)
    typed = f"{TODAY + timedelta(days=days):%d/%m/%Y}"
    retype(qtbot, dialog.day.edit, typed)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible() and dialog.form.message("due_on") == message
    assert dialog.day.edit.text() == typed  # kept as typed, not moved to today
    assert saved_days(database, case) == []


def test_rescheduling_to_a_past_day_is_refused_and_the_typed_day_kept(
    qtbot: QtBot, database: Database, worker: Actor, case: int, view: CaseView
) -> None:
    first_day = TODAY + timedelta(days=3)
    book(database, worker, case, first_day)
    view.refresh()
    qtbot.mouseClick(view.follow_ups.reschedule_button, CLICK)
    dialog = shown(view, RescheduleFollowUpDialog)
    yesterday = f"{TODAY - timedelta(days=1):%d/%m/%Y}"
    retype(qtbot, dialog.day.edit, yesterday)
    qtbot.keyClicks(dialog.reason, "She asked")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.form.message("due_on") == "A follow-up is booked for today or a later day."
    assert dialog.day.edit.text() == yesterday
    assert saved_days(database, case) == [first_day]


def test_an_overdue_and_a_today_follow_up_say_so(
    qtbot: QtBot, database: Database, view: CaseView, worker: Actor, case: int
) -> None:
    book(database, worker, case, TODAY)
    late = book(database, worker, case, TODAY)
    with database.session() as session:  # booked before, its day since gone by
        row = session.get(FollowUp, late.id)
        assert row is not None
        row.due_on = TODAY - timedelta(days=2)
    view.refresh()
    assert cells(view.follow_ups.open_model, 0) == [
        f"{TODAY - timedelta(days=2):%d %b %Y} (overdue)",
        f"{TODAY:%d %b %Y} (today)",
    ]


def test_marking_done_moves_it_to_done_and_cancelled(
    qtbot: QtBot, database: Database, worker: Actor, case: int, view: CaseView
) -> None:
    booked = book(database, worker, case, TODAY + timedelta(days=3))
    view.refresh()
    panel = view.follow_ups
    assert panel.selected() == booked  # the first open one is chosen, ready for the keyboard
    qtbot.mouseClick(panel.complete_button, CLICK)
    dialog = shown(view, CompleteFollowUpDialog)
    assert (
        f"Mark the follow-up (call, due {booked.due_on:%d %b %Y}) as done"
        in dialog.findChild(type(panel.open_empty)).text()
    )
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert panel.open_model.rowCount() == 0 and panel.past_model.rowCount() == 1
    [ended] = cells(panel.past_model, 3)
    assert ended.startswith("Done ") and ended.endswith(" by Wren Worker. Note: Ask about the lunch club")
    assert timeline_first(view)[:2] == ("Follow-up done: call", "Wren Worker")
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "Follo&w-ups (0)"


def test_rescheduling_needs_another_day_and_a_reason_and_keeps_the_move(
    qtbot: QtBot, database: Database, worker: Actor, case: int, view: CaseView
) -> None:
    first_day = TODAY + timedelta(days=3)
    book(database, worker, case, first_day)
    view.refresh()
    qtbot.mouseClick(view.follow_ups.reschedule_button, CLICK)
    dialog = shown(view, RescheduleFollowUpDialog)
    assert dialog.day.value() == first_day
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("due_on") == "Choose a different day from the one it is booked for."
    assert dialog.form.message("reason") == "Write the reason."
    new_day = quick_pick(TODAY, QuickPick.ONE_MONTH)
    qtbot.mouseClick(dialog.day.picks[QuickPick.ONE_MONTH], CLICK)
    qtbot.keyClicks(dialog.reason, "On holiday that week")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    panel = view.follow_ups
    assert cells(panel.open_model, 0)[0].startswith(f"{new_day:%d %b %Y}")
    assert cells(panel.open_model, 3) == [
        f"Ask about the lunch club Moved from {first_day:%d %b %Y}: On holiday that week."
    ]
    assert timeline_first(view) == (
        "Follow-up rescheduled: call",
        "Wren Worker",
        f"From {first_day:%d %b %Y} to {new_day:%d %b %Y}: On holiday that week",
    )


def test_cancelling_asks_why_and_keeping_it_changes_nothing(
    qtbot: QtBot, database: Database, worker: Actor, case: int, view: CaseView
) -> None:
    book(database, worker, case, TODAY + timedelta(days=3))
    view.refresh()
    panel = view.follow_ups
    qtbot.mouseClick(panel.cancel_button, CLICK)
    dialog = shown(view, CancelFollowUpDialog)
    assert dialog.cancel_button.text() == "&Keep it"
    qtbot.mouseClick(dialog.cancel_button, CLICK)
    assert panel.open_model.rowCount() == 1

    qtbot.mouseClick(panel.cancel_button, CLICK)
    dialog = shown(view, CancelFollowUpDialog)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.form.message("reason") == "Write the reason."
    qtbot.keyClicks(dialog.reason, "Moved out of the area")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert panel.open_model.rowCount() == 0
    [ended] = cells(panel.past_model, 3)
    assert ended.startswith("Cancelled ")
    assert ended.endswith("by Wren Worker: Moved out of the area. Note: Ask about the lunch club")


def test_a_follow_up_someone_else_changed_is_refused_with_what_they_did_and_the_input_kept(
    qtbot: QtBot,
    database: Database,
    worker: Actor,
    colleague: Actor,
    case: int,
    view: CaseView,
    messages: Messages,
) -> None:
    booked = book(database, worker, case, TODAY + timedelta(days=3))
    view.refresh()
    qtbot.mouseClick(view.follow_ups.reschedule_button, CLICK)
    dialog = shown(view, RescheduleFollowUpDialog)
    qtbot.keyClicks(dialog.reason, "She asked for later")
    retype(qtbot, dialog.day.edit, f"{TODAY + timedelta(days=10):%d/%m/%Y}")
    with database.session() as session:
        follow_ups.complete(session, colleague, booked.id, booked.version)

    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible() and dialog.reason.text() == "She asked for later"
    [text] = messages.texts()
    assert text.startswith("Lee Linker completed this follow-up at ")
    messages.close_all()
    qtbot.mouseClick(dialog.cancel_button, CLICK)  # given up: the screen shows their change
    assert view.follow_ups.open_model.rowCount() == 0
    assert "by Lee Linker." in cells(view.follow_ups.past_model, 3)[0]


def test_a_refresh_keeps_an_open_dialog_the_plan_being_typed_and_the_chosen_row(
    qtbot: QtBot, database: Database, worker: Actor, case: int, view: CaseView
) -> None:
    book(database, worker, case, TODAY + timedelta(days=3))
    second = book(database, worker, case, TODAY + timedelta(days=5))
    view.refresh()
    panel = view.follow_ups
    panel.open_table.selectRow(1)
    view.tabs.setCurrentWidget(view.plan)
    qtbot.keyClicks(view.plan.editors["goals"], "Join a walking group")
    view.follow_up_button.click()
    dialog = shown(view, ScheduleFollowUpDialog)
    qtbot.keyClicks(dialog.note, "Half typed")

    book(database, worker, case, TODAY)  # someone else's change, seen on the next refresh
    view.refresh()

    assert dialog.isVisible() and dialog.note.toPlainText() == "Half typed"
    assert view.plan.editors["goals"].toPlainText() == "Join a walking group"
    assert panel.open_model.rowCount() == 3 and panel.selected() == second
    assert view.tabs.currentWidget() is view.plan


def test_on_an_ended_case_follow_ups_are_done_or_cancelled_not_booked_or_moved(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    book(database, worker, case, TODAY + timedelta(days=3))
    with database.session() as session:
        version = open_case(session, worker, case, reopened=True).header.version
        casework.move_status(session, worker, case, version, CaseStatus.CLOSED, ClosingReason.GOALS_MET)
    view = CaseView(Workspace(database, worker), case)
    qtbot.addWidget(view)
    panel = view.follow_ups
    assert not view.follow_up_button.isEnabled()
    # Ending the case cancelled its open follow-up.
    assert panel.open_table.model().rowCount() == 0
    assert panel.past_table.model().rowCount() == 1
    # One left open by a case ended before that rule (older data) can be done or cancelled, not moved.
    with database.session() as session:
        left = session.scalars(select(FollowUp).where(FollowUp.referral_id == case)).one()
        left.cancelled_at = left.cancelled_by_id = left.cancelled_reason = None
    view.refresh(reopened=True)
    assert panel.complete_button.isEnabled() and panel.cancel_button.isEnabled()
    assert not panel.reschedule_button.isEnabled()
    assert [action.isEnabled() for action in panel.open_table.actions()] == [True, False, True]


def test_every_control_is_labelled_and_has_its_own_access_key(qtbot: QtBot, view: CaseView) -> None:
    view.follow_up_button.click()
    dialog = shown(view, ScheduleFollowUpDialog)
    for editor in (dialog.day.edit, dialog.kind, dialog.owner, dialog.note):
        assert editor.accessibleName()
    for button in dialog.day.picks.values():
        assert button.accessibleName().endswith("from today") and button.toolTip().startswith("Due ")
    panel = view.follow_ups
    for table in (panel.open_table, panel.past_table):
        assert table.accessibleName()
    visible_keys = [
        widget.text().split("&")[1][0].lower()
        for widget in view.findChildren(QAbstractButton)
        if widget.window() is view and widget.isVisibleTo(view) and "&" in widget.text()
    ] + [view.tabs.tabText(index).split("&")[1][0].lower() for index in range(view.tabs.count())]
    assert len(visible_keys) == len(set(visible_keys)), sorted(visible_keys)
    dialog_keys = [
        button.text().split("&")[1][0].lower()
        for button in dialog.findChildren(QAbstractButton)
        if "&" in button.text()
    ]
    assert len(dialog_keys) == len(set(dialog_keys)), dialog_keys


def test_tab_runs_through_the_schedule_form_in_reading_order(qtbot: QtBot, view: CaseView) -> None:
    view.follow_up_button.click()
    dialog = shown(view, ScheduleFollowUpDialog)
    assert dialog.focusWidget() is dialog.day.edit  # the day first
    reached = []
    for _ in range(7):
        dialog.focusNextChild()  # what Tab does
        reached.append(dialog.focusWidget())
    assert reached == [*dialog.day.picks.values(), dialog.kind, dialog.owner, dialog.note, dialog.save_button]
