"""Charts and sentences for the summary's tables of who is reached (issue 18), and the ICB view's.

Each chart draws only figures as the disclosure rule shows them (a rate, a share, a median or a
mean change: none of them a count), so a withheld figure has no bar. Charts are one series of
bars in a dark fill with each value printed at its bar's end, and the Core20 comparison is a
dark bar beside a white one outlined in black: readable when printed in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from linkworker.domain import equity
from linkworker.domain.disclosure import Rule, shown
from linkworker.domain.summary import FigureTable
from linkworker.reports.page import NHS_BLUE, RULE, SECONDARY, TEXT

BAR_HEIGHT = 5 * mm
FONT = "Vera"
# For each table, the column its chart draws and how the chart is titled.
CHARTED: dict[str, tuple[str, str]] = {
    equity.REFERRALS_BY_QUINTILE: (equity.PER_THOUSAND, "New referrals per 1,000 registered patients"),
    equity.CONNECTIONS_BY_QUINTILE: (equity.MEDIAN_DISTANCE, "Median straight-line distance (km)"),
    equity.ATTENDED_BY_DISTANCE: (equity.ATTENDED, "Connections attended"),
    equity.WAITS_BY_QUINTILE: (equity.MEDIAN_WAIT, "Median days from referral to first contact"),
    equity.ONS4_BY_QUINTILE: ("Mean change: life satisfaction", "Mean change in life satisfaction (0-10)"),
    equity.SWEMWBS_BY_QUINTILE: ("Mean change", "Mean change in SWEMWBS metric score"),
}
NO_BAR = "A row without a bar has a figure withheld (-) or none."


def value_of(text: str) -> float | None:
    """A shown rate, share, median or mean as a number to draw ("12.5", "40%"); None for "-"."""
    try:
        return float(text.removesuffix("%"))
    except ValueError:
        return None


def chart(table: FigureTable, rule: Rule, width: float) -> Drawing | None:
    """The table's chart, or None when it has none or nothing to draw."""
    if table.title == equity.CORE20:
        return core20_chart(table, rule, width)
    if table.title not in CHARTED:
        return None
    column, title = CHARTED[table.title]
    place = table.columns.index(column)
    labels = [label for label, _cells in table.rows]
    texts = [shown(cells[place], rule) for _label, cells in table.rows]
    if not any(value_of(text) is not None for text in texts):
        return None
    return bars(title, labels, texts, width)


def bars(
    title: str,
    labels: Sequence[str],
    texts: Sequence[str],
    width: float,
    fills: Sequence[colors.Color] | None = None,
) -> Drawing:
    """Horizontal bars, top to bottom in the order given, each figure printed beside its bar as
    the table shows it. The value axis has a grid but no numbers: a tick's "2" or "4" could be
    taken for a count."""
    values = [value_of(text) for text in texts]
    names = [_fit(label, 60 * mm) for label in labels]
    room = max(stringWidth(name, FONT, 7.5) for name in names) + 4 * mm
    drawn = [value for value in values if value is not None]
    low, high = min(0.0, *drawn), max(0.0, *drawn)
    drawing = Drawing(width, BAR_HEIGHT * len(values) + 16 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y = room, 7 * mm
    chart.width, chart.height = width - room - 14 * mm, BAR_HEIGHT * len(values)
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.valueAxis.valueMin = low * 1.15
    chart.valueAxis.valueMax = high * 1.15 if high > 0 else 1
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = FONT, 7.5, SECONDARY
        axis.strokeColor = RULE
    chart.categoryAxis.visibleTicks = False
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor, chart.valueAxis.gridStrokeWidth = RULE, 0.4
    chart.valueAxis.visibleLabels = False
    chart.bars.strokeColor = colors.black
    chart.bars.strokeWidth = 0.5
    chart.bars[0].fillColor = NHS_BLUE
    for number, fill in enumerate(reversed(fills or ())):
        chart.bars[(0, number)].fillColor = fill
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[text if value_of(text) is not None else "" for text in reversed(texts)]]
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.fillColor = FONT, 7.5, TEXT
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 2
    chart.barSpacing = 2
    drawing.add(chart)
    drawing.add(String(room, BAR_HEIGHT * len(values) + 11 * mm, title, fontName="Vera-Bold", fontSize=8))
    return drawing


def core20_chart(table: FigureTable, rule: Rule, width: float) -> Drawing | None:
    """The Core20 share of referrals (dark) beside the share of registered patients (white)."""
    _label_of_row, cells = table.rows[0]
    texts = [shown(figure, rule) for figure in cells]
    if all(value_of(text) is None for text in texts):
        return None
    return bars(
        "Most deprived 20% of areas",
        ["Share of referrals", "Share of registered patients"],
        texts,
        width,
        fills=[NHS_BLUE, colors.white],
    )


def sentence(table: FigureTable, rule: Rule) -> str | None:
    """The plain sentence under the Core20 table; None for any other."""
    return equity.core20_said(table, rule)


def _fit(text: str, width: float) -> str:
    if stringWidth(text, FONT, 7.5) <= width:
        return text
    while text and stringWidth(f"{text}…", FONT, 7.5) > width:
        text = text[:-1]
    return f"{text.rstrip()}…"
