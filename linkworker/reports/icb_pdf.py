"""The ICB's view across its PCNs (services.icb) as an A4 PDF: the table of PCNs side by
side (or, for a PCN's manager, their PCN against the ICB's figures), sorted as the reader chose,
and two charts: new referrals per 1,000 registered patients, and the Core20 share of referrals
against the Core20 share of registered patients. Every figure as each PCN's rule shows it; the
foot of each page names the rules and the deprivation index.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linkworker.domain.icb import (
    COLUMNS,
    CORE20_POPULATION,
    CORE20_REFERRALS,
    PER_THOUSAND,
    IcbView,
    PcnFigures,
    shown_value,
)
from linkworker.reports.page import (
    BODY_WIDTH,
    MARGIN,
    NHS_BLUE,
    PALE,
    RULE,
    SECONDARY,
    TEXT,
    NumberedCanvas,
    long_date,
    page_footer,
    report_styles,
)

TITLE = "Social prescribing across the ICB"
WIDTH = BODY_WIDTH
BAR = 4.2 * mm
PER_CHART = 30  # bars of PCNs to one chart, so each fits a page with its title
FIRST_COLUMN = 46 * mm
PAGE_NUMBER_ROOM = 30 * mm


def render(view: IcbView, rows: Sequence[PcnFigures] | None = None) -> bytes:
    """The view as PDF bytes; ``rows`` in the order the reader sorted them (by name otherwise)."""
    styles = report_styles()
    listed = list(rows if rows is not None else view.pcns)
    lines = [line for note in view.notes for line in simpleSplit(note, "Vera", 8, WIDTH - PAGE_NUMBER_ROOM)]
    footer_top = 12 + 3.5 * len(lines)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=(footer_top + 6) * mm,
        title=f"{TITLE}, {view.month:%B %Y}",
        author="Linkworker",
        subject=f"Anonymised social prescribing figures by PCN, {view.month:%B %Y}",
        creator="Linkworker",
        lang="en-GB",
        displayDocTitle=True,
    )
    footer = page_footer(f"{TITLE} · {view.month:%B %Y} · anonymised", lines, footer_top)
    story: list[Flowable] = [
        Paragraph(f"{escape(TITLE)}: {view.month:%B %Y}", styles.title),
        Paragraph(
            f"Figures for {long_date(view.month)} onwards, to the month's end; made "
            f"{long_date(view.made_at.date())} at {view.made_at:%H:%M}. "
            + (
                "Every PCN on this server, each under its own disclosure rule."
                if view.every_pcn
                else "Your PCN against the ICB's figures (every PCN on this server, none named)."
            ),
            styles.small,
        ),
        Spacer(1, 3 * mm),
        _table(listed, view.icb, styles.cell),
        Spacer(1, 5 * mm),
    ]
    every = [*listed, *([view.icb] if view.icb is not None else [])]
    story += _charts(every)
    document.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def _table(rows: Sequence[PcnFigures], icb: PcnFigures | None, cell: ParagraphStyle) -> Table:
    head = ParagraphStyle("icb_head", cell, fontName="Vera-Bold", fontSize=6.5, leading=8, alignment=TA_RIGHT)
    label = ParagraphStyle("icb_label", cell, fontSize=7, leading=8.5)
    number = ParagraphStyle("icb_number", label, alignment=TA_RIGHT)
    data = [
        [Paragraph("PCN", ParagraphStyle("h", head, alignment=0))] + [Paragraph(c, head) for c in COLUMNS]
    ]
    for row in rows:
        name = f"{escape(row.name)} ({escape(row.ods_code)})" if row.ods_code else escape(row.name)
        data.append([Paragraph(name, label), *(Paragraph(text, number) for text in row.shown)])
    if icb is not None:
        data.append(
            [
                Paragraph(f"<b>{escape(icb.name)}</b>", label),
                *(Paragraph(f"<b>{t}</b>", number) for t in icb.shown),
            ]
        )
    first = FIRST_COLUMN
    table = Table(data, colWidths=[first] + [(WIDTH - first) / len(COLUMNS)] * len(COLUMNS), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), PALE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, SECONDARY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _charts(rows: Sequence[PcnFigures]) -> list[Flowable]:
    """Referrals per 1,000 (one dark bar each), and Core20 share of referrals (dark) against of
    registered patients (white, outlined): readable in black and white, each value printed."""
    names = [row.name for row in rows]
    rate = COLUMNS.index(PER_THOUSAND)
    referrals, population = COLUMNS.index(CORE20_REFERRALS), COLUMNS.index(CORE20_POPULATION)
    parts: list[Flowable] = []
    for start in range(0, len(rows), PER_CHART):
        part = rows[start : start + PER_CHART]
        more = f" ({start + 1} to {start + len(part)} of {len(rows)})" if len(rows) > PER_CHART else ""
        parts += [
            _bars(
                f"New referrals per 1,000 registered patients{more}",
                names[start : start + PER_CHART],
                [[row.shown[rate] for row in part]],
            ),
            Spacer(1, 4 * mm),
        ]
    for start in range(0, len(rows), PER_CHART // 2):
        part = rows[start : start + PER_CHART // 2]
        more = f" ({start + 1} to {start + len(part)} of {len(rows)})" if len(rows) > PER_CHART // 2 else ""
        parts += [
            _bars(
                f"Core20 (most deprived 20% of areas): share of referrals and of patients{more}",
                names[start : start + PER_CHART // 2],
                [[row.shown[referrals] for row in part], [row.shown[population] for row in part]],
                ["Share of new referrals", "Share of registered patients"],
            ),
            Spacer(1, 4 * mm),
        ]
    parts.append(Paragraph("A PCN without a bar has that figure withheld (-).", report_styles().small))
    return parts


def _bars(
    title: str, names: Sequence[str], series: Sequence[Sequence[str]], legend: Sequence[str] = ()
) -> Drawing:
    height = BAR * len(names) * len(series) + 4 * len(names) + 22 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    room = FIRST_COLUMN
    chart.x, chart.y = room, 6 * mm
    chart.width, chart.height = WIDTH - room - 20 * mm, height - 20 * mm
    values = [[shown_value(text) for text in reversed(texts)] for texts in series]
    chart.data = values
    chart.categoryAxis.categoryNames = [name[:34] for name in reversed(names)]
    drawn = [value for values_ in values for value in values_ if value is not None]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*drawn, 1.0]) * 1.15
    chart.valueAxis.visibleLabels = False
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = "Vera", 7, SECONDARY
        axis.strokeColor = RULE
    chart.categoryAxis.visibleTicks = False
    chart.bars.strokeColor, chart.bars.strokeWidth = colors.black, 0.5
    fills = [NHS_BLUE, colors.white]
    for number in range(len(series)):
        chart.bars[number].fillColor = fills[number]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [
        [text if shown_value(text) is not None else "" for text in reversed(texts)] for texts in series
    ]
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.fillColor = "Vera", 6.5, TEXT
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 2
    drawing.add(chart)
    drawing.add(String(0, height - 6 * mm, title, fontName="Vera-Bold", fontSize=8.5))
    if legend:
        key = Legend()
        key.x, key.y = room + 4 * mm, height - 10 * mm
        key.alignment, key.columnMaximum, key.deltax = "right", 1, 50 * mm
        key.fontName, key.fontSize = "Vera", 7.5
        key.strokeColor, key.strokeWidth = colors.black, 0.5
        key.colorNamePairs = list(zip(fills, legend, strict=False))
        drawing.add(key)
    return drawing
