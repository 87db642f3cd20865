"""When an episode's SNOMED CT codes become due for the GP record, and the concept id check."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkworker import catalogues
from linkworker.domain.casework import ContactKind
from linkworker.domain.gp_codes import (
    INTERACTION_STATUSES,
    NOT_REACHED,
    ContactEvent,
    DueCode,
    EpisodeHistory,
    GpCodeTrigger,
    SnomedCode,
    StatusEvent,
    codes_due,
    declined_on,
    first_interaction,
    is_concept_id,
    taken_up_on,
)
from linkworker.domain.referrals import CaseStatus, ClosingReason, can_move, check_move

REFERRAL = "871731000000106"
DECLINED = "871711000000103"
CODES = (
    SnomedCode(REFERRAL, "Referral to social prescribing service", GpCodeTrigger.FIRST_INTERACTION, "g."),
    SnomedCode(DECLINED, "Social prescribing declined", GpCodeTrigger.DECLINED, "g."),
)
D = date
RECEIVED = D(2026, 3, 2)
REFERRED = StatusEvent(RECEIVED, CaseStatus.REFERRED)
unhurried = settings(deadline=None)


def history(
    *changes: tuple[date, CaseStatus] | tuple[date, CaseStatus, ClosingReason],
    contacts: tuple[tuple[date, ContactKind], ...] = (),
) -> EpisodeHistory:
    """A history opened on RECEIVED (the move to referred) with the given moves and contacts."""
    return EpisodeHistory(
        contacts=tuple(ContactEvent(on, kind) for on, kind in contacts),
        status_changes=(REFERRED, *(StatusEvent(*change) for change in changes)),
    )


def due(history: EpisodeHistory) -> dict[str, date]:
    return {item.code.code: item.due_on for item in codes_due(history, CODES)}


# A referral received and nothing more --------------------------------------------------------


def test_a_referral_only_received_has_no_code_due():
    assert due(EpisodeHistory()) == {}
    assert due(history()) == {}
    assert first_interaction(history()) is None
    assert declined_on(history()) is None


# The first interaction --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(set(ContactKind) - NOT_REACHED))
def test_a_contact_that_reached_the_person_is_the_first_interaction(kind):
    reached = history(contacts=((D(2026, 3, 5), kind),))
    assert due(reached) == {REFERRAL: D(2026, 3, 5)}


@pytest.mark.parametrize("kind", sorted(NOT_REACHED))
def test_a_try_that_did_not_reach_the_person_is_not_an_interaction(kind):
    assert due(history(contacts=((D(2026, 3, 3), kind),))) == {}


@pytest.mark.parametrize("status", sorted(INTERACTION_STATUSES))
def test_a_move_beyond_referred_dates_the_first_interaction_when_no_contact_was_recorded(status):
    assert due(history((D(2026, 3, 9), status))) == {REFERRAL: D(2026, 3, 9)}


def test_the_earliest_of_contacts_and_moves_is_the_first_interaction():
    contacted_first = history(
        (D(2026, 3, 10), CaseStatus.CONTACTED),
        (D(2026, 3, 20), CaseStatus.ASSESSED),
        contacts=((D(2026, 3, 6), ContactKind.PHONE), (D(2026, 3, 20), ContactKind.FACE_TO_FACE)),
    )
    assert due(contacted_first) == {REFERRAL: D(2026, 3, 6)}
    moved_first = history(
        (D(2026, 3, 4), CaseStatus.CONTACTED),
        contacts=((D(2026, 3, 11), ContactKind.VIDEO),),
    )
    assert due(moved_first) == {REFERRAL: D(2026, 3, 4)}


def test_failed_tries_before_the_person_is_reached_do_not_move_the_date_earlier():
    tried = history(
        (D(2026, 3, 16), CaseStatus.CONTACTED),
        contacts=(
            (D(2026, 3, 3), ContactKind.UNABLE_TO_CONTACT),
            (D(2026, 3, 9), ContactKind.DID_NOT_ATTEND),
            (D(2026, 3, 16), ContactKind.HOME_VISIT),
        ),
    )
    assert due(tried) == {REFERRAL: D(2026, 3, 16)}


def test_a_person_never_reached_and_marked_not_contactable_has_no_code_due():
    unreached = history(
        (D(2026, 3, 30), CaseStatus.NOT_CONTACTABLE, ClosingReason.NOT_CONTACTABLE),
        contacts=(
            (D(2026, 3, 3), ContactKind.UNABLE_TO_CONTACT),
            (D(2026, 3, 17), ContactKind.UNABLE_TO_CONTACT),
        ),
    )
    assert due(unreached) == {}


@pytest.mark.parametrize("reason", sorted(set(ClosingReason) - {ClosingReason.DECLINED}))
def test_closing_without_a_contact_is_not_an_interaction(reason):
    assert due(history((D(2026, 3, 12), CaseStatus.CLOSED, reason))) == {}


def test_a_case_reached_then_closed_keeps_the_first_interaction_date():
    closed = history(
        (D(2026, 3, 5), CaseStatus.CONTACTED),
        (D(2026, 5, 1), CaseStatus.CLOSED, ClosingReason.GOALS_MET),
        contacts=((D(2026, 3, 5), ContactKind.PHONE), (D(2026, 5, 1), ContactKind.PHONE)),
    )
    assert due(closed) == {REFERRAL: D(2026, 3, 5)}


# Declining: only the declined code, never both -----------------------------------------------


def test_declining_before_any_contact_makes_only_the_declined_code_due():
    assert due(history((D(2026, 3, 8), CaseStatus.DECLINED, ClosingReason.DECLINED))) == {
        DECLINED: D(2026, 3, 8)
    }


def test_declining_at_the_first_call_makes_only_the_declined_code_due():
    declined = history(
        (D(2026, 3, 4), CaseStatus.DECLINED, ClosingReason.DECLINED),
        contacts=((D(2026, 3, 4), ContactKind.PHONE),),
    )
    assert due(declined) == {DECLINED: D(2026, 3, 4)}


def test_declining_after_failed_tries_to_reach_them_makes_only_the_declined_code_due():
    declined = history(
        (D(2026, 3, 11), CaseStatus.DECLINED, ClosingReason.DECLINED),
        contacts=(
            (D(2026, 3, 3), ContactKind.UNABLE_TO_CONTACT),
            (D(2026, 3, 6), ContactKind.DID_NOT_ATTEND),
            (D(2026, 3, 11), ContactKind.PHONE),
        ),
    )
    assert due(declined) == {DECLINED: D(2026, 3, 11)}


def test_declining_after_support_began_takes_the_referral_code_away_dated_the_day_they_declined():
    later = history(
        (D(2026, 3, 5), CaseStatus.CONTACTED),
        (D(2026, 3, 19), CaseStatus.ASSESSED),
        (D(2026, 4, 2), CaseStatus.DECLINED, ClosingReason.DECLINED),
        contacts=((D(2026, 3, 5), ContactKind.PHONE), (D(2026, 3, 19), ContactKind.FACE_TO_FACE)),
    )
    assert due(later) == {DECLINED: D(2026, 4, 2)}
    assert first_interaction(later) == D(2026, 3, 5)  # they were reached; they did not take it up
    assert taken_up_on(later) is None


def test_a_close_whose_reason_is_declined_counts_as_declining():
    closed = history(
        (D(2026, 3, 5), CaseStatus.CONTACTED),
        (D(2026, 3, 20), CaseStatus.CLOSED, ClosingReason.DECLINED),
        contacts=((D(2026, 3, 5), ContactKind.PHONE),),
    )
    assert due(closed) == {DECLINED: D(2026, 3, 20)}
    assert due(history((D(2026, 3, 6), CaseStatus.CLOSED, ClosingReason.DECLINED))) == {
        DECLINED: D(2026, 3, 6)
    }


def test_declining_is_not_itself_an_interaction():
    assert first_interaction(history((D(2026, 3, 8), CaseStatus.DECLINED))) is None


def test_an_episode_without_a_decline_is_due_the_referral_code_at_its_first_interaction():
    kept = history(
        (D(2026, 3, 9), CaseStatus.CONTACTED),
        (D(2026, 4, 1), CaseStatus.CLOSED, ClosingReason.GOALS_MET),
        contacts=((D(2026, 3, 3), ContactKind.UNABLE_TO_CONTACT), (D(2026, 3, 9), ContactKind.PHONE)),
    )
    assert taken_up_on(kept) == first_interaction(kept) == D(2026, 3, 9)
    assert due(kept) == {REFERRAL: D(2026, 3, 9)}


@pytest.mark.parametrize(
    "ending",
    [
        (CaseStatus.CLOSED, ClosingReason.GOALS_MET),
        (CaseStatus.CLOSED, ClosingReason.MOVED_AWAY),
        (CaseStatus.CLOSED, ClosingReason.REFERRED_ELSEWHERE),
        (CaseStatus.CLOSED, ClosingReason.DIED),
        (CaseStatus.NOT_CONTACTABLE, ClosingReason.NOT_CONTACTABLE),
    ],
)
def test_no_other_ending_makes_the_declined_code_due(ending):
    status, reason = ending
    ended = history(
        (D(2026, 3, 5), CaseStatus.CONTACTED),
        (D(2026, 4, 5), status, reason),
        contacts=((D(2026, 3, 5), ContactKind.PHONE),),
    )
    assert DECLINED not in due(ended)


def test_a_declined_connection_to_a_service_is_not_declining_social_prescribing():
    # Declining one group is recorded on the connection, never as a status: only the status counts.
    connected = history((D(2026, 3, 5), CaseStatus.CONTACTED), (D(2026, 3, 20), CaseStatus.CONNECTED))
    assert set(due(connected)) == {REFERRAL}


# The code list decides which codes there are --------------------------------------------------


def test_only_the_codes_in_the_list_are_given_in_the_list_s_terms():
    declined = history((D(2026, 3, 8), CaseStatus.DECLINED))
    assert codes_due(declined, CODES[1:]) == [DueCode(CODES[1], D(2026, 3, 8))]
    assert codes_due(declined, ()) == []
    taken_up = history((D(2026, 3, 5), CaseStatus.CONTACTED))
    listed = codes_due(taken_up, catalogues.snomed_codes()) + codes_due(declined, catalogues.snomed_codes())
    assert [(item.code.code, item.code.term) for item in listed] == [
        (REFERRAL, "Referral to social prescribing service"),
        (DECLINED, "Social prescribing declined"),
    ]


def test_a_code_is_shown_as_clinical_systems_write_it():
    assert CODES[0].display == "871731000000106 |Referral to social prescribing service|"


# Properties over generated histories -----------------------------------------------------------

statuses_after_referred = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.sampled_from(list(CaseStatus))), max_size=6
)
contact_lists = st.lists(
    st.tuples(st.integers(min_value=0, max_value=120), st.sampled_from(list(ContactKind))), max_size=8
)


@st.composite
def episodes(draw: st.DrawFn) -> EpisodeHistory:
    """A history the case screens could write: status moves allowed by the rules, in date order,
    with closing reasons as check_move stores them, and contacts on any day from receipt."""
    changes = [REFERRED]
    current, day = CaseStatus.REFERRED, RECEIVED
    for gap, target in draw(statuses_after_referred):
        if not can_move(current, target):
            continue
        reason = None
        if target is CaseStatus.CLOSED:
            reason = draw(st.sampled_from([r for r in ClosingReason if r not in _OWN_STATUS]))
        stored = check_move(current, target, reason)
        day += timedelta(days=gap)
        changes.append(StatusEvent(day, target, stored))
        current = target
    contacts = [ContactEvent(RECEIVED + timedelta(days=offset), kind) for offset, kind in draw(contact_lists)]
    return EpisodeHistory(contacts=tuple(contacts), status_changes=tuple(changes))


_OWN_STATUS = {ClosingReason.DECLINED, ClosingReason.NOT_CONTACTABLE}


def _interaction_days(history: EpisodeHistory) -> set[date]:
    days = {contact.on for contact in history.contacts if contact.kind not in NOT_REACHED}
    days |= {change.on for change in history.status_changes if change.to_status in INTERACTION_STATUSES}
    return days


def _declining_days(history: EpisodeHistory) -> list[date]:
    return [
        change.on
        for change in history.status_changes
        if change.to_status is CaseStatus.DECLINED
        or (change.to_status is CaseStatus.CLOSED and change.reason is ClosingReason.DECLINED)
    ]


@st.composite
def any_histories(draw: st.DrawFn) -> EpisodeHistory:
    """Histories in any order the records could hold, the screens' own or not: any status with any
    closing reason (a close with the reason "declined" among them), on any day, with any contacts."""
    changes = draw(
        st.lists(
            st.builds(
                StatusEvent,
                st.dates(RECEIVED, RECEIVED + timedelta(days=120)),
                st.sampled_from(list(CaseStatus)),
                st.none() | st.sampled_from(list(ClosingReason)),
            ),
            max_size=6,
        )
    )
    contacts = draw(
        st.lists(
            st.builds(
                ContactEvent,
                st.dates(RECEIVED, RECEIVED + timedelta(days=120)),
                st.sampled_from(list(ContactKind)),
            ),
            max_size=8,
        )
    )
    return EpisodeHistory(tuple(contacts), (REFERRED, *changes))


@unhurried
@given(episodes() | any_histories())
def test_never_both_codes_and_the_referral_code_is_dated_the_first_interaction(history):
    found = due(history)
    assert not (REFERRAL in found and DECLINED in found)
    declines = _declining_days(history)
    if declines:
        assert found == {DECLINED: min(declines)}
    elif first_interaction(history) is None:
        assert found == {}
    else:
        assert found == {REFERRAL: first_interaction(history)}
        assert first_interaction(history) == min(_interaction_days(history))


@unhurried
@given(episodes())
def test_the_referral_code_is_due_exactly_when_the_person_was_reached_and_never_declined(history):
    days = _interaction_days(history)
    found = due(history)
    if not days or _declining_days(history):
        assert REFERRAL not in found
    else:
        assert found[REFERRAL] == min(days)


@unhurried
@given(episodes())
def test_the_declined_code_is_due_exactly_when_the_episode_ended_declined(history):
    declines = [change.on for change in history.status_changes if change.to_status is CaseStatus.DECLINED]
    found = due(history)
    assert (DECLINED in found) == bool(declines)
    if declines:
        assert found == {DECLINED: declines[0]}


@unhurried
@given(episodes(), st.randoms(use_true_random=False))
def test_the_order_events_are_listed_in_does_not_matter(history, shuffler: random.Random):
    contacts, changes = list(history.contacts), list(history.status_changes)
    shuffler.shuffle(contacts)
    shuffler.shuffle(changes)
    assert codes_due(EpisodeHistory(tuple(contacts), tuple(changes)), CODES) == codes_due(history, CODES)


@unhurried
@given(episodes(), contact_lists)
def test_more_contacts_never_take_a_code_away_nor_date_it_later(history, more):
    extra = tuple(ContactEvent(RECEIVED + timedelta(days=offset), kind) for offset, kind in more)
    before = due(history)
    after = due(EpisodeHistory(history.contacts + extra, history.status_changes))
    for code, on in before.items():
        assert after[code] <= on
    assert after.get(DECLINED) == before.get(DECLINED)  # contacts never decide declining


@unhurried
@given(episodes())
def test_codes_are_listed_once_each_earliest_first_and_never_before_the_referral(history):
    listed = codes_due(history, CODES)
    assert len({item.code.code for item in listed}) == len(listed)
    assert [item.due_on for item in listed] == sorted(item.due_on for item in listed)
    assert all(item.due_on >= RECEIVED for item in listed)


# Concept ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [REFERRAL, DECLINED, "22298006", "404684003", "138875005", "900000000000207008"],
)
def test_well_formed_concept_ids_pass(text):
    assert is_concept_id(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("12345", "too short"),
        ("1" * 19, "too long"),
        ("0871731000000106", "leading zero"),
        ("871731 000000106", "a space"),
        ("87173100000010\uff16", "a full-width digit"),
        ("871731000000116", "a description id's partition (01)"),
        ("871731000000107", "wrong check digit"),
    ],
)
def test_malformed_concept_ids_fail(text, why):
    assert not is_concept_id(text), why


def _every_single_digit_change(text: str) -> list[str]:
    return [
        text[:i] + digit + text[i + 1 :]
        for i in range(len(text))
        for digit in "0123456789"
        if digit != text[i]
    ]


@pytest.mark.parametrize("code", [REFERRAL, DECLINED])
def test_every_mistyped_digit_and_every_swap_of_neighbours_is_caught(code):
    for changed in _every_single_digit_change(code):
        assert not is_concept_id(changed), changed
    for i in range(len(code) - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        if swapped != code:
            assert not is_concept_id(swapped), swapped


@unhurried
@given(st.from_regex(r"[1-9][0-9]{5,17}", fullmatch=True))
def test_an_id_passes_only_with_a_concept_partition(text):
    if is_concept_id(text):
        assert text[-3:-1] in ("00", "10")
