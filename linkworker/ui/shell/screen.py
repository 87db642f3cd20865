"""Sizing windows so they fit the screen they open on (a 1366x768 laptop is common in practices)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

TASKBAR_ALLOWANCE = 40  # what a taskbar and title bar take from the available height


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize to ``width`` x ``height``, or less where the screen is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width())
        height = min(height, available.height() - TASKBAR_ALLOWANCE)
    window.resize(width, height)
