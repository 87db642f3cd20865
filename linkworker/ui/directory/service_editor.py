"""One directory entry, every field of it, in a dialog that fits a 1366x768 screen.

The whole entry is checked by the domain rules before anything is written, and every field's
problem is shown beside it at once. Venues and weekly sessions are lists the user grows and
shrinks; a session says which venue it is at and, as it is typed, whether it falls on weekday
daytimes, evenings or weekends, as matching will read it. A save that lost a race with someone
else's is refused with the user's edit left in place; roles that may not edit the directory see
the same dialog read-only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise
from typing import Final

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain.directory import ACCESS_ROUTE_LABELS, COST_LABELS, STATUS_LABELS
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.schedule import (
    EVENING_ENDS_AFTER,
    EVENING_STARTS_FROM,
    Opening,
    TimeSlot,
    Weekday,
    parse_byday,
)
from linkworker.domain.service_entry import (
    LocationEntry,
    ScheduleEntry,
    ServiceEntry,
    parse_service,
    parse_time,
)
from linkworker.services.directory import directory
from linkworker.services.directory.directory import (
    DirectoryChoices,
    LocationDetail,
    ScheduleDetail,
    ServiceDetail,
)
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.shell.screen import fit_to_screen
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields, repolish

# Features offered as ticks; each is worded so matching recognises it (domain.access.features_of).
ACCESS_FEATURES: Final = (
    "Step-free access",
    "Hearing loop",
    "Accessible toilet",
    "Large print or easy read",
    "BSL interpreting",
    "Parking",
)
NEEDS_COLUMNS: Final = 3
DESCRIPTION_LINES: Final = 5
EDITOR_SIZE: Final = QSize(1040, 900)


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def _text(value: object) -> str:
    """A stored value as its field shows it; nothing stored is a blank field."""
    return "" if value is None else str(value)


def _clock(value: time | None) -> str:
    return f"{value:%H:%M}" if value else ""


def _line(text: str | None = None, placeholder: str = "", width: int | None = None) -> QLineEdit:
    edit = QLineEdit(text or "")
    edit.setPlaceholderText(placeholder)
    if width is not None:
        edit.setMaximumWidth(width)
    return edit


def _show_lines(edit: QPlainTextEdit, lines: int) -> None:
    """As tall as ``lines`` whole lines of text inside the style sheet's border and padding."""
    edit.ensurePolished()
    margins = edit.contentsMargins()
    inside = 2 * math.ceil(edit.document().documentMargin()) + margins.top() + margins.bottom()
    edit.setFixedHeight(lines * edit.fontMetrics().lineSpacing() + inside)


