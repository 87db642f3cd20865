"""The New referral screen: find the person first, reuse their record or add a new one, then
record the referral.

A link worker searches by NHS number, or by name and date of birth; people already on record
who may be the same person are listed with the reason. Nothing is saved until every field is
valid: the domain rules report every field's problem at once, each shown beside its field, and
the person and the referral are written together in one unit of work. Before a new person is
added, the search runs again with the details as finally typed, so a duplicate the first search
could not see is shown before it is created. A recorded person with the same NHS number and date
of birth under another name is not used silently: the form asks whether it is a change of name,
and either records the new name with the referral (the earlier one stays in their history) or
goes back to correct what was typed. A recorded person who already has an open case in the PCN is
not referred again without a word: the form says so as soon as their record is used, and again
on saving if a case opened meanwhile, and offers to open that case (``case_requested``) or to
refer anyway.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from linkworker.domain import nhs_number, postcode
from linkworker.domain.dates import EXAMPLE_DATE
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
    case_number,
    check_referral_for,
    parse_date_of_birth,
    parse_person,
    parse_referral,
)
from linkworker.domain.name_change import PersonName
from linkworker.domain.people import EthnicCategory, Sex
from linkworker.domain.person import age_text, parse_name
from linkworker.domain.referrals import Urgency
from linkworker.services.actor import Actor
from linkworker.services.administration import organisation
from linkworker.services.administration.organisation import PracticeSummary
from linkworker.services.cases import needs, people, referrals
from linkworker.services.cases.needs import Need
from linkworker.services.cases.people import PersonMatch, PersonSummary
from linkworker.services.cases.referrals import OpenCase, ReferralSummary
from linkworker.services.directory import postcodes
from linkworker.services.workspace import Unit, Workspace
from linkworker.ui.widgets.display import status_label
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

NEEDS_COLUMNS = 3
_DATE_HINT = f"Day/month/year, like {EXAMPLE_DATE}."


def _born(day: date) -> str:
    return f"{day:%d %b %Y}"


def _nhs_text(digits: str | None) -> str:
    return nhs_number.formatted(digits) if digits else "Not known"


MATCH_COLUMNS: list[Column[PersonMatch]] = [
    Column("Name", lambda m: f"{m.person.given_name} {m.person.family_name}"),
    Column("NHS number", lambda m: _nhs_text(m.person.nhs_number)),
    Column("Born", lambda m: _born(m.person.date_of_birth)),
    Column("Postcode", lambda m: m.person.postcode or ""),
    Column("Registered at", lambda m: m.person.registered_practice or ""),
    Column("Open cases", lambda m: str(m.open_referrals), numeric=True),
    Column("Why shown", lambda m: m.reason[:1].upper() + m.reason[1:]),
]


@dataclass(frozen=True)
class _Lists:
    """What the form offers: this PCN's needs and practices, read when the screen opens."""

    needs: list[Need]
    practices: list[PracticeSummary]
    referring: dict[str, int]


def _lists(session: Unit, actor: Actor) -> _Lists:
    return _Lists(
        needs.needs_for(session, actor),
        organisation.list_practices(session, actor),
        referrals.referring_practices(session, actor),
    )


class FormGroup:
    """Several ``FormFields`` shown as one form: a refusal goes beside whichever holds its field,
    and the first problem keeps the focus, however many forms report one."""

    def __init__(self, owner: QWidget, *forms: FormFields) -> None:
        self.owner = owner
        self.forms = forms
        self._first: QWidget | None = None

    def clear_messages(self) -> None:
        self._first = None
        for form in self.forms:
            form.clear_messages()

    def show_message(self, field: str, message: str) -> bool:
        for form in self.forms:
            if form.show_message(field, message):
                if self._first is None:
                    self._first = self.owner.window().focusWidget()
                else:
                    self._first.setFocus()
                return True
        return False

    def message(self, field: str) -> str:
        for form in self.forms:
            try:
                return form.message(field)
            except KeyError:
                continue
        raise KeyError(field)


def _combo(choices: Iterable[tuple[str, str]]) -> QComboBox:
    """A drop-down of (shown text, value the rules read) pairs."""
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def _notes(lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 16)
    return edit


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("subheading")
    return label


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet("color: #D8DDE0;")
    return line


