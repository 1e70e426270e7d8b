"""A national-scale synthetic dataset for the benchmarks: seeded, so the same size and seed give
the same data; loaded with COPY, one transaction per municipality.

At full size: 290 municipalities; 40,000 active and 250,000 ended placements with their decisions,
social workers and event histories (care plans, visits with private talks, six-monthly
considerations, complaints, ...; some obligations left undone, as in life); 1,500 units with permits
over three yearly register snapshots; 2,000 providers with 20,000 officers; 15,000 foster homes with
their foster parents; 30,000 staff with declarations of interest and the delegation order.

Everything is marked synthetic: every name ends in "(syntetisk)", kommunkoder are 9001 and up (no
municipality has them), unit codes start with N-, no personnummer is made.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

import structlog
from stdnum import luhn

from placement.bench.screening import FIRST, LAST
from placement.core.clock import add_months
from placement.database.pool import Connection, scope_to
from suppliers.fetch import Fetched
from suppliers.formats import Feed, parse_feed
from suppliers.importer import apply_feed

log = structlog.get_logger(__name__)

# The day the dataset stands on; the benchmarks that run on it count from it too.
TODAY = dt.date(2026, 11, 22)
MARK = "(syntetisk)"


@dataclass(frozen=True)
class Size:
    municipalities: int = 290
    active_placements: int = 40_000
    ended_placements: int = 250_000
    units: int = 1_500
    register_years: int = 3
    providers: int = 2_000
    officers: int = 20_000
    foster_homes: int = 15_000
    staff: int = 30_000

    def scaled(self, factor: float) -> Size:
        return replace(
            self,
            **{
                f.name: max(2, round(getattr(self, f.name) * factor))
                for f in fields(self)
                if f.name != "register_years"
            },
        )


NATIONAL = Size()
QUICK = NATIONAL.scaled(0.05)

FORMS = [("familjehem", 55), ("jourhem", 8), ("hvb", 25), ("stodboende", 7), ("lss_boende", 5)]
BASES = {
    "familjehem": [("sol", 60), ("lvu_2", 10), ("lvu_3", 30)],
    "jourhem": [("sol", 60), ("lvu_2", 10), ("lvu_3", 30)],
    "hvb": [("sol", 55), ("lvu_2", 10), ("lvu_3", 35)],
    "stodboende": [("sol", 100)],
    "lss_boende": [("lss", 100)],
}
UNIT_KINDS = {"hvb": "hvb_children", "stodboende": "stodboende", "lss_boende": "lss_children"}
DECISION = {"sol": "placement_sol", "lvu_2": "placement_lvu", "lvu_3": "placement_lvu", "lss": "lss_housing"}
ROLES = [
    ("socialsekreterare", 70),
    ("teamledare", 10),
    ("placeringsstod", 8),
    ("upphandlare", 5),
    ("granskare", 3),
    ("administrator", 4),
]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _id(rng: random.Random) -> uuid.UUID:
    """A random-looking id drawn from the seeded generator, so the same seed gives the same ids."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def kommunkod(n: int) -> str:
    return f"{9001 + n:04d}"


def orgnr(n: int) -> str:
    base = f"559{n:06d}"
    return base + luhn.calc_check_digit(base)


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}-{rng.choice(LAST)} {MARK}"
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {MARK}"


