"""The main window's areas, each built the first time it is used.

Building every area at sign-in cost more than half a second and loaded every screen's modules
(ReportLab, numpy, QtPdf) before the first was drawn. An ``Area`` holds what makes its view,
and a blank page in the window's stack until then; the view is made, and put in the page's
place, when the area is first shown or asked for (``view``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QLineEdit, QStackedWidget, QWidget


@dataclass(frozen=True)
class AreaView:
    """A built area: ``refresh`` reads it when the user goes to it; ``live`` reads it again
    while it is on screen, on the timer and when the window comes back into use, keeping what
    the user is doing (None: it changes only when the user changes it); ``search`` brings the
    area's search box to the front (its tab, if it is on one) and gives it (None: it has none)."""

    widget: QWidget
    refresh: Callable[[], None]
    live: Callable[[], None] | None = None
    search: Callable[[], QLineEdit] | None = None


class Area:
    """One entry of the window's list of areas, and its page in ``pages``."""

    def __init__(self, title: str, make: Callable[[], AreaView], pages: QStackedWidget) -> None:
        self.title = title
        self._make = make
        self._pages = pages
        self._built: AreaView | None = None
        self._blank = QWidget()
        self._blank.setAccessibleName(title)
        pages.addWidget(self._blank)

    @property
    def built(self) -> bool:
        return self._built is not None

    def view(self) -> AreaView:
        """The area's view, made now if it was not yet, in its blank page's place."""
        if self._built is None:
            built = self._make()
            index = self._pages.indexOf(self._blank)
            was_current = self._pages.currentIndex() == index
            self._pages.insertWidget(index, built.widget)
            self._pages.removeWidget(self._blank)
            self._blank.deleteLater()
            if was_current:
                self._pages.setCurrentIndex(index)
            self._built = built
        return self._built

    @property
    def widget(self) -> QWidget:
        return self.view().widget

    def refresh(self) -> None:
        self.view().refresh()

    @property
    def live(self) -> Callable[[], None] | None:
        """Only a built area can be on screen, so one not built yet has nothing to read again."""
        return self._built.live if self._built is not None else None

    @property
    def search(self) -> Callable[[], QLineEdit] | None:
        return self.view().search
