"""The rows a batch of demo cases adds, table by table, and the ids they take.

Plain dicts keyed by column name, for SQLAlchemy Core bulk inserts (see ``loader``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Row = dict[str, object]


@dataclass
class CaseRows:
    referrals: list[Row] = field(default_factory=list)
    referral_needs: list[Row] = field(default_factory=list)
    status_changes: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    measures: list[Row] = field(default_factory=list)
    follow_ups: list[Row] = field(default_factory=list)
    connections: list[Row] = field(default_factory=list)
    support_plans: list[Row] = field(default_factory=list)
    plan_reviews: list[Row] = field(default_factory=list)
    case_notes: list[Row] = field(default_factory=list)
    gp_code_entries: list[Row] = field(default_factory=list)


@dataclass
class CaseIds:
    """The last id used in each table; the builder starts them after what the database holds."""

    referral: int = 0
    status_change: int = 0
    contact: int = 0
    measure: int = 0
    follow_up: int = 0
    connection: int = 0
    support_plan_review: int = 0
    case_note: int = 0
    gp_code_entry: int = 0

    def next(self, table: str) -> int:
        value: int = getattr(self, table) + 1  # every field of CaseIds is an int
        setattr(self, table, value)
        return value
