"""Summaries to render: one with the rows a PCN's month has, and hypothesis strategies for any."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import strategies as st

from linkworker.domain.summary import (
    AGE_BANDS,
    ETHNIC_GROUPS,
    Figure,
    FigureTable,
    Kind,
    Summary,
    TrendPoint,
    count,
    share,
    trend_months,
)

OCTOBER = date(2026, 10, 1)


def _counts(title: str, column: str, values: dict[str, int]) -> FigureTable:
    return FigureTable(
        title,
        (column,),
        tuple((label, (count(column, value),)) for label, value in values.items()),
        (count(column, sum(values.values())),),
    )


def _change(label: str, exact: float | None, base: int) -> Figure:
    return Figure(label, Kind.MEAN, exact, base)


SUMMARY = Summary(
    pcn_name="Riverside Central PCN",
    pcn_ods="U12345",
    month=OCTOBER,
    practices=("Abbey Road Surgery", "Brook Lane Medical Centre", "Castle Street Practice"),
    made_at=datetime(2026, 11, 3, 9, 41),
    key_figures=(
        count("New referrals", 42),
        count("People supported", 131),
        count("First contacts", 36),
        Figure("Median days from referral to first contact", Kind.MEDIAN, 9.0, 36),
        Figure("Median contacts per closed case", Kind.MEDIAN, 4.5, 23),
        count("Open caseload at month end", 96),
        count("Cases closed", 23),
        count("Declines", 3),
    ),
    tables=(
        _counts(
            "Referrals by practice",
            "Referrals",
            {"Abbey Road Surgery": 18, "Brook Lane Medical Centre": 19, "Castle Street Practice": 5},
        ),
        _counts("Referrals by source", "Referrals", {"GP": 21, "Practice nurse": 9, "Self": 6, "Other": 6}),
        _counts(
            "Referrals by need",
            "Referrals",
            {"Loneliness and isolation": 16, "Money and debt": 12, "Housing": 4, "Mental wellbeing": 22},
        ),
        _counts(
            "People by age band",
            "People",
            dict(zip(AGE_BANDS, (0, 4, 12, 15, 20, 26, 31, 17, 6), strict=True)),
        ),
        _counts("People by sex", "People", {"Female": 78, "Male": 51, "Not known": 2}),
        _counts(
            "People by ethnic group", "People", dict(zip(ETHNIC_GROUPS, (94, 5, 14, 9, 3, 6), strict=True))
        ),
        _counts(
            "Cases closed, by reason",
            "Cases",
            {"Goals met": 14, "Declined": 3, "Could not be contacted": 4, "Moved away": 2},
        ),
        FigureTable(
            "Connections by service category",
            ("Connections", "Attended", "Share attended"),
            tuple(
                (
                    need,
                    (
                        count("Connections", made),
                        count("Attended", went),
                        share("Share attended", went, made),
                    ),
                )
                for need, made, went in (
                    ("Loneliness and isolation", 30, 21),
                    ("Money and debt", 17, 12),
                    ("Housing", 6, 2),
                )
            ),
            (count("Connections", 53), count("Attended", 35), share("Share attended", 35, 53)),
        ),
        FigureTable(
            "ONS4 personal wellbeing: change from baseline",
            ("People", "Mean change", "Share improved"),
            tuple(
                (
                    question,
                    (
                        count("People", 27),
                        _change("Mean change", change, 27),
                        share("Share improved", better, 27),
                    ),
                )
                for question, change, better in (
                    ("Life satisfaction", 1.6, 19),
                    ("Worthwhile", 1.2, 17),
                    ("Happiness", 1.9, 20),
                    ("Anxiety", -1.4, 16),
                )
            ),
        ),
        FigureTable(
            "SWEMWBS mental wellbeing: change from baseline",
            ("People", "Mean change", "Share improved"),
            (
                (
                    "Metric score",
                    (count("People", 6), _change("Mean change", 2.31, 6), share("Share improved", 4, 6)),
                ),
            ),
        ),
    ),
    trend=tuple(
        TrendPoint(month, count("New referrals", referrals), count("First contacts", contacts))
        for month, referrals, contacts in zip(
            trend_months(OCTOBER),
            (31, 28, 35, 6, 40, 38, 44, 29, 33, 0, 39, 42),
            (25, 30, 27, 9, 3, 33, 36, 31, 24, 12, 30, 36),
            strict=True,
        )
    ),
)

# Words without digits, so a number in the document can only have come from a figure or a date.
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
labels = st.lists(words, min_size=1, max_size=3).map(" ".join)
counts = st.integers(0, 200)


@st.composite
def figures(draw: st.DrawFn, label: str) -> Figure:
    kind = draw(st.sampled_from(Kind))
    if kind is Kind.COUNT:
        return count(label, draw(counts))
    base = draw(st.integers(0, 200))
    if kind is Kind.SHARE:
        return share(label, draw(st.integers(0, base)), base)
    exact = draw(st.none() | st.floats(-30, 60, allow_nan=False).map(lambda value: round(value, 3)))
    return Figure(label, kind, exact, base)


@st.composite
def tables(draw: st.DrawFn) -> FigureTable:
    columns = tuple(draw(st.lists(labels, min_size=1, max_size=3, unique=True)))
    rows = draw(
        st.lists(
            st.tuples(labels, st.tuples(*(figures(column) for column in columns))), min_size=0, max_size=9
        )
    )
    total = draw(st.none() | st.tuples(*(st.builds(count, st.just(column), counts) for column in columns)))
    return FigureTable(draw(labels), columns, tuple(rows), total)


@st.composite
def summaries(draw: st.DrawFn) -> Summary:
    month = date(draw(st.integers(2024, 2030)), draw(st.integers(1, 12)), 1)
    return Summary(
        pcn_name=draw(labels),
        pcn_ods=draw(st.from_regex(r"U[0-9]{5}", fullmatch=True)),
        month=month,
        practices=tuple(draw(st.lists(labels, min_size=1, max_size=4))),
        made_at=draw(st.datetimes(datetime(2024, 1, 1), datetime(2031, 1, 1))),
        key_figures=tuple(draw(st.lists(labels.flatmap(figures), max_size=8))),
        tables=tuple(draw(st.lists(tables(), max_size=4))),
        trend=tuple(
            TrendPoint(day, count("New referrals", draw(counts)), count("First contacts", draw(counts)))
            for day in trend_months(month)
        ),
    )
