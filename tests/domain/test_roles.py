"""Who may do what: identifiable records for link workers and admins, never for managers."""

from __future__ import annotations

import pytest

from linkworker.domain.roles import Permission, Role, allows


@pytest.mark.parametrize(
    ("role", "sees_identifiable"), [(Role.LINK_WORKER, True), (Role.ADMIN, True), (Role.MANAGER, False)]
)
def test_identifiable_records(role: Role, sees_identifiable: bool) -> None:
    assert allows(role, Permission.SEE_IDENTIFIABLE) is sees_identifiable


def test_only_admins_administer() -> None:
    assert allows(Role.ADMIN, Permission.ADMINISTER)
    assert not allows(Role.LINK_WORKER, Permission.ADMINISTER)
    assert not allows(Role.MANAGER, Permission.ADMINISTER)


def test_managers_see_figures_and_keep_the_directory_but_do_not_edit_cases() -> None:
    assert allows(Role.MANAGER, Permission.SEE_AGGREGATES)
    assert allows(Role.MANAGER, Permission.EDIT_DIRECTORY)
    assert not allows(Role.MANAGER, Permission.EDIT_CASES)


def test_link_workers_edit_cases() -> None:
    assert allows(Role.LINK_WORKER, Permission.EDIT_CASES)
    assert allows(Role.LINK_WORKER, Permission.SEE_AGGREGATES)


def test_admins_may_do_everything() -> None:
    assert all(allows(Role.ADMIN, permission) for permission in Permission)


def test_every_role_has_a_label_for_people() -> None:
    assert [role.label for role in Role] == ["Link worker", "PCN manager", "Administrator"]


def test_managers_and_admins_keep_the_needs_list_link_workers_use_it() -> None:
    assert allows(Role.MANAGER, Permission.SET_PCN_POLICY)
    assert allows(Role.ADMIN, Permission.SET_PCN_POLICY)
    assert not allows(Role.LINK_WORKER, Permission.SET_PCN_POLICY)


def test_managers_and_admins_move_work_between_workers_link_workers_do_not() -> None:
    assert allows(Role.MANAGER, Permission.REASSIGN_WORK)
    assert allows(Role.ADMIN, Permission.REASSIGN_WORK)
    assert not allows(Role.LINK_WORKER, Permission.REASSIGN_WORK)
