"""Reading ORUK records for exchange without loss: what a full record and a summary carry, the
ids of a service's parts, documents that are not services, both ways of listing taxonomy, and
emails, web addresses and phone numbers checked as the service editor checks them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from linkworker.domain.directory import CostKind
from linkworker.interchange.oruk import (
    PARTS,
    FeedError,
    OrukService,
    Severity,
    Term,
    hsds_service,
    merged,
    with_part_ids,
)
from linkworker.interchange.oruk_json import parse_json, services_json
from tests.interchange.oruk_records import (
    AREA_ID,
    CONTACT_ID,
    LOCATION,
    LOCATION_ID,
    ORGANISATION,
    ORGANISATION_ID,
    PHONE_ID,
    SCHEDULE_ID,
    TAXONOMY,
    TAXONOMY_TERM,
    TERM_ID,
    full_record,
    page_of,
    summary_record,
)
from tests.interchange.oruk_standard import service_errors

# What the summary record of oruk_records carries: the service's own fields and its organisation.
OWN_FIELDS = frozenset(
    {
        "organisation",
        "organisation_description",
        "organisation_url",
        "organisation_email",
        "description",
        "url",
        "email",
        "status",
    }
)


def read_one(document: object, name: str = "feed.json") -> OrukService:
    (service,) = parse_json(json.dumps(document).encode(), name).services
    return service


def test_a_full_record_carries_every_part_it_has_and_a_page_item_only_its_own_fields() -> None:
    full = read_one(full_record())
    assert full.summary is False
    assert full.carried == frozenset(PARTS) - {"access_routes", "languages", "max_age", "verified_on"}
    summary = read_one(page_of(summary_record()))
    assert summary.summary is True
    assert summary.carried == OWN_FIELDS


def test_a_page_item_with_empty_tables_carries_none_of_them_but_a_full_record_clears_them() -> None:
    emptied: dict[str, list[object]] = {
        "service_at_locations": [],
        "schedules": [],
        "attributes": [],
        "cost_options": [],
        "phones": [],
    }
    assert read_one(page_of(summary_record(**emptied))).carried == OWN_FIELDS
    cleared = read_one(full_record(**emptied)).carried
    assert cleared is not None and {"locations", "schedules", "terms", "cost", "phone"} <= cleared


def test_a_summary_after_a_full_record_keeps_venues_times_terms_and_cost() -> None:
    kept = with_part_ids(read_one(full_record()))
    summary = read_one(page_of(summary_record(description="Now on Wednesdays too.")))
    after = merged(kept, summary)
    assert after.description == "Now on Wednesdays too."
    assert (after.locations, after.schedules, after.terms) == (kept.locations, kept.schedules, kept.terms)
    assert (after.cost_kind, after.cost_note) == (CostKind.PAID, "£6 a class")
    assert after.problems == (), "the summary's 'cost not given' is about a new service, not this one"


def test_an_organisation_given_by_its_id_and_name_alone_keeps_its_details() -> None:
    kept = with_part_ids(read_one(full_record()))
    brief = {"id": ORGANISATION_ID, "name": "Testvale Yoga Trust"}
    after = merged(kept, read_one(page_of(summary_record(organization=brief))))
    assert (after.organisation_description, after.organisation_url, after.organisation_email) == (
        "A charity teaching yoga to older people.",
        "https://trust.example.org",
        "office@trust.example.org",
    )


def test_a_field_present_and_empty_clears_it_and_one_absent_leaves_it() -> None:
    kept = with_part_ids(read_one(full_record()))
    record = full_record(description="", url=None, service_at_locations=[])
    del record["email"]
    after = merged(kept, read_one(record))
    assert (after.description, after.url, after.email) == (None, None, "hello@yoga.example.org")
    assert after.locations == () and [schedule.oruk_id for schedule in after.schedules] == [
        "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e0b"
    ]


def test_the_ids_of_every_part_and_the_organisations_details_are_kept_and_exported_again() -> None:
    (exported,) = services_json([read_one(full_record())], as_page=False)
    assert service_errors(exported) == []
    organisation = exported["organization"]
    assert (organisation["id"], exported["organization_id"]) == (ORGANISATION_ID, ORGANISATION_ID)
    assert organisation["description"] == "A charity teaching yoga to older people."
    assert (organisation["website"], organisation["email"]) == (
        "https://trust.example.org",
        "office@trust.example.org",
    )
    (link,) = exported["service_at_locations"]
    assert link["location"]["id"] == LOCATION_ID and link["schedules"][0]["id"] == SCHEDULE_ID
    assert exported["phones"][0]["id"] == PHONE_ID
    assert exported["attributes"][0]["taxonomy_term"]["id"] == TERM_ID
    (contact,) = exported["contacts"]
    assert (contact["id"], contact["name"], contact["phones"][0]["number"]) == (
        CONTACT_ID,
        "Sam Teacher",
        "07700 900123",
    )
    assert exported["service_areas"][0]["id"] == AREA_ID


def test_reading_an_export_back_changes_nothing() -> None:
    kept = with_part_ids(replace(read_one(full_record()), where="", carried=None))
    (exported,) = services_json([kept], as_page=False)
    again = merged(kept, read_one(exported))
    assert again == kept


@pytest.mark.parametrize(
    ("document", "what"),
    [
        (ORGANISATION, "holds an organisation, not services"),
        (LOCATION, "holds a location, not services"),
        (TAXONOMY, "holds a taxonomy, not services"),
        (TAXONOMY_TERM, "holds a taxonomy term, not services"),
        (page_of(TAXONOMY, TAXONOMY), "holds taxonomies, not services"),
        ([TAXONOMY_TERM, LOCATION], "holds taxonomy terms and locations, not services"),
    ],
)
def test_a_document_that_is_not_a_service_is_refused_saying_what_it_is(document: object, what: str) -> None:
    with pytest.raises(FeedError) as refused:
        parse_json(json.dumps(document).encode(), "saved.json")
    assert str(refused.value).startswith(f"saved.json {what}. A directory import reads services: ")
    assert "a page of /services" in str(refused.value)


def test_a_document_that_is_not_a_service_among_services_is_skipped() -> None:
    feed = parse_json(json.dumps([full_record(), ORGANISATION]).encode(), "mixed.json")
    assert [service.name for service in feed.services] == ["Chair Yoga"]
    (skipped,) = feed.problems_of(Severity.SKIPPED)
    assert skipped.text() == (
        "Service “Testvale Yoga Trust” (id 5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e02) at mixed.json, $[1]: "
        "This is an organisation, not a service: skipped."
    )


def test_taxonomy_terms_arrays_and_attributes_linking_to_them_are_read() -> None:
    listed = {"id": "t-1", "code": "HEALTH-3", "name": "Mental health", "taxonomy": "esd-needs"}
    linked = {"id": "t-2", "name": "Carers", "taxonomy": "esd-needs"}
    record = full_record(
        taxonomy_terms=[listed, linked], attributes=[{"id": "a-1", "taxonomy_term_id": "t-2"}]
    )
    service = read_one(record)
    assert service.terms == (
        Term("esd-needs", "t-2", "Carers"),
        Term("esd-needs", "HEALTH-3", "Mental health"),
    )
    assert service.problems == ()
    old = full_record(
        service_taxonomys=[{"id": "st-1", "taxonomy": {"id": "9", "name": "Debt", "vocabulary": "esd"}}]
    )
    assert Term("esd", "9", "Debt") in read_one(old).terms


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        (
            "email",
            "not-an-email",
            "The email address “not-an-email” is left out: This is not an email address",
        ),
        (
            "url",
            "javascript:alert(1)",
            "The web address “javascript:alert(1)” is left out: Only a web page's",
        ),
        ("url", "javascript:alert(document.cookie)", "The web address “javascript:alert(document.cookie)”"),
        ("url", "mailto:hello@example.org", "The web address “mailto:hello@example.org” is left out"),
    ],
)
def test_a_bad_email_or_web_address_is_left_out_and_flagged_and_the_export_stays_valid(
    field: str, value: str, reason: str
) -> None:
    service = read_one(full_record(**{field: value}))
    assert getattr(service, field) is None
    assert any(flag.startswith(reason) for flag in service.problems), service.problems
    assert service.carried is not None and field not in service.carried, "an update keeps what it had"
    assert service_errors(hsds_service(service)) == []


def test_a_bad_phone_number_is_left_out_and_flagged() -> None:
    service = read_one(full_record(phones=[{"id": PHONE_ID, "number": "ring the office"}]))
    assert service.phone is None and service.phone_id is None
    assert service.problems == (
        "The phone number “ring the office” is left out: A phone number has only digits, spaces and a + at "
        "the start.",
    )


def test_bad_organisation_and_contact_details_are_left_out_too() -> None:
    organisation = {**ORGANISATION, "email": "office at trust", "website": "javascript:void(0)"}
    contact = {"id": CONTACT_ID, "name": "Sam", "email": "sam@", "phones": [{"id": "p", "number": "n/a"}]}
    service = read_one(full_record(organization=organisation, contacts=[contact]))
    assert (service.organisation_email, service.organisation_url) == (None, None)
    assert (service.contacts[0].email, service.contacts[0].phone) == (None, None)
    assert len(service.problems) == 4
    assert service_errors(hsds_service(service)) == []
