"""The New referral screen with a recorded person under another name: the worker types the
referral, is asked whether it is a change of name, and either attaches it (the case then shows the
new name, and the earlier one in the person's history) or goes back and corrects what was typed."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import PersonNameChange, Referral
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.referral_form import NewReferralView
from tests.ui.test_referral_form import FIRST, click, fill_referral, open_view, orla, rows

QUESTION = "Same NHS number and date of birth, recorded as Orla Fenwick: a change of name?"


def search(qtbot: QtBot, view: NewReferralView, given: str, family: str) -> None:
    for field, text in (
        (view.search_nhs_number, FIRST),
        (view.search_given_name, given),
        (view.search_family_name, family),
        (view.search_date_of_birth, "14/03/1951"),
    ):
        field.clear()
        qtbot.keyClicks(field, text)
    click(qtbot, view.find_button)


def changes(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(PersonNameChange)) or 0


def test_another_name_is_asked_about_and_attached_with_the_new_name_in_the_history(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    person = orla(sqlite_database, worker)
    view = open_view(qtbot, sqlite_database, worker)

    search(qtbot, view, "Orla", "Hale")
    assert [(row[0], row[-1]) for row in rows(view)] == [("Orla Fenwick", QUESTION)]
    click(qtbot, view.use_button)

    assert view.name_question.isVisible() and view.chosen is None
    assert view.name_question_text.text().startswith(f"{QUESTION} The name typed is Orla Hale.")
    assert view.focusWidget() is view.attach_button
    keys = [
        button.text().split("&")[1][0].lower()
        for button in view.findChildren(QAbstractButton)
        if button.isVisibleTo(view) and "&" in button.text()
    ]
    assert {"w", "k"} <= set(keys) and len(keys) == len(set(keys)), sorted(keys)
    click(qtbot, view.attach_button)

    assert not view.name_question.isVisible()
    assert view.chosen is not None and view.chosen.id == person.id
    assert "<b>Orla Hale</b> (recorded as Orla Fenwick)" in view.chosen_label.text()
    assert "the new name recorded" in view.chosen_label.text()
    assert changes(sqlite_database) == 0, "nothing is written before the referral is saved"
    fill_referral(qtbot, view)
    with qtbot.waitSignal(view.referral_created) as created:
        click(qtbot, view.save_button)

    referral_id = created.args[0]
    assert view.status.text() == f"Saved referral LW-{referral_id:06d} for Orla Hale."
    with sqlite_database.session() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None and referral.patient_id == person.id
    case = CaseView(Workspace(sqlite_database, worker), referral_id)
    qtbot.addWidget(case)
    case.show()
    assert case.name.text() == "Orla Hale"
    earlier = case.person.values["earlier"]
    assert earlier.isVisible()
    assert earlier.text().startswith("Orla Fenwick (until ")
    assert earlier.text().endswith(", changed by Wren Worker)")


def test_going_back_corrects_the_name_and_the_record_is_then_used_as_it_is(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    person = orla(sqlite_database, worker)
    view = open_view(qtbot, sqlite_database, worker)
    search(qtbot, view, "Orla", "Fenwik")
    click(qtbot, view.use_button)

    click(qtbot, view.correct_button)

    assert not view.name_question.isVisible() and view.chosen is None
    assert view.found_label.text() == "Correct what was typed, then find again."
    assert view.focusWidget() is view.search_family_name
    assert view.search_family_name.selectedText() == "Fenwik", "ready to type over"
    qtbot.keyClicks(view.search_family_name, "Fenwick")
    click(qtbot, view.find_button)
    assert rows(view)[0][-1] == "Same NHS number"
    click(qtbot, view.use_button)
    assert not view.name_question.isVisible()
    assert view.chosen is not None and view.chosen.id == person.id and view.new_name is None
    fill_referral(qtbot, view)
    with qtbot.waitSignal(view.referral_created):
        click(qtbot, view.save_button)
    assert changes(sqlite_database) == 0


def test_a_new_name_the_name_rules_refuse_cannot_be_attached(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    orla(sqlite_database, worker)
    view = open_view(qtbot, sqlite_database, worker)
    search(qtbot, view, "Orla", "Hale2")
    click(qtbot, view.use_button)

    click(qtbot, view.attach_button)

    assert view.name_question.isVisible() and view.chosen is None
    assert view.name_question_text.text() == (
        "The new name cannot be recorded: The family name can have letters, spaces, hyphens and "
        "apostrophes only; please check it. Go back and correct it."
    )
    assert not view.attach_button.isEnabled() and view.focusWidget() is view.correct_button
    click(qtbot, view.save_button)
    assert view.message("person").startswith("Find the person first")
    assert changes(sqlite_database) == 0


def test_start_over_forgets_the_question_and_the_new_name(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    orla(sqlite_database, worker)
    view = open_view(qtbot, sqlite_database, worker)
    search(qtbot, view, "Orla", "Hale")
    click(qtbot, view.use_button)
    click(qtbot, view.attach_button)

    click(qtbot, view.clear_button)

    assert view.new_name is None and view.chosen is None and not view.name_question.isVisible()
