"""Parts of the case record screen: the support plan editor, the measures with their change since
baseline, the person and the referral side by side (with their Edit buttons), and how to reach
the person, beside the other tabs."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from linkworker.domain import measures
from linkworker.domain.corrections import consent_words
from linkworker.domain.intake import (
    CONTACT_METHOD_LABELS,
    ETHNIC_LABELS,
    SEX_LABELS,
    SOURCE_LABELS,
    URGENCY_LABELS,
)
from linkworker.domain.measures import Ons4Change
from linkworker.services.cases import casework
from linkworker.services.cases.case_record import (
    CaseRecord,
    EarlierName,
    MeasureRecord,
    Ons4Progress,
    PersonInfo,
    PlanRecord,
    ReviewRecord,
    SwemwbsProgress,
)
from linkworker.services.cases.casework import PlanText
from linkworker.services.directory import postcodes
from linkworker.services.workspace import Workspace
from linkworker.ui.cases.case_columns import MEASURE_COLUMNS, REVIEW_COLUMNS, day, wrapping
from linkworker.ui.cases.case_dialogs import text_box
from linkworker.ui.widgets.display import local_time, words
from linkworker.ui.widgets.errors import call_service
from linkworker.ui.widgets.forms import FormFields
from linkworker.ui.widgets.models import Column, RecordTableModel
from linkworker.ui.widgets.tables import record_table

Scroll = TypeVar("Scroll", bound=QAbstractScrollArea)
PLAN_PARTS = (
    ("what_matters", "What matters to the person:"),
    ("goals", "Goals:"),
    ("actions", "Agreed actions:"),
)


def subheading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("subheading")
    return label


def scrolled(page: QWidget) -> QVBoxLayout:
    """The layout for a tab's content, which scrolls when it is taller than the screen allows."""
    content = QWidget()
    scroll = transparent_scroll(content)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return QVBoxLayout(content)


