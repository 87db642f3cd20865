"""The sign-in window under throttling: after three wrong tries it says when the next try is
allowed, counts down, and keeps Sign in off until then for that user name only, in the same way
whether or not the name exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from linkworker.domain import accounts
from linkworker.domain.roles import Role
from linkworker.services import audit, signing_in
from linkworker.services.access import DataAccess
from linkworker.services.actor import Actor
from linkworker.store.database import Database
from linkworker.store.models import AuditEvent, utc_now
from linkworker.ui.shell import sign_in as sign_in_window
from linkworker.ui.shell.sign_in import SignInDialog
from tests.conftest import ADMIN_PASSWORD

WRONG = "not the password at all"
WRONG_WORDS = "The user name or password is not right."


class Clock:
    """The time the services and the window see, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = utc_now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **moved: float) -> None:
        self.now += timedelta(**moved)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    for module in (signing_in, audit, sign_in_window):
        monkeypatch.setattr(module, "utc_now", clock)
    return clock


@pytest.fixture
def dialog(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor], clock: Clock
) -> Iterator[SignInDialog]:
    dialog = SignInDialog(DataAccess.of_open(sqlite_database))
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.wait_timer.stop()


def attempt(qtbot: QtBot, dialog: SignInDialog, username: str, password: str) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def attempts_recorded(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action.like("sign_in%"))) or 0


def tick(dialog: SignInDialog) -> None:
    """What the window's one-second timer does."""
    dialog.wait_timer.timeout.emit()


def test_the_third_wrong_password_says_when_to_try_again_and_counts_down(
    qtbot: QtBot, dialog: SignInDialog, clock: Clock, sqlite_database: Database
) -> None:
    for _ in range(2):
        attempt(qtbot, dialog, "admin", WRONG)
        assert dialog.failure.text() == WRONG_WORDS and dialog.sign_in_button.isEnabled()
    attempt(qtbot, dialog, "admin", WRONG)
    allowed = clock.now + timedelta(seconds=5)
    assert dialog.failure.text() == f"{WRONG_WORDS} {accounts.try_again_after(allowed)}"
    assert not dialog.sign_in_button.isEnabled()
    assert dialog.countdown.text() == "You can try again in 5 seconds."
    assert dialog.countdown.isVisible()

    recorded = attempts_recorded(sqlite_database)
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter does nothing while Sign in is off
    assert attempts_recorded(sqlite_database) == recorded and dialog.signed_in is None

    clock.advance(seconds=4)
    tick(dialog)
    assert dialog.countdown.text() == "You can try again in 1 second."
    assert not dialog.sign_in_button.isEnabled()
    clock.advance(seconds=1)
    tick(dialog)
    assert dialog.sign_in_button.isEnabled()
    assert dialog.countdown.text() == "You can try again now."
    assert not dialog.wait_timer.isActive()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.signed_in is not None and dialog.signed_in.actor.username == "admin"


def test_the_wait_holds_for_that_user_name_only(qtbot: QtBot, dialog: SignInDialog, clock: Clock) -> None:
    for _ in range(3):
        attempt(qtbot, dialog, "worker", WRONG)
    assert not dialog.sign_in_button.isEnabled()
    dialog.username.setText("admin")
    assert dialog.sign_in_button.isEnabled(), "a mistyped name can be put right at once"
    dialog.username.setText(" Worker ")
    assert not dialog.sign_in_button.isEnabled()


def test_an_unknown_name_meets_exactly_the_same_window(
    qtbot: QtBot, dialog: SignInDialog, clock: Clock
) -> None:
    def seen(name: str) -> list[tuple[str, str, bool]]:
        def now_shown() -> tuple[str, str, bool]:
            failure = re.sub(r"\d\d:\d\d:\d\d", "HH:MM:SS", dialog.failure.text())
            return failure, dialog.countdown.text(), dialog.sign_in_button.isEnabled()

        shown = []
        for _ in range(3):
            attempt(qtbot, dialog, name, WRONG)
            shown.append(now_shown())
        clock.advance(seconds=2)
        tick(dialog)
        shown.append(now_shown())
        clock.advance(minutes=10)
        tick(dialog)
        return shown

    assert seen("worker") == seen("no.such.person")
