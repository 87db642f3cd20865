"""Which SNOMED CT codes an episode of social prescribing puts back into the GP record, and when.

The codes themselves (concept ids and terms) live in resources/snomed_codes.json; each names
the event of the episode that makes it due (``GpCodeTrigger``). The rule comes from NHS England's
coding guidance for social prescribing link workers ("Social prescribing: reference guide and
technical annex for primary care networks", as PCNs are briefed on it, e.g. NHS Transformation
Partners in Health and Care, Social Prescribing Link Workers' FAQs,
https://www.transformationpartnersinhealthandcare.nhs.uk/our-work/personalised_care/arrs-roles/social-prescribing/faqs/):

- |Referral to social prescribing service| (the referral code) is for a person who accepts the
  referral, at the first interaction of the episode only, never for ongoing activity;
- |Social prescribing declined| (the declined code) is for a person who declines it.

The guidance does not say what a person who accepts and later withdraws is due; Linkworker reads
it strictly, so that the GP record and the figures count each episode once: an episode is one
or the other, never both. Precisely:

- declining: the move to "declined", or a close whose reason is "declined"; the declined code
  is due on the day of the first such move, whatever came before it (no contact, tries that did
  not reach the person, a first call at which they said no, or weeks of support then a no);
- the first interaction: the earliest contact in which the person was reached, or the earliest
  move to a status that needs them reached (contacted, assessed, connected). Tries that did not
  reach them ("unable to contact", "did not attend") are not interactions, and neither is a move
  to "not contactable", a close for another reason with no contact, or declining itself;
- taking up the offer: an episode with a first interaction and no decline. Only such an episode
  is due the referral code, dated its first interaction. A person who declines later is due
  only the declined code from then on; a referral code already entered in the GP record before
  that stays there as entered (services.gp_record shows it as no longer due, never drops it).

The summary's "first contacts" are counted from these same rules (services.summary).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from linkworker.domain.casework import ContactKind
from linkworker.domain.referrals import CaseStatus, ClosingReason


class GpCodeTrigger(StrEnum):
    """The event of an episode that makes a code due; named in resources/snomed_codes.json."""

    FIRST_INTERACTION = "first_interaction"  # of an episode the person takes up (``taken_up_on``)
    DECLINED = "declined"


@dataclass(frozen=True)
class SnomedCode:
    """One SNOMED CT concept a link worker enters in the GP record."""

    code: str
    term: str
    trigger: GpCodeTrigger
    guidance: str

    @property
    def display(self) -> str:
        """The form clinical systems and letters use: the concept id, then the term between bars."""
        return f"{self.code} |{self.term}|"


# Statuses a case reaches only once the person has been spoken to and is taking part.
INTERACTION_STATUSES = frozenset({CaseStatus.CONTACTED, CaseStatus.ASSESSED, CaseStatus.CONNECTED})
# Contacts that did not reach the person.
NOT_REACHED = frozenset({ContactKind.UNABLE_TO_CONTACT, ContactKind.DID_NOT_ATTEND})


@dataclass(frozen=True)
class ContactEvent:
    on: date
    kind: ContactKind


@dataclass(frozen=True)
class StatusEvent:
    on: date
    to_status: CaseStatus
    reason: ClosingReason | None = None


@dataclass(frozen=True)
class EpisodeHistory:
    """The dated events of one episode that decide its codes, in any order."""

    contacts: tuple[ContactEvent, ...] = ()
    status_changes: tuple[StatusEvent, ...] = ()


@dataclass(frozen=True)
class DueCode:
    code: SnomedCode
    due_on: date


def reaches(kind: ContactKind) -> bool:
    """Whether a contact of this kind reached the person."""
    return kind not in NOT_REACHED


def declines(change: StatusEvent) -> bool:
    """Whether a move is the person declining social prescribing."""
    return change.to_status is CaseStatus.DECLINED or (
        change.to_status is CaseStatus.CLOSED and change.reason is ClosingReason.DECLINED
    )


def shows_interaction(change: StatusEvent) -> bool:
    """Whether a move could only be made once the person had been reached and was taking part."""
    return change.to_status in INTERACTION_STATUSES


def first_interaction(history: EpisodeHistory) -> date | None:
    """The date the person was first reached in this episode, or None if not yet."""
    dates = [contact.on for contact in history.contacts if reaches(contact.kind)]
    dates += [change.on for change in history.status_changes if shows_interaction(change)]
    return min(dates, default=None)


def declined_on(history: EpisodeHistory) -> date | None:
    """The date the person declined social prescribing in this episode, or None."""
    return min((change.on for change in history.status_changes if declines(change)), default=None)


def taken_up_on(history: EpisodeHistory) -> date | None:
    """The first interaction of an episode the person has not declined, or None: the referral
    code's date, so an episode is never due both codes."""
    if declined_on(history) is not None:
        return None
    return first_interaction(history)


_EVENTS = {GpCodeTrigger.FIRST_INTERACTION: taken_up_on, GpCodeTrigger.DECLINED: declined_on}


def codes_due(history: EpisodeHistory, codes: Iterable[SnomedCode]) -> list[DueCode]:
    """The codes whose event has happened, each with the date of that event, earliest first."""
    due = []
    for code in codes:
        on = _EVENTS[code.trigger](history)
        if on is not None:
            due.append(DueCode(code, on))
    return sorted(due, key=lambda item: item.due_on)


# Verhoeff's dihedral-group tables, as the SNOMED CT technical guide gives them for SCTIDs.
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)  # fmt: skip
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)  # fmt: skip
# The partition identifier (second and third digits from the right) of a concept: core or extension.
_CONCEPT_PARTITIONS = ("00", "10")


def is_concept_id(text: str) -> bool:
    """A well-formed SNOMED CT concept id: 6-18 digits, a concept partition, Verhoeff check digit.

    Catches a mistyped digit in the code list before a link worker copies it into a record.
    """
    if not (text.isascii() and text.isdigit() and 6 <= len(text) <= 18 and text[0] != "0"):
        return False
    if text[-3:-1] not in _CONCEPT_PARTITIONS:
        return False
    check = 0
    for position, digit in enumerate(reversed(text)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0