def transparent_scroll(content: QWidget) -> QScrollArea:
    """A frameless scroll area showing ``content`` on whatever it sits on (a tab's white page,
    the window beside the tabs), not on a grey box of its own."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    scroll.viewport().setAutoFillBackground(False)
    content.setAutoFillBackground(False)
    return scroll


def fitted(table: Scroll) -> Scroll:
    """As tall as its rows, so a short list does not sit in a tall empty box."""
    table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
    return table


class PlanEditor(QWidget):
    """The support plan, edited in place. A save over a plan someone else has saved since is
    refused: the user's text stays in the boxes, and what the other person changed is shown
    above them, to keep theirs or to save the user's over it."""

    saved = Signal()
    refused = Signal()
    review_requested = Signal()

    def __init__(self, workspace: Workspace, referral_id: int) -> None:
        super().__init__()
        self.workspace = workspace
        self.actor = workspace.actor
        self.referral_id = referral_id
        self.base = PlanRecord("", "", "", 0, None, None)
        self.editors: dict[str, QPlainTextEdit] = {}

        self.conflict = QFrame()
        self.conflict.setObjectName("warningBanner")
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        self.theirs = QLabel()
        self.theirs.setWordWrap(True)
        self.theirs.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_theirs = QPushButton("Use their version")
        self.use_theirs.setToolTip("Replace your edit with the plan as it was saved")
        self.use_theirs.clicked.connect(self.take_theirs)
        conflict_layout = QVBoxLayout(self.conflict)
        conflict_layout.addWidget(self.conflict_text)
        conflict_layout.addWidget(self.theirs)
        conflict_buttons = QHBoxLayout()
        conflict_buttons.addWidget(self.use_theirs)
        conflict_buttons.addStretch()
        conflict_layout.addLayout(conflict_buttons)
        self.conflict.hide()

        form_layout = QFormLayout()
        self.form = FormFields(form_layout)
        form_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for field, label in PLAN_PARTS:
            editor = text_box(3)
            self.editors[field] = editor
            self.form.add(label, editor, field)

        self.saved_by = QLabel()
        self.saved_by.setObjectName("fieldHint")
        self.save_button = QPushButton("Sa&ve plan")
        self.save_button.setToolTip("Save the support plan (Ctrl+S)")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_by, 1)
        buttons.addWidget(self.save_button)

        self.reviews: RecordTableModel[ReviewRecord] = RecordTableModel(REVIEW_COLUMNS, self)
        self.reviews_table = fitted(wrapping(record_table(self.reviews, "Reviews of the plan")))
        self.review_button = QPushButton("Recor&d review…")
        self.review_button.setToolTip("Record the day the plan was reviewed with the person")
        self.review_button.clicked.connect(self.review_requested)
        review_header = QHBoxLayout()
        review_header.addWidget(subheading("Reviews"), 1)
        review_header.addWidget(self.review_button)

        layout = scrolled(self)
        layout.addWidget(self.conflict)
        layout.addLayout(form_layout)
        layout.addLayout(buttons)
        layout.addSpacing(6)
        layout.addLayout(review_header)
        layout.addWidget(self.reviews_table)
        layout.addStretch()

    def typed(self) -> PlanText:
        return PlanText(*(self.editors[field].toPlainText() for field, _label in PLAN_PARTS))

    def is_edited(self) -> bool:
        """Whether the boxes hold text that is not the plan they were loaded from."""
        return _parts(self.typed()) != _parts(self.base)

    def show_record(self, record: CaseRecord, editable: bool) -> None:
        """Show the plan as saved, unless the user is part way through an edit: then keep their
        text, and if the saved plan has moved on since they began, say what changed."""
        plan = record.plan
        if not self.is_edited():
            self._load(plan)
        elif plan.version != self.base.version:
            self._show_conflict(plan)
        for editor in self.editors.values():
            editor.setReadOnly(not editable)
        self.save_button.setVisible(editable)
        self.review_button.setVisible(editable)
        self.review_button.setEnabled(plan.version > 0)
        self.reviews.set_records(record.reviews)

    def _load(self, plan: PlanRecord) -> None:
        self.base = plan
        for field, _label in PLAN_PARTS:
            self.editors[field].setPlainText(getattr(plan, field))
        self.conflict.hide()
        self._show_saved_by()

    def _show_saved_by(self) -> None:
        plan = self.base
        if plan.version == 0:
            self.saved_by.setText("Not written yet.")
        else:
            self.saved_by.setText(
                f"Last saved by {plan.updated_by or 'unknown'}, {local_time(plan.updated_at)}."
            )

    def _show_conflict(self, theirs: PlanRecord) -> None:
        changed = [
            (label.rstrip(":"), getattr(theirs, field))
            for field, label in PLAN_PARTS
            if getattr(theirs, field) != getattr(self.base, field)
        ]
        self.conflict_text.setText(
            f"{theirs.updated_by or 'Someone else'} saved this plan at {local_time(theirs.updated_at)}, "
            "after you started editing. Your text is kept in the boxes below. Their changes are "
            "shown here: keep theirs, or save yours over them."
        )
        self.theirs.setText(
            "\n\n".join(f"{label} now reads:\n{text or '(empty)'}" for label, text in changed)
            or "They saved the same words you started from."
        )
        self.conflict.setAccessibleDescription(self.conflict_text.text())
        self.base = theirs  # the next save is over their version, now that it has been shown
        self._show_saved_by()
        self.conflict.show()

    def take_theirs(self) -> None:
        self._load(self.base)

    def save(self) -> None:
        version = self.base.version
        outcome = call_service(
            self,
            self.workspace,
            lambda session: casework.save_support_plan(
                session, self.actor, self.referral_id, self.typed(), version
            ),
            action="Save the support plan",
            form=self.form,
        )
        if outcome.ok and outcome.value is not None:
            self._load(outcome.value)
            self.saved.emit()
        elif outcome.box is not None:
            self.refused.emit()


def _parts(plan: PlanText | PlanRecord) -> tuple[str, str, str]:
    return (plan.what_matters.strip(), plan.goals.strip(), plan.actions.strip())


def _answer(change: Ons4Change, value: int) -> str:
    return f"{value} ({words(measures.ons4_band(change.question, value).value).lower()})"


def _ons4_change(change: Ons4Change) -> str:
    if change.improved is None:
        return "No change"
    sign = "+" if change.change > 0 else ""
    return f"{sign}{change.change}, {'better' if change.improved else 'worse'}"


ONS4_CHANGE_COLUMNS: list[Column[Ons4Change]] = [
    Column("Question", lambda change: change.question.label),
    Column("Baseline", lambda change: _answer(change, change.baseline)),
    Column("Latest", lambda change: _answer(change, change.latest)),
    Column("Change", _ons4_change),
]


def swemwbs_summary(progress: SwemwbsProgress) -> str:
    change = progress.change
    return (
        f"SWEMWBS from {day(progress.baseline.taken_on)} to {day(progress.latest.taken_on)}: "
        f"raw score {change.baseline.raw} → {change.latest.raw} ({change.raw_change:+d}); "
        f"metric score {change.baseline.metric:.2f} → {change.latest.metric:.2f} "
        f"({change.metric_change:+.2f})."
    )


