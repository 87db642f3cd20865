"""The caseload's overdue follow-ups: the filter, the count on each row and the sort, against
answers worked out from the records made (``network_builder``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from sqlalchemy import select

from linkworker.domain.roles import Role
from linkworker.services.cases import caseload
from linkworker.services.cases.caseload import CaseloadQuery, Scope, SortKey, StatusGroup
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent
from tests.services.network_builder import TODAY, build_network


def test_the_pcn_list_finds_counts_and_sorts_cases_by_overdue_follow_ups(
    database: Database, actors: dict
) -> None:
    world = build_network(database, actors)
    overdue = Counter(f.referral_id for f in world.follow_ups if f.state == "open" and f.due_on < TODAY)
    worker = actors[Role.LINK_WORKER]
    everything = CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, sort=SortKey.CASE, descending=False)

    with database.session() as session:
        listed = caseload.first_page(session, worker, everything, 100, today=TODAY)
        only = caseload.first_page(session, worker, replace(everything, overdue=True), 5, today=TODAY)
        rest = caseload.page(session, worker, replace(everything, overdue=True), 5, 100, today=TODAY)
        worst_first = caseload.page(
            session,
            worker,
            CaseloadQuery(scope=Scope.PCN, status=StatusGroup.ANY, sort=SortKey.OVERDUE),
            0,
            100,
            today=TODAY,
        )
    # The audit trail is written when the unit of work commits, so it is read after.
    detail = _last_audit_detail(database)

    assert {row.referral_id: row.overdue_follow_ups for row in listed.page.rows} == {
        case.id: overdue.get(case.id, 0) for case in world.cases
    }
    assert [row.referral_id for row in (*only.page.rows, *rest.rows)] == sorted(overdue)
    assert only.total == len(overdue) > 5  # counted past the first page, with the filter
    assert [row.overdue_follow_ups for row in worst_first.rows] == sorted(
        (overdue.get(case.id, 0) for case in world.cases), reverse=True
    )
    assert "overdue=any" in (detail or "")
    with database.session() as session:
        caseload.first_page(session, worker, CaseloadQuery(scope=Scope.PCN, overdue=True), 5, today=TODAY)
    assert "overdue=only" in (_last_audit_detail(database) or "")


def _last_audit_detail(database: Database) -> str | None:
    with database.session() as session:
        return session.scalar(select(AuditEvent.detail).order_by(AuditEvent.id.desc()).limit(1))
