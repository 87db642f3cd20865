"""The Overview area shows the PCN's real figures, counted by the overview service."""

from __future__ import annotations

from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from linkworker.domain.breakdowns import reading
from linkworker.domain.disclosure import NHS_DIGITAL, STARRED, WITHHELD
from linkworker.domain.nhs_number import synthetic_numbers
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database
from linkworker.store.models import Patient, Referral
from linkworker.ui.network.overview_view import OverviewView


def add_referrals(database: Database, actor: Actor) -> None:
    """Four synthetic referrals: two open at Riverside, one open at Hilltop, one closed."""
    with database.session() as session:
        practices = {p.name: p.id for p in organisation.list_practices(session, actor)}
        patient = Patient(
            nhs_number=next(iter(synthetic_numbers())),
            given_name="Sam",
            family_name="Testperson",
            date_of_birth=date(1950, 1, 1),
            sex=Sex.NOT_KNOWN.value,
            ethnic_category=EthnicCategory.Z.value,
        )
        session.add(patient)
        session.flush()
        today = date.today()
        for practice, status, received, worker in [
            ("Riverside Surgery", CaseStatus.REFERRED, today, None),
            ("Riverside Surgery", CaseStatus.CONTACTED, today - timedelta(days=45), actor.user_id),
            ("Hilltop Practice", CaseStatus.REFERRED, today - timedelta(days=3), None),
            ("Hilltop Practice", CaseStatus.CLOSED, today - timedelta(days=10), actor.user_id),
        ]:
            session.add(
                Referral(
                    patient_id=patient.id,
                    pcn_id=actor.pcn_id,
                    referring_practice_id=practices[practice],
                    source="gp",
                    received_on=received,
                    urgency="routine",
                    status=status.value,
                    assigned_worker_id=worker,
                )
            )


def cells(view_model) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        (view_model.data(view_model.index(row, 0)), view_model.data(view_model.index(row, 1)))
        for row in range(view_model.rowCount())
    ]


def _overview(qtbot: QtBot, database: Database, actor: Actor) -> OverviewView:
    view = OverviewView(Workspace(database, actor))
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    return view


def test_overview_shows_a_link_worker_the_counts(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    add_referrals(database, actors[Role.LINK_WORKER])
    view = _overview(qtbot, database, actors[Role.LINK_WORKER])

    assert view.heading.text() == "Overview: Test Valley PCN"
    assert view.open_cases.text() == "3"
    assert view.received.text() == "3"
    assert view.unassigned.text() == "2"
    assert view.services.text() == "0"
    assert view.open_cases.accessibleName() == "Open cases: 3"
    assert cells(view.by_status) == [
        ("Referred", "2"),
        ("Contacted", "1"),
        ("Assessed", "0"),
        ("Connected", "0"),
    ]
    assert cells(view.by_practice) == [("Hilltop Practice", "1"), ("Riverside Surgery", "2")]
    assert not view.note.isVisible()


def test_a_manager_sees_no_count_from_1_to_7(
    qtbot: QtBot, database: Database, actors: dict[Role, Actor]
) -> None:
    """The same referrals as a manager sees them: 1 to 7 starred, and the total and the largest
    line of each list withheld, so no star is the total less the others."""
    add_referrals(database, actors[Role.LINK_WORKER])
    view = _overview(qtbot, database, actors[Role.MANAGER])

    assert view.open_cases.text() == WITHHELD
    assert view.open_cases.accessibleName() == "Open cases: not shown"
    assert view.received.text() == STARRED and view.received.accessibleName().endswith(
        ": a small number, starred"
    )
    assert view.unassigned.text() == WITHHELD  # 2, the largest line of the cases by worker
    assert view.services.text() == "0"  # services, not people
    assert cells(view.by_status) == [
        ("Referred", WITHHELD),
        ("Contacted", STARRED),
        ("Assessed", "0"),
        ("Connected", "0"),
    ]
    assert cells(view.by_practice) == [("Hilltop Practice", STARRED), ("Riverside Surgery", WITHHELD)]
    assert view.note.isVisible() and view.note.text() == reading(NHS_DIGITAL)


def test_an_empty_pcn_shows_zeros_for_every_practice(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    view = OverviewView(Workspace(sqlite_database, sqlite_actors[Role.LINK_WORKER]))
    qtbot.addWidget(view)
    view.refresh()
    assert view.open_cases.text() == "0"
    assert cells(view.by_practice) == [("Hilltop Practice", "0"), ("Riverside Surgery", "0")]
    assert view.updated.text().startswith("Counted at ")
