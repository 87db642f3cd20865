"""Building the demo database, stage by stage: organisation, people, directory, cases.

The first PCN and its staff are created through the ordinary services (``set_up``,
``create_user``), so the demo accounts sign in exactly as real ones do. Everything else is
generated from one seeded ``random.Random`` and bulk inserted with SQLAlchemy Core: the same
seed and the same ``now`` give the same data. Each stage commits on its own and writes one
audit event (counts only); a last event marks the build finished, which is how a second
run knows to leave the database alone.
"""

from __future__ import annotations

import heapq
import itertools
import random
import tempfile
import time as clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from linkworker import catalogues
from linkworker.demo import loader, local_needs, organisations, populations
from linkworker.demo import sizes as demo_sizes
from linkworker.demo.cases import CaseMaker, CaseSetting, NeedChoice
from linkworker.demo.credentials import PASSWORDS, DemoAccount, DemoCredentials, is_demo_username
from linkworker.demo.directory import DirectoryMaker, ServiceIds, ServiceRows
from linkworker.demo.geography import (
    COUNTRY,
    INDEX,
    TOWNS,
    AreaMaker,
    PostcodeMaker,
    PostcodePoint,
    Town,
)
from linkworker.demo.local_needs import LocalNeedUse
from linkworker.demo.names import NamePools
from linkworker.demo.organisations import PcnPlan
from linkworker.demo.people import PeopleMaker
from linkworker.demo.plan_texts import LOCAL_NEED_TEXTS, NEED_TEXTS
from linkworker.demo.records import CaseRecords
from linkworker.demo.rows import CaseIds, CaseRows
from linkworker.demo.sizes import DemoSizes, share_out
from linkworker.domain import deprivation, passwords
from linkworker.domain.directory import ServiceStatus
from linkworker.domain.errors import ValidationError
from linkworker.domain.nhs_number import synthetic_numbers
from linkworker.domain.roles import Role
from linkworker.services import audit
from linkworker.services.actor import Actor
from linkworker.services.administration import key_custody
from linkworker.services.administration.organisation import NewPractice, SetupRequest, needs_setup, set_up
from linkworker.services.administration.users import NewUser, create_user
from linkworker.services.directory import practice_populations
from linkworker.services.directory.postcodes import refresh_districts
from linkworker.store.database import Database
from linkworker.store.errors import StoreError
from linkworker.store.models import AuditEvent, Pcn, Practice, UserAccount

Progress = Callable[[str], None]

SCALES = {"pcn": demo_sizes.PCN, "ics": demo_sizes.ICS}
BUILT = "demo_built"
LOADED = "demo_data_loaded"
_DEMO = "demo"  # the audit trail's user name for bulk stages, which no one signs in to do
_PEOPLE_CHUNK = 20_000
# How often, against the middle quintile, people of each deprivation quintile (1 the most deprived)
# are referred in the demo: invented, so the figures show the most deprived reached a little more.
_REACH = {1: 1.5, 2: 1.25, 3: 1.0, 4: 0.85, 5: 0.7}
_CASE_CHUNK = 10_000  # referrals (with all their rows) per commit


def build_demo(
    database: Database,
    *,
    scale: str = "pcn",
    seed: int = 2026,
    progress: Progress | None = None,
    sizes: DemoSizes | None = None,
    now: datetime | None = None,
) -> DemoCredentials:
    """Fill an empty database with synthetic data, or leave a finished demo as it is.

    ``sizes`` overrides the scale's counts (tests use small ones); ``now`` is when the
    two years of casework end (default: this moment).
    """
    if scale not in SCALES:
        raise ValidationError("scale", f"The demo scale is one of: {', '.join(SCALES)}.")
    sizes = sizes or SCALES[scale]
    sizes.check()
    report = progress or (lambda message: None)
    with database.session() as session:
        if not needs_setup(session):
            return _existing(session, report)
    return _Builder(database, scale, seed, sizes, now or datetime.now(UTC), report).run()


