"""Synthetic names, streets and contact details for demo people.

Names come from Faker's en_GB lists, drawn with the build's own seeded ``random.Random``
(so a seed always gives the same people, and hundreds of thousands are quick to make).
Phone numbers are from Ofcom's ranges reserved for drama (01632 960xxx, 07700 900xxx) and
e-mail addresses use the reserved example domains, so none can reach a real person.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from faker.providers.person.en_GB import Provider as _Person

from linkworker.domain.people import Sex

_STREET_ENDINGS = (
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Gardens", "Way", "Crescent", "Grove",
    "Place", "Hill", "Rise", "Walk", "Court", "Terrace", "Mews", "View",
)  # fmt: skip
_COMMON_STREETS = (
    "High Street", "Station Road", "Church Lane", "Church Street", "London Road", "Park Road",
    "Victoria Road", "Mill Lane", "School Lane", "Queens Road", "Kings Road", "The Street",
    "Maidstone Road", "Canterbury Road", "Dover Road", "Orchard Close", "Hop Garden Way",
)  # fmt: skip
_FLAT_WORDS = ("Flat", "Apartment")
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class NamePools:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    family_cumulative_weights: tuple[float, ...]  # Faker's frequencies, summed once for speed

    @classmethod
    def from_faker(cls) -> NamePools:
        family = _Person.last_names
        return cls(
            female=tuple(_Person.first_names_female),
            male=tuple(_Person.first_names_male),
            family=tuple(family),
            family_cumulative_weights=tuple(
                itertools.accumulate(float(weight) for weight in family.values())
            ),
        )

    def given_name(self, rng: random.Random, sex: Sex) -> str:
        if sex is Sex.FEMALE:
            return rng.choice(self.female)
        if sex is Sex.MALE:
            return rng.choice(self.male)
        return rng.choice(self.female if rng.random() < 0.5 else self.male)

    def family_name(self, rng: random.Random) -> str:
        return rng.choices(self.family, cum_weights=self.family_cumulative_weights)[0]

    def full_name(self, rng: random.Random) -> str:
        sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
        return f"{self.given_name(rng, sex)} {self.family_name(rng)}"

    def street(self, rng: random.Random) -> str:
        if rng.random() < 0.25:
            return rng.choice(_COMMON_STREETS)
        stem = rng.choice(self.family) if rng.random() < 0.7 else rng.choice(self.female + self.male)
        return f"{stem} {rng.choice(_STREET_ENDINGS)}"


def street_address(pools: NamePools, rng: random.Random) -> tuple[str, str | None]:
    """Address lines 1 and 2: a house, or now and then a flat in a numbered building."""
    street = pools.street(rng)
    if rng.random() < 0.18:
        return f"{rng.choice(_FLAT_WORDS)} {rng.randint(1, 24)}", f"{rng.randint(1, 180)} {street}"
    return f"{rng.randint(1, 220)} {street}", None


def landline(rng: random.Random) -> str:
    return f"01632 960{rng.randint(0, 999):03d}"


def mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def email(rng: random.Random, given: str, family: str) -> str:
    local = f"{given}.{family}".lower().replace(" ", "").replace("'", "")
    return f"{local}{rng.randint(1, 99)}@{rng.choice(_EMAIL_DOMAINS)}"
