"""Synthetic registered people: one patient row at a time, as plain dicts for bulk insert.

Adults only (link workers see adults), aged 18-95 and skewed older; sex and NHS ethnic
category roughly in Kent and Medway's proportions (2021 census, plus the "not stated" and
"not known" a GP record holds); a few speak another language or have access needs. NHS
numbers come from the caller: the 999 test range only.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from linkworker.demo import names
from linkworker.demo.geography import PostcodeMaker, PostcodePoint, Town
from linkworker.demo.names import NamePools
from linkworker.demo.timeline import moment
from linkworker.domain.people import ContactMethod, EthnicCategory, Sex
from linkworker.domain.person import search_key

MIN_AGE, MAX_AGE = 18, 95
# About fifteen people share a postcode, as on a real street.
_PEOPLE_PER_POSTCODE = 15

_SEXES = (Sex.FEMALE, Sex.MALE, Sex.INDETERMINATE, Sex.NOT_KNOWN)
_SEX_WEIGHTS = (51.0, 48.5, 0.1, 0.4)
_ETHNIC_WEIGHTS = {
    EthnicCategory.A: 82.5,
    EthnicCategory.B: 0.6,
    EthnicCategory.C: 5.0,
    EthnicCategory.D: 0.6,
    EthnicCategory.E: 0.4,
    EthnicCategory.F: 0.7,
    EthnicCategory.G: 0.5,
    EthnicCategory.H: 1.6,
    EthnicCategory.J: 0.3,
    EthnicCategory.K: 0.3,
    EthnicCategory.L: 1.8,  # includes Kent's Nepali community
    EthnicCategory.M: 0.3,
    EthnicCategory.N: 1.6,
    EthnicCategory.P: 0.3,
    EthnicCategory.R: 0.4,
    EthnicCategory.S: 1.0,
    EthnicCategory.Z: 1.2,
    EthnicCategory.NOT_KNOWN: 0.8,
}
_ETHNIC_CODES = tuple(_ETHNIC_WEIGHTS)
_ETHNIC_CUMULATIVE = tuple(itertools.accumulate(_ETHNIC_WEIGHTS.values()))
OTHER_LANGUAGES = (
    "Polish", "Nepali", "Romanian", "Lithuanian", "Punjabi", "Bulgarian", "Turkish",
    "Kurdish", "Urdu", "Bengali", "Arabic", "Portuguese",
)  # fmt: skip
_CONTACT_TIMES = ("Mornings", "Afternoons", "After 5pm", "Weekdays only", "Any time")
_ACCESS_NEEDS = (
    "Hearing loss: prefers face to face or text messages",
    "Uses a wheelchair",
    "Large print letters, please",
    "Partially sighted: please read letters out",
    "Learning disability: easy read information",
    "Uses a walking frame; ground floor rooms only",
)


@dataclass
class PeopleMaker:
    """Makes patients, about fifteen to a postcode, each postcode made once per town."""

    rng: random.Random
    pools: NamePools
    postcodes: PostcodeMaker
    today: date
    _pool: dict[str, list[PostcodePoint]] = field(default_factory=dict)

    def person(self, patient_id: int, nhs_number: str, practice_id: int, home: Town) -> dict[str, object]:
        rng = self.rng
        sex = rng.choices(_SEXES, _SEX_WEIGHTS)[0]
        given = self.pools.given_name(rng, sex)
        family = self.pools.family_name(rng)
        line_1, line_2 = names.street_address(self.pools, rng)
        point = self._postcode(home)
        mobile = names.mobile(rng) if rng.random() < 0.85 else None
        landline = names.landline(rng) if rng.random() < 0.45 else None
        email = names.email(rng, given, family) if rng.random() < 0.4 else None
        language = "English" if rng.random() < 0.93 else rng.choice(OTHER_LANGUAGES)
        registered = moment(rng, self.today - timedelta(days=rng.randint(760, 4000)))
        return {
            "id": patient_id,
            "nhs_number": nhs_number,
            "given_name": given,
            "family_name": family,
            "family_key": search_key(family),
            "other_names": self.pools.given_name(rng, sex) if rng.random() < 0.25 else None,
            "preferred_name": self.pools.given_name(rng, sex) if rng.random() < 0.04 else None,
            "date_of_birth": birth_date(rng, self.today),
            "sex": sex.value,
            "ethnic_category": rng.choices(_ETHNIC_CODES, cum_weights=_ETHNIC_CUMULATIVE)[0].value,
            "address_line_1": line_1,
            "address_line_2": line_2,
            "town": home.name,
            "postcode": point.postcode,
            "phone": landline,
            "mobile": mobile,
            "email": email,
            "preferred_contact_method": _contact_method(rng, mobile, landline, email).value,
            "preferred_contact_times": rng.choice(_CONTACT_TIMES) if rng.random() < 0.5 else None,
            "language": language,
            "interpreter_needed": language != "English" and rng.random() < 0.4,
            "accessibility_needs": rng.choice(_ACCESS_NEEDS) if rng.random() < 0.08 else None,
            "registered_practice_id": practice_id,
            "created_at": registered,
            "updated_at": registered,
            "version_id": 1,
        }

    def _postcode(self, home: Town) -> PostcodePoint:
        pool = self._pool.setdefault(home.name, [])
        if not pool or self.rng.random() < 1 / _PEOPLE_PER_POSTCODE:
            pool.append(self.postcodes.make(home))
            return pool[-1]
        return self.rng.choice(pool)


def birth_date(rng: random.Random, today: date) -> date:
    """A date of birth giving an age of 18-95 today, more often older (mean about 60)."""
    age = MIN_AGE + min(MAX_AGE - MIN_AGE, int((MAX_AGE - MIN_AGE + 1) * rng.betavariate(2.0, 1.6)))
    latest = _years_before(today, age)  # turned ``age`` today
    earliest = _years_before(today, age + 1) + timedelta(days=1)  # turns ``age + 1`` tomorrow
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _contact_method(
    rng: random.Random, mobile: str | None, landline: str | None, email: str | None
) -> ContactMethod:
    choices = [ContactMethod.LETTER, ContactMethod.IN_PERSON]
    if mobile or landline:
        choices += [ContactMethod.PHONE] * 5
    if mobile:
        choices += [ContactMethod.TEXT] * 3
    if email:
        choices.append(ContactMethod.EMAIL)
    return rng.choice(choices)
