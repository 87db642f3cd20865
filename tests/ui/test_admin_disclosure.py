"""The Disclosure tab of the Administration area sets the PCN's real threshold and shows the
sentence its summaries will carry."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.disclosure import NHS_DIGITAL
from linkworker.domain.roles import Role
from linkworker.services import audit, disclosure
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.ui.admin_view import AdminView
from tests.ui.conftest import Messages


def open_tab(qtbot: QtBot, database: Database, admin: Actor) -> AdminView:
    view = AdminView(database, admin)
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
