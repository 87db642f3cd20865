"""The ICO's motivated intruder, played on the monthly summaries a PCN can publish.

The intruder holds several summaries of one month (the whole PCN, each practice, other selections
of practices) as CSV text, and nothing else. Each figure says something about the true counts of
the practices its summary covers; taken together they may leave a count shown as ``*`` or rounded
with one possible exact value. This module works out every exact value consistent with all the
published figures together, exactly: a bounded search over per-practice counts with interval
propagation (the numbers are small).

What the intruder assumes, each something a reader can tell from the text and the headings:

- The unknowns are the true counts of each practice: of each cell (a table's row and column, a
  key figure, a trend point), and of each percentage's numerator and base.
- A published count constrains the sum over its summary's practices: "0" is 0, "*" is 1 to the
  largest starred count the footer states, "25" is every count the footer's rounding shows as 25.
- A shown percentage fits a numerator and base when it is the half-up rounded percentage of the
  exact counts (how the app showed it before issue 14) or of the rounded counts (NHS Digital's
  method), each with that method's withholding; the union never excludes the truth. A withheld
  percentage ("-") is taken to say nothing. Means and medians are not used.
- A percentage's base is the row's "People" where the table has that column (ONS4, SWEMWBS), else
  an unshown count no larger than the row's first count (connections with an outcome).
- A table's rows add up to its total, practice by practice; in the connections table a connection
  counts once under each category of its service, so each row is at most the total and the rows
  together at least it; a need is recorded at most once per referral, so each need's row is at most
  the new referrals; the shares improved, no meaningful change and worse share out the row's
  people. Totals that count the same thing are the same unknown: the new referrals (key
  figure, this month's trend point, the totals by practice and by source), the people supported
  (key figure and the totals by age band, sex and ethnic group), the cases ended (key figure and
  the total by reason), the first contacts (key figure and trend point), and the people with two
  ONS4 measures (one number for the four questions, asked together).
- A row shown in some summary and missing from another is 0 there (the need and connection tables
  list what was recorded), except the referring-practice rows, which only a summary covering that
  practice lists; a practice refers only its own referrals.
- The tables of who is reached (issue 18) are tables like the others: their rows (quintiles and
  "area not known", or distance bands and "distance not known") add up to totals counted
  elsewhere too (new referrals, connections made, first contacts, people with two ONS4 or
  SWEMWBS measures). Their registered patients (public figures), rates per 1,000 and Core20
  shares (worked out from counts as shown: tests/reports/test_equity_disclosure.py), medians and
  means are left aside.
- Every person is counted at the practice that referred them, so counts of people add up across
  practices (true of the test's generated people, each referred from one practice).
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

Cell = tuple[str, str, str]  # section, label, column: the CSV's first three fields

HEADER = ["section", "label", "column", "value"]
ABOUT = "About"
KEY_FIGURES = "Key figures"
TREND = "Trend"
TOTAL = "Total"
STARRED = "*"
WITHHELD = "-"
BY_PRACTICE = "New referrals by referring practice"
BY_SOURCE = "New referrals by source"
BY_NEED = "New referrals by need"
PEOPLE_TABLES = (
    "People supported by age band",
    "People supported by sex",
    "People supported by ethnic group",
)
ENDED = "Cases ended by reason"
CONNECTIONS = "Connections made by service category"
ONS4 = "ONS4 wellbeing: change from baseline to latest follow-up"
SWEMWBS = "SWEMWBS wellbeing: change from baseline to latest follow-up"
PEOPLE = "People"
# Columns that share out a row's people: each person's answer moved one of these ways.
DIRECTIONS = ("Improved", "No meaningful change", "Worse")
NEW_REFERRALS: Cell = (KEY_FIGURES, "New referrals", "")
PEOPLE_SUPPORTED: Cell = (KEY_FIGURES, "People supported", "")
CASES_ENDED: Cell = (KEY_FIGURES, "Cases ended", "")
# Issue 18's tables of who is reached: counts by deprivation quintile or distance band, each
# table's rows adding up to a total counted elsewhere too.
BY_QUINTILE = "New referrals by deprivation quintile"
CONNECTIONS_BY_QUINTILE = "Connections to services by deprivation quintile"
BY_DISTANCE = "Connections attended by distance to the service"
WAITS_BY_QUINTILE = "First contacts by deprivation quintile"
ONS4_BY_QUINTILE = "ONS4 change by deprivation quintile"
SWEMWBS_BY_QUINTILE = "SWEMWBS change by deprivation quintile"
EQUITY_TABLES = (
    BY_QUINTILE,
    CONNECTIONS_BY_QUINTILE,
    BY_DISTANCE,
    WAITS_BY_QUINTILE,
    ONS4_BY_QUINTILE,
    SWEMWBS_BY_QUINTILE,
)
# What the intruder leaves aside, and why it may: the registered patients are NHS Digital's
# public figures, not counts of anyone supported; the rates per 1,000 and the Core20 shares are
# worked out from counts as shown and those public figures (tests/reports/test_equity_disclosure.py
# checks that each is), so they say nothing the counts do not; medians and means give no count.
PUBLIC_OR_DERIVED_TABLES = (
    "New referrals per 1,000 registered patients, by practice and quintile",
    "Core20: referrals from the most deprived 20% of areas",
)
PUBLIC_OR_DERIVED_COLUMNS = ("Registered patients", "Per 1,000 registered")
# The titles the intruder's knowledge is about: a summary without one has changed its layout.
KNOWN_TITLES = (BY_PRACTICE, BY_SOURCE, *PEOPLE_TABLES, ENDED, CONNECTIONS, ONS4, SWEMWBS, *EQUITY_TABLES)
UNBOUNDED = 10**6
SHARE_PAIRS = 40_000  # a percentage is narrowed once its numerator and base allow fewer pairs
SEARCH_LIMIT = 200_000  # nodes per question; a search beyond it is reported, never guessed


class LayoutChanged(Exception):
    """The CSV is not laid out as the intruder reads it: the test needs updating with it."""


class Inconsistent(Exception):
    """No counts fit every published figure: the intruder's model is wrong for this summary."""


