"""The letter back to the GP and referrer, as an A4 PDF made with ReportLab.

Its sections follow the PRSB Social Prescribing Information Standard's "Message back to GP and
referrer" (see linkworker.services.cases.gp_record). Every page carries the person's name, NHS number
and date of birth, as clinical letters do, so a loose page can still be filed to the right
record, and "Page n of m", so a missing page is noticed.

The link worker may add a short personal message, typed on the preview: it comes under the
opening paragraph, headed as theirs, and is printed exactly as typed (``personal_message`` is
its rule, checked by the preview too). It is part of the letter only, never stored or audited.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from linkworker.domain.case_entries import parse_text
from linkworker.domain.casework import ContactKind, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.intake import SOURCE_LABELS, URGENCY_LABELS
from linkworker.domain.measures import Ons4Band, Ons4Question
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.reports.gp_letter_content import GpLetter, Ons4Result, PracticeName, SwemwbsResult
from linkworker.reports.page import (
    BODY_WIDTH,
    MARGIN,
    NHS_BLUE,
    PALE,
    RULE,
    SECONDARY,
    NumberedCanvas,
    Styles,
    letterhead,
    long_date,
    page_footer,
    report_styles,
)

TITLE = "Social prescribing: message back to the GP and referrer"

STATUS_WORDS = {
    CaseStatus.REFERRED: "Referred, not yet contacted",
    CaseStatus.CONTACTED: "Contacted",
    CaseStatus.ASSESSED: "Assessed: what matters to them is agreed",
    CaseStatus.CONNECTED: "Connected to services",
    CaseStatus.CLOSED: "Closed",
    CaseStatus.DECLINED: "Declined social prescribing",
    CaseStatus.NOT_CONTACTABLE: "Could not be contacted",
}
CLOSING_WORDS = {
    ClosingReason.GOALS_MET: "Goals met",
    ClosingReason.DECLINED: "Declined",
    ClosingReason.NOT_CONTACTABLE: "Could not be contacted",
    ClosingReason.MOVED_AWAY: "Moved away",
    ClosingReason.REFERRED_ELSEWHERE: "Referred elsewhere",
    ClosingReason.DIED: "Died",
    ClosingReason.OPENED_IN_ERROR: "Opened in error (recorded by mistake; no support was given under it)",
}
CONTACT_WORDS = {
    ContactKind.PHONE: "phone",
    ContactKind.FACE_TO_FACE: "face to face",
    ContactKind.HOME_VISIT: "home visit",
    ContactKind.VIDEO: "video",
    ContactKind.TEXT: "text message",
    ContactKind.DID_NOT_ATTEND: "did not attend",
    ContactKind.UNABLE_TO_CONTACT: "unable to contact",
}
CONNECTION_WORDS = {
    ConnectionStatus.SUGGESTED: "Suggested",
    ConnectionStatus.REFERRED: "Referred",
    ConnectionStatus.SIGNPOSTED: "Signposted",
    ConnectionStatus.ATTENDED: "Attended",
    ConnectionStatus.DECLINED: "Declined",
    ConnectionStatus.DID_NOT_ATTEND: "Did not attend",
}
STAGE_WORDS = {MeasureStage.BASELINE: "Baseline", MeasureStage.FOLLOW_UP: "Follow-up"}
BAND_WORDS = {
    Ons4Band.VERY_LOW: "very low",
    Ons4Band.LOW: "low",
    Ons4Band.MEDIUM: "medium",
    Ons4Band.HIGH: "high",
    Ons4Band.VERY_HIGH: "very high",
}

MEASURE_COLUMNS = 4  # dated measures side by side before the table continues below
# A few lines to the GP, not a second letter: the message leaves the sections their first page.
MESSAGE_MAX = 600
# Room a heading needs below it, or it starts the next page: never a heading alone at the foot.
SECTION_ROOM = 32 * mm
SUBSECTION_ROOM = 20 * mm


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _text(value: str) -> str:
    """Typed text made safe for ReportLab's paragraph markup, its line breaks kept."""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


def _practice(practice: PracticeName) -> str:
    return f"{practice.name} ({practice.ods_code})"


def personal_message(text: str | None) -> str | None:
    """The link worker's message as it will be printed: trimmed, None when blank; refused when
    longer than ``MESSAGE_MAX`` or holding a hidden character (as all case text is)."""
    message = parse_text(text, "message", "message")
    if message is not None and len(message) > MESSAGE_MAX:
        raise ValidationError(
            "message",
            f"The message is too long: {MESSAGE_MAX:,} characters at most ({len(message):,} typed).",
        )
    return message


