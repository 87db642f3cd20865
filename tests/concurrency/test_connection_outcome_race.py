"""Two people recording the outcome of the same connection from two computers on one database:
the second save is refused, says who recorded what and when (never the person or the feedback),
and writes nothing; applied again over the connection as it now stands, it goes in. The form
keeps the user's entry and records it over theirs on a second save."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import event, func, select

from linkworker.domain.directory import ConnectionStatus as S
from linkworker.domain.referrals import CaseStatus
from linkworker.services.cases import connections
from linkworker.services.cases.connections import ConnectionChanged
from linkworker.services.errors import ServiceError
from linkworker.services.workspace import Workspace
from linkworker.store.models import AuditEvent, Connection, Referral
from linkworker.ui.cases.case_view import CaseView
from linkworker.ui.cases.connections_panel import RecordOutcomeDialog
from tests.concurrency.conftest import Desk, at_the_same_moment
from tests.services.casework_builder import connection
from tests.ui.conftest import Messages

KEPT = (
    " Your change was not saved, so nothing of theirs was overwritten. Your edit is kept: look at "
    "their change, then save yours again or leave it."
)
CLICK = Qt.MouseButton.LeftButton
ELSE = "Someone else changed this connection after you opened it: "


def ago(days: int) -> date:
    return date.today() - timedelta(days=days)


@pytest.fixture
def made(wren: Desk, case: int) -> int:
    """Orla's referral to Men in Sheds, made by Wren eight days ago, no outcome yet (version 1)."""
    return connection(wren.database, case, wren.actor, 8)


def saved(desk: Desk, made: int) -> Connection:
    with desk.database.read_session() as session:
        row = session.get(Connection, made)
        assert row is not None
        session.expunge(row)
        return row


def outcome_times(desk: Desk, case: int) -> list[datetime]:
    """When each outcome on the case was recorded, from the audit trail, oldest first."""
    with desk.database.read_session() as session:
        return list(
            session.scalars(
                select(AuditEvent.occurred_at)
                .where(AuditEvent.entity_id == case, AuditEvent.action == "connection_outcome")
                .order_by(AuditEvent.id)
            )
        )


def at(moment: datetime) -> str:
    return f"at {moment.astimezone():%H:%M}"


def record(desk: Desk, made: int, version: int, status: S, days_ago: int, feedback: str) -> object:
    with desk.database.session() as session:
        return connections.record_outcome(session, desk.actor, made, version, status, ago(days_ago), feedback)


def refusal(
    desk: Desk, made: int, version: int, status: S, days_ago: int, feedback: str
) -> ConnectionChanged:
    with pytest.raises(ConnectionChanged) as refused:
        record(desk, made, version, status, days_ago, feedback)
    return refused.value


def test_an_outcome_over_anothers_is_refused_with_who_recorded_what_then_applies_again(
    wren: Desk, ana: Desk, case: int, made: int
) -> None:
    record(ana, made, 1, S.ATTENDED, 2, "Loved the woodwork.")

    refused = refusal(wren, made, 1, S.DECLINED, 1, "Said it was not for her.")
    [when] = outcome_times(wren, case)
    assert str(refused) == (
        f"Someone else changed this connection after you opened it: Ana Worker recorded Attended {at(when)}."
        + KEPT
    )
    for private in ("Orla", "Fenwick", "woodwork", "not for her"):
        assert private not in str(refused)  # staff, outcome and time: no patient, no feedback
    theirs = refused.connection
    assert (theirs.status, theirs.status_on, theirs.by, theirs.version) == (
        S.ATTENDED,
        ago(2),
        "Ana Worker",
        2,
    )
    row = saved(wren, made)  # nothing of Wren's went in
    assert (row.status, row.feedback, row.recorded_by_id) == (
        S.ATTENDED.value,
        "Loved the woodwork.",
        ana.actor.user_id,
    )

    mine = record(wren, made, theirs.version, S.ATTENDED, 1, "Went again, with a friend.")
    row = saved(wren, made)
    assert (row.status, row.status_on, row.feedback, row.version_id) == (
        S.ATTENDED.value,
        ago(1),
        "Went again, with a friend.",
        3,
    )
    assert mine is not None and len(outcome_times(wren, case)) == 2


