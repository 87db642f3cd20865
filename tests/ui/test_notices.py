"""What has come due: the watcher's checks (driven through its timer, never waited for), the
notices' words, and a bar that never takes the keyboard focus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.intake import case_number
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.cases.today import DueItem, DueNow
from linkworker.services.workspace import Workspace
from linkworker.store.database import Database, open_sqlite
from linkworker.ui.shell.main_window import MainWindow
from linkworker.ui.shell.notices import (
    KEY_BANNER,
    DayDismissals,
    DueWatcher,
    NoticeBar,
    came_due_text,
    opening_text,
)
from tests.conftest import _set_up_pcn
from tests.helpers.fake_keyring import NoKeyring
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
    watcher = DueWatcher(Workspace(sqlite_database, worker), interval_ms=120_000)
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
    watcher = DueWatcher(Workspace(sqlite_database, sqlite_actors[Role.MANAGER]))
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


class Clock:
    """The day as the window sees it, moved on by the test."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def legacy_keyed(tmp_path: Path) -> Iterator[tuple[Database, dict[Role, Actor]]]:
    """A database an older version made, its key still in a key file: the window warns of it."""
    keyring.set_keyring(NoKeyring())  # a headless box; the autouse fake keyring is put back after
    made = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    assert made.location.key is not None
    actors = _set_up_pcn(made)
    made.dispose()
    key_file = tmp_path / "keys" / "linkworker.db.key"
    key_file.parent.mkdir()
    key_file.write_text(made.location.key.hex, encoding="ascii")
    database = open_sqlite(tmp_path / "linkworker.db", tmp_path / "keys")
    assert database.location.key_warning is not None
    yield database, actors
    database.dispose()


def settings_in(folder: Path) -> QSettings:
    return QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)


def test_a_dismissal_lasts_the_day_for_that_user_only(tmp_path: Path) -> None:
    clock = Clock(MONDAY)
    notes = DayDismissals(settings_in(tmp_path), clock)
    assert not notes.dismissed(KEY_BANNER, "worker")
    notes.dismiss(KEY_BANNER, "worker")
    assert notes.dismissed(KEY_BANNER, "worker")
    assert not notes.dismissed(KEY_BANNER, "admin")  # another user of this PC still sees it
    assert DayDismissals(settings_in(tmp_path), clock).dismissed(KEY_BANNER, "worker")  # kept on disk
    clock.day = MONDAY + timedelta(days=1)
    assert not notes.dismissed(KEY_BANNER, "worker")
    odd = "o'brien/ward\\2"  # a name no settings key could hold as it is
    notes.dismiss(KEY_BANNER, odd)
    assert notes.dismissed(KEY_BANNER, odd) and not notes.dismissed(KEY_BANNER, "o'brien")


def test_the_key_banner_is_hidden_for_the_day_then_back_the_next(
    qtbot: QtBot, tmp_path: Path, legacy_keyed: tuple[Database, dict[Role, Actor]]
) -> None:
    database, actors = legacy_keyed
    clock = Clock(MONDAY)

    def open_window(role: Role) -> MainWindow:
        window = MainWindow(
            Workspace(database, actors[role]), dismissals=DayDismissals(settings_in(tmp_path), clock)
        )
        qtbot.addWidget(window)
        window.show()
        return window

    window = open_window(Role.LINK_WORKER)
    assert window.banner is not None and window.banner.isVisible()
    qtbot.mouseClick(window.banner.hide_button, Qt.MouseButton.LeftButton)
    assert not window.banner.isVisible()
    window.close()

    again = open_window(Role.LINK_WORKER)  # the same day: still put away
    assert again.banner is not None and not again.banner.isVisible()
    colleague = open_window(Role.ADMIN)  # someone else on this PC has not dismissed it
    assert colleague.banner is not None and colleague.banner.isVisible()
    colleague.close()

    clock.day = MONDAY + timedelta(days=1)
    again.live_timer.timeout.emit()  # left open past midnight: back with the new day
    assert again.banner.isVisible()
    again.close()
    tomorrow = open_window(Role.LINK_WORKER)
    assert tomorrow.banner is not None and tomorrow.banner.isVisible()


def test_the_key_banner_is_one_line_with_the_whole_warning_under_details(
    qtbot: QtBot, legacy_keyed: tuple[Database, dict[Role, Actor]], tmp_path: Path
) -> None:
    database, actors = legacy_keyed
    window = MainWindow(
        Workspace(database, actors[Role.ADMIN]), dismissals=DayDismissals(settings_in(tmp_path))
    )
    qtbot.addWidget(window)
    window.resize(900, 560)  # the narrowest the window goes
    window.show()
    banner = window.banner
    assert banner is not None
    assert banner.height() <= banner.hide_button.sizeHint().height() + 16
    assert banner.line_text() == (
        "The database key is still kept unprotected. Administration ▸ Data key shows what is left to do."
    )
    assert banner.where.toolTip() == "Administration ▸ Data key shows what is left to do."  # cut short
    qtbot.mouseClick(banner.details_button, Qt.MouseButton.LeftButton)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1
    assert database.location.key_warning is not None and database.location.key_warning in boxes[0].text()
    assert str(tmp_path / "keys" / "linkworker.db.key") in boxes[0].text()
    boxes[0].done(0)


def test_banners_leave_the_form_its_room_on_a_1366_by_768_screen(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[Role, Actor],
    legacy_keyed: tuple[Database, dict[Role, Actor]],  # after: it takes the keyring away
    tmp_path: Path,
) -> None:
    def referral_form(database: Database, actor: Actor, notice: str | None) -> tuple[MainWindow, int]:
        window = MainWindow(Workspace(database, actor), dismissals=DayDismissals(settings_in(tmp_path)))
        qtbot.addWidget(window)
        window.resize(1366, 728)  # the screen less a taskbar
        window.show()
        if notice:
            window.notice.announce(notice)
        window.show_area(window.area_titles().index("New referral"))
        qtbot.wait(10)
        form = window.view("New referral")
        assert form is not None
        return window, form.scroll_area.viewport().height()

    database, actors = legacy_keyed
    _plain, room = referral_form(sqlite_database, sqlite_actors[Role.LINK_WORKER], None)
    many = [item(number, MONDAY, FollowUpKind.CHECK_ATTENDANCE) for number in range(1, 9)]
    crowded, left = referral_form(database, actors[Role.LINK_WORKER], came_due_text(many))
    assert crowded.banner is not None and crowded.banner.isVisible() and crowded.notice.isVisible()
    # Each bar is one line, however long its words, and takes no more than its own height.
    assert crowded.banner.height() <= crowded.banner.hide_button.sizeHint().height() + 16
    assert crowded.notice.height() <= crowded.notice.dismiss_button.sizeHint().height() + 16
    assert room - left <= crowded.banner.height() + crowded.notice.height()


def test_a_long_notice_stays_on_one_line_and_is_read_whole(qtbot: QtBot) -> None:
    bar = NoticeBar()
    qtbot.addWidget(bar)
    bar.resize(500, 40)
    bar.show()
    words = came_due_text([item(number, MONDAY, FollowUpKind.CHECK_ATTENDANCE) for number in range(1, 9)])
    bar.announce(words)
    qtbot.wait(10)
    assert bar.height() <= bar.dismiss_button.sizeHint().height() + 16
    assert bar.text.text() == words and bar.accessibleDescription() == words
    assert bar.text.toolTip() == words  # cut short on screen: the whole text on pointing
