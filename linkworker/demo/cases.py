"""Synthetic casework: one referral's whole episode as rows for bulk insert.

An episode is simulated step by step in time order, the way a link worker works it: a few
tries to reach the person, a first call, a "what matters to me" meeting with baseline
wellbeing measures, connection to services, check-ins, and closing with follow-up measures.
Some people decline or cannot be reached. Every step is a dated status change that
``domain.referrals.can_move`` allows. The simulation stops at ``now``: what would happen later
has not happened yet, so recent cases are still open, each with its next follow-up booked.
Once an episode is walked, ``records`` adds what the link worker wrote around its contacts:
support plan, reviews, notes and the codes entered in the GP record.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from linkworker.demo import local_needs
from linkworker.demo.local_needs import LocalNeedUse
from linkworker.demo.names import NamePools
from linkworker.demo.records import CaseRecords, EpisodeFacts
from linkworker.demo.rows import CaseIds, CaseRows
from linkworker.demo.timeline import days_after, moment
from linkworker.domain import measures
from linkworker.domain.case_entries import TIMED_KINDS
from linkworker.domain.casework import ContactKind, FollowUpKind, Instrument, MeasureStage
from linkworker.domain.directory import ConnectionStatus
from linkworker.domain.gp_codes import ContactEvent, EpisodeHistory, StatusEvent
from linkworker.domain.referrals import ENDED, CaseStatus, ClosingReason, ReferralSource, Urgency
from linkworker.domain.working_days import next_working_day

# How often each need is recorded on a referral (loneliness and low mood lead, as in NHS
# England's social prescribing reports); needs not listed here get a weight of 1.
NEED_WEIGHTS = {
    "loneliness": 30, "low_mood": 28, "debt_money": 12, "benefits": 12, "physical_activity": 10,
    "housing": 10, "long_term_condition": 10, "carer_support": 7, "bereavement": 7, "weight": 6,
    "food": 6, "employment": 5, "digital_inclusion": 5, "energy_costs": 5, "transport": 4,
    "volunteering_learning": 4, "arts_creativity": 4, "nature_green": 4, "relationships_family": 4,
    "mobility_falls": 4, "substance_use": 3, "memory_dementia": 3, "smoking": 2, "legal_advice": 2,
    "domestic_abuse": 1,
}  # fmt: skip
_SOURCES = tuple(ReferralSource)
_SOURCE_WEIGHTS = (
    55,
    10,
    5,
    8,
    8,
    5,
    6,
    3,
)  # gp, nurse, pharmacist, clinician, self, social care, VCS, other
_URGENCIES = (Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT)
_URGENCY_WEIGHTS = (80, 15, 5)
_FIRST_TRY_DAYS = {Urgency.URGENT: (0, 2), Urgency.SOON: (1, 5), Urgency.ROUTINE: (2, 10)}
_CLOSING = (
    ClosingReason.GOALS_MET,
    ClosingReason.REFERRED_ELSEWHERE,
    ClosingReason.MOVED_AWAY,
    ClosingReason.DIED,
)
_CLOSING_WEIGHTS = (82, 10, 6, 2)
_ASSESSMENT_KINDS = (ContactKind.FACE_TO_FACE, ContactKind.HOME_VISIT, ContactKind.PHONE, ContactKind.VIDEO)
_ASSESSMENT_WEIGHTS = (50, 20, 15, 15)
_EXTRA_KINDS = (
    ContactKind.PHONE, ContactKind.FACE_TO_FACE, ContactKind.TEXT, ContactKind.HOME_VISIT,
    ContactKind.VIDEO, ContactKind.DID_NOT_ATTEND, ContactKind.UNABLE_TO_CONTACT,
)  # fmt: skip
_EXTRA_WEIGHTS = (35, 20, 18, 8, 7, 7, 5)
_MINUTES = {
    ContactKind.PHONE: (10, 30),
    ContactKind.FACE_TO_FACE: (30, 60),
    ContactKind.HOME_VISIT: (45, 90),
    ContactKind.VIDEO: (20, 45),
    ContactKind.TEXT: (2, 5),
    ContactKind.UNABLE_TO_CONTACT: (2, 5),
}
_NOTES = {
    ContactKind.PHONE: (
        "Check-in call; things going steadily.",
        "Call to review progress with the plan.",
        "Talked through options and agreed next steps.",
        None,
    ),
    ContactKind.FACE_TO_FACE: ("Met at the surgery to review the support plan together.", None),
    ContactKind.HOME_VISIT: ("Home visit; talked through local groups and services.", None),
    ContactKind.VIDEO: ("Video call to review progress.", None),
    ContactKind.TEXT: ("Text reminder sent about the next appointment.", None),
    ContactKind.DID_NOT_ATTEND: ("Did not attend the planned appointment; will offer another.",),
    ContactKind.UNABLE_TO_CONTACT: (
        "Tried to call; no answer. Left a voicemail.",
        "Tried to call; no answer.",
    ),
}
_FIRST_CALL = "Introductory call; explained social prescribing and booked a conversation."
_ASSESSMENT = "What matters to me conversation; agreed a personal support plan."
_CLOSING_NOTE = "Closing conversation; reviewed progress and agreed to close."
_FEEDBACK = {
    ConnectionStatus.ATTENDED: (
        "Enjoys the sessions and plans to keep going.",
        "Found the advice helpful.",
        None,
    ),
    ConnectionStatus.DID_NOT_ATTEND: ("Did not go to the first session; offered another date.", None),
    ConnectionStatus.DECLINED: ("Decided it was not for them at the moment.", None),
}


class _Outcome(Enum):
    THROUGH = "through"
    DECLINED_EARLY = "declined_early"
    DECLINED_LATE = "declined_late"
    NOT_CONTACTABLE = "not_contactable"


_OUTCOMES = tuple(_Outcome)
_OUTCOME_WEIGHTS = (80, 5, 6, 9)


@dataclass(frozen=True)
class CaseSetting:
    """What one PCN's cases draw on: its workers, the active services it can connect to,
    and the needs it added to the national list."""

    pcn_id: int
    worker_ids: tuple[int, ...]
    local_services: dict[str, tuple[int, ...]]
    shared_services: dict[str, tuple[int, ...]]
    any_services: tuple[int, ...]
    local_needs: tuple[LocalNeedUse, ...] = ()


@dataclass(frozen=True)
class NeedChoice:
    codes: tuple[str, ...]
    labels: dict[str, str]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, codes: Sequence[str], labels: dict[str, str]) -> NeedChoice:
        total, cumulative = 0.0, []
        for code in codes:
            total += NEED_WEIGHTS.get(code, 1)
            cumulative.append(total)
        return cls(tuple(codes), labels, tuple(cumulative))

    def draw(self, rng: random.Random) -> list[str]:
        wanted = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        chosen: list[str] = []
        while len(chosen) < min(wanted, len(self.codes)):
            code = rng.choices(self.codes, cum_weights=self.cumulative)[0]
            if code not in chosen:
                chosen.append(code)
        return chosen


@dataclass
class CaseMaker:
    rng: random.Random
    pools: NamePools
    needs: NeedChoice
    now: datetime
    records: CaseRecords

    def case(
        self,
        setting: CaseSetting,
        patient_id: int,
        practice_id: int,
        received: date,
        ids: CaseIds,
        rows: CaseRows,
    ) -> date | None:
        """Add one referral and all that happened on it up to ``now``; the day it ended, or None."""
        rng = self.rng
        today = self.now.date()
        urgency = rng.choices(_URGENCIES, _URGENCY_WEIGHTS)[0]
        source = rng.choices(_SOURCES, _SOURCE_WEIGHTS)[0]
        need_codes = self.needs.draw(rng)
        recorded = need_codes + self._local_need(setting, received)
        outcome = rng.choices(_OUTCOMES, _OUTCOME_WEIGHTS)[0]
        unassigned = received >= today - timedelta(days=5) and rng.random() < 0.3
        worker = None if unassigned else rng.choice(setting.worker_ids)
        referral_id = ids.next("referral")
        start = min(moment(rng, received), self.now)
        episode = _Episode(self, rows, ids, referral_id, worker, start)
        rows.referral_needs.extend({"referral_id": referral_id, "need_code": code} for code in recorded)
        episode.move(CaseStatus.REFERRED, start)
        if worker is not None:
            self._work(episode, setting, outcome, urgency, received, need_codes)
            self.records.add(episode.facts(worker, tuple(recorded)), rows, ids)
        rows.referrals.append(
            {
                "id": referral_id,
                "patient_id": patient_id,
                "pcn_id": setting.pcn_id,
                "referring_practice_id": practice_id,
                "source": source.value,
                "referrer_name": self._referrer(source),
                "received_on": received,
                "urgency": urgency.value,
                "consent_share_gp": rng.random() < 0.92,
                "consent_share_services": rng.random()
                < (0.6 if outcome is _Outcome.DECLINED_EARLY else 0.88),
                "status": episode.status.value,
                "status_changed_at": episode.status_at,
                "assigned_worker_id": worker,
                "closing_reason": episode.closing_reason,
                "notes": self._referral_note(recorded),
                "import_key": None,
                "created_at": start,
                "updated_at": episode.last,
                "version_id": 1,
            }
        )
        return episode.ended_on

    def _work(
        self,
        episode: _Episode,
        setting: CaseSetting,
        outcome: _Outcome,
        urgency: Urgency,
        received: date,
        need_codes: list[str],
    ) -> None:
        """Walk the episode forward; each step returns early once it would be after ``now``."""
        rng = self.rng
        day = days_after(rng, received, *_FIRST_TRY_DAYS[urgency])
        tries = 3 if outcome is _Outcome.NOT_CONTACTABLE else rng.choice((0, 0, 0, 1, 1, 2))
        for _ in range(tries):
            if not episode.step(FollowUpKind.CALL, day, ContactKind.UNABLE_TO_CONTACT):
                return
            day = days_after(rng, day, 2, 6)
        if outcome is _Outcome.NOT_CONTACTABLE:
            day = days_after(rng, day, 3, 10)
            if episode.reach(FollowUpKind.CALL, day):
                episode.end(CaseStatus.NOT_CONTACTABLE, ClosingReason.NOT_CONTACTABLE)
            return
        if not episode.step(FollowUpKind.CALL, day, ContactKind.PHONE, _FIRST_CALL, (10, 25)):
            return
        episode.move(CaseStatus.CONTACTED, episode.last)
        if outcome is _Outcome.DECLINED_EARLY:
            day = days_after(rng, day, 0, 7)
            if episode.step(FollowUpKind.CALL, day, ContactKind.PHONE):
                episode.end(CaseStatus.DECLINED, ClosingReason.DECLINED)
            return
        day = days_after(rng, day, 3, 21)
        kind = rng.choices(_ASSESSMENT_KINDS, _ASSESSMENT_WEIGHTS)[0]
        if not episode.step(FollowUpKind.MEETING, day, kind, _ASSESSMENT, (40, 75)):
            return
        episode.move(CaseStatus.ASSESSED, episode.last)
        baseline = episode.baseline()
        if outcome is _Outcome.DECLINED_LATE:
            day = days_after(rng, day, 7, 28)
            if episode.step(FollowUpKind.CALL, day, ContactKind.PHONE):
                episode.end(CaseStatus.DECLINED, ClosingReason.DECLINED)
            return
        day = days_after(rng, day, 5, 28)
        if not episode.step(
            FollowUpKind.CALL, day, rng.choice((ContactKind.PHONE, ContactKind.FACE_TO_FACE))
        ):
            episode.suggest(setting, need_codes)
            return
        episode.move(CaseStatus.CONNECTED, episode.last)
        reason = rng.choices(_CLOSING, _CLOSING_WEIGHTS)[0]
        long_running = rng.random() < 0.08
        close_day = days_after(rng, day, *((100, 220) if long_running else (30, 90)))
        episode.connect(setting, need_codes, day, close_day, reason)
        for step_day, follow_up, kind in self._connected_phase(day, close_day, episode.contact_count):
            if not episode.step(follow_up, step_day, kind):
                return
        if not episode.step(
            FollowUpKind.REVIEW_MEASURES, close_day, ContactKind.PHONE, _CLOSING_NOTE, (20, 40)
        ):
            return
        if baseline is not None and rng.random() < (0.75 if reason is ClosingReason.GOALS_MET else 0.3):
            episode.follow_up_measures(baseline)
        episode.end(CaseStatus.CLOSED, reason)

    def _connected_phase(
        self, connected: date, close_day: date, contacts_so_far: int
    ) -> list[tuple[date, FollowUpKind | None, ContactKind]]:
        """Check-ins between connection and closing: a booked follow-up every few weeks, plus
        other contacts, so an engaged case has 6-12 contacts in all."""
        rng = self.rng
        steps: list[tuple[date, FollowUpKind | None, ContactKind]] = []
        day = days_after(rng, connected, 10, 21)
        kind: FollowUpKind | None = FollowUpKind.CHECK_ATTENDANCE
        while day < close_day - timedelta(days=3):
            steps.append((day, kind, ContactKind.PHONE))
            day = days_after(rng, day, 14, 28)
            kind = FollowUpKind.CALL if rng.random() < 0.5 else None
        wanted = rng.randint(6, 12)
        del steps[max(1, wanted - contacts_so_far - 1) :]  # a long case has quiet weeks
        span = max(1, (close_day - connected).days - 2)
        for _ in range(max(0, wanted - contacts_so_far - len(steps) - 1)):
            extra_day = min(days_after(rng, connected, 1, span), close_day - timedelta(days=1))
            steps.append((extra_day, None, rng.choices(_EXTRA_KINDS, _EXTRA_WEIGHTS)[0]))
        steps.sort(key=lambda step: step[0])
        return steps

    def _referrer(self, source: ReferralSource) -> str | None:
        rng, pools = self.rng, self.pools
        if source is ReferralSource.SELF:
            return None
        if source is ReferralSource.GP:
            return f"Dr {pools.family_name(rng)}"
        return pools.full_name(rng)

    def _referral_note(self, need_codes: list[str]) -> str:
        labels = "; ".join(self.needs.labels[code].lower() for code in need_codes)
        return f"Referred for support with: {labels}."

    def _local_need(self, setting: CaseSetting, received: date) -> list[str]:
        """Now and then one of the PCN's own needs, besides the national ones."""
        for use in setting.local_needs:
            if use.offered_on(received) and self.rng.random() < local_needs.USE_RATE:
                return [use.code]
        return []


