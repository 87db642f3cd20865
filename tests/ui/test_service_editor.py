"""The service editor on real data: a new entry with two venues and an evening session read back
through the directory service, an edit, every problem beside its field with nothing written, a
stale save that keeps the edit, marking verified, and the read-only dialog."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from linkworker.domain import roles
from linkworker.domain.access import AccessNeed, features_of
from linkworker.domain.breakdowns import rule_reading
from linkworker.domain.disclosure import NHS_DIGITAL
from linkworker.domain.roles import Permission, Role
from linkworker.domain.service_entry import LocationEntry, ScheduleEntry, ServiceEntry
from linkworker.services.actor import Actor
from linkworker.services.directory import directory
from linkworker.services.directory.directory import DirectoryQuery, ServiceDetail
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Service
from linkworker.ui.directory.service_editor import ACCESS_FEATURES, ServiceEditorDialog, SessionRow, VenueRow
from linkworker.ui.widgets.forms import plain_label
from tests.services.casework_builder import connection, new_case
from tests.ui.conftest import Messages

STORED = ServiceEntry(
    organisation_name="Medway Men's Sheds",
    name="Woodwork Shed",
    description="Making things together.",
    needs=("loneliness",),
    locations=(
        LocationEntry("Shed One", "2 Dock Road", "Chatham", "ME4 4TZ"),
        LocationEntry("Shed Two", "", "Rochester", "ME1 1AA", "51.38", "0.50"),
    ),
    schedules=(ScheduleEntry(("WE",), "10:00", "13:00", "", 1),),
    cost_kind="low_cost",
    accessibility="Step-free access; Quiet room",
    languages="English",
    access_routes=("self_referral",),
)


def store(database: Database, actor: Actor, entry: ServiceEntry = STORED) -> ServiceDetail:
    with database.session() as session:
        return directory.create_service(session, actor, entry)


def read(database: Database, actor: Actor, service_id: int) -> ServiceDetail:
    with database.session() as session:
        return directory.get_service(session, actor, service_id)


def opened(qtbot: QtBot, database: Database, actor: Actor, service_id: int | None) -> ServiceEditorDialog:
    dialog = ServiceEditorDialog(Workspace(database, actor), service_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def tick_need(dialog: ServiceEditorDialog, code: str) -> None:
    for number in range(dialog.needs.count()):
        item = dialog.needs.item(number)
        if item.data(Qt.ItemDataRole.UserRole) == code:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"need {code} not offered")


def fill_venue(row: VenueRow, name: str, town: str, postcode: str, lat: str = "", lon: str = "") -> None:
    row.name.setText(name)
    row.town.setText(town)
    row.postcode.setText(postcode)
    row.latitude.setText(lat)
    row.longitude.setText(lon)


def save(qtbot: QtBot, dialog: ServiceEditorDialog) -> int:
    with qtbot.waitSignal(dialog.saved, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert blocker.args is not None
    return int(blocker.args[0])


def test_a_new_service_with_two_venues_and_an_evening_session_is_saved_and_read_back(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    dialog = opened(qtbot, database, manager, None)
    assert dialog.windowTitle() == "New service" and not dialog.verify_button.isVisible()
    dialog.organisation_name.setText("Kent Walks")
    dialog.name.setText("Riverside Evening Walk")
    dialog.description.setPlainText("A gentle walk after work.")
    tick_need(dialog, "loneliness")
    tick_need(dialog, "physical_activity")
    qtbot.mouseClick(dialog.venues.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.venues.add_button, Qt.MouseButton.LeftButton)
    first, second = dialog.venue_rows()
    fill_venue(first, "Riverside Hall", "Gillingham", "me7 1aa", "51.389", "0.548")
    fill_venue(second, "Park Cafe", "Chatham", "ME4 4AA")
    qtbot.mouseClick(dialog.sessions.add_button, Qt.MouseButton.LeftButton)
    (evening,) = dialog.session_rows()
    evening.days[next(day for day in evening.days if day.value == "TU")].setChecked(True)
    evening.days[next(day for day in evening.days if day.value == "TH")].setChecked(True)
    evening.opens.setText("18:30")
    evening.closes.setText("20:00")
    assert evening.venue.count() == 3 and evening.venue.itemText(2) == "Venue 2: Park Cafe"
    evening.venue.setCurrentIndex(2)
    assert evening.when.text() == "Evenings"
    dialog.cost_kind.setCurrentIndex(dialog.cost_kind.findData("free"))
    dialog.cost_note.setText("Donations welcome")
    dialog.access_boxes[0].setChecked(True)
    dialog.other_access.setText("Benches on the route")
    dialog.languages.setText("English; Polish")
    dialog.min_age.setText("18")
    dialog.route_boxes["drop_in"].setChecked(True)
    dialog.phone.setText("01632 960123")
    dialog.email.setText("walks@example.org")
    dialog.url.setText("example.org/walks")
    dialog.waiting_time.setText("None")
    dialog.checked_today.setChecked(True)

    service_id = save(qtbot, dialog)

    assert dialog.result() == ServiceEditorDialog.DialogCode.Accepted
    stored = read(database, manager, service_id)
    assert (stored.organisation_name, stored.name, stored.description) == (
        "Kent Walks",
        "Riverside Evening Walk",
        "A gentle walk after work.",
    )
    assert set(stored.needs) == {"loneliness", "physical_activity"}
    venues = {venue.name: venue for venue in stored.locations}
    assert venues["Riverside Hall"].postcode == "ME7 1AA" and venues["Riverside Hall"].latitude == 51.389
    assert venues["Park Cafe"].latitude is None
    (schedule,) = stored.schedules
    assert schedule.byday == "TU,TH" and schedule.location_id == venues["Park Cafe"].id
    assert {slot.value for slot in schedule.slots} == {"evening"}
    assert (stored.cost_kind.value, stored.cost_note) == ("free", "Donations welcome")
    assert stored.accessibility == ("Step-free access", "Benches on the route")
    assert stored.languages == ("English", "Polish") and (stored.min_age, stored.max_age) == (18, None)
    assert stored.access_routes == ("drop_in",)
    assert (stored.phone, stored.email, stored.url) == (
        "01632 960123",
        "walks@example.org",
        "https://example.org/walks",
    )
    assert (stored.last_verified_on, stored.verified_by) == (date.today(), "Max Manager")


def test_an_entry_opens_as_stored_and_an_edit_is_saved(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    made = store(sqlite_database, worker)
    with sqlite_database.session() as session:
        session.execute(
            update(Service).where(Service.id == made.id).values(import_problems=["Postcode not in UK"])
        )
    dialog = opened(qtbot, sqlite_database, worker, made.id)
    assert dialog.heading.text() == "Woodwork Shed" and dialog.name.text() == "Woodwork Shed"
    assert dialog.problems.isVisible() and "• Postcode not in UK" in dialog.problems.text()
    # One banner: the style draws a banner's border, and a banner inside a banner drew two.
    assert [frame for frame in dialog.findChildren(QFrame) if frame.objectName() == "warningBanner"] == [
        dialog.problems
    ]
    assert [row.name.text() for row in dialog.venue_rows()] == ["Shed One", "Shed Two"]
    (session_row,) = dialog.session_rows()
    assert session_row.venue.currentText().startswith("Venue 2: Shed Two") and session_row.when.text() == (
        "Weekday daytimes"
    )
    assert dialog.access_boxes[0].isChecked() and dialog.other_access.text() == "Quiet room"
    assert dialog.cost_kind.currentData() == "low_cost" and dialog.route_boxes["self_referral"].isChecked()

    dialog.name.setText("Woodwork and Repair Shed")
    qtbot.mouseClick(dialog.venue_rows()[0].remove, Qt.MouseButton.LeftButton)
    assert [row.name.text() for row in dialog.venue_rows()] == ["Shed Two"]
    assert session_row.venue.currentText().startswith("Venue 1: Shed Two")
    weekend = dialog.add_session()
    weekend.days[next(day for day in weekend.days if day.value == "SA")].setChecked(True)
    assert weekend.when.text() == "Weekends"
    save(qtbot, dialog)

    stored = read(sqlite_database, worker, made.id)
    assert stored.name == "Woodwork and Repair Shed" and stored.version != made.version
    (venue,) = stored.locations
    assert venue.name == "Shed Two" and venue.id == made.locations[1].id
    assert [(schedule.byday, schedule.location_id) for schedule in stored.schedules] == [
        ("WE", venue.id),
        ("SA", None),
    ]
    assert stored.import_problems == () and stored.updated_by == "Wren Worker"


def test_every_problem_is_shown_beside_its_field_and_nothing_is_written(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    dialog = opened(qtbot, sqlite_database, manager, None)
    venue = dialog.add_venue()
    fill_venue(venue, "Hall", "Town", "NOT A CODE")
    session_row = dialog.add_session()
    session_row.opens.setText("19:00")
    dialog.min_age.setText("30")
    dialog.max_age.setText("20")
    dialog.email.setText("not an address")
    dialog.url.setText("no spaces allowed here")
    dialog.phone.setText("call us")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    for field in (
        "organisation_name",
        "name",
        "needs",
        "locations",
        "schedules",
        "cost_kind",
        "max_age",
        "email",
        "url",
        "phone",
    ):
        assert dialog.form.message(field), field
    assert dialog.form.message("locations").startswith("Venue 1:")
    assert dialog.form.message("schedules").startswith("Time 1:")
    assert venue.property("invalid") is True and session_row.property("invalid") is True
    assert dialog.status_line.text().startswith("Nothing saved yet: 10 fields need checking")
    assert dialog.isVisible() and dialog.result() == 0
    with sqlite_database.session() as session:
        assert directory.count(session, manager, DirectoryQuery()) == 0

    dialog.organisation_name.setText("Kent Walks")
    dialog.name.setText("Walk")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.form.message("name") and dialog.form.message("needs")


def test_a_stale_save_is_refused_and_the_edit_kept(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    worker, manager = sqlite_actors[Role.LINK_WORKER], sqlite_actors[Role.MANAGER]
    made = store(sqlite_database, worker)
    dialog = opened(qtbot, sqlite_database, worker, made.id)
    with sqlite_database.session() as session:
        directory.update_service(
            session, manager, made.id, made.version, ServiceEntry(**{**STORED.__dict__, "name": "Their Shed"})
        )
    dialog.name.setText("My Shed")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "Someone else changed this directory entry" in messages.texts()[0]
    assert dialog.isVisible() and dialog.name.text() == "My Shed"
    assert "Your changes are still here" in dialog.status_line.text()
    assert read(sqlite_database, worker, made.id).name == "Their Shed"
    messages.close_all()
    assert dialog.reload_button.isVisible()
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert dialog.name.text() == "Their Shed" and not dialog.status_line.isVisible()
    dialog.name.setText("My Shed")
    save(qtbot, dialog)
    assert read(sqlite_database, worker, made.id).name == "My Shed"


def test_mark_verified_records_today_and_who_and_keeps_the_edit(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    made = store(sqlite_database, manager)
    dialog = opened(qtbot, sqlite_database, manager, made.id)
    assert dialog.verified.text().startswith("Never verified. Stale")
    dialog.waiting_time.setText("About a week")
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [made.id]
    stored = read(sqlite_database, manager, made.id)
    assert (stored.last_verified_on, stored.verified_by, stored.stale) == (date.today(), "Max Manager", False)
    assert dialog.verified.text() == f"{date.today():%d %b %Y} by Max Manager."
    assert dialog.waiting_time.text() == "About a week" and dialog.isVisible()
    save(qtbot, dialog)
    assert read(sqlite_database, manager, made.id).waiting_time == "About a week"


def test_a_role_without_edit_directory_sees_the_entry_read_only(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role may edit the directory today; take the permission from link workers in the real
    grants table to check that the dialog follows ``choices.may_edit``."""
    worker = sqlite_actors[Role.LINK_WORKER]
    made = store(sqlite_database, worker)
    monkeypatch.setitem(
        roles._GRANTS, Role.LINK_WORKER, roles._GRANTS[Role.LINK_WORKER] - {Permission.EDIT_DIRECTORY}
    )
    dialog = opened(qtbot, sqlite_database, worker, made.id)
    assert dialog.name.text() == "Woodwork Shed" and dialog.name.isReadOnly()
    assert all(row.name.isReadOnly() and not row.remove.isVisible() for row in dialog.venue_rows())
    assert all(not row.venue.isEnabled() for row in dialog.session_rows())
    assert not dialog.needs.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert not dialog.cost_kind.isEnabled() and not dialog.access_boxes[0].isEnabled()
    hidden = (dialog.save_button, dialog.verify_button, dialog.venues.add_button, dialog.checked_today)
    assert not any(widget.isVisible() for widget in hidden)
    assert dialog.cancel_button.text() == "Close"
    assert dialog.status_line.text() == "Your role can read the directory but not change it."

    manager_dialog = opened(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], made.id)
    assert manager_dialog.save_button.isVisible() and not manager_dialog.name.isReadOnly()


