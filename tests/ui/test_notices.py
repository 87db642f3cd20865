"""What has come due: the watcher's checks (driven through its timer, never waited for), the
notices' words, and a bar that never takes the keyboard focus."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.today import DueItem, DueNow
from linkworker.store.database import Database
from linkworker.ui.notices import DueWatcher, NoticeBar, came_due_text, opening_text
from tests.services.casework_builder import new_case
from tests.services.test_today import follow_up, set_case

MONDAY = date(2026, 11, 23)


def item(number: int, due_on: date, kind: FollowUpKind = FollowUpKind.CALL) -> DueItem:
    return DueItem(number, case_number(number), kind, due_on)


def test_the_words_of_a_notice() -> None:
    overdue, today = item(1, MONDAY - timedelta(days=3)), item(2, MONDAY)
    assert (
        opening_text(DueNow(MONDAY, (overdue, today), 2))
        == "You have 2 follow-ups to do: 1 overdue and 1 due today."
    )
    assert opening_text(DueNow(MONDAY, (today,), 1)) == "You have 1 follow-up to do: 1 due today."
    assert came_due_text([item(7, MONDAY, FollowUpKind.CHECK_ATTENDANCE)]) == (
        "1 follow-up has come due: LW-000007 (check attendance)."
    )
    many = [item(number, MONDAY) for number in range(1, 6)]
    assert came_due_text(many) == (
        "5 follow-ups have come due: LW-000001 (call), LW-000002 (call), LW-000003 (call) and 2 more."
    )


def test_the_watcher_tells_what_is_due_on_start_then_only_what_is_new(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    worker = sqlite_actors[Role.LINK_WORKER]
    referral_id = new_case(sqlite_database, worker, given_name="Orla", family_name="Fenwick-Hale")
    set_case(sqlite_database, referral_id, worker=worker, received_on=date.today())
    follow_up(sqlite_database, referral_id, worker, date.today() - timedelta(days=1))
    watcher = DueWatcher(sqlite_database, worker, interval_ms=120_000)
    assert watcher.timer.interval() == 120_000

    with qtbot.waitSignal(watcher.came_due) as told, qtbot.waitSignal(watcher.counted) as counted:
        watcher.start()
    assert told.args == ["You have 1 follow-up to do: 1 overdue."]
    assert counted.args == [1]
    assert watcher.timer.isActive()

    with qtbot.assertNotEmitted(watcher.came_due):  # nothing new since
        watcher.timer.timeout.emit()

    # A colleague hands one over that is due today: the next check tells of it, by number only.
    follow_up(sqlite_database, referral_id, worker, date.today(), FollowUpKind.MEETING)
    with qtbot.waitSignal(watcher.came_due) as told, qtbot.waitSignal(watcher.counted) as counted:
        watcher.timer.timeout.emit()
    assert told.args == [f"1 follow-up has come due: {case_number(referral_id)} (meeting)."]
    assert "Fenwick" not in told.args[0] and "Orla" not in told.args[0]
    assert counted.args == [2]


def test_a_check_that_cannot_be_made_is_reported_quietly(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[Role, Actor]
) -> None:
    watcher = DueWatcher(sqlite_database, sqlite_actors[Role.MANAGER])
    with qtbot.waitSignal(watcher.failed) as failed, qtbot.assertNotEmitted(watcher.came_due):
        watcher.check()
    assert failed.args[0].startswith("Could not check for follow-ups that have come due: Your role")


def test_the_bar_shows_without_taking_the_focus(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    field = QLineEdit()
    bar = NoticeBar()
    layout = QVBoxLayout(window)
    layout.addWidget(bar)
    layout.addWidget(field)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    field.setFocus()
    qtbot.keyClicks(field, "Half a sent")

    assert not bar.isVisible()
    bar.announce("1 follow-up has come due: LW-000007 (call).")
    assert bar.isVisible() and bar.text.text() == "1 follow-up has come due: LW-000007 (call)."
    assert bar.accessibleDescription() == bar.text.text()
    assert field.hasFocus()
    qtbot.keyClicks(field, "ence")
    assert field.text() == "Half a sentence"

    with qtbot.waitSignal(bar.show_requested):
        bar.show_button.click()
    assert not bar.isVisible()
    bar.announce("Again")
    bar.dismiss_button.click()
    assert not bar.isVisible()
