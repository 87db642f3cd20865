"""The match screen on real widgets and a real database: criteria from the person's record, the
ranked list with its reasons, criteria refused beside their field, and referring from a match."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel, QRect, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import delete
from sqlalchemy import select, update

from linkworker.domain.access import AccessNeed
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.connection_methods import ConnectionMethod
from linkworker.domain.directory import ConnectionStatus, CostKind
from linkworker.domain.follow_ups import QuickPick, attendance_check_day, quick_pick
from linkworker.domain.person import age_on
from linkworker.domain.roles import Role
from linkworker.domain.schedule import TimeSlot
from linkworker.services.actor import Actor
from linkworker.services.cases.matching import MAX_MATCHES
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Connection, FollowUp, Referral
from linkworker.ui.cases.follow_up_dialogs import ScheduleFollowUpDialog
from linkworker.ui.cases.match_view import (
    CHOOSE_HINT,
    CLOSED_HINT,
    REASON_COLUMN,
    ConnectDialog,
    MatchView,
    summary_text,
)
from tests.services.matching_builder import (
    HOME,
    HOME_POSTCODE,
    SATURDAY,
    Spec,
    add_postcode_points,
    add_services,
    person_case,
)
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
WAIT_MS = 20_000


@pytest.fixture
def database(sqlite_database: Database) -> Database:
    """The window is the subject here; the service is checked on both databases elsewhere."""
    return sqlite_database


@pytest.fixture
def worker(sqlite_actors: dict[Role, Actor]) -> Actor:
    return sqlite_actors[Role.LINK_WORKER]


@pytest.fixture
def case(database: Database, worker: Actor) -> int:
    case = person_case(database, worker, language="Polish", accessibility="Uses a wheelchair")
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    add_services(
        database,
        worker,
        Spec(
            "Evening walk", ("loneliness", "physical_activity"), km=1.2, accessibility=("Step-free access",)
        ),
        Spec(
            "Polish club", ("loneliness",), km=2.5, languages=("English", "Polish"), accessibility=("Lift",)
        ),
        Spec("Saturday garden", ("loneliness",), km=0.5, sessions=(SATURDAY,), accessibility=("Ramp",)),
        Spec("Up the stairs", ("loneliness",), km=0.5),
        Spec("Paid yoga", ("physical_activity",), km=1.0, cost=CostKind.PAID, accessibility=("Ramp",)),
    )
    return case


def settled(qtbot: QtBot, view: MatchView) -> MatchView:
    """``view`` once its search has come back."""
    if view.job is not None and view.job.running:
        with qtbot.waitSignal(view.job.finished, timeout=WAIT_MS):
            pass
    return view


def open_view(qtbot: QtBot, database: Database, actor: Actor, case: int) -> MatchView:
    view = MatchView(Workspace(database, actor), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    return settled(qtbot, view)


def shown_names(view: MatchView) -> list[str]:
    return [view.model.record(row).name for row in range(view.model.rowCount())]


def checked_needs(view: MatchView) -> set[str]:
    return {
        view.needs.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(view.needs.count())
        if view.needs.item(row).checkState() == Qt.CheckState.Checked
    }


def choose(view: MatchView, name: str) -> None:
    row = shown_names(view).index(name)
    view.table.selectionModel().select(
        view.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_it_opens_with_the_persons_criteria_and_their_matches(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    assert view.heading.text() == f"Find services for Orla Fenwick-Hale (LW-{case:06d})"
    assert view.home.text() == f"Distances from {HOME_POSTCODE}, in a straight line."
    assert checked_needs(view) == {"loneliness", "physical_activity"}
    assert view.access[AccessNeed.STEP_FREE].isChecked()
    assert not view.access[AccessNeed.HEARING_LOOP].isChecked()
    assert view.language.text() == "Polish"
    assert view.age.value() == age_on(date(1948, 11, 2), date.today())
    assert shown_names(view) == ["Evening walk", "Polish club", "Saturday garden", "Paid yoga"]
    assert view.summary.text() == "4 services match, best first."
    reasons = [view.model.data(view.model.index(row, REASON_COLUMN)) for row in range(view.model.rowCount())]
    assert reasons[0] == (
        "loneliness and isolation (first need), physical activity - 1.2 km - Tue and Thu evenings - free - "
        "step-free"
    )
    assert reasons[1].endswith(" - step-free - Polish spoken")


def test_changing_the_criteria_searches_again(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    view.times[TimeSlot.WEEKEND].setChecked(True)
    view.cost.setCurrentIndex(view.cost.findData(CostKind.FREE))
    qtbot.mouseClick(view.find_button, CLICK)
    settled(qtbot, view)
    assert shown_names(view) == ["Saturday garden"]

    view.times[TimeSlot.WEEKEND].setChecked(False)
    view.access[AccessNeed.STEP_FREE].setChecked(False)
    view.distance.setCurrentIndex(view.distance.findData(1.0))
    qtbot.mouseClick(view.find_button, CLICK)
    settled(qtbot, view)
    assert shown_names(view) == ["Saturday garden", "Up the stairs"]

    view.needs.item(0).setCheckState(Qt.CheckState.Unchecked)
    view.needs.item(1).setCheckState(Qt.CheckState.Unchecked)
    view.needs.item(2).setCheckState(Qt.CheckState.Checked)  # a need no service here meets
    qtbot.mouseClick(view.find_button, CLICK)
    settled(qtbot, view)
    assert shown_names(view) == []
    assert view.summary.text().startswith("No service matches.")


def test_criteria_without_a_need_are_refused_beside_the_list(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    first_search = view.job
    for row in range(view.needs.count()):
        view.needs.item(row).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(view.find_button, CLICK)
    assert view.job is first_search  # no new search
    assert view.form.message("needs") == "Choose at least one need to find services for."
    assert len(shown_names(view)) == 4  # the last matches stay


def test_referring_from_a_match_records_the_connection(
    qtbot: QtBot, database: Database, worker: Actor, case: int, messages: Messages
) -> None:
    view = open_view(qtbot, database, worker, case)
    assert not view.refer_button.isEnabled() and view.next_step.text() == CHOOSE_HINT
    assert not view.done.isVisible()
    choose(view, "Polish club")
    assert view.refer_button.isEnabled() and view.signpost_button.isEnabled()
    assert view.next_step.text() == ""

    dialog = view.connect_to(ConnectionStatus.REFERRED)
    assert isinstance(dialog, ConnectDialog)
    assert dialog.windowTitle() == "Refer to Polish club"
    two_days_ago = date.today() - timedelta(days=2)
    dialog.made_on.setDate(QDate(two_days_ago))
    dialog.method.setCurrentIndex(dialog.method.findData(ConnectionMethod.PHONE))  # how: asked, never assumed
    with qtbot.waitSignal(view.connected) as connected:
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert connected.args == [case]
    assert view.done.text() == f"Referred to Polish club on {two_days_ago:%d/%m/%Y}."
    assert view.done.isVisible()
    with database.session() as session:
        [row] = session.scalars(select(Connection).where(Connection.referral_id == case))
        assert (row.route, row.made_on) == (ConnectionStatus.REFERRED.value, two_days_ago)

    # The same service again, while the first referral waits for its outcome: refused, and said why.
    again = view.connect_to(ConnectionStatus.SIGNPOSTED)
    assert again is not None
    again.method.setCurrentIndex(again.method.findData(ConnectionMethod.LEAFLET))
    qtbot.mouseClick(again.save_button, CLICK)
    assert again.isVisible()
    assert any("already referred to polish club" in text.lower() for text in messages.texts())


def test_a_manager_cannot_match_a_persons_case(
    qtbot: QtBot, database: Database, sqlite_actors: dict[Role, Actor], case: int, messages: Messages
) -> None:
    view = open_view(qtbot, database, sqlite_actors[Role.MANAGER], case)
    assert view.unavailable.isVisible()
    assert view.unavailable.text().startswith("Services cannot be matched for this case.")
    assert view.job is None
    assert messages.texts()  # the refusal, said in a message box too


def test_closing_the_screen_while_it_searches_is_safe(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = MatchView(Workspace(database, worker), case)
    job = view.job
    assert job is not None and job.running
    delete(view)  # as closing the window does, before the search comes back
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass  # no error from a widget already gone (pytest-qt fails the test on one)


def test_it_fits_a_1366_by_768_screen(qtbot: QtBot, database: Database, worker: Actor, case: int) -> None:
    view = open_view(qtbot, database, worker, case)
    hint = view.minimumSizeHint()
    assert hint.width() <= 1366 - 200
    assert hint.height() <= 700


def test_the_summary_says_when_only_the_best_are_shown(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    one = view.model.record(0)
    assert summary_text([one]) == "1 service match, best first."
    assert summary_text([one] * MAX_MATCHES).startswith(f"The best {MAX_MATCHES} matches are shown")


def test_each_reason_is_shown_whole_beside_the_service_and_its_organisation(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    """The reason is what a link worker reads: it takes the width left and wraps, never cut short."""
    view = open_view(qtbot, database, worker, case)
    view.resize(900, 700)  # narrower than the reasons, so they must wrap
    qtbot.waitUntil(lambda: view.table.columnWidth(REASON_COLUMN) < 520)
    assert [view.model.headerData(column, Qt.Orientation.Horizontal) for column in range(2)] == [
        "Service",
        "Why it matches",
    ]
    assert view.model.data(view.model.index(1, 0)).splitlines() == ["Polish club", "Polish club Trust"]

    def short_rows() -> list[str]:
        width = view.table.columnWidth(REASON_COLUMN) - 16  # less the cell's padding, 8 px a side
        short = []
        for row in range(view.model.rowCount()):
            reason = view.model.record(row).reason
            needed = view.table.fontMetrics().boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, reason
            )
            if view.table.rowHeight(row) < needed.height():
                short.append(reason)
        return short

    qtbot.waitUntil(lambda: not short_rows(), timeout=3_000)  # rows fit once the resize settles
    total = sum(view.table.columnWidth(column) for column in range(2))
    assert total <= view.table.viewport().width(), "no column runs off the table"


def test_the_criteria_fit_their_panel_without_being_cut(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    panel = view.criteria_panel
    assert panel.widget().minimumSizeHint().width() <= panel.viewport().width()
    assert view.language.geometry().right() <= panel.viewport().width()


def test_a_closed_case_says_why_nobody_can_be_referred(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    with database.session() as session:
        session.execute(update(Referral).where(Referral.id == case).values(status="closed"))
    view = open_view(qtbot, database, worker, case)
    choose(view, "Polish club")
    assert not view.refer_button.isEnabled() and view.next_step.text() == CLOSED_HINT


def test_tab_runs_from_the_criteria_through_the_list_to_the_buttons(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    choose(view, "Polish club")
    with qtbot.waitActive(view):
        view.activateWindow()
    view.age.setFocus()
    reached = []
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    # ...and round to the first criterion, with no stop on the criteria panel's frame on the way.
    assert reached == [view.find_button, view.table, view.refer_button, view.signpost_button, view.needs]


def offered(view: MatchView) -> ScheduleFollowUpDialog:
    [dialog] = [dialog for dialog in view.findChildren(ScheduleFollowUpDialog) if dialog.isVisible()]
    return dialog


def test_after_a_connection_a_check_that_they_went_is_offered_to_book_change_or_skip(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    choose(view, "Polish club")
    dialog = view.connect_to(ConnectionStatus.REFERRED)
    assert dialog is not None
    made_on = date.today() - timedelta(days=2)
    dialog.made_on.setDate(QDate(made_on))
    dialog.method.setCurrentIndex(dialog.method.findData(ConnectionMethod.EMAIL))
    qtbot.mouseClick(dialog.save_button, CLICK)

    offer = offered(view)
    assert offer.kind.currentData() == FollowUpKind.CHECK_ATTENDANCE
    assert offer.day.value() == attendance_check_day(made_on, date.today())
    assert offer.owner.currentData() == worker.user_id
    assert offer.note.toPlainText() == "Did they go to Polish club?"
    assert offer.cancel_button.text() == "S&kip"
    qtbot.mouseClick(offer.day.picks[QuickPick.ONE_MONTH], CLICK)  # changed before booking
    with qtbot.waitSignal(view.connected) as connected:
        qtbot.mouseClick(offer.save_button, CLICK)
    assert connected.args == [case]  # the case reads itself again and shows the follow-up
    booked_on = quick_pick(date.today(), QuickPick.ONE_MONTH)
    assert view.done.text().endswith(f"Attendance check booked for {booked_on:%d/%m/%Y}.")
    with database.session() as session:
        [row] = session.scalars(select(FollowUp).where(FollowUp.referral_id == case))
        assert (row.kind, row.due_on, row.owner_id, row.created_by_id) == (
            FollowUpKind.CHECK_ATTENDANCE.value,
            booked_on,
            worker.user_id,
            worker.user_id,
        )

    choose(view, "Evening walk")
    again = view.connect_to(ConnectionStatus.SIGNPOSTED)
    assert again is not None
    again.method.setCurrentIndex(again.method.findData(ConnectionMethod.IN_PERSON))
    qtbot.mouseClick(again.save_button, CLICK)
    qtbot.mouseClick(offered(view).cancel_button, CLICK)  # skipped
    with database.session() as session:
        assert len(session.scalars(select(FollowUp).where(FollowUp.referral_id == case)).all()) == 1
        assert len(session.scalars(select(Connection).where(Connection.referral_id == case)).all()) == 2
