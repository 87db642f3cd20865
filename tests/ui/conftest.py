"""Fixtures for the window's tests: the real style sheet, signed-in actors, and message boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.ui.shell.app import apply_style
from linkworker.ui.widgets import wheel_guard
from tests.conftest import _set_up_pcn


@pytest.fixture(scope="session", autouse=True)
def styled(qapp: QApplication) -> None:
    """Every window test runs under the style sheet users get, so a broken sheet fails here,
    and with the wheel guard the app installs."""
    apply_style(qapp)
    wheel_guard.install(qapp)


@pytest.fixture
def sqlite_actors(sqlite_database: Database) -> dict[Role, Actor]:
    """The ``actors`` PCN on SQLite only, for tests whose subject is the window, not the store."""
    return _set_up_pcn(sqlite_database)


class Messages:
    """The message boxes errors.py has put on screen, as a user would see them."""

    def boxes(self) -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]

    def texts(self) -> list[str]:
        return [box.text() for box in self.boxes()]

    def close_all(self) -> None:
        for box in self.boxes():
            box.done(0)


@pytest.fixture
def messages(qapp: QApplication) -> Iterator[Messages]:
    shown = Messages()
    yield shown
    shown.close_all()