@dataclass(frozen=True)
class Published:
    """One summary as an outsider holds it: the CSV's text."""

    practices: frozenset[str]
    month: str  # "2026-10"
    footer: str
    values: dict[Cell, str]

    @property
    def sections(self) -> set[str]:
        return {section for section, _label, _column in self.values}


def read(path: Path) -> Published:
    """The summary CSV as written by ``interchange.summary_csv``, read as text."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        header, *body = list(csv.reader(stream))
    if header != HEADER or any(len(row) != len(HEADER) for row in body):
        raise LayoutChanged(f"{path.name}: expected the columns {HEADER}")
    about = {label: value for section, label, _column, value in body if section == ABOUT}
    try:
        practices = frozenset(about["Practices in scope"].split("; "))
        month, footer = about["Month"], about["Disclosure control"]
    except KeyError as missing:
        raise LayoutChanged(f"{path.name}: no About row {missing}") from None
    values = {(section, label, column): value for section, label, column, value in body if section != ABOUT}
    return Published(practices, month, footer, values)


@dataclass(frozen=True)
class Reading:
    """The disclosure rule as the footer sentence states it."""

    starred_up_to: int
    round_to: int
    min_base: int

    def counts(self, shown: str) -> tuple[int, int]:
        """The exact counts a count shown as ``shown`` can be, as (lowest, highest)."""
        if shown == "0":
            return 0, 0
        if shown == STARRED:
            return 1, self.starred_up_to
        if shown == WITHHELD:
            # A withheld count says nothing (the footer says it is withheld to protect its parts).
            return 0, 10**6
        # "30†": rounded to twice the rule's multiple, as the footer says.
        step = self.round_to * (2 if shown.endswith("†") else 1)
        digits = shown.removesuffix("†")
        if not digits.isdigit() or int(digits) % step:
            raise LayoutChanged(f"{shown!r} is not a count shown under this rule")
        value = int(digits)
        low = max(value - step // 2, self.starred_up_to + 1)
        return low, value + (step + 1) // 2 - 1

    def rounded(self, count: int) -> int | None:
        """What the rule shows ``count`` as, a number; None when it is starred."""
        if 0 < count <= self.starred_up_to:
            return None
        multiples, left = divmod(count, self.round_to)
        return (multiples + (2 * left >= self.round_to)) * self.round_to


def rule_of(footer: str) -> Reading:
    """The rule a footer sentence states: which counts are starred, the rounding, the least base."""
    starred = re.search(r"counts of 1(?: to (\d+))? (?:are|is) shown as \*", footer)
    rounding = re.search(r"rounded to the nearest (\d+)", footer)
    base = re.search(r"fewer than (\d+) people", footer)
    if starred is None or base is None:
        raise LayoutChanged(f"the footer does not state the starred counts and least base: {footer!r}")
    return Reading(
        starred_up_to=int(starred.group(1) or 1),
        round_to=int(rounding.group(1)) if rounding else 1,
        min_base=int(base.group(1)),
    )


def half_up_percent(part: int, whole: int) -> int:
    """100 * part / whole rounded half up, in whole numbers (exact: no floating point)."""
    return (200 * part + whole) // (2 * whole)


@cache
def share_fits(percent: int, part: int, base: int, rule: Reading) -> bool:
    """Whether ``percent`` can be what a summary showed for ``part`` of ``base``: from the exact
    counts (withheld when the base is under the least base, or the part or the rest starred), or
    from the rounded counts (withheld when the base is under the least base or either count is
    starred)."""
    if not 0 <= part <= base or base < rule.min_base:
        return False
    starred = range(1, rule.starred_up_to + 1)
    if part not in starred and base - part not in starred and half_up_percent(part, base) == percent:
        return True
    rounded_part, rounded_base = rule.rounded(part), rule.rounded(base)
    if rounded_part is None or not rounded_base:
        return False
    return half_up_percent(rounded_part, rounded_base) == percent


# ---- the model: unknowns and what the figures say of them ----


@dataclass(frozen=True)
class Linear:
    """sum(sign * x for x, sign in terms) is from ``low`` to ``high``; ``why`` names the figure."""

    terms: tuple[tuple[int, int], ...]
    low: int
    high: int
    why: str


@dataclass(frozen=True)
class Share:
    """The sums of ``part`` and ``base`` fit the shown ``percent``."""

    part: tuple[int, ...]
    base: tuple[int, ...]
    percent: int
    why: str


Constraint = Linear | Share


@dataclass(frozen=True)
class Target:
    """A count the intruder tries to recover: a published cell's exact value (or a percentage's
    unshown numerator or base) for one selection of practices."""

    selection: str
    cell: Cell
    shown: str  # as published; "" for a percentage's numerator or base
    variables: tuple[int, ...]


@dataclass(frozen=True)
class Finding:
    """A count with only one possible exact value."""

    target: Target
    value: int

    def __str__(self) -> str:
        section, label, column = self.target.cell
        where = " / ".join(part for part in (section, label, column) if part)
        shown = f"shown {self.target.shown!r}" if self.target.shown else "not shown"
        return f"{self.target.selection}: {where} ({shown}) is exactly {self.value}"


def selection_name(practices: frozenset[str], every: frozenset[str]) -> str:
    if practices == every:
        return "the whole PCN"
    if len(practices) == 1:
        return next(iter(practices))
    if len(practices) == len(every) - 1:
        return f"all but {next(iter(every - practices))}"
    return " + ".join(sorted(practices))


@dataclass
class Model:
    """Per-practice unknowns, the constraints the published summaries put on them, and the counts
    to recover."""

    rule: Reading
    practices: tuple[str, ...]
    month: str
    keys: list[tuple[Cell, str]] = field(default_factory=list)  # (quantity, practice) per unknown
    index: dict[tuple[Cell, str], int] = field(default_factory=dict)
    fixed: dict[int, int] = field(default_factory=dict)  # unknowns known to be 0
    constraints: list[Constraint] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def quantity(self, cell: Cell) -> Cell:
        """The unknown a count cell shows: cells counting the same people are one quantity."""
        section, label, column = cell
        if label == TOTAL and section in (BY_PRACTICE, BY_SOURCE):
            return NEW_REFERRALS
        if label == TOTAL and section == BY_QUINTILE and column == "Referrals":
            return NEW_REFERRALS
        if label == TOTAL and section in (CONNECTIONS_BY_QUINTILE, BY_DISTANCE) and column == "Connections":
            return (CONNECTIONS, TOTAL, "Connections")
        if label == TOTAL and section == WAITS_BY_QUINTILE and column == "First contacts":
            return (KEY_FIGURES, "First contacts", "")
        if label == TOTAL and section == ONS4_BY_QUINTILE and column == PEOPLE:
            return (ONS4, "", PEOPLE)
        if label == TOTAL and section == SWEMWBS_BY_QUINTILE and column == PEOPLE:
            return (SWEMWBS, "Metric score", PEOPLE)
        if label == TOTAL and section in PEOPLE_TABLES:
            return PEOPLE_SUPPORTED
        if label == TOTAL and section == ENDED:
            return CASES_ENDED
        if section == TREND and label == self.month:
            return (KEY_FIGURES, column, "")
        if section == ONS4 and column == PEOPLE:
            return (ONS4, "", PEOPLE)
        return cell

    @staticmethod
    def part(cell: Cell) -> Cell:
        """The unshown numerator of a percentage cell."""
        section, label, column = cell
        return (section, label, f"{column} (part)")

    def base(self, cell: Cell, columns: Sequence[str]) -> Cell:
        """The base of a percentage cell: the row's People, else an unshown count."""
        section, label, column = cell
        if PEOPLE in columns:
            return self.quantity((section, label, PEOPLE))
        return (section, label, f"{column} (base)")

    def unknown(self, quantity: Cell, practice: str) -> int:
        key = (quantity, practice)
        if key not in self.index:
            self.index[key] = len(self.keys)
            self.keys.append(key)
            section, label, _column = quantity
            if section == BY_PRACTICE and label != TOTAL and label != practice:
                self.fixed[self.index[key]] = 0
        return self.index[key]

    def sum_of(self, quantity: Cell, practices: Iterable[str]) -> tuple[int, ...]:
        return tuple(self.unknown(quantity, practice) for practice in sorted(practices))

    def per_practice(self, terms: Sequence[tuple[Cell, int]], low: int, high: int, why: str) -> None:
        """The same relation between quantities, for each practice."""
        for practice in self.practices:
            self.constraints.append(
                Linear(
                    tuple((self.unknown(quantity, practice), sign) for quantity, sign in terms),
                    low,
                    high,
                    f"{practice}: {why}",
                )
            )

    def values_of(self, truth: Mapping[tuple[Cell, str], int]) -> list[int]:
        """An assignment of every unknown from true per-practice values (absent ones are 0)."""
        return [truth.get(key, 0) for key in self.keys]

    def violated(self, values: Sequence[int]) -> list[str]:
        """The constraints an assignment breaks: none, when the model admits the truth."""
        broken = [
            f"{self.keys[variable]} is {values[variable]}, not {value}"
            for variable, value in self.fixed.items()
            if values[variable] != value
        ]
        for constraint in self.constraints:
            if isinstance(constraint, Linear):
                total = sum(sign * values[variable] for variable, sign in constraint.terms)
                if not constraint.low <= total <= constraint.high:
                    broken.append(f"{constraint.why}: {total} is not {constraint.low}..{constraint.high}")
            else:
                part = sum(values[variable] for variable in constraint.part)
                base = sum(values[variable] for variable in constraint.base)
                if not share_fits(constraint.percent, part, base, self.rule):
                    broken.append(f"{constraint.why}: {part} of {base} is not {constraint.percent}%")
        return broken