def test_several_outcomes_since_are_each_told_in_order(wren: Desk, ana: Desk, case: int, made: int) -> None:
    record(ana, made, 1, S.DID_NOT_ATTEND, 5, "")
    record(ana, made, 2, S.ATTENDED, 3, "")
    refused = refusal(wren, made, 1, S.DECLINED, 1, "")
    first, second = outcome_times(wren, case)
    assert refused.summary == (
        "Someone else changed this connection after you opened it: Ana Worker recorded Did not attend "
        f"{at(first)}; Ana Worker recorded Attended {at(second)}."
    )


def test_the_same_person_in_two_windows_is_told_it_was_them(wren: Desk, case: int, made: int) -> None:
    record(wren, made, 1, S.DECLINED, 3, "")
    refused = refusal(wren, made, 1, S.ATTENDED, 1, "")
    [when] = outcome_times(wren, case)
    assert refused.summary == (
        "This connection was changed in another window after you opened it here: "
        f"you recorded Declined {at(when)}."
    )


def test_a_change_with_no_audit_event_is_told_from_the_connection_itself(
    wren: Desk, ana: Desk, made: int
) -> None:
    """Outcomes written before the audit named connections (or by an import) still say who and when."""
    with ana.database.session() as session:
        row = session.get(Connection, made)
        assert row is not None
        row.status, row.status_on, row.recorded_by_id = S.DID_NOT_ATTEND.value, ago(2), ana.actor.user_id
    refused = refusal(wren, made, 1, S.ATTENDED, 1, "")
    assert refused.summary == (
        "Someone else changed this connection after you opened it: Ana Worker recorded Did not attend "
        f"{at(saved(wren, made).updated_at)}."
    )


def test_outcomes_saved_at_the_same_moment_one_goes_in_and_the_other_is_told_whose_did(
    wren: Desk, ana: Desk, case: int, made: int
) -> None:
    chosen = {"wren": S.ATTENDED, "ana": S.DECLINED}
    outcome = at_the_same_moment(
        {
            name: (lambda name=name, desk=desk: record(desk, made, 1, chosen[name], 1, f"{name}'s feedback"))
            for name, desk in (("wren", wren), ("ana", ana))
        },
        ConnectionChanged,
    )
    [winner] = [name for name, refused in outcome.items() if refused is None]
    [loser] = [refused for refused in outcome.values() if refused is not None]
    said = chosen[winner].value.capitalize()
    name = {"wren": "Wren Worker", "ana": "Ana Worker"}[winner]
    assert loser.summary.startswith(
        f"Someone else changed this connection after you opened it: {name} recorded {said} "
    )
    row = saved(wren, made)
    assert (row.status, row.feedback, row.version_id) == (chosen[winner].value, f"{winner}'s feedback", 2)
    assert len(outcome_times(wren, case)) == 1  # nothing merged or doubled


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_an_outcome_whose_connection_changes_between_its_read_and_its_write_is_refused_by_the_server(
    wren: Desk, ana: Desk, case: int, made: int
) -> None:
    """On a shared server another save can land between this save's check and its write; the
    version in the UPDATE catches it there, and the refusal undoes only the save. (On SQLite a
    save holds the write lock from its first read, so the other waits instead.)"""
    with wren.database.session() as session:
        read = session.get(Connection, made)
        assert read is not None
        record(ana, made, 1, S.DID_NOT_ATTEND, 3, "")
        with pytest.raises(ConnectionChanged) as refused:
            connections.record_outcome(session, wren.actor, made, 1, S.ATTENDED, ago(1), "Went in the end.")
        [when] = outcome_times(ana, case)
        assert refused.value.summary == (f"{ELSE}Ana Worker recorded Did not attend {at(when)}.")
        assert refused.value.connection.version == 2
        connections.record_outcome(session, wren.actor, made, 2, S.ATTENDED, ago(1), "Went in the end.")
    row = saved(wren, made)
    assert (row.status, row.feedback, row.version_id) == (S.ATTENDED.value, "Went in the end.", 3)


