"""Open Referral UK records as feeds publish them: a service's full record (``/services/{id}``),
its summary (an item of a ``/services`` page), and documents that are not services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SERVICE_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e01"
ORGANISATION_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e02"
LOCATION_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e03"
SCHEDULE_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e04"
PHONE_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e05"
CONTACT_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e06"
CONTACT_PHONE_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e07"
AREA_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e08"
TERM_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e09"
LINK_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e0a"
ALONE_SCHEDULE_ID = "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e0b"


def full_record(**changes: Any) -> dict[str, Any]:
    """A paid weekly class with its venue, times, phone, contact, area and a term: valid HSDS 3.0."""
    record: dict[str, Any] = {
        "id": SERVICE_ID,
        "organization_id": ORGANISATION_ID,
        "name": "Chair Yoga",
        "description": "Gentle yoga sitting down.",
        "url": "https://yoga.example.org",
        "email": "hello@yoga.example.org",
        "status": "active",
        "wait_time": "None",
        "minimum_age": 50,
        "organization": {
            "id": ORGANISATION_ID,
            "name": "Testvale Yoga Trust",
            "description": "A charity teaching yoga to older people.",
            "website": "https://trust.example.org",
            "email": "office@trust.example.org",
        },
        "phones": [{"id": PHONE_ID, "service_id": SERVICE_ID, "number": "01632 960555"}],
        "cost_options": [
            {
                "id": "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e10",
                "option": "Paid",
                "amount_description": "£6 a class",
            }
        ],
        "service_at_locations": [
            {
                "id": LINK_ID,
                "service_id": SERVICE_ID,
                "location_id": LOCATION_ID,
                "location": {
                    "id": LOCATION_ID,
                    "location_type": "physical",
                    "name": "Village Hall",
                    "latitude": 51.27,
                    "longitude": 0.52,
                    "addresses": [
                        {
                            "id": "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e11",
                            "address_1": "2 Church Street",
                            "city": "Maidstone",
                            "state_province": "England",
                            "postal_code": "ME14 1XX",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
                "schedules": [
                    {
                        "id": SCHEDULE_ID,
                        "service_at_location_id": LINK_ID,
                        "freq": "WEEKLY",
                        "byday": "WE",
                        "opens_at": "10:00:00",
                        "closes_at": "11:00:00",
                    }
                ],
            }
        ],
        "schedules": [
            {
                "id": ALONE_SCHEDULE_ID,
                "service_id": SERVICE_ID,
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "09:00:00",
            }
        ],
        "contacts": [
            {
                "id": CONTACT_ID,
                "service_id": SERVICE_ID,
                "name": "Sam Teacher",
                "title": "Instructor",
                "email": "sam@yoga.example.org",
                "phones": [{"id": CONTACT_PHONE_ID, "contact_id": CONTACT_ID, "number": "07700 900123"}],
            }
        ],
        "service_areas": [
            {"id": AREA_ID, "service_id": SERVICE_ID, "name": "Maidstone", "description": "Maidstone borough"}
        ],
        "attributes": [
            {
                "id": "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e12",
                "link_id": SERVICE_ID,
                "taxonomy_term_id": TERM_ID,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term": {
                    "id": TERM_ID,
                    "code": "yoga",
                    "name": "Yoga",
                    "description": "Yoga",
                    "taxonomy": "esd-activities",
                },
            }
        ],
    }
    record.update(changes)
    return record


def summary_record(**changes: Any) -> dict[str, Any]:
    """The same service as an item of a /services page gives it: its own fields, no tables."""
    record = full_record()
    summary = {
        key: record[key]
        for key in ("id", "organization_id", "name", "description", "url", "email", "status", "organization")
    }
    summary.update(changes)
    return summary


def page_of(*items: dict[str, Any]) -> dict[str, Any]:
    return {"total_items": len(items), "total_pages": 1, "page_number": 1, "contents": list(items)}


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# Documents other ORUK endpoints return, saved by mistake in place of services.
ORGANISATION = {
    "id": ORGANISATION_ID,
    "name": "Testvale Yoga Trust",
    "description": "A charity teaching yoga to older people.",
    "website": "https://trust.example.org",
}
LOCATION = {"id": LOCATION_ID, "location_type": "physical", "name": "Village Hall", "latitude": 51.27}
TAXONOMY = {
    "id": "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e20",
    "name": "name",
    "description": "Activities",
    "uri": "https://taxonomy.example.org/activities",
    "version": "1",
}
TAXONOMY_TERM = {
    "id": TERM_ID,
    "name": "name",
    "description": "Yoga",
    "code": "yoga",
    "taxonomy_id": "5a0f3c1e-0c8e-4d0a-9d5e-2f3b4c5d6e20",
}