class NewReferralView(QWidget):
    """Emits ``referral_created`` with the new referral's id once it is saved, and
    ``case_requested`` with the id of a case to open instead (the person's open case)."""

    referral_created = Signal(int)
    case_requested = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = workspace.actor
        self.lists = _Lists([], [], {})
        self.chosen: PersonSummary | None = None
        self.new_name: PersonName | None = None  # the chosen person's new name, recorded on saving
        self.asked: PersonMatch | None = None  # the match whose change of name is being asked about
        self.adding_new = False
        self._searched = False
        self._shown: set[int] = set()
        self.open_cases: list[OpenCase] = []  # the chosen person's open cases, newest first
        self._referring_anyway: set[int] = set()  # the open cases the user chose to refer beside

        heading = QLabel("New referral")
        heading.setObjectName("heading")
        intro = QLabel(
            "Find the person first, so no one is recorded twice: search by NHS number, or by name "
            "and date of birth. Then use their record or add them as a new person, and fill in the "
            "referral. Nothing is saved until every field is right."
        )
        intro.setWordWrap(True)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 12, 0)
        column.addWidget(_heading("Find the person"))
        column.addLayout(self._search_section())
        column.addWidget(_rule())
        self.person_section = self._person_section()
        column.addWidget(self.person_section)
        column.addWidget(_heading("The referral"))
        column.addLayout(self._referral_section())
        column.addStretch()

        self.scroll_area = QScrollArea()  # not ``scroll``: QWidget.scroll is Qt's own
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)

        self.save_button = QPushButton("&Save referral")
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.setToolTip("Check every field, then save the person and the referral together")
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton("Start o&ver")
        self.clear_button.setToolTip("Empty the form without saving")
        self.clear_button.clicked.connect(self.reset)
        self.status = QLabel()
        self.status.setObjectName("fieldHint")
        self.status.setAccessibleName("Result")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(buttons)

        self.form = FormGroup(
            self, self.choice_form, self.identity_form, self.contact_form, *self.referral_forms
        )
        self.refresh()
        self.reset()

    # Building the sections

    def _search_section(self) -> QVBoxLayout:
        # Made in the order Tab goes: the NHS number, or the family name, given name and birthday.
        self.search_nhs_number = QLineEdit()
        self.search_family_name = QLineEdit()
        self.search_given_name = QLineEdit()
        self.search_date_of_birth = QLineEdit()
        self.search_date_of_birth.setPlaceholderText("dd/mm/yyyy")
        # Two ways to search, one per column: the number, or a name with the date of birth. The
        # given name may be left out (a family name alone finds a one-letter slip); the date of
        # birth may not, so its hint says it is needed.
        left, right = QFormLayout(), QFormLayout()
        self.search_form = FormFields(left)
        self.search_form.add(
            "&NHS number:", self.search_nhs_number, "nhs_number", hint="Spaces and dashes are fine."
        )
        right_fields = FormFields(right)
        right_fields.add("Or &family name:", self.search_family_name, "family_name")
        right_fields.add(
            "&Given name:",
            self.search_given_name,
            "given_name",
            hint="Optional: the family name and date of birth are enough.",
        )
        right_fields.add(
            "&Date of birth:",
            self.search_date_of_birth,
            "date_of_birth",
            hint=f"Needed with a name. {_DATE_HINT}",
        )
        self.search_forms = FormGroup(self, self.search_form, right_fields)
        for edit in (
            self.search_nhs_number,
            self.search_given_name,
            self.search_family_name,
            self.search_date_of_birth,
        ):
            edit.returnPressed.connect(self.find_person)

        self.find_button = QPushButton("F&ind")
        self.find_button.setToolTip("Look for this person among the people already recorded")
        self.find_button.clicked.connect(self.find_person)

        self.matches: RecordTableModel[PersonMatch] = RecordTableModel(MATCH_COLUMNS, self)
        self.match_table = record_table(
            self.matches,
            "People who may be this person",
            "People already recorded with the same NHS number, or born the same day with a similar name.",
        )
        self.match_table.setMaximumHeight(self.match_table.fontMetrics().lineSpacing() * 9)
        self.match_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.match_table.doubleClicked.connect(lambda _index: self.use_selected())
        self.match_table.activated.connect(lambda _index: self.use_selected())
        self.found_label = QLabel()
        self.found_label.setWordWrap(True)
        self.found_label.setAccessibleName("Search result")

        self.use_button = QPushButton("&Use this person")
        self.use_button.setToolTip("Record the referral for the person selected in the list")
        self.use_button.clicked.connect(self.use_selected)
        self.new_button = QPushButton("New &person")
        self.new_button.setToolTip("No one in the list is this person: add them")
        self.new_button.clicked.connect(self.add_new_person)

        self.name_question = self._name_question()
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setTextFormat(Qt.TextFormat.RichText)
        choice_layout = QFormLayout()
        self.choice_form = FormFields(choice_layout)
        self.choice_form.add("Referral for:", self.chosen_label, "person")

        grid = QGridLayout()
        grid.addLayout(left, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(right, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.find_button)
        actions.addWidget(self.found_label, 1)
        choose = QHBoxLayout()
        choose.addWidget(self.use_button)
        choose.addWidget(self.new_button)
        choose.addStretch()
        section = QVBoxLayout()
        section.addLayout(grid)
        section.addLayout(actions)
        section.addWidget(self.match_table)
        section.addLayout(choose)
        section.addWidget(self.name_question)
        self.open_case_warning = self._open_case_warning()
        section.addWidget(self.open_case_warning)
        section.addLayout(choice_layout)
        return section

    def _open_case_warning(self) -> QFrame:
        """The warning shown when the person chosen already has an open case in the PCN."""
        warning = QFrame()
        warning.setObjectName("warningBanner")
        warning.setAccessibleName("Warning")
        self.open_case_warning_text = QLabel()
        self.open_case_warning_text.setWordWrap(True)
        self.open_case_button = QPushButton("Open the e&xisting case")
        self.open_case_button.setToolTip("Open their case to add to it, instead of a second referral")
        self.open_case_button.clicked.connect(self.open_existing_case)
        self.refer_anyway_button = QPushButton("Refer an&yway")
        self.refer_anyway_button.setToolTip("This is a new episode of support: record a second referral")
        self.refer_anyway_button.clicked.connect(self.refer_anyway)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_case_button)
        buttons.addWidget(self.refer_anyway_button)
        buttons.addStretch()
        layout = QVBoxLayout(warning)
        layout.addWidget(self.open_case_warning_text)
        layout.addLayout(buttons)
        warning.hide()
        return warning

    def _name_question(self) -> QFrame:
        """The question asked before a recorded person is used under another name."""
        question = QFrame()
        question.setObjectName("warningBanner")
        self.name_question_text = QLabel()
        self.name_question_text.setWordWrap(True)
        self.attach_button = QPushButton("Attach, recording the ne&w name")
        self.attach_button.setToolTip(
            "Use their record for this referral and record their new name; the earlier name stays "
            "in their history"
        )
        self.attach_button.clicked.connect(self.attach_with_new_name)
        self.correct_button = QPushButton("Go bac&k and correct")
        self.correct_button.setToolTip(
            "The name or the NHS number was typed wrongly: correct it and find again"
        )
        self.correct_button.clicked.connect(self.go_back_and_correct)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.correct_button)
        buttons.addStretch()
        layout = QVBoxLayout(question)
        layout.addWidget(self.name_question_text)
        layout.addLayout(buttons)
        question.hide()
        return question

    def _person_section(self) -> QWidget:
        self.nhs_number = QLineEdit()
        self.given_name = QLineEdit()
        self.family_name = QLineEdit()
        self.date_of_birth = QLineEdit()
        self.date_of_birth.setPlaceholderText("dd/mm/yyyy")
        self.age = QLabel()
        self.age.setAccessibleName("Age")
        self.date_of_birth.textChanged.connect(self._show_age)
        self.sex = _combo((label, sex.value) for sex, label in _sex_order())
        self.ethnic_category = _combo((label, category.value) for category, label in _ethnic_order())
        self.registered_practice = QComboBox()
        self.address_line_1 = QLineEdit()
        self.address_line_2 = QLineEdit()
        self.town = QLineEdit()
        self.postcode = QLineEdit()
        self.postcode_meaning = QLabel()
        self.postcode_meaning.setObjectName("fieldHint")
        self.postcode_meaning.setWordWrap(True)
        self.postcode_meaning.setAccessibleName("What the postcode means")
        self.postcode.textChanged.connect(self._show_postcode_meaning)
        self.phone = QLineEdit()
        self.mobile = QLineEdit()
        self.email = QLineEdit()
        self.preferred_contact_method = _combo(
            [("No preference", "")]
            + [(label, method.value) for method, label in CONTACT_METHOD_LABELS.items()]
        )
        self.preferred_contact_times = QLineEdit()
        self.language = QLineEdit()
        self.interpreter_needed = QCheckBox("An interpreter is needed")
        self.accessibility_needs = _notes(2)

        left, right = QFormLayout(), QFormLayout()
        self.identity_form = FormFields(left)
        self.identity_form.add(
            "NHS nu&mber:", self.nhs_number, "nhs_number", hint="Leave blank if it is not known yet."
        )
        self.identity_form.add("Given name:", self.given_name, "given_name")
        self.identity_form.add("Family name:", self.family_name, "family_name")
        self.identity_form.add("Date of &birth:", self.date_of_birth, "date_of_birth", hint=_DATE_HINT)
        left.addRow("Age:", self.age)
        self.identity_form.add("Sex:", self.sex, "sex")
        self.identity_form.add("E&thnic category:", self.ethnic_category, "ethnic_category")
        self.identity_form.add("Registered practice:", self.registered_practice, "registered_practice_ods")
        self.identity_form.add("&Language:", self.language, "language", hint="If not English.")
        self.identity_form.add("Interpreter:", self.interpreter_needed, "interpreter_needed")

        self.contact_form = FormFields(right)
        self.contact_form.add("&Address:", self.address_line_1, "address_line_1")
        self.contact_form.add("Address line 2:", self.address_line_2, "address_line_2")
        self.contact_form.add("Town:", self.town, "town")
        self.contact_form.add("Post&code:", self.postcode, "postcode")
        right.addRow("", self.postcode_meaning)
        right.setRowVisible(self.postcode_meaning, False)
        self._contact_rows = right
        self.contact_form.add("P&hone:", self.phone, "phone")
        self.contact_form.add("Mobile:", self.mobile, "mobile")
        self.contact_form.add("Email:", self.email, "email")
        self.contact_form.add(
            "Contact &by:",
            self.preferred_contact_method,
            "preferred_contact_method",
            hint="Their preferred way.",
        )
        self.contact_form.add(
            "Best times:",
            self.preferred_contact_times,
            "preferred_contact_times",
            hint="Like: weekday mornings.",
        )
        self.contact_form.add(
            "Accessibility needs:",
            self.accessibility_needs,
            "accessibility_needs",
            hint="Anything that helps them take part: hearing, sight, mobility, reading.",
        )

        section = QWidget()
        grid = QGridLayout(section)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(_heading("The new person"), 0, 0, 1, 2)
        grid.addLayout(left, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(right, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(_rule(), 2, 0, 1, 2)
        return section

    def _referral_section(self) -> QGridLayout:
        self.referring_practice = QComboBox()
        self.source = _combo([("Choose…", "")] + [(label, s.value) for s, label in SOURCE_LABELS.items()])
        self.referrer_name = QLineEdit()
        self.received_on = QLineEdit()
        self.received_on.setPlaceholderText("dd/mm/yyyy")
        self.urgency = _combo((label, urgency.value) for urgency, label in URGENCY_LABELS.items())
        self.consent_share_gp = QCheckBox("They consent")
        self.consent_share_gp.setToolTip(
            "The person agrees that what is recorded here is shared with their GP"
        )
        self.consent_share_services = QCheckBox("They consent")
        self.consent_share_services.setToolTip(
            "The person agrees that their details are shared with the services they are connected to"
        )
        self.needs = QListWidget()
        self.needs.setFlow(QListView.Flow.TopToBottom)
        self.needs.setWrapping(True)
        self.needs.setResizeMode(QListView.ResizeMode.Adjust)
        self.notes = _notes(5)

        left, right, below = QFormLayout(), QFormLayout(), QFormLayout()
        self.referral_form = FormFields(left)
        self.referral_form.add("&Referring practice:", self.referring_practice, "referring_practice_ods")
        self.referral_form.add("S&ource:", self.source, "source")
        self.referral_form.add(
            "Referrer:", self.referrer_name, "referrer_name", hint="Who referred them, like Dr A Quill."
        )
        self.referral_form.add("Date received:", self.received_on, "received_on", hint=_DATE_HINT)
        details = FormFields(right)
        details.add("Urgency:", self.urgency, "urgency")
        details.add("Share with their GP:", self.consent_share_gp, "consent_share_gp")
        details.add("Share with services:", self.consent_share_services, "consent_share_services")
        details.add("Notes:", self.notes, "notes")
        needs_fields = FormFields(below)
        needs_fields.add(
            "N&eeds:",
            self.needs,
            "needs",
            hint="Tick every need the referral is about: arrow keys move, the space bar ticks.",
        )
        self.referral_forms = (self.referral_form, details, needs_fields)
        grid = QGridLayout()
        grid.addLayout(left, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(right, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(below, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return grid

    # Lists, state and the person's age

    def refresh(self) -> None:
        """Read the needs and practices again, keeping what has been chosen."""
        outcome = call_service(
            self, self.workspace, lambda session: _lists(session, self.actor), action="Show the referral form"
        )
        if not outcome.ok or outcome.value is None:
            return
        self.lists = outcome.value
        ticked = set(self.ticked_needs())
        self.needs.clear()
        for need in self.lists.needs:
            item = QListWidgetItem(need.label)
            item.setData(Qt.ItemDataRole.UserRole, need.code)
            item.setToolTip(need.description or "Added by this PCN")
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Checked if need.code in ticked else Qt.CheckState.Unchecked)
            self.needs.addItem(item)
        self._fit_needs()
        referring = [p for p in self.lists.practices if p.ods_code in self.lists.referring]
        _fill(
            self.referring_practice, [("Choose…", "")] + [(_practice_text(p), p.ods_code) for p in referring]
        )
        _fill(
            self.registered_practice,
            [("Not known, or outside this PCN", "")]
            + [(_practice_text(p), p.ods_code) for p in self.lists.practices],
        )

    def _fit_needs(self) -> None:
        """Three columns as wide as the longest need, read down then across, every need in view."""
        if not self.needs.count():
            return
        metrics = self.needs.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(self.needs.item(row).text()) for row in range(self.needs.count())
        )
        row_height = self.needs.sizeHintForRow(0)
        self.needs.setGridSize(QSize(widest + 40, row_height))
        rows = -(-self.needs.count() // NEEDS_COLUMNS)
        # Room for a scroll bar too, so one appearing never pushes a need into a fourth column.
        frame = 2 * self.needs.frameWidth() + self.needs.horizontalScrollBar().sizeHint().height()
        self.needs.setFixedHeight(row_height * rows + frame + 4)

    def ticked_needs(self) -> list[str]:
        return [
            self.needs.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.needs.count())
            if self.needs.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_needs(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for row in range(self.needs.count()):
            item = self.needs.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def message(self, field: str) -> str:
        """The message shown beside a field of the person or the referral ("" when none)."""
        return self.form.message(field)

    def _show_age(self, text: str) -> None:
        try:
            born = parse_date_of_birth(text, date.today())
        except ValidationError:
            self.age.setText("")
            return
        self.age.setText(age_text(born, date.today()))

    def _show_postcode_meaning(self, text: str) -> None:
        """Say what an NHS pseudo-postcode (ZZ99 ...) stands for as soon as it is typed."""
        meaning = postcodes.meaning(text)
        self.postcode_meaning.setText(
            ""
            if meaning is None
            else f"{postcode.parse(text)} is an NHS pseudo-postcode: {meaning}. "
            "It is not a place, so distances to services are unknown."
        )
        self._contact_rows.setRowVisible(self.postcode_meaning, meaning is not None)

    def _update_buttons(self) -> None:
        self.use_button.setEnabled(self._selected_match() is not None)
        self.new_button.setEnabled(self._searched and not self.adding_new)

    def _selected_match(self) -> PersonMatch | None:
        rows = self.match_table.selectionModel().selectedRows()
        return self.matches.record(rows[0].row()) if rows else None

    def _show_choice(self) -> None:
        if self.chosen is not None and self.new_name is not None:
            person = self.chosen
            self.chosen_label.setText(
                f"<b>{html.escape(str(self.new_name))}</b> (recorded as "
                f"{html.escape(person.given_name)} {html.escape(person.family_name)}), "
                f"NHS number {_nhs_text(person.nhs_number)}, born {_born(person.date_of_birth)}: "
                "their record will be used and the new name recorded; the earlier name stays in "
                "their history."
            )
        elif self.chosen is not None:
            person = self.chosen
            self.chosen_label.setText(
                f"<b>{html.escape(person.given_name)} {html.escape(person.family_name)}</b>, "
                f"NHS number {_nhs_text(person.nhs_number)}, born {_born(person.date_of_birth)}: "
                "their record will be used."
            )
        elif self.adding_new:
            self.chosen_label.setText("<b>A new person</b>: fill in their details below.")
        else:
            self.chosen_label.setText(
                "No one yet: find the person, then use their record or add a new person."
            )
        self.person_section.setVisible(self.adding_new)
        self._update_buttons()

    # What the buttons do

    def find_person(self) -> None:  # not ``find``: QWidget.find is Qt's own
        """Search for the person; every problem with what was typed is shown beside its field."""
        self.search_forms.clear_messages()
        self._close_question()
        problems: list[ValidationError] = []
        born: date | None = None
        if self.search_date_of_birth.text().strip():
            try:
                born = parse_date_of_birth(self.search_date_of_birth.text(), date.today())
            except ValidationError as error:
                problems.append(error)
        typed_number = self.search_nhs_number.text()
        if typed_number.strip():
            try:
                nhs_number.parse(typed_number)
            except ValidationError as error:
                problems.append(error)
        if problems:
            for problem in problems:
                self.search_forms.show_message(problem.field, problem.message)
            return
        outcome = call_service(
            self,
            self.workspace,
            lambda session: people.find_people(
                session,
                self.actor,
                nhs_number=typed_number,
                given_name=self.search_given_name.text(),
                family_name=self.search_family_name.text(),
                date_of_birth=born,
            ),
            action="Find the person",
            form=self.search_forms,
        )
        if not outcome.ok or outcome.value is None:
            return
        self._searched = True
        self._show_matches(outcome.value)
        if not outcome.value:
            self.found_label.setText("No one recorded matches: add them as a new person.")
        else:
            count = len(outcome.value)
            self.found_label.setText(
                f"{count} {'person' if count == 1 else 'people'} may be this person: check the reason "
                "shown, then use their record, or add a new person if none is them."
            )
        self._update_buttons()

    def _show_matches(self, found: list[PersonMatch]) -> None:
        self.matches.set_records(found)
        self._shown.update(match.person.id for match in found)
        if found:
            self.match_table.selectionModel().setCurrentIndex(
                self.matches.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def use_selected(self) -> None:
        """Use the selected person's record; under another name, ask first (a change of name?)."""
        match = self._selected_match()
        if match is None:
            return
        if match.new_name is not None:
            self._ask_about_name(match)
            return
        self._use(match.person, None)

    def _use(self, person: PersonSummary, new_name: PersonName | None) -> None:
        self._close_question()
        self.chosen = person
        self.new_name = new_name
        self.adding_new = False
        self.choice_form.clear_messages()
        self._show_choice()
        if not self._warned_of_open_cases():
            self.referring_practice.setFocus()

    def _warned_of_open_cases(self) -> bool:
        """Read the chosen person's open cases again; True if one the user has not chosen to refer
        beside is open, which the warning then shows (a case opened since the person was chosen
        included)."""
        person = self.chosen
        if person is None:
            return False
        outcome = call_service(
            self,
            self.workspace,
            lambda session: referrals.open_cases_of(session, self.actor, person.id),
            action="Check for an open case",
        )
        if not outcome.ok or outcome.value is None:
            return True  # the error is on screen; nothing is saved meanwhile
        self.open_cases = outcome.value
        if {case.id for case in self.open_cases} <= self._referring_anyway:
            return False
        self.open_case_warning_text.setText(_open_case_text(person, self.open_cases))
        self.open_case_warning.setAccessibleDescription(self.open_case_warning_text.text())
        self.open_case_warning.show()
        self.scroll_area.ensureWidgetVisible(self.open_case_warning)
        self.open_case_button.setFocus()
        return True

    def open_existing_case(self) -> None:
        """The answer "open it": the person's newest open case is opened, nothing is saved."""
        if self.open_cases:
            self.case_requested.emit(self.open_cases[0].id)

    def refer_anyway(self) -> None:
        """The answer "a new episode": the cases shown are not asked about again for this person."""
        self._referring_anyway = {case.id for case in self.open_cases}
        self.open_case_warning.hide()
        self.referring_practice.setFocus()

    def _ask_about_name(self, match: PersonMatch) -> None:
        assert match.new_name is not None
        self._close_open_case_warning()
        self.asked = match
        self.chosen, self.new_name = None, None
        self._show_choice()
        self.name_question_text.setText(
            f"{match.reason[:1].upper()}{match.reason[1:]} The name typed is {match.new_name}. If that "
            "is their name now, attach the referral to their record and record the new name (the "
            "earlier name stays in their history). If it was typed wrongly, go back and correct it."
        )
        self.name_question.setAccessibleDescription(self.name_question_text.text())
        self.name_question.show()
        self.scroll_area.ensureWidgetVisible(self.name_question)
        self.attach_button.setFocus()

    def attach_with_new_name(self) -> None:
        """The answer "a change of name": use their record, with the new name checked by the name rules."""
        match = self.asked
        if match is None or match.new_name is None:
            return
        problems = []
        for field, text, what in (
            ("given_name", match.new_name.given_name, "given name"),
            ("family_name", match.new_name.family_name, "family name"),
        ):
            try:
                parse_name(text, field, what)
            except ValidationError as problem:
                problems.append(problem.message)
        if problems:
            self.name_question_text.setText(
                f"The new name cannot be recorded: {' '.join(problems)} Go back and correct it."
            )
            self.attach_button.setEnabled(False)
            self.correct_button.setFocus()
            return
        self._use(match.person, match.new_name)

    def go_back_and_correct(self) -> None:
        """The answer "typed wrongly": no one is chosen, and the name typed is ready to correct."""
        match = self.asked
        self._close_question()
        self.chosen, self.new_name = None, None
        self._show_choice()
        self.found_label.setText("Correct what was typed, then find again.")
        changed_given = (
            match is not None
            and match.new_name is not None
            and (match.new_name.given_name != match.person.given_name)
        )
        field = self.search_given_name if changed_given else self.search_family_name
        field.setFocus()
        field.selectAll()

    def _close_question(self) -> None:
        self.asked = None
        self.name_question.hide()
        self.attach_button.setEnabled(True)
        self._close_open_case_warning()

    def _close_open_case_warning(self) -> None:
        """No one chosen, or someone else: the warning and its answer go."""
        self.open_cases, self._referring_anyway = [], set()
        self.open_case_warning.hide()

    def add_new_person(self) -> None:
        """Start a new person's record with what was searched for."""
        if not self._searched:
            return
        self._close_question()
        self.chosen, self.new_name = None, None
        self.adding_new = True
        self.choice_form.clear_messages()
        for search, field in (
            (self.search_nhs_number, self.nhs_number),
            (self.search_given_name, self.given_name),
            (self.search_family_name, self.family_name),
            (self.search_date_of_birth, self.date_of_birth),
        ):
            if not field.text().strip():
                field.setText(search.text().strip())
        self._show_choice()
        self.scroll_area.ensureWidgetVisible(self.person_section)
        (self.given_name if self.nhs_number.text() else self.nhs_number).setFocus()

    def person_entry(self) -> PersonEntry:
        return PersonEntry(
            nhs_number=self.nhs_number.text(),
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            date_of_birth=self.date_of_birth.text(),
            sex=self.sex.currentData(),
            ethnic_category=self.ethnic_category.currentData(),
            address_line_1=self.address_line_1.text(),
            address_line_2=self.address_line_2.text(),
            town=self.town.text(),
            postcode=self.postcode.text(),
            phone=self.phone.text(),
            mobile=self.mobile.text(),
            email=self.email.text(),
            preferred_contact_method=self.preferred_contact_method.currentData(),
            preferred_contact_times=self.preferred_contact_times.text(),
            language=self.language.text(),
            interpreter_needed=self.interpreter_needed.isChecked(),
            accessibility_needs=self.accessibility_needs.toPlainText(),
            registered_practice_ods=self.registered_practice.currentData(),
        )

    def referral_entry(self) -> ReferralEntry:
        return ReferralEntry(
            referring_practice_ods=self.referring_practice.currentData(),
            source=self.source.currentData(),
            referrer_name=self.referrer_name.text(),
            received_on=self.received_on.text(),
            needs=tuple(self.ticked_needs()),
            consent_share_gp=self.consent_share_gp.isChecked(),
            consent_share_services=self.consent_share_services.isChecked(),
            urgency=self.urgency.currentData(),
            notes=self.notes.toPlainText(),
        )

    def _checked(self) -> tuple[PersonDetails | None, ReferralDetails] | None:
        """The person (when new) and the referral, checked; None once every problem is shown."""
        today = date.today()
        problems: list[ValidationError] = []
        person: PersonDetails | None = None
        referral: ReferralDetails | None = None
        if self.chosen is None and not self.adding_new:
            problems.append(
                ValidationError("person", "Find the person first, then use their record or add a new person.")
            )
        if self.adding_new:
            try:
                practices = {practice.ods_code: practice.id for practice in self.lists.practices}
                person = parse_person(self.person_entry(), today, practices)
            except FormErrors as errors:
                problems.extend(errors.errors)
        try:
            referral = parse_referral(
                self.referral_entry(),
                today,
                {need.code: need.label for need in self.lists.needs},
                self.lists.referring,
            )
        except FormErrors as errors:
            problems.extend(errors.errors)
        born = person.date_of_birth if person else self.chosen.date_of_birth if self.chosen else None
        if referral is not None and born is not None:
            try:
                check_referral_for(born, referral)
            except ValidationError as error:
                problems.append(error)
        for problem in problems:
            self.form.show_message(problem.field, problem.message)
        if problems or referral is None:
            count = len({problem.field for problem in problems})
            self.status.setText(
                f"Nothing saved yet: {count} {'field needs' if count == 1 else 'fields need'} "
                "checking (the messages in red)."
            )
            self._show_focused()
            return None
        return person, referral

    def save(self) -> None:
        """Check everything, look again for duplicates of a new person, then save both together."""
        self.form.clear_messages()
        self.status.clear()
        checked = self._checked()
        if checked is None:
            return
        person, referral = checked
        if person is not None and self._new_duplicates(person):
            return
        if person is None and self._warned_of_open_cases():
            if self.open_case_warning.isVisible():
                self.status.setText(
                    "Nothing saved yet: this person already has an open case. Open it, or refer anyway."
                )
            return
        chosen, renamed = self.chosen, self.new_name

        def work(session: Unit) -> tuple[ReferralSummary, PersonSummary]:
            owner = chosen if person is None else people.create_person(session, self.actor, person)
            assert owner is not None
            if person is None and renamed is not None:
                recorded = PersonName(owner.given_name, owner.family_name)
                owner = people.change_name(
                    session, self.actor, owner.id, recorded, renamed.given_name, renamed.family_name
                )
            return referrals.create_referral(session, self.actor, owner.id, referral), owner

        outcome = call_service(self, self.workspace, work, action="Save the referral", form=self.form)
        if not outcome.ok or outcome.value is None:
            self._show_focused()
            return
        saved, owner = outcome.value
        self.reset()
        self.status.setText(
            f"Saved referral {case_number(saved.id)} for {owner.given_name} {owner.family_name}."
        )
        self.referral_created.emit(saved.id)

    def _show_focused(self) -> None:
        """Scroll to the field that has the focus: the first with a problem."""
        focused = self.window().focusWidget()
        if focused is not None:
            self.scroll_area.ensureWidgetVisible(focused, 50, 120)

    def _new_duplicates(self, person: PersonDetails) -> bool:
        """Search again with the new person's details as typed; True if someone not yet shown
        may be them, who is then listed for the worker to check before saving again."""
        outcome = call_service(
            self,
            self.workspace,
            lambda session: people.find_people(
                session,
                self.actor,
                nhs_number=person.nhs_number,
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
            ),
            action="Check for duplicates",
        )
        if not outcome.ok or outcome.value is None:
            return True
        unseen = [match for match in outcome.value if match.person.id not in self._shown]
        if not unseen:
            return False
        self._show_matches(outcome.value)
        self.found_label.setText("Someone already recorded may be this person: check the list.")
        self.form.show_message(
            "person",
            "Someone already recorded may be this person (see the list above). Use their record, "
            "or save again to add a new person anyway.",
        )
        self.scroll_area.ensureWidgetVisible(self.match_table)
        return True

    def reset(self) -> None:
        """Empty the form for the next referral; the lists stay as they are."""
        self.search_forms.clear_messages()
        self.form.clear_messages()
        for edit in self.findChildren(QLineEdit):
            if not isinstance(edit.parent(), QComboBox):
                edit.clear()
        for text in (self.accessibility_needs, self.notes):
            text.clear()
        for box in (self.interpreter_needed, self.consent_share_gp, self.consent_share_services):
            box.setChecked(False)
        for combo in (
            self.sex,
            self.ethnic_category,
            self.registered_practice,
            self.preferred_contact_method,
            self.referring_practice,
            self.source,
        ):
            combo.setCurrentIndex(0)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.ROUTINE.value))
        self.received_on.setText(f"{date.today():%d/%m/%Y}")
        self.set_needs(())
        self.matches.set_records([])
        self.found_label.clear()
        self.status.clear()
        self._close_question()
        self.chosen, self.new_name = None, None
        self.adding_new = False
        self._searched = False
        self._shown = set()
        self._show_choice()
        self.scroll_area.verticalScrollBar().setValue(0)
        self.search_nhs_number.setFocus()


def _open_case_text(person: PersonSummary, cases: list[OpenCase]) -> str:
    """The warning before a second referral: each open case, how far on, since when, whose."""
    described = "; ".join(
        f"{case.case_number} ({status_label(case.status).lower()}, received {case.received_on:%d %b %Y}, "
        + (f"held by {case.worker})" if case.worker else "not assigned yet)")
        for case in cases
    )
    name = f"{person.given_name} {person.family_name}"
    if len(cases) == 1:
        return (
            f"{name} already has an open case: {described}. Open it to add to it, or refer anyway "
            "if this is a new episode of support."
        )
    return (
        f"{name} already has {len(cases)} open cases: {described}. Open the newest to add to it, "
        "or refer anyway if this is a new episode of support."
    )


def _sex_order() -> list[tuple[Sex, str]]:
    """Not known first: it is what the form assumes until someone says."""
    return [(Sex.NOT_KNOWN, SEX_LABELS[Sex.NOT_KNOWN])] + [
        (sex, label) for sex, label in SEX_LABELS.items() if sex is not Sex.NOT_KNOWN
    ]


def _ethnic_order() -> list[tuple[EthnicCategory, str]]:
    return [(EthnicCategory.NOT_KNOWN, ETHNIC_LABELS[EthnicCategory.NOT_KNOWN])] + [
        (category, label)
        for category, label in ETHNIC_LABELS.items()
        if category is not EthnicCategory.NOT_KNOWN
    ]


def _practice_text(practice: PracticeSummary) -> str:
    return f"{practice.name} ({practice.ods_code})"


def _fill(combo: QComboBox, choices: list[tuple[str, str]]) -> None:
    """Replace a drop-down's choices, keeping the one chosen if it is still offered."""
    current = combo.currentData()
    combo.clear()
    for text, value in choices:
        combo.addItem(text, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
