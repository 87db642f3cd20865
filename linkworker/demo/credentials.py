"""The demo accounts and their published passwords, printed by ``linkworker demo``.

Demo passwords are public on purpose: the data is synthetic and the database separate.
They still go through the normal Argon2id hashing, so signing in works as it does for real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkworker.domain.roles import Role

# Three random words each, as the password rule asks of everyone (domain.passwords): the demo
# signs in exactly as a real installation does, rule included.
PASSWORDS = {
    Role.ADMIN: "copper lantern orchard",
    Role.MANAGER: "harbour kettle meadow",
    Role.LINK_WORKER: "otter biscuit canyon",
}
_STEMS = {Role.ADMIN: "admin", Role.MANAGER: "manager", Role.LINK_WORKER: "worker"}
# More accounts than this in one role are printed as a range, not one line each.
_LISTED_PER_ROLE = 5


def username(role: Role, number: int, of: int) -> str:
    """A demo user name: worker2 among a few, worker002 among hundreds, admin when only one."""
    if of == 1:
        return _STEMS[role]
    return f"{_STEMS[role]}{number:0{len(str(of))}d}"


def is_demo_username(role: Role, name: str) -> bool:
    """Whether ``name`` is one ``username`` gives for ``role``."""
    return re.fullmatch(rf"{_STEMS[role]}\d*", name) is not None


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    username: str
    password: str


@dataclass(frozen=True)
class DemoCredentials:
    """What ``linkworker demo`` prints and the sign-in window hints at."""

    scale: str
    accounts: tuple[DemoAccount, ...]
    recovery_key: str | None = None  # shown once, when the demo database is first built

    def lines(self) -> list[str]:
        """One line per account (a range per role when a role has many)."""
        lines: list[str] = []
        for role in (Role.LINK_WORKER, Role.MANAGER, Role.ADMIN):
            accounts = [account for account in self.accounts if account.role is role]
            if len(accounts) > _LISTED_PER_ROLE:
                lines.append(
                    f"{role.label:<14}{accounts[0].username} to {accounts[-1].username} "
                    f"({len(accounts)} accounts)  password: {PASSWORDS[role]}"
                )
                continue
            lines.extend(
                f"{role.label:<14}{account.username:<12}password: {account.password}" for account in accounts
            )
        return lines

    def hint(self) -> str | None:
        """A short reminder for the sign-in window; None for the ICB scale, which never opens it."""
        if self.scale != "pcn":
            return None
        first = {role: next(a for a in self.accounts if a.role is role) for role in PASSWORDS}
        return "Demo data. " + "; ".join(
            f"{role.label}: {first[role].username} / {first[role].password}"
            for role in (Role.LINK_WORKER, Role.MANAGER, Role.ADMIN)
        )
