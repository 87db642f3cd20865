"""Correcting a case from its record, as a link worker does: the details tab shows the person and
the referral whole; Edit person… and Edit referral… open forms that hold what is saved, take what
is typed, refuse each bad field beside it, keep the user's corrections over a colleague's change
and save them; a consent given later unlocks the letter to the GP and one withdrawn stops it. The
screen, the case's history and the database are checked after each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QListWidget, QScrollArea, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.intake import parse_person
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import corrections
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, Referral, ReferralNeed
from linkworker.ui.cases.case_tabs import CaseTab
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.correction_dialogs import PersonDialog, ReferralDialog
from linkworker.ui.cases.letter_preview import LetterPreviewDialog
from tests.services.casework_builder import new_case
from tests.ui.conftest import Messages
from tests.ui.test_wheel_guard import guarded_fields, turn_wheel, value_of

CLICK = Qt.MouseButton.LeftButton
TODAY = date.today()
RECEIVED = TODAY - timedelta(days=30)
# What the case area has on a 1366x768 screen once the taskbar, the window's title, menu, status
# bar, notice bar, list of areas and the case tab's bar have taken theirs.
CASE_AREA = (1150, 560)


def words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def typed_day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


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


@pytest.fixture
def view(qtbot: QtBot, database: Database, worker: Actor, case: int) -> CaseView:
    view = CaseView(Workspace(database, worker), case)
    qtbot.addWidget(view)
    view.resize(*CASE_AREA)
    view.show()
    return view


D = TypeVar("D", bound=QDialog)


def shown(view: QWidget, kind: type[D]) -> D:
    [dialog] = [dialog for dialog in view.findChildren(kind) if dialog.isVisible()]
    return dialog


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Click into the field, select what is there and type over it."""
    qtbot.mouseClick(edit, CLICK)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick a choice by typing its first letters into the drop-down, as a keyboard user does."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)
    assert combo.currentText().startswith(text), combo.currentText()


def toggle_need(qtbot: QtBot, needs: QListWidget, label: str) -> None:
    """Move to the need with the arrow keys' list and tick or untick it with the space bar."""
    [item] = needs.findItems(label, Qt.MatchFlag.MatchExactly)
    needs.setFocus()
    needs.setCurrentItem(item)
    qtbot.keyClick(needs, Qt.Key.Key_Space)


def edit_person(qtbot: QtBot, view: CaseView) -> PersonDialog:
    view.tabs.setCurrentWidget(view.person)
    qtbot.mouseClick(view.person.edit_person_button, CLICK)
    return shown(view, PersonDialog)


def edit_referral(qtbot: QtBot, view: CaseView) -> ReferralDialog:
    view.tabs.setCurrentWidget(view.person)
    qtbot.mouseClick(view.person.edit_referral_button, CLICK)
    return shown(view, ReferralDialog)


def timeline(view: CaseView, column: int) -> list[str]:
    model = view.timeline[0]
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def audit(database: Database, action: str) -> list[str | None]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)))


def patient(database: Database, case: int) -> Patient:
    with database.session() as session:
        person = session.get_one(Patient, session.get_one(Referral, case).patient_id)
        session.expunge(person)
        return person


# What the case shows


def test_the_details_tab_shows_the_person_and_the_referral_whole(view: CaseView) -> None:
    assert view.tabs.currentWidget() is view.person  # opened on who and what
    values = view.person.values
    assert values["born"].text() == "02 Nov 1948 (age " + values["born"].text().split("(age ")[1]
    assert (values["sex"].text(), values["ethnic"].text()) == ("Female", "White: Irish")
    assert values["language"].text() == "English"
    assert values["consent_gp"].text() == f"Given on {words(RECEIVED)}"
    assert values["consent_services"].text() == f"Given on {words(RECEIVED)}"
    assert values["practice"].text() == "Riverside Surgery" and values["urgency"].text() == "Soon"
    for key in ("sex", "ethnic", "phone", "address", "registered", "needs", "consent_gp", "notes"):
        assert values[key].isVisible(), key
    # All of it at once on a 1366x768 screen: nothing to scroll, and every tab in view.
    [scroll] = view.person.findChildren(QScrollArea)
    assert scroll.verticalScrollBar().maximum() == 0
    assert view.tabs.tabBar().sizeHint().width() <= view.tabs.width()
    assert view.reach.isHidden()  # how to reach them is on this tab already

    view.tabs.setCurrentWidget(view.timeline[1])
    assert view.reach.isVisible()
    assert view.reach.values["phone"].text() == "01632 960123"