# A column's kind is its values' highest: one percentage makes a column of shares, one mean
# ("0.5") a column of means; a withheld "-" stands in any column and decides nothing.
_KIND_RANK = {"withheld": 0, "count": 1, "other": 2, "share": 3}


def _kind(value: str) -> str:
    """The kind of one value: "share" ("40%"), "count" ("0", "*", "25", "30†"), "withheld"
    ("-") or "other" (a mean, "0.5")."""
    if value.endswith("%"):
        return "share"
    if value == STARRED or value.removesuffix("†").isdigit():
        return "count"
    return "withheld" if value == WITHHELD else "other"


def left_aside(cell: Cell) -> bool:
    """A cell the intruder does not read: public, worked out from shown counts, or no count."""
    section, _label, column = cell
    return (
        section in PUBLIC_OR_DERIVED_TABLES
        or column in PUBLIC_OR_DERIVED_COLUMNS
        or column.startswith(("Median", "Mean"))
    )


def _table_layout(published: Sequence[Published]) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """Each table's row labels and columns in the order first shown, and each column's kind:
    "count" (counts, perhaps some withheld), "share" (a percentage shown somewhere), "other"
    (means) or "withheld" (nothing shown anywhere)."""
    rows: dict[str, list[str]] = {}
    kinds: dict[str, dict[str, str]] = {}
    for summary in published:
        for (section, label, column), value in summary.values.items():
            if section in (KEY_FIGURES, TREND) or left_aside((section, label, column)):
                continue
            rows.setdefault(section, [])
            if label not in rows[section]:
                rows[section].append(label)
            kind = _kind(value)
            known = kinds.setdefault(section, {}).get(column, "withheld")
            kinds[section][column] = max(known, kind, key=_KIND_RANK.__getitem__)
    return rows, kinds


