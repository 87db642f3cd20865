"""Moving work on real widgets, opened from the Network area as a user does: a manager moves a
leaver's whole work, or allocates waiting referrals, seeing no case and no exact load; an
administrator ticks cases one by one, and an unticked case keeps its follow-ups."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.disclosure import STARRED
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.roles import Role
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.cases import casework
from linkworker.services.network import network
from linkworker.services.network.network import OPEN_STATUSES, MovableCase, MovableFollowUp
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import FollowUp, Referral
from linkworker.ui.cases.reassign_dialog import CASE_COLUMNS, NO_ONE, ChoiceModel, ReassignDialog, moved_text
from linkworker.ui.network.network_view import NetworkView
from tests.conftest import WORKER_PASSWORD
from tests.services.network_builder import TODAY, Network, build_network
from tests.ui.conftest import Messages

CLICK = Qt.MouseButton.LeftButton
SMALL = re.compile(r"(?<![\d,])[1-7](?![\d,])")  # a count from 1 to 7 standing alone


@pytest.fixture
def world(sqlite_database: Database, sqlite_actors: dict) -> Network:
    world = build_network(sqlite_database, sqlite_actors)
    with sqlite_database.session() as session:  # an administrator who is no link worker
        create_user(
            session, world.actors[Role.ADMIN], NewUser("office", "Olly Office", Role.ADMIN, WORKER_PASSWORD)
        )
    return world


def _view(qtbot: QtBot, database: Database, world: Network, role: Role) -> NetworkView:
    view = NetworkView(Workspace(database, world.actors[role]))
    qtbot.addWidget(view)
    view.resize(1180, 700)
    view.show()
    view.refresh()
    return view


def _row(model: QAbstractItemModel, first_cell: str) -> int:
    return next(row for row in range(model.rowCount()) if model.data(model.index(row, 0)) == first_cell)


def _open_dialog(qtbot: QtBot, view: NetworkView, who: str) -> ReassignDialog:
    view.workload_table.selectRow(_row(view.workload, who))
    assert view.move_button is not None
    qtbot.mouseClick(view.move_button, CLICK)
    dialog = view.findChild(ReassignDialog)
    assert isinstance(dialog, ReassignDialog) and dialog.isVisible()
    return dialog


def _items(combo: QComboBox) -> list[str]:
    return [combo.itemText(index) for index in range(combo.count())]


def _choose(combo: QComboBox, starting: str) -> None:
    combo.setCurrentIndex(next(i for i, text in enumerate(_items(combo)) if text.startswith(starting)))


def _shown_text(widget: QWidget) -> str:
    """Everything the dialog shows or tells a screen reader, its tables and lists included."""
    texts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        texts += [child.accessibleName(), child.accessibleDescription(), child.toolTip()]
        if isinstance(child, QLabel | QAbstractButton):
            texts.append(child.text())
        if isinstance(child, QComboBox):
            texts += _items(child)
        model = getattr(child, "model", None)
        if callable(model) and isinstance(model(), QAbstractItemModel):
            shown = model()
            texts += [
                str(shown.data(shown.index(row, column)) or "")
                for row in range(shown.rowCount())
                for column in range(shown.columnCount())
            ]
    return "\n".join(texts)


def _holders(database: Database) -> dict[int, int | None]:
    with database.session() as session:
        return dict(session.execute(select(Referral.id, Referral.assigned_worker_id)).all())


def _owners(database: Database) -> dict[int, int | None]:
    with database.session() as session:
        return dict(session.execute(select(FollowUp.id, FollowUp.owner_id)).all())


def test_a_manager_moves_a_leavers_whole_work_seeing_no_case_and_no_exact_load(
    qtbot: QtBot, sqlite_database: Database, world: Network, messages: Messages
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.MANAGER)
    dialog = _open_dialog(qtbot, view, "Lee Leaver (deactivated)")
    held = [case.id for case in world.cases if case.worker_id == world.leaver_id and case.status.is_open]
    owned = [f.id for f in world.follow_ups if f.owner_id == world.leaver_id and f.state == "open"]

    assert dialog.source_name() == "Lee Leaver (deactivated)"
    assert _items(dialog.from_worker)[-1].startswith(f"{NO_ONE}: ")
    # Who takes casework, each with their load as the Network screen shows it to a manager;
    # never the administrator who is no link worker, nor the manager.
    targets = _items(dialog.to_worker)
    assert [text.partition(":")[0] for text in targets] == ["Ada Admin", "Bea Second", "Wren Worker"]
    with sqlite_database.session() as session:
        figures = network.figures(session, world.actors[Role.MANAGER])
    wren = next(load for load in figures.workload if load.name == "Wren Worker")
    load = f"{wren.open_cases.text} open cases, {wren.follow_ups.overdue.text} overdue follow-ups"
    assert targets[2] == f"Wren Worker: {load}"
    leaver = next(load for load in figures.workload if load.worker_id == world.leaver_id)
    assert dialog.from_worker.currentText() == (
        f"Lee Leaver (deactivated): {leaver.open_cases.text} open cases, "
        f"{leaver.follow_ups.overdue.text} overdue follow-ups"
    )
    assert figures.note is not None and dialog.load_note.text() == figures.note
    shown = _shown_text(dialog)
    small = SMALL.search(shown.replace(figures.note, ""))  # the note says "counts of 1 to 7 show as *"
    assert small is None, shown[small.start() - 80 : small.end() + 80]
    for case in world.cases:
        assert case.person.split(", ")[0] not in shown and f"LW-{case.id:06d}" not in shown
    assert not dialog.findChildren(type(view.workload_table))  # no list of cases at all

    assert dialog.everything.isChecked() and not dialog.how_many.isEnabled()
    assert dialog.to_worker.currentIndex() == -1 and not dialog.save_button.isEnabled()
    _choose(dialog.to_worker, "Wren Worker")
    assert dialog.summary.text() == (
        "All their open cases and follow-ups will move from Lee Leaver (deactivated) to Wren Worker."
    )
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    [said] = messages.texts()
    assert said.startswith("Moved ") and said.endswith(" to Wren Worker.")
    assert not SMALL.search(said)
    worker_id = world.actors[Role.LINK_WORKER].user_id
    holders, owners = _holders(sqlite_database), _owners(sqlite_database)
    assert all(holders[case_id] == worker_id for case_id in held)
    assert all(owners[follow_up_id] == worker_id for follow_up_id in owned)
    assert "Lee Leaver (deactivated)" not in [
        view.workload.data(view.workload.index(row, 0)) for row in range(view.workload.rowCount())
    ]  # counted again: holding nothing, the leaver has gone from the workload


def test_a_manager_gives_the_oldest_waiting_referrals_to_a_worker(
    qtbot: QtBot, sqlite_database: Database, world: Network, messages: Messages
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.MANAGER)
    dialog = _open_dialog(qtbot, view, "No one (unassigned)")
    waiting = sorted(case.id for case in world.cases if case.worker_id is None and case.status.is_open)
    assert dialog.source_name() == NO_ONE
    assert (
        dialog.from_worker.currentText() == f"{NO_ONE}: {view.figures.unassigned_cases.text} open referrals"
    )

    qtbot.mouseClick(dialog.oldest, CLICK)
    assert dialog.how_many.isEnabled()
    dialog.how_many.selectAll()
    qtbot.keyClicks(dialog.how_many, "2")
    _choose(dialog.to_worker, "Bea Second")
    assert dialog.summary.text() == (
        f"Their 2 oldest open cases (all of them, if fewer), with their follow-ups, will move from {NO_ONE} "
        "to Bea Second."
    )
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert messages.texts() == [f"Moved {STARRED} cases and " + messages.texts()[0].split(" and ", 1)[1]]
    holders = _holders(sqlite_database)
    assert [case_id for case_id in waiting if holders[case_id] == world.second_id] == waiting[:2]
    assert all(holders[case_id] is None for case_id in waiting[2:])


def test_an_unticked_case_keeps_its_follow_ups(
    qtbot: QtBot, sqlite_database: Database, world: Network, messages: Messages
) -> None:
    held = sorted(
        case.id for case in world.cases if case.worker_id == world.leaver_id and case.status.is_open
    )
    with sqlite_database.session() as session:  # a follow-up of the leaver's on each of their cases
        for case_id in held:
            session.add(FollowUp(referral_id=case_id, due_on=TODAY, kind="call", owner_id=world.leaver_id))
    view = _view(qtbot, sqlite_database, world, Role.ADMIN)
    dialog = _open_dialog(qtbot, view, "Lee Leaver (deactivated)")
    headers = [
        dialog.cases.headerData(c, Qt.Orientation.Horizontal) for c in range(dialog.cases.columnCount())
    ]
    assert headers == ["Case", "Person", "Practice", "Status", "Received", "Follow-ups with it"]
    assert [text.partition(":")[0] for text in _items(dialog.to_worker)] == [
        "Ada Admin",
        "Bea Second",
        "Wren Worker",
    ]
    assert dialog.follow_ups_table.isVisible()  # the leaver's follow-ups on cases others hold

    staying = dialog.cases.chosen()[0]
    assert staying.follow_ups
    assert dialog.cases.data(dialog.cases.index(0, 5)).startswith(f"{len(staying.follow_ups)} (")
    dialog.cases_table.setCurrentIndex(dialog.cases.index(0, 0))
    dialog.cases_table.setFocus()
    qtbot.keyClick(dialog.cases_table, Qt.Key.Key_Space)  # unticked as a keyboard user does
    assert staying not in dialog.cases.chosen()
    _choose(dialog.to_worker, "Wren Worker")
    moving = dialog.cases.chosen()
    with_them = sum(len(case.follow_ups) for case in moving)
    loose = dialog.follow_ups.rowCount()
    assert dialog.summary.text() == (
        f"{len(moving)} cases (with {with_them} follow-ups of theirs) and {loose} follow-ups on cases "
        "others hold will move from Lee Leaver (deactivated) to Wren Worker."
    )
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert messages.texts() == [
        f"Moved {len(moving)} cases and {with_them + loose} follow-ups to Wren Worker."
    ]
    worker_id = world.actors[Role.LINK_WORKER].user_id
    holders, owners = _holders(sqlite_database), _owners(sqlite_database)
    assert holders[staying.referral_id] == world.leaver_id
    assert all(owners[f.follow_up_id] == world.leaver_id for f in staying.follow_ups)
    assert all(owners[f.follow_up_id] == worker_id for case in moving for f in case.follow_ups)


def test_work_changed_meanwhile_moves_nothing_and_shows_the_work_as_it_is(
    qtbot: QtBot, sqlite_database: Database, world: Network, messages: Messages
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.ADMIN)
    dialog = _open_dialog(qtbot, view, "Lee Leaver (deactivated)")
    _choose(dialog.to_worker, "Bea Second")
    closing = dialog.cases.chosen()[0]
    before = dialog.cases.rowCount()
    with sqlite_database.session() as session:
        casework.move_status(
            session,
            world.actors[Role.ADMIN],
            closing.referral_id,
            closing.version,
            CaseStatus.CLOSED,
            ClosingReason.GOALS_MET,
        )

    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert len(messages.texts()) == 1 and closing.case_number in messages.texts()[0]
    assert dialog.cases.rowCount() == before - 1  # read again: the closed case has gone
    assert dialog.target_name() == "Bea Second"  # the choice is kept
    held = [case.id for case in world.cases if case.worker_id == world.leaver_id]
    assert all(_holders(sqlite_database)[case_id] == world.leaver_id for case_id in held)


def test_an_administrator_allocates_a_waiting_referral_from_the_list(
    qtbot: QtBot, sqlite_database: Database, world: Network, messages: Messages
) -> None:
    view = _view(qtbot, sqlite_database, world, Role.ADMIN)
    dialog = _open_dialog(qtbot, view, "No one (unassigned)")
    waiting = sorted(case.id for case in world.cases if case.worker_id is None and case.status.is_open)
    assert [case.referral_id for case in dialog.cases.chosen()] == waiting
    assert not dialog.follow_ups_table.isVisible()
    dialog.cases.set_all(False)
    dialog.cases.setData(
        dialog.cases.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    _choose(dialog.to_worker, "Wren Worker")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert messages.texts()[0].startswith("Moved 1 case and ")
    assert _holders(sqlite_database)[waiting[0]] == world.actors[Role.LINK_WORKER].user_id


def test_what_moved_reads_right_for_one_and_for_protected_counts() -> None:
    from linkworker.domain.breakdowns import Count

    assert moved_text(network.Moved("Wren Worker", 1, 1)) == "Moved 1 case and 1 follow-up to Wren Worker."
    assert moved_text(network.ShareMoved("Bea Second", Count(STARRED), Count("15"))) == (
        f"Moved {STARRED} cases and 15 follow-ups to Bea Second."
    )


def test_the_tick_list_model_keeps_to_qts_rules(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    follow_up = MovableFollowUp(9, 1, "LW-000001", "Wu, Li", FollowUpKind.CALL, date(2026, 1, 9), True, 1)
    model: ChoiceModel[MovableCase] = ChoiceModel(CASE_COLUMNS)
    model.set_rows(
        [
            MovableCase(
                referral_id,
                f"LW-{referral_id:06d}",
                "Wu, Li",
                "Riverside Surgery",
                status,
                date(2026, 1, 5),
                1,
                (follow_up,) if referral_id == 1 else (),
            )
            for referral_id, status in enumerate(OPEN_STATUSES, start=1)
        ]
    )
    qtmodeltester.check(model)
    assert len(model.chosen()) == len(OPEN_STATUSES)  # all ticked at first
    assert model.data(model.index(0, 5)) == "1 (09 Jan 2026, overdue)"
    assert model.data(model.index(1, 5)) == "None"
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert [case.referral_id for case in model.chosen()] == [1, 3, 4]
    assert model.data(model.index(1, 0), Qt.ItemDataRole.AccessibleTextRole) == "Case: LW-000002, to stay"
    model.set_all(False)
    assert model.chosen() == []
