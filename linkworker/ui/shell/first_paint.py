"""Acting once a widget has first been drawn: loading the rest of the app behind the sign-in
window, and the start trace IT and ``benchmarks/start.py`` read.

The trace: with ``LINKWORKER_START_TRACE`` naming a file, the app appends a line when its
sign-in window and its Today view are first drawn, as JSON with the system's monotonic clock in
seconds when the first paint was asked for (the clock ``time.monotonic()`` reads in any process
on the machine), so the start can be timed on a practice PC and in a frozen build, where nothing
can be watched from inside. Nothing about the user or the data is written.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

TRACE_ENV = "LINKWORKER_START_TRACE"
log = logging.getLogger(__name__)


class AfterFirstPaint(QObject):
    """Calls ``then`` once ``widget`` (or any widget inside it) has been painted: a timer alone
    may fire before the window system has asked for the first paint, and work would then delay
    it."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then = then
        self.painted_at: float | None = None  # the monotonic clock when the paint was asked for
        application = QApplication.instance()
        assert application is not None
        application.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._inside(watched):
            application = QApplication.instance()
            assert application is not None
            application.removeEventFilter(self)
            self.painted_at = time.monotonic()
            QTimer.singleShot(0, self._then)  # after this paint has reached the screen
        return False

    def _inside(self, watched: QObject) -> bool:
        return watched is self._widget or (
            isinstance(watched, QWidget) and self._widget.isAncestorOf(watched)
        )


def trace_first_paint(widget: QWidget, event: str) -> AfterFirstPaint | None:
    """Append ``event`` and the time to the start trace once ``widget`` is first drawn (only
    when ``LINKWORKER_START_TRACE`` names a file); keep what is returned while waiting."""
    file = os.environ.get(TRACE_ENV)
    if not file:
        return None

    def write() -> None:
        try:
            with open(file, "a", encoding="utf-8") as trace:
                trace.write(json.dumps({"event": event, "monotonic": watcher.painted_at}) + "\n")
        except OSError as error:  # a trace is for IT; the user's window carries on without it
            log.warning("The start trace could not be written (%s).", type(error).__name__)

    watcher = AfterFirstPaint(widget, write)
    return watcher