def missing_titles(published: Published) -> list[str]:
    """The tables the intruder knows about that a summary lacks: its layout has changed."""
    return [title for title in KNOWN_TITLES if title not in published.sections]


def build_model(published: Sequence[Published]) -> Model:
    """The unknowns and constraints of every published summary of one month, and the counts to
    recover: each starred or rounded count of each summary, and each shown percentage's numerator
    and base."""
    whole = max(published, key=lambda summary: len(summary.practices))
    rules = {rule_of(summary.footer) for summary in published}
    if len(rules) != 1 or {summary.month for summary in published} != {whole.month}:
        raise LayoutChanged("the summaries are of different months or rules")
    model = Model(rules.pop(), tuple(sorted(whole.practices)), whole.month)
    rows, kinds = _table_layout(published)
    columns = {section: list(kinds[section]) for section in kinds}
    seen: set[tuple[str, Cell]] = set()
    for summary in published:
        name = selection_name(summary.practices, whole.practices)
        for cell, value in summary.values.items():
            section, label, column = cell
            if section == KEY_FIGURES and label.startswith(("Median", "Mean")):
                continue
            if section != KEY_FIGURES and left_aside(cell):
                continue
            kind = kinds.get(section, {}).get(column, "count")
            if kind == "count":
                variables = model.sum_of(model.quantity(cell), summary.practices)
                low, high = model.rule.counts(value)
                model.constraints.append(
                    Linear(tuple((v, 1) for v in variables), low, high, f"{name}: {cell}")
                )
                if value != "0" and (name, model.quantity(cell)) not in seen:
                    seen.add((name, model.quantity(cell)))
                    model.targets.append(Target(name, cell, value, variables))
            elif kind == "share" and value.endswith("%"):
                part = model.sum_of(model.part(cell), summary.practices)
                base = model.sum_of(model.base(cell, columns[section]), summary.practices)
                model.constraints.append(Share(part, base, int(value[:-1]), f"{name}: {cell} {value}"))
                model.targets.append(Target(name, model.part(cell), "", part))
                if PEOPLE not in columns[section]:
                    model.targets.append(Target(name, model.base(cell, columns[section]), "", base))
        # A row shown elsewhere and not here is 0 here.
        for section, labels in rows.items():
            if section == BY_PRACTICE:
                continue
            for label in labels:
                for column in columns[section]:
                    cell = (section, label, column)
                    if kinds[section][column] == "count" and cell not in summary.values:
                        variables = model.sum_of(model.quantity(cell), summary.practices)
                        model.constraints.append(
                            Linear(tuple((v, 1) for v in variables), 0, 0, f"{name}: {cell} not listed")
                        )
    _relations(model, rows, kinds)
    return model