def _small_button(text: str) -> QPushButton:
    """A button inside the form: Return in a field saves the entry, never adds or removes a row."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    return button


class VenueRow(QFrame):
    """One venue: something to find it by, its postcode and, when known, where it is on the map."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, venue: LocationDetail | None = None) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("entryRow")
        self.venue_id = venue.id if venue else None
        self.name = _line(venue.name if venue else None, "Name of the place, like Riverside Hall")
        self.address = _line(venue.address_line_1 if venue else None, "Street address")
        self.town = _line(venue.town if venue else None)
        self.postcode = _line(venue.postcode if venue else None, "Like ME7 1AA", 110)
        self.latitude = _line(_coordinate(venue.latitude if venue else None), "Like 51.38", 110)
        self.longitude = _line(_coordinate(venue.longitude if venue else None), "Like 0.52", 110)
        self.remove = _small_button("Remove")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.title = _row_title()
        self.captions: list[QLabel] = []
        first = QHBoxLayout()
        first.addWidget(self.title)
        self._place(first, "Name", self.name, 1)
        self._place(first, "Address", self.address, 1)
        first.addWidget(self.remove)
        second = QHBoxLayout()
        second.addSpacing(self.title.minimumWidth() + 8)
        self._place(second, "Town", self.town, 1)
        self._place(second, "Postcode", self.postcode, 0)
        self._place(second, "Latitude", self.latitude, 0)
        self._place(second, "Longitude", self.longitude, 0)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(4)
        column.addLayout(first)
        column.addLayout(second)
        for edit in (self.name, self.address, self.town, self.postcode):
            edit.textChanged.connect(self.changed)
        self.set_number(1)

    def _place(self, line: QHBoxLayout, caption: str, edit: QWidget, stretch: int) -> None:
        label = QLabel(caption)
        label.setBuddy(edit)
        self.captions.append(label)
        if line.count():
            line.addSpacing(8)
        line.addWidget(label)
        line.addWidget(edit, stretch)

    def set_number(self, number: int) -> None:
        """Name every field after the venue's place in the list, as the rules' messages do."""
        self.number = number
        self.title.setText(f"Venue {number}")
        for label in self.captions:
            label.buddy().setAccessibleName(f"Venue {number} {label.text().lower()}")
        self.remove.setAccessibleName(f"Remove venue {number}")

    def tab_chain(self) -> list[QWidget]:
        """The row's controls in reading order, Remove last."""
        return [self.name, self.address, self.town, self.postcode, self.latitude, self.longitude, self.remove]

    def label(self) -> str:
        """The venue as a session's list offers it: its number and the first thing it is known by."""
        parts = (edit.text().strip() for edit in (self.name, self.address, self.town, self.postcode))
        shown = next((part for part in parts if part), "")
        return f"Venue {self.number}: {shown}" if shown else f"Venue {self.number}"

    def entry(self) -> LocationEntry:
        return LocationEntry(
            name=self.name.text(),
            address_line_1=self.address.text(),
            town=self.town.text(),
            postcode=self.postcode.text(),
            latitude=self.latitude.text(),
            longitude=self.longitude.text(),
            id=self.venue_id,
        )


def _row_title() -> QLabel:
    """The row's name ("Venue 2", "Time 1"), the one a problem with it is reported under."""
    title = QLabel()
    title.setObjectName("rowTitle")
    title.setMinimumWidth(title.fontMetrics().horizontalAdvance("Venue 00") + 4)
    return title


def mark_row(row: QFrame, problem: bool) -> None:
    """Outline the row a problem names, so it is found among the others."""
    row.setProperty("invalid", problem)
    repolish(row)


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


