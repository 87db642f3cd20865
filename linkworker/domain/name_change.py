"""The same person under another name: when a name given for a recorded person is a change of
name, and what the question about it says.

A change of name or address does not change a person's NHS number (NHS Connecting for Health,
"NHS number: frequently asked questions for patients", v4.15, 2014, question 1.6). So a referral
that gives a recorded person's NHS number and date of birth with another name is usually that person
under a new name (marriage, deed poll), and sometimes a slip in the name or the number: a link
worker decides which, and the earlier name is kept, as FHIR keeps a name "no longer in use" with
the use "old" (HL7 FHIR R4, ValueSet name-use, https://hl7.org/fhir/R4/valueset-name-use.html).

A name written another way is not another name: names are compared folded
(``domain.person.search_key``), so case, accents, spaces and punctuation do not count ("ORLA
FENWICK-HALE" is Orla Fenwick-Hale), nor do given and family names typed into each other's boxes
(a common slip, ``domain.duplicates``). A part left blank keeps the recorded one, so a search by
family name alone can give a new family name; a part that folds the same keeps its recorded
spelling, so only the part that changed is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkworker.domain.person import search_key


@dataclass(frozen=True)
class PersonName:
    given_name: str
    family_name: str

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


def new_name(recorded: PersonName, given_name: str, family_name: str) -> PersonName | None:
    """The name to record in place of ``recorded`` when the name given is another one; None when
    it is the recorded name, however written."""
    given = " ".join(given_name.split()) or recorded.given_name
    family = " ".join(family_name.split()) or recorded.family_name
    folded = (search_key(given), search_key(family))
    if folded in (_folded(recorded), _folded(recorded)[::-1]):
        return None
    return PersonName(
        recorded.given_name if folded[0] == search_key(recorded.given_name) else given,
        recorded.family_name if folded[1] == search_key(recorded.family_name) else family,
    )


def changed_fields(old: PersonName, new: PersonName) -> tuple[str, ...]:
    """Which of the person's fields a change of name rewrites: what its audit event names."""
    return tuple(
        field
        for field, before, after in (
            ("given_name", old.given_name, new.given_name),
            ("family_name", old.family_name, new.family_name),
        )
        if before != after
    )


def change_of_name_question(recorded: PersonName) -> str:
    """Why a recorded person is shown for a name that is not theirs, as a question to answer."""
    return f"same NHS number and date of birth, recorded as {recorded}: a change of name?"


def _folded(name: PersonName) -> tuple[str, str]:
    return (search_key(name.given_name), search_key(name.family_name))
