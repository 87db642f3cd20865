"""Taking in a referral: a person's details and the referral's, as typed into the form or read
from a CSV row, checked field by field and turned into clean values.

``parse_person`` and ``parse_referral`` report every field's problem at once (``FormErrors``), so
the form can show each beside its field and the CSV import can list them per row. The same
rules serve both: a date, a yes/no, a choice from a list is read the same way everywhere.

Sex and ethnic category are read as people write them and as clinical systems export them, by the
NHS Data Model and Dictionary's codes:

- PERSON STATED GENDER CODE (https://www.datadictionary.nhs.uk/data_elements/person_stated_gender_code.html):
  national codes 1 Male, 2 Female, 9 Indeterminate (unable to be classified as either male or
  female); default code X Not Known (not recorded). Older exports carry its predecessor PERSON
  GENDER CODE (the e-GIF standard), whose 0 is Not Known: read as not known too.
- ETHNIC CATEGORY (https://www.datadictionary.nhs.uk/data_elements/ethnic_category.html): national
  codes A-H, J-N, P, R, S (the 2001 census categories) and Z Not stated (asked, chose not to say);
  default code 99 Not known (not asked). The codes are ``EthnicCategory``'s values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from functools import lru_cache, partial
from typing import TypeVar, cast

from linkworker.domain import nhs_number, postcode
from linkworker.domain.dates import parse_date
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.organisations import parse_ods_code
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.person import age_on, parse_name
from linkworker.domain.referrals import ReferralSource, Urgency
from linkworker.domain.text_checks import check_visible

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

OLDEST_AGE = 120
EARLIEST_REFERRAL = date(2000, 1, 1)
NOTES_MAX = 5000
PHONE_MAX = 40

SEX_LABELS: dict[Sex, str] = {
    Sex.FEMALE: "Female",
    Sex.MALE: "Male",
    Sex.INDETERMINATE: "Indeterminate",
    Sex.NOT_KNOWN: "Not known",
}
CONTACT_METHOD_LABELS: dict[ContactMethod, str] = {
    ContactMethod.PHONE: "Phone call",
    ContactMethod.TEXT: "Text message",
    ContactMethod.EMAIL: "Email",
    ContactMethod.LETTER: "Letter",
    ContactMethod.IN_PERSON: "In person",
}
SOURCE_LABELS: dict[ReferralSource, str] = {
    ReferralSource.GP: "GP",
    ReferralSource.PRACTICE_NURSE: "Practice nurse",
    ReferralSource.PHARMACIST: "Pharmacist",
    ReferralSource.OTHER_CLINICIAN: "Other clinician",
    ReferralSource.SELF: "Self-referral",
    ReferralSource.SOCIAL_CARE: "Social care",
    ReferralSource.VOLUNTARY_SECTOR: "Voluntary sector",
    ReferralSource.OTHER: "Other",
}
URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.ROUTINE: "Routine",
    Urgency.SOON: "Soon",
    Urgency.URGENT: "Urgent",
}
ETHNIC_LABELS: dict[EthnicCategory, str] = {category: category.label for category in EthnicCategory}

# PERSON STATED GENDER CODE, and 0 from PERSON GENDER CODE (see the module's note).
SEX_CODES: dict[str, Sex] = {
    "1": Sex.MALE,
    "2": Sex.FEMALE,
    "9": Sex.INDETERMINATE,
    "X": Sex.NOT_KNOWN,
    "0": Sex.NOT_KNOWN,
}
_SEX_REFUSED = (
    "Write the sex as Female, Male, Indeterminate or Not known, or as its NHS code: "
    "1 male, 2 female, 9 indeterminate, X or 0 not known."
)
_ETHNIC_REFUSED = (
    "Write the ethnic category as its NHS code (A to H, J to N, P, R or S; Z for not stated; "
    "99 for not known) or as its name, like White: British."
)

# What people and clinical systems write besides the labels above.
_SEX_ALIASES = {"f": Sex.FEMALE, "m": Sex.MALE, "unknown": Sex.NOT_KNOWN, "i": Sex.INDETERMINATE} | {
    code.casefold(): sex for code, sex in SEX_CODES.items()
}
_CONTACT_ALIASES = {
    "phone": ContactMethod.PHONE,
    "telephone": ContactMethod.PHONE,
    "call": ContactMethod.PHONE,
    "text": ContactMethod.TEXT,
    "sms": ContactMethod.TEXT,
    "e-mail": ContactMethod.EMAIL,
    "post": ContactMethod.LETTER,
    "face to face": ContactMethod.IN_PERSON,
}
_SOURCE_ALIASES = {
    "self": ReferralSource.SELF,
    "self referral": ReferralSource.SELF,
    "general practitioner": ReferralSource.GP,
    "nurse": ReferralSource.PRACTICE_NURSE,
    "pharmacy": ReferralSource.PHARMACIST,
    "clinician": ReferralSource.OTHER_CLINICIAN,
    "voluntary": ReferralSource.VOLUNTARY_SECTOR,
    "vcse": ReferralSource.VOLUNTARY_SECTOR,
}
_ETHNIC_ALIASES = {"not known": EthnicCategory.NOT_KNOWN, "unknown": EthnicCategory.NOT_KNOWN}
_YES = frozenset({"yes", "y", "true", "t", "1"})
_NO = frozenset({"no", "n", "false", "f", "0", ""})

_PHONE_SEPARATORS = re.compile(r"[\s().-]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def parse_date_of_birth(text: str, today: date, field: str = "date_of_birth") -> date:
    born = parse_date(text, field, "date of birth")
    if born > today:
        raise ValidationError(field, "The date of birth is in the future: please check it.")
    if age_on(born, today) > OLDEST_AGE:
        raise ValidationError(field, f"That is over {OLDEST_AGE} years ago: please check the year.")
    return born


def parse_received_on(text: str, today: date, field: str = "received_on") -> date:
    received = parse_date(text, field, "date the referral was received")
    if received > today:
        raise ValidationError(field, "The date received is in the future: use today's date or earlier.")
    if received < EARLIEST_REFERRAL:
        raise ValidationError(
            field, f"A referral from before {EARLIEST_REFERRAL.year} is unlikely: please check the year."
        )
    return received


def parse_yes_no(value: str | bool | None, field: str, what: str) -> bool:
    """Yes or no as a tick box gives it or a spreadsheet writes it; blank is no."""
    if isinstance(value, bool):
        return value
    answer = (value or "").strip().casefold()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise ValidationError(field, f"Answer yes or no for {what}.")


def parse_choice(
    labels: Mapping[E, str],
    text: str,
    field: str,
    what: str,
    *,
    default: E | None = None,
    aliases: Mapping[str, E] | None = None,
) -> E:
    """One of a list, given by its stored value or its label, in any case; blank gives ``default``."""
    typed = _folded(text)
    if not typed:
        if default is None:
            raise ValidationError(field, f"Choose the {what}.")
        return default
    for choice, label in labels.items():
        if typed in (_folded(choice.value), _folded(label)):
            return choice
    if aliases and typed in aliases:
        return aliases[typed]
    raise ValidationError(field, f"Choose the {what} from the list.")


def parse_sex(text: str, field: str = "sex") -> Sex:
    """Sex by its word (Female, F) or its NHS code (2); blank is not known."""
    try:
        return parse_choice(SEX_LABELS, text, field, "sex", default=Sex.NOT_KNOWN, aliases=_SEX_ALIASES)
    except ValidationError:
        raise ValidationError(field, _SEX_REFUSED) from None


def parse_ethnic_category(text: str, field: str = "ethnic_category") -> EthnicCategory:
    """The NHS ethnic category by its code (A, 99) or its name (White: British); blank is not known."""
    try:
        return parse_choice(
            ETHNIC_LABELS,
            text,
            field,
            "ethnic category",
            default=EthnicCategory.NOT_KNOWN,
            aliases=_ETHNIC_ALIASES,
        )
    except ValidationError:
        raise ValidationError(field, _ETHNIC_REFUSED) from None


def parse_optional_text(text: str, field: str, what: str, limit: int = 200) -> str | None:
    """Free text with its spaces tidied, or None when blank; refused when longer than ``limit``
    or holding a hidden character (``domain.text_checks``)."""
    tidy = " ".join(check_visible(text or "", field, what).split())
    if len(tidy) > limit:
        raise ValidationError(field, f"The {what} is too long ({limit} characters at most).")
    return tidy or None


def parse_notes(text: str, field: str = "notes", what: str = "notes") -> str | None:
    """Longer text keeps its line breaks; only the ends are trimmed. Hidden characters are refused."""
    kept = check_visible(text or "", field, what).strip()
    if len(kept) > NOTES_MAX:
        raise ValidationError(field, f"The {what} are too long ({NOTES_MAX} characters at most).")
    return kept or None


def parse_phone(text: str, field: str, what: str = "phone number") -> str | None:
    """A UK number (0 then 9 or 10 more digits) or an international one (+ then 8-15 digits)."""
    tidy = " ".join((text or "").split())
    if not tidy:
        return None
    if len(tidy) > PHONE_MAX:
        raise ValidationError(field, f"The {what} is too long ({PHONE_MAX} characters at most).")
    digits = _PHONE_SEPARATORS.sub("", tidy)
    international = digits.startswith("+")
    digits = digits.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(field, f"A {what} has only digits, spaces and a + at the start.")
    if international and not 8 <= len(digits) <= 15:
        raise ValidationError(field, f"An international {what} has 8 to 15 digits after the +.")
    if not international and not (digits.startswith("0") and len(digits) in (10, 11)):
        raise ValidationError(field, f"A UK {what} starts with 0 and has 10 or 11 digits, like 01632 960123.")
    return tidy


def parse_email(text: str, field: str = "email") -> str | None:
    tidy = check_visible(text or "", field, "email address").strip()
    if not tidy:
        return None
    if len(tidy) > 254 or not _EMAIL.match(tidy):
        raise ValidationError(field, "This is not an email address: it looks like name@example.org.")
    return tidy


def parse_optional_postcode(text: str, field: str = "postcode") -> str | None:
    return postcode.parse(text, field) if (text or "").strip() else None


def parse_optional_nhs_number(text: str, field: str = "nhs_number") -> str | None:
    """The NHS number if given; a self-referral may not know it yet."""
    return nhs_number.parse(text, field) if (text or "").strip() else None


def parse_optional_ods(text: str, field: str) -> str | None:
    return parse_ods_code(text, field) if (text or "").strip() else None


def case_number(referral_id: int) -> str:
    """The reference people quote for a referral: "LW-000123"."""
    return f"LW-{referral_id:06d}"


@dataclass(frozen=True)
class PersonEntry:
    """A person's details as typed or read from a CSV row: text, not yet checked."""

    nhs_number: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    sex: str = ""
    ethnic_category: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    preferred_contact_method: str = ""
    preferred_contact_times: str = ""
    language: str = ""
    interpreter_needed: str | bool = ""
    accessibility_needs: str = ""
    registered_practice_ods: str = ""