def test_the_outcome_form_refused_over_anothers_keeps_the_entry_and_records_it_again(
    qtbot: QtBot, wren: Desk, ana: Desk, case: int, made: int, messages: Messages
) -> None:
    view = CaseView(Workspace(wren.database, wren.actor), case)
    qtbot.addWidget(view)
    view.resize(1166, 700)
    view.show()
    view.tabs.setCurrentWidget(view.connections)
    view.connections.table.selectRow(0)
    qtbot.mouseClick(view.connections.outcome_button, CLICK)
    [dialog] = [dialog for dialog in view.findChildren(RecordOutcomeDialog) if dialog.isVisible()]
    dialog.status.setCurrentIndex(dialog.status.findData(S.ATTENDED))
    dialog.on.setDate(QDate(ago(4)))
    dialog.feedback.setPlainText("Went twice, wants to keep going.")
    record(ana, made, 1, S.DID_NOT_ATTEND, 2, "Rang to say she was unwell.")  # meanwhile, at another practice

    with qtbot.waitSignal(dialog.overtaken) as overtaken:
        qtbot.mouseClick(dialog.save_button, CLICK)
    qtbot.waitUntil(lambda: bool(messages.texts()))
    [box] = messages.boxes()
    assert box.windowTitle() == "Record outcome: changed by someone else"
    [when] = outcome_times(wren, case)
    told = f"{ELSE}Ana Worker recorded Did not attend {at(when)}."
    assert box.text() == told + KEPT
    messages.close_all()

    assert dialog.isVisible() and not dialog.changed_meanwhile.isHidden()
    assert dialog.changed_meanwhile.text() == (
        f"{told}\nYour entry (attended, with your feedback) is kept: save to record it over theirs, or "
        f"cancel to leave theirs. Their outcome is dated {ago(2):%d %b %Y}, so the day is now that day."
    )
    assert "unwell" not in dialog.changed_meanwhile.text()  # their feedback shows on the case, not here
    assert (dialog.chosen(), dialog.outcome_day(), dialog.feedback.toPlainText()) == (
        S.ATTENDED,
        ago(2),
        "Went twice, wants to keep going.",
    )
    assert "Recorded so far: did not attend on" in dialog.introduction.text()
    assert overtaken.args is not None and overtaken.args[0].status is S.DID_NOT_ATTEND
    model = view.connections.model  # the screen behind shows their outcome at once
    qtbot.waitUntil(lambda: model.data(model.index(0, 6)) == "Rang to say she was unwell.")

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, CLICK)
    row = saved(wren, made)
    assert (row.status, row.status_on, row.feedback, row.recorded_by_id, row.version_id) == (
        S.ATTENDED.value,
        ago(2),
        "Went twice, wants to keep going.",
        wren.actor.user_id,
        3,
    )
    qtbot.waitUntil(lambda: model.data(model.index(0, 6)) == "Went twice, wants to keep going.")


@pytest.mark.parametrize("database", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_suggestion_taken_up_by_someone_else_between_the_check_and_the_write_is_refused_as_a_repeat(
    wren: Desk, ana: Desk, case: int
) -> None:
    """Ana takes up the suggestion in the moment between Wren's checks and Wren's write (her
    save runs, on her own computer, just as Wren's session flushes): the version in Wren's UPDATE
    catches it, Wren is told it is already referred, and nothing of Wren's is written."""
    with wren.database.session() as session:
        referral = session.get(Referral, case)
        assert referral is not None
        referral.status = CaseStatus.CONNECTED.value  # no lock on the case: the connection decides
    suggestion = connection(wren.database, case, wren.actor, 3, status=S.SUGGESTED)
    service_id = saved(wren, suggestion).service_id

    with wren.database.session() as session:

        def ana_takes_it_up(*_flushing: object) -> None:
            with ana.database.session() as theirs:
                connections.make_connection(theirs, ana.actor, case, service_id, S.REFERRED, ago(0))

        event.listen(session, "before_flush", ana_takes_it_up, once=True)
        with pytest.raises(ServiceError, match=f"^Already referred to Men in Sheds on {ago(0).day} "):
            connections.make_connection(session, wren.actor, case, service_id, S.SIGNPOSTED, ago(0))

    row = saved(wren, suggestion)
    assert (row.status, row.made_by_id, row.version_id) == (S.REFERRED.value, ana.actor.user_id, 2)
    with wren.database.read_session() as session:
        assert session.scalar(select(func.count()).where(Connection.referral_id == case)) == 1