def shares(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` in whole numbers that add up to it."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: out[i] - raw[i])[: total - sum(out)]:
        out[i] += 1
    return out


# ---- the registers (national) ---------------------------------------------------------------------


def providers(size: Size, seed: int) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    per = shares(size.officers, [1.0] * size.providers)
    rows = []
    for n in range(size.providers):
        officers = [
            {
                "role": rng.choice(["owner", "board_member", "signatory", "manager"]),
                "name": person_name(rng),
                "birth_date": (dt.date(1950, 1, 1) + _days(rng.randrange(20_000))).isoformat(),
            }
            for _ in range(per[n])
        ]
        rows.append({"orgnr": orgnr(n), "name": f"Omsorgsbolag {n} AB {MARK}", "officers": officers})
    return {"providers": rows}


def units(size: Size, seed: int, year: int) -> dict[str, Any]:
    """The IVO register as it stood ``year`` years after the first snapshot: every year some units
    change places or manager, a few lose their permit, a few close and new ones open. Each unit has
    its own generator, so it is the same unit in every year's snapshot."""
    per_year = max(size.units * 3 // 100, 1)
    rows = []
    for n in range(size.units + per_year * year):
        rng = random.Random(f"{seed}:unit:{n}")
        kind = _pick(
            rng, [("hvb_children", 60), ("stodboende", 15), ("lss_children", 15), ("hvb_adults", 10)]
        )
        age_min, age_max = rng.choice([(0, 12), (6, 17), (12, 17), (13, 20), (16, 20)])
        places = 4 + rng.randrange(9)
        manager = f"Föreståndare {n} {MARK}"
        status = "valid"
        home = kommunkod(rng.randrange(size.municipalities))
        ownership = "private" if rng.random() < 0.8 else "municipal"
        provider = orgnr(rng.randrange(size.providers))
        sex = _pick(rng, [("any", 75), ("female", 12), ("male", 13)])
        needs = sorted(rng.sample(["psychosocial", "substance_abuse", "criminality", "neuropsychiatric"], 2))
        for y in range(1, year + 1):
            draw = random.Random(f"{seed}:unit:{n}:{y}").random()
            if draw < 0.04:
                places += 1
            elif draw < 0.08:
                manager = f"Föreståndare {n}-{y} {MARK}"
            elif draw < 0.09:
                status = "revoked"
        opened = 0 if n < size.units else (n - size.units) // per_year + 1
        closed_in = 1 + int(random.Random(f"{seed}:closes:{n}").random() * 100)  # about 1 in 100 a year
        if opened > year or year >= closed_in:
            continue
        rows.append(
            {
                "unit_code": f"N-{n:05d}",
                "name": f"Boende {n} {MARK}",
                "kommunkod": home,
                "operation_kind": kind,
                "ownership": ownership,
                "provider_orgnr": provider,
                "permit": {
                    "ivo_reference": f"IVO-N-{n:05d}",
                    "operation_kind": kind,
                    "age_min": age_min,
                    "age_max": age_max,
                    "sex": sex,
                    "needs": needs,
                    "places": places,
                    "manager_name": manager,
                    "valid_from": f"{2014 + n % 8}-01-01",
                    "status": status,
                },
            }
        )
    return {"units": rows}


async def load_registers(
    conn: Connection, size: Size, seed: int
) -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    """Yearly IVO snapshots and the company register, through the import itself (with its diff and
    change events), dated a year apart. Returns the current unit codes per operation kind, and the
    officers (orgnr, name, birth date)."""
    for year in range(size.register_years):
        content = json.dumps(units(size, seed, year)).encode()
        day = TODAY - _days(365 * (size.register_years - 1 - year))
        await apply_feed(
            conn, parse_feed(Feed.IVO, content), Fetched(f"synthetic:ivo:{year}", content), today=day
        )
        await conn.execute(
            "UPDATE register_snapshot SET imported_at = $1 "
            "WHERE id = (SELECT max(id) FROM register_snapshot)",
            dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC),
        )
    register = providers(size, seed)
    content = json.dumps(register).encode()
    await apply_feed(
        conn, parse_feed(Feed.COMPANIES, content), Fetched("synthetic:companies", content), today=TODAY
    )
    codes: dict[str, list[str]] = {}
    for r in await conn.fetch(
        """SELECT payload ->> 'operation_kind' AS kind, key FROM register_entity
            WHERE kind = 'unit' AND valid_to_snapshot IS NULL AND payload -> 'permit' ->> 'status' = 'valid'
            ORDER BY key"""
    ):
        codes.setdefault(r["kind"], []).append(r["key"])
    officers = [
        (p["orgnr"], o["name"], o["birth_date"]) for p in register["providers"] for o in p["officers"]
    ]
    return codes, officers


# ---- one municipality ------------------------------------------------------------------------------


@dataclass
class Rows:
    """What one municipality's load writes, table by table, ready for COPY."""

    staff: list[tuple[Any, ...]]
    delegation: list[tuple[Any, ...]]
    declarations: list[tuple[Any, ...]]
    interests: list[tuple[Any, ...]]
    foster_homes: list[tuple[Any, ...]]
    foster_parents: list[tuple[Any, ...]]
    children: list[tuple[Any, ...]]
    placements: list[tuple[Any, ...]]
    decisions: list[tuple[Any, ...]]
    assignments: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


COLUMNS = {
    "staff": ["municipality_id", "id", "name", "roles", "org_unit", "birth_date"],
    "delegation": ["municipality_id", "decision_kind", "role", "granted_by"],
    "declarations": ["municipality_id", "id", "staff_id", "declared_on", "nothing_to_declare"],
    "interests": ["municipality_id", "declaration_id", "kind", "orgnr", "organisation_name", "person_name"],
    "foster_homes": [
        "municipality_id",
        "id",
        "name",
        "kind",
        "investigated_on",
        "approved_on",
        "approved_by",
        "belastningsregister_on",
        "socialregister_on",
    ],
    "foster_parents": ["municipality_id", "foster_home_id", "name", "birth_date"],
    "children": ["municipality_id", "id", "name", "birth_date", "sex"],
    "placements": [
        "municipality_id",
        "id",
        "child_id",
        "form",
        "legal_basis",
        "home_name",
        "unit_code",
        "foster_home_id",
        "start_date",
        "end_date",
        "end_reason",
        "daily_cost",
    ],
    "decisions": ["municipality_id", "placement_id", "kind", "decided_on", "decided_by", "valid_from"],
    "assignments": ["municipality_id", "child_id", "staff_id", "assigned_from", "assigned_to"],
    "events": ["municipality_id", "placement_id", "kind", "occurred_on", "details", "recorded_by"],
}
BULK_TRIGGERS = ("placement", "decision", "social_worker_assignment", "placement_event")
TABLES = {
    "staff": "staff",
    "delegation": "delegation_rule",
    "declarations": "declaration",
    "interests": "declared_interest",
    "foster_homes": "foster_home",
    "foster_parents": "foster_parent",
    "children": "child",
    "placements": "placement",
    "decisions": "decision",
    "assignments": "social_worker_assignment",
    "events": "placement_event",
}


def municipality_rows(
    municipality: uuid.UUID,
    rng: random.Random,
    *,
    active: int,
    ended: int,
    staff_count: int,
    foster_homes: int,
    units_by_kind: dict[str, list[str]],
    officers: list[tuple[str, str, str]],
) -> Rows:
    """One municipality's data. ``officers`` are the company register's (orgnr, name, birth date):
    about one staff member in 200 is one of them, undeclared, for the screening to find."""
    rows = Rows(*([] for _ in fields(Rows)))
    social_workers: list[uuid.UUID] = []
    for n in range(max(staff_count, 3)):
        role = "socialsekreterare" if n == 0 else "teamledare" if n == 1 else _pick(rng, ROLES)
        staff_id = _id(rng)
        if role == "socialsekreterare":
            social_workers.append(staff_id)
        name, born = person_name(rng), dt.date(1960, 1, 1) + _days(rng.randrange(14_000))
        if rng.random() < 0.005:
            _, name, birth = rng.choice(officers)
            born = dt.date.fromisoformat(birth)
        rows.staff.append((municipality, staff_id, name, [role], f"Enhet {n % 4 + 1}", born))
        if (
            role in ("socialsekreterare", "teamledare", "upphandlare", "placeringsstod")
            and rng.random() < 0.85
        ):
            declaration = _id(rng)
            declared = TODAY - _days(rng.randrange(0, 700))
            interests = rng.random() < 0.25
            rows.declarations.append((municipality, declaration, staff_id, declared, not interests))
            for _ in range(rng.randrange(1, 3) if interests else 0):
                kind = _pick(
                    rng,
                    [("employment", 30), ("board_seat", 20), ("ownership", 15), ("relative_engagement", 35)],
                )
                rows.interests.append(
                    (
                        municipality,
                        declaration,
                        kind,
                        rng.choice(officers)[0],
                        None,
                        person_name(rng) if kind == "relative_engagement" else None,
                    )
                )
    for kind in ("placement_sol", "placement_lvu", "lss_housing", "termination"):
        rows.delegation.append((municipality, kind, "teamledare", f"Socialnämnden {MARK}"))
    rows.delegation.append((municipality, "placement_sol", "socialsekreterare", f"Socialnämnden {MARK}"))

    homes: dict[str, list[uuid.UUID]] = {"familjehem": [], "jourhem": []}
    for n in range(max(foster_homes, 2)):
        kind = "jourhem" if n == 1 or (n > 1 and rng.random() < 0.12) else "familjehem"
        home = _id(rng)
        homes[kind].append(home)
        investigated = TODAY - _days(rng.randrange(30, 4000))
        rows.foster_homes.append(
            (
                municipality,
                home,
                f"Familjehem {n} {MARK}",
                kind,
                investigated,
                investigated + _days(rng.randrange(5, 60)),
                f"Familjehemsenheten {MARK}",
                investigated - _days(rng.randrange(0, 20)),
                investigated - _days(rng.randrange(0, 20)),
            )
        )
        for _ in range(1 if rng.random() < 0.3 else 2):
            rows.foster_parents.append(
                (municipality, home, person_name(rng), dt.date(1955, 1, 1) + _days(rng.randrange(15_000)))
            )

    # Children: each active placement is a child's current one, some after earlier ended ones;
    # the remaining ended placements belong to children whose care has ended.
    left = ended
    for n in range(active):
        earlier = min(left, rng.choice([0, 0, 0, 1, 1, 2]))
        left -= earlier
        start = TODAY - _days(rng.randrange(3, 1500))
        _child(rows, municipality, rng, n, start, None, earlier, homes, units_by_kind, social_workers)
    n = active
    while left > 0:
        chain = min(left, rng.choice([1, 1, 1, 2, 3]))
        left -= chain
        last_end = TODAY - _days(rng.randrange(1, 3650))
        start = last_end - _days(rng.randrange(14, 900))
        _child(rows, municipality, rng, n, start, last_end, chain - 1, homes, units_by_kind, social_workers)
        n += 1
    return rows


def _child(
    rows: Rows,
    municipality: uuid.UUID,
    rng: random.Random,
    n: int,
    last_start: dt.date,
    last_end: dt.date | None,
    earlier: int,
    homes: dict[str, list[uuid.UUID]],
    units_by_kind: dict[str, list[str]],
    social_workers: list[uuid.UUID],
) -> None:
    """A child and their chain of placements, the last from ``last_start`` (to ``last_end``)."""
    spans: list[tuple[dt.date, dt.date | None]] = [(last_start, last_end)]
    for _ in range(earlier):
        before = spans[0][0] - _days(rng.randrange(1, 200))
        spans.insert(0, (before - _days(rng.randrange(14, 700)), before))
    first = spans[0][0]
    child = _id(rng)
    birth = first - _days(rng.randrange(365, 16 * 365))
    rows.children.append(
        (municipality, child, f"Barn {n} {MARK}", birth, rng.choice(["female", "male", "unspecified"]))
    )
    # Social workers: appointed at the first start, changed now and then, ended with the care.
    day, until = first, spans[-1][1]
    while True:
        change = day + _days(rng.randrange(200, 1200))
        ends: dt.date | None = change
        if until is not None and change >= until:
            ends = until  # the appointment ends with the care
        elif until is None and change > TODAY:
            ends = None  # the current social worker
        rows.assignments.append((municipality, child, rng.choice(social_workers), day, ends))
        if ends is None or ends == until:
            break
        day = ends + _days(1)
    for i, (start, end) in enumerate(spans):
        form = _pick(rng, FORMS)
        if form in UNIT_KINDS and not units_by_kind.get(UNIT_KINDS[form]):
            form = "familjehem"
        basis = _pick(rng, BASES[form])
        unit = rng.choice(units_by_kind[UNIT_KINDS[form]]) if form in UNIT_KINDS else None
        home = rng.choice(homes[form]) if form in homes else None
        reason = None
        if end is not None:
            reason = (
                "move"
                if i < len(spans) - 1
                else _pick(rng, [("planned", 70), ("unplanned", 25), ("move", 5)])
            )
            if rng.random() < 0.03:
                reason = None  # the ending's reason not recorded (FU14)
        placement = _id(rng)
        cost = None if home is not None else Decimal(rng.randrange(2500, 9000))
        rows.placements.append(
            (
                municipality,
                placement,
                child,
                form,
                basis,
                f"{'Boende' if unit else 'Familjehem'} {MARK}",
                unit,
                home,
                start,
                end,
                reason,
                cost,
            )
        )
        rows.decisions.append(
            (
                municipality,
                placement,
                DECISION[basis],
                start - _days(rng.randrange(0, 10)),
                social_workers[0],
                start,
            )
        )
        rows.events.extend(_history(municipality, placement, rng, form, basis, start, end))


def _history(
    municipality: uuid.UUID,
    placement: uuid.UUID,
    rng: random.Random,
    form: str,
    basis: str,
    start: dt.date,
    end: dt.date | None,
) -> Iterator[tuple[Any, ...]]:
    """What a placement's file holds: the first weeks' duties, visits about every quarter (most with
    a private talk), the six-monthly consideration, now and then a complaint; each done or not."""
    last = min(end or TODAY, TODAY)

    def event(
        kind: str, day: dt.date, details: str = "{}", until: dt.date = last
    ) -> Iterator[tuple[Any, ...]]:
        if day <= until:
            yield (municipality, placement, kind, day, details, "synthetic")

    for kind, within, done in (
        ("care_plan", 5, 0.9),
        ("contact_details_given", 20, 0.85),
        ("grounds_explained", 20, 0.85),
        ("implementation_plan", 40, 0.85),
        ("health_notification", 35, 0.8),
    ):
        if rng.random() < done:
            yield from event(kind, start + _days(rng.randrange(0, within)))
    day = start
    while True:
        day += _days(rng.randrange(60, 130))
        if day > last:
            break
        private = "true" if rng.random() < 0.8 else "false"
        yield from event("visit", day, f'{{"in_home": true, "private_talk": {private}}}')
    review = "omprovning" if basis == "lvu_3" else "overvagande"
    if basis != "lss":
        months = 6
        while (due := add_months(start, months)) <= last:
            if rng.random() < 0.9:
                yield from event(review, due - _days(rng.randrange(0, 30)))
            months += 6
    if form == "familjehem":
        months = 24
        while (due := add_months(start, months)) <= last:
            if rng.random() < 0.7:
                yield from event("custody_transfer_considered", due - _days(rng.randrange(0, 40)))
            months += 12
    if form == "jourhem":
        yield from event("investigation_ended", start + _days(rng.randrange(30, 120)))
    years = max((last - start).days / 365, 0.1)
    for k in range(int(rng.random() < 0.05 * years)):
        received = start + _days(rng.randrange(0, (last - start).days + 1))
        ref = f'{{"ref": "K-{placement.hex[:6]}-{k}"}}'
        yield from event("complaint_received", received, ref)
        if rng.random() < 0.8:
            yield from event("complaint_answered", received + _days(rng.randrange(1, 40)), ref)
    if end is not None and basis in ("lvu_2", "lvu_3") and rng.random() < 0.6:
        yield from event("aftercare_follow_up", end + _days(rng.randrange(5, 40)), until=TODAY)


async def _copy(conn: Connection, rows: Rows) -> None:
    for name, table in TABLES.items():
        records = getattr(rows, name)
        if not records:
            continue
        if name == "events":
            await copy_events(conn, records, with_ids=False)
            continue
        await conn.copy_records_to_table(table, records=records, columns=COLUMNS[name])


async def copy_events(conn: Connection, records: list[tuple[Any, ...]], *, with_ids: bool) -> None:
    """Events by COPY, within a transaction: (municipality_id, [id,] placement_id, kind, occurred_on,
    details as JSON text, recorded_by). The details go through a staging table and a cast, since
    COPY's binary format does not take JSON text for jsonb."""
    id_column, id_type = ("id, ", "id uuid, ") if with_ids else ("", "")
    columns = f"municipality_id, {id_column}placement_id, kind, occurred_on, details, recorded_by"
    await conn.execute(
        f"CREATE TEMP TABLE event_load (municipality_id uuid, {id_type}placement_id uuid, kind text, "
        "occurred_on date, details text, recorded_by text) ON COMMIT DROP"
    )
    await conn.copy_records_to_table("event_load", records=records)
    await conn.execute(
        f"INSERT INTO placement_event ({columns}) "  # noqa: S608 - the module's constant column list
        f"SELECT {columns.replace('details', 'details::jsonb')} FROM event_load"
    )


async def load(conn: Connection, size: Size = NATIONAL, *, seed: int = 2026) -> dict[str, int]:
    """Load the dataset through ``conn`` (a superuser or the owner) into an empty, migrated
    database; returns the number of rows per table."""
    started = time.perf_counter()
    units_by_kind, officers = await load_registers(conn, size, seed)
    rng = random.Random(seed)
    weights = [1 / (i + 8) for i in range(size.municipalities)]  # a few large, many small
    plan = zip(
        shares(size.active_placements, weights),
        shares(size.ended_placements, weights),
        shares(size.staff, weights),
        shares(size.foster_homes, weights),
        strict=True,
    )
    counts: dict[str, int] = {}
    # Row by row, two triggers would cost more than the load: the check that a child's placements
    # do not overlap, and the raising of follow-up versions (nothing has been computed yet). They are
    # off for the load; the data is made without overlaps, and checked for them below, set-based.
    for table in BULK_TRIGGERS:
        await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        for n, (active, ended, staff, homes) in enumerate(plan):
            municipality = _id(rng)
            rows = municipality_rows(
                municipality,
                random.Random(rng.random()),
                active=active,
                ended=ended,
                staff_count=staff,
                foster_homes=homes,
                units_by_kind=units_by_kind,
                officers=officers,
            )
            async with conn.transaction():
                await conn.execute(
                    "INSERT INTO municipality (id, kommunkod, name) VALUES ($1, $2, $3)",
                    municipality,
                    kommunkod(n),
                    f"Kommun {n + 1} {MARK}",
                )
                await scope_to(conn, municipality)
                await _copy(conn, rows)
            for name in TABLES:
                counts[name] = counts.get(name, 0) + len(getattr(rows, name))
    finally:
        for table in BULK_TRIGGERS:
            await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    overlaps = await conn.fetchval(
        """SELECT count(*) FROM placement a JOIN placement b
               ON b.municipality_id = a.municipality_id AND b.child_id = a.child_id AND b.id > a.id
              AND daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')"""
    )
    if overlaps:
        raise RuntimeError(f"the synthetic dataset has {overlaps} overlapping placements")
    await conn.execute("VACUUM ANALYZE")
    log.info("national_dataset_loaded", seconds=round(time.perf_counter() - started, 1), **counts)
    return counts
