"""A new database, as its first users meet it: Today, the caseload and the directory say what to
do next (add practices, import or add referrals, import the directory) with a button for each
step the user's role may take, which goes where it is done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.domain.service_entry import ServiceEntry
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.directory import directory
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.directory.service_editor import ServiceEditorDialog
from linkworker.ui.shell.main_window import MainWindow
from linkworker.ui.widgets.empty_state import EmptyState
from tests.services.casework_builder import new_case

ENTRY = ServiceEntry(organisation_name="Kent Walks", name="Walk", needs=("loneliness",), cost_kind="free")


def open_window(qtbot: QtBot, database: Database, actor: Actor) -> MainWindow:
    window = MainWindow(Workspace(database, actor))
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def click(qtbot: QtBot, panel: EmptyState, text: str) -> None:
    button = panel.button(text)
    assert button is not None and button.isVisible() and button.isEnabled(), text
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def area(window: MainWindow) -> str:
    return window.area_titles()[window.navigation.currentRow()]


def go(window: MainWindow, title: str) -> None:
    window.show_area(window.area_titles().index(title))


def no_practices(database: Database, admin: Actor) -> None:
    with database.session() as session:
        for practice in organisation.list_practices(session, admin):
            organisation.set_practice_active(session, admin, practice.id, practice.version, False)


def test_today_on_a_new_database_says_what_to_do_next(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert window.today is not None
    panel = window.today.getting_started
    assert panel.isVisible()
    assert panel.heading.text() == "Getting started"
    assert not any(section.isVisible() for section in window.today.sections)  # five empty lists
    assert panel.button_texts() == [
        "Import referrals",
        "New referral",
        "Import the directory",
        "New service…",
    ]
    assert "There are no referrals yet" in panel.text()
    assert "The directory is empty" in panel.text()
    assert panel.button("Add practices") is None  # the PCN has practices
    assert QApplication.focusWidget() is window.navigation  # the panel takes nothing on opening

    click(qtbot, panel, "Import referrals")
    assert area(window) == "Import referrals"
    go(window, "Today")
    click(qtbot, panel, "New referral")
    assert area(window) == "New referral"
    go(window, "Today")
    click(qtbot, panel, "Import the directory")
    directory_area = window.view("Directory")
    assert directory_area is not None
    assert area(window) == "Directory" and directory_area.tabs.currentWidget() is directory_area.importer


def test_today_s_lists_come_back_once_there_is_a_referral(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    window = open_window(qtbot, sqlite_database, worker)
    assert window.today is not None and window.today.getting_started.isVisible()
    new_case(sqlite_database, worker)  # nobody's yet: Today lists it as not assigned
    window.refresh()
    assert not window.today.getting_started.isVisible()
    assert window.today.unassigned.isVisible() and window.today.unassigned.model.rowCount() == 1


def test_the_caseload_on_a_new_database_offers_import_or_a_new_referral(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    window = open_window(qtbot, sqlite_database, worker)
    caseload = window.view("Caseload")
    assert caseload is not None
    go(window, "Caseload")
    panel = caseload.empty_state
    assert panel.isVisible() and not caseload.table.isVisible()
    assert panel.heading.text() == "No cases yet"
    assert panel.button_texts() == ["Import referrals", "New referral"]
    click(qtbot, panel, "Import referrals")
    assert area(window) == "Import referrals"

    # Another worker's case: the PCN is under way, and my empty list is only an empty list.
    new_case(sqlite_database, worker)
    go(window, "Caseload")
    assert not panel.isVisible() and caseload.table.isVisible()
    assert caseload.count_label.text() == "No cases"


def test_the_network_s_case_list_says_where_referrals_come_in_without_dead_buttons(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    network = window.view("Network")
    assert network is not None and network.cases is not None and network.tabs is not None
    go(window, "Network")
    network.tabs.setCurrentWidget(network.cases)
    panel = network.cases.empty_state
    assert panel.isVisible() and panel.button_texts() == []
    assert "Import referrals" in panel.text()


def test_an_empty_directory_offers_the_import_and_a_new_service(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    manager = sqlite_actors[Role.MANAGER]
    window = open_window(qtbot, sqlite_database, manager)
    directory_area = window.view("Directory")
    assert directory_area is not None
    go(window, "Directory")
    services = directory_area.services
    panel = services.empty_state
    assert panel.isVisible() and not services.table.isVisible()
    assert panel.heading.text() == "The directory is empty"
    assert panel.button_texts() == ["Import the directory", "New service…"]

    click(qtbot, panel, "New service…")
    editor = directory_area.findChild(ServiceEditorDialog)
    assert editor is not None and editor.isVisible()
    editor.reject()
    click(qtbot, panel, "Import the directory")
    assert directory_area.tabs.currentWidget() is directory_area.importer

    with sqlite_database.session() as session:
        directory.create_service(session, manager, replace(ENTRY), verified=True, today=date.today())
    directory_area.tabs.setCurrentWidget(directory_area.services)
    assert not panel.isVisible() and services.table.isVisible()
    assert services.model.rowCount() == 1

    # A search that finds nothing is not an empty directory.
    services.search.setText("zzz")
    services.apply_filters()
    assert not panel.isVisible() and services.count_label.text() == "No services"


def test_with_no_practices_an_administrator_is_sent_to_add_them(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    admin = sqlite_actors[Role.ADMIN]
    no_practices(sqlite_database, admin)
    window = open_window(qtbot, sqlite_database, admin)
    assert window.today is not None
    panel = window.today.getting_started
    assert panel.button_texts()[0] == "Add practices"
    assert "Add the PCN's practices first" in panel.text()
    referral_button = panel.button("New referral")
    assert referral_button is not None and not referral_button.isEnabled()  # a referral names a practice
    click(qtbot, panel, "Add practices")
    admin_view = window.view("Administration")
    assert admin_view is not None
    assert area(window) == "Administration" and admin_view.tabs.currentWidget() is admin_view.practices


def test_with_no_practices_a_link_worker_is_told_whom_to_ask(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    no_practices(sqlite_database, sqlite_actors[Role.ADMIN])
    window = open_window(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])
    assert window.today is not None
    panel = window.today.getting_started
    assert panel.button("Add practices") is None
    assert "Ask your Linkworker administrator to add the PCN's practices" in panel.text()
    caseload = window.view("Caseload")
    assert caseload is not None
    go(window, "Caseload")
    assert "Ask your Linkworker administrator" in caseload.empty_state.text()


def test_the_empty_state_card_is_styled_by_the_shared_style_sheet_alone(qtbot: QtBot) -> None:
    """The card's look is a rule of resources/style.qss, as every other widget's is, not a sheet of
    its own: it reads white, with the notice's blue edge, under the app's style."""
    card = EmptyState("Nothing here yet")
    qtbot.addWidget(card)
    card.resize(400, 120)
    card.show()
    assert card.styleSheet() == ""
    sheet = QApplication.instance().styleSheet()  # type: ignore[union-attr]
    assert "QFrame#emptyState" in sheet
    image = card.grab().toImage()
    assert image.pixelColor(200, 60).name() == "#ffffff"
    assert image.pixelColor(2, 60).name() == "#005eb8"