def _existing(session: Session, progress: Progress) -> DemoCredentials:
    marker = session.scalar(
        select(AuditEvent.detail).where(AuditEvent.action == BUILT).order_by(AuditEvent.id.desc()).limit(1)
    )
    if marker is None:
        raise StoreError(
            "This database already holds data that is not a finished demo build, so the demo "
            "leaves it alone. Build the demo in an empty database (a new --data-dir)."
        )
    scale = dict(part.split("=", 1) for part in marker.split())["scale"]
    users = session.execute(select(UserAccount.role, UserAccount.username).order_by(UserAccount.id))
    accounts = tuple(
        DemoAccount(Role(role), name, PASSWORDS[Role(role)])
        for role, name in users
        if is_demo_username(Role(role), name)  # not accounts added since, whose passwords are not ours
    )
    progress(f"The demo data ({scale} scale) is already built; nothing was added.")
    return DemoCredentials(scale, accounts)


@dataclass
class _Organisation:
    """One PCN as built: its plan, database ids, and its registered people."""

    plan: PcnPlan
    pcn_id: int
    practice_ids: list[int]
    staff_ids: dict[Role, list[int]]
    # (patient id, year of birth, practice id) of everyone registered at its practices
    people: list[tuple[int, int, int]] = field(default_factory=list)
    local_needs: list[LocalNeedUse] = field(default_factory=list)


