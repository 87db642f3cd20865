"""What the letter to the GP and referrer says about one episode, and the codes for the GP record:
the input ``reports.gp_letter`` renders, made by ``services.gp_record``.

Owned by the report, so services call reports and never the reverse. The sections follow the
PRSB Social Prescribing Information Standard's "Message back to GP and referrer" (see
``services.gp_record``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from linkworker.domain.casework import ContactKind, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.measures import Ons4Band, Ons4Question
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, Urgency


@dataclass(frozen=True)
class GpCode:
    """A code of this episode for the GP record: when it became due (None for one entered before
    the person declined, which is due no longer), and whether it is in the GP record yet."""

    code: str
    term: str
    guidance: str
    due_on: date | None
    entered_on: date | None
    entered_by: str | None

    @property
    def entered(self) -> bool:
        return self.entered_on is not None

    @property
    def due(self) -> bool:
        return self.due_on is not None

    @property
    def display(self) -> str:
        return f"{self.code} |{self.term}|"


@dataclass(frozen=True)
class LetterPerson:
    given_name: str
    family_name: str
    nhs_number: str | None  # as people read it: "999 000 0018"
    date_of_birth: date

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class PracticeName:
    name: str
    ods_code: str


@dataclass(frozen=True)
class LetterReferral:
    received_on: date
    source: ReferralSource
    referrer_name: str | None
    referring_practice: PracticeName
    urgency: Urgency
    needs: tuple[str, ...]  # labels, as the PCN's needs list names them


@dataclass(frozen=True)
class LetterPlan:
    """The personalised support plan: what matters to the person, goals, agreed actions."""

    what_matters: str | None
    goals: str | None
    actions: str | None
    reviewed_on: tuple[date, ...]


@dataclass(frozen=True)
class ContactCount:
    kind: ContactKind
    count: int


@dataclass(frozen=True)
class SupportGiven:
    """The link worker's contacts with the person over the episode."""

    contacts: tuple[ContactCount, ...]
    first_on: date | None
    last_on: date | None
    minutes: int

    @property
    def total(self) -> int:
        return sum(item.count for item in self.contacts)


@dataclass(frozen=True)
class ServiceLink:
    service: str
    organisation: str
    status: ConnectionStatus
    status_on: date


@dataclass(frozen=True)
class Ons4Answer:
    question: Ons4Question
    value: int
    band: Ons4Band


@dataclass(frozen=True)
class Ons4Result:
    taken_on: date
    stage: MeasureStage
    answers: tuple[Ons4Answer, ...]


@dataclass(frozen=True)
class SwemwbsResult:
    taken_on: date
    stage: MeasureStage
    raw: int
    metric: float


@dataclass(frozen=True)
class EpisodeStatus:
    status: CaseStatus
    since: date
    closing_reason: ClosingReason | None


@dataclass(frozen=True)
class GpLetter:
    """What the letter to the GP and referrer says about one episode."""

    referral_id: int
    case_number: str
    written_on: date
    written_by: str
    pcn_name: str
    link_worker: str | None
    gp_practice: PracticeName
    person: LetterPerson
    referral: LetterReferral
    plan: LetterPlan
    support: SupportGiven
    connections: tuple[ServiceLink, ...]
    ons4: tuple[Ons4Result, ...]
    swemwbs: tuple[SwemwbsResult, ...]
    status: EpisodeStatus
    codes: tuple[GpCode, ...]
