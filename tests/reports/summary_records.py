"""Records for the summary's end-to-end tests: the independent expectation as the cells a reader
should see, and synthetic people with identifiers to look for in the published figures.

The episodes themselves come from tests/services/test_summary.py (``generate``, ``write`` and the
``expected_*`` functions), so the expectation stays the plain-Python count made there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import strategies as st
from sqlalchemy import delete, select

from linkworker.domain import nhs_number
from linkworker.domain.summary import Figure, Kind, count
from linkworker.reports.page import long_date
from linkworker.store.database import Database
from linkworker.store.models import (
    CaseNote,
    Connection,
    Contact,
    Measure,
    Patient,
    Referral,
    ReferralNeed,
    Service,
    ServiceNeed,
    StatusChange,
)
from tests.services.test_summary import Case, expected_connections, expected_counts, expected_key

KEY_FIGURES = "Key figures"
TOTAL = "Total"
CONNECTIONS = "Connections made by service category"
PRACTICE_NAMES = {"G99001": "Riverside Surgery", "G99002": "Hilltop Practice"}
# Titles whose rows are parts of a whole, so the table ends with a total row.
WITHOUT_TOTAL = {"New referrals by need"}


@dataclass(frozen=True)
class Row:
    """One row a reader should see: its section, its label and its figures left to right."""

    section: str
    label: str
    figures: tuple[Figure, ...]


def expected_rows(cases: list[Case]) -> list[Row]:
    """The key figures, the count tables and the connections table, from the generated records."""
    found = [
        Row(
            KEY_FIGURES,
            label,
            (
                Figure(label, Kind.MEDIAN, exact, base)
                if label.startswith("Median")
                else count(label, int(exact or 0)),
            ),
        )
        for label, (exact, base) in expected_key(cases).items()
    ]
    for title, counts in expected_counts(cases, PRACTICE_NAMES).items():
        found += [Row(title, label, (count("Number", n),)) for label, n in counts.items()]
        if title not in WITHOUT_TOTAL:
            found.append(Row(title, TOTAL, (count("Number", sum(counts.values())),)))
    for label, (made, attended, base) in expected_connections(cases).items():
        outcome = Figure("Attended", Kind.SHARE, attended, base)
        found.append(Row(CONNECTIONS, label, (count("Connections", made), outcome)))
    return found


def clear(database: Database) -> None:
    """Remove every case and person, children first, so the next dataset starts from none."""
    with database.session() as session:
        for model in (
            Connection,
            ServiceNeed,
            Service,
            Measure,
            Contact,
            CaseNote,
            StatusChange,
            ReferralNeed,
            Referral,
            Patient,
        ):
            session.execute(delete(model))


# Letters without vowels: a name or note made of them cannot be a word of the document.
CONSONANTS = "bcdfghjklmnpqrstvwxz"
nonsense = st.text(alphabet=CONSONANTS, min_size=6, max_size=10)


@dataclass(frozen=True)
class Identity:
    given_name: str
    family_name: str
    born: date
    postcode: str
    note: str


identities = st.builds(
    Identity,
    given_name=nonsense.map(str.capitalize),
    family_name=nonsense.map(str.capitalize),
    born=st.dates(date(1920, 1, 1), date(2012, 12, 31)),
    # Two letters and two digits: unlike the document's codes (U99901) and figures.
    postcode=st.from_regex(r"[A-Z]{2}[0-9]{2} [0-9][A-Z]{2}", fullmatch=True),
    note=st.lists(nonsense, min_size=1, max_size=4).map(" ".join),
)


def identify(database: Database, people: list[Identity]) -> list[str]:
    """Give the written patients the drawn identities in turn, notes on their referrals and
    contacts and a case note each; return every identifier as stored, in each form the app
    writes it."""
    with database.session() as session:
        notes: dict[int, str] = {}
        for index, patient in enumerate(session.scalars(select(Patient).order_by(Patient.id))):
            person = people[index % len(people)]
            notes[patient.id] = person.note
            patient.given_name, patient.family_name = person.given_name, person.family_name
            patient.date_of_birth, patient.postcode = person.born, person.postcode
            for referral in patient.referrals:
                referral.notes = person.note
                session.add(CaseNote(referral_id=referral.id, written_at=datetime.now(UTC), text=person.note))
        for contact, patient_id in session.execute(
            select(Contact, Referral.patient_id).join(Referral, Referral.id == Contact.referral_id)
        ):
            contact.notes = notes[patient_id]
    found: list[str] = []
    with database.session() as session:
        for patient in session.scalars(select(Patient)):
            number = patient.nhs_number or ""
            born = patient.date_of_birth
            postcode = patient.postcode or ""
            found += [patient.given_name, patient.family_name, number, nhs_number.formatted(number)]
            found += [born.isoformat(), f"{born:%d/%m/%Y}", long_date(born)]
            found += [postcode, postcode.replace(" ", "")]
        written = [*session.scalars(select(Contact.notes)), *session.scalars(select(Referral.notes))]
        written += session.scalars(select(CaseNote.text))
        for note in filter(None, written):
            found += [note, *note.split()]
    return found