def ons4_caption(progress: Ons4Progress) -> str:
    return (
        f"ONS4 from {day(progress.baseline.taken_on)} to {day(progress.latest.taken_on)}, question by "
        "question (the four answers are never added up; for anxiety, lower is better):"
    )


class MeasuresPanel(QWidget):
    """Every measure taken, newest first, and the change from each baseline to the latest follow-up."""

    def __init__(self) -> None:
        super().__init__()
        self.model: RecordTableModel[MeasureRecord] = RecordTableModel(MEASURE_COLUMNS, self)
        self.table = fitted(wrapping(record_table(self.model, "Outcome measures")))
        self.ons4_caption = QLabel()
        self.ons4_caption.setWordWrap(True)
        self.ons4_model: RecordTableModel[Ons4Change] = RecordTableModel(ONS4_CHANGE_COLUMNS, self)
        self.ons4_table = fitted(record_table(self.ons4_model, "ONS4 change since baseline"))
        self.swemwbs = QLabel()
        self.swemwbs.setWordWrap(True)
        self.nothing_yet = QLabel()
        self.nothing_yet.setObjectName("fieldHint")
        self.nothing_yet.setWordWrap(True)
        layout = scrolled(self)
        layout.addWidget(self.table)
        layout.addSpacing(6)
        layout.addWidget(subheading("Change since baseline"))
        layout.addWidget(self.nothing_yet)
        layout.addWidget(self.ons4_caption)
        layout.addWidget(self.ons4_table)
        layout.addWidget(self.swemwbs)
        layout.addStretch()

    def show_record(self, record: CaseRecord) -> None:
        self.model.set_records(record.measures)
        ons4, swemwbs = record.ons4, record.swemwbs
        self.ons4_caption.setVisible(ons4 is not None)
        self.ons4_table.setVisible(ons4 is not None)
        self.ons4_model.set_records(ons4.changes if ons4 else [])
        if ons4 is not None:
            self.ons4_caption.setText(ons4_caption(ons4))
        self.swemwbs.setVisible(swemwbs is not None)
        self.swemwbs.setText(swemwbs_summary(swemwbs) if swemwbs else "")
        missing = [name for name, progress in (("ONS4", ons4), ("SWEMWBS", swemwbs)) if progress is None]
        self.nothing_yet.setVisible(bool(missing))
        self.nothing_yet.setText(
            f"{' and '.join(missing)}: the change shows once there is a baseline and a follow-up after it."
        )


class FactsForm(QWidget):
    """Captioned facts, one row each; a row with nothing to show is hidden, so no empty line
    is read out or left on screen."""

    def __init__(self, rows: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.values: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        for key, caption in rows:
            label = QLabel(f"{caption}:")
            label.setObjectName("fieldHint")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, value)
            self.values[key] = value
            self._captions[key] = label

    def show_texts(self, texts: dict[str, str | None]) -> None:
        for key, value in self.values.items():
            text = texts.get(key) or ""
            value.setText(text)
            value.setAccessibleName(f"{self._captions[key].text().rstrip(':')}: {text}")
            self.form.setRowVisible(value, bool(text))


def _section(title: str, button: QPushButton, facts: FactsForm) -> QVBoxLayout:
    heading = QHBoxLayout()
    heading.addWidget(subheading(title), 1)
    heading.addWidget(button)
    column = QVBoxLayout()
    column.setSpacing(4)
    column.addLayout(heading)
    column.addWidget(facts)
    column.addStretch()
    return column