class SessionRow(QFrame):
    """One weekly session: its days, times, venue and a note; says when in the week it falls."""

    remove_requested = Signal(object)

    def __init__(self, schedule: ScheduleDetail | None = None, venue: VenueRow | None = None) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("entryRow")
        self.schedule_id = schedule.id if schedule else None
        chosen = set(parse_byday(schedule.byday)) if schedule else set()
        self.days = {day: QCheckBox(day.short) for day in Weekday}
        for day, box in self.days.items():
            box.setChecked(day in chosen)
            box.toggled.connect(self._describe)
        self.opens = _line(_clock(schedule.opens) if schedule else None, "hh:mm", 80)
        self.closes = _line(_clock(schedule.closes) if schedule else None, "hh:mm", 80)
        self.venue = QComboBox()
        self.venue.setMinimumContentsLength(20)
        self.venue.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.note = _line(schedule.note if schedule else None, "Like: term time only")
        self.title = _row_title()
        self.remove = _small_button("Remove")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.when = QLabel()
        self.when.setObjectName("fieldHint")
        self.imported = QLabel(_imported_rule(schedule))
        self.imported.setObjectName("fieldHint")
        self.imported.setVisible(bool(self.imported.text()))
        self._venues: list[VenueRow] = []
        self._venue = venue
        self.venue.currentIndexChanged.connect(self._venue_chosen)
        for edit in (self.opens, self.closes):
            edit.textChanged.connect(self._describe)
        self.captions: dict[QWidget, QLabel] = {}
        days = QHBoxLayout()
        days.setSpacing(10)
        days.addWidget(self.title)
        for box in self.days.values():
            days.addWidget(box)
        days.addSpacing(12)
        days.addWidget(self.when, 1)
        days.addWidget(self.remove)
        times = QHBoxLayout()
        times.setSpacing(6)
        times.addSpacing(self.title.minimumWidth() + 4)
        fields: tuple[tuple[str, QWidget, int], ...] = (
            ("Opens", self.opens, 0),
            ("Closes", self.closes, 0),
            ("At", self.venue, 3),
            ("Note", self.note, 2),
        )
        for caption, control, stretch in fields:
            if times.count() > 1:
                times.addSpacing(6)
            times.addWidget(self._caption(caption, control))
            times.addWidget(control, stretch)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(4)
        column.addLayout(days)
        column.addLayout(times)
        column.addWidget(self.imported)
        self.set_number(1)
        self._describe()

    def _caption(self, text: str, edit: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(edit)
        self.captions[edit] = label
        return label

    def set_number(self, number: int) -> None:
        self.number = number
        self.title.setText(f"Time {number}")
        for edit, label in self.captions.items():
            edit.setAccessibleName(f"Time {number} {label.text().lower()}")
        for day, box in self.days.items():
            box.setAccessibleName(f"Time {number} {day.short}")
        self.remove.setAccessibleName(f"Remove time {number}")

    def tab_chain(self) -> list[QWidget]:
        """The row's controls in reading order, Remove last."""
        return [*self.days.values(), self.opens, self.closes, self.venue, self.note, self.remove]

    def offer_venues(self, venues: list[VenueRow]) -> None:
        """List the service's venues as they now are, keeping the one chosen if it is still there."""
        self._venues = list(venues)
        if self._venue not in self._venues:
            self._venue = None
        with QSignalBlocker(self.venue):
            self.venue.clear()
            self.venue.addItem("No particular venue")
            for venue in self._venues:
                self.venue.addItem(venue.label())
            self.venue.setCurrentIndex(0 if self._venue is None else self._venues.index(self._venue) + 1)

    def _venue_chosen(self, index: int) -> None:
        self._venue = self._venues[index - 1] if index > 0 else None

    def chosen_days(self) -> tuple[str, ...]:
        return tuple(day.value for day, box in self.days.items() if box.isChecked())

    def _describe(self) -> None:
        """When in the week this session falls, as matching reads it, while the user types."""
        days = tuple(day for day, box in self.days.items() if box.isChecked())
        try:
            opens = parse_time(self.opens.text(), "schedules", "opening time")
            closes = parse_time(self.closes.text(), "schedules", "closing time")
        except ValidationError:
            self.when.setText("")
            return
        slots = Opening(days, opens, closes).slots
        self.when.setText(", ".join(slot.label for slot in TimeSlot if slot in slots))

    def entry(self) -> ScheduleEntry:
        return ScheduleEntry(
            days=self.chosen_days(),
            opens=self.opens.text(),
            closes=self.closes.text(),
            note=self.note.text(),
            location_index=None if self._venue is None else self._venues.index(self._venue),
            id=self.schedule_id,
        )


def _imported_rule(schedule: ScheduleDetail | None) -> str:
    """An imported session that is not simply weekly keeps its rule while its days are unchanged."""
    plain = {day.value for day in Weekday}
    codes = [code.strip().upper() for code in (schedule.byday or "").split(",")] if schedule else []
    if schedule is None or (schedule.freq.upper() == "WEEKLY" and codes and set(codes) <= plain):
        return ""
    days = schedule.byday or "no set day"
    return f"Imported as {schedule.freq.lower()} on {days}; kept unless the days change."


class RowList(QWidget):
    """Rows of one kind and a button that adds another."""

    def __init__(self, add_text: str) -> None:
        super().__init__()
        self.rows: list[QFrame] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(6)
        self.empty = QLabel()
        self.empty.setObjectName("fieldHint")
        self.add_button = _small_button(add_text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch()
        self.column.addWidget(self.empty)
        self.column.addLayout(buttons)

    def append(self, row: QFrame) -> None:
        self.column.insertWidget(len(self.rows) + 1, row)
        self.rows.append(row)
        self.empty.setVisible(False)

    def take(self, row: QFrame) -> None:
        self.rows.remove(row)
        self.column.removeWidget(row)
        row.deleteLater()
        self.empty.setVisible(not self.rows)


@dataclass(frozen=True)
class _Opened:
    choices: DirectoryChoices
    detail: ServiceDetail | None


class ServiceEditorDialog(QDialog):
    """A new entry (no ``service_id``) or a stored one. ``saved`` carries the entry's id when it
    is saved (the dialog then closes) or marked verified (it stays open), so lists can refresh."""

    saved = Signal(int)

    def __init__(self, workspace: Workspace, service_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.service_id = service_id
        self.detail: ServiceDetail | None = None
        self.choices: DirectoryChoices | None = None
        self.setWindowTitle("New service" if service_id is None else "Service")
        self.heading = QLabel("New service")
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.status_line = QLabel()
        self.status_line.setWordWrap(True)
        self.status_line.hide()
        self.problems = QLabel()
        self.problems.setObjectName("warningBanner")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.form_layout = QFormLayout()
        self.form = FormFields(self.form_layout)
        self._build_fields()
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 12, 0)
        column.addWidget(self.problems)
        column.addLayout(self.form_layout)
        column.addStretch()
        self.scroll_area = QScrollArea()  # not ``scroll``: QWidget.scroll is Qt's own
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        self.checked_today = QCheckBox("Details checked with the service toda&y")
        self.checked_today.setToolTip("Saving also marks the entry verified today, by you.")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.reload_button = buttons.addButton("&Reload", QDialogButtonBox.ButtonRole.ResetRole)
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.reload_button.setToolTip("Read the entry again as stored, dropping changes made here.")
        self.reload_button.hide()
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.load)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.checked_today)
        bottom.addStretch()
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_line)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(bottom)
        # As big as the entry needs, within the screen it opens on (a 1366x768 laptop included).
        fit_to_screen(self, EDITOR_SIZE.width(), EDITOR_SIZE.height())
        self.load()

    # Building the form

    def _heading(self, text: str) -> None:
        label = QLabel(text)
        label.setObjectName("subheading")
        self.form_layout.addRow(label)

    def _build_fields(self) -> None:
        self._heading("The service")
        self.organisation_name = _line()
        self.name = _line()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        _show_lines(self.description, DESCRIPTION_LINES)
        self.status = QComboBox()
        for status, label in STATUS_LABELS.items():
            self.status.addItem(label, status.value)
        self.form.add("&Organisation:", self.organisation_name, "organisation_name")
        self.form.add("Service &name:", self.name, "name")
        self.form.add("&Description:", self.description, "description")
        self.form.add("Stat&us:", self.status, "status")
        self.needs = QListWidget()
        self.needs.setFlow(QListView.Flow.TopToBottom)
        self.needs.setWrapping(True)
        self.needs.setResizeMode(QListView.ResizeMode.Adjust)
        self.form.add("&Helps with:", self.needs, "needs", hint="Tick every need it helps with.")

        self._heading("Where and when")
        self.venues = RowList("Add &venue")
        self.venues.empty.setText("No venue yet: add one unless it is run only by phone or online.")
        self.venues.add_button.clicked.connect(lambda: self.add_venue())
        self.sessions = RowList("Add &time")
        self.sessions.empty.setText("No regular times yet.")
        self.sessions.add_button.clicked.connect(lambda: self.add_session())
        self.form.add(
            "Venues:",
            self.venues,
            "locations",
            hint="Distances are measured from a venue's latitude and longitude, or else its postcode "
            "(when the postcode lookup has it); otherwise only its town and district are known.",
        )
        self.form.add(
            "Times:",
            self.sessions,
            "schedules",
            hint=f"Use the 24-hour clock, like 18:30. A session starting at {_clock(EVENING_STARTS_FROM)} "
            f"or later, or running past {_clock(EVENING_ENDS_AFTER)}, counts as an evening.",
        )

        self._heading("Who it is for and how to get there")
        self.cost_kind = QComboBox()
        self.cost_kind.setPlaceholderText("Choose…")
        for cost, label in COST_LABELS.items():
            self.cost_kind.addItem(label, cost.value)
        self.cost_kind.setCurrentIndex(-1)
        self.cost_note = _line(placeholder="Like: £2 a session, first one free")
        self.form.add("&Cost:", self.cost_kind, "cost_kind")
        self.form.add("Cost detai&ls:", self.cost_note, "cost_note")
        self.access_boxes = [QCheckBox(text) for text in ACCESS_FEATURES]
        self.other_access = _line(placeholder="Anything else, separated by semicolons")
        self.other_access.setAccessibleName("Other accessibility")
        access = QWidget()
        grid = QGridLayout(access)
        grid.setContentsMargins(0, 0, 0, 0)
        for number, box in enumerate(self.access_boxes):
            grid.addWidget(box, number // 3, number % 3)
        other = QHBoxLayout()
        other_caption = QLabel("Other:")
        other_caption.setBuddy(self.other_access)
        other.addWidget(other_caption)
        other.addWidget(self.other_access, 1)
        grid.addLayout(other, 2, 0, 1, 3)
        self.form.add("Accessi&bility:", access, "accessibility")
        self.languages = _line(placeholder="Like: English; Polish; BSL")
        self.form.add("Lan&guages:", self.languages, "languages", hint="Separate them with semicolons.")
        self.min_age = _line(placeholder="No lower limit", width=130)
        self.max_age = _line(placeholder="No upper limit", width=130)
        self.min_age.setAccessibleName("Youngest age")
        self.max_age.setAccessibleName("Oldest age")
        ages = QWidget()
        row = QHBoxLayout(ages)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("From"))
        row.addWidget(self.min_age)
        row.addWidget(QLabel("to"))
        row.addWidget(self.max_age)
        row.addWidget(QLabel("years"))
        row.addStretch()
        self.form.add("&Ages:", ages, "min_age", "max_age")
        self.route_boxes = {route.value: QCheckBox(label) for route, label in ACCESS_ROUTE_LABELS.items()}
        routes = QWidget()
        route_row = QHBoxLayout(routes)
        route_row.setContentsMargins(0, 0, 0, 0)
        for box in self.route_boxes.values():
            route_row.addWidget(box)
        route_row.addStretch()
        self.form.add("How to get &in:", routes, "access_routes")
        self.waiting_time = _line(placeholder="Like: about two weeks")
        self.form.add("&Waiting time:", self.waiting_time, "waiting_time")

        self._heading("Contact")
        self.phone = _line(placeholder="01632 960000")
        self.email = _line(placeholder="hello@example.org")
        self.url = _line(placeholder="https://example.org")
        self.form.add("&Phone:", self.phone, "phone")
        self.form.add("&Email:", self.email, "email")
        self.form.add("Web lin&k:", self.url, "url")

        self._heading("Checked")
        self.verified = QLabel()
        self.verified.setWordWrap(True)
        self.verified.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.verify_button = _small_button("&Mark verified today")
        self.verify_button.clicked.connect(self.mark_verified)
        verified = QWidget()
        verified_row = QHBoxLayout(verified)
        verified_row.setContentsMargins(0, 0, 0, 0)
        verified_row.addWidget(self.verified, 1)
        verified_row.addWidget(self.verify_button)
        self.form.add("Last verified:", verified)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.form.add("Record:", self.history)

    # Rows

    def add_venue(self, venue: LocationDetail | None = None) -> VenueRow:
        row = VenueRow(venue)
        row.changed.connect(self._offer_venues)
        row.remove_requested.connect(self._remove_venue)
        self.venues.append(row)
        self._renumber()
        row.name.setFocus()
        return row

    def add_session(
        self, schedule: ScheduleDetail | None = None, venue: VenueRow | None = None
    ) -> SessionRow:
        row = SessionRow(schedule, venue)
        row.remove_requested.connect(self._remove_session)
        self.sessions.append(row)
        self._renumber()
        row.days[Weekday.MO].setFocus()
        return row

    def venue_rows(self) -> list[VenueRow]:
        return [row for row in self.venues.rows if isinstance(row, VenueRow)]

    def session_rows(self) -> list[SessionRow]:
        return [row for row in self.sessions.rows if isinstance(row, SessionRow)]

    def _remove_venue(self, row: VenueRow) -> None:
        self.venues.take(row)
        self._renumber()

    def _remove_session(self, row: SessionRow) -> None:
        self.sessions.take(row)
        self._renumber()

    def _renumber(self) -> None:
        for number, venue in enumerate(self.venue_rows(), 1):
            venue.set_number(number)
        for number, session in enumerate(self.session_rows(), 1):
            session.set_number(number)
        self._offer_venues()
        self._order_tabs()

    def _order_tabs(self) -> None:
        """Tab goes through the rows where they are on the form, not in the order they were added."""
        chain: list[QWidget] = [self.needs]
        for venue in self.venue_rows():
            chain += venue.tab_chain()
        chain.append(self.venues.add_button)
        for session in self.session_rows():
            chain += session.tab_chain()
        chain += [self.sessions.add_button, self.cost_kind]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _offer_venues(self) -> None:
        venues = self.venue_rows()
        for session in self.session_rows():
            session.offer_venues(venues)

    # Reading and showing the entry

    def load(self) -> None:
        """Read the PCN's choices and the stored entry, and show them (dropping edits made here)."""
        outcome = call_service(self, self.workspace, self._open, action="Open the service")
        if not outcome.ok or outcome.value is None:
            self.save_button.setEnabled(False)
            self._say(outcome.refusal or "The service could not be opened.", problem=True)
            return
        self.choices = outcome.value.choices
        self.detail = outcome.value.detail
        self.form.clear_messages()
        self.status_line.hide()
        self.reload_button.hide()
        self._show(self.choices, self.detail)
        if not self.choices.may_edit:
            self._make_read_only()

    def _open(self, session: Unit) -> _Opened:
        detail = (
            None if self.service_id is None else directory.get_service(session, self.actor, self.service_id)
        )
        return _Opened(directory.choices(session, self.actor), detail)

    def _show(self, choices: DirectoryChoices, detail: ServiceDetail | None) -> None:
        if detail is not None:
            self.heading.setText(detail.name)
            self.setWindowTitle(f"Service: {detail.name}")
        self.organisation_name.setText(detail.organisation_name if detail else "")
        self.name.setText(detail.name if detail else "")
        self.description.setPlainText(_text(detail and detail.description))
        self.status.setCurrentIndex(self.status.findData(detail.status.value) if detail else 0)
        self._show_needs(choices, detail.needs if detail else ())
        for row in list(self.venues.rows):
            self.venues.take(row)
        for row in list(self.sessions.rows):
            self.sessions.take(row)
        venues = {venue.id: self.add_venue(venue) for venue in (detail.locations if detail else ())}
        for schedule in detail.schedules if detail else ():
            self.add_session(schedule, venues.get(schedule.location_id) if schedule.location_id else None)
        self.cost_kind.setCurrentIndex(self.cost_kind.findData(detail.cost_kind.value) if detail else -1)
        self.cost_note.setText(_text(detail and detail.cost_note))
        self._show_accessibility(detail.accessibility if detail else ())
        self.languages.setText("; ".join(detail.languages) if detail else "")
        self.min_age.setText(_text(detail and detail.min_age))
        self.max_age.setText(_text(detail and detail.max_age))
        for route, box in self.route_boxes.items():
            box.setChecked(detail is not None and route in detail.access_routes)
        self.waiting_time.setText(_text(detail and detail.waiting_time))
        self.phone.setText(_text(detail and detail.phone))
        self.email.setText(_text(detail and detail.email))
        self.url.setText(_text(detail and detail.url))
        self.checked_today.setChecked(False)
        self._show_checked(detail)
        self.problems.setVisible(bool(detail and detail.import_problems))
        if detail and detail.import_problems:
            listed = "\n".join(f"• {problem}" for problem in detail.import_problems)
            self.problems.setText(
                f"The import found problems with this entry:\n{listed}\n"
                "Check them with the service; saving the checked entry clears this list."
            )
        self.scroll_area.verticalScrollBar().setValue(0)
        self.organisation_name.setFocus()

    def _show_needs(self, choices: DirectoryChoices, ticked: tuple[str, ...]) -> None:
        self.needs.clear()
        offered = [(need.code, need.label) for need in choices.needs]
        known = {code for code, _label in offered}
        # A need the PCN has since stopped using stays visible, so the user sees why it is refused.
        offered += [(code, f"{code} (no longer in use)") for code in ticked if code not in known]
        for code, label in offered:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)
            self.needs.addItem(item)
        if not offered:
            return
        metrics = self.needs.fontMetrics()
        widest = max(metrics.horizontalAdvance(label) for _code, label in offered)
        row_height = self.needs.sizeHintForRow(0)
        self.needs.setGridSize(QSize(widest + 40, row_height))
        rows = -(-len(offered) // NEEDS_COLUMNS)
        frame = 2 * self.needs.frameWidth() + self.needs.horizontalScrollBar().sizeHint().height()
        self.needs.setFixedHeight(row_height * rows + frame + 4)

    def _show_accessibility(self, items: tuple[str, ...]) -> None:
        boxes = {box.text().casefold(): box for box in self.access_boxes}
        for box in self.access_boxes:
            box.setChecked(False)
        others: list[str] = []
        for item in items:
            named = boxes.get(item.casefold())
            if named is None:
                others.append(item)
            else:
                named.setChecked(True)
        self.other_access.setText("; ".join(others))

    def _show_checked(self, detail: ServiceDetail | None) -> None:
        if detail is None:
            self.verified.setText("Not yet: tick “Details checked with the service today” when saving.")
            self.history.setText("New entry for this PCN's directory.")
            self.verify_button.hide()
            return
        if detail.last_verified_on is None:
            verified = "Never verified."
        else:
            verified = (
                f"{_day(detail.last_verified_on)} by {detail.verified_by or 'someone no longer listed'}."
            )
        if detail.stale:
            months = self.choices.stale_after_months if self.choices else 0
            verified += f" Stale: not verified in the last {months} months."
        self.verified.setText(verified)
        self.verify_button.setVisible(True)
        where = "the shared directory" if detail.shared else "this PCN's directory"
        source = f", Open Referral id {detail.oruk_id}" if detail.oruk_id else ""
        changed = f"{_day(detail.updated_at.date())}" + (
            f" by {detail.updated_by}" if detail.updated_by else ""
        )
        usage = detail.usage
        self.history.setText(
            f"On {where}{source}. Last changed {changed}. "
            f"Used for {usage.people.text} {'person' if usage.people.exact == 1 else 'people'} "
            f"here; {usage.attended.text} attended." + (f" {usage.note}" if usage.note else "")
        )

    def _make_read_only(self) -> None:
        """The role may read the directory but not change it: every field shows, none takes input."""
        for edit in self.findChildren(QLineEdit):
            edit.setReadOnly(True)
        self.description.setReadOnly(True)
        for widget in (*self.findChildren(QCheckBox), *self.findChildren(QComboBox)):
            widget.setEnabled(False)
        for number in range(self.needs.count()):
            self.needs.item(number).setFlags(Qt.ItemFlag.ItemIsEnabled)
        for button in (
            self.venues.add_button,
            self.sessions.add_button,
            self.verify_button,
            self.save_button,
            self.checked_today,
            *(row.remove for row in self.venue_rows()),
            *(row.remove for row in self.session_rows()),
        ):
            button.hide()
        self.cancel_button.setText("Close")
        self._say("Your role can read the directory but not change it.", problem=False)

    # The entry as typed

    def ticked_needs(self) -> tuple[str, ...]:
        return tuple(
            self.needs.item(number).data(Qt.ItemDataRole.UserRole)
            for number in range(self.needs.count())
            if self.needs.item(number).checkState() == Qt.CheckState.Checked
        )

    def entry(self) -> ServiceEntry:
        ticked = [box.text() for box in self.access_boxes if box.isChecked()]
        return ServiceEntry(
            organisation_name=self.organisation_name.text(),
            name=self.name.text(),
            description=self.description.toPlainText(),
            needs=self.ticked_needs(),
            locations=tuple(row.entry() for row in self.venue_rows()),
            schedules=tuple(row.entry() for row in self.session_rows()),
            cost_kind=self.cost_kind.currentData() or "",
            cost_note=self.cost_note.text(),
            accessibility="; ".join([*ticked, self.other_access.text()]),
            languages=self.languages.text(),
            min_age=self.min_age.text(),
            max_age=self.max_age.text(),
            access_routes=tuple(route for route, box in self.route_boxes.items() if box.isChecked()),
            url=self.url.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            waiting_time=self.waiting_time.text(),
            status=self.status.currentData() or "",
        )

    # Saving

    def save(self) -> None:
        """Check the whole entry, every problem beside its field; write only when all is well."""
        if self.choices is None or not self.choices.may_edit:
            return
        entry = self.entry()
        self.form.clear_messages()
        self._mark_rows(())
        try:
            parse_service(entry, {need.code: need.label for need in self.choices.needs})
        except FormErrors as errors:
            for error in errors.errors:
                self.form.show_message(error.field, error.message)
            self._mark_rows(tuple(error.message for error in errors.errors))
            count = len({error.field for error in errors.errors})
            self._say(
                f"Nothing saved yet: {count} {'field needs' if count == 1 else 'fields need'} checking "
                "(the messages in red).",
                problem=True,
            )
            self._show_first_problem()
            return
        verified = self.checked_today.isChecked()
        outcome = call_service(
            self,
            self.workspace,
            lambda session: self._write(session, entry, verified),
            action="Save the service",
            form=self.form,
        )
        if outcome.ok and outcome.value is not None:
            self.detail = outcome.value
            self.saved.emit(outcome.value.id)
            self.accept()
            return
        if self.service_id is not None:
            self.reload_button.show()
        self._say(
            "Not saved. Your changes are still here. If someone else saved this entry meanwhile, "
            "note what you changed, then Reload to see their version.",
            problem=True,
        )
        self._show_first_problem()

    def _mark_rows(self, messages: tuple[str, ...]) -> None:
        """Outline each venue or time a message names ("Venue 2: ..."), and no other."""
        rows: list[VenueRow | SessionRow] = [*self.venue_rows(), *self.session_rows()]
        for row in rows:
            mark_row(row, any(message.startswith(f"{row.title.text()}:") for message in messages))

    def _write(self, session: Unit, entry: ServiceEntry, verified: bool) -> ServiceDetail:
        if self.detail is None:
            return directory.create_service(session, self.actor, entry, verified=verified)
        return directory.update_service(
            session, self.actor, self.detail.id, self.detail.version, entry, verified=verified
        )

    def _show_first_problem(self) -> None:
        focused = self.focusWidget()
        content = self.scroll_area.widget()
        if focused is not None and content is not None and content.isAncestorOf(focused):
            self.scroll_area.ensureWidgetVisible(focused)

    def mark_verified(self) -> None:
        """Record that the stored details were checked with the service today; edits stay as typed."""
        if self.detail is None:
            return
        current = self.detail
        outcome = call_service(
            self,
            self.workspace,
            lambda session: directory.mark_verified(session, self.actor, current.id, current.version),
            action="Mark verified",
        )
        if outcome.ok and outcome.value is not None:
            self.detail = outcome.value
            self._show_checked(outcome.value)
            self._say(f"Marked verified today by {self.actor.full_name}.", problem=False)
            self.saved.emit(outcome.value.id)
        elif self.service_id is not None:
            self.reload_button.show()

    def _say(self, text: str, *, problem: bool) -> None:
        self.status_line.setObjectName("fieldMessage" if problem else "fieldHint")
        self.status_line.setText(text)
        self.status_line.style().unpolish(self.status_line)
        self.status_line.style().polish(self.status_line)
        self.status_line.show()
