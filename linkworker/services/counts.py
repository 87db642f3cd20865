"""How counts of people reach the person reading them: exactly for a role that may see the records
counted, else under the disclosure rule of their PCN (``domain.breakdowns``).

A link worker sees their own and their colleagues' work exactly: they may open every case it
counts. A PCN manager works with aggregates only, so a count from 1 to 7 of people never reaches
them as a number, on any screen or in any file.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from linkworker.domain.disclosure import Rule
from linkworker.domain.roles import Permission
from linkworker.services.actor import Actor
from linkworker.services.disclosure import rule_for


def rule_for_reader(session: Session, actor: Actor) -> Rule | None:
    """None for a reader who may see exact counts; else the rule of the actor's PCN."""
    if actor.may(Permission.SEE_IDENTIFIABLE):
        return None
    return rule_for(session, actor)
