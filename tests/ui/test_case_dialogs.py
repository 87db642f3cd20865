"""The case record's dialogs typed into as a user would, on a real database: measure answers
outside their scale kept as typed and refused with the range; days and times typed in the
referral form's formats, refused with the rule's message when in the future or before the
referral came in (never moved into range); and each message gone as its field is corrected."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from linkworker.domain.casework import ContactKind, Instrument, MeasureStage
from linkworker.domain.measures import Ons4Question
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import CaseHeader, CaseRecord, open_case
from linkworker.services.cases.casework import PlanText
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.ui.cases.case_dialogs import AddContactDialog, PlanReviewDialog, RecordMeasureDialog
from linkworker.ui.widgets.date_field import DateField
from tests.services.casework_builder import new_case

CLICK = Qt.MouseButton.LeftButton
TODAY = date.today()
RECEIVED = TODAY - timedelta(days=30)
ONS4_RANGE = "Each ONS4 answer is a whole number from 0 to 10."
SWEMWBS_RANGE = "Each SWEMWBS answer is a whole number from 1 (none of the time) to 5 (all of the time)."
S, W, H, A = Ons4Question


@pytest.fixture
def worker(sqlite_actors: dict[Role, Actor]) -> Actor:
    return sqlite_actors[Role.LINK_WORKER]


@pytest.fixture
def case(sqlite_database: Database, worker: Actor) -> int:
    return new_case(sqlite_database, worker, received_days_ago=30)


def record(database: Database, worker: Actor, case: int) -> CaseRecord:
    with database.session() as session:
        return open_case(session, worker, case, reopened=True)


def header(database: Database, worker: Actor, case: int) -> CaseHeader:
    return record(database, worker, case).header


def on_screen(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)


def retype(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def save(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.mouseClick(dialog.save_button, CLICK)  # type: ignore[attr-defined]


def measure(
    qtbot: QtBot, database: Database, worker: Actor, case: int, instrument: Instrument
) -> RecordMeasureDialog:
    dialog = RecordMeasureDialog(
        Workspace(database, worker), header(database, worker, case), instrument, has_baseline=False
    )
    on_screen(qtbot, dialog)
    return dialog


def test_an_ons4_answer_outside_0_to_10_is_kept_as_typed_and_refused_with_the_range(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    dialog = measure(qtbot, sqlite_database, worker, case, Instrument.ONS4)
    answers = dialog.ons4
    retype(qtbot, answers[S], "7")
    assert answers[S].meaning.text() == "High"
    retype(qtbot, answers[W], "5")
    retype(qtbot, answers[H], "11")
    assert answers[H].text() == "11" and answers[H].meaning.text() == ""  # no digit dropped
    save(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.form.message("answers.happy") == ONS4_RANGE
    assert dialog.form.message("answers.anxious") == "Type the person's answer, from 0 to 10."
    assert dialog.form.message("answers.satisfied") == ""
    assert answers[H].text() == "11" and answers[H].property("invalid") is True
    assert record(sqlite_database, worker, case).measures == ()

    retype(qtbot, answers[H], "10")
    assert dialog.form.message("answers.happy") == ""  # gone as soon as it is corrected
    assert answers[H].meaning.text() == "Very high"
    assert dialog.form.message("answers.anxious") != ""
    retype(qtbot, answers[A], "seven")
    save(qtbot, dialog)
    assert dialog.form.message("answers.anxious") == ONS4_RANGE

    retype(qtbot, answers[A], "2")
    assert answers[A].meaning.text() == "Low"
    save(qtbot, dialog)
    assert not dialog.isVisible()
    [saved] = record(sqlite_database, worker, case).measures
    assert (saved.instrument, saved.stage, saved.taken_on, saved.answers) == (
        Instrument.ONS4,
        MeasureStage.BASELINE,
        TODAY,
        (7, 5, 10, 2),
    )


def test_a_swemwbs_answer_outside_1_to_5_is_refused_with_the_range_and_the_score_waits_for_it(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    dialog = measure(qtbot, sqlite_database, worker, case, Instrument.SWEMWBS)
    assert (
        "1 none of the time" in dialog.introduction.text()
        and "5 all of the time" in dialog.introduction.text()
    )
    for answer in dialog.swemwbs[:6]:
        retype(qtbot, answer, "3")
    assert dialog.swemwbs[0].meaning.text() == "Some of the time"
    retype(qtbot, dialog.swemwbs[6], "0")
    assert dialog.swemwbs_score.text() == "6 of 7 answered"
    save(qtbot, dialog)
    assert dialog.form.message("answers[6]") == SWEMWBS_RANGE
    assert dialog.swemwbs[6].text() == "0"
    assert record(sqlite_database, worker, case).measures == ()

    retype(qtbot, dialog.swemwbs[6], "4")
    assert dialog.form.message("answers[6]") == ""
    assert dialog.swemwbs[6].meaning.text() == "Often"
    assert dialog.swemwbs_score.text() == "Raw score 22 of 35; metric score 19.98"
    save(qtbot, dialog)
    assert not dialog.isVisible()
    [saved] = record(sqlite_database, worker, case).measures
    assert (saved.answers, saved.score) == ((3, 3, 3, 3, 3, 3, 4), 19.98)


def test_an_empty_swemwbs_answer_asks_for_it_with_the_scale(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    dialog = measure(qtbot, sqlite_database, worker, case, Instrument.SWEMWBS)
    save(qtbot, dialog)
    assert dialog.form.message("answers[0]") == "Type the person's answer, from 1 to 5."
    assert dialog.focusWidget() is dialog.swemwbs[0]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (f"{TODAY + timedelta(days=1):%d/%m/%Y}", "The day it was taken cannot be in the future."),
        (
            f"{RECEIVED - timedelta(days=1):%d/%m/%Y}",
            f"The day it was taken cannot be before the referral was received ({RECEIVED:%d/%m/%Y}).",
        ),
        ("6/12/26", "Write the year in full, like 02/11/1948."),
    ],
)
def test_the_day_a_measure_was_taken_is_refused_outside_the_episode_not_moved_into_it(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int, typed: str, message: str
) -> None:
    dialog = measure(qtbot, sqlite_database, worker, case, Instrument.ONS4)
    for answer in dialog.ons4.values():
        retype(qtbot, answer, "5")
    retype(qtbot, dialog.taken_on, typed)
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.form.message("taken_on") == message
    assert dialog.taken_on.text() == typed
    assert record(sqlite_database, worker, case).measures == ()

    retype(qtbot, dialog.taken_on, f"{RECEIVED:%Y-%m-%d}")
    assert dialog.form.message("taken_on") == ""
    save(qtbot, dialog)
    assert not dialog.isVisible()
    assert [row.taken_on for row in record(sqlite_database, worker, case).measures] == [RECEIVED]


def test_a_plan_review_is_typed_for_a_day_and_refused_for_tomorrow(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    with sqlite_database.session() as session:
        casework.save_support_plan(session, worker, case, PlanText("Being outdoors", "Make friends", ""), 0)
    dialog = PlanReviewDialog(Workspace(sqlite_database, worker), header(sqlite_database, worker, case))
    on_screen(qtbot, dialog)
    assert dialog.focusWidget() is dialog.reviewed_on and dialog.reviewed_on.value() == TODAY
    tomorrow = TODAY + timedelta(days=1)
    retype(qtbot, dialog.reviewed_on, f"{tomorrow.day}/{tomorrow.month}/{tomorrow.year}")
    save(qtbot, dialog)
    assert dialog.form.message("reviewed_on") == "The review cannot be in the future."
    assert record(sqlite_database, worker, case).reviews == ()

    yesterday = TODAY - timedelta(days=1)
    retype(qtbot, dialog.reviewed_on, f"{yesterday.day}/{yesterday.month}/{yesterday.year}")
    qtbot.keyClicks(dialog.note, "On track")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    [review] = record(sqlite_database, worker, case).reviews
    assert (review.reviewed_on, review.note) == (yesterday, "On track")


def contact_dialog(qtbot: QtBot, database: Database, worker: Actor, case: int) -> AddContactDialog:
    dialog = AddContactDialog(Workspace(database, worker), header(database, worker, case))
    on_screen(qtbot, dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ContactKind.FACE_TO_FACE))
    dialog.minutes.setFocus()
    dialog.minutes.selectAll()
    qtbot.keyClicks(dialog.minutes, "45")
    return dialog


def test_a_contact_is_typed_with_its_day_and_time_and_saved_as_typed(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    dialog = contact_dialog(qtbot, sqlite_database, worker, case)
    assert dialog.contact_day.value() == TODAY
    assert datetime.strptime(dialog.contact_time.text(), "%H:%M")  # now, to the minute
    day = TODAY - timedelta(days=3)
    retype(qtbot, dialog.contact_day, f"{day:%d.%m.%Y}")
    retype(qtbot, dialog.contact_time, "14:30")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    [contact] = record(sqlite_database, worker, case).contacts
    assert contact.occurred_at.astimezone().replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 14, 30
    )
    assert (contact.kind, contact.duration_minutes) == (ContactKind.FACE_TO_FACE, 45)


@pytest.mark.parametrize(
    ("day", "time", "field", "message"),
    [
        (TODAY + timedelta(days=1), "09:00", "occurred_at", "The contact cannot be in the future."),
        (
            RECEIVED - timedelta(days=1),
            "09:00",
            "occurred_at",
            f"The contact cannot be before the referral was received ({RECEIVED:%d/%m/%Y}).",
        ),
        (TODAY, "25:00", "occurred_time", "Write the time of the contact as hours and minutes, like 18:30."),
        (TODAY, "", "occurred_time", "Enter the time of the contact, like 14:30."),
    ],
)
def test_a_contact_in_the_future_or_before_the_referral_is_refused_beside_its_day_or_time(
    qtbot: QtBot,
    sqlite_database: Database,
    worker: Actor,
    case: int,
    day: date,
    time: str,
    field: str,
    message: str,
) -> None:
    dialog = contact_dialog(qtbot, sqlite_database, worker, case)
    retype(qtbot, dialog.contact_day, f"{day:%d/%m/%Y}")
    retype(qtbot, dialog.contact_time, time)
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.form.message(field) == message
    assert (dialog.contact_day.text(), dialog.contact_time.text()) == (f"{day:%d/%m/%Y}", time)
    assert record(sqlite_database, worker, case).contacts == ()


def test_a_contact_later_today_is_refused_beside_its_time(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    later = datetime.now() + timedelta(minutes=5)
    if later.date() != TODAY:
        pytest.skip("too close to midnight for a time later today")
    dialog = contact_dialog(qtbot, sqlite_database, worker, case)
    retype(qtbot, dialog.contact_time, f"{later:%H:%M}")
    save(qtbot, dialog)
    assert dialog.form.message("occurred_time") == "The contact cannot be in the future."
    assert dialog.form.message("occurred_at") == ""


def test_no_dialog_of_the_case_keeps_a_spin_box_for_a_day_or_an_answer(
    qtbot: QtBot, sqlite_database: Database, worker: Actor, case: int
) -> None:
    """Only the contact's minutes stay a number box; every day is a date field."""
    case_header = header(sqlite_database, worker, case)
    dialogs: list[QDialog] = [
        AddContactDialog(Workspace(sqlite_database, worker), case_header),
        PlanReviewDialog(Workspace(sqlite_database, worker), case_header),
        RecordMeasureDialog(Workspace(sqlite_database, worker), case_header, Instrument.ONS4, False),
        RecordMeasureDialog(Workspace(sqlite_database, worker), case_header, Instrument.SWEMWBS, False),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
    spins = [spin for dialog in dialogs for spin in dialog.findChildren(QAbstractSpinBox)]
    assert spins == [dialogs[0].minutes]  # type: ignore[attr-defined]
    assert [len(dialog.findChildren(DateField)) for dialog in dialogs] == [1, 1, 1, 1]
