"""Time the app's start against a bare PySide6 window, in the same run: from the command to the
sign-in window drawn, from pressing Sign in to the Today view drawn, and the memory then.

    DISPLAY=:99 .venv/bin/python benchmarks/start.py --data-dir /tmp/ics/demo [--user worker1]
    DISPLAY=:99 .venv/bin/python benchmarks/start.py --data-dir /tmp/ics/demo --app dist/linkworker/linkworker

``--data-dir`` is the data folder the command opens (``DIR/demo`` after ``linkworker --data-dir DIR
demo`` or ``benchmarks/build_ics.py --data-dir DIR`` for the ICS-scale one); the password is the
demo link workers' (``LINKWORKER_PASSWORD`` overrides it). ``--app`` times another build of the
command, such as the frozen one (``.ci/build-frozen``); by default, this checkout's. It needs a
display (Xvfb will do; the command opens no window under Qt's offscreen platform) and xdotool,
which types the user name and password into the sign-in window as a person would.

Each start is a new process, so nothing is warm but the operating system's file cache (the
first run of each kind is dropped as the cache's warm-up). The bare window is a QTableWidget of
100 rows by 5 columns: the least a Python desktop app can show, and it reports its own first
paint. The app reports its own through its start trace (``LINKWORKER_START_TRACE``,
linkworker/ui/shell/first_paint.py), by the system-wide monotonic clock the parent reads too:

- shown: the first paint of the window (the sign-in window, or the bare table);
- today: the first paint of the Today view after Sign in was pressed (Return, with the user's
  password typed), and the time from the press, which includes unwrapping the user's key slot
  (two Argon2id derivations, by design a quarter to half a second on a practice PC). The name
  and password are typed twice over: as soon as the sign-in window is drawn (the worst case:
  nothing has loaded behind it yet), and after ``--typing`` seconds (default 3), about the least
  a person takes to type a user name and a three-word password, while the app loads the rest
  behind the window;
- memory: the process's resident set when Today is drawn (VmRSS) and its peak (VmHWM), read by
  the parent from /proc.

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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
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

TRACE_ENV = "LINKWORKER_START_TRACE"  # linkworker/ui/shell/first_paint.py
THIS_CHECKOUT = [str(Path(sys.executable).with_name("linkworker"))]  # the command pip installed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the data folder the command opens")
    parser.add_argument("--user", default="worker1", help="a link worker of the demo (default worker1)")
    parser.add_argument("--repeat", type=int, default=5, help="timed starts of each kind (default 5)")
    parser.add_argument("--typing", type=float, default=3.0, help="seconds spent typing (default 3)")
    parser.add_argument("--app", type=Path, help="another build of the command (default: this checkout's)")
    arguments = parser.parse_args(argv)
    if shutil.which("xdotool") is None:
        raise SystemExit("xdotool is needed: it types the name and password into the sign-in window")
    command = [str(arguments.app)] if arguments.app else THIS_CHECKOUT
    login = Login(arguments.user, os.environ.get("LINKWORKER_PASSWORD", DEMO_PASSWORD))
    print(f"Python {sys.version.split()[0]}; the app: {' '.join(command)}")
    bare = _bare_runs(arguments.repeat)
    starts = [*command, "--data-dir", str(arguments.data_dir)]
    at_once = [_app_start(starts, login, 0.0) for _ in _timed(arguments.repeat)]
    typed = [_app_start(starts, login, arguments.typing) for _ in _timed(arguments.repeat)]
    at_once, typed = at_once[1:], typed[1:]
    bare_shown = statistics.median(run["shown"] for run in bare)
    shown = statistics.median(run["shown"] for run in at_once + typed)
    pressed_at_once = statistics.median(run["today"] - run["pressed"] for run in at_once)
    press_to_today = statistics.median(run["today"] - run["pressed"] for run in typed)
    print(f"{'':<44}{'median':>10}  ({arguments.repeat} starts each, after one warm-up)")
    print(f"{'bare window (100-row table) drawn':<44}{bare_shown * 1000:>8.0f} ms")
    print(f"{'sign-in window drawn':<44}{shown * 1000:>8.0f} ms  ({shown / bare_shown:.1f}x the bare window)")
    print(f"{'Sign in pressed to Today drawn:':<44}")
    print(f"{'  typed as the sign-in window is drawn':<44}{pressed_at_once * 1000:>8.0f} ms")
    print(f"{f'  typed over {arguments.typing:g} s':<44}{press_to_today * 1000:>8.0f} ms")
    print(f"{'memory: bare window':<44}{_median_mib(bare, 'rss'):>8.0f} MiB")
    print(
        f"{'memory: at the Today view':<44}{_median_mib(typed, 'rss'):>8.0f} MiB"
        f"  (peak {_median_mib(typed, 'peak'):.0f} MiB; typed over {arguments.typing:g} s)"
    )
    return 0


@dataclass(frozen=True)
class Login:
    user: str
    password: str


def _timed(repeat: int) -> range:
    """One untimed start (the file cache's warm-up, dropped by the caller), then ``repeat``."""
    return range(repeat + 1)


def _bare_runs(repeat: int) -> list[dict[str, float]]:
    """``repeat`` timed starts of the bare window after one untimed one."""
    results = []
    for attempt in _timed(repeat):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", BARE],
            env={**os.environ, "LW_T0": repr(started)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise SystemExit(f"The bare window failed (exit {done.returncode}):\n{done.stderr}")
        if attempt:
            results.append(json.loads(lines[-1]))
    return results


def _app_start(command: list[str], login: Login, typing: float) -> dict[str, float]:
    """One start of the app: the sign-in window drawn, the name and password typed (spread over
    ``typing`` seconds) and Return pressed, the Today view drawn; seconds from the start, and
    the memory then (KiB)."""
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "start.jsonl"
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            env={**os.environ, TRACE_ENV: str(trace)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            drawn = _wait_for(trace, "sign_in_drawn", process)
            window = _xdotool("search", "--sync", "--onlyvisible", "--pid", str(process.pid)).split()[-1]
            _xdotool("windowfocus", "--sync", window)
            pause = typing / 3
            time.sleep(pause)
            _xdotool("key", "ctrl+a")
            _xdotool("type", "--delay", "0", login.user)
            time.sleep(pause)
            _xdotool("key", "Tab")
            _xdotool("type", "--delay", "0", login.password)
            time.sleep(pause)
            pressed = time.monotonic()
            _xdotool("key", "Return")
            today = _wait_for(trace, "today_drawn", process)
            memory, peak = _memory(process.pid)
        finally:
            process.kill()
            process.wait()
    return {
        "shown": drawn - started,
        "pressed": pressed - started,
        "today": today - started,
        "rss": memory,
        "peak": peak,
    }


def _wait_for(trace: Path, event: str, process: subprocess.Popen[bytes], timeout: float = 120) -> float:
    """When the app's trace says ``event`` happened (the monotonic clock's reading)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if trace.exists():
            for line in trace.read_text().splitlines():
                entry = json.loads(line)
                if entry["event"] == event:
                    return float(entry["monotonic"])
        if process.poll() is not None:
            assert process.stderr is not None
            raise SystemExit(f"The app ended (exit {process.returncode}):\n{process.stderr.read().decode()}")
        time.sleep(0.005)
    raise SystemExit(f"The app did not report {event} within {timeout:.0f} s")


def _xdotool(*arguments: str) -> str:
    return subprocess.run(["xdotool", *arguments], capture_output=True, text=True, check=True).stdout


def _memory(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _median_mib(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs) / 1024


if __name__ == "__main__":
    raise SystemExit(main())
