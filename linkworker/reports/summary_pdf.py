"""The anonymised monthly PCN summary as an A4 PDF made with ReportLab, for the PCN board and the ICB.

Every figure is printed as the disclosure rule shows it (``shown``), never its exact value: the
tables, the totals and the charts alike. A chart draws only what the rule lets a reader see, so a
suppressed month or row has no bar rather than a bar whose height would give its count away. The
footer of every page names the rule, so a reader knows what "*" and "-" mean.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from linkworker.domain import equity
from linkworker.domain.disclosure import COARSE, Rule, shown
from linkworker.domain.summary import Figure, FigureTable, Kind, Summary, month_end
from linkworker.reports import equity_pdf
from linkworker.reports.page import (
    BODY_WIDTH,
    MARGIN,
    NHS_BLUE,
    PALE,
    RULE,
    SECONDARY,
    TEXT,
    NumberedCanvas,
    Styles,
    letterhead,
    long_date,
    page_footer,
    report_styles,
)

TITLE = "Social prescribing: monthly summary"
KEY_FIGURES = "Key figures"
TREND = "Referrals and first contacts over 12 months"
TOTAL = "Total"
REACHED = "Who is reached: deprivation, distance and fairness"
AQUA_GREEN = "#00A499"  # NHS aqua green: the second series beside NHS blue
PAGE_NUMBER_ROOM = 30 * mm  # kept clear at the right of the footer for "Page n of m"
BAR_CHART_ROWS = 12  # a table with more rows than this gets no bar chart: it would be unreadable
LABEL_WIDTH = 95 * mm  # a table of one or two columns is not stretched across the page
# Value-axis steps: none below 10, so no tick could be read as a count from 1 to 7.
CHART_STEPS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)


def month_name(month: date) -> str:
    return f"{month:%B %Y}"


def render(summary: Summary, rule: Rule) -> bytes:
    """The summary as PDF bytes: A4, titled, every figure as the rule shows it, page numbers and
    the rule's sentence on each page."""
    styles = report_styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=(_footer_top(summary, rule) + 7) * mm,
        title=f"{TITLE}, {month_name(summary.month)}",
        author=summary.pcn_name,
        subject=(
            f"Anonymised social prescribing figures for {summary.pcn_name} ({summary.pcn_ods}), "
            f"{month_name(summary.month)}"
        ),
        creator="Linkworker",
        keywords="social prescribing; anonymised; monthly summary",
        lang="en-GB",
        displayDocTitle=True,
    )
    footer = _footer(summary, rule)
    document.build(
        _story(summary, rule, styles),
        onFirstPage=footer,
        onLaterPages=footer,
        canvasmaker=NumberedCanvas,
    )
    return buffer.getvalue()


def _footer_lines(summary: Summary, rule: Rule) -> list[str]:
    """The rule's sentence and the summary's notes (what "improved" means), as the foot wraps them."""
    return [
        line
        for text in (rule.describe(), *summary.notes)
        for line in simpleSplit(text, "Vera", 8, BODY_WIDTH - PAGE_NUMBER_ROOM)
    ]


def _footer_top(summary: Summary, rule: Rule) -> float:
    """Millimetres from the page's bottom to the foot's rule: room for its heading and lines."""
    return 12 + 3.5 * len(_footer_lines(summary, rule))


def _footer(summary: Summary, rule: Rule) -> Callable[[Canvas, Any], None]:
    heading = f"{summary.pcn_name} ({summary.pcn_ods}) · {month_name(summary.month)} · anonymised"
    return page_footer(heading, _footer_lines(summary, rule), _footer_top(summary, rule))