@dataclass(frozen=True)
class PersonDetails:
    """A person's details, checked and normalised: what the service stores."""

    nhs_number: str | None
    given_name: str
    family_name: str
    date_of_birth: date
    sex: Sex = Sex.NOT_KNOWN
    ethnic_category: EthnicCategory = EthnicCategory.NOT_KNOWN
    address_line_1: str | None = None
    address_line_2: str | None = None
    town: str | None = None
    postcode: str | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    preferred_contact_method: ContactMethod | None = None
    preferred_contact_times: str | None = None
    language: str | None = None
    interpreter_needed: bool = False
    accessibility_needs: str | None = None
    registered_practice_ods: str | None = None

    def __post_init__(self) -> None:
        _refuse_hidden(self)


# What the fields of checked details are called in messages.
_FIELD_WORDS = {
    "nhs_number": "NHS number",
    "given_name": "given name",
    "family_name": "family name",
    "address_line_1": "first address line",
    "address_line_2": "second address line",
    "phone": "phone number",
    "mobile": "mobile number",
    "email": "email address",
    "preferred_contact_times": "contact times",
    "registered_practice_ods": "registered practice",
    "referring_practice_ods": "referring practice",
    "referrer_name": "referrer",
}


def _refuse_hidden(details: PersonDetails | ReferralDetails) -> None:
    """Checked details cannot hold a hidden character, however they were made: the services take
    only these, so a caller that skipped ``parse_person`` or ``parse_referral`` (a script, a later
    screen) is refused before anything reaches the database. Details the parse functions made
    have passed the same rule field by field already."""
    for item in fields(details):
        value = getattr(details, item.name)
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                check_visible(text, item.name, _FIELD_WORDS.get(item.name, item.name.replace("_", " ")))