def _relations(model: Model, rows: dict[str, list[str]], kinds: dict[str, dict[str, str]]) -> None:
    """What the headings say of a practice's own counts: totals, parts of a whole, bases."""
    for section, labels in rows.items():
        counted = [column for column, kind in kinds[section].items() if kind == "count"]
        parts = [label for label in labels if label != TOTAL]
        for column in counted:
            total = model.quantity((section, TOTAL, column))
            cells = [model.quantity((section, label, column)) for label in parts]
            if section == BY_NEED:
                for cell in cells:
                    model.per_practice(
                        [(NEW_REFERRALS, 1), (cell, -1)], 0, UNBOUNDED, f"{cell} <= new referrals"
                    )
            elif TOTAL not in labels:
                continue
            elif section == CONNECTIONS:
                for cell in cells:
                    model.per_practice([(total, 1), (cell, -1)], 0, UNBOUNDED, f"{cell} <= its total")
                model.per_practice(
                    [*((cell, 1) for cell in cells), (total, -1)], 0, UNBOUNDED, f"{section} rows"
                )
            else:
                model.per_practice([*((cell, 1) for cell in cells), (total, -1)], 0, 0, f"{section} adds up")
        shares = [column for column, kind in kinds[section].items() if kind == "share"]
        if PEOPLE in kinds[section] and set(DIRECTIONS) <= set(shares):
            for label in labels:
                moved = [(model.part((section, label, column)), 1) for column in DIRECTIONS]
                people = model.quantity((section, label, PEOPLE))
                model.per_practice(
                    [*moved, (people, -1)], 0, 0, f"{section} {label}: each person moved one way"
                )
        for column in shares:
            for label in labels:
                cell = (section, label, column)
                base = model.base(cell, list(kinds[section]))
                model.per_practice([(base, 1), (model.part(cell), -1)], 0, UNBOUNDED, f"{cell} part <= base")
                if PEOPLE not in kinds[section]:
                    first = model.quantity((section, label, counted[0]))
                    model.per_practice([(first, 1), (base, -1)], 0, UNBOUNDED, f"{cell} base <= {first}")


