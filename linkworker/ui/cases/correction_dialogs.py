"""The forms that correct a case's person and its referral after they were saved.

Each form starts from the details as saved (a sheet from ``services.corrections``), checks what
is typed with the new referral form's own rules, every field's problem beside it at once, and
saves over the version the user saw. If a colleague saved the person or the case meanwhile, the
save is refused: the form stays open with the user's corrections, takes in the colleague's
changes to the fields the user did not touch, and says in a banner who changed what and, for a
field both changed, what theirs says. Saving again applies the user's over theirs; Cancel
leaves theirs.

A consent to share is a tick with a day: ticked, the day they agreed (today when newly ticked);
unticked after being given, the day they withdrew.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Generic, TypeVar

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain import nhs_number
from linkworker.domain.corrections import Consent, consent_after
from linkworker.domain.errors import FormErrors, ValidationError
from linkworker.domain.intake import (
    CONTACT_METHOD_LABELS,
    ETHNIC_LABELS,
    SEX_LABELS,
    SOURCE_LABELS,
    URGENCY_LABELS,
    PersonDetails,
    PersonEntry,
    ReferralDetails,
    ReferralEntry,
    check_referral_for,
    parse_person,
    parse_referral,
)
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.services.cases import corrections
from linkworker.services.cases.corrections import (
    ConsentDays,
    DetailsChanged,
    PersonSheet,
    PracticeChoice,
    ReferralSheet,
)
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.cases.case_dialogs import text_box
from linkworker.ui.cases.case_sections import transparent_scroll
from linkworker.ui.cases.referral_form import FormGroup
from linkworker.ui.shell.screen import fit_to_screen
from linkworker.ui.widgets.date_field import DateField
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields, plain_label

Sheet = TypeVar("Sheet", PersonSheet, ReferralSheet)
# A field as the form holds it: text, a choice's value, a tick, a tuple of needs, or a consent
# (its tick and the day typed beside it).
Value = object


def _combo(choices: Iterable[tuple[str, str]]) -> QComboBox:
    """A drop-down of (shown text, value the rules read) pairs, as wide as its column allows:
    a long choice ("Asian or Asian British: Bangladeshi") does not push it onto a row of its own."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def _choose(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(max(combo.findData(value), 0))


def _practices(practices: Iterable[PracticeChoice], none: str | None) -> QComboBox:
    choices = [(practice.label, practice.ods_code) for practice in practices]
    return _combo(([(none, "")] if none else []) + choices)


class ConsentField(QWidget):
    """A consent to share: "They consent", and the day beside it when it has one (the day they
    agreed, or the day they withdrew a consent given before)."""

    def __init__(self, field: str, whom: str) -> None:
        super().__init__()
        self.recorded = Consent(False, None, None)
        self.box = QCheckBox("They consent")
        self.box.setToolTip(f"The person agrees that what is recorded here is shared with {whom}")
        self.when = QLabel()
        self.day = DateField(what="day")
        self.day.field = field
        self.when.setBuddy(self.day)
        self.whom = whom
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addSpacing(12)
        layout.addWidget(self.when)
        layout.addWidget(self.day)
        layout.addStretch(1)
        self.setFocusProxy(self.box)
        self.box.toggled.connect(self._answered)

    def load(self, consent: Consent, shown: date | None) -> None:
        """Show the consent as recorded, with the day the form shows beside it."""
        self.recorded = consent
        self.put(consent.given, shown)

    def put(self, given: bool, day: date | None) -> None:
        with QSignalBlocker(self.box):
            self.box.setChecked(given)
        self._show(day)

    def _answered(self, given: bool) -> None:
        """Ticked or unticked by the user: the day recorded for that answer, else today."""
        if given == self.recorded.given:
            self._show(self.recorded.given_on if given else self.recorded.withdrawn_on)
        else:
            self._show(date.today())

    def has_day(self) -> bool:
        return self.box.isChecked() or self.recorded.was_given

    def _show(self, day: date | None) -> None:
        given = self.box.isChecked()
        words = "agreed on" if given else "withdrew on"
        self.when.setText("&agreed on:" if given else "&withdrew on:")
        self.day.setAccessibleName(f"Day they {words.split()[0]} to share with {self.whom}")
        for part in (self.when, self.day):
            part.setVisible(self.has_day())
        if day is None:
            self.day.clear()
        else:
            self.day.set_value(day)

    def answer(self) -> tuple[bool, date | None]:
        """The tick and its day; a ``ValidationError`` when the day typed is not a date."""
        return self.box.isChecked(), (self.day.value() if self.has_day() else None)

    def typed(self) -> tuple[bool, str]:
        """The tick and the day as typed, for comparing with what is saved."""
        return self.box.isChecked(), self.day.text().strip() if self.has_day() else ""


