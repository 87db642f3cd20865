"""Every item model the window uses passes Qt's model tester on real service data."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from linkworker.domain.breakdowns import Count, exact
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration import audit_trail, organisation, users
from linkworker.services.administration.organisation import NewPractice
from linkworker.store.database import Database
from linkworker.ui.widgets.models import (
    AUDIT_COLUMNS,
    PRACTICE_COLUMNS,
    USER_COLUMNS,
    PracticeDraftModel,
    RecordTableModel,
    Tally,
    tally_columns,
)


def _cells(model: RecordTableModel) -> list[list[str]]:  # type: ignore[type-arg]
    return [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_user_model_over_the_real_user_list(
    database: Database, actors: dict[Role, Actor], qtmodeltester: ModelTester
) -> None:
    with database.session() as session:
        listed = users.list_users(session, actors[Role.ADMIN])
    model = RecordTableModel(USER_COLUMNS)
    model.set_records(listed)
    qtmodeltester.check(model)
    rows = _cells(model)
    assert [row[:4] for row in rows] == [
        ["admin", "Ada Admin", "Administrator", "Active"],
        ["manager", "Max Manager", "PCN manager", "Active"],
        ["worker", "Wren Worker", "Link worker", "Active"],
    ]
    assert all(row[4] != "Never" for row in rows)  # each has signed in (the fixture signs them in)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "User name"
    assert model.record(2).username == "worker"


def test_practice_and_audit_models(
    database: Database, actors: dict[Role, Actor], qtmodeltester: ModelTester
) -> None:
    admin = actors[Role.ADMIN]
    with database.session() as session:
        practices = organisation.list_practices(session, admin, include_inactive=True)
        entries = audit_trail.page(session, admin).events
    practice_model = RecordTableModel(PRACTICE_COLUMNS)
    practice_model.set_records(practices)
    qtmodeltester.check(practice_model)
    assert _cells(practice_model) == [
        ["Hilltop Practice", "G99002", "Active"],
        ["Riverside Surgery", "G99001", "Active"],
    ]

    audit_model = RecordTableModel(AUDIT_COLUMNS)
    audit_model.set_records(entries)
    qtmodeltester.check(audit_model)
    actions = [row[2] for row in _cells(audit_model)]
    assert actions[0] == "Sign in" and "Setup" in actions and "User created" in actions
    created = next(row for row in _cells(audit_model) if row[2] == "User created")
    assert created[3].startswith("User: ") and created[4].startswith("role=")


def test_tally_model(qtmodeltester: ModelTester) -> None:
    model = RecordTableModel(tally_columns("Status"))
    model.set_records(
        [Tally("Referred", exact(5)), Tally("Contacted", exact(1234)), Tally("Assessed", Count("*"))]
    )
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "1,234" and model.data(model.index(2, 1)) == "*"
    assert model.data(model.index(1, 1), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(1, 0), Qt.ItemDataRole.TextAlignmentRole) is None


def test_practice_draft_model_edits_inserts_and_removes(qtmodeltester: ModelTester) -> None:
    model = PracticeDraftModel()
    qtmodeltester.check(model)
    assert model.insertRows(0, 2)
    assert model.setData(model.index(0, PracticeDraftModel.NAME), "Riverside Surgery")
    assert model.setData(model.index(0, PracticeDraftModel.ODS_CODE), "g99001")
    assert model.setData(model.index(1, PracticeDraftModel.NAME), "Hilltop Practice")
    qtmodeltester.check(model)
    assert model.drafts() == [NewPractice("g99001", "Riverside Surgery"), NewPractice("", "Hilltop Practice")]
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.headerData(1, Qt.Orientation.Vertical) == "2"
    assert not model.is_blank(1)
    assert model.insertRows(2, 1) and model.is_blank(2)
    assert model.removeRows(0, 1)
    assert not model.removeRows(0, 5)
    assert not model.insertRows(0, 1, model.index(0, 0))
    assert model.rowCount(QModelIndex()) == 2
    assert model.drafts()[0].name == "Hilltop Practice"
    qtmodeltester.check(model)