def test_the_dialog_fits_the_screen_and_scrolls(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    dialog = opened(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], None)
    screen = (dialog.screen() or QApplication.primaryScreen()).availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    assert dialog.scroll_area.widget().sizeHint().height() > dialog.scroll_area.viewport().height()


def test_each_accessibility_tick_is_a_feature_matching_recognises() -> None:
    assert [features_of([text]) for text in ACCESS_FEATURES] == [frozenset({need}) for need in AccessNeed]


def test_session_rows_drop_a_removed_venue(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    dialog = opened(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], None)
    hall = dialog.add_venue()
    hall.name.setText("Hall")
    row: SessionRow = dialog.add_session()
    row.venue.setCurrentIndex(1)
    assert row.entry().location_index == 0
    qtbot.mouseClick(hall.remove, Qt.MouseButton.LeftButton)
    assert row.entry().location_index is None and row.venue.currentText() == "No particular venue"
    assert dialog.venues.empty.isVisible()


def test_each_row_shows_the_name_its_problems_use_and_only_the_named_row_is_outlined(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    dialog = opened(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], None)
    first, second = dialog.add_venue(), dialog.add_venue()
    fill_venue(first, "Hall", "Chatham", "ME4 4TZ")
    fill_venue(second, "Cafe", "Chatham", "NOT A CODE")
    times = [dialog.add_session() for _ in range(2)]
    assert [row.title.text() for row in dialog.venue_rows()] == ["Venue 1", "Venue 2"]
    assert [row.title.text() for row in times] == ["Time 1", "Time 2"]
    assert not any(row.title.isHidden() for row in (first, second, *times))

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.form.message("locations").startswith("Venue 2:")
    assert [row.property("invalid") for row in dialog.venue_rows()] == [False, True]
    assert dialog.form.message("schedules").startswith("Time 1:")
    assert [row.property("invalid") for row in times] == [True, False]

    qtbot.mouseClick(first.remove, Qt.MouseButton.LeftButton)
    assert second.title.text() == "Venue 1", "renumbered as the rules will number it"
    second.postcode.setText("ME4 4AA")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.form.message("locations") and second.property("invalid") is False