class PersonPanel(QWidget):
    """Who the person is and what the referral asked for, side by side, each with its Edit
    button (shown to those who may change cases). Everything fits a tab at 1366x768; it scrolls
    only when long notes need more."""

    edit_person_requested = Signal()
    edit_referral_requested = Signal()

    PERSON_ROWS = (
        ("earlier", "Earlier names"),
        ("born", "Born"),
        ("sex", "Sex"),
        ("ethnic", "Ethnic group"),
        ("phone", "Phone"),
        ("mobile", "Mobile"),
        ("email", "Email"),
        ("prefers", "Prefers"),
        ("times", "Best times"),
        ("address", "Address"),
        ("language", "Language"),
        ("access", "Access needs"),
        ("registered", "Registered at"),
    )
    REFERRAL_ROWS = (
        ("practice", "Referring practice"),
        ("source", "Referred by"),
        ("received", "Received"),
        ("urgency", "Urgency"),
        ("needs", "Needs"),
        ("consent_gp", "Share with their GP"),
        ("consent_services", "Share with services"),
        ("notes", "Referral notes"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("The person and the referral")
        self.person = FactsForm(self.PERSON_ROWS)
        self.referral = FactsForm(self.REFERRAL_ROWS)
        self.values = self.person.values | self.referral.values
        self.edit_person_button = QPushButton("Edit person…")
        self.edit_person_button.setToolTip(
            "Correct the person's details: name, date of birth, sex, ethnic group, address, phone, "
            "email, language, practice"
        )
        self.edit_person_button.clicked.connect(self.edit_person_requested)
        self.edit_referral_button = QPushButton("Edit referral…")
        self.edit_referral_button.setToolTip(
            "Correct the referral: practice, source, referrer, date received, needs, urgency, "
            "consents with their days, notes"
        )
        self.edit_referral_button.clicked.connect(self.edit_referral_requested)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(_section("The person", self.edit_person_button, self.person), 1)
        columns.addLayout(_section("The referral", self.edit_referral_button, self.referral), 1)
        scrolled(self).addLayout(columns)

    def show_record(self, record: CaseRecord, editable: bool = False) -> None:
        person, referral, header = record.person, record.referral, record.header
        self.edit_person_button.setVisible(editable)
        self.edit_referral_button.setVisible(editable)
        source = SOURCE_LABELS[referral.source]
        self.person.show_texts(
            {
                "earlier": "\n".join(_earlier_name(earlier) for earlier in person.earlier_names),
                "born": f"{day(header.date_of_birth)} (age {header.age})",
                "sex": SEX_LABELS[person.sex],
                "ethnic": ETHNIC_LABELS[person.ethnic_category],
                **reach_texts(person),
                "address": "\n".join([*person.address_lines, _postcode_text(person.postcode)]).strip(),
                "registered": person.registered_practice,
            }
        )
        self.referral.show_texts(
            {
                "practice": header.referring_practice,
                "source": f"{source}: {referral.referrer_name}" if referral.referrer_name else source,
                "received": day(header.received_on),
                "urgency": URGENCY_LABELS[referral.urgency],
                "needs": "\n".join(referral.needs),
                "consent_gp": consent_words(referral.consent_gp),
                "consent_services": consent_words(referral.consent_services),
                "notes": referral.notes,
            }
        )


def reach_texts(person: PersonInfo) -> dict[str, str | None]:
    """How to reach the person and what helps them take part, as the case shows it."""
    language = person.language or ""
    if person.interpreter_needed:
        language = f"{language} (interpreter needed)".strip()
    return {
        "phone": person.phone,
        "mobile": person.mobile,
        "email": person.email,
        "prefers": CONTACT_METHOD_LABELS[person.preferred_contact_method]
        if person.preferred_contact_method
        else None,
        "times": person.preferred_contact_times,
        "language": language,
        "access": person.accessibility_needs,
    }


class ReachPanel(QWidget):
    """How to reach the person, beside the tabs other than the details, where it is already."""

    ROWS = (
        ("phone", "Phone"),
        ("mobile", "Mobile"),
        ("email", "Email"),
        ("prefers", "Prefers"),
        ("times", "Best times"),
        ("language", "Language"),
        ("access", "Access needs"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("How to reach them")
        self.facts = FactsForm(self.ROWS)
        self.values = self.facts.values
        self.nothing = QLabel("No phone, email or preferences recorded.")
        self.nothing.setObjectName("fieldHint")
        self.nothing.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(subheading("How to reach them"))
        layout.addWidget(self.facts)
        layout.addWidget(self.nothing)

    def show_record(self, record: CaseRecord) -> None:
        texts = reach_texts(record.person)
        self.facts.show_texts(texts)
        self.nothing.setVisible(not any(texts.values()))


def _postcode_text(written: str | None) -> str:
    """The postcode, with what it stands for after it when it is a pseudo-postcode."""
    meaning = postcodes.meaning(written)
    return f"{written} ({meaning})" if meaning else written or ""


def _earlier_name(earlier: EarlierName) -> str:
    """How an earlier name reads: "Orla Fenwick (until 03 Mar 2026, changed by Wren Worker)"."""
    by = earlier.changed_by or "someone no longer on record"
    return f"{earlier.name} (until {day(earlier.until.astimezone().date())}, changed by {by})"
