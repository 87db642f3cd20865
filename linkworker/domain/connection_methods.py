"""How a referral or signposting was made (its method), and the note the link worker adds.

The methods are those of HL7 FHIR's ReferralMethod code system, the ways a service takes a
referral (http://terminology.hl7.org/CodeSystem/service-referral-method: ``phone``, ``semail``
secure email, ``elec`` secure messaging, ``mail``; ``fax`` left out, as community services do not
take faxes), named as link workers say them, with the ways social prescribing adds: introducing
the person in person or going with them, a text message, and a leaflet or printed details
handed over (the NHS Data Dictionary's CONSULTATION MEDIUM USED has face to face, telephone,
email and SMS for the same channels). "Other" asks for a note saying how. An older connection,
made before methods were recorded, has none.
"""

from __future__ import annotations

from enum import StrEnum

from linkworker.domain.case_entries import parse_text
from linkworker.domain.errors import ValidationError


class ConnectionMethod(StrEnum):
    EMAIL = "email"  # FHIR semail
    PHONE = "phone"  # FHIR phone
    ONLINE_FORM = "online_form"  # FHIR elec: the service's own referral form or system
    LETTER = "letter"  # FHIR mail
    IN_PERSON = "in_person"  # introduced face to face, or went with them
    TEXT_MESSAGE = "text_message"
    LEAFLET = "leaflet"  # a leaflet or the details written down, handed to the person
    OTHER = "other"  # the note says how

    @property
    def label(self) -> str:
        """As a list offers it."""
        return _LABELS[self]

    @property
    def short(self) -> str:
        """As a list of connections says it beside who made one: "Referred by Wren Worker (email)"."""
        return _SHORT[self]


_LABELS = {
    ConnectionMethod.EMAIL: "Email",
    ConnectionMethod.PHONE: "Phone",
    ConnectionMethod.ONLINE_FORM: "Online form",
    ConnectionMethod.LETTER: "Letter",
    ConnectionMethod.IN_PERSON: "In person (introduced them, or went with them)",
    ConnectionMethod.TEXT_MESSAGE: "Text message",
    ConnectionMethod.LEAFLET: "Leaflet or printed details",
    ConnectionMethod.OTHER: "Another way (say how in the note)",
}
_SHORT = {
    ConnectionMethod.EMAIL: "email",
    ConnectionMethod.PHONE: "phone",
    ConnectionMethod.ONLINE_FORM: "online form",
    ConnectionMethod.LETTER: "letter",
    ConnectionMethod.IN_PERSON: "in person",
    ConnectionMethod.TEXT_MESSAGE: "text message",
    ConnectionMethod.LEAFLET: "leaflet",
    ConnectionMethod.OTHER: "another way",
}


def parse_method(method: ConnectionMethod | str | None, *, required: bool = True) -> ConnectionMethod | None:
    """How the referral or signposting was made; None only where it may go unsaid (a connection
    recorded by a caller that does not know it, as older ones were)."""
    if method is None and not required:
        return None
    if method in {value.value for value in ConnectionMethod}:
        return ConnectionMethod(method)
    raise ValidationError("method", "Choose how you referred or signposted them.")


def parse_note(method: ConnectionMethod | None, note: str | None) -> str | None:
    """The link worker's note on the connection, trimmed; one is needed to say how when the
    method is "another way"."""
    written = parse_text(note, "note", "note")
    if written is None and method is ConnectionMethod.OTHER:
        raise ValidationError("note", "Say in the note how you referred or signposted them.")
    return written
