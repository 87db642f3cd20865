"""Back to the GP record: the codes an episode makes due, marking them entered, and the letter's
content; only link workers and admins, the letter only with consent to share with the GP, and
every letter viewed, printed or saved in the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from linkworker.domain.casework import ContactKind, MeasureStage
from linkworker.domain.corrections import Consent
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.measures import Ons4Band, Ons4Question
from linkworker.domain.referrals import CaseStatus, ClosingReason, ReferralSource, Urgency
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases import casework, gp_record
from linkworker.services.cases.gp_record import (
    ContactCount,
    EpisodeStatus,
    GpCode,
    LetterExport,
    LetterPerson,
    LetterPlan,
    LetterReferral,
    NoConsentToShare,
    PracticeName,
    ServiceLink,
)
from linkworker.services.cases.needs import add_local_need
from linkworker.services.errors import NotFound, PermissionDenied
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, GpCodeEntry, Referral, StatusChange
from tests.reports.gp_episode import FULL, Episode, Reached, Step, add_episode, nhs_number_for, noon

REFERRAL_CODE = "871731000000106"
DECLINED_CODE = "871711000000103"
TODAY = date(2026, 5, 4)
D = date

DECLINED_AT_FIRST_CALL = Episode(
    steps=(Step(D(2026, 2, 5), CaseStatus.DECLINED, ClosingReason.DECLINED),),
    contacts=(Reached(D(2026, 2, 3), ContactKind.UNABLE_TO_CONTACT), Reached(D(2026, 2, 5))),
)
TAKEN_UP = Episode(
    steps=(Step(D(2026, 2, 5), CaseStatus.CONTACTED),),
    contacts=(Reached(D(2026, 2, 3), ContactKind.UNABLE_TO_CONTACT), Reached(D(2026, 2, 5))),
)
TAKEN_UP_THEN_DECLINED = replace(
    TAKEN_UP, steps=(*TAKEN_UP.steps, Step(D(2026, 3, 2), CaseStatus.DECLINED, ClosingReason.DECLINED))
)


def audit_trail(database: Database, *actions: str) -> list[tuple[str, str | None, int | None, str | None]]:
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.username, AuditEvent.entity_id, AuditEvent.detail)
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def entries(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(GpCodeEntry)) or 0


# Codes due -------------------------------------------------------------------------------------


def test_a_referral_not_yet_reached_has_no_codes_due(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(
        database, worker, Episode(contacts=(Reached(D(2026, 2, 3), ContactKind.UNABLE_TO_CONTACT),))
    )
    with database.session() as session:
        assert gp_record.codes_due(session, worker, referral_id) == []


def test_declining_at_the_first_call_makes_only_the_declined_code_due(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, DECLINED_AT_FIRST_CALL)
    with database.session() as session:
        due = gp_record.codes_due(session, worker, referral_id)
    assert due == [
        GpCode(
            DECLINED_CODE,
            "Social prescribing declined",
            "Enter when the person declines social prescribing, dated the day they declined: it "
            "goes in the GP record instead of the referral code.",
            D(2026, 2, 5),
            None,
            None,
        ),
    ]
    assert not due[0].entered and due[0].due
    with database.session() as session:
        taken_up = gp_record.codes_due(
            session, worker, add_episode(database, worker, replace(TAKEN_UP, serial=1))
        )
    assert [code.guidance for code in taken_up] == [
        "Enter at the first interaction with a person who takes up the offer, dated the day they were "
        "first reached. Not for a person who declines: they are due only the declined code."
    ]
    assert due[0].display == "871711000000103 |Social prescribing declined|"


@pytest.mark.parametrize(
    "episode",
    [
        Episode(steps=(Step(D(2026, 2, 4), CaseStatus.DECLINED, ClosingReason.DECLINED),)),
        DECLINED_AT_FIRST_CALL,
        TAKEN_UP_THEN_DECLINED,
        Episode(
            steps=(Step(D(2026, 2, 9), CaseStatus.DECLINED, ClosingReason.DECLINED),),
            contacts=(
                Reached(D(2026, 2, 3), ContactKind.UNABLE_TO_CONTACT),
                Reached(D(2026, 2, 6), ContactKind.DID_NOT_ATTEND),
            ),
        ),
    ],
    ids=["before any contact", "at the first call", "after support began", "after failed tries"],
)
def test_a_person_who_declines_is_due_only_the_declined_code_dated_the_day_they_declined(
    database: Database, actors: dict[Role, Actor], episode: Episode
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, episode)
    with database.session() as session:
        due = gp_record.codes_due(session, worker, referral_id)
    assert [(code.code, code.due_on) for code in due] == [(DECLINED_CODE, episode.steps[-1].on)]
    with pytest.raises(ValidationError) as refused, database.session() as session:
        gp_record.mark_entered(session, worker, referral_id, REFERRAL_CODE, D(2026, 2, 10), today=TODAY)
    assert refused.value.field == "code"
    assert "declined" in refused.value.message and "only the declined code" in refused.value.message
    assert entries(database) == 0


def test_the_case_screens_own_changes_make_the_referral_code_due(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """Through the casework services, as a link worker works: a failed call, then a real one."""
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, Episode(received_on=D(2026, 1, 5)))
    reached_at = datetime(2026, 1, 8, 11, 30, tzinfo=UTC)
    with database.session() as session:
        casework.add_contact(
            session,
            worker,
            referral_id,
            casework.ContactEntry(ContactKind.UNABLE_TO_CONTACT, datetime(2026, 1, 6, 10, tzinfo=UTC), None),
        )
    with database.session() as session:
        assert gp_record.codes_due(session, worker, referral_id) == []
        casework.add_contact(
            session, worker, referral_id, casework.ContactEntry(ContactKind.PHONE, reached_at, 15)
        )
    with database.session() as session:
        due = gp_record.codes_due(session, worker, referral_id)
    assert [(code.code, code.due_on) for code in due] == [(REFERRAL_CODE, reached_at.astimezone().date())]


def test_a_status_move_alone_dates_the_first_interaction(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, Episode(steps=(Step(D(2026, 2, 9), CaseStatus.CONTACTED),)))
    with database.session() as session:
        due = gp_record.codes_due(session, worker, referral_id)
    assert [(code.code, code.due_on) for code in due] == [(REFERRAL_CODE, D(2026, 2, 9))]


# Marking a code entered ------------------------------------------------------------------------


def test_a_link_worker_marks_a_code_entered_and_it_is_audited(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, DECLINED_AT_FIRST_CALL)
    with database.session() as session:
        marked = gp_record.mark_entered(
            session, worker, referral_id, DECLINED_CODE, D(2026, 2, 6), today=TODAY
        )
    assert (marked.code, marked.entered_on, marked.entered_by) == (
        DECLINED_CODE,
        D(2026, 2, 6),
        "Wren Worker",
    )
    assert marked.entered
    with database.session() as session:
        assert gp_record.codes_due(session, worker, referral_id) == [marked]
    assert audit_trail(database, "gp_code_entered") == [
        ("gp_code_entered", "worker", referral_id, f"code={DECLINED_CODE}")
    ]


def test_the_date_entered_defaults_to_today(database: Database, actors: dict[Role, Actor]) -> None:
    admin = actors[Role.ADMIN]
    referral_id = add_episode(database, actors[Role.LINK_WORKER], TAKEN_UP)
    with database.session() as session:
        marked = gp_record.mark_entered(session, admin, referral_id, REFERRAL_CODE, today=TODAY)
    assert (marked.entered_on, marked.entered_by) == (TODAY, "Ada Admin")


def test_marking_a_code_again_changes_nothing(database: Database, actors: dict[Role, Actor]) -> None:
    worker, admin = actors[Role.LINK_WORKER], actors[Role.ADMIN]
    referral_id = add_episode(database, worker, TAKEN_UP)
    with database.session() as session:
        first = gp_record.mark_entered(
            session, worker, referral_id, REFERRAL_CODE, D(2026, 2, 5), today=TODAY
        )
    with database.session() as session:
        again = gp_record.mark_entered(session, admin, referral_id, REFERRAL_CODE, D(2026, 3, 1), today=TODAY)
    assert again == first
    assert entries(database) == 1
    assert len(audit_trail(database, "gp_code_entered")) == 1


def test_a_referral_code_entered_before_the_person_declined_stays_listed_as_entered(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """Entered while the person was taking part, then they decline, through the case screens'
    own move: the entry is kept and shown as no longer due, and the declined code is due."""
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, TAKEN_UP)
    with database.session() as session:
        entered = gp_record.mark_entered(
            session, worker, referral_id, REFERRAL_CODE, D(2026, 2, 6), today=TODAY
        )
    before = datetime.now(UTC).astimezone().date()
    with database.session() as session:
        version = session.get_one(Referral, referral_id).version_id
        casework.move_status(
            session, worker, referral_id, version, CaseStatus.DECLINED, ClosingReason.DECLINED
        )
    after = datetime.now(UTC).astimezone().date()

    with database.session() as session:
        kept, declined = gp_record.codes_due(session, worker, referral_id)
    assert kept == replace(entered, due_on=None)
    assert kept.entered and not kept.due
    assert (declined.code, declined.entered, declined.due) == (DECLINED_CODE, False, True)
    assert declined.due_on is not None and before <= declined.due_on <= after

    with database.session() as session:  # marking it again still changes nothing
        assert gp_record.mark_entered(session, worker, referral_id, REFERRAL_CODE, today=after) == kept
    with database.session() as session:
        marked = gp_record.mark_entered(session, worker, referral_id, DECLINED_CODE, today=after)
    assert marked.entered
    with database.session() as session:
        assert gp_record.codes_due(session, worker, referral_id) == [kept, marked]
    assert entries(database) == 2
    assert [detail for *_rest, detail in audit_trail(database, "gp_code_entered")] == [
        f"code={REFERRAL_CODE}",
        f"code={DECLINED_CODE}",
    ]


def test_the_letter_lists_a_referral_code_entered_before_the_person_declined(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, TAKEN_UP)
    with database.session() as session:
        gp_record.mark_entered(session, worker, referral_id, REFERRAL_CODE, D(2026, 2, 6), today=TODAY)
    with database.session() as session:
        session.add(
            StatusChange(
                referral_id=referral_id,
                from_status=CaseStatus.CONTACTED.value,
                to_status=CaseStatus.DECLINED.value,
                changed_at=noon(D(2026, 3, 2)),
                reason=ClosingReason.DECLINED.value,
            )
        )
    with database.session() as session:
        letter = gp_record.letter(session, worker, referral_id, today=TODAY)
    assert [(code.code, code.due_on, code.entered_on) for code in letter.codes] == [
        (REFERRAL_CODE, None, D(2026, 2, 6)),
        (DECLINED_CODE, D(2026, 3, 2), None),
    ]


@pytest.mark.parametrize(
    ("code", "entered_on", "field", "message"),
    [
        (DECLINED_CODE, D(2026, 2, 10), "code", "not due for this episode yet"),
        ("22298006", D(2026, 2, 10), "code", "not one of the social prescribing codes"),
        (REFERRAL_CODE, D(2026, 5, 5), "entered_on", "cannot be in the future"),
        (REFERRAL_CODE, D(2026, 2, 8), "entered_on", "before it became due"),
    ],
)
def test_a_code_not_due_unknown_or_wrongly_dated_is_refused(
    database: Database, actors: dict[Role, Actor], code: str, entered_on: date, field: str, message: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, Episode(steps=(Step(D(2026, 2, 9), CaseStatus.CONTACTED),)))
    with pytest.raises(ValidationError) as refused, database.session() as session:
        gp_record.mark_entered(session, worker, referral_id, code, entered_on, today=TODAY)
    assert refused.value.field == field
    assert message in refused.value.message
    assert entries(database) == 0
    assert audit_trail(database, "gp_code_entered") == []


# Who may ---------------------------------------------------------------------------------------


def test_a_manager_sees_no_codes_and_no_letter(database: Database, actors: dict[Role, Actor]) -> None:
    manager = actors[Role.MANAGER]
    referral_id = add_episode(database, actors[Role.LINK_WORKER], DECLINED_AT_FIRST_CALL)
    calls = [
        lambda session: gp_record.codes_due(session, manager, referral_id),
        lambda session: gp_record.mark_entered(session, manager, referral_id, REFERRAL_CODE, today=TODAY),
        lambda session: gp_record.letter(session, manager, referral_id, today=TODAY),
        lambda session: gp_record.record_export(session, manager, referral_id, LetterExport.SAVED),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied), database.session() as session:
            call(session)
    assert entries(database) == 0
    assert audit_trail(database, "gp_code_entered", "gp_letter_viewed", "gp_letter_saved") == []


def test_another_pcn_s_case_is_not_found(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, DECLINED_AT_FIRST_CALL)
    elsewhere = replace(worker, pcn_id=worker.pcn_id + 1000)
    for call in (
        lambda session: gp_record.codes_due(session, elsewhere, referral_id),
        lambda session: gp_record.mark_entered(session, elsewhere, referral_id, REFERRAL_CODE, today=TODAY),
        lambda session: gp_record.letter(session, elsewhere, referral_id, today=TODAY),
        lambda session: gp_record.codes_due(session, worker, referral_id + 1000),
    ):
        with pytest.raises(NotFound), database.session() as session:
            call(session)


# The letter ------------------------------------------------------------------------------------


def test_the_letter_holds_the_prsb_message_back_to_gp_content(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, FULL)
    with database.session() as session:
        letter = gp_record.letter(session, worker, referral_id, today=TODAY)

    assert (letter.referral_id, letter.case_number) == (referral_id, f"LW-{referral_id:06d}")
    assert (letter.written_on, letter.written_by, letter.link_worker) == (TODAY, "Wren Worker", "Wren Worker")
    assert letter.pcn_name == "Test Valley PCN"
    assert letter.gp_practice == PracticeName("Riverside Surgery", "G99001")  # where the person is registered
    number = nhs_number_for(1)
    assert letter.person == LetterPerson(
        "Łucja", "O'Testley-Smith", f"{number[:3]} {number[3:6]} {number[6:]}", D(1949, 11, 23)
    )
    assert letter.referral == LetterReferral(
        D(2026, 1, 12),
        ReferralSource.GP,
        "Dr Priya Example",
        PracticeName("Hilltop Practice", "G99002"),
        Urgency.ROUTINE,
        ("Loneliness and isolation", "Debt and money"),
    )
    assert letter.plan == LetterPlan(
        FULL.what_matters, FULL.goals, FULL.actions, (D(2026, 2, 24), D(2026, 4, 20))
    )
    support = letter.support
    assert support.contacts == (
        ContactCount(ContactKind.PHONE, 3),
        ContactCount(ContactKind.FACE_TO_FACE, 1),
        ContactCount(ContactKind.HOME_VISIT, 1),
        ContactCount(ContactKind.DID_NOT_ATTEND, 1),
        ContactCount(ContactKind.UNABLE_TO_CONTACT, 1),
    )
    assert (support.total, support.first_on, support.last_on, support.minutes) == (
        7,
        D(2026, 1, 14),
        D(2026, 4, 20),
        3 + 20 + 75 + 15 + 40 + 25,
    )
    assert letter.connections == (
        ServiceLink("Tuesday Community Choir", "Valley Arts Trust", ConnectionStatus.ATTENDED, D(2026, 2, 3)),
        ServiceLink(
            "Debt and Money Advice", "Citizens Advice Test Valley", ConnectionStatus.REFERRED, D(2026, 2, 3)
        ),
        ServiceLink("Walk and Talk", "Test Valley Ramblers", ConnectionStatus.DECLINED, D(2026, 2, 10)),
    )
    baseline, follow_up = letter.ons4
    assert (baseline.taken_on, baseline.stage, follow_up.taken_on, follow_up.stage) == (
        D(2026, 1, 22),
        MeasureStage.BASELINE,
        D(2026, 4, 20),
        MeasureStage.FOLLOW_UP,
    )
    assert [(a.question, a.value, a.band) for a in follow_up.answers] == [
        (Ons4Question.SATISFIED, 7, Ons4Band.HIGH),
        (Ons4Question.WORTHWHILE, 8, Ons4Band.HIGH),
        (Ons4Question.HAPPY, 9, Ons4Band.VERY_HIGH),
        (Ons4Question.ANXIOUS, 1, Ons4Band.VERY_LOW),
    ]
    assert [(a.value, a.band) for a in baseline.answers] == [
        (4, Ons4Band.LOW),
        (5, Ons4Band.MEDIUM),
        (3, Ons4Band.LOW),
        (7, Ons4Band.HIGH),
    ]
    assert [(s.taken_on, s.stage, s.raw) for s in letter.swemwbs] == [
        (D(2026, 1, 22), MeasureStage.BASELINE, 17),
        (D(2026, 4, 20), MeasureStage.FOLLOW_UP, 27),
    ]
    assert letter.swemwbs[0].metric < letter.swemwbs[1].metric
    assert letter.status == EpisodeStatus(CaseStatus.CLOSED, D(2026, 4, 20), ClosingReason.GOALS_MET)
    assert [(code.code, code.due_on) for code in letter.codes] == [(REFERRAL_CODE, D(2026, 1, 15))]


def test_no_free_text_beyond_the_plan_reaches_the_letter(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """Contact notes, referral notes, review notes and service feedback stay in the case record."""
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, FULL)
    with database.session() as session:
        letter = gp_record.letter(session, worker, referral_id, today=TODAY)
    content = repr(letter)
    for private in ("Private", "Free-text referral note"):
        assert private not in content


def test_a_sparse_episode_gives_a_letter_with_what_is_known(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    sparse = Episode(
        referrer_name=None,
        source=ReferralSource.SELF,
        registered_ods=None,
        nhs_number_known=False,
        assigned=False,
        needs=(),
    )
    referral_id = add_episode(database, worker, sparse)
    with database.session() as session:
        letter = gp_record.letter(session, worker, referral_id, today=TODAY)
    assert letter.person.nhs_number is None
    assert letter.link_worker is None
    assert letter.gp_practice == PracticeName("Hilltop Practice", "G99002")  # the referring practice
    assert (letter.referral.referrer_name, letter.referral.needs) == (None, ())
    assert letter.plan == LetterPlan(None, None, None, ())
    assert (letter.support.total, letter.support.first_on, letter.support.minutes) == (0, None, 0)
    assert (letter.connections, letter.ons4, letter.swemwbs, letter.codes) == ((), (), (), ())
    assert letter.status == EpisodeStatus(CaseStatus.REFERRED, sparse.received_on, None)


def test_a_pcn_s_own_needs_are_named_by_their_label_after_the_national_ones(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        local = add_local_need(session, actors[Role.ADMIN], "Allotment gardening")
    referral_id = add_episode(database, worker, Episode(needs=(local.code, "housing", "loneliness")))
    with database.session() as session:
        letter = gp_record.letter(session, worker, referral_id, today=TODAY)
    assert letter.referral.needs == ("Loneliness and isolation", "Housing", "Allotment gardening")


def test_viewing_the_letter_is_audited_without_patient_details(
    database: Database, actors: dict[Role, Actor]
) -> None:
    admin = actors[Role.ADMIN]
    referral_id = add_episode(database, actors[Role.LINK_WORKER], FULL)
    with database.session() as session:
        gp_record.letter(session, admin, referral_id, today=TODAY)
    assert audit_trail(database, "gp_letter_viewed") == [("gp_letter_viewed", "admin", referral_id, None)]


def test_without_consent_to_share_with_the_gp_there_is_no_letter(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, replace(FULL, consent_share_gp=False))
    with pytest.raises(NoConsentToShare) as refused, database.session() as session:
        gp_record.letter(session, worker, referral_id, today=TODAY)
    assert "not agreed to share information with their GP" in str(refused.value)
    assert "consent to share with the GP" in str(refused.value)
    with pytest.raises(NoConsentToShare), database.session() as session:
        gp_record.record_export(session, worker, referral_id, LetterExport.PRINTED)
    assert audit_trail(database, "gp_letter_viewed", "gp_letter_printed") == []
    with database.session() as session:  # the codes are still due: they are the GP practice's own record
        assert [code.code for code in gp_record.codes_due(session, worker, referral_id)] == [REFERRAL_CODE]


def test_printing_and_saving_are_audited_each_time(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, FULL)
    for how in (LetterExport.PRINTED, LetterExport.SAVED, LetterExport.SAVED):
        with database.session() as session:
            gp_record.record_export(session, worker, referral_id, how)
    assert audit_trail(database, "gp_letter_printed", "gp_letter_saved") == [
        ("gp_letter_printed", "worker", referral_id, None),
        ("gp_letter_saved", "worker", referral_id, None),
        ("gp_letter_saved", "worker", referral_id, None),
    ]


def test_consent_withdrawn_after_the_preview_opened_stops_the_export(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, FULL)
    with database.session() as session:
        gp_record.letter(session, worker, referral_id, today=TODAY)
    with database.session() as session:
        session.get_one(Referral, referral_id).consent_share_gp = False
    with pytest.raises(NoConsentToShare), database.session() as session:
        gp_record.record_export(session, worker, referral_id, LetterExport.SAVED)
    assert audit_trail(database, "gp_letter_saved") == []


def test_the_refusal_says_where_consent_given_later_is_recorded(
    database: Database, actors: dict[Role, Actor]
) -> None:
    """The refusal tells the user what to do: Edit referral… on the case, with the day they agreed."""
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, replace(FULL, consent_share_gp=False))
    with pytest.raises(NoConsentToShare) as refused, database.session() as session:
        gp_record.letter(session, worker, referral_id, today=TODAY)
    assert "Edit referral… on the case, with the day they agreed" in str(refused.value)
    assert refused.value.withdrawn_on is None
    with database.session() as session:
        assert gp_record.consent_to_share(session, worker, referral_id) == Consent(False, None, None)


def test_consent_withdrawn_stops_the_letter_with_the_day_said(
    database: Database, actors: dict[Role, Actor]
) -> None:
    worker = actors[Role.LINK_WORKER]
    referral_id = add_episode(database, worker, FULL)
    with database.session() as session:
        referral = session.get_one(Referral, referral_id)
        given_on = referral.consent_share_gp_given_on
        referral.consent_share_gp, referral.consent_share_gp_withdrawn_on = False, D(2026, 4, 30)
    with pytest.raises(NoConsentToShare) as refused, database.session() as session:
        gp_record.letter(session, worker, referral_id, today=TODAY)
    assert "withdrew their consent to share with their GP on 30 Apr 2026" in str(refused.value)
    with database.session() as session:
        consent = gp_record.consent_to_share(session, worker, referral_id)
    assert consent == Consent(False, given_on, D(2026, 4, 30))
    assert given_on == FULL.received_on  # given with the referral


def test_a_manager_is_not_told_the_consent(database: Database, actors: dict[Role, Actor]) -> None:
    referral_id = add_episode(database, actors[Role.LINK_WORKER], FULL)
    with pytest.raises(PermissionDenied), database.session() as session:
        gp_record.consent_to_share(session, actors[Role.MANAGER], referral_id)
