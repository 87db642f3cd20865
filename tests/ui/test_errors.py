"""errors.py shows refusals from real service calls, inline or in a box, and lets bugs through."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFormLayout, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.errors import ValidationError
from linkworker.domain.nhs_number import synthetic_numbers
from linkworker.domain.roles import Permission, Role
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import NewPractice
from linkworker.services.cases import people
from linkworker.services.errors import NotFound, PermissionDenied, StaleEdit
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database, open_sqlite
from linkworker.store.errors import StoreError
from linkworker.ui.widgets.errors import call_service, refusal_heading, refusal_text
from linkworker.ui.widgets.forms import FormFields
from linkworker.ui.widgets.jobs import run_job
from tests.ui.conftest import Messages


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_permission_denied_from_a_real_service_is_shown_in_a_message_box(
    database: Database, actors: dict[Role, Actor], parent: QWidget, messages: Messages
) -> None:
    manager = actors[Role.MANAGER]
    number = next(iter(synthetic_numbers()))

    outcome = call_service(
        parent,
        Workspace(database, manager),
        lambda session: people.find_by_nhs_number(session, manager, number),
        action="Find a person",
    )

    assert not outcome.ok
    [box] = messages.boxes()
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.windowTitle() == "Find a person: not allowed"
    assert box.text() == "Your role (PCN manager) does not allow you to see identifiable records."
    assert box.parent() is parent
    assert box.isVisible() and box.windowModality() != 0  # window-modal, yet the call returned


def test_the_same_call_as_a_link_worker_succeeds_without_a_box(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], parent: QWidget, messages: Messages
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    number = next(iter(synthetic_numbers()))
    outcome = call_service(
        parent,
        Workspace(sqlite_database, worker),
        lambda session: people.find_by_nhs_number(session, worker, number),
        action="Find a person",
    )
    assert outcome.ok and outcome.value is None  # nobody with that number yet
    assert messages.boxes() == []


def test_validation_error_goes_beside_the_field_the_rule_names(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], parent: QWidget, messages: Messages
) -> None:
    admin = sqlite_actors[Role.ADMIN]
    code = QLineEdit()
    form = FormFields(QFormLayout(parent))
    form.add("&ODS code:", code, "practice.ods_code")

    outcome = call_service(
        parent,
        Workspace(sqlite_database, admin),
        lambda session: organisation.add_practice(session, admin, NewPractice("G99001", "Copy Surgery")),
        action="New practice",
        form=form,
    )

    assert not outcome.ok
    assert form.message("practice.ods_code") == "A practice with ODS code G99001 exists already."
    assert code.property("invalid") is True
    assert code.accessibleDescription() == form.message("practice.ods_code")
    assert messages.boxes() == []


def test_validation_error_for_a_field_the_form_lacks_is_shown_in_a_box(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], parent: QWidget, messages: Messages
) -> None:
    admin = sqlite_actors[Role.ADMIN]
    outcome = call_service(
        parent,
        Workspace(sqlite_database, admin),
        lambda session: organisation.add_practice(session, admin, NewPractice("G9", "Tiny Surgery")),
        action="New practice",
    )
    assert not outcome.ok
    assert messages.texts() == ["A practice's ODS code is a letter and five digits, like G82001."]


def test_a_database_that_cannot_be_read_is_a_critical_box_not_a_crash(
    tmp_path, parent: QWidget, messages: Messages
) -> None:
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    database.dispose()
    (tmp_path / "linkworker.db").write_bytes(b"not a database at all" * 512)

    # The file cannot be opened, so the account is never read: any actor will do.
    someone = Actor(user_id=1, username="admin", full_name="Ada Admin", role=Role.ADMIN, pcn_id=1)
    outcome = call_service(
        parent, Workspace(database, someone), organisation.needs_setup, action="Open Linkworker"
    )

    assert not outcome.ok
    [box] = messages.boxes()
    assert box.icon() == QMessageBox.Icon.Critical
    assert "cannot be opened with the key" in box.text()


def test_a_bug_is_not_swallowed(
    sqlite_database: Database, parent: QWidget, messages: Messages, sqlite_actors: dict[Role, Actor]
) -> None:
    def broken(_session: object) -> int:
        return 1 // 0

    with pytest.raises(ZeroDivisionError):
        call_service(parent, Workspace(sqlite_database, sqlite_actors[Role.ADMIN]), broken, action="Divide")
    assert messages.boxes() == []


def test_a_refused_unit_of_work_writes_nothing(
    sqlite_database: Database, sqlite_actors: dict[Role, Actor], parent: QWidget, messages: Messages
) -> None:
    admin = sqlite_actors[Role.ADMIN]

    def add_then_refuse(session):  # type: ignore[no-untyped-def]
        organisation.add_practice(session, admin, NewPractice("G99003", "Lakeside Surgery"))
        organisation.add_practice(session, admin, NewPractice("G99003", "Lakeside Again"))

    assert not call_service(
        parent, Workspace(sqlite_database, admin), add_then_refuse, action="New practices"
    ).ok
    with sqlite_database.session() as session:
        codes = {p.ods_code for p in organisation.list_practices(session, admin, include_inactive=True)}
    assert "G99003" not in codes


REFUSED_WITH = [
    (ValidationError("elsewhere", "Check the date."), "please check", QMessageBox.Icon.Warning),
    (PermissionDenied(Role.MANAGER, Permission.EDIT_CASES), "not allowed", QMessageBox.Icon.Warning),
    (StaleEdit("support plan"), "changed by someone else", QMessageBox.Icon.Warning),
    (NotFound("That case is no longer on record."), "not done", QMessageBox.Icon.Warning),
    (StoreError("The database is locked."), "database problem", QMessageBox.Icon.Critical),
]


@pytest.mark.parametrize(
    ("error", "heading", "icon"), REFUSED_WITH, ids=["validation", "permission", "stale", "service", "store"]
)
def test_a_call_and_a_background_job_show_each_kind_of_refusal_alike(
    qtbot: QtBot,
    sqlite_database: Database,
    parent: QWidget,
    messages: Messages,
    error: Exception,
    heading: str,
    icon: QMessageBox.Icon,
    sqlite_actors: dict[Role, Actor],
) -> None:
    def refuse(_session: object, *_control: object) -> None:
        raise error

    assert refusal_heading(error) == (heading, icon)
    call_service(parent, Workspace(sqlite_database, sqlite_actors[Role.ADMIN]), refuse, action="Save")
    [called] = messages.boxes()
    shown = (called.windowTitle(), called.text(), called.icon())
    messages.close_all()
    job = run_job(parent, Workspace(sqlite_database, sqlite_actors[Role.ADMIN]), refuse, action="Save")
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    [in_background] = messages.boxes()

    assert shown == (in_background.windowTitle(), in_background.text(), in_background.icon())
    assert shown == (f"Save: {heading}", refusal_text(error), icon)
