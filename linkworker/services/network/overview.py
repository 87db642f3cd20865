"""Figures for the home screen: counts only, so every role may see them, each as its reader may.

A link worker or an administrator sees every count exactly. A PCN manager sees them under the
PCN's disclosure rule, so no count from 1 to 7 of people reaches them as a number:

- open cases in all, by status, by referring practice, and those with no link worker: the same
  set the Network screen shows (``network.open_cases``), protected there as one set (the total
  and its breakdowns by practice, status and worker), so the two screens show the same and
  neither's figures can be subtracted from the other's (services.network says how, and why);
- referrals received in the last 30 days: one count, adding up with nothing else on show. The
  monthly summary's "New referrals" for the whole PCN counts the same referrals when the 30 days
  are a calendar month (read on the last day of a 30-day month); both follow the PCN's rule, so
  they agree. Read day after day it moves by the referrals that arrive and drop out of the 30
  days, known only to within the rounding;
- active services: services, not people, so exact for everyone.

A case closed as opened in error is in none of these (``referrals.counted_in_figures``; closed,
it is not open either).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from linkworker.domain.breakdowns import Count, alone
from linkworker.domain.referrals import CaseStatus
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.cases.referrals import counted_in_figures
from linkworker.services.network import network
from linkworker.services.summary.disclosure import rule_for_reader
from linkworker.store.models import Referral, Service


@dataclass(frozen=True)
class PracticeCount:
    practice: str
    open_cases: Count


@dataclass(frozen=True)
class Overview:
    open_cases: Count
    open_by_status: tuple[tuple[CaseStatus, Count], ...]  # every open status, in the order a case moves
    open_by_practice: tuple[PracticeCount, ...]  # the PCN's open practices and any with open cases, by name
    received_last_30_days: Count
    unassigned: Count
    active_services: int
    note: str | None  # how to read protected counts; None when every count is exact


def overview(session: Session, actor: Actor, today: date | None = None) -> Overview:
    actor.require(Permission.SEE_AGGREGATES)
    today = today or date.today()
    cases = network.open_cases(session, actor)
    received = session.scalar(
        select(func.count()).where(
            Referral.pcn_id == actor.pcn_id,
            Referral.received_on > today - timedelta(days=30),
            counted_in_figures(),
        )
    )
    services = session.scalar(
        select(func.count())
        .select_from(Service)
        .where((Service.pcn_id == actor.pcn_id) | Service.pcn_id.is_(None), Service.status == "active")
    )
    return Overview(
        cases.total,
        tuple(zip(network.OPEN_STATUSES, cases.by_status, strict=True)),
        tuple(
            PracticeCount(line.name, line.open_cases)
            for line in cases.by_practice
            if line.active or not line.open_cases.is_zero
        ),
        alone(received or 0, rule_for_reader(session, actor)),
        cases.unassigned,
        services or 0,
        cases.note,
    )
