"""Recording a referral: status referred with its first dated status change, its needs, the PCN of
its practice, the audit event; only link workers and admins; an imported row never twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import islice

import pytest
from sqlalchemy import func, select

from linkworker.domain import nhs_number
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import PersonDetails, ReferralDetails, ReferralEntry, parse_referral
from linkworker.domain.referrals import CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Permission, Role
from linkworker.services.actor import Actor
from linkworker.services.administration.organisation import set_practice_active
from linkworker.services.cases.needs import add_local_need, need_labels, set_local_need_active
from linkworker.services.cases.people import create_people, create_person
from linkworker.services.cases.referrals import (
    AlreadyImported,
    NewReferral,
    ReferralSummary,
    create_referral,
    create_referrals,
    imported_keys,
    referring_practices,
)
from linkworker.services.errors import NotFound, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, Practice, Referral, ReferralNeed, StatusChange

NUMBER = next(islice(nhs_number.synthetic_numbers(61_000), 1))
TODAY = date(2025, 6, 30)


def person(database: Database, actor: Actor) -> int:
    with database.session() as session:
        return create_person(
            session,
            actor,
            PersonDetails(NUMBER, "Bram", "Ashdown", date(1960, 7, 4)),
        ).id


def details(database: Database, actor: Actor, **changes: object) -> ReferralDetails:
    entry = ReferralEntry(
        referring_practice_ods="g99002",
        source="Practice nurse",
        referrer_name="Nurse Kay Lamb",
        received_on="02/06/2025",
        needs=("Loneliness and isolation", "debt_money"),
        consent_share_gp=True,
        consent_share_services="no",
        urgency="soon",
        notes="Lives alone since March.\nPrefers mornings.",
    )
    with database.session() as session:
        parsed = parse_referral(
            entry, TODAY, need_labels(session, actor), referring_practices(session, actor)
        )
    return replace(parsed, **changes)  # type: ignore[arg-type]


def count(database: Database, table: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_link_worker_records_a_referral_with_its_first_status_and_needs(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person_id = person(database, worker)
    with database.session() as session:
        summary = create_referral(session, worker, person_id, details(database, worker))

    assert summary == ReferralSummary(
        summary.id, person_id, CaseStatus.REFERRED, date(2025, 6, 2), f"LW-{summary.id:06d}"
    )
    with database.session() as session:
        referral = session.get(Referral, summary.id)
        assert referral is not None
        practice = session.get(Practice, referral.referring_practice_id)
        assert practice is not None and practice.ods_code == "G99002"
        assert referral.pcn_id == worker.pcn_id == practice.pcn_id
        assert (referral.source, referral.urgency, referral.status) == ("practice_nurse", "soon", "referred")
        assert (referral.consent_share_gp, referral.consent_share_services) == (True, False)
        assert referral.referrer_name == "Nurse Kay Lamb"
        assert referral.notes == "Lives alone since March.\nPrefers mornings."
        assert referral.assigned_worker_id is None and referral.import_key is None
        assert sorted(n.need_code for n in referral.needs) == ["debt_money", "loneliness"]
        [change] = referral.status_changes
        assert (change.from_status, change.to_status, change.changed_by_id) == (
            None,
            "referred",
            worker.user_id,
        )
        assert change.changed_at == referral.status_changed_at
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.entity, event.entity_id, event.detail) == (
        "referral_created",
        "referral",
        summary.id,
        None,
    )


def test_an_imported_referral_keeps_its_key_and_is_never_added_twice(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    person_id = person(database, admin)
    key = "a" * 64
    with database.session() as session:
        first = create_referral(session, admin, person_id, details(database, admin), import_key=key)
    with database.session() as session:
        assert imported_keys(session, admin, [key, "b" * 64, key]) == {key}
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "referral", AuditEvent.entity_id == first.id)
        ).one()
        assert (event.action, event.detail) == ("referral_created", "imported")
    with database.session() as session, pytest.raises(AlreadyImported):
        create_referral(session, admin, person_id, details(database, admin), import_key=key)
    assert count(database, Referral) == 1


def test_imported_keys_works_beyond_one_batch_of_parameters(
    database: Database, actors: dict[Role, Actor]
) -> None:
    with database.session() as session:
        assert imported_keys(session, actors[Role.LINK_WORKER], (f"{n:064d}" for n in range(1_203))) == set()


def test_managers_may_not_record_referrals_and_nothing_is_written(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    person_id = person(database, worker)
    prepared = details(database, worker)
    audit_before = count(database, AuditEvent)
    with database.session() as session, pytest.raises(PermissionDenied) as raised:
        create_referral(session, manager, person_id, prepared)
    assert raised.value.permission is Permission.SEE_IDENTIFIABLE
    with database.session() as session, pytest.raises(PermissionDenied):
        imported_keys(session, manager, ["x"])
    assert (count(database, Referral), count(database, StatusChange), count(database, AuditEvent)) == (
        0,
        0,
        audit_before,
    )


def test_a_person_no_longer_on_record_is_reported(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session, pytest.raises(NotFound):
        create_referral(session, worker, 999_999, details(database, worker))


def test_a_practice_that_left_the_pcn_since_the_form_opened_is_refused(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person_id = person(database, worker)
    prepared = details(database, worker)
    with database.session() as session:
        practice = session.get(Practice, prepared.referring_practice_id)
        assert practice is not None
        set_practice_active(session, actors[Role.ADMIN], practice.id, practice.version_id, False)
    with database.session() as session, pytest.raises(ValidationError) as raised:
        create_referral(session, worker, person_id, prepared)
    assert raised.value.field == "referring_practice_ods"
    assert count(database, Referral) == 0


def test_a_need_dropped_from_the_list_since_the_form_opened_is_refused(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker, manager = actors[Role.LINK_WORKER], actors[Role.MANAGER]
    person_id = person(database, worker)
    with database.session() as session:
        gardening = add_local_need(session, manager, "Gardening")
    prepared = details(database, worker, needs=(gardening.code,))
    with database.session() as session:
        set_local_need_active(session, manager, gardening.id, gardening.version, False)
    with database.session() as session, pytest.raises(ValidationError) as raised:
        create_referral(session, worker, person_id, prepared)
    assert raised.value.field == "needs"
    with database.session() as session, pytest.raises(ValidationError):
        create_referral(session, worker, person_id, replace(prepared, needs=()))
    assert count(database, ReferralNeed) == 0


def test_a_referral_before_the_person_was_born_is_refused(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        baby = create_person(session, worker, PersonDetails(None, "Ivy", "Ashdown", date(2024, 1, 10))).id
    with database.session() as session, pytest.raises(ValidationError) as raised:
        create_referral(session, worker, baby, details(database, worker, received_on=date(2023, 12, 1)))
    assert raised.value.field == "received_on"
    with database.session() as session:
        create_referral(session, worker, baby, details(database, worker, received_on=date(2024, 1, 10)))


def test_the_pcn_of_a_practice_is_used_and_a_practice_of_another_pcn_is_refused(
    database: Database, actors: dict[Role, Actor]
) -> None:
    from linkworker.store.models import Pcn

    worker = actors[Role.LINK_WORKER]
    person_id = person(database, worker)
    with database.session() as session:
        other = Pcn(
            ods_code="U99903", name="Elsewhere PCN", practices=[Practice(ods_code="G77001", name="Away")]
        )
        session.add(other)
        session.flush()
        away_id = other.practices[0].id
    with database.session() as session, pytest.raises(ValidationError):
        create_referral(session, worker, person_id, details(database, worker, referring_practice_id=away_id))
    assert count(database, Referral) == 0


def test_every_source_and_urgency_is_stored_as_its_code(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person_id = person(database, worker)
    pairs = list(zip(ReferralSource, [*Urgency, *Urgency, *Urgency], strict=False))
    base = details(database, worker)
    with database.session() as session:
        for source, urgency in pairs:
            create_referral(session, worker, person_id, replace(base, source=source, urgency=urgency))
    with database.session() as session:
        stored = session.execute(select(Referral.source, Referral.urgency).order_by(Referral.id)).all()
    assert stored == [(source.value, urgency.value) for source, urgency in pairs]


def test_many_referrals_are_recorded_together_each_with_its_needs_status_and_audit(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    numbers = list(islice(nhs_number.synthetic_numbers(62_000), 3))
    with database.session() as session:
        owners = [
            p.id
            for p in create_people(
                session, worker, [PersonDetails(n, "Bram", "Ashdown", date(1960, 7, 4)) for n in numbers]
            )
        ]
    base = details(database, worker)
    # More than one slice of look-ups (500); every third without an import key, as the form makes them.
    items = [
        NewReferral(
            owners[index % 3],
            replace(
                base, needs=base.needs[: 1 + index % 2], referrer_name=f"Dr {index}" if index % 2 else None
            ),
            None if index % 3 == 0 else f"{index:064d}",
        )
        for index in range(610)
    ]

    with database.session() as session:
        made = create_referrals(session, worker, items)

    assert [(s.person_id, s.status, s.case_number) for s in made] == [
        (item.person_id, CaseStatus.REFERRED, f"LW-{s.id:06d}") for s, item in zip(made, items, strict=True)
    ]
    with database.session() as session:
        stored = {r.id: r for r in session.scalars(select(Referral))}
        needs = session.execute(
            select(ReferralNeed.referral_id, func.count()).group_by(ReferralNeed.referral_id)
        )
        need_counts = {referral_id: count for referral_id, count in needs}
        changes = {c.referral_id: c for c in session.scalars(select(StatusChange))}
        audited = {
            e.entity_id: e.detail
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "referral_created"))
        }
    assert len(stored) == len(changes) == len(audited) == 610
    for summary, item in zip(made, items, strict=True):
        referral = stored[summary.id]
        assert (referral.patient_id, referral.import_key, referral.referrer_name) == (
            item.person_id,
            item.import_key,
            item.details.referrer_name,
        )
        assert referral.version_id == 1 and referral.status == "referred"
        assert need_counts[summary.id] == len(item.details.needs)
        change = changes[summary.id]
        assert (change.from_status, change.to_status, change.changed_by_id) == (
            None,
            "referred",
            worker.user_id,
        )
        assert change.changed_at == referral.status_changed_at
        assert audited[summary.id] == ("imported" if item.import_key else None)


@pytest.mark.parametrize(
    ("spoil", "refusal"),
    [
        (lambda item: replace(item, import_key="a" * 64), AlreadyImported),
        (
            lambda item: replace(item, details=replace(item.details, received_on=date(1950, 1, 1))),
            ValidationError,
        ),
        (lambda item: replace(item, person_id=999_999), NotFound),
    ],
    ids=["key twice", "before birth", "no such person"],
)
def test_one_refused_referral_in_a_batch_means_none_is_written(
    database: Database, actors: dict[Role, Actor], spoil: object, refusal: type[Exception]
) -> None:
    worker = actors[Role.LINK_WORKER]
    person_id = person(database, worker)
    prepared = details(database, worker)
    items = [NewReferral(person_id, prepared, "a" * 64), NewReferral(person_id, prepared)]
    assert callable(spoil)
    with database.session() as session, pytest.raises(refusal):
        create_referrals(session, worker, [*items, spoil(items[1])])
    assert (count(database, Referral), count(database, ReferralNeed), count(database, StatusChange)) == (
        0,
        0,
        0,
    )
    with database.session() as session:
        assert create_referrals(session, worker, []) == []
