"""The Disclosure tab of the Administration area sets the PCN's real threshold and meaningful
SWEMWBS change, and shows what its summaries will say."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.disclosure import NHS_DIGITAL
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.summary import disclosure
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.administration.admin_view import AdminView, DisclosureTab
from linkworker.ui.shell.main_window import MainWindow
from tests.ui.conftest import Messages


def open_tab(qtbot: QtBot, database: Database, admin: Actor) -> AdminView:
    view = AdminView(Workspace(database, admin))
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentWidget(view.disclosure)  # as choosing the tab does: it reads the rule
    return view


def test_an_administrator_chooses_a_threshold_and_goes_back_to_the_nhs_digital_rule(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], messages: Messages
) -> None:
    tab = open_tab(qtbot, database, actors[Role.ADMIN]).disclosure
    assert tab.threshold.value() == 7
    assert tab.in_use.text() == f"Summaries will say: {NHS_DIGITAL.describe()}"
    assert not tab.nhs_button.isEnabled()

    tab.threshold.setFocus()
    tab.threshold.selectAll()
    qtbot.keyClicks(tab.threshold, "10")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert messages.texts() == []
    with database.read_session() as session:
        rule = disclosure.rule_for(session, actors[Role.MANAGER])
        events = audit.recent(session, actors[Role.ADMIN])
    assert rule.suppress_up_to == 10
    assert events[0].detail == "suppress_up_to=10"
    assert tab.in_use.text() == f"Summaries will say: {rule.describe()}"
    assert "counts of 1 to 12 are shown as *" in tab.in_use.text()
    assert tab.nhs_button.isEnabled()

    qtbot.mouseClick(tab.nhs_button, Qt.MouseButton.LeftButton)
    with database.read_session() as session:
        assert disclosure.rule_for(session, actors[Role.MANAGER]) == NHS_DIGITAL
    assert tab.threshold.value() == 7 and not tab.nhs_button.isEnabled()


def test_the_threshold_cannot_be_typed_outside_its_range_and_is_labelled(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    tab = open_tab(qtbot, sqlite_database, sqlite_actors[Role.ADMIN]).disclosure
    assert (tab.threshold.minimum(), tab.threshold.maximum()) == (1, 20)
    tab.threshold.setFocus()
    tab.threshold.selectAll()
    qtbot.keyClicks(tab.threshold, "25")
    assert tab.threshold.value() == 2  # the spin box takes the "2" and refuses the "5"
    assert tab.threshold.accessibleName() == "Hide counts up to"
    assert [tab.save_button.text(), tab.nhs_button.text()] == ["Sa&ve threshold", "Use the NH&S Digital rule"]


def test_an_administrator_sets_the_meaningful_swemwbs_change_and_goes_back_to_the_published_one(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor], messages: Messages
) -> None:
    tab = open_tab(qtbot, database, actors[Role.ADMIN]).disclosure
    assert tab.swemwbs.value() == 2.87
    assert tab.swemwbs_in_use.text() == (
        "Summaries count a SWEMWBS change of at least 2.87 metric points as improved or worse."
    )
    assert not tab.published_button.isEnabled()

    tab.swemwbs.setFocus()
    tab.swemwbs.selectAll()
    qtbot.keyClicks(tab.swemwbs, "1.5")
    qtbot.mouseClick(tab.swemwbs_save_button, Qt.MouseButton.LeftButton)

    assert messages.texts() == []
    with database.read_session() as session:
        points = disclosure.swemwbs_change_for(session, actors[Role.MANAGER])
        event = audit.recent(session, actors[Role.ADMIN])[0]
    assert points == 1.5
    assert (event.action, event.entity, event.detail) == ("swemwbs_change_set", "pcn", "metric_points=1.50")
    assert event.username == "admin"
    assert tab.swemwbs.value() == 1.5
    assert "at least 1.50 metric points" in tab.swemwbs_in_use.text()
    assert tab.published_button.isEnabled()

    qtbot.mouseClick(tab.published_button, Qt.MouseButton.LeftButton)
    with database.read_session() as session:
        assert disclosure.swemwbs_change_for(session, actors[Role.MANAGER]) == 2.87
    assert tab.swemwbs.value() == 2.87 and not tab.published_button.isEnabled()


def test_a_swemwbs_change_outside_1_to_3_shows_the_message_and_is_not_saved(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    tab = open_tab(qtbot, sqlite_database, sqlite_actors[Role.ADMIN]).disclosure
    assert not tab.swemwbs_message.isVisible()
    tab.swemwbs.setFocus()
    tab.swemwbs.selectAll()
    qtbot.keyClicks(tab.swemwbs, "0.5")

    # Said at once, beside the field; Save waits, since the spin box would put back the last
    # good value as focus left it, and that value would be saved instead.
    assert tab.swemwbs_message.isVisible()
    assert tab.swemwbs_message.text() == (
        "Choose a change from 1.00 to 3.00 metric points (Shah et al. 2018: 1 to 3)."
    )
    assert tab.swemwbs.accessibleDescription() == tab.swemwbs_message.text()
    assert not tab.swemwbs_save_button.isEnabled()
    qtbot.mouseClick(tab.swemwbs_save_button, Qt.MouseButton.LeftButton)
    assert tab.swemwbs.text() == "0.5" and messages.texts() == []
    with sqlite_database.read_session() as session:
        assert disclosure.swemwbs_change_for(session, sqlite_actors[Role.ADMIN]) == 2.87
        actions = [event.action for event in audit.recent(session, sqlite_actors[Role.ADMIN])]
    assert "swemwbs_change_set" not in actions

    tab.swemwbs.selectAll()
    qtbot.keyClicks(tab.swemwbs, "1.25")
    assert not tab.swemwbs_message.isVisible() and tab.swemwbs.accessibleDescription() == ""
    assert tab.swemwbs_save_button.isEnabled()

    tab.swemwbs.selectAll()
    qtbot.keyClicks(tab.swemwbs, "3.5")
    assert tab.swemwbs.text() == "3."  # the spin box takes "3." and refuses the "5"


def test_the_swemwbs_change_is_labelled_and_explained(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    tab = open_tab(qtbot, sqlite_database, sqlite_actors[Role.ADMIN]).disclosure
    spin = tab.swemwbs
    assert (spin.minimum(), spin.maximum(), spin.singleStep(), spin.decimals()) == (1.0, 3.0, 0.01, 2)
    assert spin.accessibleName() == "Meaningful SWEMWBS change in metric points"
    assert tab.swemwbs_label.text() == "&Meaningful SWEMWBS change (metric points):"
    assert tab.swemwbs_label.buddy() is spin
    assert [tab.swemwbs_save_button.text(), tab.published_button.text()] == [
        "Save &change",
        "Published &default (2.87)",
    ]
    assert tab.swemwbs_explanation.isVisible()
    assert tab.swemwbs_explanation.text() == (
        "A SWEMWBS change counts as improved or worse only when the metric score moves by at least "
        "this many points. Shah et al. (2018) give 1.03 (1 standard error) to 2.87 (2.77 standard "
        "errors: very probably a real change)."
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LINK_WORKER])
def test_only_an_administrator_sees_or_sets_the_swemwbs_change(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages, role: Role
) -> None:
    window = MainWindow(Workspace(sqlite_database, sqlite_actors[role]))
    qtbot.addWidget(window)
    window.show()
    assert window.findChildren(DisclosureTab) == []

    # Even given the tab, the service refuses the change and nothing is saved.
    tab = DisclosureTab(Workspace(sqlite_database, sqlite_actors[role]))
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    tab.swemwbs.setValue(1.5)
    qtbot.mouseClick(tab.swemwbs_save_button, Qt.MouseButton.LeftButton)
    assert messages.texts() == [
        f"Your role ({role.label}) does not allow you to administer Linkworker "
        "(users, practices, the audit trail, backups)."
    ]
    with sqlite_database.read_session() as session:
        assert disclosure.swemwbs_change_for(session, sqlite_actors[role]) == 2.87