class _Episode:
    """One referral's events as they happen, dropping anything after ``now``."""

    def __init__(
        self,
        maker: CaseMaker,
        rows: CaseRows,
        ids: CaseIds,
        referral_id: int,
        worker: int | None,
        start: datetime,
    ) -> None:
        self.rng = maker.rng
        self.now = maker.now
        self.rows = rows
        self.ids = ids
        self.referral_id = referral_id
        self.worker = worker
        self.started = start
        self.last = start
        self.status = CaseStatus.REFERRED
        self.status_at = start
        self.closing_reason: str | None = None
        self.reason: ClosingReason | None = None
        self.ended_on: date | None = None
        self.contact_count = 0
        self.assessed_at: datetime | None = None
        self.conversations: list[datetime] = []
        self.contact_events: list[ContactEvent] = []
        self.status_events: list[StatusEvent] = []

    def at(self, day: date) -> datetime:
        """A working-hours moment on ``day``, always after the episode's last event."""
        when = moment(self.rng, day)
        return when if when > self.last else self.last + timedelta(minutes=self.rng.randint(5, 90))

    def reach(self, kind: FollowUpKind, day: date) -> bool:
        """The booked follow-up on ``day`` happens (done, True) or is still to come (open, False)."""
        when = self.at(day)
        created = self.last
        if when > self.now:
            self._open_follow_up(kind, created)
            return False
        self._follow_up(kind, day, created, when)
        self.last = when
        return True

    def step(
        self,
        follow_up: FollowUpKind | None,
        day: date,
        contact: ContactKind,
        note: str | None = None,
        minutes: tuple[int, int] | None = None,
    ) -> bool:
        """A contact on ``day``, booked as a follow-up or not; False once past ``now``."""
        when = self.at(day)
        if when > self.now:
            self._open_follow_up(follow_up or FollowUpKind.CALL, self.last)
            return False
        if follow_up is not None:
            self._follow_up(follow_up, day, self.last, when)
        self._contact(contact, when, note, minutes)
        self.last = when
        return True

    def move(self, to: CaseStatus, when: datetime) -> None:
        self.rows.status_changes.append(
            {
                "id": self.ids.next("status_change"),
                "referral_id": self.referral_id,
                "from_status": None if to is CaseStatus.REFERRED else self.status.value,
                "to_status": to.value,
                "changed_at": when,
                "changed_by_id": self.worker,
                "reason": self.closing_reason if to is not CaseStatus.REFERRED else None,
            }
        )
        self.status, self.status_at = to, when
        self.status_events.append(StatusEvent(when.date(), to, self.reason))
        if to is CaseStatus.ASSESSED:
            self.assessed_at = when

    def end(self, to: CaseStatus, reason: ClosingReason) -> None:
        self.closing_reason, self.reason = reason.value, reason
        self.move(to, self.last)
        self.ended_on = self.last.date()

    def facts(self, worker: int, needs: tuple[str, ...]) -> EpisodeFacts:
        """The episode as it stands at ``now``, for the records written around its contacts."""
        return EpisodeFacts(
            referral_id=self.referral_id,
            worker=worker,
            needs=needs,
            start=self.started,
            end=self.status_at if self.status in ENDED else self.now,
            status=self.status,
            reason=self.reason,
            assessed_at=self.assessed_at,
            conversations=tuple(self.conversations),
            history=EpisodeHistory(tuple(self.contact_events), tuple(self.status_events)),
        )

    def baseline(self) -> tuple[list[int] | None, list[int] | None] | None:
        """Baseline ONS4 and SWEMWBS at the first conversation, for most people."""
        rng = self.rng
        if rng.random() > 0.85:
            return None
        ons4 = _ons4(rng) if rng.random() < 0.95 else None
        swemwbs = _swemwbs(rng) if rng.random() < 0.9 else None
        self._measures(MeasureStage.BASELINE, ons4, swemwbs)
        return ons4, swemwbs

    def follow_up_measures(self, baseline: tuple[list[int] | None, list[int] | None]) -> None:
        """The same measures at closing, a little better on average."""
        rng = self.rng
        ons4, swemwbs = baseline
        self._measures(
            MeasureStage.FOLLOW_UP,
            _ons4_later(rng, ons4) if ons4 else None,
            _swemwbs_later(rng, swemwbs) if swemwbs else None,
        )

    def connect(
        self, setting: CaseSetting, need_codes: list[str], day: date, close_day: date, reason: ClosingReason
    ) -> None:
        """Connections made on ``day``; each resolves (attended, did not attend, declined) a few
        weeks later, if that moment has come."""
        rng = self.rng
        for service_id in _services_for(rng, setting, need_codes, rng.choices((1, 2, 3), (50, 35, 15))[0]):
            first = ConnectionStatus.REFERRED if rng.random() < 0.55 else ConnectionStatus.SIGNPOSTED
            settled = min(days_after(rng, day, 7, 28), close_day)
            settled_at = self.at(settled)
            if settled_at <= self.now:
                status = _settled(rng, first, reason)
                # An outcome never heard of leaves the route itself as the latest state, of its day.
                self._connection(
                    service_id, first, day, status, day if status is first else settled, settled_at
                )
            else:
                self._connection(service_id, first, day, first, day, self.last)

    def suggest(self, setting: CaseSetting, need_codes: list[str]) -> None:
        """An assessed case still waiting for connection: sometimes a service is suggested (its
        route is a referral until the worker says otherwise, as migration 0004 has it)."""
        if self.rng.random() < 0.5:
            for service_id in _services_for(self.rng, setting, need_codes, 1):
                day = self.last.date()
                self._connection(
                    service_id, ConnectionStatus.REFERRED, day, ConnectionStatus.SUGGESTED, day, self.last
                )

    def _connection(
        self,
        service_id: int,
        route: ConnectionStatus,
        made_on: date,
        status: ConnectionStatus,
        on: date,
        when: datetime,
    ) -> None:
        feedback = _FEEDBACK.get(status)
        self.rows.connections.append(
            {
                "id": self.ids.next("connection"),
                "referral_id": self.referral_id,
                "service_id": service_id,
                "route": route.value,
                "made_on": made_on,
                "status": status.value,
                "status_on": on,
                "feedback": self.rng.choice(feedback) if feedback else None,
                "made_by_id": self.worker,
                "recorded_by_id": self.worker,
                "created_at": min(self.last, when),
                "updated_at": when,
                "version_id": 1,
            }
        )

    def _contact(
        self, kind: ContactKind, when: datetime, note: str | None, minutes: tuple[int, int] | None
    ) -> None:
        span = minutes or _MINUTES.get(kind)
        if kind in TIMED_KINDS:
            self.conversations.append(when)
        self.contact_events.append(ContactEvent(when.date(), kind))
        self.rows.contacts.append(
            {
                "id": self.ids.next("contact"),
                "referral_id": self.referral_id,
                "occurred_at": when,
                "kind": kind.value,
                "duration_minutes": self.rng.randint(*span) if span else None,
                "notes": note or self.rng.choice(_NOTES[kind]),
                "recorded_by_id": self.worker,
                "created_at": when,
                "version_id": 1,
            }
        )
        self.contact_count += 1

    def _follow_up(self, kind: FollowUpKind, due: date, created: datetime, done: datetime | None) -> None:
        self.rows.follow_ups.append(
            {
                "id": self.ids.next("follow_up"),
                "referral_id": self.referral_id,
                "due_on": due,
                "kind": kind.value,
                "owner_id": self.worker,
                "note": None,
                "created_by_id": self.worker,
                "done_at": done,
                "done_by_id": None if done is None else self.worker,
                "cancelled_at": None,
                "cancelled_by_id": None,
                "cancelled_reason": None,
                "created_at": created if done is None else min(created, done),
                "version_id": 1,
            }
        )

    def _open_follow_up(self, kind: FollowUpKind, created: datetime) -> None:
        """The one booked follow-up of an open case: some overdue, some today, most ahead; on a
        working day, as the app books them (built on a weekend, "today" is the next one)."""
        rng = self.rng
        today = self.now.date()
        roll = rng.random()
        if roll < 0.15:
            due = max(today - timedelta(days=rng.randint(1, 10)), created.date())
        elif roll < 0.25:
            due = today
        elif roll < 0.5:
            due = today + timedelta(days=rng.randint(1, 6))
        else:
            due = today + timedelta(days=rng.randint(7, 28))
        self._follow_up(kind, next_working_day(due), created, None)

    def _measures(self, stage: MeasureStage, ons4: list[int] | None, swemwbs: list[int] | None) -> None:
        for instrument, answers in ((Instrument.ONS4, ons4), (Instrument.SWEMWBS, swemwbs)):
            if answers is None:
                continue
            self.rows.measures.append(
                {
                    "id": self.ids.next("measure"),
                    "referral_id": self.referral_id,
                    "instrument": instrument.value,
                    "stage": stage.value,
                    "taken_on": self.last.date(),
                    "answers": answers,
                    "score": measures.score(instrument, answers),
                    "recorded_by_id": self.worker,
                    "created_at": self.last,
                    "version_id": 1,
                }
            )


