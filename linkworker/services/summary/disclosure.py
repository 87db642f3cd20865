"""The disclosure rule a PCN's summaries follow: the NHS Digital rule unless its administrator
has chosen another threshold. The rule itself lives in domain.disclosure; this keeps the choice."""

from __future__ import annotations

from sqlalchemy.orm import Session

from linkworker.domain.disclosure import Rule, parse_threshold, threshold_rule
from linkworker.domain.measures import parse_swemwbs_change
from linkworker.domain.roles import Permission
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import NotFound
from linkworker.store.models import Pcn


def pcn_for_figures(session: Session, actor: Actor, pcn_id: int | None = None) -> Pcn:
    """The PCN whose anonymised figures the actor asks for: their own (anyone who may see
    figures), or any other on a shared server (administrators: an ICB's summaries are made by
    its administrator, as the figures leave every PCN under that PCN's own rule)."""
    actor.require(Permission.SEE_AGGREGATES)
    if pcn_id is not None and pcn_id != actor.pcn_id:
        actor.require(Permission.ADMINISTER)
    pcn = session.get(Pcn, actor.pcn_id if pcn_id is None else pcn_id)
    if pcn is None:
        raise NotFound("That primary care network is not on this database.")
    return pcn


def rule_for(session: Session, actor: Actor, pcn_id: int | None = None) -> Rule:
    """The rule for figures leaving the actor's PCN, or the PCN named (see pcn_for_figures)."""
    return threshold_rule(pcn_for_figures(session, actor, pcn_id).suppress_up_to)


def rule_for_reader(session: Session, actor: Actor) -> Rule | None:
    """How counts of people reach this reader: None (exactly) for a role that may open the records
    counted, else under the rule of their PCN, so a manager never sees a count from 1 to 7 on any
    screen (domain.breakdowns)."""
    if actor.may(Permission.SEE_IDENTIFIABLE):
        return None
    return rule_for(session, actor)


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


def swemwbs_change_for(session: Session, actor: Actor, pcn_id: int | None = None) -> float:
    """The smallest SWEMWBS metric change the PCN's summaries count as improved or worse."""
    return pcn_for_figures(session, actor, pcn_id).swemwbs_change_hundredths / 100


def set_swemwbs_change(session: Session, actor: Actor, points: float | str) -> float:
    """Choose the PCN's meaningful SWEMWBS change (1.00 to 3.00 metric points; 2.87 by default,
    Shah et al. 2018). An administrator's decision, as it changes what the summary calls an
    improvement; audited."""
    actor.require(Permission.ADMINISTER)
    chosen = parse_swemwbs_change(points)
    pcn = session.get(Pcn, actor.pcn_id)
    assert pcn is not None, "an actor belongs to a PCN"
    pcn.swemwbs_change_hundredths = round(chosen * 100)
    audit.record(session, actor, "swemwbs_change_set", "pcn", pcn.id, f"metric_points={chosen:.2f}")
    return chosen
