"""The needs a PCN records on referrals: the national taxonomy in resources/, and the PCN's own.

A PCN adds needs of its own (a PCN manager or an administrator does); a local need is never
deleted, since referrals keep its code: it is deactivated, and then no longer offered.

Each local need says how many referrals record it: exactly for a role that may see records. A
PCN manager is told only whether any do ("in use"), not how many: the count over all time is
the sum of the monthly summaries' "New referrals by need", so even rounded or starred it could
be set against them to work out a month's starred count. That it is in use adds nothing to them.
A case closed as opened in error is not counted (``referrals.counted_in_figures``), as there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from linkworker import catalogues
from linkworker.domain.breakdowns import Count, exact
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import local_need_code, parse_need_label, same_label
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import LocalNeed, Referral, ReferralNeed

IN_USE = "in use"  # recorded on at least one referral, for a reader not given the number


@dataclass(frozen=True)
class Need:
    code: str
    label: str
    local: bool
    description: str = ""


@dataclass(frozen=True)
class LocalNeedSummary:
    id: int
    code: str
    label: str
    active: bool
    version: int
    referrals: Count  # exact for a reader of records; else "0" or IN_USE


def needs_for(session: Session, actor: Actor) -> list[Need]:
    """Every need this PCN may record: the national ones, then its own active ones by label."""
    national = [Need(need.code, need.label, False, need.description) for need in catalogues.needs()]
    local = session.scalars(
        select(LocalNeed)
        .where(LocalNeed.pcn_id == actor.pcn_id, LocalNeed.active.is_(True))
        .order_by(LocalNeed.label, LocalNeed.id)
    )
    return national + [Need(need.code, need.label, True) for need in local]


def need_labels(session: Session, actor: Actor) -> dict[str, str]:
    """Code to label of the needs this PCN may record: the ``needs`` of ``parse_referral``."""
    return {need.code: need.label for need in needs_for(session, actor)}


def labels_of_pcn(session: Session, pcn_id: int) -> dict[str, str]:
    """Code to label of every need a PCN's records may carry: the national ones and its own,
    active or not (a need retired since still names the referrals that recorded it)."""
    labels = {need.code: need.label for need in catalogues.needs()}
    local = session.execute(select(LocalNeed.code, LocalNeed.label).where(LocalNeed.pcn_id == pcn_id))
    labels.update({code: label for code, label in local})
    return labels


def _counted() -> ColumnElement[bool]:
    """``referrals.counted_in_figures``, imported here since services.referrals reads this module's
    labels as it loads."""
    from linkworker.services.cases.referrals import counted_in_figures

    return counted_in_figures()


def local_needs(session: Session, actor: Actor) -> list[LocalNeedSummary]:
    """The PCN's own needs, active or not, with how many referrals record each."""
    in_use = (
        select(func.count())
        .select_from(ReferralNeed)
        .join(Referral, Referral.id == ReferralNeed.referral_id)
        .where(ReferralNeed.need_code == LocalNeed.code, Referral.pcn_id == LocalNeed.pcn_id, _counted())
        .scalar_subquery()
    )
    rows = session.execute(
        select(LocalNeed, in_use)
        .where(LocalNeed.pcn_id == actor.pcn_id)
        .order_by(LocalNeed.label, LocalNeed.id)
    )
    return [_summary(actor, need, count) for need, count in rows]


def add_local_need(session: Session, actor: Actor, label: str) -> LocalNeedSummary:
    """Add a need to this PCN's list; a deactivated one with the same name is brought back."""
    actor.require(Permission.SET_PCN_POLICY)
    label = parse_need_label(label)
    taken = [need.label for need in catalogues.needs()] + [
        need.label
        for need in session.scalars(
            select(LocalNeed).where(LocalNeed.pcn_id == actor.pcn_id, LocalNeed.active.is_(True))
        )
    ]
    if any(same_label(label, existing) for existing in taken):
        raise ValidationError("label", f"The list already has “{label}”.")
    code = local_need_code(label)
    existing = session.scalar(
        select(LocalNeed).where(LocalNeed.pcn_id == actor.pcn_id, LocalNeed.code == code)
    )
    if existing is not None and existing.active:
        raise ValidationError("label", f"“{label}” is too close to “{existing.label}”, already on the list.")
    if existing is not None:
        existing.label = label
        existing.active = True
        need = existing
    else:
        need = LocalNeed(pcn_id=actor.pcn_id, code=code, label=label, active=True)
        session.add(need)
    session.flush()
    audit.record(session, actor, "need_added", "local_need", need.id)
    return _summary(actor, need, _referral_count(session, need))


def set_local_need_active(
    session: Session, actor: Actor, need_id: int, version: int, active: bool
) -> LocalNeedSummary:
    """Deactivate a local need (no longer offered; past referrals keep it) or bring it back."""
    actor.require(Permission.SET_PCN_POLICY)
    need = session.get(LocalNeed, need_id)
    if need is None or need.pcn_id != actor.pcn_id:
        raise NotFound("That need is no longer on the PCN's list.")
    if need.version_id != version:
        raise StaleEdit("need")
    if active and any(same_label(need.label, national.label) for national in catalogues.needs()):
        raise ValidationError("label", f"The national list now has “{need.label}”: use that instead.")
    need.active = active
    session.flush()
    audit.record(session, actor, "need_activated" if active else "need_deactivated", "local_need", need.id)
    return _summary(actor, need, _referral_count(session, need))


def _referral_count(session: Session, need: LocalNeed) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ReferralNeed)
            .join(Referral, Referral.id == ReferralNeed.referral_id)
            .where(ReferralNeed.need_code == need.code, Referral.pcn_id == need.pcn_id, _counted())
        )
        or 0
    )


def _summary(actor: Actor, need: LocalNeed, referrals: int) -> LocalNeedSummary:
    if actor.may(Permission.SEE_IDENTIFIABLE):
        shown = exact(referrals)
    else:
        shown = Count(IN_USE if referrals else "0")
    return LocalNeedSummary(need.id, need.code, need.label, need.active, need.version_id, shown)
