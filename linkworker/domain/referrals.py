"""The vocabulary of a referral (one episode of support) and how its status may move."""

from __future__ import annotations

from enum import StrEnum


class ReferralSource(StrEnum):
    GP = "gp"
    PRACTICE_NURSE = "practice_nurse"
    PHARMACIST = "pharmacist"
    OTHER_CLINICIAN = "other_clinician"
    SELF = "self_referral"
    SOCIAL_CARE = "social_care"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


class CaseStatus(StrEnum):
    REFERRED = "referred"
    CONTACTED = "contacted"
    ASSESSED = "assessed"
    CONNECTED = "connected"
    CLOSED = "closed"
    DECLINED = "declined"
    NOT_CONTACTABLE = "not_contactable"

    @property
    def is_open(self) -> bool:
        return self not in ENDED


ENDED = frozenset({CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.NOT_CONTACTABLE})

# The usual path, in order. A case may end (closed, declined, not contactable) from any open status.
PATH = (CaseStatus.REFERRED, CaseStatus.CONTACTED, CaseStatus.ASSESSED, CaseStatus.CONNECTED)


class ClosingReason(StrEnum):
    GOALS_MET = "goals_met"
    DECLINED = "declined"
    NOT_CONTACTABLE = "not_contactable"
    MOVED_AWAY = "moved_away"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    DIED = "died"


def can_move(current: CaseStatus, target: CaseStatus) -> bool:
    """Forward along the path one or more steps, or to an ending, from any open status."""
    if not current.is_open or current == target:
        return False
    if target in ENDED:
        return True
    return PATH.index(target) > PATH.index(current)
