"""Which of this PCN's needs each Open Referral UK taxonomy term stands for.

Feeds describe services with terms of their own taxonomies ("esd-needs 100: Exercise"); a PCN
manager says which need each means. An import lists every term it meets here, unmapped at
first (``need_code`` null), and gives a service the needs its terms are mapped to; terms of
Linkworker's own taxonomy (``linkworker-needs``, as exports write them) are needs already. The
terms come from either way ORUK gives a service's taxonomy (``interchange.oruk``): attributes
linking to a term, or the ``taxonomy_terms`` array of a UK-profile service; a term is known by
its vocabulary and code, whichever way it came.
Mapping a term gives its need to the directory's services that carry the term straight away;
it never takes a need away, since a need may also have been set by hand.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from linkworker.domain.errors import ValidationError
from linkworker.domain.roles import Permission
from linkworker.interchange.oruk import NEEDS_VOCABULARY, Term
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.batch import SLICE, insert_all
from linkworker.services.cases.needs import need_labels
from linkworker.services.errors import NotFound, StaleEdit
from linkworker.store.models import Service, ServiceNeed, ServiceTaxonomy, TaxonomyMapping, utc_now

TermKey = tuple[str, str]


@dataclass(frozen=True)
class TermMapping:
    id: int
    vocabulary: str
    term_id: str
    term_name: str
    need_code: str | None
    need_label: str | None
    version: int
    services: int


def mappings(session: Session, actor: Actor, *, unmapped_only: bool = False) -> list[TermMapping]:
    """This PCN's terms with their needs and how many of its directory's services carry each."""
    actor.require(Permission.EDIT_DIRECTORY)
    carried = (
        select(func.count())
        .select_from(ServiceTaxonomy)
        .join(Service, Service.id == ServiceTaxonomy.service_id)
        .where(
            ServiceTaxonomy.vocabulary == TaxonomyMapping.vocabulary,
            ServiceTaxonomy.term_id == TaxonomyMapping.term_id,
            _in_directory(actor),
        )
        .scalar_subquery()
    )
    statement = select(TaxonomyMapping, carried).where(TaxonomyMapping.pcn_id == actor.pcn_id)
    if unmapped_only:
        statement = statement.where(TaxonomyMapping.need_code.is_(None))
    statement = statement.order_by(TaxonomyMapping.vocabulary, TaxonomyMapping.term_name, TaxonomyMapping.id)
    labels = need_labels(session, actor)
    return [_mapping(row, count, labels) for row, count in session.execute(statement)]


def set_mapping(
    session: Session, actor: Actor, mapping_id: int, version: int, need_code: str | None
) -> TermMapping:
    """Map a term to one of this PCN's needs (or back to none), and give that need to the
    directory's services carrying the term. The mapping is the PCN's policy: managers and
    administrators keep it."""
    actor.require(Permission.SET_PCN_POLICY)
    labels = need_labels(session, actor)
    if need_code is not None and need_code not in labels:
        raise ValidationError("need", "Choose one of the PCN's needs.")
    mapping = session.get(TaxonomyMapping, mapping_id)
    if mapping is None or mapping.pcn_id != actor.pcn_id:
        raise NotFound("That taxonomy term is no longer listed.")
    if mapping.version_id != version:
        raise StaleEdit("taxonomy term")
    mapping.need_code = need_code
    session.flush()
    if need_code is not None:
        _give_need(session, actor, (mapping.vocabulary, mapping.term_id), need_code)
    audit.record(
        session, actor, "taxonomy_mapped", "taxonomy_mapping", mapping.id, detail=f"need={need_code}"
    )
    return _mapping(mapping, _carried(session, actor, mapping), labels)


def needs_of_terms(session: Session, actor: Actor, terms: Iterable[Term]) -> dict[TermKey, str | None]:
    """The need each term stands for in this PCN (None: unmapped or not listed yet)."""
    labels = need_labels(session, actor)
    keys = {(term.vocabulary, term.term_id) for term in terms}
    listed = _listed(session, actor, keys)
    return {
        key: (key[1] if key[1] in labels else None) if key[0] == NEEDS_VOCABULARY else listed.get(key)
        for key in sorted(keys)
    }


def list_terms(session: Session, actor: Actor, terms: Collection[Term]) -> int:
    """Add the terms this PCN has not listed yet, unmapped; returns how many were added.
    Linkworker's own needs taxonomy is never listed: its terms are needs already."""
    wanted = {(term.vocabulary, term.term_id): term for term in terms if term.vocabulary != NEEDS_VOCABULARY}
    listed = _listed(session, actor, set(wanted))
    new = [term for key, term in sorted(wanted.items()) if key not in listed]
    insert_all(
        session,
        TaxonomyMapping,
        [
            {
                "pcn_id": actor.pcn_id,
                "vocabulary": term.vocabulary,
                "term_id": term.term_id,
                "term_name": term.name,
                "need_code": None,
                "version_id": 1,
            }
            for term in new
        ],
    )
    return len(new)