class _Checks:
    """Runs each field's rule and keeps every refusal, so all are reported together."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, rule: Callable[[], T]) -> T:
        # A refused field's value is never used: ``finish`` raises before the details are built.
        try:
            return rule()
        except ValidationError as error:
            self.errors.append(error)
            return cast(T, None)

    def refuse(self, field: str, message: str) -> None:
        if not any(error.field == field for error in self.errors):
            self.errors.append(ValidationError(field, message))

    def finish(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def parse_person(
    entry: PersonEntry, today: date, practices: Mapping[str, int] | None = None
) -> PersonDetails:
    """Check every field of a person; ``FormErrors`` lists each refused field by its entry name.

    ``practices`` maps the ODS code of each of this PCN's practices to its id: given, the
    registered practice must be one of them (``registered_practice``), as the service requires
    when it records the person.
    """
    checks = _Checks()
    details = PersonDetails(
        nhs_number=checks.run(lambda: parse_optional_nhs_number(entry.nhs_number)),
        given_name=checks.run(lambda: parse_name(entry.given_name, "given_name", "given name")),
        family_name=checks.run(lambda: parse_name(entry.family_name, "family_name", "family name")),
        date_of_birth=checks.run(lambda: parse_date_of_birth(entry.date_of_birth, today)),
        sex=checks.run(lambda: parse_sex(entry.sex)),
        ethnic_category=checks.run(lambda: parse_ethnic_category(entry.ethnic_category)),
        address_line_1=checks.run(
            lambda: parse_optional_text(entry.address_line_1, "address_line_1", "first address line")
        ),
        address_line_2=checks.run(
            lambda: parse_optional_text(entry.address_line_2, "address_line_2", "second address line")
        ),
        town=checks.run(lambda: parse_optional_text(entry.town, "town", "town", 100)),
        postcode=checks.run(lambda: parse_optional_postcode(entry.postcode)),
        phone=checks.run(lambda: parse_phone(entry.phone, "phone")),
        mobile=checks.run(lambda: parse_phone(entry.mobile, "mobile", "mobile number")),
        email=checks.run(lambda: parse_email(entry.email)),
        preferred_contact_method=checks.run(
            lambda: (
                parse_choice(
                    CONTACT_METHOD_LABELS,
                    entry.preferred_contact_method,
                    "preferred_contact_method",
                    "preferred way to contact them",
                    aliases=_CONTACT_ALIASES,
                )
                if entry.preferred_contact_method.strip()
                else None
            )
        ),
        preferred_contact_times=checks.run(
            lambda: parse_optional_text(
                entry.preferred_contact_times, "preferred_contact_times", "contact times"
            )
        ),
        language=checks.run(lambda: parse_optional_text(entry.language, "language", "language", 60)),
        interpreter_needed=checks.run(
            lambda: parse_yes_no(
                entry.interpreter_needed, "interpreter_needed", "whether an interpreter is needed"
            )
        ),
        accessibility_needs=checks.run(
            lambda: parse_notes(entry.accessibility_needs, "accessibility_needs", "accessibility needs")
        ),
        registered_practice_ods=checks.run(
            lambda: parse_optional_ods(entry.registered_practice_ods, "registered_practice_ods")
        ),
    )
    if practices is not None:
        checks.run(partial(registered_practice, details.registered_practice_ods, practices))
    _check_contact_route(entry, details, checks)
    checks.finish()
    return details


def registered_practice(
    ods: str | None, practices: Mapping[str, int], field: str = "registered_practice_ods"
) -> int | None:
    """The id of the practice a person is registered at, which must be one of this PCN's
    (``practices``: ODS code to id); None when not known."""
    if ods is None:
        return None
    return practices[_practice_of_pcn(ods, practices, field)]


def _practice_of_pcn(ods: str, practices: Mapping[str, int], field: str) -> str:
    if ods not in practices:
        raise ValidationError(field, f"{ods} is not a practice of this PCN.")
    return ods


def _check_contact_route(entry: PersonEntry, details: PersonDetails, checks: _Checks) -> None:
    """The chosen way to reach someone must have what it needs; checked only on fields that passed."""
    method = details.preferred_contact_method
    if method is ContactMethod.PHONE and not (entry.phone.strip() or entry.mobile.strip()):
        checks.refuse(
            "phone", "Enter a phone or mobile number, since phone is how they prefer to be contacted."
        )
    if method is ContactMethod.TEXT and not entry.mobile.strip():
        checks.refuse("mobile", "Enter a mobile number, since a text is how they prefer to be contacted.")
    if method is ContactMethod.EMAIL and not entry.email.strip():
        checks.refuse("email", "Enter an email address, since email is how they prefer to be contacted.")
    if method is ContactMethod.LETTER:
        if not entry.address_line_1.strip():
            checks.refuse(
                "address_line_1", "Enter the address, since a letter is how they prefer to be contacted."
            )
        if not entry.postcode.strip():
            checks.refuse(
                "postcode", "Enter the postcode, since a letter is how they prefer to be contacted."
            )
    if details.interpreter_needed and not entry.language.strip():
        checks.refuse("language", "Say which language the interpreter is for.")


@dataclass(frozen=True)
class ReferralEntry:
    """A referral as typed or read from a CSV row: text (or tick boxes), not yet checked."""

    referring_practice_ods: str = ""
    source: str = ""
    referrer_name: str = ""
    received_on: str = ""
    needs: tuple[str, ...] = ()
    consent_share_gp: str | bool = ""
    consent_share_services: str | bool = ""
    urgency: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ReferralDetails:
    """A referral, checked: the practice resolved to its id, needs to their codes."""

    referring_practice_id: int
    referring_practice_ods: str
    source: ReferralSource
    referrer_name: str | None
    received_on: date
    needs: tuple[str, ...]
    consent_share_gp: bool = False
    consent_share_services: bool = False
    urgency: Urgency = Urgency.ROUTINE
    notes: str | None = None

    def __post_init__(self) -> None:
        _refuse_hidden(self)


def parse_referral(
    entry: ReferralEntry, today: date, needs: Mapping[str, str], practices: Mapping[str, int]
) -> ReferralDetails:
    """Check every field of a referral.

    ``needs`` maps each need code this PCN may use to its label (either may be given); pass a
    ``NeedList`` when checking many referrals, so its look-up is built once. ``practices`` maps
    the ODS code of each of this PCN's current practices to its id.
    """
    need_list = needs if isinstance(needs, NeedList) else NeedList(needs)
    checks = _Checks()
    ods = checks.run(lambda: _referring_practice(entry.referring_practice_ods, practices))
    details = ReferralDetails(
        referring_practice_id=practices[ods] if ods else 0,
        referring_practice_ods=ods,
        source=checks.run(
            lambda: parse_choice(
                SOURCE_LABELS, entry.source, "source", "source of the referral", aliases=_SOURCE_ALIASES
            )
        ),
        referrer_name=checks.run(
            lambda: parse_optional_text(entry.referrer_name, "referrer_name", "referrer")
        ),
        received_on=checks.run(lambda: parse_received_on(entry.received_on, today)),
        needs=checks.run(lambda: parse_needs(entry.needs, need_list)),
        consent_share_gp=checks.run(
            lambda: parse_yes_no(entry.consent_share_gp, "consent_share_gp", "consent to share with the GP")
        ),
        consent_share_services=checks.run(
            lambda: parse_yes_no(
                entry.consent_share_services, "consent_share_services", "consent to share with services"
            )
        ),
        urgency=checks.run(
            lambda: parse_choice(URGENCY_LABELS, entry.urgency, "urgency", "urgency", default=Urgency.ROUTINE)
        ),
        notes=checks.run(lambda: parse_notes(entry.notes)),
    )
    checks.finish()
    return details


def _referring_practice(
    text: str, practices: Mapping[str, int], field: str = "referring_practice_ods"
) -> str:
    if not (text or "").strip():
        raise ValidationError(field, "Choose the referring practice.")
    return _practice_of_pcn(parse_ods_code(text, field), practices, field)


def check_referral_for(date_of_birth: date, referral: ReferralDetails, field: str = "received_on") -> None:
    """A referral about a person, checked against them: it cannot be received before they were born."""
    if referral.received_on < date_of_birth:
        raise ValidationError(field, "The referral cannot be received before the person was born.")


class NeedList(Mapping[str, str]):
    """The needs a PCN may record (code to label), with the look-up of what people write for
    them (a code or a label, in any case) built once, however many referrals are checked."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self._labels = dict(labels)
        self._codes = {_folded(code): code for code in self._labels} | {
            _folded(label): code for code, label in self._labels.items()
        }

    def __getitem__(self, code: str) -> str:
        return self._labels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def code_for(self, typed: str) -> str | None:
        """The code of the need ``typed`` names, by its code or its label; None if none."""
        return self._codes.get(_folded(typed))


