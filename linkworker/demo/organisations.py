"""The made-up PCNs, practices and staff of the demo, planned before anything is written.

The first PCN is always "Medway Riverside PCN" with five practices around Chatham; an ICB
build adds more PCNs across Kent and Medway, spread by where people live. ODS-like codes use
the U99/G99 prefixes so they read like real ones without being any real organisation's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from linkworker.demo import geography
from linkworker.demo.credentials import PASSWORDS, username
from linkworker.demo.geography import Town
from linkworker.demo.names import NamePools
from linkworker.demo.sizes import DemoSizes, share_out
from linkworker.domain.roles import Role

FIRST_PCN_NAME = "Medway Riverside PCN"
_FIRST_PRACTICES = (
    ("Riverside Medical Centre", "Chatham"),
    ("Castle View Surgery", "Rochester"),
    ("Strood Health Centre", "Strood"),
    ("Orchard Way Surgery", "Gillingham"),
    ("Lordswood Lane Practice", "Walderslade"),
)
_PCN_SUFFIXES = ("North", "South", "East", "West", "Central", "Rural", "Coastal", "Town")
_PRACTICE_PATTERNS = (
    "{town} Medical Centre",
    "{stem} Road Surgery",
    "The {stem} Practice",
    "{town} Health Centre",
    "{stem} House Surgery",
    "{stem} Medical Practice",
    "{stem} Family Practice",
)


@dataclass(frozen=True)
class PracticePlan:
    name: str
    ods_code: str
    town: Town
    weight: float  # share of the PCN's registered people


@dataclass(frozen=True)
class StaffPlan:
    role: Role
    username: str
    full_name: str
    password: str


@dataclass(frozen=True)
class PcnPlan:
    number: int  # 1-based, in building order
    name: str
    ods_code: str
    towns: tuple[Town, ...]  # where its people live: the home town and its neighbours
    practices: tuple[PracticePlan, ...]
    staff: tuple[StaffPlan, ...]

    def of_role(self, role: Role) -> list[StaffPlan]:
        return [member for member in self.staff if member.role is role]


def plan(sizes: DemoSizes, rng: random.Random, pools: NamePools) -> list[PcnPlan]:
    homes = _home_towns(sizes.pcns, rng)
    practice_counts = _shares(sizes.practices, sizes.pcns, first=len(_FIRST_PRACTICES))
    worker_counts = _shares(sizes.link_workers, sizes.pcns)
    names = _pcn_names(homes)
    staff_numbers = {Role.ADMIN: 0, Role.MANAGER: 0, Role.LINK_WORKER: 0}
    totals = {Role.ADMIN: sizes.pcns, Role.MANAGER: sizes.pcns, Role.LINK_WORKER: sizes.link_workers}
    used_practice_names: set[str] = set()
    practice_serial = 100
    plans = []
    for index, home in enumerate(homes):
        towns = tuple(geography.nearest(home, 3))
        practices = []
        for p in range(practice_counts[index]):
            practice_serial += 1
            if index == 0 and p < len(_FIRST_PRACTICES):
                name, town_name = _FIRST_PRACTICES[p]
                where = geography.town(town_name)
            else:
                where = towns[0] if p < 2 else rng.choice(towns)
                name = _practice_name(rng, pools, where, used_practice_names)
            used_practice_names.add(name)
            practices.append(PracticePlan(name, f"G{99000 + practice_serial}", where, rng.uniform(0.6, 1.6)))
        staff = []
        for role, count in ((Role.ADMIN, 1), (Role.MANAGER, 1), (Role.LINK_WORKER, worker_counts[index])):
            for _ in range(count):
                staff_numbers[role] += 1
                staff.append(
                    StaffPlan(
                        role,
                        username(role, staff_numbers[role], totals[role]),
                        pools.full_name(rng),
                        PASSWORDS[role],
                    )
                )
        plans.append(
            PcnPlan(index + 1, names[index], f"U{99100 + index + 1}", towns, tuple(practices), tuple(staff))
        )
    return plans


def _home_towns(count: int, rng: random.Random) -> list[Town]:
    """Chatham first (the Medway PCN), then towns in proportion to their size."""
    homes = [geography.town("Chatham")]
    weights = [town.weight for town in geography.TOWNS]
    while len(homes) < count:
        homes.append(rng.choices(geography.TOWNS, weights)[0])
    return homes


def _pcn_names(homes: list[Town]) -> list[str]:
    names = [FIRST_PCN_NAME]
    seen: dict[str, int] = {}
    for home in homes[1:]:
        seen[home.name] = seen.get(home.name, 0) + 1
        repeat = seen[home.name]
        suffix = "" if repeat == 1 else f" {_PCN_SUFFIXES[(repeat - 2) % len(_PCN_SUFFIXES)]}"
        if repeat > len(_PCN_SUFFIXES) + 1:
            suffix += f" {repeat}"
        names.append(f"{home.name}{suffix} PCN")
    return names


def _shares(total: int, parts: int, first: int | None = None) -> list[int]:
    """Near-equal whole shares; ``first`` (if given) fixes the first PCN's share where it fits."""
    if first is None or parts == 1:
        return share_out(total, [1] * parts) if first is None else [total]
    first = min(first, total - (parts - 1))
    return [first, *share_out(total - first, [1] * (parts - 1))]


def _practice_name(rng: random.Random, pools: NamePools, where: Town, used: set[str]) -> str:
    for _ in range(50):
        stem = pools.family_name(rng)
        name = rng.choice(_PRACTICE_PATTERNS).format(town=where.name, stem=stem)
        if name not in used:
            return name
    return f"{where.name} Surgery {len(used) + 1}"