def _listed(session: Session, actor: Actor, keys: Collection[TermKey]) -> dict[TermKey, str | None]:
    """The listed terms among ``keys``, with their needs; looked up in slices."""
    wanted = sorted(keys)
    found: dict[TermKey, str | None] = {}
    for start in range(0, len(wanted), SLICE):
        rows = session.execute(
            select(TaxonomyMapping.vocabulary, TaxonomyMapping.term_id, TaxonomyMapping.need_code).where(
                TaxonomyMapping.pcn_id == actor.pcn_id,
                tuple_(TaxonomyMapping.vocabulary, TaxonomyMapping.term_id).in_(
                    wanted[start : start + SLICE]
                ),
            )
        )
        found.update({(vocabulary, term_id): need for vocabulary, term_id, need in rows})
    return found


def _give_need(session: Session, actor: Actor, key: TermKey, need_code: str) -> None:
    """Add ``need_code`` to the directory's services carrying the term and not yet having it."""
    has_need = select(ServiceNeed.service_id).where(ServiceNeed.need_code == need_code)
    carriers = session.scalars(
        select(ServiceTaxonomy.service_id)
        .join(Service, Service.id == ServiceTaxonomy.service_id)
        .where(
            ServiceTaxonomy.vocabulary == key[0],
            ServiceTaxonomy.term_id == key[1],
            _in_directory(actor),
            ServiceTaxonomy.service_id.not_in(has_need),
        )
    ).all()
    insert_all(
        session, ServiceNeed, [{"service_id": service_id, "need_code": need_code} for service_id in carriers]
    )
    # A new version of each: an open edit of one is told it changed, and matching reads them again.
    for start in range(0, len(carriers), SLICE):
        session.execute(
            update(Service)
            .where(Service.id.in_(carriers[start : start + SLICE]))
            .values(version_id=Service.version_id + 1, updated_at=utc_now(), updated_by_id=actor.user_id)
            .execution_options(synchronize_session=False)
        )


def _carried(session: Session, actor: Actor, mapping: TaxonomyMapping) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ServiceTaxonomy)
            .join(Service, Service.id == ServiceTaxonomy.service_id)
            .where(
                and_(
                    ServiceTaxonomy.vocabulary == mapping.vocabulary,
                    ServiceTaxonomy.term_id == mapping.term_id,
                ),
                _in_directory(actor),
            )
        )
        or 0
    )


def _in_directory(actor: Actor) -> ColumnElement[bool]:
    return or_(Service.pcn_id.is_(None), Service.pcn_id == actor.pcn_id)


def _mapping(row: TaxonomyMapping, services: int, labels: dict[str, str]) -> TermMapping:
    return TermMapping(
        row.id,
        row.vocabulary,
        row.term_id,
        row.term_name,
        row.need_code,
        labels.get(row.need_code) if row.need_code else None,
        row.version_id,
        services,
    )