def test_the_interpreter_need_shows_with_the_language(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    with database.session() as session:
        person = session.get_one(Patient, session.get_one(Referral, case).patient_id)
        person.language, person.interpreter_needed = "Polish", True
    view = CaseView(Workspace(database, worker), case)
    qtbot.addWidget(view)
    assert view.person.values["language"].text() == "Polish (interpreter needed)"
    assert view.reach.values["language"].text() == "Polish (interpreter needed)"


# Correcting the person


def test_the_person_form_holds_what_is_saved(qtbot: QtBot, view: CaseView) -> None:
    dialog = edit_person(qtbot, view)
    assert dialog.windowTitle() == "Edit person: Orla Fenwick-Hale"
    assert (dialog.given_name.text(), dialog.family_name.text()) == ("Orla", "Fenwick-Hale")
    assert dialog.date_of_birth.text() == "02/11/1948"
    assert (dialog.sex.currentText(), dialog.ethnic_category.currentText()) == ("Female", "White: Irish")
    assert dialog.registered_practice.currentText() == "Riverside Surgery (G99001)"
    assert (dialog.phone.text(), dialog.postcode.text()) == ("01632 960123", "ME15 6AA")
    assert dialog.preferred_contact_method.currentText() == "Phone call"
    assert not dialog.interpreter_needed.isChecked()
    assert "The NHS number (999 " in dialog.introduction.text()
    assert dialog.height() <= 768 - 40 and dialog.scroll_area.verticalScrollBar().maximum() == 0


def test_a_person_is_corrected_and_the_case_shows_it_with_the_history(
    qtbot: QtBot, view: CaseView, database: Database, case: int
) -> None:
    dialog = edit_person(qtbot, view)
    retype(qtbot, dialog.phone, "01632 960999")
    retype(qtbot, dialog.postcode, "me16 8aa")
    choose(qtbot, dialog.sex, "Male")
    retype(qtbot, dialog.language, "Polish")
    qtbot.mouseClick(dialog.interpreter_needed, CLICK)
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)

    assert not dialog.isVisible()
    values = view.person.values
    assert values["phone"].text() == "01632 960999" and values["sex"].text() == "Male"
    assert values["address"].text().splitlines()[-1] == "ME16 8AA"
    assert values["language"].text() == "Polish (interpreter needed)"
    assert timeline(view, 1)[0] == "Person's details corrected"
    assert timeline(view, 2)[0] == "Wren Worker"
    assert timeline(view, 3)[0].splitlines() == [
        "Sex: Female → Male",
        "Postcode: ME15 6AA → ME16 8AA",
        "Phone: 01632 960123 → 01632 960999",
        "Language: English → Polish",
        "Interpreter: No → Yes",
    ]
    stored = patient(database, case)
    assert (stored.phone, stored.postcode, stored.sex, stored.interpreter_needed) == (
        "01632 960999",
        "ME16 8AA",
        "male",
        True,
    )
    assert audit(database, "person_corrected") == ["fields=sex,postcode,phone,language,interpreter_needed"]


def test_each_problem_shows_beside_its_field_and_nothing_is_saved(
    qtbot: QtBot, view: CaseView, database: Database, case: int
) -> None:
    dialog = edit_person(qtbot, view)
    retype(qtbot, dialog.phone, "12345")
    retype(qtbot, dialog.email, "not an address")
    retype(qtbot, dialog.date_of_birth, "31/02/1950")
    retype(qtbot, dialog.family_name, "")
    qtbot.mouseClick(dialog.save_button, CLICK)

    assert dialog.isVisible()
    assert dialog.form.message("phone").startswith("A UK phone number starts with 0")
    assert dialog.form.message("email").startswith("This is not an email address")
    assert dialog.form.message("date_of_birth").startswith("There is no such date")
    assert dialog.form.message("family_name") == "Enter the family name."
    assert patient(database, case).phone == "01632 960123"
    assert audit(database, "person_corrected") == []

    retype(qtbot, dialog.phone, "01632 960999")  # corrected: its message goes at once
    assert dialog.form.message("phone") == ""
    assert dialog.form.message("email") != ""


def test_a_date_of_birth_after_the_referral_is_refused_beside_it(qtbot: QtBot, view: CaseView) -> None:
    dialog = edit_person(qtbot, view)
    retype(qtbot, dialog.date_of_birth, typed_day(TODAY - timedelta(days=1)))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert "after a referral for them was received" in dialog.form.message("date_of_birth")


