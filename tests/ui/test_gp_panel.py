"""The case's GP codes panel on the real widgets: codes due, copy, mark entered, the letter."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPdf import QPdfDocument
from sqlalchemy import select

from linkworker.domain.casework import ContactKind
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import casework
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, GpCodeEntry, Referral
from linkworker.ui.cases.gp_panel import CodeRow, GpCodesPanel, day_text
from linkworker.ui.cases.letter_preview import LetterPreviewDialog
from tests.reports.gp_episode import FULL, Episode, Reached, Step, add_episode

REFERRAL_CODE = "871731000000106"
DECLINED_CODE = "871711000000103"
TODAY = date.today()
RECEIVED = TODAY - timedelta(days=20)
REACHED = TODAY - timedelta(days=15)
DECLINED = TODAY - timedelta(days=10)
TAKEN_UP = Episode(
    received_on=RECEIVED, steps=(Step(REACHED, CaseStatus.CONTACTED),), contacts=(Reached(REACHED),)
)
DECLINING = Episode(
    received_on=RECEIVED,
    steps=(Step(DECLINED, CaseStatus.DECLINED, ClosingReason.DECLINED),),
    contacts=(Reached(REACHED),),
)


def panel_for(qtbot, database: Database, actor: Actor, referral_id: int) -> GpCodesPanel:  # type: ignore[no-untyped-def]
    panel = GpCodesPanel(Workspace(database, actor), referral_id)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def actions(database: Database, action: str) -> list[tuple[str | None, int | None, str | None]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.username, AuditEvent.entity_id, AuditEvent.detail).where(
                AuditEvent.action == action
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_each_due_code_shows_its_concept_id_term_and_date_due(qtbot, sqlite_database, sqlite_actors):
    worker = sqlite_actors[Role.LINK_WORKER]
    taken_up = panel_for(qtbot, sqlite_database, worker, add_episode(sqlite_database, worker, TAKEN_UP))
    declining_id = add_episode(sqlite_database, worker, replace(DECLINING, serial=1))
    declining = panel_for(qtbot, sqlite_database, worker, declining_id)

    shown = [(row.concept.text(), row.term.text(), row.due.text()) for row in taken_up.rows + declining.rows]
    assert shown == [
        (REFERRAL_CODE, "Referral to social prescribing service", f"Due {day_text(REACHED)}"),
        (DECLINED_CODE, "Social prescribing declined", f"Due {day_text(DECLINED)}"),  # and only it
    ]
    for panel in (taken_up, declining):
        assert panel.empty.isHidden()
        for row in panel.rows:
            assert row.copy_button.isVisible() and row.mark_button.isVisible()
            assert row.entered.isHidden()
            assert row.term.toolTip().startswith("Enter ")  # the list's guidance
            assert row.code.code in row.copy_button.accessibleName()


def test_a_case_not_yet_reached_says_no_code_is_due(qtbot, sqlite_database, sqlite_actors):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, Episode(received_on=RECEIVED))
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)
    assert panel.rows == []
    assert panel.empty.isVisible()
    assert "No codes are due yet" in panel.empty.text()


def test_copy_puts_the_concept_id_on_the_clipboard(qtbot, sqlite_database, sqlite_actors):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, DECLINING)
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)
    QGuiApplication.clipboard().setText("something else")

    qtbot.mouseClick(panel.row(DECLINED_CODE).copy_button, Qt.MouseButton.LeftButton)

    assert QGuiApplication.clipboard().text() == DECLINED_CODE
    assert DECLINED_CODE in panel.status.text()


def test_mark_entered_records_it_and_shows_who_and_when(qtbot, sqlite_database, sqlite_actors):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, TAKEN_UP)
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)

    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(panel.row(REFERRAL_CODE).mark_button, Qt.MouseButton.LeftButton)

    on_screen = [row for row in panel.findChildren(CodeRow) if row.isVisible()]
    assert on_screen == panel.rows  # the rows read before are gone from the screen at once
    entered = panel.row(REFERRAL_CODE)
    assert entered.mark_button.isHidden()
    assert entered.entered.isVisible()
    assert entered.entered.text() == f"Entered in the GP record {day_text(TODAY)} by Wren Worker"
    assert entered.copy_button.isVisible()  # it can still be copied
    with sqlite_database.session() as session:
        assert session.scalars(select(GpCodeEntry.code)).all() == [REFERRAL_CODE]
    assert actions(sqlite_database, "gp_code_entered") == [("worker", referral_id, f"code={REFERRAL_CODE}")]

    again = panel_for(qtbot, sqlite_database, sqlite_actors[Role.ADMIN], referral_id)
    assert again.row(REFERRAL_CODE).entered.text().endswith("by Wren Worker")


def test_refresh_shows_a_code_the_case_has_just_made_due(qtbot, sqlite_database, sqlite_actors):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, Episode(received_on=RECEIVED))
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)
    assert panel.rows == []
    reached_at = datetime.now(UTC) - timedelta(hours=1)
    with sqlite_database.session() as session:
        casework.add_contact(
            session, worker, referral_id, casework.ContactEntry(ContactKind.FACE_TO_FACE, reached_at, 30)
        )

    panel.refresh()

    assert [row.concept.text() for row in panel.rows] == [REFERRAL_CODE]
    assert panel.rows[0].due.text() == f"Due {day_text(reached_at.astimezone().date())}"
    assert panel.empty.isHidden()


def test_a_referral_code_entered_before_the_person_declined_stays_shown_as_entered(
    qtbot, sqlite_database, sqlite_actors
):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, TAKEN_UP)
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)
    qtbot.mouseClick(panel.row(REFERRAL_CODE).mark_button, Qt.MouseButton.LeftButton)
    with sqlite_database.session() as session:
        version = session.get_one(Referral, referral_id).version_id
        casework.move_status(
            session, worker, referral_id, version, CaseStatus.DECLINED, ClosingReason.DECLINED
        )

    panel.refresh()

    kept, declined = panel.rows
    assert kept.concept.text() == REFERRAL_CODE
    assert kept.entered.text() == f"Entered in the GP record {day_text(TODAY)} by Wren Worker"
    assert kept.due.text() == (
        "No longer due: the person has declined, so the declined code is due now. "
        "Leave this one in the GP record as entered."
    )
    assert kept.mark_button.isHidden() and kept.copy_button.isHidden()  # nothing more to enter
    assert declined.concept.text() == DECLINED_CODE
    assert declined.due.text().startswith("Due ")
    assert declined.mark_button.isVisible() and declined.copy_button.isVisible()
    with sqlite_database.session() as session:
        assert session.scalars(select(GpCodeEntry.code)).all() == [REFERRAL_CODE]


def test_the_letter_button_opens_the_preview(qtbot, sqlite_database, sqlite_actors):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, FULL)
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)

    qtbot.mouseClick(panel.letter_button, Qt.MouseButton.LeftButton)

    preview = panel.preview
    assert isinstance(preview, LetterPreviewDialog)
    assert preview.isVisible()
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready)
    assert preview.document.pageCount() >= 2
    assert preview.letter.referral_id == referral_id
    assert actions(sqlite_database, "gp_letter_viewed") == [("worker", referral_id, None)]
    preview.close()


def test_without_consent_the_panel_says_why_no_letter_goes_and_offers_to_record_consent(
    qtbot, sqlite_database, sqlite_actors
):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, replace(DECLINING, consent_share_gp=False))
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)
    assert len(panel.rows) == 1  # the code is still due: it is the practice's own record

    assert panel.consent.text() == "No consent to share with their GP, so no letter."
    assert not panel.letter_button.isEnabled() and panel.letter_button.isHidden()
    assert panel.consent_button.isVisible()  # in its place: record a consent given since
    with qtbot.waitSignal(panel.consent_requested):
        qtbot.mouseClick(panel.consent_button, Qt.MouseButton.LeftButton)
    assert panel.preview is None
    assert actions(sqlite_database, "gp_letter_viewed") == []


def test_with_consent_the_panel_says_since_when_and_the_letter_is_offered(
    qtbot, sqlite_database, sqlite_actors
):
    worker = sqlite_actors[Role.LINK_WORKER]
    panel = panel_for(qtbot, sqlite_database, worker, add_episode(sqlite_database, worker, FULL))
    assert panel.consent.text() == f"Consent to share with their GP given on {day_text(FULL.received_on)}."
    assert panel.letter_button.isEnabled() and panel.consent_button.isHidden()


def test_consent_withdrawn_says_the_day_and_a_refresh_shows_it(
    qtbot, sqlite_database, sqlite_actors, messages
):
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = add_episode(sqlite_database, worker, FULL)
    panel = panel_for(qtbot, sqlite_database, worker, referral_id)
    withdrawn = TODAY - timedelta(days=1)
    with sqlite_database.session() as session:  # a colleague records the withdrawal meanwhile
        referral = session.get_one(Referral, referral_id)
        referral.consent_share_gp, referral.consent_share_gp_withdrawn_on = False, withdrawn
    qtbot.mouseClick(panel.letter_button, Qt.MouseButton.LeftButton)  # the panel still offers it
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert f"withdrew their consent to share with their GP on {day_text(withdrawn)}" in messages.texts()[0]
    assert panel.preview is None

    panel.refresh()
    assert panel.consent.text() == (
        f"Consent to share with their GP withdrawn on {day_text(withdrawn)}, so no letter."
    )
    assert not panel.letter_button.isEnabled() and panel.consent_button.isVisible()


def test_a_manager_is_told_they_may_not_see_the_codes(qtbot, sqlite_database, sqlite_actors, messages):
    referral_id = add_episode(sqlite_database, sqlite_actors[Role.LINK_WORKER], DECLINING)
    panel = panel_for(qtbot, sqlite_database, sqlite_actors[Role.MANAGER], referral_id)
    assert panel.rows == []
    assert panel.empty.isHidden()  # not "no codes due": the codes were not shown at all
    qtbot.waitUntil(lambda: bool(messages.texts()))
    assert "does not allow you to see identifiable records" in messages.texts()[0]