class _Builder:
    def __init__(
        self, database: Database, scale: str, seed: int, sizes: DemoSizes, now: datetime, progress: Progress
    ) -> None:
        self.database = database
        self.scale = scale
        self.seed = seed
        self.sizes = sizes
        self.now = now
        self.today = now.date()
        self.progress = progress
        self.rng = random.Random(seed)
        self.recovery_key: str | None = None
        self.pools = NamePools.from_faker()
        self.postcodes = PostcodeMaker(self.rng, AreaMaker(random.Random(f"demo-areas-{seed}")))
        # (practice ODS code, LSOA code) -> patients: the practice populations file's counts
        self.registered: Counter[tuple[str, str]] = Counter()
        self.admin: Actor | None = None
        # patient id -> how much more (or less) often they are referred, by their area's quintile
        self.reach: dict[int, float] = {}
        self.needs = catalogues.needs()
        self.started = clock.perf_counter()

    def run(self) -> DemoCredentials:
        plans = organisations.plan(self.sizes, self.rng, self.pools)
        built = self._organisation(plans)
        self._people(built)
        self._populations(plans)
        settings = self._directory(built)
        self._cases(built, settings)
        with self.database.session() as session:
            loader.finish(session)
            audit.record(session, None, BUILT, detail=f"scale={self.scale} seed={self.seed}", username=_DEMO)
        self.progress(f"Demo data built in {clock.perf_counter() - self.started:.1f} s.")
        accounts = tuple(
            DemoAccount(member.role, member.username, member.password)
            for plan in plans
            for member in plan.staff
        )
        return DemoCredentials(self.scale, accounts, self.recovery_key)

    def _elapsed(self) -> str:
        return f"{clock.perf_counter() - self.started:.1f} s"

    def _organisation(self, plans: list[PcnPlan]) -> list[_Organisation]:
        first = plans[0]
        admin_plan = first.of_role(Role.ADMIN)[0]
        with self.database.session() as session:
            admin = set_up(
                session,
                SetupRequest(
                    first.name,
                    first.ods_code,
                    [NewPractice(practice.ods_code, practice.name) for practice in first.practices],
                    NewUser(admin_plan.username, admin_plan.full_name, Role.ADMIN, admin_plan.password),
                ),
            )
            self.recovery_key = key_custody.first_recovery_key(session)
            pcn_id = session.scalar(select(Pcn.id).where(Pcn.ods_code == first.ods_code))
            assert pcn_id is not None
            actor = self.admin = Actor(admin.id, admin.username, admin.full_name, Role.ADMIN, pcn_id)
            for member in first.staff:
                if member is not admin_plan:
                    create_user(
                        session,
                        actor,
                        NewUser(member.username, member.full_name, member.role, member.password),
                    )
            for plan in plans[1:]:
                self._add_pcn(session, plan)
            # The demo's passwords are published for everyone to try, so nobody is asked to
            # replace the one an administrator (the builder) chose.
            session.execute(update(UserAccount).values(must_change_password=False))
            session.flush()
            pcns = dict(session.execute(select(Pcn.ods_code, Pcn.id)).all())
            practices = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
            users = dict(session.execute(select(UserAccount.username, UserAccount.id)).all())
            built = [
                _Organisation(
                    plan,
                    pcns[plan.ods_code],
                    [practices[practice.ods_code] for practice in plan.practices],
                    {role: [users[member.username] for member in plan.of_role(role)] for role in Role},
                    local_needs=local_needs.plan(self.rng, index == 0, self.today, self.sizes.years),
                )
                for index, plan in enumerate(plans)
            ]
            need_rows = [
                row for org in built for row in local_needs.rows(self.rng, org.pcn_id, org.local_needs)
            ]
            loader.insert_rows(session, loader.LOCAL_NEED, need_rows)
            accounts = sum(len(plan.staff) for plan in plans)
            practice_count = sum(len(plan.practices) for plan in plans)
            detail = (
                f"organisation: pcns={len(plans)} practices={practice_count} accounts={accounts} "
                f"local_needs={len(need_rows)}"
            )
            audit.record(session, None, LOADED, detail=detail, username=_DEMO)
        self.progress(
            f"Organisation: {len(plans)} PCN{'s' if len(plans) > 1 else ''}, {practice_count} practices, "
            f"{accounts} accounts, {len(need_rows)} local needs ({self._elapsed()})"
        )
        return built

    def _add_pcn(self, session: Session, plan: PcnPlan) -> None:
        """PCNs after the first, with their practices and staff (set_up makes only the first)."""
        pcn = Pcn(name=plan.name, ods_code=plan.ods_code)
        pcn.practices.extend(
            Practice(ods_code=practice.ods_code, name=practice.name) for practice in plan.practices
        )
        session.add(pcn)
        session.flush()
        session.add_all(
            UserAccount(
                pcn_id=pcn.id,
                username=member.username,
                full_name=member.full_name,
                role=member.role.value,
                password_hash=passwords.hash_password(member.password),
            )
            for member in plan.staff
        )
        for member in plan.staff:  # every account signs in on a file, as the first PCN's do
            key_custody.write_user_slot(session, member.username, member.password)

    def _people(self, built: list[_Organisation]) -> None:
        rng = self.rng
        numbers = list(itertools.islice(synthetic_numbers(), self.sizes.people))
        rng.shuffle(numbers)
        shares = share_out(self.sizes.people, [len(org.practice_ids) for org in built])
        maker = PeopleMaker(rng, self.pools, self.postcodes, self.today)
        with self.database.session() as session:
            patient_id = loader.last_id(session, loader.PATIENT)
            batch: list[dict[str, object]] = []
            made = 0
            for org, share in zip(built, shares, strict=True):
                practices = org.plan.practices
                cumulative = list(itertools.accumulate(practice.weight for practice in practices))
                for _ in range(share):
                    index = rng.choices(range(len(practices)), cum_weights=cumulative)[0]
                    home = practices[index].town if rng.random() < 0.75 else rng.choice(org.plan.towns)
                    patient_id += 1
                    row = maker.person(patient_id, numbers.pop(), org.practice_ids[index], home)
                    lsoa, rank = self.postcodes.areas_of[str(row["postcode"])]
                    self.registered[practices[index].ods_code, lsoa] += 1
                    self.reach[patient_id] = _REACH[deprivation.quintile(rank, INDEX)]
                    born = row["date_of_birth"]
                    assert isinstance(born, date)
                    org.people.append((patient_id, born.year, org.practice_ids[index]))
                    batch.append(row)
                    made += 1
                    if len(batch) == _PEOPLE_CHUNK and made < self.sizes.people:
                        loader.insert_rows(session, loader.PATIENT, batch)
                        batch = []
                        self.progress(f"People: {made:,} of {self.sizes.people:,} ({self._elapsed()})")
            loader.insert_rows(session, loader.PATIENT, batch)
            points = self._store_points(session)
            detail = f"people: patients={self.sizes.people} postcodes={points}"
            audit.record(session, None, LOADED, detail=detail, username=_DEMO)
        self.progress(f"People: {self.sizes.people:,} registered, {points:,} postcodes ({self._elapsed()})")

    def _store_points(self, session: Session) -> int:
        made: list[PostcodePoint] = self.postcodes.take_made()
        rows = [
            {
                "postcode": p.postcode,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "lsoa_code": p.lsoa_code,
                "imd_rank": p.imd_rank,
                "imd_index": INDEX.code,
                "country": COUNTRY,
            }
            for p in made
        ]
        loader.insert_rows(session, loader.POSTCODE_POINT, rows)
        return len(rows)

    def _populations(self, plans: list[PcnPlan]) -> None:
        """Write the practices' patients by LSOA as NHS Digital's file, and import it through
        the service as the administrator, as a manager imports the real one."""
        assert self.admin is not None
        names = {practice.ods_code: practice.name for plan in plans for practice in plan.practices}
        extract = populations.extract_date(self.today)
        with tempfile.TemporaryDirectory(prefix="linkworker-demo-") as folder:
            path = populations.write_file(Path(folder), extract, self.registered, names)
            with self.database.session() as session:
                result = practice_populations.import_file(session, self.admin, path)
        self.progress(
            f"Practice populations: {result.patients:,} patients of {result.practices} practices in "
            f"{result.stored:,} practice and LSOA rows, extract of {extract:%d/%m/%Y} ({self._elapsed()})"
        )

    def _directory(self, built: list[_Organisation]) -> dict[int, CaseSetting]:
        """Services local to each PCN (in its towns) and some shared across the whole county."""
        rng = self.rng
        shared_count = round(self.sizes.services * (0.35 if len(built) == 1 else 0.1))
        local_counts = share_out(self.sizes.services - shared_count, [len(org.practice_ids) for org in built])
        maker = DirectoryMaker(rng, self.pools, self.postcodes, self.today, frozenset(self.needs.codes()))
        rows = ServiceRows()
        with self.database.session() as session:
            ids = ServiceIds(
                loader.last_id(session, loader.SERVICE),
                loader.last_id(session, loader.SERVICE_LOCATION),
                loader.last_id(session, loader.SERVICE_SCHEDULE),
            )
            first_staff = _verifiers(built[0])
            town_weights = [town.weight for town in TOWNS]
            for _ in range(shared_count):
                where: Town = rng.choices(TOWNS, town_weights)[0]
                maker.service(ids, where, None, first_staff, rows)
            for org, count in zip(built, local_counts, strict=True):
                staff = _verifiers(org)
                for _ in range(count):
                    where = org.plan.towns[0] if rng.random() < 0.5 else rng.choice(org.plan.towns)
                    maker.service(ids, where, org.pcn_id, staff, rows)
            loader.insert_rows(session, loader.SERVICE, rows.services)
            loader.insert_rows(session, loader.SERVICE_NEED, rows.needs)
            loader.insert_rows(session, loader.SERVICE_LOCATION, rows.locations)
            loader.insert_rows(session, loader.SERVICE_SCHEDULE, rows.schedules)
            points = self._store_points(session)
            refresh_districts(session)  # every point is in: districts' middles for matching
            detail = (
                f"directory: services={len(rows.services)} locations={len(rows.locations)} "
                f"schedules={len(rows.schedules)} postcodes={points}"
            )
            audit.record(session, None, LOADED, detail=detail, username=_DEMO)
        self.progress(
            f"Directory: {len(rows.services):,} services, {len(rows.locations):,} locations, "
            f"{len(rows.schedules):,} schedules ({self._elapsed()})"
        )
        return _case_settings(built, rows)

    def _cases(self, built: list[_Organisation], settings: dict[int, CaseSetting]) -> None:
        rng = self.rng
        labels = {need.code: need.label for need in self.needs}
        texts = dict(NEED_TEXTS)
        for org in built:
            for use in org.local_needs:
                labels[use.code] = use.label
                texts[use.code] = LOCAL_NEED_TEXTS[use.label]
        records = CaseRecords(rng, self.today, texts, catalogues.snomed_codes())
        maker = CaseMaker(rng, self.pools, NeedChoice.of(self.needs.codes(), labels), self.now, records)
        with self.database.session() as session:
            ids = CaseIds(
                **{
                    table.name: loader.last_id(session, table)
                    for table in (
                        loader.REFERRAL,
                        loader.STATUS_CHANGE,
                        loader.CONTACT,
                        loader.MEASURE,
                        loader.FOLLOW_UP,
                        loader.CONNECTION,
                        loader.SUPPORT_PLAN_REVIEW,
                        loader.CASE_NOTE,
                        loader.GP_CODE_ENTRY,
                    )
                }
            )
        totals = dict.fromkeys(_CASE_TABLES, 0)
        rows = CaseRows()
        shares = share_out(self.sizes.referrals, [len(org.staff_ids[Role.LINK_WORKER]) for org in built])
        for org, share in zip(built, shares, strict=True):
            chooser = _PersonChooser(rng, org.people, share, self.today.year, self.reach)
            for received in self._received_dates(share):
                patient_id, practice_id = chooser.pick(received)
                if rng.random() < 0.05:  # now and then another practice of the PCN refers
                    practice_id = rng.choice(org.practice_ids)
                ended = maker.case(settings[org.pcn_id], patient_id, practice_id, received, ids, rows)
                chooser.done(patient_id, practice_id, ended)
                if len(rows.referrals) == _CASE_CHUNK:
                    self._store_cases(rows, totals)
                    rows = CaseRows()
        self._store_cases(rows, totals)
        with self.database.session() as session:
            detail = "cases: " + " ".join(f"{name}={count}" for name, count in totals.items())
            audit.record(session, None, LOADED, detail=detail, username=_DEMO)
        self.progress(
            f"Cases: {totals['referrals']:,} referrals, {totals['status_changes']:,} status changes, "
            f"{totals['contacts']:,} contacts, {totals['measures']:,} measures, "
            f"{totals['follow_ups']:,} follow-ups, {totals['connections']:,} connections, "
            f"{totals['support_plans']:,} support plans, {totals['plan_reviews']:,} plan reviews, "
            f"{totals['case_notes']:,} notes, {totals['gp_code_entries']:,} GP codes entered "
            f"({self._elapsed()})"
        )

    def _store_cases(self, rows: CaseRows, totals: dict[str, int]) -> None:
        if not rows.referrals:
            return
        with self.database.session() as session:
            for name, table in _CASE_TABLES.items():
                batch = getattr(rows, name)
                loader.insert_rows(session, table, batch)
                totals[name] += len(batch)
        if totals["referrals"] < self.sizes.referrals:
            self.progress(
                f"Cases: {totals['referrals']:,} of {self.sizes.referrals:,} referrals ({self._elapsed()})"
            )

    def _received_dates(self, count: int) -> list[date]:
        """Referral dates over the last ``years`` ending today, nearly all on weekdays."""
        span = max(1, int(self.sizes.years * 365))
        dates = []
        for _ in range(count):
            day = self.today - timedelta(days=self.rng.randint(0, span - 1))
            if day.weekday() >= 5 and self.rng.random() < 0.9:
                day -= timedelta(days=day.weekday() - 4)  # the Friday before
            dates.append(day)
        dates.sort()
        return dates


# Insert order follows the foreign keys: a referral before anything that refers to it.
_CASE_TABLES = {
    "referrals": loader.REFERRAL,
    "referral_needs": loader.REFERRAL_NEED,
    "status_changes": loader.STATUS_CHANGE,
    "contacts": loader.CONTACT,
    "measures": loader.MEASURE,
    "follow_ups": loader.FOLLOW_UP,
    "connections": loader.CONNECTION,
    "support_plans": loader.SUPPORT_PLAN,
    "plan_reviews": loader.SUPPORT_PLAN_REVIEW,
    "case_notes": loader.CASE_NOTE,
    "gp_code_entries": loader.GP_CODE_ENTRY,
}


def _verifiers(org: _Organisation) -> tuple[int, ...]:
    return tuple(org.staff_ids[Role.MANAGER] + org.staff_ids[Role.LINK_WORKER])


def _case_settings(built: list[_Organisation], rows: ServiceRows) -> dict[int, CaseSetting]:
    """For each PCN, the active services its link workers can connect people to, by need."""
    active = {
        cast(int, service["id"]): cast("int | None", service["pcn_id"])
        for service in rows.services
        if service["status"] == ServiceStatus.ACTIVE.value
    }
    by_owner: dict[int | None, dict[str, list[int]]] = {}
    for need in rows.needs:
        service_id = cast(int, need["service_id"])
        if service_id in active:
            by_owner.setdefault(active[service_id], {}).setdefault(str(need["need_code"]), []).append(
                service_id
            )
    shared = {code: tuple(ids) for code, ids in by_owner.get(None, {}).items()}
    settings = {}
    for org in built:
        mine = {code: tuple(ids) for code, ids in by_owner.get(org.pcn_id, {}).items()}
        everything = tuple(
            sorted({service_id for ids in (*mine.values(), *shared.values()) for service_id in ids})
        )
        workers = tuple(org.staff_ids[Role.LINK_WORKER])
        settings[org.pcn_id] = CaseSetting(
            org.pcn_id, workers, mine, shared, everything, tuple(org.local_needs)
        )
    return settings


