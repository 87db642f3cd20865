"""The New referral screen, used as a link worker would: find the person, reuse or add them,
record the referral; every problem beside its field and nothing written until all is right."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain import nhs_number
from linkworker.domain.intake import PersonDetails
from linkworker.domain.person import age_text
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.needs import add_local_need
from linkworker.services.cases.people import PersonSummary, create_person
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Patient, Referral, ReferralNeed
from linkworker.ui.cases.referral_form import NewReferralView
from tests.ui.conftest import Messages

FIRST, SECOND, THIRD = islice(nhs_number.synthetic_numbers(83_000), 3)
BORN = date(1951, 3, 14)


def open_view(qtbot: QtBot, database: Database, actor: Actor) -> NewReferralView:
    view = NewReferralView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.resize(1176, 708)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def view(qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]) -> NewReferralView:
    return open_view(qtbot, sqlite_database, sqlite_actors[Role.LINK_WORKER])


def orla(database: Database, actor: Actor, number: str | None = FIRST) -> PersonSummary:
    with database.session() as session:
        return create_person(
            session,
            actor,
            PersonDetails(
                number, "Orla", "Fenwick", BORN, postcode="ME15 6AA", registered_practice_ods="G99002"
            ),
        )


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def tick(view: NewReferralView, *labels: str) -> None:
    for row in range(view.needs.count()):
        item = view.needs.item(row)
        if item.text() in labels:
            item.setCheckState(Qt.CheckState.Checked)


def fill_referral(qtbot: QtBot, view: NewReferralView) -> None:
    choose(view.referring_practice, "G99001")
    choose(view.source, "practice_nurse")
    qtbot.keyClicks(view.referrer_name, "Nurse Kay Lamb")
    choose(view.urgency, "soon")
    view.consent_share_gp.setChecked(True)
    tick(view, "Loneliness and isolation", "Debt and money")
    qtbot.keyClicks(view.notes, "Lives alone since March.")


def rows(view: NewReferralView) -> list[tuple[str, ...]]:
    model = view.matches
    return [
        tuple(model.data(model.index(row, column)) for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def count(database: Database, table: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_a_new_person_and_their_referral_are_saved_together(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    view = open_view(qtbot, database, actors[Role.LINK_WORKER])
    assert not view.person_section.isVisible() and not view.new_button.isEnabled()
    qtbot.keyClicks(view.search_given_name, "Bram")
    qtbot.keyClicks(view.search_family_name, "Ashdown")
    qtbot.keyClicks(view.search_date_of_birth, "04/07/1960")
    qtbot.keyClick(view.search_date_of_birth, Qt.Key.Key_Return)
    assert rows(view) == []
    assert view.found_label.text() == "No one recorded matches: add them as a new person."

    click(qtbot, view.new_button)
    assert view.person_section.isVisible()
    assert (view.given_name.text(), view.family_name.text(), view.date_of_birth.text()) == (
        "Bram",
        "Ashdown",
        "04/07/1960",
    )
    assert view.age.text() == age_text(date(1960, 7, 4), date.today())
    qtbot.keyClicks(view.nhs_number, f"{SECOND[:3]}-{SECOND[3:6]}-{SECOND[6:]}")
    choose(view.sex, "male")
    choose(view.ethnic_category, "C")
    qtbot.keyClicks(view.address_line_1, "1 Mill Row")
    qtbot.keyClicks(view.postcode, "me14 1xx")
    qtbot.keyClicks(view.mobile, "07700 900456")
    choose(view.preferred_contact_method, "text")
    qtbot.keyClicks(view.language, "Polish")
    view.interpreter_needed.setChecked(True)
    choose(view.registered_practice, "G99002")
    fill_referral(qtbot, view)

    with qtbot.waitSignal(view.referral_created) as created:
        click(qtbot, view.save_button)

    referral_id = created.args[0]
    assert view.status.text() == f"Saved referral LW-{referral_id:06d} for Bram Ashdown."
    assert not view.person_section.isVisible() and view.search_given_name.text() == ""
    assert view.ticked_needs() == [] and view.referrer_name.text() == ""
    with database.session() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        patient = referral.patient
        assert (patient.nhs_number, patient.given_name, patient.family_name) == (SECOND, "Bram", "Ashdown")
        assert (patient.postcode, patient.sex, patient.ethnic_category) == ("ME14 1XX", "male", "C")
        assert (patient.language, patient.interpreter_needed, patient.preferred_contact_method) == (
            "Polish",
            True,
            "text",
        )
        assert patient.registered_practice_id is not None
        assert (referral.source, referral.urgency, referral.status) == ("practice_nurse", "soon", "referred")
        assert (referral.consent_share_gp, referral.consent_share_services) == (True, False)
        assert (referral.received_on, referral.notes) == (date.today(), "Lives alone since March.")
        assert sorted(need.need_code for need in referral.needs) == ["debt_money", "loneliness"]
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["person_created", "referral_created"]


def test_an_existing_person_is_found_by_nhs_number_and_their_record_reused(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    person = orla(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClicks(view.search_nhs_number, f"{FIRST[:3]} {FIRST[3:6]} {FIRST[6:]}")
    click(qtbot, view.find_button)
    assert rows(view) == [
        (
            "Orla Fenwick",
            nhs_number.formatted(FIRST),
            "14 Mar 1951",
            "ME15 6AA",
            "Hilltop Practice",
            "0",
            "Same NHS number",
        )
    ]
    click(qtbot, view.use_button)
    assert (
        "Orla Fenwick" in view.chosen_label.text() and "their record will be used" in view.chosen_label.text()
    )
    assert not view.person_section.isVisible()
    fill_referral(qtbot, view)
    with qtbot.waitSignal(view.referral_created) as created:
        click(qtbot, view.save_button)
    with sqlite_database.session() as session:
        referral = session.get(Referral, created.args[0])
        assert referral is not None and referral.patient_id == person.id
    assert count(sqlite_database, Patient) == 1


def test_a_possible_duplicate_is_shown_with_its_reason(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    orla(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClicks(view.search_given_name, "orla")
    qtbot.keyClicks(view.search_family_name, "Fenwick-Hale")
    qtbot.keyClicks(view.search_date_of_birth, "1951-03-14")
    click(qtbot, view.find_button)
    assert [row[0] for row in rows(view)] == ["Orla Fenwick"]
    assert rows(view)[0][-1] == "Same date of birth and a similar name (86%)"
    assert view.found_label.text().startswith("1 person may be this person")
    assert view.use_button.isEnabled() and view.new_button.isEnabled()


def test_every_problem_is_shown_beside_its_field_and_nothing_is_written(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database
) -> None:
    qtbot.keyClicks(view.search_nhs_number, THIRD)
    click(qtbot, view.find_button)
    click(qtbot, view.new_button)
    assert view.nhs_number.text() == THIRD
    view.nhs_number.clear()
    qtbot.keyClicks(view.nhs_number, THIRD[:-1] + str((int(THIRD[-1]) + 1) % 10))
    qtbot.keyClicks(view.given_name, "Ivy")
    qtbot.keyClicks(view.family_name, "Marsh 2")
    tomorrow = date.today() + timedelta(days=1)
    qtbot.keyClicks(view.date_of_birth, f"{tomorrow:%d/%m/%Y}")
    assert view.age.text() == ""
    qtbot.keyClicks(view.postcode, "QQ1 1AA")
    qtbot.keyClicks(view.email, "ivy@")
    choose(view.preferred_contact_method, "phone")
    view.received_on.clear()
    qtbot.keyClicks(view.received_on, f"{tomorrow:%d/%m/%Y}")
    audit_before = count(sqlite_database, AuditEvent)

    click(qtbot, view.save_button)

    assert view.message("nhs_number") == "This is not a valid NHS number: please check each digit."
    assert view.message("family_name").startswith("The family name can have letters")
    assert view.message("date_of_birth") == "The date of birth is in the future: please check it."
    assert view.message("postcode").startswith("This is not a UK postcode")
    assert view.message("email").startswith("This is not an email address")
    assert view.message("phone").startswith("Enter a phone or mobile number")
    assert view.message("referring_practice_ods") == "Choose the referring practice."
    assert view.message("source") == "Choose the source of the referral."
    assert view.message("received_on").startswith("The date received is in the future")
    assert view.message("needs") == "Choose at least one need the referral is about."
    assert view.message("given_name") == "" and view.message("referrer_name") == ""
    assert view.status.text().startswith("Nothing saved yet: 10 fields need checking")
    assert view.window().focusWidget() is view.nhs_number
    assert (count(sqlite_database, Patient), count(sqlite_database, Referral)) == (0, 0)
    assert count(sqlite_database, AuditEvent) == audit_before  # no search, no record: nothing at all

    view.nhs_number.clear()
    qtbot.keyClicks(view.nhs_number, THIRD)
    click(qtbot, view.save_button)
    assert view.message("nhs_number") == ""
    assert view.window().focusWidget() is view.family_name


def test_a_referral_needs_a_person_chosen_first(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database
) -> None:
    fill_referral(qtbot, view)
    click(qtbot, view.save_button)
    assert view.message("person") == "Find the person first, then use their record or add a new person."
    assert view.message("needs") == ""
    assert count(sqlite_database, Referral) == 0


def test_a_duplicate_typed_after_the_search_is_shown_before_anyone_is_added(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    existing = orla(sqlite_database, sqlite_actors[Role.LINK_WORKER], number=None)
    qtbot.keyClicks(view.search_nhs_number, SECOND)
    click(qtbot, view.find_button)
    assert rows(view) == []
    click(qtbot, view.new_button)
    qtbot.keyClicks(view.given_name, "Orlagh")
    qtbot.keyClicks(view.family_name, "Fenwick")
    qtbot.keyClicks(view.date_of_birth, "14/03/1951")
    fill_referral(qtbot, view)

    click(qtbot, view.save_button)
    assert view.message("person").startswith("Someone already recorded may be this person")
    assert [(row[0], row[-1]) for row in rows(view)] == [
        ("Orla Fenwick", "Same date of birth and a similar name (92%)")
    ]
    assert count(sqlite_database, Patient) == 1

    with qtbot.waitSignal(view.referral_created):
        click(qtbot, view.save_button)  # the worker looked, and it is someone else
    with sqlite_database.session() as session:
        people = session.execute(select(Patient.id, Patient.given_name).order_by(Patient.id)).all()
    assert [name for _id, name in people] == ["Orla", "Orlagh"] and people[0][0] == existing.id


def test_a_refusal_from_the_service_is_shown_beside_its_field(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    """The NHS number was recorded by someone else after the search: the service says so."""
    qtbot.keyClicks(view.search_nhs_number, FIRST)
    click(qtbot, view.find_button)
    click(qtbot, view.new_button)
    qtbot.keyClicks(view.given_name, "Olive")
    qtbot.keyClicks(view.family_name, "Stone")
    qtbot.keyClicks(view.date_of_birth, "01/01/1980")
    fill_referral(qtbot, view)
    orla(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    click(qtbot, view.save_button)  # the check again finds Orla by the number
    assert rows(view)[0][-1] == "Same NHS number"
    click(qtbot, view.save_button)
    assert view.message("nhs_number").startswith("Someone with this NHS number is already recorded")
    assert (count(sqlite_database, Patient), count(sqlite_database, Referral)) == (1, 0)


def test_search_problems_are_shown_beside_the_search_fields(qtbot: QtBot, view: NewReferralView) -> None:
    qtbot.keyClicks(view.search_nhs_number, "123")
    qtbot.keyClicks(view.search_date_of_birth, "31/02/1950")
    click(qtbot, view.find_button)
    assert view.search_forms.message("nhs_number") == "An NHS number has 10 digits; this has 3."
    assert view.search_forms.message("date_of_birth").startswith("There is no such date")
    assert not view.new_button.isEnabled()

    view.search_nhs_number.clear()
    view.search_date_of_birth.clear()
    qtbot.keyClicks(view.search_family_name, "Fenwick")
    click(qtbot, view.find_button)
    assert view.search_forms.message("nhs_number") == (
        "Enter an NHS number, or a name and date of birth, to search."
    )
    assert view.search_forms.message("date_of_birth") == ""


def test_the_needs_offered_include_the_pcns_own_after_a_refresh(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    labels = [view.needs.item(row).text() for row in range(view.needs.count())]
    assert labels[0] == "Loneliness and isolation" and "Pet care" not in labels
    tick(view, "Housing")
    with sqlite_database.session() as session:
        add_local_need(session, sqlite_actors[Role.MANAGER], "Pet care")
    view.refresh()
    labels = [view.needs.item(row).text() for row in range(view.needs.count())]
    assert labels[-1] == "Pet care"
    assert view.ticked_needs() == ["housing"]  # what was ticked stays ticked

    orla(sqlite_database, sqlite_actors[Role.LINK_WORKER])
    qtbot.keyClicks(view.search_nhs_number, FIRST)
    click(qtbot, view.find_button)
    click(qtbot, view.use_button)
    fill_referral(qtbot, view)
    tick(view, "Pet care")
    with qtbot.waitSignal(view.referral_created):
        click(qtbot, view.save_button)
    with sqlite_database.session() as session:
        codes = session.scalars(select(ReferralNeed.need_code).order_by(ReferralNeed.need_code)).all()
    assert codes == ["debt_money", "housing", "local_pet_care", "loneliness"]


def test_start_over_empties_the_form(qtbot: QtBot, view: NewReferralView) -> None:
    qtbot.keyClicks(view.search_given_name, "Bram")
    qtbot.keyClicks(view.search_family_name, "Ashdown")
    qtbot.keyClicks(view.search_date_of_birth, "04/07/1960")
    click(qtbot, view.find_button)
    click(qtbot, view.new_button)
    fill_referral(qtbot, view)
    click(qtbot, view.clear_button)
    assert view.given_name.text() == "" and view.search_family_name.text() == ""
    assert view.ticked_needs() == [] and view.referring_practice.currentData() == ""
    assert view.received_on.text() == f"{date.today():%d/%m/%Y}"
    assert not view.person_section.isVisible() and not view.new_button.isEnabled()


def test_a_manager_is_told_they_may_not_search_for_people(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], messages: Messages
) -> None:
    view = open_view(qtbot, sqlite_database, sqlite_actors[Role.MANAGER])
    qtbot.keyClicks(view.search_nhs_number, FIRST)
    click(qtbot, view.find_button)
    assert messages.texts() == ["Your role (PCN manager) does not allow you to see identifiable records."]
    assert not view.new_button.isEnabled()


def test_the_form_fits_a_small_screen_by_scrolling(view: NewReferralView) -> None:
    assert view.minimumSizeHint().height() <= 708 and view.minimumSizeHint().width() <= 1176
    assert view.scroll_area.widget().sizeHint().height() > view.scroll_area.viewport().height()


def test_a_referral_received_before_the_person_was_born_is_stopped_before_saving(
    qtbot: QtBot, view: NewReferralView, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    with sqlite_database.session() as session:
        young = PersonDetails(THIRD, "Ava", "Lowe", date(2015, 6, 1), registered_practice_ods="G99002")
        create_person(session, sqlite_actors[Role.LINK_WORKER], young)
    qtbot.keyClicks(view.search_nhs_number, THIRD)
    click(qtbot, view.find_button)
    click(qtbot, view.use_button)
    fill_referral(qtbot, view)
    view.received_on.clear()
    qtbot.keyClicks(view.received_on, "01/01/2012")
    click(qtbot, view.save_button)
    assert view.message("received_on") == "The referral cannot be received before the person was born."
    assert count(sqlite_database, Referral) == 0