class NeedsList(QListWidget):
    """The PCN's needs to tick, read down then across in three columns, every need in view."""

    COLUMNS = 3

    def __init__(self) -> None:
        super().__init__()
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)

    def offer(self, needs: Iterable[corrections.NeedChoice]) -> None:
        self.clear()
        for need in needs:
            item = QListWidgetItem(need.label)
            item.setData(Qt.ItemDataRole.UserRole, need.code)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        if self.count():
            widest = max(
                self.fontMetrics().horizontalAdvance(self.item(row).text()) for row in range(self.count())
            )
            row_height = self.sizeHintForRow(0)
            self.setGridSize(QSize(widest + 40, row_height))
            rows = -(-self.count() // self.COLUMNS)
            frame = 2 * self.frameWidth() + self.horizontalScrollBar().sizeHint().height()
            self.setFixedHeight(row_height * rows + frame + 4)

    def ticked(self) -> tuple[str, ...]:
        return tuple(
            self.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        )

    def tick(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for row in range(self.count()):
            item = self.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def labels(self, codes: Iterable[str]) -> str:
        wanted = set(codes)
        return ", ".join(
            self.item(row).text()
            for row in range(self.count())
            if self.item(row).data(Qt.ItemDataRole.UserRole) in wanted
        )


class CorrectionDialog(QDialog, Generic[Sheet]):
    """A form over one sheet: two columns of fields, a banner for a colleague's change, and Save.

    ``saved`` holds the sheet as saved once the form closes with Save; ``overtaken`` is emitted
    when a save was refused over a colleague's change, for the screen behind to show it.
    """

    overtaken = Signal()

    def __init__(
        self,
        workspace: Workspace,
        sheet: Sheet,
        title: str,
        intro: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.sheet: Sheet = sheet
        self.saved: Sheet | None = None
        self.captions: dict[str, str] = {}
        self.setWindowTitle(title)
        self.introduction = QLabel(intro)
        self.introduction.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setObjectName("warningBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        # Two columns, then rows across the whole width, then lists under their label.
        self.left, self.right, self.below, self.bottom = (QFormLayout() for _ in range(4))
        self.forms = [FormFields(layout) for layout in (self.left, self.right, self.below, self.bottom)]
        self.bottom.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for form in (self.left, self.right, self.below, self.bottom):
            form.setVerticalSpacing(8)  # the whole form in view on a 1366x768 screen
        self.form = FormGroup(self, *self.forms)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(self.left, 1)
        columns.addLayout(self.right, 1)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 12, 0)
        body.addLayout(columns)
        body.addLayout(self.below)
        body.addLayout(self.bottom)
        body.addStretch()
        self.scroll_area = transparent_scroll(content)  # not ``scroll``: QWidget.scroll is Qt's own
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save corrections", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.introduction)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(buttons)

    def add(self, column: int, caption: str, editor: QWidget, field: str, hint: str | None = None) -> None:
        self.forms[column].add(caption, editor, field, hint=hint)
        self.captions[field] = plain_label(caption)

    def fit(self, width: int | None = None) -> None:
        """As tall as the form (and any banner or messages shown), within the screen: the form
        scrolls only on a small screen."""
        width = width or self.width()
        content = self.scroll_area.widget()
        assert content is not None  # the form's content, set in __init__
        content.adjustSize()
        height = (
            content.sizeHint().height() + self.sizeHint().height() - self.scroll_area.sizeHint().height() + 8
        )
        fit_to_screen(self, width, max(height, self.height()) if self.isVisible() else height)

    # What each form says about its fields

    def values(self, sheet: Sheet) -> dict[str, Value]:
        """Each field as the form holds it for ``sheet``."""
        raise NotImplementedError

    def typed(self) -> dict[str, Value]:
        """Each field as the form holds it now."""
        raise NotImplementedError

    def put(self, field: str, value: Value) -> None:
        """Show ``value`` in ``field``, as ``values`` gives it."""
        raise NotImplementedError

    def words(self, field: str, value: Value) -> str:
        """How ``value`` of ``field`` reads, for the banner."""
        raise NotImplementedError

    def checked(self) -> object | None:
        """What the service takes, every problem shown beside its field; None when any."""
        raise NotImplementedError

    def work(self, session: Unit, checked: object) -> Sheet:
        raise NotImplementedError

    def became(self, sheet: Sheet) -> None:
        """The form now stands over ``sheet`` (a colleague's save): what it records beyond the fields."""
        self.sheet = sheet

    # Saving

    def show_problems(self, problems: Iterable[ValidationError]) -> bool:
        """Show each problem beside its field; True when there were none."""
        shown = False
        for problem in problems:
            if not self.form.show_message(problem.field, problem.message):
                raise problem
            shown = True
        return not shown

    def save(self) -> None:
        self.form.clear_messages()
        checked = self.checked()
        if checked is None:
            self._show_first_problem()
            return
        refused: list[DetailsChanged] = []

        def work(session: Unit) -> Sheet:
            try:
                return self.work(session, checked)
            except DetailsChanged as refusal:
                refused.append(refusal)
                raise

        outcome = call_service(self, self.workspace, work, action=self.windowTitle(), form=self.form)
        if outcome.ok and outcome.value is not None:
            self.saved = outcome.value
            self.accept()
            return
        if refused:
            self.catch_up(refused[0])
        self._show_first_problem()

    def _show_first_problem(self) -> None:
        self.fit()  # room for the messages or the banner now shown
        focused = self.focusWidget()
        if focused is not None:
            self.scroll_area.ensureWidgetVisible(focused, 40, 60)

    def catch_up(self, refusal: DetailsChanged) -> None:
        """Stand over the colleague's save: their change in each field the user left alone, the
        user's kept where both changed, and the banner saying which is which."""
        theirs_sheet = refusal.sheet
        assert isinstance(theirs_sheet, type(self.sheet))
        base, theirs, mine = self.values(self.sheet), self.values(theirs_sheet), self.typed()
        taken: list[str] = []
        kept: list[str] = []
        for field, before in base.items():
            if theirs[field] == before:
                continue
            caption = self.captions[field].lower()
            if mine[field] == before:
                self.put(field, theirs[field])
                taken.append(caption)
            else:
                kept.append(f"{caption} (theirs: {self.words(field, theirs[field]) or 'nothing'})")
        self.became(theirs_sheet)
        said = [refusal.summary]
        if taken:
            said.append(f"Their {_listed(taken)} {'is' if len(taken) == 1 else 'are'} now in the form.")
        if kept:
            said.append(f"You changed their {_listed(kept)} too: yours is kept in the form.")
        if not (taken or kept):
            said.append("None of the details in this form changed.")
        said.append("Save again to apply your corrections over theirs, or Cancel to leave theirs.")
        self.banner.setText("\n".join(said))
        self.banner.setAccessibleDescription(self.banner.text())
        self.banner.show()
        self.overtaken.emit()


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


_DAY_HINT = "Day/month/year, like 02/11/1948."
_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnic_category",
    "registered_practice_ods",
    "language",
    "interpreter_needed",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "mobile",
    "email",
    "preferred_contact_method",
    "preferred_contact_times",
    "accessibility_needs",
)


class PersonDialog(CorrectionDialog[PersonSheet]):
    """Correct the person: name (as a change of name), date of birth, sex, ethnic group, address,
    phone, email, how to contact them, language and interpreter, practice."""

    def __init__(self, workspace: Workspace, sheet: PersonSheet, parent: QWidget | None = None) -> None:
        entry = sheet.entry
        number = nhs_number.formatted(sheet.nhs_number) if sheet.nhs_number else "not known"
        super().__init__(
            workspace,
            sheet,
            f"Edit person: {entry.given_name} {entry.family_name}",
            "Correct what is recorded about the person; each change is kept in the case's history "
            "with what it was before. A new name is recorded as a change of name, and the earlier "
            "one stays in their history; a name only spelt wrongly (capitals, a hyphen) is put right. "
            f"The NHS number ({number}) is not changed here.",
            parent,
        )
        self.given_name = QLineEdit()
        self.family_name = QLineEdit()
        self.date_of_birth = DateField(what="date of birth")
        self.date_of_birth.set_calendar_range(None, date.today())
        self.sex = _combo(
            [(SEX_LABELS[Sex.NOT_KNOWN], Sex.NOT_KNOWN.value)]
            + [(label, sex.value) for sex, label in SEX_LABELS.items() if sex is not Sex.NOT_KNOWN]
        )
        self.ethnic_category = _combo(
            [(ETHNIC_LABELS[EthnicCategory.NOT_KNOWN], EthnicCategory.NOT_KNOWN.value)]
            + [
                (label, category.value)
                for category, label in ETHNIC_LABELS.items()
                if category is not EthnicCategory.NOT_KNOWN
            ]
        )
        self.registered_practice = _practices(sheet.practices, "Not known, or outside this PCN")
        self.language = QLineEdit()
        self.interpreter_needed = QCheckBox("An interpreter is needed")
        self.address_line_1 = QLineEdit()
        self.address_line_2 = QLineEdit()
        self.town = QLineEdit()
        self.postcode = QLineEdit()
        self.phone = QLineEdit()
        self.mobile = QLineEdit()
        self.email = QLineEdit()
        self.preferred_contact_method = _combo(
            [("No preference", "")]
            + [(label, method.value) for method, label in CONTACT_METHOD_LABELS.items()]
        )
        self.preferred_contact_times = QLineEdit()
        self.accessibility_needs = text_box(2)

        self.add(0, "&Given name:", self.given_name, "given_name")
        self.add(0, "&Family name:", self.family_name, "family_name")
        self.add(0, "Date of &birth:", self.date_of_birth, "date_of_birth", hint=_DAY_HINT)
        self.add(0, "Se&x:", self.sex, "sex")
        self.add(0, "&Ethnic group:", self.ethnic_category, "ethnic_category")
        self.add(0, "Registered &practice:", self.registered_practice, "registered_practice_ods")
        self.add(0, "La&nguage:", self.language, "language", hint="If not English.")
        self.add(0, "&Interpreter:", self.interpreter_needed, "interpreter_needed")
        self.add(1, "&Address:", self.address_line_1, "address_line_1")
        self.add(1, "Address line &2:", self.address_line_2, "address_line_2")
        self.add(1, "T&own:", self.town, "town")
        self.add(1, "Post&code:", self.postcode, "postcode")
        self.add(1, "P&hone:", self.phone, "phone")
        self.add(1, "&Mobile:", self.mobile, "mobile")
        self.add(1, "Emai&l:", self.email, "email")
        self.add(1, "Contact b&y:", self.preferred_contact_method, "preferred_contact_method")
        self.add(1, "Best &times:", self.preferred_contact_times, "preferred_contact_times")
        self.add(1, "Accessibility nee&ds:", self.accessibility_needs, "accessibility_needs")
        self.load(sheet)
        self.fit(980)
        self.given_name.setFocus()

    def load(self, sheet: PersonSheet) -> None:
        for field, value in self.values(sheet).items():
            self.put(field, value)

    def values(self, sheet: PersonSheet) -> dict[str, Value]:
        return {field: getattr(sheet.entry, field) for field in _PERSON_FIELDS}

    def _editor(self, field: str) -> QWidget:
        return getattr(self, "registered_practice" if field == "registered_practice_ods" else field)

    def typed(self) -> dict[str, Value]:
        return {field: _read(self._editor(field)) for field in _PERSON_FIELDS}

    def put(self, field: str, value: Value) -> None:
        _write(self._editor(field), value)

    def words(self, field: str, value: Value) -> str:
        return _words(self._editor(field), value)

    def entry(self) -> PersonEntry:
        """The fields as typed: text, and the interpreter box ticked or not."""
        text = {field: str(value) for field, value in self.typed().items() if field != "interpreter_needed"}
        return PersonEntry(
            nhs_number=self.sheet.entry.nhs_number,
            interpreter_needed=self.interpreter_needed.isChecked(),
            **text,
        )

    def checked(self) -> PersonDetails | None:
        try:
            return parse_person(self.entry(), date.today(), self.sheet.practice_ids)
        except FormErrors as errors:
            self.show_problems(errors.errors)
            return None

    def work(self, session: Unit, checked: object) -> PersonSheet:
        assert isinstance(checked, PersonDetails)
        return corrections.correct_person(session, self.actor, self.sheet, checked)


_REFERRAL_FIELDS = (
    "referring_practice_ods",
    "source",
    "referrer_name",
    "received_on",
    "urgency",
    "consent_share_gp",
    "consent_share_services",
    "notes",
    "needs",
)


class ReferralDialog(CorrectionDialog[ReferralSheet]):
    """Correct the referral: referring practice, source, referrer, date received, needs, urgency,
    the consents to share with the day of each, and the notes."""

    def __init__(
        self,
        workspace: Workspace,
        sheet: ReferralSheet,
        person_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            workspace,
            sheet,
            f"Edit referral: {person_name}",
            "Correct what the referral says; each change is kept in the case's history with what it "
            "was before. Tick a consent the person has given since, with the day they agreed; untick "
            "one they have withdrawn, with the day they withdrew.",
            parent,
        )
        self.referring_practice = _practices(sheet.practices, None)
        self.source = _combo([(label, source.value) for source, label in SOURCE_LABELS.items()])
        self.referrer_name = QLineEdit()
        self.received_on = DateField(what="date the referral was received")
        self.received_on.set_calendar_range(None, date.today())
        self.urgency = _combo([(label, urgency.value) for urgency, label in URGENCY_LABELS.items()])
        self.consent_share_gp = ConsentField("consent_share_gp", "their GP")
        self.consent_share_services = ConsentField(
            "consent_share_services", "the services they are connected to"
        )
        self.notes = text_box(5)
        self.needs = NeedsList()
        self.needs.offer(sheet.needs)

        self.add(0, "&Referring practice:", self.referring_practice, "referring_practice_ods")
        self.add(0, "S&ource:", self.source, "source")
        self.add(
            0, "Re&ferrer:", self.referrer_name, "referrer_name", hint="Who referred them, like Dr A Quill."
        )
        self.add(0, "&Date received:", self.received_on, "received_on", hint=_DAY_HINT)
        self.add(0, "&Urgency:", self.urgency, "urgency")
        self.add(1, "&Notes:", self.notes, "notes")
        self.add(2, "Share with their &GP:", self.consent_share_gp, "consent_share_gp")
        self.add(2, "Share with ser&vices:", self.consent_share_services, "consent_share_services")
        self.add(
            3,
            "N&eeds:",
            self.needs,
            "needs",
            hint="Tick every need the referral is about: arrow keys move, the space bar ticks.",
        )
        self.load(sheet)
        self.fit(1000)
        self.referring_practice.setFocus()

    def load(self, sheet: ReferralSheet) -> None:
        self.became(sheet)
        for field, value in self.values(sheet).items():
            self.put(field, value)

    def became(self, sheet: ReferralSheet) -> None:
        super().became(sheet)
        self.consent_share_gp.recorded = sheet.gp
        self.consent_share_services.recorded = sheet.services

    def values(self, sheet: ReferralSheet) -> dict[str, Value]:
        held: dict[str, Value] = {field: getattr(sheet.entry, field) for field in _REFERRAL_FIELDS}
        days = sheet.consent_days
        held["consent_share_gp"] = (sheet.gp.given, _typed_day(days.gp))
        held["consent_share_services"] = (sheet.services.given, _typed_day(days.services))
        return held

    def _editor(self, field: str) -> QWidget:
        return getattr(self, "referring_practice" if field == "referring_practice_ods" else field)

    def typed(self) -> dict[str, Value]:
        return {field: _read(self._editor(field)) for field in _REFERRAL_FIELDS}

    def put(self, field: str, value: Value) -> None:
        _write(self._editor(field), value)

    def words(self, field: str, value: Value) -> str:
        return _words(self._editor(field), value)

    def entry(self) -> ReferralEntry:
        typed = self.typed()
        return ReferralEntry(
            referring_practice_ods=str(typed["referring_practice_ods"]),
            source=str(typed["source"]),
            referrer_name=str(typed["referrer_name"]),
            received_on=str(typed["received_on"]),
            needs=self.needs.ticked(),
            consent_share_gp=self.consent_share_gp.box.isChecked(),
            consent_share_services=self.consent_share_services.box.isChecked(),
            urgency=str(typed["urgency"]),
            notes=str(typed["notes"]),
        )

    def checked(self) -> tuple[ReferralDetails, ConsentDays] | None:
        today = date.today()
        problems: list[ValidationError] = []
        details: ReferralDetails | None = None
        try:
            details = parse_referral(self.entry(), today, self.sheet.need_labels, self.sheet.practice_ids)
            check_referral_for(self.sheet.born, details)
        except FormErrors as errors:
            problems.extend(errors.errors)
        except ValidationError as problem:
            problems.append(problem)
        days: list[date | None] = []
        for field, consent in (
            ("consent_share_gp", self.consent_share_gp),
            ("consent_share_services", self.consent_share_services),
        ):
            try:
                given, day = consent.answer()
                consent_after(consent.recorded, given, day, born=self.sheet.born, today=today, field=field)
                days.append(day)
            except ValidationError as problem:
                problems.append(problem)
        if not self.show_problems(problems) or details is None:
            return None
        return details, ConsentDays(days[0], days[1])

    def work(self, session: Unit, checked: object) -> ReferralSheet:
        assert isinstance(checked, tuple)
        details, days = checked
        return corrections.correct_referral(session, self.actor, self.sheet, details, days)

    def focus_on(self, field: str) -> None:
        """Put the keyboard in ``field``'s first box (the GP panel asks for the GP consent)."""
        editor = self._editor(field)
        target = editor.box if isinstance(editor, ConsentField) else editor
        target.setFocus()
        self.scroll_area.ensureWidgetVisible(target)


def _typed_day(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def _read(editor: QWidget) -> Value:
    """A field's value as the form holds it."""
    if isinstance(editor, ConsentField):
        return editor.typed()
    if isinstance(editor, NeedsList):
        return editor.ticked()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    assert isinstance(editor, QLineEdit)
    return editor.text()


def _write(editor: QWidget, value: Value) -> None:
    if isinstance(editor, ConsentField):
        assert isinstance(value, tuple)
        given, typed = value
        editor.put(bool(given), None)
        editor.day.setText(str(typed))
    elif isinstance(editor, NeedsList):
        assert isinstance(value, tuple)
        editor.tick(value)
    elif isinstance(editor, QComboBox):
        _choose(editor, str(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText(str(value))
    else:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(value))


def _words(editor: QWidget, value: Value) -> str:
    """How a value reads in the banner: a choice by its label, a tick as yes or no."""
    if isinstance(editor, ConsentField):
        assert isinstance(value, tuple)
        given, typed = value
        return f"agreed on {typed}" if given else (f"withdrew on {typed}" if typed else "not given")
    if isinstance(editor, NeedsList):
        assert isinstance(value, tuple)
        return editor.labels(value)
    if isinstance(editor, QComboBox):
        index = editor.findData(value)
        return editor.itemText(index) if index >= 0 else str(value)
    if isinstance(editor, QCheckBox):
        return "yes" if value else "no"
    return " ".join(str(value).split())
