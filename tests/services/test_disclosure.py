"""The PCN's disclosure rule: NHS Digital by default, an administrator's threshold once chosen,
kept per PCN, audited, and changed by administrators only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from linkworker.domain.disclosure import NHS_DIGITAL, shown
from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Role
from linkworker.domain.summary import count
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.errors import NotFound, PermissionDenied
from linkworker.services.summary import disclosure
from linkworker.store.database import Database
from linkworker.store.models import Pcn


def test_a_pcn_follows_the_nhs_digital_rule_until_an_administrator_chooses_a_threshold(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.read_session() as session:
        for actor in actors.values():
            assert disclosure.rule_for(session, actor) == NHS_DIGITAL

    with database.session() as session:
        chosen = disclosure.set_threshold(session, actors[Role.ADMIN], " 10 ")
    assert chosen.suppress_up_to == 10

    with database.read_session() as session:
        rule = disclosure.rule_for(session, actors[Role.MANAGER])
        events = audit.recent(session, actors[Role.ADMIN])
    assert rule == chosen and rule != NHS_DIGITAL
    assert [shown(count("People", people), rule) for people in (10, 12, 13)] == ["*", "*", "15"]
    assert [(event.action, event.entity, event.detail) for event in events][:1] == [
        ("disclosure_threshold_set", "pcn", "suppress_up_to=10")
    ]

    with database.session() as session:
        disclosure.set_threshold(session, actors[Role.ADMIN], 7)
    with database.read_session() as session:
        assert disclosure.rule_for(session, actors[Role.LINK_WORKER]) == NHS_DIGITAL


def test_only_an_administrator_sets_the_threshold_and_only_within_range(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for role in (Role.MANAGER, Role.LINK_WORKER):
        with pytest.raises(PermissionDenied), database.session() as session:
            disclosure.set_threshold(session, actors[role], 10)
    for typed in (0, 21, "seven"):
        with pytest.raises(ValidationError) as refused, database.session() as session:
            disclosure.set_threshold(session, actors[Role.ADMIN], typed)
        assert refused.value.field == "suppress_up_to"
    with database.read_session() as session:
        assert disclosure.rule_for(session, actors[Role.ADMIN]) == NHS_DIGITAL
        actions = {event.action for event in audit.recent(session, actors[Role.ADMIN])}
    assert "disclosure_threshold_set" not in actions


def test_each_pcn_keeps_its_own_threshold(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        disclosure.set_threshold(session, actors[Role.ADMIN], 12)
        other = Pcn(ods_code="U99902", name="Other Valley PCN")
        session.add(other)
        session.flush()
        other_admin = replace(actors[Role.ADMIN], pcn_id=other.id)
    with database.read_session() as session:
        assert disclosure.rule_for(session, other_admin) == NHS_DIGITAL
        assert disclosure.rule_for(session, actors[Role.MANAGER]).suppress_up_to == 12


def test_another_pcns_rule_is_its_own_and_only_an_administrator_asks_for_it(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        other = Pcn(ods_code="U99902", name="Other Valley PCN", suppress_up_to=10)
        session.add(other)
        session.flush()
        other_id = other.id
    with database.read_session() as session:
        assert disclosure.rule_for(session, actors[Role.ADMIN], other_id).suppress_up_to == 10
        assert disclosure.rule_for(session, actors[Role.ADMIN]) == NHS_DIGITAL
        for role in (Role.MANAGER, Role.LINK_WORKER):
            with pytest.raises(PermissionDenied):
                disclosure.rule_for(session, actors[role], other_id)
            assert disclosure.rule_for(session, actors[role], actors[role].pcn_id) == NHS_DIGITAL
        with pytest.raises(NotFound):
            disclosure.rule_for(session, actors[Role.ADMIN], other_id + 100)


def test_the_meaningful_swemwbs_change_is_the_published_one_until_an_administrator_chooses(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.read_session() as session:
        assert {disclosure.swemwbs_change_for(session, actor) for actor in actors.values()} == {2.87}
    with database.session() as session:
        assert disclosure.set_swemwbs_change(session, actors[Role.ADMIN], " 1.03 ") == 1.03
    with database.read_session() as session:
        assert disclosure.swemwbs_change_for(session, actors[Role.MANAGER]) == 1.03
        events = audit.recent(session, actors[Role.ADMIN])
    assert [(event.action, event.entity, event.detail) for event in events][:1] == [
        ("swemwbs_change_set", "pcn", "metric_points=1.03")
    ]


def test_only_an_administrator_sets_the_swemwbs_change_and_only_from_1_to_3_points(
    database: Database, actors: dict[Role, Actor]
) -> None:
    for role in (Role.MANAGER, Role.LINK_WORKER):
        with pytest.raises(PermissionDenied), database.session() as session:
            disclosure.set_swemwbs_change(session, actors[role], 2)
    for typed in (0.5, 3.5, "lots"):
        with pytest.raises(ValidationError) as refused, database.session() as session:
            disclosure.set_swemwbs_change(session, actors[Role.ADMIN], typed)
        assert refused.value.field == "swemwbs_change"
    with database.read_session() as session:
        assert disclosure.swemwbs_change_for(session, actors[Role.ADMIN]) == 2.87
        actions = {event.action for event in audit.recent(session, actors[Role.ADMIN])}
    assert "swemwbs_change_set" not in actions
