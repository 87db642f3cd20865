"""Case tabs close with a plain close button (issue 15: "a normal close button on case tabs"):
an ✕ in the style's colours, named for the case it closes, which closes its own tab wherever
the tab has been moved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar, QToolButton
from pytestqt.qtbot import QtBot

from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.case_tabs import CaseTabs
from tests.services.casework_builder import new_case


def test_each_case_tab_has_its_own_plain_close_button(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    first, second = new_case(sqlite_database, worker), new_case(sqlite_database, worker, given_name="Orlagh")
    tabs = CaseTabs(Workspace(sqlite_database, worker))
    qtbot.addWidget(tabs)
    tabs.resize(1166, 700)
    tabs.show()
    tabs.open_case(first)
    tabs.open_case(second)
    bar = tabs.tabs.tabBar()
    buttons = [bar.tabButton(index, QTabBar.ButtonPosition.RightSide) for index in range(bar.count())]
    assert all(isinstance(button, QToolButton) for button in buttons)
    assert [button.text() for button in buttons] == ["✕", "✕"]
    assert buttons[0].accessibleName() == f"Close case {case_number(first)}"
    assert buttons[0].objectName() == "tabClose"

    bar.moveTab(0, 1)  # the first case's tab is now second
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert tabs.open_referral_ids() == [second]