def test_a_long_description_shows_five_whole_lines(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    dialog = opened(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], None)
    edit = dialog.description
    edit.setPlainText("\n".join(f"Line {number}" for number in range(1, 9)))
    inside = edit.viewport().height() - 2 * edit.document().documentMargin()
    assert inside >= 5 * edit.fontMetrics().lineSpacing()
    assert inside < 6 * edit.fontMetrics().lineSpacing()


def test_tab_goes_through_venues_and_times_where_they_are_on_the_form(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    """Rows are made after the form; without an order set, Tab reached them only after Cancel."""
    dialog = opened(
        qtbot,
        sqlite_database,
        sqlite_actors[Role.MANAGER],
        store(sqlite_database, sqlite_actors[Role.MANAGER]).id,
    )
    dialog.add_venue()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    dialog.needs.setFocus()
    reached = []
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        reached.append(focused.accessibleName() or plain_label(focused.text()))
    venue = ["name", "address", "town", "postcode", "latitude", "longitude"]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert reached == [
        *(f"Venue 1 {part}" for part in venue),
        "Remove venue 1",
        *(f"Venue 2 {part}" for part in venue),
        "Remove venue 2",
        *(f"Venue 3 {part}" for part in venue),
        "Remove venue 3",
        "Add venue",
        *(f"Time 1 {day}" for day in days),
        "Time 1 opens",
    ]


def test_a_service_used_for_one_person_reads_as_a_star_to_a_manager(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = new_case(sqlite_database, worker)
    connection(sqlite_database, case, worker, days_ago=2, service_name="Woodwork Shed")
    with sqlite_database.session() as session:
        service_id = session.scalars(select(Service.id).where(Service.name == "Woodwork Shed")).one()

    worker_dialog = opened(qtbot, sqlite_database, worker, service_id)
    assert "Used for 1 person here; 0 attended." in worker_dialog.history.text()
    manager_dialog = opened(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], service_id)
    assert "Used for * people here; 0 attended. " in manager_dialog.history.text()
    assert manager_dialog.history.text().endswith(rule_reading(NHS_DIGITAL))