# ---- the search ----


class Solver:
    """Bounded search with interval propagation over one connected part of a model."""

    def __init__(self, size: int, constraints: Sequence[Constraint], rule: Reading) -> None:
        self.size = size
        self.constraints = list(constraints)
        self.rule = rule
        self.watch: list[list[int]] = [[] for _ in range(size)]
        for number, constraint in enumerate(self.constraints):
            for variable in _variables(constraint):
                self.watch[variable].append(number)
        self.nodes = 0

    def solve(self, low: list[int], high: list[int], extra: Linear | None = None) -> list[int] | None:
        """One assignment within the bounds meeting every constraint (and ``extra``), or None."""
        solver = self if extra is None else Solver(self.size, [*self.constraints, extra], self.rule)
        solver.nodes = 0
        low, high = low[:], high[:]
        if not solver._propagate(low, high, solver._first_order()):
            return None
        return solver._search(low, high)

    def bounds(self, low: list[int], high: list[int]) -> tuple[list[int], list[int]] | None:
        """The bounds after propagation, or None when no assignment can fit."""
        low, high = low[:], high[:]
        return (low, high) if self._propagate(low, high, self._first_order()) else None

    def _first_order(self) -> list[int]:
        """Every constraint, sums first: a percentage narrows cheaply once its counts are bounded."""
        return sorted(range(len(self.constraints)), key=lambda n: isinstance(self.constraints[n], Share))

    def _search(self, low: list[int], high: list[int]) -> list[int] | None:
        self.nodes += 1
        if self.nodes > SEARCH_LIMIT:
            raise RuntimeError("the intruder's search went past its limit: make the search smarter")
        free = [variable for variable in range(self.size) if low[variable] < high[variable]]
        if not free:
            return low
        variable = min(free, key=lambda v: high[v] - low[v])
        middle = (low[variable] + high[variable]) // 2
        for bounds in ((low[variable], middle), (middle + 1, high[variable])):
            branch_low, branch_high = low[:], high[:]
            branch_low[variable], branch_high[variable] = bounds
            if self._propagate(branch_low, branch_high, self.watch[variable]):
                found = self._search(branch_low, branch_high)
                if found is not None:
                    return found
        return None

    def _propagate(self, low: list[int], high: list[int], start: Iterable[int]) -> bool:
        queue = deque(dict.fromkeys(start))
        queued = set(queue)
        while queue:
            number = queue.popleft()
            queued.discard(number)
            changed = self._narrow(self.constraints[number], low, high)
            if changed is None:
                return False
            for variable in changed:
                for other in self.watch[variable]:
                    if other not in queued:
                        queued.add(other)
                        queue.append(other)
        return True

    def _narrow(self, constraint: Constraint, low: list[int], high: list[int]) -> list[int] | None:
        if isinstance(constraint, Linear):
            return _narrow_sum(constraint.terms, constraint.low, constraint.high, low, high)
        part_low, part_high = sum(low[v] for v in constraint.part), sum(high[v] for v in constraint.part)
        base_low, base_high = sum(low[v] for v in constraint.base), sum(high[v] for v in constraint.base)
        if (base_high - base_low + 1) * (part_high - part_low + 1) > SHARE_PAIRS:
            return []  # not yet narrowed by its counts: comes back when they narrow
        fitting = [
            (part, base)
            for base in range(max(base_low, self.rule.min_base), base_high + 1)
            for part in range(part_low, min(part_high, base) + 1)
            if share_fits(constraint.percent, part, base, self.rule)
        ]
        if not fitting:
            return None
        parts = [part for part, _base in fitting]
        bases = [base for _part, base in fitting]
        changed = _narrow_sum(tuple((v, 1) for v in constraint.part), min(parts), max(parts), low, high)
        if changed is None:
            return None
        more = _narrow_sum(tuple((v, 1) for v in constraint.base), min(bases), max(bases), low, high)
        return None if more is None else changed + more


