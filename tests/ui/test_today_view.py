"""The Today screen on the real widgets: its lists, counts, opening a case, reading again in
place, and the first-contact wait dialog."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.follow_ups import week_end
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.cases import today
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.today_view import FirstContactWaitDialog, TodayView, day_text
from tests.services.casework_builder import new_case
from tests.services.test_today import follow_up, set_case
from tests.ui.conftest import Messages


def open_view(qtbot: QtBot, database: Database, actor: Actor) -> TodayView:
    view = TodayView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.resize(1180, 640)
    view.show()
    view.refresh()
    return view


def texts(view: TodayView, section_name: str, column: int = 1) -> list[str]:
    section = getattr(view, section_name)
    return [section.model.index(row, column).data() for row in range(section.model.rowCount())]


def test_the_lists_show_the_worker_s_day_and_an_empty_list_says_so(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    on = date.today()
    mine = new_case(sqlite_database, worker, given_name="Orla", family_name="Fenwick-Hale")
    set_case(sqlite_database, mine, worker=worker, received_on=on - timedelta(days=40))
    new_case(sqlite_database, worker, given_name="Idris", family_name="Pennock")  # no worker yet
    follow_up(
        sqlite_database,
        mine,
        worker,
        on - timedelta(days=2),
        FollowUpKind.CHECK_ATTENDANCE,
        note="Men\nin Sheds",
    )
    follow_up(sqlite_database, mine, worker, on)

    view = open_view(qtbot, sqlite_database, worker)
    assert view.heading.text() == f"Today, {on:%A} {on.day} {on:%B}"
    assert texts(view, "overdue") == ["Fenwick-Hale, Orla"]
    assert texts(view, "overdue", 2) == ["Check attendance"]
    assert texts(view, "overdue", 3) == [day_text(on - timedelta(days=2))]
    assert texts(view, "overdue", 4) == ["Men in Sheds"]  # one line in a list
    assert texts(view, "due_today") == ["Fenwick-Hale, Orla"]
    assert view.overdue.heading.text() == "Overdue (1)"
    assert not view.this_week.table.isVisible() and view.this_week.empty.isVisible()
    assert view.this_week.heading.text() == f"Due later this week, to {day_text(week_end(on))} (0)"
    assert texts(view, "unassigned") == ["Pennock, Idris"]
    assert view.unassigned.heading.text() == "New referrals not yet assigned (1)"
    # Received 30 days ago: well over the PCN's 5 working days and not reached, so marked.
    assert texts(view, "unassigned", 2)[0].endswith("(over 5)")
    received = date.today() - timedelta(days=30)
    wait_cell = view.unassigned.model.index(0, 2)
    assert wait_cell.data(Qt.ItemDataRole.ToolTipRole) == f"Received {day_text(received)}"
    # Notes get a column only where a list has one.
    assert not view.overdue.table.isColumnHidden(4) and view.due_today.table.isColumnHidden(4)
    assert texts(view, "waiting") == ["Fenwick-Hale, Orla"]
    assert view.waiting.heading.text() == "Yours waiting over 5 working days for a first contact (1)"
    assert view.summary.text() == "To do today: 1 overdue, 1 due today, 1 person waiting too long."
    index = view.overdue.model.index(0, 2)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Follow-up: Check attendance"


def test_a_row_opens_its_case_with_enter(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker)
    set_case(sqlite_database, referral_id, worker=worker, received_on=date.today())
    follow_up(sqlite_database, referral_id, worker, date.today())
    view = open_view(qtbot, sqlite_database, worker)
    table = view.due_today.table
    table.setFocus()
    table.setCurrentIndex(view.due_today.model.index(0, 0))
    with qtbot.waitSignal(view.case_requested) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [referral_id]


def test_reading_again_keeps_the_selected_row_and_the_scroll_and_is_not_audited(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker)
    set_case(sqlite_database, referral_id, worker=worker, received_on=date.today())
    ids = [
        follow_up(sqlite_database, referral_id, worker, date.today() - timedelta(days=30 - n))
        for n in range(30)
    ]
    view = open_view(qtbot, sqlite_database, worker)
    with qtbot.waitSignal(view.counted) as counted:
        view.refresh(reread=True)
    assert counted.args == [30]
    section = view.overdue
    assert section.select(ids[20])
    section.table.verticalScrollBar().setValue(section.table.verticalScrollBar().maximum())
    scroll = section.table.verticalScrollBar().value()
    assert scroll > 0

    # A colleague hands over an older follow-up: it comes first, and the same one stays chosen.
    older = follow_up(sqlite_database, referral_id, worker, date.today() - timedelta(days=45))
    view.refresh(reread=True)
    assert section.model.rowCount() == 31 and section.model.record(0).follow_up_id == older
    assert section.selected_key() == ids[20]
    assert section.table.verticalScrollBar().value() == scroll
    with sqlite_database.read_session() as session:
        events = audit.recent(session, sqlite_actors[Role.ADMIN])
    assert sum(1 for event in events if event.action == "today_viewed") == 1


def test_the_first_contact_wait_dialog_saves_for_the_pcn(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    dialog = FirstContactWaitDialog(Workspace(sqlite_database, manager))
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.days.value() == 5
    assert dialog.days.accessibleName() == "Wait before listing"
    dialog.days.setValue(8)
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    assert dialog.saved == 8
    with sqlite_database.read_session() as session:
        assert today.first_contact_wait(session, manager) == 8
    assert messages.texts() == []


def test_the_dialog_shows_a_refusal_beside_the_field(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]  # may not set PCN rules
    dialog = FirstContactWaitDialog(Workspace(sqlite_database, worker))
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.save_button.click()
    assert dialog.isVisible()
    assert any("does not allow you to change the PCN" in text for text in messages.texts())
