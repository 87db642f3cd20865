"""An NHS pseudo-postcode shows what it means: beside the postcode as it is typed on the New
referral screen, and after the code in the case's person panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.case_record import open_case
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.case_sections import PersonPanel
from linkworker.ui.cases.referral_form import NewReferralView
from tests.services.matching_builder import person_case


@pytest.fixture
def view(qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> NewReferralView:
    view = NewReferralView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.resize(1176, 708)
    view.show()
    qtbot.waitExposed(view)
    qtbot.keyClicks(view.search_given_name, "Bram")
    qtbot.keyClicks(view.search_family_name, "Ashdown")
    qtbot.keyClicks(view.search_date_of_birth, "04/07/1960")
    qtbot.keyClick(view.search_date_of_birth, Qt.Key.Key_Return)
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.person_section.isVisible()
    return view


def test_a_pseudo_postcode_typed_on_the_referral_form_shows_its_meaning(
    qtbot: QtBot, view: NewReferralView
) -> None:
    assert view.postcode_meaning.isHidden()
    qtbot.keyClicks(view.postcode, "zz99 1wz")
    assert view.postcode_meaning.text() == (
        "ZZ99 1WZ is an NHS pseudo-postcode: Scotland, postcode not given. "
        "It is not a place, so distances to services are unknown."
    )
    assert not view.postcode_meaning.isHidden()
    assert view.postcode_meaning.accessibleName() == "What the postcode means"

    view.postcode.clear()
    qtbot.keyClicks(view.postcode, "ZZ99 8QZ")
    assert "Abroad: a country code not in Linkworker's list" in view.postcode_meaning.text()

    view.postcode.clear()
    qtbot.keyClicks(view.postcode, "ME14 1XX")
    assert view.postcode_meaning.isHidden() and view.postcode_meaning.text() == ""


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("ZZ99 3VZ", "ZZ99 3VZ (No fixed abode)"),
        ("ZZ99 4QZ", "ZZ99 4QZ (Abroad: Germany)"),
        ("ME15 6AA", "ME15 6AA"),
    ],
)
def test_the_person_panel_shows_the_meaning_after_the_code(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], written: str, shown: str
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    case = person_case(sqlite_database, worker, postcode=written)
    with sqlite_database.session() as session:
        record = open_case(session, worker, case)
    panel = PersonPanel()
    qtbot.addWidget(panel)
    panel.show_record(record)
    assert panel.values["address"].text().splitlines()[-1] == shown
