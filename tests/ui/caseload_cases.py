"""A PCN's cases for the caseload list's window tests, and the answers worked out in Python.

The cases go in through the ORM from plain records (their people, dates and statuses are made
up and vary by index), so each test can filter and sort the records itself and compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from sqlalchemy import select

from linkworker import catalogues
from linkworker.domain import nhs_number
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.person import age_on, search_key
from linkworker.domain.referrals import ENDED, CaseStatus, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.store.models import Patient, Practice, Referral, ReferralNeed, UserAccount

GIVEN = ["Sam", "Priya", "Orla", "Kit", "Li", "Ann", "Tom", "Élodie", "Jo", "Mary Ann", "Bea"]
FAMILY = ["Smith", "Patel", "Fenwick-Hale", "Okafor", "Wu", "O'Brien", "Patelson", "Ångström", "Berg"]
NEED_CODES = sorted(need.code for need in catalogues.needs())[:5]
NEED_LABELS = {need.code: need.label for need in catalogues.needs()}


@dataclass(frozen=True)
class Made:
    """One case as the test made it."""

    id: int
    given: str
    family: str
    born: date
    nhs_number: str | None
    practice: str
    status: CaseStatus
    worker: str | None
    received_on: date
    needs: tuple[str, ...]

    @property
    def family_key(self) -> str:
        return search_key(self.family)

    def age(self, today: date) -> int:
        return age_on(self.born, today)


def make_cases(
    database: Database, actors: dict[Role, Actor], count: int, *, first_serial: int = 51_000
) -> list[Made]:
    """``count`` referrals in the actors' PCN: every status, both practices, two holders and none.

    A second batch in the same database needs NHS numbers of its own: a ``first_serial`` past
    the first batch's."""
    statuses = list(CaseStatus)
    today = date.today()
    numbers = list(islice(nhs_number.synthetic_numbers(first_serial), count))
    made: list[Made] = []
    with database.session() as session:
        practices = list(
            session.scalars(select(Practice).where(Practice.pcn_id == actors[Role.ADMIN].pcn_id))
        )
        holders = {
            user.id: user.full_name
            for user in session.scalars(
                select(UserAccount).where(
                    UserAccount.id.in_([actors[Role.LINK_WORKER].user_id, actors[Role.ADMIN].user_id])
                )
            )
        }
        worker_cycle = [actors[Role.LINK_WORKER].user_id, None, actors[Role.ADMIN].user_id]
        for index in range(count):
            practice = practices[index % len(practices)]
            worker_id = worker_cycle[index % len(worker_cycle)]
            number = None if index % 17 == 5 else numbers[index]
            patient = Patient(
                nhs_number=number,
                given_name=GIVEN[index % len(GIVEN)],
                family_name=FAMILY[(index * 7) % len(FAMILY)],
                date_of_birth=date(1930 + (index * 13) % 75, 1 + index % 12, 1 + (index * 5) % 28),
                sex=Sex.NOT_KNOWN.value,
                ethnic_category=EthnicCategory.Z.value,
            )
            session.add(patient)
            session.flush()
            needs = tuple(NEED_CODES[(index + step) % len(NEED_CODES)] for step in range(index % 3))
            referral = Referral(
                patient_id=patient.id,
                pcn_id=practice.pcn_id,
                referring_practice_id=practice.id,
                source=ReferralSource.GP.value,
                received_on=today - timedelta(days=(index * 37) % 400),
                urgency=Urgency.ROUTINE.value,
                status=statuses[index % len(statuses)].value,
                assigned_worker_id=worker_id,
                needs=[ReferralNeed(need_code=code) for code in needs],
            )
            session.add(referral)
            session.flush()
            made.append(
                Made(
                    id=referral.id,
                    given=patient.given_name,
                    family=patient.family_name,
                    born=patient.date_of_birth,
                    nhs_number=number,
                    practice=practice.name,
                    status=CaseStatus(referral.status),
                    worker=holders[worker_id] if worker_id else None,
                    received_on=referral.received_on,
                    needs=needs,
                )
            )
    return made


def is_open(case: Made) -> bool:
    return case.status not in ENDED