def render(letter: GpLetter, message: str | None = None) -> bytes:
    """The letter as PDF bytes: A4, titled, with the person's identifiers and page numbers on each
    page, and the link worker's personal ``message`` under the opening paragraph when there is one."""
    message = personal_message(message)
    styles = report_styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=24 * mm,
        title=TITLE,
        author=letter.written_by,
        subject=f"Social prescribing episode {letter.case_number}, {letter.pcn_name}",
        creator="Linkworker",
        keywords="social prescribing; PRSB message back to GP",
        lang="en-GB",
        displayDocTitle=True,
    )
    footer = _footer(letter)
    document.build(
        _story(letter, message, styles),
        onFirstPage=footer,
        onLaterPages=footer,
        canvasmaker=NumberedCanvas,
    )
    return buffer.getvalue()


def _footer(letter: GpLetter) -> Callable[[Canvas, Any], None]:
    person = letter.person
    identifiers = " · ".join(
        part
        for part in (
            person.name,
            f"NHS number {person.nhs_number}" if person.nhs_number else "NHS number not known",
            f"Born {short_date(person.date_of_birth)}",
        )
    )

    return page_footer(identifiers, [f"Confidential: personal information. {letter.case_number}"], 17)


def _story(letter: GpLetter, message: str | None, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [*_letterhead(letter, styles), Spacer(1, 4 * mm)]
    story += _addressees(letter, styles)
    story.append(Paragraph(escape(TITLE), styles.title))
    story.append(_identity(letter, styles))
    story.append(Spacer(1, 3 * mm))
    story.append(
        Paragraph(
            f"This letter summarises the social prescribing support given to {_text(letter.person.name)} "
            f"since the referral received on {long_date(letter.referral.received_on)}. "
            "They agreed to share this information with their GP.",
            styles.body,
        )
    )
    if message is not None:
        story += [
            Paragraph("A note from the link worker", styles.subheading),
            Paragraph(_text(message), styles.body),
        ]
    for title, build in (
        ("Referral", _referral),
        ("What matters to the person", _what_matters),
        ("Support offered", _support),
        ("Services connected and referrals made", _connections),
        ("Wellbeing outcome measures", _measures),
        ("Status of the episode", _status),
        ("Codes for the GP record", _codes),
        ("Link worker", _link_worker),
    ):
        story += _section(title, build(letter, styles), styles)
    return story


def _section(title: str, content: Sequence[Flowable], styles: Styles) -> list[Flowable]:
    """A heading ruled in NHS blue, on a new page unless the start of what it heads fits below it.

    Room is asked for, rather than the heading kept together with its first part: a long first
    part (a plan of several paragraphs) would then push the heading to the next page and leave
    the rest of this one blank.
    """
    return [
        CondPageBreak(SECTION_ROOM),
        Paragraph(escape(title), styles.heading),
        HRFlowable(width="100%", thickness=1, color=NHS_BLUE, spaceBefore=0, spaceAfter=4),
        *content,
    ]


def _letterhead(letter: GpLetter, styles: Styles) -> list[Flowable]:
    left = [
        Paragraph(_text(letter.pcn_name), styles.letterhead),
        Paragraph("Social prescribing link worker service", styles.small),
    ]
    right = [
        Paragraph(long_date(letter.written_on), styles.right),
        Paragraph(
            f"Our reference {letter.case_number}", ParagraphStyle("ref", styles.small, alignment=TA_RIGHT)
        ),
    ]
    return [letterhead(left, right)]


def _addressees(letter: GpLetter, styles: Styles) -> list[Flowable]:
    referral = letter.referral
    referrer = _text(referral.referrer_name) if referral.referrer_name else "The referrer"
    return [
        Paragraph(f"<b>To:</b> The GP, {_text(_practice(letter.gp_practice))}", styles.body),
        Paragraph(
            f"<b>Copy to:</b> {referrer} ({SOURCE_LABELS[referral.source]}), "
            f"{_text(_practice(referral.referring_practice))}",
            styles.body,
        ),
    ]


def _identity(letter: GpLetter, styles: Styles) -> Table:
    person = letter.person
    cells = [
        [Paragraph("Name", styles.label), Paragraph(_text(person.name), styles.value)],
        [Paragraph("NHS number", styles.label), Paragraph(person.nhs_number or "Not known", styles.value)],
        [Paragraph("Date of birth", styles.label), Paragraph(short_date(person.date_of_birth), styles.value)],
    ]
    table = Table([cells], colWidths=[BODY_WIDTH * 0.44, BODY_WIDTH * 0.28, BODY_WIDTH * 0.28])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("LINEBEFORE", (0, 0), (0, 0), 4, NHS_BLUE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _pairs(rows: Sequence[tuple[str, str]], styles: Styles) -> Table:
    """Label and value rows: the label narrow and grey, the value beside it."""
    table = Table(
        [[Paragraph(escape(label), styles.label), Paragraph(value, styles.cell)] for label, value in rows],
        colWidths=[40 * mm, BODY_WIDTH - 40 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _grid(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], styles: Styles
) -> Table:
    """A ruled table whose header repeats if it runs onto the next page; cells are markup."""
    data = [[Paragraph(title, styles.cell_head) for title in header]]
    data += [[Paragraph(cell, styles.cell) for cell in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), PALE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, SECONDARY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _referral(letter: GpLetter, styles: Styles) -> list[Flowable]:
    referral = letter.referral
    by = SOURCE_LABELS[referral.source]
    if referral.referrer_name:
        by += f": {_text(referral.referrer_name)}"
    needs = "<br/>".join(_text(need) for need in referral.needs) or "None recorded"
    return [
        _pairs(
            [
                ("Received", long_date(referral.received_on)),
                ("Referred by", f"{by}, {_text(_practice(referral.referring_practice))}"),
                ("Urgency", URGENCY_LABELS[referral.urgency]),
                ("Reasons for referral", needs),
            ],
            styles,
        )
    ]


def _what_matters(letter: GpLetter, styles: Styles) -> list[Flowable]:
    plan = letter.plan
    parts: list[Flowable] = []
    for title, text in (
        ("What matters to them", plan.what_matters),
        ("Their goals", plan.goals),
        ("Actions agreed", plan.actions),
    ):
        if text and text.strip():
            parts += [
                CondPageBreak(SUBSECTION_ROOM),
                Paragraph(escape(title), styles.subheading),
                Paragraph(_text(text), styles.body),
            ]
    if not parts:
        parts.append(Paragraph("No personalised support plan has been recorded yet.", styles.body))
    if plan.reviewed_on:
        reviewed = ", ".join(short_date(day) for day in plan.reviewed_on)
        parts.append(Paragraph(f"Plan reviewed with them on {reviewed}.", styles.body))
    return parts


def _support(letter: GpLetter, styles: Styles) -> list[Flowable]:
    support = letter.support
    if not support.total or support.first_on is None or support.last_on is None:
        return [Paragraph("No contacts have been recorded yet.", styles.body)]
    contacts = "1 contact" if support.total == 1 else f"{support.total} contacts"
    span = (
        f"on {long_date(support.first_on)}"
        if support.first_on == support.last_on
        else f"between {long_date(support.first_on)} and {long_date(support.last_on)}"
    )
    text = f"{contacts} recorded {span}"
    if support.minutes:
        text += f", {_duration(support.minutes)} in all"
    kinds = ", ".join(f"{CONTACT_WORDS[item.kind]} {item.count}" for item in support.contacts)
    return [Paragraph(f"{text}.", styles.body), Paragraph(f"Contacts by kind: {kinds}.", styles.body)]


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    hour_words = "1 hour" if hours == 1 else f"{hours} hours"
    return hour_words if not rest else f"{hour_words} {rest} minutes"


def _connections(letter: GpLetter, styles: Styles) -> list[Flowable]:
    if not letter.connections:
        return [Paragraph("No services have been suggested or referred to yet.", styles.body)]
    rows = [
        [
            _text(link.service),
            _text(link.organisation),
            CONNECTION_WORDS[link.status],
            short_date(link.status_on),
        ]
        for link in letter.connections
    ]
    widths = [BODY_WIDTH * 0.36, BODY_WIDTH * 0.32, BODY_WIDTH * 0.16, BODY_WIDTH * 0.16]
    return [_grid(["Service", "Organisation", "Outcome", "Date"], rows, widths, styles)]


def _measures(letter: GpLetter, styles: Styles) -> list[Flowable]:
    if not letter.ons4 and not letter.swemwbs:
        return [Paragraph("No wellbeing measures have been recorded yet.", styles.body)]
    parts: list[Flowable] = []
    if letter.ons4:
        parts += _instrument(
            "ONS4 personal wellbeing",
            "Each question is answered 0 to 10 and reported on its own, never added up. "
            "For anxiety a lower score is better.",
            _dated_tables(letter.ons4, _ons4_rows, styles),
            styles,
        )
    if letter.swemwbs:
        parts += _instrument(
            "SWEMWBS mental wellbeing",
            "Short Warwick-Edinburgh Mental Wellbeing Scale: seven statements scored 1 to 5, "
            "a raw score of 7 to 35 and the published metric score; higher is better.",
            _dated_tables(letter.swemwbs, _swemwbs_rows, styles),
            styles,
        )
    return parts


def _instrument(title: str, note: str, tables: Sequence[Table], styles: Styles) -> list[Flowable]:
    """An instrument's heading and note on the page of its first table; each table kept whole,
    so a person's answers are never split from the dates they were given on."""
    first, *rest = tables
    intro = [Paragraph(escape(title), styles.subheading), Paragraph(note, styles.small)]
    parts: list[Flowable] = [KeepTogether([*intro, first])]
    for table in rest:
        parts += [Spacer(1, 3 * mm), KeepTogether([table])]
    return [*parts, Spacer(1, 3 * mm)]


def _dated_tables(
    results: Sequence[Ons4Result] | Sequence[SwemwbsResult],
    rows: Callable[[Sequence[Any]], list[list[str]]],
    styles: Styles,
) -> list[Table]:
    """One column per dated measure, at most ``MEASURE_COLUMNS`` to a table."""
    tables = []
    for start in range(0, len(results), MEASURE_COLUMNS):
        chunk = results[start : start + MEASURE_COLUMNS]
        header = [""] + [f"{STAGE_WORDS[item.stage]}<br/>{short_date(item.taken_on)}" for item in chunk]
        widths = [60 * mm] + [26 * mm] * len(chunk)
        tables.append(_grid(header, rows(chunk), widths, styles))
    return tables


def _ons4_rows(results: Sequence[Ons4Result]) -> list[list[str]]:
    rows = []
    for index, question in enumerate(Ons4Question):
        cells = [escape(question.label)]
        for result in results:
            answer = result.answers[index]
            cells.append(f"<b>{answer.value}</b> {BAND_WORDS[answer.band]}")
        rows.append(cells)
    return rows


def _swemwbs_rows(results: Sequence[SwemwbsResult]) -> list[list[str]]:
    return [
        ["Raw score (7 to 35)", *[f"<b>{result.raw}</b>" for result in results]],
        ["Metric score", *[f"<b>{result.metric:.2f}</b>" for result in results]],
    ]


def _status(letter: GpLetter, styles: Styles) -> list[Flowable]:
    status = letter.status
    if status.status.is_open:
        text = f"Open. {STATUS_WORDS[status.status]} since {long_date(status.since)}."
    else:
        text = f"{STATUS_WORDS[status.status]} on {long_date(status.since)}."
        if status.closing_reason is not None:
            text += f" Reason: {CLOSING_WORDS[status.closing_reason]}."
    return [Paragraph(text, styles.body)]


def _codes(letter: GpLetter, styles: Styles) -> list[Flowable]:
    if not letter.codes:
        return [Paragraph("No SNOMED CT codes are due yet: the person has not been reached.", styles.body)]
    rows = [
        [
            code.code,
            _text(code.term),
            short_date(code.due_on) if code.due_on is not None else "No longer due",
            f"Entered {short_date(code.entered_on)}" if code.entered_on else "Not yet entered",
        ]
        for code in letter.codes
    ]
    widths = [BODY_WIDTH * 0.24, BODY_WIDTH * 0.38, BODY_WIDTH * 0.16, BODY_WIDTH * 0.22]
    story: list[Flowable] = [
        _grid(["SNOMED CT code", "Term", "Dated", "In the GP record"], rows, widths, styles)
    ]
    for code in letter.codes:
        if code.entered and not code.due:  # entered before the person declined: say why it stays
            story += [
                Spacer(1, 2 * mm),
                Paragraph(
                    f"{code.code} was entered in the GP record before the person declined social "
                    "prescribing. It stays there as entered; the declined code is the one due now.",
                    styles.body,
                ),
            ]
    return story


def _link_worker(letter: GpLetter, styles: Styles) -> list[Flowable]:
    worker = (
        f"{_text(letter.link_worker)}, social prescribing link worker"
        if letter.link_worker
        else "No link worker is assigned to this person at present"
    )
    return [
        KeepTogether(
            [
                Paragraph(f"{worker}, {_text(letter.pcn_name)}.", styles.body),
                Paragraph(
                    f"To talk about this person's support, contact the social prescribing service of "
                    f"{_text(letter.pcn_name)} and quote our reference {letter.case_number}.",
                    styles.body,
                ),
                Paragraph(
                    f"Prepared by {_text(letter.written_by)} on {long_date(letter.written_on)}.",
                    styles.small,
                ),
            ]
        )
    ]