def test_a_new_name_is_recorded_as_a_change_of_name(qtbot: QtBot, view: CaseView, database: Database) -> None:
    dialog = edit_person(qtbot, view)
    retype(qtbot, dialog.family_name, "Quennell")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert view.name.text() == "Orla Quennell"
    earlier = view.person.values["earlier"]
    assert earlier.isVisible() and earlier.text().startswith("Orla Fenwick-Hale (until ")
    assert timeline(view, 1)[0] == "Name changed"
    assert timeline(view, 3)[0] == "Name: Orla Fenwick-Hale → Orla Quennell"
    assert audit(database, "person_renamed") == ["fields=family_name"]


def test_a_colleagues_correction_meanwhile_is_taken_in_and_the_users_kept(
    qtbot: QtBot, view: CaseView, database: Database, actors: dict[Role, Actor], case: int, messages: Messages
) -> None:
    dialog = edit_person(qtbot, view)
    admin = actors[Role.ADMIN]
    with database.session() as session:  # Ada corrects the postcode while the form is open
        sheet = corrections.person_sheet(session, admin, case)
        corrections.correct_person(
            session,
            admin,
            sheet,
            parse_person(replace(sheet.entry, postcode="ME16 8AA"), TODAY, sheet.practice_ids),
        )
    retype(qtbot, dialog.phone, "01632 960999")
    qtbot.mouseClick(dialog.save_button, CLICK)

    assert dialog.isVisible()
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "Ada Admin corrected the postcode" in messages.texts()[0]
    messages.close_all()
    banner = dialog.banner.text()
    assert dialog.banner.isVisible() and "Ada Admin corrected the postcode" in banner
    assert "Their postcode is now in the form." in banner
    assert (dialog.postcode.text(), dialog.phone.text()) == ("ME16 8AA", "01632 960999")
    assert view.person.values["address"].text().splitlines()[-1] == "ME16 8AA"  # the screen behind too

    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    stored = patient(database, case)
    assert (stored.phone, stored.postcode) == ("01632 960999", "ME16 8AA")


def test_a_field_both_changed_keeps_the_users_and_says_theirs(
    qtbot: QtBot, view: CaseView, database: Database, actors: dict[Role, Actor], case: int, messages: Messages
) -> None:
    dialog = edit_person(qtbot, view)
    admin = actors[Role.ADMIN]
    with database.session() as session:
        sheet = corrections.person_sheet(session, admin, case)
        corrections.correct_person(
            session,
            admin,
            sheet,
            parse_person(replace(sheet.entry, phone="01632 960555"), TODAY, sheet.practice_ids),
        )
    retype(qtbot, dialog.phone, "01632 960999")
    qtbot.mouseClick(dialog.save_button, CLICK)
    qtbot.waitUntil(lambda: bool(messages.texts()))
    messages.close_all()
    assert (
        "You changed their phone (theirs: 01632 960555) too: yours is kept in the form."
        in dialog.banner.text()
    )
    assert dialog.phone.text() == "01632 960999"

    qtbot.mouseClick(dialog.cancel_button, CLICK)  # leave theirs
    assert patient(database, case).phone == "01632 960555"
    assert view.person.values["phone"].text() == "01632 960555"


# Correcting the referral


def test_the_referral_is_corrected_and_the_case_shows_it(
    qtbot: QtBot, view: CaseView, database: Database, case: int
) -> None:
    dialog = edit_referral(qtbot, view)
    assert dialog.referring_practice.currentText() == "Riverside Surgery (G99001)"
    assert dialog.received_on.text() == typed_day(RECEIVED)
    assert dialog.needs.ticked() == ("loneliness", "debt_money")
    assert dialog.consent_share_gp.box.isChecked() and dialog.consent_share_gp.day.text() == typed_day(
        RECEIVED
    )
    choose(qtbot, dialog.urgency, "Urgent")
    toggle_need(qtbot, dialog.needs, "Debt and money")
    toggle_need(qtbot, dialog.needs, "Housing")
    dialog.notes.setFocus()
    qtbot.keyClick(dialog.notes, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.notes, " Moved in with her daughter.")
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)

    values = view.person.values
    assert values["urgency"].text() == "Urgent"
    assert values["needs"].text() == "Loneliness and isolation\nHousing"
    assert values["notes"].text().endswith("Moved in with her daughter.")
    assert timeline(view, 1)[0] == "Referral corrected"
    assert timeline(view, 3)[0].splitlines()[:2] == [
        "Needs: Loneliness and isolation; Debt and money → Loneliness and isolation; Housing",
        "Urgency: Soon → Urgent",
    ]
    with database.session() as session:
        codes = set(session.scalars(select(ReferralNeed.need_code).where(ReferralNeed.referral_id == case)))
    assert codes == {"loneliness", "housing"}
    assert audit(database, "referral_corrected") == ["fields=needs,urgency,notes"]


