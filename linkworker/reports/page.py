"""The page every Linkworker document is printed on: A4, NHS identity colours, the Vera font
embedded, the letterhead, a footer, and "Page n of m". The GP letter and the monthly summary
(reports/gp_letter.py, reports/summary_pdf.py) are both made of these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

# NHS identity colours, as the app's style sheet uses them.
NHS_BLUE = colors.HexColor("#005EB8")
TEXT = colors.HexColor("#212B32")
SECONDARY = colors.HexColor("#4C6272")
PALE = colors.HexColor("#F0F4F5")
RULE = colors.HexColor("#D8DDE0")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FRAME_PADDING = 6  # ReportLab's default inside the page frame
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN - 2 * FRAME_PADDING


def long_date(day: date) -> str:
    """As a letter writes a date: "3 October 2026"."""
    return f"{day.day} {day:%B %Y}"


@cache
def font_family() -> str:
    """Bitstream Vera, which ships inside ReportLab: embedded, so a document looks the same on
    every PC, and wider than the PDF base fonts' Latin-1 (names such as Łukasz print)."""
    folder = Path(reportlab.__file__).parent / "fonts"
    faces = {
        "Vera": "Vera.ttf",
        "Vera-Bold": "VeraBd.ttf",
        "Vera-Italic": "VeraIt.ttf",
        "Vera-BoldItalic": "VeraBI.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        "Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic", boldItalic="Vera-BoldItalic"
    )
    return "Vera"


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    letterhead: ParagraphStyle
    right: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle


@cache
def report_styles() -> Styles:
    font = font_family()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, textColor=TEXT, spaceAfter=4)
    return Styles(
        body=body,
        small=ParagraphStyle("small", body, fontSize=8.5, leading=11, textColor=SECONDARY),
        label=ParagraphStyle("label", body, fontSize=8.5, leading=11, textColor=SECONDARY, spaceAfter=0),
        value=ParagraphStyle("value", body, fontName="Vera-Bold", fontSize=12, leading=15, spaceAfter=0),
        title=ParagraphStyle(
            "title", body, fontName="Vera-Bold", fontSize=14, leading=18, spaceBefore=6, spaceAfter=8
        ),
        heading=ParagraphStyle(
            "heading",
            body,
            fontName="Vera-Bold",
            fontSize=11.5,
            leading=15,
            textColor=NHS_BLUE,
            spaceBefore=10,
            spaceAfter=2,
        ),
        subheading=ParagraphStyle(
            "subheading",
            body,
            fontName="Vera-Bold",
            fontSize=10,
            spaceBefore=4,
            spaceAfter=2,
        ),
        letterhead=ParagraphStyle(
            "letterhead",
            body,
            fontName="Vera-Bold",
            fontSize=13,
            leading=16,
            textColor=NHS_BLUE,
            spaceAfter=0,
        ),
        right=ParagraphStyle("right", body, alignment=TA_RIGHT, spaceAfter=0),
        cell=ParagraphStyle("cell", body, fontSize=9, leading=12, spaceAfter=0),
        cell_head=ParagraphStyle(
            "cell_head", body, fontName="Vera-Bold", fontSize=9, leading=12, spaceAfter=0
        ),
    )


def page_footer(heading: str, lines: Sequence[str], top_mm: float) -> Callable[[Canvas, Any], None]:
    """Draws every page's foot: a rule at ``top_mm`` from the bottom, a bold heading, then
    ``lines`` in small grey type (the page number is the canvas's, ``NumberedCanvas``)."""

    def draw(canvas: Canvas, _document: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, top_mm * mm, PAGE_WIDTH - MARGIN, top_mm * mm)
        canvas.setFillColor(TEXT)
        canvas.setFont("Vera-Bold", 8.5)
        canvas.drawString(MARGIN, (top_mm - 4.5) * mm, heading)
        canvas.setFillColor(SECONDARY)
        canvas.setFont("Vera", 8)
        for index, line in enumerate(lines):
            canvas.drawString(MARGIN, (top_mm - 8.5 - 3.5 * index) * mm, line)
        canvas.restoreState()

    return draw


# ReportLab ships no type information and types-reportlab is not installed, so Canvas is Any to
# mypy; strict mode refuses a subclass of Any. (With the stubs installed, mypy reports this
# ignore as unused: delete it then.)
class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds each page until the end so "Page n of m" can be written with the real total."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.saveState()
            self.setFont("Vera", 8.5)
            self.setFillColor(SECONDARY)
            self.drawRightString(PAGE_WIDTH - MARGIN, 12.5 * mm, f"Page {number} of {total}")
            self.restoreState()
            super().showPage()
        super().save()


def letterhead(left: Sequence[Flowable], right: Sequence[Flowable]) -> Table:
    """The top of a document's first page: who it is from on the left, the date and reference
    on the right, ruled in NHS blue beneath."""
    widths = [BODY_WIDTH * 0.62, BODY_WIDTH * 0.38]
    table = Table([[list(left), list(right)]], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 2, NHS_BLUE),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 6),
            ]
        )
    )
    return table
