"""The signed-in person on whose behalf a service acts, and the role check every service makes."""

from __future__ import annotations

from dataclasses import dataclass

from linkworker.domain.roles import Permission, Role, allows
from linkworker.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    role: Role
    pcn_id: int

    def require(self, permission: Permission) -> None:
        if not allows(self.role, permission):
            raise PermissionDenied(self.role, permission)

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission)
