"""How values read on screen: local times, case statuses and audit actions in plain words."""

from __future__ import annotations

from datetime import datetime

from linkworker.domain.referrals import CaseStatus


def local_time(moment: datetime | None, missing: str = "Never") -> str:
    """A UTC timestamp in this computer's time zone, as a person writes it."""
    if moment is None:
        return missing
    return moment.astimezone().strftime("%d %b %Y, %H:%M")


def status_label(status: CaseStatus) -> str:
    return words(status.value)


def words(code: str) -> str:
    """``not_contactable`` as "Not contactable": stored codes shown as a sentence starts."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def active_label(active: bool) -> str:
    return "Active" if active else "Deactivated"
