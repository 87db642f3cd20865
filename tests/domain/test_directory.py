"""Rules of the directory: how entries are found, when they go stale, and what an entry must hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkworker.domain.directory import (
    AccessRoute,
    CostKind,
    ServiceStatus,
    is_stale,
    parse_stale_after_months,
    search_words,
    service_search_text,
    stale_cutoff,
)
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.schedule import Weekday
from linkworker.domain.service_entry import (
    LocationEntry,
    ScheduleEntry,
    ServiceEntry,
    parse_list,
    parse_service,
    parse_time,
    parse_url,
)

NEEDS = {"loneliness": "Loneliness", "physical_activity": "Physical activity", "food": "Food"}
GOOD = ServiceEntry(
    organisation_name="  Medway   Men's Shed ",
    name="Men's Shed",
    description="Make, mend and chat.\nAll welcome.",
    needs=("physical_activity", "loneliness"),
    locations=(LocationEntry("The Hut", "1 Dock Road", "Chatham", "me4 4tz", "51.38", "0.52"),),
    schedules=(ScheduleEntry(("TH", "TU"), "18:30", "20.30", "Term time", 0),),
    cost_kind="Low cost",
    cost_note="£2 a session",
    accessibility="Step-free access; hearing loop\nstep-free ACCESS",
    languages="English; Polish",
    min_age="18",
    max_age="",
    access_routes=("drop_in", "self_referral"),
    url="medwayshed.example.org",
    email="hello@medwayshed.example.org",
    phone="01632 960123",
    waiting_time="No wait",
    status="active",
)


def test_search_words_fold_case_accents_and_punctuation() -> None:
    assert search_words("Café  SOCIÉTÉ, Chair-based O\u2019Brien's") == [
        "cafe",
        "societe",
        "chair",
        "based",
        "obriens",
    ]
    assert search_words("Łódź_club") == ["łodz", "club"]
    assert search_words(None) == []


def test_the_search_text_holds_each_word_once_after_a_space() -> None:
    text = service_search_text("Walk and Talk", "Kent Walks", "A walk, then tea.")
    assert text == " walk and talk kent walks a then tea"
    assert service_search_text("Club", "Org", None) == " club org"


@given(st.text(max_size=40), st.text(max_size=40), st.one_of(st.none(), st.text(max_size=80)))
def test_every_word_of_an_entry_is_found_by_its_own_start(
    name: str, organisation: str, description: str | None
) -> None:
    text = service_search_text(name, organisation, description)
    for word in search_words(f"{name} {organisation} {description or ''}"):
        assert f" {word[:3]}" in text


@pytest.mark.parametrize(
    ("today", "months", "cutoff"),
    [
        (date(2026, 3, 18), 6, date(2025, 9, 18)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 8, 29), 6, date(2024, 2, 29)),
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
    ],
)
def test_the_stale_cutoff_counts_calendar_months(today: date, months: int, cutoff: date) -> None:
    assert stale_cutoff(today, months) == cutoff


def test_an_entry_is_stale_when_never_verified_or_verified_before_the_cutoff() -> None:
    today = date(2026, 3, 18)
    assert is_stale(None, today, 6)
    assert is_stale(date(2025, 9, 17), today, 6)
    assert not is_stale(date(2025, 9, 18), today, 6)
    assert not is_stale(date(2025, 9, 17), today, 12)


@pytest.mark.parametrize(("typed", "months"), [("6", 6), (" 12 ", 12), (1, 1), ("36", 36)])
def test_stale_periods_in_range_are_taken(typed: str | int, months: int) -> None:
    assert parse_stale_after_months(typed) == months


@pytest.mark.parametrize(("typed", "message"), [("0", "1 to 36"), ("37", "1 to 36"), ("six", "whole number")])
def test_stale_periods_out_of_range_are_refused(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_stale_after_months(typed)


def test_a_complete_entry_is_tidied_into_details() -> None:
    details = parse_service(GOOD, NEEDS)

    assert details.organisation_name == "Medway Men's Shed"
    assert details.description == "Make, mend and chat.\nAll welcome."
    assert details.needs == ("loneliness", "physical_activity"), "the PCN's order, each once"
    (venue,) = details.locations
    assert (venue.postcode, venue.latitude, venue.longitude) == ("ME4 4TZ", 51.38, 0.52)
    (schedule,) = details.schedules
    assert schedule.days == (Weekday.TU, Weekday.TH) and schedule.byday == "TU,TH"
    assert (schedule.opens, schedule.closes, schedule.note, schedule.location_index) == (
        time(18, 30),
        time(20, 30),
        "Term time",
        0,
    )
    assert details.cost_kind is CostKind.LOW_COST and details.status is ServiceStatus.ACTIVE
    assert details.accessibility == ("Step-free access", "hearing loop")
    assert details.languages == ("English", "Polish")
    assert (details.min_age, details.max_age) == (18, None)
    assert details.access_routes == (AccessRoute.SELF_REFERRAL, AccessRoute.DROP_IN)
    assert details.url == "https://medwayshed.example.org"


def test_every_problem_is_reported_at_once_beside_its_field() -> None:
    bad = replace(
        GOOD,
        organisation_name=" ",
        name="",
        needs=(),
        cost_kind="expensive",
        min_age="70",
        max_age="65",
        url="not a site",
        email="nobody",
        phone="12",
        access_routes=("teleport",),
        locations=(
            LocationEntry(postcode="12345"),
            LocationEntry(name="Hall", latitude="40.1", longitude="0.1"),
        ),
        schedules=(ScheduleEntry((), "10:00"),),
    )
    with pytest.raises(FormErrors) as caught:
        parse_service(bad, NEEDS)

    errors = caught.value
    assert {error.field for error in errors.errors} == {
        "organisation_name",
        "name",
        "needs",
        "cost_kind",
        "max_age",
        "url",
        "email",
        "phone",
        "access_routes",
        "locations",
        "schedules",
    }
    assert errors.for_field("organisation_name") == "Write the organisation's name."
    assert errors.for_field("needs") == "Choose at least one need the service helps with."
    assert (
        errors.for_field("locations")
        == "Venue 1: This is not a UK postcode: please check it (like ME14 1XX)."
    )
    assert errors.for_field("schedules") == "Time 1: choose the days of the week it runs."


@pytest.mark.parametrize(
    ("venue", "message"),
    [
        (LocationEntry(), "Venue 1: give at least its name, address, town or postcode."),
        (
            LocationEntry(name="Hall", latitude="51.3"),
            "Venue 1: give both latitude and longitude, or neither.",
        ),
        (LocationEntry(name="Hall", latitude="north", longitude="0"), "Venue 1: the latitude is a number"),
        (
            LocationEntry(name="Hall", latitude="48.5", longitude="0"),
            "Venue 1: the latitude is outside the UK",
        ),
        (
            LocationEntry(name="Hall", latitude="51", longitude="12"),
            "Venue 1: the longitude is outside the UK",
        ),
        (LocationEntry(name="Hall", postcode="75001 PA"), "Venue 1: This is not a UK postcode"),
    ],
)
def test_venues_must_be_findable_and_in_the_uk(venue: LocationEntry, message: str) -> None:
    with pytest.raises(FormErrors) as caught:
        parse_service(replace(GOOD, locations=(venue,), schedules=()), NEEDS)
    assert (caught.value.for_field("locations") or "").startswith(message)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (ScheduleEntry(("MO", "XX")), "Time 1: choose the days of the week it runs."),
        (ScheduleEntry(("MO",), "", "12:00"), "Time 1: give the opening time as well as the closing time."),
        (
            ScheduleEntry(("MO",), "14:00", "13:00"),
            "Time 1: it closes before it opens: please check the times.",
        ),
        (ScheduleEntry(("MO",), "25:00"), "Time 1: Write the opening time as hours and minutes, like 18:30."),
        (ScheduleEntry(("MO",), location_index=3), "Time 1: choose one of this service's venues, or none."),
    ],
)
def test_times_must_be_possible(schedule: ScheduleEntry, message: str) -> None:
    with pytest.raises(FormErrors) as caught:
        parse_service(replace(GOOD, schedules=(schedule,)), NEEDS)
    assert caught.value.for_field("schedules") == message


def test_a_phone_line_needs_no_venue_and_a_session_no_times() -> None:
    details = parse_service(replace(GOOD, locations=(), schedules=(ScheduleEntry(("SA",)),)), NEEDS)
    assert details.locations == ()
    assert details.schedules[0].opens is None and details.schedules[0].location_index is None


def test_a_need_outside_the_pcns_list_is_refused() -> None:
    with pytest.raises(FormErrors) as caught:
        parse_service(replace(GOOD, needs=("astrology",)), NEEDS)
    assert caught.value.for_field("needs") == "A need chosen is not in the PCN's list of needs."


def test_small_parsers() -> None:
    assert parse_time("9.05", "f", "time") == time(9, 5)
    assert parse_time(" ", "f", "time") is None
    assert parse_url("http://example.org/x") == "http://example.org/x"
    assert parse_url("") is None
    assert parse_list("a;;A; b \n", "f", "item") == ("a", "b")
    with pytest.raises(ValidationError, match="100 characters"):
        parse_list("x" * 101, "f", "item")
    with pytest.raises(ValidationError, match="20 at most"):
        parse_list(";".join(str(number) for number in range(21)), "f", "item")
