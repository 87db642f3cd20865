"""A PCN's open work for the network tests: cases and follow-ups from a seeded list of plain
records, written through the ORM, so each test can work out its answer from the list itself.

The PCN (the ``actors`` one) gets a second link worker, a leaver (deactivated, still holding
work) and a second practice's cases; another PCN on the same server holds work that must never
be counted or moved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count, islice

from sqlalchemy import select

from linkworker.domain import nhs_number
from linkworker.domain.casework import FollowUpKind
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.referrals import CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.store.database import Database
from linkworker.store.models import FollowUp, Patient, Pcn, Practice, Referral, UserAccount
from tests.conftest import WORKER_PASSWORD

TODAY = date(2026, 6, 17)  # a Wednesday: "this week" runs to Sunday 21 June
FAMILY = ["Smith", "Patel", "Okafor", "Wu", "O'Brien", "Ångström", "Fenwick-Hale"]
GIVEN = ["Sam", "Priya", "Kit", "Li", "Ann", "Élodie", "Orla"]
_serials = count(61_000, 500)


@dataclass(frozen=True)
class CaseMade:
    id: int
    practice_id: int
    status: CaseStatus
    worker_id: int | None
    person: str  # "Family, Given"


@dataclass(frozen=True)
class FollowUpMade:
    id: int
    referral_id: int
    practice_id: int
    owner_id: int | None
    due_on: date
    state: str  # open, done or cancelled


@dataclass(frozen=True)
class Network:
    actors: dict[Role, Actor]
    second_id: int
    leaver_id: int
    practice_ids: tuple[int, ...]
    cases: tuple[CaseMade, ...]
    follow_ups: tuple[FollowUpMade, ...]
    other_case_id: int
    other_follow_up_id: int

    def people(self) -> set[str]:
        return {case.person for case in self.cases}


def build_network(
    database: Database, actors: dict[Role, Actor], *, cases: int = 40, seed: int = 5
) -> Network:
    """``cases`` referrals of every status over both practices, held by the worker, a second
    worker, the admin, a leaver or no one, each with 0-3 follow-ups open, done or cancelled,
    due from ten days ago to ten days on; and one case with a follow-up in another PCN."""
    admin = actors[Role.ADMIN]
    with database.session() as session:
        second = create_user(
            session, admin, NewUser("second", "Bea Second", Role.LINK_WORKER, WORKER_PASSWORD)
        )
        leaver = create_user(
            session, admin, NewUser("leaver", "Lee Leaver", Role.LINK_WORKER, WORKER_PASSWORD)
        )
    chosen = random.Random(seed)
    numbers = islice(nhs_number.synthetic_numbers(next(_serials)), cases + 1)
    holders = [actors[Role.LINK_WORKER].user_id, second.id, admin.user_id, leaver.id, None]
    owners = [*holders, actors[Role.MANAGER].user_id]
    made_cases: list[CaseMade] = []
    made_follow_ups: list[FollowUpMade] = []
    moment = datetime(2026, 6, 1, 9, tzinfo=UTC)
    with database.session() as session:
        practice_ids = tuple(
            session.scalars(select(Practice.id).where(Practice.pcn_id == admin.pcn_id).order_by(Practice.id))
        )
        for index in range(cases):
            given, family = chosen.choice(GIVEN), chosen.choice(FAMILY)
            patient = _patient(next(numbers), given, family)
            session.add(patient)
            session.flush()
            status = list(CaseStatus)[index % len(CaseStatus)]
            referral = _referral(
                patient.id, admin.pcn_id, chosen.choice(practice_ids), status, chosen.choice(holders)
            )
            session.add(referral)
            session.flush()
            made_cases.append(
                CaseMade(
                    referral.id,
                    referral.referring_practice_id,
                    status,
                    referral.assigned_worker_id,
                    f"{family}, {given}",
                )
            )
            for _ in range(chosen.choice([0, 1, 1, 2, 3])):
                state = chosen.choice(["open", "open", "open", "done", "cancelled"])
                follow_up = FollowUp(
                    referral_id=referral.id,
                    due_on=TODAY + timedelta(days=chosen.randint(-10, 10)),
                    kind=chosen.choice(list(FollowUpKind)).value,
                    owner_id=chosen.choice(owners),
                    done_at=moment if state == "done" else None,
                    cancelled_at=moment if state == "cancelled" else None,
                    cancelled_reason="No longer needed" if state == "cancelled" else None,
                )
                session.add(follow_up)
                session.flush()
                made_follow_ups.append(
                    FollowUpMade(
                        follow_up.id,
                        referral.id,
                        referral.referring_practice_id,
                        follow_up.owner_id,
                        follow_up.due_on,
                        state,
                    )
                )
        session.get(UserAccount, leaver.id).active = False  # type: ignore[union-attr]

        elsewhere = Pcn(name="Other Side PCN", ods_code="U99902")
        elsewhere.practices.append(Practice(ods_code="G99101", name="Faraway Surgery"))
        session.add(elsewhere)
        session.flush()
        stranger = _patient(next(numbers), "Sam", "Smith")
        session.add(stranger)
        session.flush()
        other = _referral(stranger.id, elsewhere.id, elsewhere.practices[0].id, CaseStatus.REFERRED, None)
        session.add(other)
        session.flush()
        # Owned by our worker (it should not be, but the counts must not trust that).
        other_follow_up = FollowUp(
            referral_id=other.id,
            due_on=TODAY - timedelta(days=3),
            kind=FollowUpKind.CALL.value,
            owner_id=actors[Role.LINK_WORKER].user_id,
        )
        session.add(other_follow_up)
        session.flush()
        return Network(
            actors,
            second.id,
            leaver.id,
            practice_ids,
            tuple(made_cases),
            tuple(made_follow_ups),
            other.id,
            other_follow_up.id,
        )


def _patient(number: str, given: str, family: str) -> Patient:
    return Patient(
        nhs_number=number,
        given_name=given,
        family_name=family,
        date_of_birth=date(1960, 5, 4),
        sex=Sex.NOT_KNOWN.value,
        ethnic_category=EthnicCategory.Z.value,
    )


def _referral(
    patient_id: int, pcn_id: int, practice_id: int, status: CaseStatus, worker_id: int | None
) -> Referral:
    return Referral(
        patient_id=patient_id,
        pcn_id=pcn_id,
        referring_practice_id=practice_id,
        source=ReferralSource.GP.value,
        received_on=TODAY - timedelta(days=40),
        urgency=Urgency.ROUTINE.value,
        status=status.value,
        assigned_worker_id=worker_id,
    )