def parse_needs(typed: tuple[str, ...], needs: NeedList, field: str = "needs") -> tuple[str, ...]:
    """Need codes, in the order given and each once, from codes or labels in any case."""
    codes: list[str] = []
    for text in typed:
        if not _folded(text):
            continue
        code = needs.code_for(text)
        if code is None:
            raise ValidationError(field, f"“{' '.join(text.split())}” is not in the PCN's list of needs.")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValidationError(field, "Choose at least one need the referral is about.")
    return tuple(codes)


LOCAL_NEED_PREFIX = "local_"
# Link workers record needs from the list; the PCN's manager or an administrator changes the list.
_NEED_LABEL_MAX = 100


def parse_need_label(text: str, field: str = "label") -> str:
    """The label of a need a PCN adds: a few words, with a letter, like "Gardening"."""
    label = " ".join(unicodedata.normalize("NFC", check_visible(text or "", field, "name")).split())
    if not label:
        raise ValidationError(field, "Enter the name of the need.")
    if len(label) > _NEED_LABEL_MAX:
        raise ValidationError(field, f"The name is too long ({_NEED_LABEL_MAX} characters at most).")
    if not any(ch.isalpha() for ch in label):
        raise ValidationError(field, "The name needs at least one letter.")
    return label


def local_need_code(label: str) -> str:
    """A stable code for a PCN's own need, from its label: "Pet care" -> "local_pet_care"."""
    ascii_words = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()
    slug = "_".join(re.findall(r"[a-z0-9]+", ascii_words))
    if not slug:
        # A label in another script: a short digest of its folded words keeps it stable and distinct.
        slug = "need_" + hashlib.sha256(_folded(label).encode()).hexdigest()[:12]
    return (LOCAL_NEED_PREFIX + slug)[:40].rstrip("_")


def same_label(first: str, second: str) -> bool:
    return _folded(first) == _folded(second)


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """Text compared loosely: case, spaces and punctuation ignored ("White - British" is
    "White: British", "self_referral" is "Self-referral"). Cached: a file repeats the same few
    choices ("Female", "GP", "Yes") on every row."""
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text or "")).casefold().split())