def _services_for(rng: random.Random, setting: CaseSetting, need_codes: list[str], count: int) -> list[int]:
    """Services meeting the person's needs, local ones first; any service if none match."""
    chosen: list[int] = []
    for attempt in range(count * 3):
        need = need_codes[attempt % len(need_codes)]
        pool = setting.local_services.get(need) if rng.random() < 0.8 else None
        pool = (
            pool
            or setting.shared_services.get(need)
            or setting.local_services.get(need)
            or setting.any_services
        )
        if not pool:
            break
        service_id = rng.choice(pool)
        if service_id not in chosen:
            chosen.append(service_id)
        if len(chosen) == count:
            break
    return chosen


def _settled(rng: random.Random, first: ConnectionStatus, reason: ClosingReason) -> ConnectionStatus:
    if first is ConnectionStatus.SIGNPOSTED and rng.random() < 0.3:
        return first  # signposted people often do not say whether they went
    weights = (70, 12, 10) if reason is ClosingReason.GOALS_MET else (40, 30, 30)
    return rng.choices(
        (ConnectionStatus.ATTENDED, ConnectionStatus.DID_NOT_ATTEND, ConnectionStatus.DECLINED), weights
    )[0]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _ons4(rng: random.Random) -> list[int]:
    """People referred to social prescribing start well below the national averages."""
    return [
        _clamp(rng.gauss(4.4, 2.0), 0, 10),
        _clamp(rng.gauss(5.0, 2.0), 0, 10),
        _clamp(rng.gauss(4.5, 2.2), 0, 10),
        _clamp(rng.gauss(6.0, 2.4), 0, 10),
    ]


def _ons4_later(rng: random.Random, before: list[int]) -> list[int]:
    satisfied, worthwhile, happy, anxious = before
    return [
        _clamp(satisfied + rng.gauss(1.2, 1.5), 0, 10),
        _clamp(worthwhile + rng.gauss(1.0, 1.5), 0, 10),
        _clamp(happy + rng.gauss(1.2, 1.6), 0, 10),
        _clamp(anxious - rng.gauss(1.1, 1.6), 0, 10),
    ]


def _swemwbs(rng: random.Random) -> list[int]:
    return [_clamp(rng.gauss(2.7, 0.8), 1, 5) for _ in measures.SWEMWBS_ITEMS]


def _swemwbs_later(rng: random.Random, before: list[int]) -> list[int]:
    return [_clamp(item + rng.gauss(0.35, 0.6), 1, 5) for item in before]
