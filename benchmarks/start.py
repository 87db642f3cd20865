"""Time the app's start against a bare PySide6 window, in the same run: from the command to the
sign-in window drawn, from pressing Sign in to the Today view drawn, and the memory then.

    DISPLAY=:99 .venv/bin/python benchmarks/start.py --data-dir /tmp/ics/demo [--user worker1]

``--data-dir`` is the data folder the command opens (``DIR/demo`` after ``linkworker --data-dir DIR
demo`` or ``benchmarks/build_ics.py --data-dir DIR`` for the ICS-scale one); the password is the
demo link workers' (``LINKWORKER_PASSWORD`` overrides it). It needs a display (Xvfb will do):
the command opens no window under Qt's offscreen platform.

Each start is a new process, so nothing is warm but the operating system's file cache (the
first run of each kind is dropped as the cache's warm-up). The bare window is a QTableWidget of
100 rows by 5 columns: the least a Python desktop app can show. Each process reports, by the
system-wide monotonic clock the parent started it at:

- shown: the first paint of the window (the sign-in window, or the bare table);
- today: the first paint of the Today view after the Sign in button was pressed (with the
  user's password typed), and the time from the press, which includes unwrapping the user's key
  slot (two Argon2id derivations, by design a quarter to half a second on a practice PC). The
  press comes twice: as soon as the sign-in window is drawn (the worst case: nothing has loaded
  behind it yet), and after ``--typing`` seconds (default 3), about the least a person takes to
  type a user name and a three-word password, while the app loads the rest behind the window;
- memory: the process's resident set at that moment (VmRSS) and its peak (VmHWM).

Targets (issue 17): sign-in window under 2x the bare window; signed in to the Today view under
0.5 s more than that, after the key slot is unwrapped; under 150 MiB at the Today view.

The file's slots should have been signed in to once by this version (the warm-up start does it):
the first sign-in of a slot written by an older one checks the password against the database's
hash as well, once (store/key_slots.py, password_hash_id).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

DEMO_PASSWORD = "otter biscuit canyon"

# The child processes: each prints one JSON line of times (seconds since the parent's clock
# reading T0) and memory (KiB).
_COMMON = """
import json, os, sys, time
T0 = float(os.environ["LW_T0"])
def rss():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
"""

BARE = (
    _COMMON
    + """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
app = QApplication(sys.argv[:1])
table = QTableWidget(100, 5)
for row in range(100):
    for column in range(5):
        table.setItem(row, column, QTableWidgetItem(f"Row {row} column {column}"))
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        painted = event.type() == QEvent.Type.Paint and hasattr(watched, "window")
        if painted and watched.window() is table:
            app.removeEventFilter(self)
            shown = time.monotonic() - T0
            memory, peak = rss()
            print(json.dumps({"shown": shown, "rss": memory, "peak": peak}), flush=True)
            QTimer.singleShot(0, app.quit)
        return False
watcher = FirstPaint()
app.installEventFilter(watcher)
table.resize(800, 600)
table.show()
app.exec()
"""
)

# The real command (``linkworker.cli.main``), watched through an import hook that wraps
# ``AppFlow.start`` once ``linkworker.ui.shell.app`` has loaded, so the watching changes no import.
APP = (
    _COMMON
    + """
import importlib.abc, importlib.machinery
times = {}
def instrument(module):
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    original = module.AppFlow.start
    def start(flow):
        qt = QApplication.instance()
        class Watch(QObject):
            def eventFilter(self, watched, event):
                if event.type() != QEvent.Type.Paint or not hasattr(watched, "window"):
                    return False
                window = watched.window()
                if "shown" not in times and flow.sign_in is not None and window is flow.sign_in:
                    times["shown"] = time.monotonic() - T0
                    QTimer.singleShot(int(float(os.environ["LW_TYPING"]) * 1000), lambda: press(flow))
                elif "pressed" in times and "today" not in times and flow.window is not None:
                    today = getattr(flow.window, "today", None)
                    inside = today is not None and (watched is today or today.isAncestorOf(watched))
                    if inside and today.isVisible():
                        times["today"] = time.monotonic() - T0
                        times["rss"], times["peak"] = rss()
                        print(json.dumps(times), flush=True)
                        QTimer.singleShot(0, lambda: os._exit(0))
                return False
        flow._benchmark_watch = Watch()
        qt.installEventFilter(flow._benchmark_watch)
        original(flow)
    module.AppFlow.start = start
