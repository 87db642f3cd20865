"""Who may do what. Services ask these questions; the UI only hides what a role cannot use."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    LINK_WORKER = "link_worker"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {Role.LINK_WORKER: "Link worker", Role.MANAGER: "PCN manager", Role.ADMIN: "Administrator"}


class Permission(StrEnum):
    SEE_IDENTIFIABLE = "see identifiable records"
    EDIT_CASES = "edit cases"
    SEE_AGGREGATES = "see anonymised figures"
    EDIT_DIRECTORY = "edit the directory"
    # The PCN's own lists and rules (its needs, when directory entries go stale), not one worker's.
    SET_PCN_POLICY = "change the PCN's needs list, directory rules and postcode lookup"
    # Moving a leaver's or an absent worker's caseload is a manager's call, though managers see no names.
    REASSIGN_WORK = "move a worker's cases and follow-ups to another worker"
    ADMINISTER = "administer Linkworker (users, practices, the audit trail, backups)"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.LINK_WORKER: frozenset(
        {
            Permission.SEE_IDENTIFIABLE,
            Permission.EDIT_CASES,
            Permission.SEE_AGGREGATES,
            Permission.EDIT_DIRECTORY,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Permission.SEE_AGGREGATES,
            Permission.EDIT_DIRECTORY,
            Permission.SET_PCN_POLICY,
            Permission.REASSIGN_WORK,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]
