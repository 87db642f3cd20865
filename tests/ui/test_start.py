"""The start of the app: a file that opens only with a password shows its sign-in window before
the database's modules load; they load behind it while the user types, and the window signs in
whether Sign in is pressed before that loading is done or after. The Today view is drawn without
what only later screens or a new password need, and without PySide6 keeping the source of every
module imported after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.ui.shell.app import AppFlow
from linkworker.ui.shell.first_paint import TRACE_ENV
from tests.conftest import WORKER_PASSWORD
from tests.helpers.slotted import slotted_database

# Run in a fresh process: this one has loaded everything already.
FIRST_WINDOW = """
import json, sys
from pathlib import Path
from linkworker.services.access import DataAccess
from linkworker.ui.shell.app import AppFlow, application
app = application()
flow = AppFlow(DataAccess(Path(sys.argv[1]), Path(sys.argv[2])))
flow.start()
heavy = sorted(m for m in ("sqlalchemy", "sqlcipher3", "reportlab", "numpy", "alembic") if m in sys.modules)
print(json.dumps({"sign_in": flow.sign_in is not None and flow.sign_in.isVisible(),
                  "opened": flow.access.opened is not None, "loaded": heavy}))
"""


def in_a_fresh_process(program: str, *arguments: str) -> dict[str, object]:
    """What ``program`` prints last, as JSON, run in a new Python with Qt offscreen."""
    done = subprocess.run(
        [sys.executable, "-c", program, *arguments],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_a_file_kept_in_key_slots_shows_its_sign_in_before_anything_heavy_loads(tmp_path: Path) -> None:
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    shown = in_a_fresh_process(FIRST_WINDOW, str(slotted.file), str(tmp_path / "keys"))
    assert shown == {"sign_in": True, "opened": False, "loaded": []}


# Signs in once the background loading is done, as a person who has typed for a while does.
TODAY_DRAWN = """
import json, linecache, sys
from pathlib import Path
from linkworker.services import access
from linkworker.services.access import DataAccess
from linkworker.ui.shell.app import AppFlow, application
app = application()
flow = AppFlow(DataAccess(Path(sys.argv[1]), Path(sys.argv[2])))
flow.start()
while not (access._loading is not None and access.loaded_in_background()):
    app.processEvents()
flow.sign_in.username.setText(sys.argv[3])
flow.sign_in.password.setText(sys.argv[4])
flow.sign_in.try_sign_in()
flow.window.today.refresh()
app.processEvents()
unwanted = ("reportlab", "numpy", "alembic", "zxcvbn", "holidays", "faker", "httpx")
kept = [name for name in linecache.cache if name.endswith(".py") and "linkworker" in name]
loaded = sorted(m for m in unwanted if m in sys.modules)
print(json.dumps({"today": flow.window.today.isVisible(), "loaded": loaded,
                  "database_modules": "sqlalchemy" in sys.modules, "sources_kept": kept}))
"""


def test_the_today_view_is_drawn_without_what_later_screens_need(tmp_path: Path) -> None:
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    worker = slotted.actors[Role.LINK_WORKER].username
    drawn = in_a_fresh_process(
        TODAY_DRAWN, str(slotted.file), str(tmp_path / "keys"), worker, WORKER_PASSWORD
    )
    assert drawn == {"today": True, "loaded": [], "database_modules": True, "sources_kept": []}


def test_pyside6_still_has_the_hook_that_read_every_module_s_source() -> None:
    """linkworker.ui turns the hook off; a PySide6 that renames it would quietly bring back
    34 MiB and 0.2 s of start, so an upgrade is told here."""
    import linkworker.ui

    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is linkworker.ui._no_module_uses_pyside_features


def test_sign_in_pressed_while_the_rest_still_loads_waits_for_it_and_opens_the_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    flow = AppFlow(DataAccess(slotted.file, tmp_path / "keys"))
    flow.start()
    assert flow.sign_in is not None
    qtbot.addWidget(flow.sign_in)
    flow._load_the_rest()  # as the first paint does; the press comes at once
    qtbot.keyClicks(flow.sign_in.username, slotted.actors[Role.LINK_WORKER].username)
    qtbot.keyClicks(flow.sign_in.password, WORKER_PASSWORD)
    flow.sign_in.try_sign_in()
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isVisible())
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    assert flow.window.area_titles()[0] == "Today"
    qtbot.waitUntil(lambda: not flow._loading_timer.isActive())
    flow.window.close()


def test_after_the_quick_start_the_sign_in_still_opens_the_main_window(qtbot: QtBot, tmp_path: Path) -> None:
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    flow = AppFlow(DataAccess(slotted.file, tmp_path / "keys"))
    flow.start()
    assert flow.sign_in is not None and flow.access.opened is None
    qtbot.addWidget(flow.sign_in)
    qtbot.keyClicks(flow.sign_in.username, slotted.actors[Role.LINK_WORKER].username)
    qtbot.keyClicks(flow.sign_in.password, WORKER_PASSWORD)
    flow.sign_in.try_sign_in()
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isVisible())
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    assert flow.window.area_titles()[0] == "Today"
    flow.window.close()


def test_with_a_start_trace_the_app_writes_when_its_windows_were_first_drawn(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trace = tmp_path / "start.jsonl"
    monkeypatch.setenv(TRACE_ENV, str(trace))
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    before = time.monotonic()
    flow = AppFlow(DataAccess(slotted.file, tmp_path / "keys"))
    flow.start()
    assert flow.sign_in is not None
    qtbot.addWidget(flow.sign_in)
    qtbot.waitUntil(lambda: trace.exists())
    qtbot.keyClicks(flow.sign_in.username, slotted.actors[Role.LINK_WORKER].username)
    qtbot.keyClicks(flow.sign_in.password, WORKER_PASSWORD)
    flow.sign_in.try_sign_in()
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    qtbot.waitUntil(lambda: len(trace.read_text().splitlines()) == 2)
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [line["event"] for line in lines] == ["sign_in_drawn", "today_drawn"]
    assert before < lines[0]["monotonic"] < lines[1]["monotonic"] < time.monotonic()
    assert WORKER_PASSWORD not in trace.read_text() and "worker" not in trace.read_text()
    flow.window.close()


def test_a_start_trace_that_cannot_be_written_is_logged_and_the_app_carries_on(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(TRACE_ENV, str(tmp_path / "no such folder" / "start.jsonl"))
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    flow = AppFlow(DataAccess(slotted.file, tmp_path / "keys"))
    flow.start()
    assert flow.sign_in is not None
    qtbot.addWidget(flow.sign_in)
    qtbot.waitUntil(lambda: "start trace could not be written" in caplog.text)
    assert "FileNotFoundError" in caplog.text and flow.sign_in.isVisible()
