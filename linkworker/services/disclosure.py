"""The disclosure rule a PCN's summaries follow: the NHS Digital rule unless its administrator
has chosen another threshold. The rule itself lives in domain.disclosure; this keeps the choice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from linkworker.domain.disclosure import Rule, parse_threshold, threshold_rule
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.store.models import Pcn


def rule_for(session: Session, actor: Actor) -> Rule:
    """The rule for figures leaving the actor's PCN, for anyone who may see its figures."""
    actor.require(Permission.SEE_AGGREGATES)
    threshold = session.scalar(select(Pcn.suppress_up_to).where(Pcn.id == actor.pcn_id))
    assert threshold is not None, "an actor belongs to a PCN"
    return threshold_rule(threshold)


def set_threshold(session: Session, actor: Actor, suppress_up_to: int | str) -> Rule:
    """Choose the largest count the PCN's summaries show as "*"; 7 is the NHS Digital rule.
    An administrator's decision, since it governs what leaves the PCN; audited."""
    actor.require(Permission.ADMINISTER)
    chosen = parse_threshold(suppress_up_to)
    pcn = session.get(Pcn, actor.pcn_id)
    assert pcn is not None, "an actor belongs to a PCN"
    pcn.suppress_up_to = chosen
    audit.record(session, actor, "disclosure_threshold_set", "pcn", pcn.id, f"suppress_up_to={chosen}")
    return threshold_rule(chosen)