def test_no_need_ticked_is_refused_beside_the_needs(qtbot: QtBot, view: CaseView) -> None:
    dialog = edit_referral(qtbot, view)
    toggle_need(qtbot, dialog.needs, "Loneliness and isolation")
    toggle_need(qtbot, dialog.needs, "Debt and money")
    retype(qtbot, dialog.received_on, typed_day(TODAY + timedelta(days=1)))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("needs") == "Choose at least one need the referral is about."
    assert dialog.form.message("received_on").startswith("The date received is in the future")


# Consents and the letter to the GP


@pytest.fixture
def without_gp_consent(database: Database, case: int) -> int:
    with database.session() as session:
        referral = session.get_one(Referral, case)
        referral.consent_share_gp, referral.consent_share_gp_given_on = False, None
    return case


def test_consent_given_later_unlocks_the_letter_to_the_gp(
    qtbot: QtBot, database: Database, worker: Actor, without_gp_consent: int
) -> None:
    tab = CaseTab(Workspace(database, worker), without_gp_consent)
    qtbot.addWidget(tab)
    tab.resize(1366 - 190, 600)
    tab.show()
    panel = tab.gp_panel
    assert panel.letter_button.isHidden() and panel.consent_button.isVisible()
    assert tab.case.person.values["consent_gp"].text() == "Not given"

    qtbot.mouseClick(panel.consent_button, CLICK)
    dialog = shown(tab, ReferralDialog)
    consent = dialog.consent_share_gp
    qtbot.waitUntil(consent.box.hasFocus)  # straight to the consent
    assert consent.day.isHidden()  # never given: no day yet
    qtbot.keyClick(consent.box, Qt.Key.Key_Space)
    assert consent.box.isChecked() and consent.day.isVisible() and consent.when.text() == "&agreed on:"
    assert consent.day.text() == typed_day(TODAY)
    agreed = TODAY - timedelta(days=2)
    retype(qtbot, consent.day, typed_day(agreed))
    with qtbot.waitSignal(tab.case.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)

    assert tab.case.person.values["consent_gp"].text() == f"Given on {words(agreed)}"
    assert panel.consent.text() == f"Consent to share with their GP given on {words(agreed)}."
    assert panel.letter_button.isVisible() and panel.letter_button.isEnabled()
    assert panel.consent_button.isHidden()
    assert timeline(tab.case, 3)[0] == f"Consent to share with the GP: Not given → Given on {words(agreed)}"
    qtbot.mouseClick(panel.letter_button, CLICK)
    assert isinstance(panel.preview, LetterPreviewDialog) and panel.preview.isVisible()
    panel.preview.close()


def test_consent_withdrawn_stops_the_letter_with_the_day_shown(
    qtbot: QtBot, database: Database, worker: Actor, case: int
) -> None:
    tab = CaseTab(Workspace(database, worker), case)
    qtbot.addWidget(tab)
    tab.show()
    dialog = tab.case.edit_referral()
    assert dialog is not None
    consent = dialog.consent_share_gp
    qtbot.mouseClick(consent.box, CLICK)  # unticked: withdrawn, today unless retyped
    assert consent.when.text() == "&withdrew on:" and consent.day.text() == typed_day(TODAY)
    retype(qtbot, consent.day, typed_day(RECEIVED - timedelta(days=1)))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.form.message("consent_share_gp").startswith(
        "Consent cannot be withdrawn before it was given"
    )

    withdrawn = TODAY - timedelta(days=1)
    retype(qtbot, consent.day, typed_day(withdrawn))
    assert dialog.form.message("consent_share_gp") == ""
    with qtbot.waitSignal(tab.case.changed):
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert tab.case.person.values["consent_gp"].text() == (
        f"Withdrawn on {words(withdrawn)} (given on {words(RECEIVED)})"
    )
    assert tab.gp_panel.consent.text() == (
        f"Consent to share with their GP withdrawn on {words(withdrawn)}, so no letter."
    )
    assert not tab.gp_panel.letter_button.isEnabled()


# Forms that don't change under the mouse


@pytest.mark.parametrize("which", ["person", "referral"])
def test_scrolling_over_a_correction_form_changes_none_of_its_fields(
    qtbot: QtBot, view: CaseView, which: str
) -> None:
    dialog = edit_person(qtbot, view) if which == "person" else edit_referral(qtbot, view)
    dialog.save_button.setFocus()
    fields = guarded_fields(dialog)
    assert len(fields) >= 3  # the drop-downs
    before = [value_of(field) for field in fields]
    for field in fields:
        turn_wheel(field)
        turn_wheel(field, 1)
    assert [value_of(field) for field in fields] == before