def _variables(constraint: Constraint) -> tuple[int, ...]:
    if isinstance(constraint, Linear):
        return tuple(variable for variable, _sign in constraint.terms)
    return constraint.part + constraint.base


def _narrow_sum(
    terms: Sequence[tuple[int, int]], floor: int, ceiling: int, low: list[int], high: list[int]
) -> list[int] | None:
    """Narrow each term's bounds so the signed sum can still be from ``floor`` to ``ceiling``."""
    least = sum(low[v] if sign > 0 else -high[v] for v, sign in terms)
    most = sum(high[v] if sign > 0 else -low[v] for v, sign in terms)
    if least > ceiling or most < floor:
        return None
    changed = []
    for variable, sign in terms:
        if sign > 0:
            new_low = max(low[variable], floor - (most - high[variable]))
            new_high = min(high[variable], ceiling - (least - low[variable]))
        else:
            new_low = max(low[variable], least + high[variable] - ceiling)
            new_high = min(high[variable], most + low[variable] - floor)
        if new_low > new_high:
            return None
        if (new_low, new_high) != (low[variable], high[variable]):
            low[variable], high[variable] = new_low, new_high
            changed.append(variable)
    return changed


@dataclass
class _Part:
    """One connected part of the model: its unknowns (renumbered), constraints and targets."""

    variables: list[int]
    constraints: list[Constraint]
    targets: list[Target]


