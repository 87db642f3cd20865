"""What a link worker writes on a demo case besides its contacts: the support plan and its
reviews, notes between contacts, and the SNOMED CT codes entered in the GP record.

All of it follows from the episode as simulated (``cases``): the plan is written at the "what
matters to me" conversation that made the case assessed, reviews happen at later
conversations while the case is open, notes fall within the case's life, and codes are the
ones ``domain.gp_codes`` makes due, entered by the case's link worker a few days after.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from linkworker.demo import plan_texts
from linkworker.demo.plan_texts import NeedTexts
from linkworker.demo.rows import CaseIds, CaseRows
from linkworker.demo.timeline import moment
from linkworker.domain import gp_codes
from linkworker.domain.gp_codes import EpisodeHistory, SnomedCode
from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.domain.working_days import next_working_day

# A plan is first reviewed about six weeks in, at a conversation at least four weeks after it.
_FIRST_REVIEW_AFTER = timedelta(days=28)
_NEEDS_IN_PLAN = 3
_MID_REVIEW_SHARE = 0.5  # of plans with a conversation late enough for a review
_REVISED_SHARE = 0.5  # of those reviews, the ones that changed the plan
_CLOSING_REVIEW_SHARE = 0.4  # of cases closed with their goals met
_ENTERED_SHARE = 0.9  # codes due that the link worker got round to entering
_ENTRY_DELAY_DAYS = (0, 7)
_TRIAGE_NOTE_SHARE = 0.2
# Of assessed cases: a fifth get two notes about their needs, two thirds one or two.
_TWO_NEED_NOTES, _ONE_NEED_NOTE = 0.2, 0.67
_ENDING_NOTES = {
    CaseStatus.NOT_CONTACTABLE: plan_texts.NOT_CONTACTABLE_NOTES,
    CaseStatus.DECLINED: plan_texts.DECLINED_NOTES,
}


@dataclass(frozen=True)
class EpisodeFacts:
    """One simulated episode, as far as it went by ``now``."""

    referral_id: int
    worker: int
    needs: tuple[str, ...]  # national codes, then any local one
    start: datetime  # the referral was received
    end: datetime  # it ended (the last status change), or ``now`` for an open case
    status: CaseStatus
    reason: ClosingReason | None
    assessed_at: datetime | None  # the "what matters to me" conversation
    conversations: tuple[datetime, ...]  # contacts that reached the person, in time order
    history: EpisodeHistory


class CaseRecords:
    """Adds an episode's plan, reviews, notes and GP code entries to the batch's rows."""

    def __init__(
        self, rng: random.Random, today: date, texts: dict[str, NeedTexts], codes: Iterable[SnomedCode]
    ) -> None:
        self.rng = rng
        self.today = today
        self.texts = texts
        self.codes = tuple(codes)

    def add(self, facts: EpisodeFacts, rows: CaseRows, ids: CaseIds) -> None:
        texts = [self.texts[code] for code in facts.needs]
        if facts.assessed_at is not None:
            self._plan(facts, texts, rows, ids)
        self._notes(facts, texts, rows, ids)
        self._gp_codes(facts, rows, ids)

    def _plan(self, facts: EpisodeFacts, texts: list[NeedTexts], rows: CaseRows, ids: CaseIds) -> None:
        """The plan as agreed at assessment, revised at some reviews (each save a new version)."""
        rng = self.rng
        assert facts.assessed_at is not None
        chosen = texts[:_NEEDS_IN_PLAN]
        actions = [f"- {rng.choice(text.actions)}" for text in chosen]
        version, updated_at = 1, facts.assessed_at
        first_review = facts.assessed_at + _FIRST_REVIEW_AFTER
        # Not at the conversation that ended the case: that is a closing review, or none.
        later = [when for when in facts.conversations if first_review <= when < facts.end]
        if later and rng.random() < _MID_REVIEW_SHARE:
            when = later[0]
            self._review(
                facts,
                when,
                f"{rng.choice(plan_texts.MID_REVIEWS)} {rng.choice(chosen[0].progress)}",
                rows,
                ids,
            )
            if rng.random() < _REVISED_SHARE:
                actions.append(f"- Reviewed {when:%d/%m/%Y}: {rng.choice(plan_texts.PLAN_UPDATES)}")
                version, updated_at = version + 1, when
        if facts.reason is ClosingReason.GOALS_MET and rng.random() < _CLOSING_REVIEW_SHARE:
            self._review(facts, facts.end, rng.choice(plan_texts.CLOSING_REVIEWS), rows, ids)
        rows.support_plans.append(
            {
                "referral_id": facts.referral_id,
                "what_matters": " ".join(rng.choice(text.matters) for text in chosen),
                "goals": "\n".join(f"- {rng.choice(text.goals)}" for text in chosen),
                "actions": "\n".join(actions),
                "updated_at": updated_at,
                "updated_by_id": facts.worker,
                "version_id": version,
            }
        )

    def _review(self, facts: EpisodeFacts, when: datetime, note: str, rows: CaseRows, ids: CaseIds) -> None:
        rows.plan_reviews.append(
            {
                "id": ids.next("support_plan_review"),
                "referral_id": facts.referral_id,
                "reviewed_on": when.date(),
                "reviewed_by_id": facts.worker,
                "note": note,
                "created_at": when,
            }
        )

    def _notes(self, facts: EpisodeFacts, texts: list[NeedTexts], rows: CaseRows, ids: CaseIds) -> None:
        """A triage note now and then, notes about the person's needs once assessed, and a
        last word when the person declined or could not be reached."""
        rng = self.rng
        notes: list[tuple[datetime, str]] = []
        if rng.random() < _TRIAGE_NOTE_SHARE:
            notes.append(
                (
                    self._within(facts.start, facts.start + timedelta(days=1), facts.end),
                    rng.choice(plan_texts.TRIAGE_NOTES),
                )
            )
        if facts.assessed_at is not None:
            roll = rng.random()
            for _ in range(2 if roll < _TWO_NEED_NOTES else 1 if roll < _ONE_NEED_NOTE else 0):
                text = rng.choice(texts)
                notes.append((self._within(facts.assessed_at, facts.end, facts.end), rng.choice(text.notes)))
        ending = _ENDING_NOTES.get(facts.status)
        if ending and rng.random() < 0.65:
            notes.append((facts.end, rng.choice(ending)))
        notes.sort(key=lambda note: note[0])
        rows.case_notes.extend(
            {
                "id": ids.next("case_note"),
                "referral_id": facts.referral_id,
                "written_at": when,
                "author_id": facts.worker,
                "text": text,
            }
            for when, text in notes
        )

    def _within(self, low: datetime, high: datetime, end: datetime) -> datetime:
        """A working-hours moment on a day from ``low`` to ``high``, kept within the case's life."""
        span = max(0, (high.date() - low.date()).days)
        when = moment(self.rng, next_working_day(low.date() + timedelta(days=self.rng.randint(0, span))))
        return min(max(when, low), end)

    def _gp_codes(self, facts: EpisodeFacts, rows: CaseRows, ids: CaseIds) -> None:
        """Most codes due are entered a few days after they fell due; recent ones may wait."""
        rng = self.rng
        for due in gp_codes.codes_due(facts.history, self.codes):
            if rng.random() >= _ENTERED_SHARE:
                continue
            entered_on = next_working_day(due.due_on + timedelta(days=rng.randint(*_ENTRY_DELAY_DAYS)))
            if entered_on <= self.today:
                rows.gp_code_entries.append(
                    {
                        "id": ids.next("gp_code_entry"),
                        "referral_id": facts.referral_id,
                        "code": due.code.code,
                        "entered_on": entered_on,
                        "entered_by_id": facts.worker,
                    }
                )
