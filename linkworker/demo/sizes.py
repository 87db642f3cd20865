"""How much demo data to make: one PCN to try the app, or a whole ICB for benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from linkworker.domain.errors import ValidationError

# Valid NHS numbers in the 999 test range (serials whose check digit would be 10 have none).
MAX_PEOPLE = 909_091


@dataclass(frozen=True)
class DemoSizes:
    """Counts the build aims at. Contacts, measures, follow-ups and connections follow from
    the referrals (6-12 contacts per engaged case, and so on)."""

    pcns: int
    practices: int
    link_workers: int
    people: int
    referrals: int
    services: int
    years: float = 2.0

    def check(self) -> None:
        if self.pcns < 1 or self.practices < self.pcns or self.link_workers < self.pcns:
            raise ValidationError("sizes", "Every PCN needs at least one practice and one link worker.")
        if self.people < self.practices * 10 or self.services < 10 or self.referrals < 0:
            raise ValidationError("sizes", "Make at least 10 people per practice and 10 services.")
        if self.people > MAX_PEOPLE:
            raise ValidationError(
                "sizes", f"The NHS test range holds numbers for {MAX_PEOPLE:,} people at most."
            )


# One PCN of 5 practices, about 40,000 people, 3 link workers, two years of referrals.
PCN = DemoSizes(pcns=1, practices=5, link_workers=3, people=40_000, referrals=1_000, services=150)
# Kent and Medway: 42 PCNs. People stop at 270,000: the 999 test range holds about 909,000
# valid NHS numbers, and the benchmark needs people to match, not the whole population.
ICS = DemoSizes(pcns=42, practices=200, link_workers=150, people=270_000, referrals=300_000, services=20_000)


def share_out(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole shares in proportion to ``weights`` (largest remainders)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: exact[index] - shares[index], reverse=True)
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares
