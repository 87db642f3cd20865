"""Follow-ups for the calendar export's tests (service, dialog and command): a worker's open ones
inside and outside the default eight weeks, done and cancelled ones, another worker's and one
with no owner. Written through the ORM, as the tests are about which ones are exported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from linkworker.domain.casework import FollowUpKind
from linkworker.domain.roles import Role
from linkworker.services.actor import Actor
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.signing_in import sign_in
from linkworker.store.database import Database
from linkworker.store.models import FollowUp
from tests.services.casework_builder import new_case

SECOND_PASSWORD = "silver lantern meadow"


@dataclass(frozen=True)
class CalendarCases:
    today: date
    worker: Actor
    second: Actor
    orla_case: int  # Orla Fenwick-Hale
    zoe_case: int  # Zoë O'Brien, Jr
    # follow-up ids
    call_soon: int  # worker, call, today + 3 (Orla)
    attendance: int  # worker, check attendance, today + 20 (Zoë)
    overdue: int  # worker, call, today - 2 (Orla)
    far: int  # worker, call, today + 100 (Orla)
    done: int  # worker, meeting, today + 10, done
    cancelled: int  # worker, call, today + 5, cancelled
    second_review: int  # second worker, review measures, today + 7 (Zoë)
    unowned: int  # no owner, call, today + 14 (Orla)

    @property
    def mine_by_default(self) -> list[int]:
        return [self.call_soon, self.attendance]

    @property
    def all_by_default(self) -> list[int]:
        return [self.call_soon, self.second_review, self.unowned, self.attendance]


def calendar_cases(database: Database, actors: dict[Role, Actor]) -> CalendarCases:
    worker = actors[Role.LINK_WORKER]
    with database.session() as session:
        create_user(
            session, actors[Role.ADMIN], NewUser("second", "Sol Second", Role.LINK_WORKER, SECOND_PASSWORD)
        )
    with database.session() as session:
        second = sign_in(session, "second", SECOND_PASSWORD)
    orla = new_case(database, worker)
    zoe = new_case(database, worker, given_name="Zoë", family_name="O'Brien, Jr")
    today = date.today()
    moment = datetime.now(UTC)
    plan: dict[str, tuple[int, FollowUpKind, int | None, int, dict[str, object]]] = {
        "call_soon": (orla, FollowUpKind.CALL, worker.user_id, 3, {}),
        "attendance": (zoe, FollowUpKind.CHECK_ATTENDANCE, worker.user_id, 20, {}),
        "overdue": (orla, FollowUpKind.CALL, worker.user_id, -2, {}),
        "far": (orla, FollowUpKind.CALL, worker.user_id, 100, {}),
        "done": (orla, FollowUpKind.MEETING, worker.user_id, 10, {"done_at": moment}),
        "cancelled": (
            orla,
            FollowUpKind.CALL,
            worker.user_id,
            5,
            {"cancelled_at": moment, "cancelled_reason": "Moved away"},
        ),
        "second_review": (zoe, FollowUpKind.REVIEW_MEASURES, second.user_id, 7, {}),
        "unowned": (orla, FollowUpKind.CALL, None, 14, {}),
    }
    ids: dict[str, int] = {}
    with database.session() as session:
        for name, (referral_id, kind, owner_id, days, extra) in plan.items():
            row = FollowUp(
                referral_id=referral_id,
                due_on=today + timedelta(days=days),
                kind=kind.value,
                owner_id=owner_id,
                note="Ask about the lunch club; she said Jane Smith might come too.",
                **extra,
            )
            session.add(row)
            session.flush()
            ids[name] = row.id
    return CalendarCases(today, worker, second, orla, zoe, **ids)
