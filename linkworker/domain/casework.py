"""Vocabularies of the work on a case: contacts, outcome measures, follow-ups."""

from __future__ import annotations

from enum import StrEnum


class ContactKind(StrEnum):
    PHONE = "phone"
    FACE_TO_FACE = "face_to_face"
    HOME_VISIT = "home_visit"
    VIDEO = "video"
    TEXT = "text"
    DID_NOT_ATTEND = "did_not_attend"
    UNABLE_TO_CONTACT = "unable_to_contact"


class Instrument(StrEnum):
    ONS4 = "ons4"
    SWEMWBS = "swemwbs"


class MeasureStage(StrEnum):
    BASELINE = "baseline"
    FOLLOW_UP = "follow_up"


class FollowUpKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    CHECK_ATTENDANCE = "check_attendance"
    REVIEW_MEASURES = "review_measures"
