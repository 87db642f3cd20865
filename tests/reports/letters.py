"""GpLetter values built directly, for the report and preview tests: the letter's layout is the
subject there, so no database is needed (the service tests check what goes into a letter)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from linkworker.domain.casework import ContactKind, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.measures import Ons4Question as Q
from linkworker.domain.measures import ons4_band, parse_swemwbs
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, Urgency
from linkworker.services.cases.gp_record import (
    ContactCount,
    EpisodeStatus,
    GpCode,
    GpLetter,
    LetterPerson,
    LetterPlan,
    LetterReferral,
    Ons4Answer,
    Ons4Result,
    PracticeName,
    ServiceLink,
    SupportGiven,
    SwemwbsResult,
)

D = date


def ons4(on: date, stage: MeasureStage, *values: int) -> Ons4Result:
    return Ons4Result(
        on, stage, tuple(Ons4Answer(q, v, ons4_band(q, v)) for q, v in zip(Q, values, strict=True))
    )


def swemwbs(on: date, stage: MeasureStage, *items: int) -> SwemwbsResult:
    answers = parse_swemwbs(items)
    return SwemwbsResult(on, stage, answers.raw, answers.metric)


LETTER = GpLetter(
    referral_id=42,
    case_number="LW-000042",
    written_on=D(2026, 5, 4),
    written_by="Wren Worker",
    pcn_name="Test Valley PCN",
    link_worker="Wren Worker",
    gp_practice=PracticeName("Riverside Surgery", "G99001"),
    person=LetterPerson("Łucja", "O'Testley-Smith", "999 070 0028", D(1949, 11, 23)),
    referral=LetterReferral(
        D(2026, 1, 12),
        ReferralSource.PRACTICE_NURSE,
        "Nurse Kay Lamb",
        PracticeName("Hilltop Practice", "G99002"),
        Urgency.SOON,
        ("Loneliness and isolation", "Debt and money"),
    ),
    plan=LetterPlan(
        what_matters="Getting out more since her husband died.\nSinging again <if it's friendly> & soon.",
        goals="Join a group that meets weekly.",
        actions="Try the community choir on Tuesdays.",
        reviewed_on=(D(2026, 2, 24), D(2026, 4, 20)),
    ),
    support=SupportGiven(
        contacts=(ContactCount(ContactKind.PHONE, 3), ContactCount(ContactKind.HOME_VISIT, 1)),
        first_on=D(2026, 1, 15),
        last_on=D(2026, 4, 20),
        minutes=135,
    ),
    connections=(
        ServiceLink("Tuesday Community Choir", "Valley Arts Trust", ConnectionStatus.ATTENDED, D(2026, 2, 3)),
        ServiceLink(
            "Debt and Money Advice", "Citizens Advice Test Valley", ConnectionStatus.REFERRED, D(2026, 2, 3)
        ),
    ),
    ons4=(
        ons4(D(2026, 1, 22), MeasureStage.BASELINE, 4, 5, 3, 7),
        ons4(D(2026, 4, 20), MeasureStage.FOLLOW_UP, 7, 8, 9, 1),
    ),
    swemwbs=(
        swemwbs(D(2026, 1, 22), MeasureStage.BASELINE, 2, 2, 3, 2, 3, 2, 3),
        swemwbs(D(2026, 4, 20), MeasureStage.FOLLOW_UP, 4, 4, 3, 4, 4, 4, 4),
    ),
    status=EpisodeStatus(CaseStatus.CLOSED, D(2026, 4, 20), ClosingReason.GOALS_MET),
    codes=(
        GpCode(
            "871731000000106",
            "Referral to social prescribing service",
            "Enter it.",
            D(2026, 1, 15),
            D(2026, 1, 16),
            "Wren Worker",
        ),
    ),
)

EMPTY = replace(
    LETTER,
    link_worker=None,
    person=replace(LETTER.person, nhs_number=None),
    referral=replace(LETTER.referral, referrer_name=None, source=ReferralSource.SELF, needs=()),
    plan=LetterPlan(None, None, None, ()),
    support=SupportGiven((), None, None, 0),
    connections=(),
    ons4=(),
    swemwbs=(),
    status=EpisodeStatus(CaseStatus.REFERRED, D(2026, 1, 12), None),
    codes=(),
)


def long_letter(measures: int = 6, connections: int = 28) -> GpLetter:
    """A long episode: a plan of many paragraphs, many services and more measures than fit a row."""
    paragraph = (
        "She wants to feel part of the village again, to manage the garden with help, and to "
        "be less anxious about the letters from the energy company. "
    )
    start = D(2025, 6, 2)
    stages = [MeasureStage.BASELINE] + [MeasureStage.FOLLOW_UP] * (measures - 1)
    return replace(
        LETTER,
        plan=replace(LETTER.plan, what_matters="\n".join(paragraph * 3 for _ in range(8))),
        connections=tuple(
            ServiceLink(
                f"Community service number {index + 1}",
                f"Test Valley Organisation {index + 1}",
                list(ConnectionStatus)[index % len(ConnectionStatus)],
                start + timedelta(days=7 * index),
            )
            for index in range(connections)
        ),
        ons4=tuple(
            ons4(start + timedelta(days=30 * i), stage, min(10, 3 + i), 5, min(10, 2 + i), max(0, 8 - i))
            for i, stage in enumerate(stages)
        ),
        swemwbs=tuple(
            swemwbs(start + timedelta(days=30 * i), stage, *([min(5, 2 + i // 2)] * 7))
            for i, stage in enumerate(stages)
        ),
    )