def _parts(model: Model) -> list[_Part]:
    parent = list(range(len(model.keys)))

    def root(variable: int) -> int:
        while parent[variable] != variable:
            parent[variable] = parent[parent[variable]]
            variable = parent[variable]
        return variable

    for constraint in model.constraints:
        first, *rest = _variables(constraint)
        for variable in rest:
            parent[root(variable)] = root(first)
    groups: dict[int, _Part] = {}
    for variable in range(len(model.keys)):
        groups.setdefault(root(variable), _Part([], [], [])).variables.append(variable)
    for constraint in model.constraints:
        groups[root(_variables(constraint)[0])].constraints.append(constraint)
    for target in model.targets:
        groups[root(target.variables[0])].targets.append(target)
    return list(groups.values())


def _witness(witnessed: dict[Target, set[int]], number: dict[int, int], solution: list[int]) -> None:
    """Note each target's value in a solution: a target seen with two values is not pinned."""
    for target, values in witnessed.items():
        values.add(sum(solution[number[v]] for v in target.variables))


class Intruder:
    """Every exact value of the model's targets consistent with all its constraints."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.parts = [part for part in _parts(model) if part.targets]

    def _local(self, part: _Part) -> tuple[Solver, list[int], list[int], dict[int, int]]:
        number = {variable: local for local, variable in enumerate(part.variables)}
        constraints: list[Constraint] = []
        for constraint in part.constraints:
            if isinstance(constraint, Linear):
                terms = tuple((number[v], sign) for v, sign in constraint.terms)
                constraints.append(Linear(terms, constraint.low, constraint.high, constraint.why))
            else:
                part_of = tuple(number[v] for v in constraint.part)
                base_of = tuple(number[v] for v in constraint.base)
                constraints.append(Share(part_of, base_of, constraint.percent, constraint.why))
        low = [self.model.fixed.get(v, 0) for v in part.variables]
        high = [self.model.fixed.get(v, UNBOUNDED) for v in part.variables]
        return Solver(len(part.variables), constraints, self.model.rule), low, high, number

    def findings(self) -> list[Finding]:
        """The targets with one possible value: for each, a solution shows one value, and the
        search for another, below it or above it, finds none."""
        found: list[Finding] = []
        for part in self.parts:
            solver, low, high, number = self._local(part)
            solution = solver.solve(low, high)
            if solution is None:
                raise Inconsistent(f"no counts fit the figures of {part.targets[0].cell}")
            witnessed: dict[Target, set[int]] = {target: set() for target in part.targets}
            _witness(witnessed, number, solution)
            for target in part.targets:
                if len(witnessed[target]) > 1:
                    continue
                (value,) = witnessed[target]
                terms = tuple((number[v], 1) for v in target.variables)
                for bounds in ((0, value - 1), (value + 1, UNBOUNDED)):
                    if bounds[0] > bounds[1]:
                        continue
                    other = solver.solve(low, high, Linear(terms, *bounds, "another value"))
                    if other is not None:
                        _witness(witnessed, number, other)
                        break
                else:
                    found.append(Finding(target, value))
        return found

    def possible(self, target: Target) -> list[int]:
        """Every exact value the target can take (slower than ``findings``: for examples)."""
        part = next(part for part in self.parts if target in part.targets)
        solver, low, high, number = self._local(part)
        terms = tuple((number[v], 1) for v in target.variables)
        narrowed = solver.bounds(low, high)
        if narrowed is None:
            return []
        least = sum(narrowed[0][number[v]] for v in target.variables)
        most = sum(narrowed[1][number[v]] for v in target.variables)
        return [
            value
            for value in range(least, most + 1)
            if solver.solve(low, high, Linear(terms, value, value, "this value")) is not None
        ]

    def target(self, selection: str, cell: Cell) -> Target:
        return next(t for t in self.model.targets if t.selection == selection and t.cell == cell)
