"""The monthly summary as a PDF, read back with pypdf: every figure as the rule shows it, nothing else."""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import replace

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings

from linkworker.domain.disclosure import NHS_DIGITAL, Rule, shown, threshold_rule
from linkworker.domain.summary import Figure, FigureTable, Kind, Summary, count
from linkworker.reports.summary_pdf import render
from tests.reports.summaries import SUMMARY, summaries


def read(summary: Summary, rule: Rule = NHS_DIGITAL) -> pypdf.PdfReader:
    content = render(summary, rule)
    assert content.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(content))


def text(reader: pypdf.PdfReader) -> str:
    """The document's words with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pieces(reader: pypdf.PdfReader) -> list[str]:
    """Each line of text as ReportLab drew it: a table cell, a chart's tick, a line of a paragraph."""
    return [
        line.strip() for page in reader.pages for line in page.extract_text().splitlines() if line.strip()
    ]


def words(value: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", value))


def strings(summary: Summary) -> list[str]:
    """Every piece of text the summary gives the document."""
    found = [summary.pcn_name, summary.pcn_ods, *summary.practices]
    found += [figure.label for figure in summary.key_figures]
    for table in summary.tables:
        found += [table.title, *table.columns, *(label for label, _figures in table.rows)]
    found += [
        label for point in summary.trend for label in (point.referrals.label, point.first_contacts.label)
    ]
    return found


def figures(summary: Summary) -> list[Figure]:
    found = list(summary.key_figures)
    for table in summary.tables:
        found += [figure for _label, row in table.rows for figure in row] + list(table.total or ())
    return found + [figure for point in summary.trend for figure in (point.referrals, point.first_contacts)]


def test_every_figure_is_shown_beside_its_label() -> None:
    words_ = text(read(SUMMARY))
    for figure in SUMMARY.key_figures:
        assert f"{figure.label} {shown(figure, NHS_DIGITAL)}" in words_
    for table in SUMMARY.tables:
        assert table.title in words_
        assert " ".join(table.columns) in words_
        for label, row in table.rows:
            assert " ".join([label, *(shown(figure, NHS_DIGITAL) for figure in row)]) in words_
        if table.total is not None:
            assert " ".join(["Total", *(shown(figure, NHS_DIGITAL) for figure in table.total)]) in words_
    referrals = [shown(point.referrals, NHS_DIGITAL) for point in SUMMARY.trend]
    contacts = [shown(point.first_contacts, NHS_DIGITAL) for point in SUMMARY.trend]
    assert " ".join(["New referrals", *referrals]) in words_
    assert " ".join(["First contacts", *contacts]) in words_


def test_shown_values_not_exact_ones() -> None:
    words_ = text(read(SUMMARY))
    assert "New referrals 40" in words_  # 42 rounded to the nearest 5
    assert "Declines *" in words_  # 3
    assert "Castle Street Practice *" in words_  # 5
    assert "Metric score * - -" in words_  # 6 people: too few for a mean or a share


def test_heading_names_the_pcn_month_practices_and_date_made() -> None:
    words_ = text(read(SUMMARY))
    assert "Riverside Central PCN" in words_
    assert "U12345" in words_
    assert "October 2026" in words_
    assert (
        "Practices in scope: Abbey Road Surgery, Brook Lane Medical Centre, Castle Street Practice." in words_
    )
    assert "Made 3 November 2026 at 09:41" in words_


def test_metadata_is_set() -> None:
    metadata = read(SUMMARY).metadata
    assert metadata is not None
    assert metadata.title == "Social prescribing: monthly summary, October 2026"
    assert metadata.author == "Riverside Central PCN"
    assert (
        metadata.subject is not None and "U12345" in metadata.subject and "October 2026" in metadata.subject
    )
    assert metadata.creator == "Linkworker"


def test_every_page_is_numbered_and_names_the_rule() -> None:
    rule = threshold_rule(10)
    long = replace(
        SUMMARY,
        tables=(
            FigureTable(
                "Referrals by need",
                ("Referrals",),
                tuple(
                    (f"Need {chr(65 + i // 26)}{chr(65 + i % 26)}", (count("Referrals", 20),))
                    for i in range(90)
                ),
            ),
        ),
    )
    reader = read(long, rule)
    assert len(reader.pages) > 2
    for number, page in enumerate(reader.pages, start=1):
        page_words = " ".join(page.extract_text().split())
        assert f"Page {number} of {len(reader.pages)}" in page_words
        assert rule.describe() in page_words
        # The table's header row is repeated on each page it runs onto.
        if number > 1:
            assert page_words.count("Referrals") >= 1


def test_a_suppressed_or_rounded_value_leaves_no_trace() -> None:
    """Figures that show the same make the same pages: the charts draw shown values only."""
    trend = list(SUMMARY.trend)
    trend[3] = replace(trend[3], referrals=count("New referrals", 1))  # 6 before: both "*"
    trend[4] = replace(trend[4], first_contacts=count("First contacts", 7))  # 3 before
    trend[0] = replace(trend[0], referrals=count("New referrals", 29))  # 31 before: both 30
    first, second = SUMMARY.tables[0], SUMMARY.tables[1]
    rows = list(second.rows)
    rows[2] = ("Self", (count("Referrals", 2),))  # 6 before
    changed = replace(
        SUMMARY,
        trend=tuple(trend),
        tables=(first, replace(second, rows=tuple(rows)), *SUMMARY.tables[2:]),
    )
    before, after = read(SUMMARY), read(changed)
    assert [page.get_contents().get_data() for page in before.pages] == [
        page.get_contents().get_data() for page in after.pages
    ]


EMPTY = replace(
    SUMMARY,
    key_figures=(),
    tables=(FigureTable("Referrals by practice", ("Referrals",), ()),),
    trend=tuple(
        replace(point, referrals=count("New referrals", 0), first_contacts=count("First contacts", 0))
        for point in SUMMARY.trend
    ),
)


def test_an_empty_month_still_makes_a_document() -> None:
    words_ = text(read(EMPTY))
    assert "Key figures No figures." in words_
    assert "Referrals by practice None in this month." in words_
    assert "New referrals 0 0 0" in words_


# The document's own words: those of a full month's and an empty month's documents.
TEMPLATE = (
    words(text(read(SUMMARY)))
    | words(text(read(EMPTY)))
    | words(" ".join(calendar.month_name[1:] + calendar.month_abbr[1:]))
)
STANDALONE = re.compile(r"\d+")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summaries())
def test_no_small_count_and_nothing_but_the_summary(summary: Summary) -> None:
    rule = NHS_DIGITAL
    reader = read(summary, rule)
    # A whole number from 1 to 7 standing alone may only be a median or a mean, never a count.
    not_counts = {shown(figure, rule) for figure in figures(summary) if figure.kind is not Kind.COUNT}
    for piece in pieces(reader):
        if STANDALONE.fullmatch(piece) and 1 <= int(piece) <= 7:
            assert piece in not_counts
    # Every word came from the summary, the rule's sentence or the document's own headings.
    given_words = words(" ".join(strings(summary))) | words(rule.describe())
    assert words(text(reader)) <= given_words | TEMPLATE
    # Every figure is there beside its label.
    words_ = text(reader)
    for figure in summary.key_figures:
        assert f"{figure.label} {shown(figure, rule)}" in words_