def press(flow):
    dialog = flow.sign_in
    dialog.username.setText(os.environ["LW_USER"])
    dialog.password.setText(os.environ["LW_PASSWORD"])
    times["pressed"] = time.monotonic() - T0
    dialog.try_sign_in()
class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "linkworker.ui.shell.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            instrument(module)
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, Hook())
from linkworker.cli import main
sys.exit(main(["--data-dir", os.environ["LW_DATA_DIR"]]))
"""
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the data folder the command opens")
    parser.add_argument("--user", default="worker1", help="a link worker of the demo (default worker1)")
    parser.add_argument("--repeat", type=int, default=5, help="timed starts of each kind (default 5)")
    parser.add_argument("--typing", type=float, default=3.0, help="seconds spent typing (default 3)")
    arguments = parser.parse_args(argv)
    password = os.environ.get("LINKWORKER_PASSWORD", DEMO_PASSWORD)
    environment = {
        **os.environ,
        "LW_DATA_DIR": str(arguments.data_dir),
        "LW_USER": arguments.user,
        "LW_PASSWORD": password,
    }
    print(f"Python {sys.version.split()[0]}, Qt platform {os.environ.get('QT_QPA_PLATFORM', 'default')}")
    bare = _runs(BARE, environment, arguments.repeat)
    at_once = _runs(APP, {**environment, "LW_TYPING": "0"}, arguments.repeat)
    app = _runs(APP, {**environment, "LW_TYPING": repr(arguments.typing)}, arguments.repeat)
    bare_shown = statistics.median(run["shown"] for run in bare)
    shown = statistics.median(run["shown"] for run in at_once + app)
    press_to_today = statistics.median(run["today"] - run["pressed"] for run in app)
    pressed_at_once = statistics.median(run["today"] - run["pressed"] for run in at_once)
    print(f"{'':<44}{'median':>10}  ({arguments.repeat} starts each, after one warm-up)")
    print(f"{'bare window (100-row table) drawn':<44}{bare_shown * 1000:>8.0f} ms")
    print(f"{'sign-in window drawn':<44}{shown * 1000:>8.0f} ms  ({shown / bare_shown:.1f}x the bare window)")
    print(f"{'Sign in pressed to Today drawn:':<44}")
    print(f"{'  pressed as the sign-in window is drawn':<44}{pressed_at_once * 1000:>8.0f} ms")
    print(f"{f'  pressed after {arguments.typing:g} s of typing':<44}{press_to_today * 1000:>8.0f} ms")
    print(f"{'memory: bare window':<44}{_median_mib(bare, 'rss'):>8.0f} MiB")
    print(
        f"{'memory: at the Today view':<44}{_median_mib(app, 'rss'):>8.0f} MiB"
        f"  (peak {_median_mib(app, 'peak'):.0f} MiB; after typing)"
    )
    return 0


def _runs(program: str, environment: dict[str, str], repeat: int) -> list[dict[str, float]]:
    """``repeat`` timed starts of ``program`` after one untimed one (the file cache's warm-up)."""
    results = []
    for attempt in range(repeat + 1):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", program],
            env={**environment, "LW_T0": repr(started)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise SystemExit(f"A start failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
        if attempt:
            results.append(json.loads(lines[-1]))
    return results


def _median_mib(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs) / 1024


if __name__ == "__main__":
    raise SystemExit(main())