def _story(summary: Summary, rule: Rule, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [*_letterhead(summary, styles), Spacer(1, 4 * mm)]
    story.append(Paragraph(f"{escape(TITLE)}: {month_name(summary.month)}", styles.title))
    practices = ", ".join(escape(name) for name in summary.practices) or "none"
    story.append(Paragraph(f"<b>Practices in scope:</b> {practices}.", styles.body))
    story.append(
        Paragraph(
            f"Figures for {long_date(summary.month)} to {long_date(month_end(summary.month))}. "
            "No person can be identified from them: small counts are shown as *, other counts are "
            "rounded, and a figure resting on too few people is shown as -.",
            styles.small,
        )
    )
    story += _section(KEY_FIGURES, [_key_figures(summary.key_figures, rule, styles)], styles)
    if summary.trend:
        story += _section(TREND, _trend(summary, rule, styles), styles)
    for table in summary.tables:
        if table.title == equity.REFERRALS_BY_QUINTILE:
            story += _reached_heading(summary, styles)
        if table.title in equity.EQUITY_TITLES:
            story += _section(table.title, _equity_table(table, rule, styles), styles)
        else:
            story += _section(table.title, _figure_table(table, rule, styles), styles)
    return story


def _reached_heading(summary: Summary, styles: Styles) -> list[Flowable]:
    """The part on who is reached opens by naming the index and the population it rests on."""
    note = next((note for note in summary.notes if note.startswith("Deprivation:")), "")
    return [
        Spacer(1, 4 * mm),
        Paragraph(escape(REACHED), styles.title),
        Paragraph(escape(note), styles.small),
    ]


def _equity_table(table: FigureTable, rule: Rule, styles: Styles) -> list[Flowable]:
    """A table of who is reached with its chart and (for Core20) its sentence; or, when it would
    show nothing but stars and dashes, a sentence saying there were too few people."""
    if table.rows and equity.too_few(table, rule):
        return [Paragraph(escape(equity.TOO_FEW), styles.body)]
    parts = _figure_table(table, rule, styles)
    said = equity_pdf.sentence(table, rule)
    if said is not None:
        parts.append(Paragraph(escape(said), styles.body))
    drawing = equity_pdf.chart(table, rule, BODY_WIDTH)
    if drawing is not None:
        parts += [Spacer(1, 2 * mm), drawing, Paragraph(escape(equity_pdf.NO_BAR), styles.small)]
    return parts


def _letterhead(summary: Summary, styles: Styles) -> list[Flowable]:
    left = [
        Paragraph(escape(summary.pcn_name), styles.letterhead),
        Paragraph(f"Primary care network {escape(summary.pcn_ods)}", styles.small),
    ]
    made = summary.made_at
    right = [Paragraph(f"Made {long_date(made.date())} at {made:%H:%M}", styles.right)]
    return [letterhead(left, right)]


def _section(title: str, content: Sequence[Flowable], styles: Styles) -> list[Flowable]:
    """A heading ruled in NHS blue over its content, kept on one page: a table that ran onto the
    next page would go on there without its title. Only a table longer than a page is split (its
    column headings repeated)."""
    heading = [
        Paragraph(escape(title), styles.heading),
        HRFlowable(width="100%", thickness=1, color=NHS_BLUE, spaceBefore=0, spaceAfter=4),
    ]
    return [KeepTogether([*heading, *content])]


def _key_figures(figures: Sequence[Figure], rule: Rule, styles: Styles) -> Table:
    """Two figures to a row, each value right-aligned beside its label."""
    cells: list[list[Any]] = [
        [Paragraph(escape(figure.label), styles.cell), shown(figure, rule)] for figure in figures
    ] or [[Paragraph("No figures.", styles.cell), ""]]
    if len(cells) % 2:
        cells.append(["", ""])
    data = [[*cells[i], "", *cells[i + 1]] for i in range(0, len(cells), 2)]
    gap, value = 6 * mm, 20 * mm
    label = (BODY_WIDTH - gap) / 2 - value
    table = Table(data, colWidths=[label, value, gap, label, value], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Vera-Bold", 12),
                ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ALIGN", (4, 0), (4, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (1, -1), PALE),
                ("BACKGROUND", (3, 0), (4, -1), PALE),
                ("LINEBELOW", (0, 0), (-1, -1), 3, colors.white),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _number(text: str) -> int | None:
    """A shown count as a number to draw ("50†", rounded to 10, too), or None for "*" and "-":
    drawn as nothing."""
    digits = text.removesuffix(COARSE).replace(",", "")
    return int(digits) if digits.isdigit() else None


def _value_axis(largest: int) -> tuple[int, int]:
    """The axis top and step (one of CHART_STEPS), with at most five steps."""
    step = next((step for step in CHART_STEPS if largest / step <= 5), CHART_STEPS[-1])
    return step * max(1, math.ceil(largest / step)), step


def _trend(summary: Summary, rule: Rule, styles: Styles) -> list[Flowable]:
    """Bars for each month's referrals and first contacts, then the same figures as a table."""
    referrals = [shown(point.referrals, rule) for point in summary.trend]
    contacts = [shown(point.first_contacts, rule) for point in summary.trend]
    series = [[_number(text) for text in referrals], [_number(text) for text in contacts]]
    labels = (summary.trend[0].referrals.label, summary.trend[0].first_contacts.label)
    parts: list[Flowable] = []
    largest = max((value for values in series for value in values if value is not None), default=0)
    if largest:
        drawing = Drawing(BODY_WIDTH, 62 * mm)
        chart = VerticalBarChart()
        chart.x, chart.y = 12 * mm, 14 * mm
        chart.width, chart.height = BODY_WIDTH - 14 * mm, 40 * mm
        chart.data = series
        chart.categoryAxis.categoryNames = [f"{point.month:%b}\n{point.month:%Y}" for point in summary.trend]
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = _value_axis(largest)
        _style_axes(chart)
        chart.bars[0].fillColor = NHS_BLUE
        chart.bars[1].fillColor = colors.HexColor(AQUA_GREEN)
        chart.bars.strokeColor = None
        chart.groupSpacing, chart.barSpacing = 6, 1
        legend = Legend()
        legend.x, legend.y = 12 * mm, 60 * mm
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 60 * mm
        legend.fontName, legend.fontSize = "Vera", 8
        legend.fillColor = TEXT
        legend.colorNamePairs = [(NHS_BLUE, labels[0]), (colors.HexColor(AQUA_GREEN), labels[1])]
        drawing.add(chart)
        drawing.add(legend)
        parts.append(drawing)
        parts.append(
            Paragraph("A month without a bar had none, or too few to show (* in the table).", styles.small)
        )
    header = [""] + [f"{point.month:%b}<br/>{point.month:%Y}" for point in summary.trend]
    rows = [[escape(labels[0]), *referrals], [escape(labels[1]), *contacts]]
    month_width = (BODY_WIDTH - 26 * mm) / len(summary.trend)
    parts.append(_grid(header, rows, [26 * mm] + [month_width] * len(summary.trend), styles, small=True))
    return parts


def _style_axes(chart: VerticalBarChart | HorizontalBarChart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = "Vera"
        axis.labels.fontSize = 7.5
        axis.labels.fillColor = SECONDARY
        axis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.visibleTicks = False


def _figure_table(table: FigureTable, rule: Rule, styles: Styles) -> list[Flowable]:
    rows = [[escape(label), *(shown(figure, rule) for figure in figures)] for label, figures in table.rows]
    if not rows:
        return [Paragraph("None in this month.", styles.body)]
    if table.total is not None:
        rows.append([f"<b>{TOTAL}</b>", *(f"<b>{shown(figure, rule)}</b>" for figure in table.total)])
    count = len(table.columns)
    # Wide enough for the longest word of a heading ("meaningful"), so no word breaks in two.
    longest_word = max(
        stringWidth(word, "Vera-Bold", 9) for column in table.columns for word in column.split()
    )
    value_width = max(longest_word + 12, min(30 * mm, (BODY_WIDTH - 60 * mm) / count))
    widths = [min(BODY_WIDTH - value_width * count, LABEL_WIDTH)] + [value_width] * count
    grid = _grid(["", *map(escape, table.columns)], rows, widths, styles)
    chart = _bar_chart(table, rule, sum(widths))
    return [grid] if chart is None else [grid, Spacer(1, 2 * mm), chart]


def _bar_chart(table: FigureTable, rule: Rule, width: float) -> Drawing | None:
    """A bar for each row of a one-column table of counts, where a chart helps: not too many rows,
    and at least two of them with a bar to compare."""
    if len(table.columns) != 1 or len(table.rows) > BAR_CHART_ROWS:
        return None
    if any(figures[0].kind is not Kind.COUNT for _label, figures in table.rows):
        return None
    values = [_number(shown(figures[0], rule)) for _label, figures in table.rows]
    drawn = [value for value in values if value]
    if len(drawn) < 2:
        return None
    largest = max(drawn)
    names = [_fit(label, 62 * mm) for label, _figures in table.rows]
    label_room = max(stringWidth(name, "Vera", 7.5) for name in names) + 4 * mm
    bar_height = 5 * mm
    drawing = Drawing(width, bar_height * len(values) + 10 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_room, 7 * mm
    chart.width, chart.height = width - label_room - 4 * mm, bar_height * len(values)
    # Drawn top to bottom in the table's order.
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = _value_axis(largest)
    _style_axes(chart)
    chart.bars[0].fillColor = NHS_BLUE
    chart.bars.strokeColor = None
    chart.barSpacing = 2
    drawing.add(chart)
    return drawing


def _fit(text: str, width: float) -> str:
    """The label cut short with an ellipsis if it is wider than the chart leaves room for."""
    if stringWidth(text, "Vera", 7.5) <= width:
        return text
    while text and stringWidth(f"{text}…", "Vera", 7.5) > width:
        text = text[:-1]
    return f"{text.rstrip()}…"


def _grid(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    styles: Styles,
    *,
    small: bool = False,
) -> Table:
    """A ruled table, its header repeated on each page it runs onto; the first column is the
    row's label and the others are figures, right-aligned. Cells are markup."""
    size = 8 if small else 9
    label = ParagraphStyle("summary_label", styles.cell, fontSize=size, leading=size + 3)
    head = ParagraphStyle("summary_head", styles.cell_head, fontSize=size, leading=size + 3)
    number = ParagraphStyle("summary_number", label, alignment=TA_RIGHT)
    number_head = ParagraphStyle("summary_number_head", head, alignment=TA_RIGHT)
    data = [[Paragraph(header[0], head), *(Paragraph(cell, number_head) for cell in header[1:])]]
    data += [[Paragraph(row[0], label), *(Paragraph(cell, number) for cell in row[1:])] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), PALE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, SECONDARY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 2 if small else 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3 if small else 6),
            ]
        )
    )
    return table