class _PersonChooser:
    """Who each referral is for: older people more often, people in more deprived areas a little
    more often (``_REACH``), and not someone whose earlier episode is still open (one episode at a
    time) unless everyone's is."""

    def __init__(
        self,
        rng: random.Random,
        people: list[tuple[int, int, int]],
        referrals: int,
        year: int,
        reach: dict[int, float],
    ) -> None:
        self.rng = rng
        self.everyone = [(patient_id, practice_id) for patient_id, _, practice_id in people]
        # Weighted shuffle (Efraimidis-Spirakis), popped from the end: weight is age less ten,
        # times the reach of the person's area.
        self.fresh = sorted(
            people,
            key=lambda person: rng.random() ** (1 / (max(1, year - person[1] - 10) * reach[person[0]])),
        )
        self.repeat_rate = max(0.04, 1 - len(people) / max(1, referrals) + 0.03)
        self.ended: list[tuple[date, int, int]] = []
        self.free: list[tuple[int, int]] = []

    def pick(self, received: date) -> tuple[int, int]:
        while self.ended and self.ended[0][0] < received:
            _, patient_id, practice_id = heapq.heappop(self.ended)
            self.free.append((patient_id, practice_id))
        if self.free and (not self.fresh or self.rng.random() < self.repeat_rate):
            index = self.rng.randrange(len(self.free))
            self.free[index], self.free[-1] = self.free[-1], self.free[index]
            return self.free.pop()
        if self.fresh:
            patient_id, _, practice_id = self.fresh.pop()
            return patient_id, practice_id
        return self.rng.choice(self.everyone)

    def done(self, patient_id: int, practice_id: int, ended: date | None) -> None:
        if ended is not None:
            heapq.heappush(self.ended, (ended, patient_id, practice_id))
