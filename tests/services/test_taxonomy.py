"""The PCN's mapping of ORUK taxonomy terms to its needs: listed by imports, edited by managers,
applied to the services carrying a term."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Permission, Role
from linkworker.interchange.oruk import NEEDS_VOCABULARY, Term
from linkworker.services.actor import Actor
from linkworker.services.cases import needs
from linkworker.services.directory import taxonomy
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Pcn, Service, ServiceNeed, TaxonomyMapping
from tests.services.oruk_feeds import PAGE, WALKS_ID, import_feed


def test_an_import_lists_its_terms_unmapped_with_the_services_carrying_them(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    with database.session() as session:
        listed = taxonomy.mappings(session, manager)
        unmapped = taxonomy.mappings(session, manager, unmapped_only=True)
    assert [(m.vocabulary, m.term_id, m.term_name, m.need_code, m.services) for m in listed] == [
        ("esd-needs", "t-200", "Loneliness", None, 1),
        ("esd-needs", "100", "Physical activity", None, 1),
    ]
    assert unmapped == listed


def test_mapping_a_term_gives_its_need_to_the_services_carrying_it(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    with database.session() as session:
        before = session.scalar(select(Service.version_id).where(Service.oruk_id == WALKS_ID))
        term = next(m for m in taxonomy.mappings(session, manager) if m.term_id == "t-200")
        mapped = taxonomy.set_mapping(session, manager, term.id, term.version, "loneliness")
    assert (mapped.need_code, mapped.need_label, mapped.version) == (
        "loneliness",
        "Loneliness and isolation",
        2,
    )
    with database.session() as session:
        walks = session.scalar(select(Service).where(Service.oruk_id == WALKS_ID))
        assert walks is not None and [need.need_code for need in walks.needs] == ["loneliness"]
        # A new version of the service: an open edit is told, and matching reads it again.
        assert walks.version_id == before + 1  # type: ignore[operator]
        assert walks.updated_by_id == manager.user_id
        assert taxonomy.mappings(session, manager, unmapped_only=True)[0].term_id == "100"
        again = taxonomy.set_mapping(session, manager, term.id, mapped.version, "loneliness")
        assert again.need_code == "loneliness"
        assert len(session.scalars(select(ServiceNeed).where(ServiceNeed.service_id == walks.id)).all()) == 1
    with database.session() as session:  # events are written when their unit of work commits
        events = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "taxonomy_mapped")
        ).all()
    assert events == ["need=loneliness", "need=loneliness"]


def test_a_mapping_needs_a_known_need_and_the_current_version(
    database: Database, actors: dict[Role, Actor]
) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    with database.session() as session:
        term = taxonomy.mappings(session, manager)[0]
        with pytest.raises(ValidationError, match="Choose one of the PCN's needs"):
            taxonomy.set_mapping(session, manager, term.id, term.version, "made_up")
        taxonomy.set_mapping(session, manager, term.id, term.version, "loneliness")
    with database.session() as session, pytest.raises(StaleEdit):
        taxonomy.set_mapping(session, manager, term.id, term.version, None)
    with database.session() as session:
        cleared = taxonomy.set_mapping(session, manager, term.id, term.version + 1, None)
    assert cleared.need_code is None and cleared.need_label is None


def test_a_local_need_can_be_mapped_to(database: Database, actors: dict[Role, Actor]) -> None:
    manager = actors[Role.MANAGER]
    import_feed(database, manager, PAGE)
    with database.session() as session:
        local = needs.add_local_need(session, manager, "Pet care")
        term = taxonomy.mappings(session, manager)[0]
        assert (
            taxonomy.set_mapping(session, manager, term.id, term.version, local.code).need_label == "Pet care"
        )


def test_another_pcns_mappings_are_not_seen(database: Database, actors: dict[Role, Actor]) -> None:
    with database.session() as session:
        other = Pcn(ods_code="U99903", name="Far Valley PCN")
        session.add(other)
        session.flush()
        theirs = TaxonomyMapping(
            pcn_id=other.id, vocabulary="v", term_id="1", term_name="One", need_code=None
        )
        session.add(theirs)
        session.flush()
        assert taxonomy.mappings(session, actors[Role.ADMIN]) == []
        with pytest.raises(NotFound):
            taxonomy.set_mapping(session, actors[Role.ADMIN], theirs.id, 1, "loneliness")


def test_linkworker_needs_terms_are_needs_already_and_never_listed(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    terms = [
        Term(NEEDS_VOCABULARY, "loneliness", "Loneliness and isolation"),
        Term(NEEDS_VOCABULARY, "no_such_need", "Gone"),
        Term("esd", "9", "Nine"),
    ]
    with database.session() as session:
        assert taxonomy.list_terms(session, admin, terms) == 1
        assert taxonomy.list_terms(session, admin, terms) == 0
        assert taxonomy.needs_of_terms(session, admin, terms) == {
            ("esd", "9"): None,
            (NEEDS_VOCABULARY, "loneliness"): "loneliness",
            (NEEDS_VOCABULARY, "no_such_need"): None,
        }


def test_a_link_worker_sees_the_mapping_but_may_not_change_it(
    database: Database, actors: dict[Role, Actor]
) -> None:
    import_feed(database, actors[Role.MANAGER], PAGE)
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        term = taxonomy.mappings(session, worker)[0]
    with database.session() as session, pytest.raises(PermissionDenied) as refused:
        taxonomy.set_mapping(session, worker, term.id, term.version, "loneliness")
    assert refused.value.permission is Permission.SET_PCN_POLICY
    with database.session() as session:
        assert session.scalars(select(TaxonomyMapping.need_code)).all() == [None, None]
