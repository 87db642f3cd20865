"""The Connections tab of the case screen on real widgets and a real database: the list, the
"Find services…" request, and recording an outcome through its dialog, refused or saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.connection_methods import ConnectionMethod
from linkworker.domain.directory import ConnectionStatus as S
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import connections
from linkworker.services.cases.case_record import open_case
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Connection
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.connections_panel import ConnectDialog, ConnectionsPanel, RecordOutcomeDialog
from linkworker.ui.cases.match_view import MatchView
from tests.services.casework_builder import connection, new_case, past_status
from tests.services.matching_builder import (
    HOME,
    HOME_POSTCODE,
    Spec,
    add_postcode_points,
    add_services,
    person_case,
)
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


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
    view.tabs.setCurrentWidget(view.connections)
    return view


def rows(view: CaseView, column: int) -> list[str]:
    model = view.connections.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def outcome_dialog(view: CaseView) -> RecordOutcomeDialog:
    [dialog] = [dialog for dialog in view.findChildren(RecordOutcomeDialog) if dialog.isVisible()]
    return dialog


def choose(view: CaseView, row: int) -> None:
    view.connections.table.selectRow(row)


def retype(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def outcomes(database: Database) -> list[tuple[str, date]]:
    with database.session() as session:
        return [(row.status, row.status_on) for row in session.scalars(select(Connection))]


def options(dialog: RecordOutcomeDialog) -> list[str]:
    return [dialog.status.itemText(index) for index in range(dialog.status.count())]


def test_a_case_without_connections_says_how_to_find_services(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    view = open_view(qtbot, database, worker, case)
    panel = view.connections
    assert panel.model.rowCount() == 0
    assert panel.empty.isVisible() and "Find services…" in panel.empty.text()
    assert view.tabs.tabText(view.tabs.indexOf(view.connections)) == "Conn&ections (0)"
    assert panel.find_button.isVisible() and panel.find_button.isEnabled()
    assert not panel.outcome_button.isEnabled()
    with qtbot.waitSignal(view.match_requested) as asked:
        qtbot.mouseClick(panel.find_button, CLICK)
    assert asked.args == [case]


def test_each_connection_shows_how_it_was_made_and_how_it_went(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    connection(database, case, worker, 12, "Sewing Circle", S.SIGNPOSTED)
    connection(database, case, worker, 3, "Men in Sheds", S.ATTENDED, made_days_ago=9)
    view = open_view(qtbot, database, worker, case)
    assert rows(view, 0) == ["Men in Sheds", "Sewing Circle"]  # newest first
    assert rows(view, 2) == ["Referred", "Signposted"]
    assert rows(view, 3) == [f"{ago(9):%d %b %Y}", f"{ago(12):%d %b %Y}"]
    assert rows(view, 4) == [f"Attended ({ago(3):%d %b %Y})", "Not known yet"]
    assert rows(view, 6) == ["Enjoyed the first session.", ""]
    assert view.connections.empty.isHidden()
    assert view.tabs.tabText(view.tabs.indexOf(view.connections)) == "Conn&ections (2)"


def test_an_outcome_is_recorded_from_the_list_and_shown_on_the_timeline(
    qtbot: QtBot, database: Database, worker: Actor, case: int, messages: Messages
) -> None:
    connection(database, case, worker, 6, "Men in Sheds")
    view = open_view(qtbot, database, worker, case)
    choose(view, 0)
    assert view.connections.outcome_button.isEnabled()
    qtbot.mouseClick(view.connections.outcome_button, CLICK)
    dialog = outcome_dialog(view)
    assert options(dialog) == ["Attended", "Did not attend", "Declined"]
    assert dialog.status.currentIndex() == -1  # nothing assumed for the person
    calendar = dialog.on.calendar()  # offers the days from the connection to today
    assert calendar.minimumDate() == QDate(ago(6)) and calendar.maximumDate() == QDate(TODAY)
    assert dialog.on.value() == TODAY

    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("status") == "Choose attended, did not attend or declined."

    dialog.status.setCurrentIndex(0)
    retype(qtbot, dialog.on, f"{ago(2):%d/%m/%Y}")
    dialog.feedback.setPlainText("Goes every Thursday now.")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible() and messages.texts() == []
    assert rows(view, 4) == [f"Attended ({ago(2):%d %b %Y})"]
    assert rows(view, 5) == ["Wren Worker"]  # who recorded the outcome
    assert rows(view, 6) == ["Goes every Thursday now."]
    timeline = view.timeline[0]
    steps = [timeline.data(timeline.index(row, 1)) for row in range(2)]
    assert steps == ["Attended Men in Sheds", "Referred to Men in Sheds"]
    assert view.connections.selected() is not None  # the row chosen stays chosen
    with database.session() as session:
        assert (
            session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "connection_outcome"
        )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (f"{TODAY + timedelta(days=1):%d/%m/%Y}", "The outcome's date cannot be in the future."),
        (
            f"{ago(7):%d/%m/%Y}",
            f"The outcome's date cannot be before the person was referred ({ago(6):%d/%m/%Y}).",
        ),
        ("7/13/2026", "There is no such date: check the day and month of the date."),
    ],
)
def test_an_outcome_day_outside_the_connection_is_refused_and_kept_as_typed(
    qtbot: QtBot, database: Database, worker: Actor, case: int, typed: str, message: str
) -> None:
    connection(database, case, worker, 6, "Men in Sheds")
    view = open_view(qtbot, database, worker, case)
    choose(view, 0)
    qtbot.mouseClick(view.connections.outcome_button, CLICK)
    dialog = outcome_dialog(view)
    dialog.status.setCurrentIndex(0)
    retype(qtbot, dialog.on, typed)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible() and dialog.form.message("on") == message
    assert dialog.on.text() == typed
    assert outcomes(database) == [(S.REFERRED.value, ago(6))]

    retype(qtbot, dialog.on, f"{ago(6):%d-%m-%Y}")
    assert dialog.form.message("on") == ""
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    assert outcomes(database) == [(S.ATTENDED.value, ago(6))]


def test_a_double_click_opens_the_dialog_with_only_the_outcomes_that_may_follow(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    connection(database, case, worker, 4, "Lunch Club", S.DECLINED, made_days_ago=8)
    view = open_view(qtbot, database, worker, case)
    table = view.connections.table
    cell = table.visualRect(view.connections.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), CLICK, pos=cell)  # a double click starts with a press
    qtbot.mouseDClick(table.viewport(), CLICK, pos=cell)
    dialog = outcome_dialog(view)
    assert options(dialog) == ["Attended"]  # they changed their mind
    assert dialog.status.currentIndex() == 0
    assert dialog.on.calendar().minimumDate() == QDate(ago(4))  # not before the refusal on record
    assert dialog.feedback.toPlainText() == ""
    intro = [label.text() for label in dialog.findChildren(QLabel) if "Recorded so far" in label.text()]
    assert intro == [
        f"How Orla Fenwick-Hale's connection to Lunch Club (Maidstone Community Trust) went. "
        f"They were referred on {ago(8):%d %b %Y}. Recorded so far: declined on {ago(4):%d %b %Y}."
    ]
    dialog.reject()


def test_an_outcome_recorded_meanwhile_by_someone_else_is_not_overwritten(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], worker: Actor, case: int, messages: Messages
) -> None:
    made = connection(database, case, worker, 6, "Men in Sheds")
    view = open_view(qtbot, database, worker, case)
    choose(view, 0)
    qtbot.mouseClick(view.connections.outcome_button, CLICK)
    dialog = outcome_dialog(view)
    dialog.status.setCurrentIndex(dialog.status.findData(S.DECLINED))
    dialog.feedback.setPlainText("Said it was not for her.")
    with database.session() as session:
        connections.record_outcome(session, actors[Role.ADMIN], made, 1, S.ATTENDED, ago(1), "Went twice.")

    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible() and dialog.feedback.toPlainText() == "Said it was not for her."
    [text] = messages.texts()
    assert text.startswith("Someone else changed this connection after you opened it: ")
    assert f"{actors[Role.ADMIN].full_name} recorded Attended at " in text and "Went twice" not in text
    assert dialog.changed_meanwhile.text().endswith(
        "\nDeclined cannot follow attended: choose again, or cancel to leave theirs."
    )
    assert dialog.chosen() is None and dialog.status.count() == 1  # attended can only be recorded again
    messages.close_all()
    dialog.reject()
    assert rows(view, 4) == [f"Attended ({ago(1):%d %b %Y})"]  # their outcome, read again
    assert rows(view, 6) == ["Went twice."]


def test_an_ended_case_finds_no_more_services_but_outcomes_can_still_come_in(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    connection(database, case, worker, 6, "Men in Sheds", S.SIGNPOSTED)
    past_status(database, case, worker, 1, CaseStatus.CLOSED)
    view = open_view(qtbot, database, worker, case)
    assert view.connections.find_button.isVisible() and not view.connections.find_button.isEnabled()
    choose(view, 0)
    assert view.connections.outcome_button.isEnabled()


def test_a_suggestion_can_only_be_turned_down_here(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    connection(database, case, worker, 2, "Sewing Circle", S.SUGGESTED)
    view = open_view(qtbot, database, worker, case)
    assert rows(view, 2) == ["Suggested"] and rows(view, 4) == ["Not known yet"]
    choose(view, 0)
    qtbot.mouseClick(view.connections.outcome_button, CLICK)
    dialog = outcome_dialog(view)
    assert options(dialog) == ["Declined"]
    dialog.reject()


def test_without_the_right_to_edit_the_list_is_read_only(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    connection(database, case, worker, 6, "Men in Sheds")
    with database.session() as session:
        record = open_case(session, worker, case, reopened=True)
    panel = ConnectionsPanel(case)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_record(record, editable=False)
    assert panel.find_button.isHidden() and panel.outcome_button.isHidden()
    panel.table.selectRow(0)
    with qtbot.assertNotEmitted(panel.outcome_requested):
        panel.request_outcome()
    panel.show_record(record, editable=True)
    with qtbot.waitSignal(panel.outcome_requested) as asked:
        panel.request_outcome()
    assert asked.args[0].service_name == "Men in Sheds"


def test_a_connection_made_moves_the_case_on_and_both_show_on_the_case_screen(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    declined = connection(database, case, worker, 5, "Men in Sheds", S.DECLINED)  # its service, again
    with database.session() as session:
        [service_id] = session.scalars(select(Connection.service_id).where(Connection.id == declined))
        connections.make_connection(session, worker, case, service_id, S.SIGNPOSTED, ago(1))
    view = open_view(qtbot, database, worker, case)
    assert view.status.text().startswith("Connected since ")
    assert rows(view, 3) == [f"{ago(1):%d %b %Y}", f"{ago(5):%d %b %Y}"]  # the new one first
    timeline = view.timeline[0]
    entries = [
        tuple(timeline.data(timeline.index(row, column)) for column in (1, 2, 3))
        for row in range(timeline.rowCount())
    ]
    assert ("Status: connected", "Wren Worker", "From referred") in entries
    assert ("Signposted to Men in Sheds", "Wren Worker", "Maidstone Community Trust") in entries


def test_the_list_and_the_dialog_say_who_made_each_connection(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], worker: Actor, case: int
) -> None:
    """Made by the worker, its outcome recorded by the admin: each name where it belongs."""
    declined = connection(database, case, worker, 5, "Men in Sheds", S.DECLINED)
    with database.session() as session:
        [service_id] = session.scalars(select(Connection.service_id).where(Connection.id == declined))
        made = connections.make_connection(session, worker, case, service_id, S.REFERRED, ago(4))
        connections.record_outcome(
            session, actors[Role.ADMIN], made.id, made.version, S.DID_NOT_ATTEND, ago(1), ""
        )
    view = open_view(qtbot, database, worker, case)
    assert rows(view, 2) == ["Referred by Wren Worker", "Referred"]  # the older one names no maker
    assert rows(view, 5) == ["Ada Admin", "Wren Worker"]
    timeline = view.timeline[0]
    steps = [
        (timeline.data(timeline.index(row, 1)), timeline.data(timeline.index(row, 2)))
        for row in range(timeline.rowCount())
        if "Men in Sheds" in timeline.data(timeline.index(row, 1))
    ]
    assert steps == [
        ("Did not attend Men in Sheds", "Ada Admin"),
        ("Referred to Men in Sheds", "Wren Worker"),
        ("Declined Men in Sheds", "Wren Worker"),
        ("Referred to Men in Sheds", ""),  # made before who made it was kept
    ]

    choose(view, 0)
    qtbot.mouseClick(view.connections.outcome_button, CLICK)
    dialog = outcome_dialog(view)
    intro = [label.text() for label in dialog.findChildren(QLabel) if "Recorded so far" in label.text()]
    assert intro == [
        f"How Orla Fenwick-Hale's connection to Men in Sheds (Maidstone Community Trust) went. "
        f"They were referred by Wren Worker on {ago(4):%d %b %Y}. "
        f"Recorded so far: did not attend on {ago(1):%d %b %Y}."
    ]
    dialog.reject()


def match_for(qtbot: QtBot, database: Database, worker: Actor) -> tuple[MatchView, int]:
    """The match screen of a case with a Polish club in the directory, its search come back."""
    case = person_case(database, worker, language="Polish")
    add_postcode_points(database, (HOME_POSTCODE, *HOME))
    add_services(database, worker, Spec("Polish club", ("loneliness",), km=2.5, languages=("Polish",)))
    view = MatchView(Workspace(database, worker), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    if view.job is not None and view.job.running:
        with qtbot.waitSignal(view.job.finished, timeout=20_000):
            pass
    view.table.selectRow(0)
    return view, case


def connect_dialog(view: MatchView, route: S) -> ConnectDialog:
    dialog = view.connect_to(route)
    assert isinstance(dialog, ConnectDialog) and dialog.isVisible()
    return dialog


def test_a_referral_says_how_it_was_made_with_a_note_and_the_case_shows_both(
    qtbot: QtBot, database: Database, worker: Actor
) -> None:
    view, case = match_for(qtbot, database, worker)
    dialog = connect_dialog(view, S.REFERRED)
    assert dialog.method.currentIndex() == -1  # nothing assumed: the worker says how
    assert [dialog.method.itemText(i) for i in range(dialog.method.count())] == [
        method.label for method in ConnectionMethod
    ]
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("method") == "Choose how you referred or signposted them."

    dialog.method.setFocus()
    dialog.method.setCurrentIndex(dialog.method.findData(ConnectionMethod.EMAIL))
    assert dialog.form.message("method") == ""
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Emailed Sue, the coordinator; she will ring her on Monday.")
    with qtbot.waitSignal(view.connected):
        qtbot.mouseClick(dialog.save_button, CLICK)
    with database.session() as session:
        stored = session.execute(select(Connection.method, Connection.note)).one()
    assert tuple(stored) == ("email", "Emailed Sue, the coordinator; she will ring her on Monday.")

    case_view = open_view(qtbot, database, worker, case)
    assert rows(case_view, 2) == ["Referred by Wren Worker (email)"]
    panel = case_view.connections
    assert panel.details.text() == "Choose a connection to read its note and feedback."
    choose(case_view, 0)
    assert panel.details.text() == (
        f"Referred by Wren Worker (email) on {TODAY:%d %b %Y}. "
        "Note: Emailed Sue, the coordinator; she will ring her on Monday."
    )


def test_another_way_asks_for_a_note_saying_how(qtbot: QtBot, database: Database, worker: Actor) -> None:
    view, _case = match_for(qtbot, database, worker)
    dialog = connect_dialog(view, S.SIGNPOSTED)
    assert dialog.windowTitle() == "Signpost to Polish club"
    dialog.method.setCurrentIndex(dialog.method.findData(ConnectionMethod.OTHER))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("note") == "Say in the note how you referred or signposted them."
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Through her daughter, who will take her")
    assert dialog.form.message("note") == ""
    with qtbot.waitSignal(view.connected):
        qtbot.mouseClick(dialog.save_button, CLICK)
    with database.session() as session:
        assert tuple(session.execute(select(Connection.route, Connection.method)).one()) == (
            "signposted",
            "other",
        )


def test_the_details_of_an_older_connection_say_what_is_on_record(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    connection(database, case, worker, 3, "Men in Sheds", S.ATTENDED, made_days_ago=9)
    view = open_view(qtbot, database, worker, case)
    choose(view, 0)
    assert view.connections.details.text() == (
        f"Referred on {ago(9):%d %b %Y}. Attended on {ago(3):%d %b %Y}, recorded by Wren Worker. "
        "Feedback: Enjoyed the first session."
    )
