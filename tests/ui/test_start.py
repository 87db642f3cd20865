"""The start of the app: a file that opens only with a password shows its sign-in window before
the database's modules load, and the window still signs in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from linkworker.domain.roles import Role
from linkworker.services.access import DataAccess
from linkworker.ui.shell.app import AppFlow
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


def test_a_file_kept_in_key_slots_shows_its_sign_in_before_anything_heavy_loads(tmp_path: Path) -> None:
    slotted = slotted_database(tmp_path)
    slotted.database.dispose()
    done = subprocess.run(
        [sys.executable, "-c", FIRST_WINDOW, str(slotted.file), str(tmp_path / "keys")],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shown = json.loads(done.stdout.splitlines()[-1])
    assert shown == {"sign_in": True, "opened": False, "loaded": []}


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
