"""The workspace a signed-in window holds: one unit of work per action, committed whole or not at
all, reads that keep no writer waiting, and an account changed since sign-in refused at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import update

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import NewPractice
from linkworker.services.workspace import ACCOUNT_CHANGED, AccountChanged, Unit, Workspace
from linkworker.store.database import Database
from linkworker.store.models import Pcn, UserAccount


def _codes(workspace: Workspace) -> set[str]:
    def practices(unit: Unit) -> set[str]:
        found = organisation.list_practices(unit, workspace.actor, include_inactive=True)
        return {practice.ods_code for practice in found}

    return workspace.read(practices)


def _add(workspace: Workspace, code: str, name: str) -> Callable[[Unit], object]:
    return lambda unit: organisation.add_practice(unit, workspace.actor, NewPractice(code, name))


@pytest.fixture
def admin_workspace(database: Database, actors: dict[Role, Actor]) -> Workspace:
    return Workspace(database, actors[Role.ADMIN])


def test_run_commits_the_work_and_returns_its_value(admin_workspace: Workspace) -> None:
    added = admin_workspace.run(_add(admin_workspace, "G99003", "Lakeside Surgery"))

    assert added is not None
    assert "G99003" in _codes(admin_workspace)


def test_work_that_raises_writes_nothing(admin_workspace: Workspace) -> None:
    def add_then_fail(unit: Unit) -> None:
        _add(admin_workspace, "G99004", "Quayside Practice")(unit)
        unit.flush()
        raise RuntimeError("the user's save failed half way")

    with pytest.raises(RuntimeError):
        admin_workspace.run(add_then_fail)

    assert "G99004" not in _codes(admin_workspace)


def test_an_open_read_keeps_no_writer_waiting(admin_workspace: Workspace) -> None:
    """A read takes no write lock: a save made while a long list is being read goes through."""

    def read_while_another_saves(unit: Unit) -> int:
        before = len(organisation.list_practices(unit, admin_workspace.actor, include_inactive=True))
        admin_workspace.run(_add(admin_workspace, "G99005", "Harbour Surgery"))
        return before

    assert admin_workspace.read(read_while_another_saves) == 2
    assert "G99005" in _codes(admin_workspace)


def _change(database: Database, actor: Actor, **values: object) -> None:
    with database.session() as session:
        session.execute(update(UserAccount).where(UserAccount.id == actor.user_id).values(**values))


def _other_pcn(database: Database) -> int:
    with database.session() as session:
        pcn = Pcn(ods_code="U99902", name="Other Valley PCN")
        session.add(pcn)
        session.flush()
        return pcn.id


CHANGES: dict[str, Callable[[Database], dict[str, object]]] = {
    "deactivated": lambda _database: {"active": False},
    "another role": lambda _database: {"role": Role.MANAGER.value},
    "another PCN": lambda database: {"pcn_id": _other_pcn(database)},
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_account_changed_since_sign_in_is_refused_before_any_work(
    database: Database, actors: dict[Role, Actor], change: str
) -> None:
    worker = actors[Role.LINK_WORKER]
    workspace = Workspace(database, worker)
    assert workspace.read(lambda _unit: "done") == "done"
    _change(database, worker, **CHANGES[change](database))
    done: list[str] = []

    for attempt in (workspace.run, workspace.read):
        with pytest.raises(AccountChanged) as refused:
            attempt(lambda _unit: done.append("work"))
        assert str(refused.value) == ACCOUNT_CHANGED

    assert done == []


def test_an_account_changed_back_is_accepted_again(database: Database, actors: dict[Role, Actor]) -> None:
    worker = actors[Role.LINK_WORKER]
    workspace = Workspace(database, worker)
    _change(database, worker, active=False)
    with pytest.raises(AccountChanged):
        workspace.read(lambda _unit: None)

    _change(database, worker, active=True)

    assert workspace.read(lambda _unit: "done") == "done"
