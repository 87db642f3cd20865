"""Figures for the home screen: counts only, so every role may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.referrals import ENDED, CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.store.models import Practice, Referral, Service


@dataclass(frozen=True)
class PracticeCount:
    practice: str
    open_cases: int


@dataclass(frozen=True)
class Overview:
    open_by_status: dict[CaseStatus, int]
    open_by_practice: list[PracticeCount]
    received_last_30_days: int
    unassigned: int
    active_services: int

    @property
    def open_cases(self) -> int:
        return sum(self.open_by_status.values())


def overview(session: Session, actor: Actor, today: date | None = None) -> Overview:
    actor.require(Permission.SEE_AGGREGATES)
    today = today or date.today()
    ended = [status.value for status in ENDED]
    is_open = (Referral.pcn_id == actor.pcn_id) & Referral.status.not_in(ended)
    by_status = {
        CaseStatus(status): count
        for status, count in session.execute(
            select(Referral.status, func.count()).where(is_open).group_by(Referral.status)
        )
    }
    by_practice = [
        PracticeCount(name, count)
        for name, count in session.execute(
            select(Practice.name, func.count(Referral.id))
            .join(Referral, Referral.referring_practice_id == Practice.id)
            .where(is_open)
            .group_by(Practice.id, Practice.name)
            .order_by(Practice.name, Practice.id)
        )
    ]
    received = session.scalar(
        select(func.count()).where(
            Referral.pcn_id == actor.pcn_id, Referral.received_on > today - timedelta(days=30)
        )
    )
    unassigned = session.scalar(select(func.count()).where(is_open, Referral.assigned_worker_id.is_(None)))
    services = session.scalar(
        select(func.count())
        .select_from(Service)
        .where((Service.pcn_id == actor.pcn_id) | Service.pcn_id.is_(None), Service.status == "active")
    )
    return Overview(by_status, by_practice, received or 0, unassigned or 0, services or 0)
