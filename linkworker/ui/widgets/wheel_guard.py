"""The mouse wheel scrolls the form, not the field under the pointer.

Qt lets a turn of the wheel over a drop-down, number or date box change its value even when
the user is only scrolling the form past it: one notch over Urgency or Referring practice and
the referral says something else. Here, app-wide, such a field takes the wheel only when it
has keyboard focus (the user clicked or tabbed into it); otherwise the turn is handed to the
scroll area around it, so the form scrolls on. The fields also stop taking focus from the
wheel itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

# Every kind of field whose value a wheel turn changes: spin boxes (numbers, dates, times) and
# drop-downs. A slider would be one too; the app has none.
GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """An application event filter: a wheel turn over an unfocused field passes it by."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, GUARDED):
            return False
        if event.type() == QEvent.Type.Polish and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif event.type() == QEvent.Type.Wheel and not _has_focus(watched):
            assert isinstance(event, QWheelEvent)
            _scroll_around(watched, event)
            event.accept()
            return True
        return False


def _scroll_around(field: QWidget, event: QWheelEvent) -> None:
    """Give the turn to the nearest scroll area holding ``field``, as if the pointer were over
    its background; outside any scroll area the turn does nothing."""
    area = field.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        return
    viewport = area.viewport()
    position = viewport.mapFromGlobal(event.globalPosition().toPoint())
    moved = QWheelEvent(
        QPointF(position),
        event.globalPosition(),
        event.pixelDelta(),
        event.angleDelta(),
        event.buttons(),
        event.modifiers(),
        event.phase(),
        event.inverted(),
    )
    QApplication.sendEvent(viewport, moved)


def _has_focus(field: QWidget) -> bool:
    """Focus on the field itself or its own line edit (an editable drop-down, a spin box)."""
    focused = QApplication.focusWidget()
    return focused is not None and (focused is field or field.isAncestorOf(focused))


def install(app: QApplication) -> WheelGuard:
    """Guard every field of ``app``; kept as the application's child so it lives as long."""
    existing = app.findChild(WheelGuard)
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