@pytest.mark.parametrize("largest", [8, 12, 23, 26, 130])
def test_no_chart_tick_reads_as_a_small_count(largest: int) -> None:
    # Shown as 10, 10, 25, 25, 130: the trend chart's value axis must not step by 5.
    trend = tuple(
        replace(point, referrals=count("New referrals", largest), first_contacts=count("First contacts", 0))
        for point in SUMMARY.trend
    )
    summary = replace(SUMMARY, tables=(), trend=trend)
    small = [piece for piece in pieces(read(summary)) if STANDALONE.fullmatch(piece) and 1 <= int(piece) <= 7]
    assert small == []


def test_a_coarsely_rounded_count_still_gets_its_bar() -> None:
    # "50†" is a count rounded to 10, not "none or too few to show": the chart draws it, so its
    # value axis reaches 50.
    trend = tuple(
        replace(
            point,
            referrals=replace(
                count("New referrals", 48 if index == len(SUMMARY.trend) - 1 else 0), coarse=True
            ),
            first_contacts=count("First contacts", 0),
        )
        for index, point in enumerate(SUMMARY.trend)
    )
    summary = replace(SUMMARY, tables=(), trend=trend)
    assert "50" in pieces(read(summary))


def test_no_word_of_a_column_heading_breaks_in_two() -> None:
    columns = ("People", "Mean change", "Improved", "No meaningful change", "Worse")
    cells = (
        count("People", 20),
        Figure("Mean change", Kind.MEAN, 1.4, 20),
        *(Figure(label, Kind.SHARE, 0.5, 20) for label in columns[2:]),
    )
    table = FigureTable("SWEMWBS wellbeing", columns, (("Metric score", cells),))
    words_ = set(text(read(replace(SUMMARY, tables=(table,)))).split())
    assert {"meaningful", "Improved", "change"} <= words_
