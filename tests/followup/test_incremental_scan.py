"""The scan recomputes a placement when its facts, the rules or the policy change, or when its
review day comes, and otherwise leaves it alone; the database raises the facts' version itself."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from followup.store import RULES_FINGERPRINT, ScanResult, scan
from placement.audit import Actor
from placement.core.vocabulary import DecisionKind, EndReason, StaffRole
from placement.database.pool import Database, connect_with_retry
from placement.models import DecisionIn, PlacementEndIn, SocialWorkerAssignmentIn, StaffIn
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import PlacementRepository, SocialWorkerRepository
from placement.repositories.staff import StaffRepository
from tests.arrange import placed_child
from tests.conftest import SessionDatabase

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
async def service(test_database: SessionDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await connect_with_retry(test_database.service, patience_s=5)
    try:
        yield conn
    finally:
        await conn.close()


async def scanned(conn: asyncpg.Connection, day: dt.date = TODAY, *, full: bool = False) -> ScanResult:
    result = await scan(conn, day, full=full)
    assert result.scanned
    return result


async def states(db: Database, placement_id: uuid.UUID) -> dict[str, str]:
    async with db.transaction() as conn:
        rows = await conn.fetch(
            "SELECT code, item, state FROM obligation_state WHERE placement_id = $1", placement_id
        )
    return {f"{r['code']}{'/' + r['item'] if r['item'] else ''}": r["state"] for r in rows}


async def a_municipality(db: Database, kommunkod: str) -> tuple[uuid.UUID, Actor]:
    async with db.transaction() as conn:
        created = await MunicipalityRepository(conn).create(kommunkod=kommunkod, name=kommunkod)
    return created.id, Actor(created.id, "arrange")


async def test_only_placements_whose_facts_or_policy_changed_are_recomputed(
    db: Database, service: asyncpg.Connection
) -> None:
    municipality, actor = await a_municipality(db, "0101")
    async with db.transaction(municipality) as conn:
        staff = await StaffRepository(conn, municipality_id=municipality).create(
            staff=StaffIn(name="Sami", roles=[StaffRole.SOCIALSEKRETERARE])
        )
        placed = [
            await placed_child(conn, actor, name=f"Barn {n}", start_date=TODAY - dt.timedelta(days=100))
            for n in range(3)
        ]
    first = await scanned(service)
    assert (first.placements, first.recomputed) == (3, 3)
    again = await scanned(service)
    assert (again.placements, again.recomputed, again.changed) == (3, 0, 0)

    (_, decided), (child, appointed), _ = placed
    assert (await states(db, appointed.id))["FU05"] == "overdue"  # no social worker yet
    async with db.transaction(municipality) as conn:
        await PlacementRepository(conn, actor=actor).add_decision(
            placement_id=decided.id,
            decision=DecisionIn(
                kind=DecisionKind.PLACEMENT_SOL,
                decided_on=TODAY - dt.timedelta(days=100),
                decided_by=staff.id,
                valid_from=TODAY - dt.timedelta(days=100),
                valid_to=TODAY + dt.timedelta(days=5),
                urgent=True,
                urgent_reason="Akut",
            ),
        )
        await SocialWorkerRepository(conn, actor=actor).assign(
            child_id=child.id,
            assignment=SocialWorkerAssignmentIn(
                staff_id=staff.id, assigned_from=TODAY - dt.timedelta(days=1)
            ),
        )
    changed = await scanned(service)
    assert (changed.recomputed, changed.changed) == (2, 2)
    assert (await states(db, decided.id))["FU11"] == "due_soon"  # the decision runs out in five days
    assert "FU05" not in await states(db, appointed.id)  # met: nothing owed

    async with db.transaction(municipality) as conn:
        await conn.execute(
            """INSERT INTO municipality_policy (municipality_id, key, value)
               VALUES ($1, 'followup', '{"due_soon_days": 120}')""",
            municipality,
        )
    policy = await scanned(service)
    assert policy.recomputed == 3  # the policy is part of what every state was computed from
    assert (await states(db, decided.id))["FU01"] == "due_soon"  # six months from start: within 120 days
    assert (await scanned(service, full=True)).recomputed == 3


async def test_a_state_turns_overdue_on_its_day_with_nothing_recorded(
    db: Database, service: asyncpg.Connection
) -> None:
    municipality, actor = await a_municipality(db, "0102")
    async with db.transaction(municipality) as conn:
        _, fresh = await placed_child(conn, actor, name="Ny", start_date=TODAY - dt.timedelta(days=14))
        _, settled = await placed_child(
            conn, actor, name="Sedan länge", start_date=TODAY - dt.timedelta(days=100)
        )
    await scanned(service)
    assert (await states(db, fresh.id))["FU07"] == "due_soon"  # grounds explained within 14 days: today
    before = await states(db, settled.id)

    tomorrow = await scanned(service, TODAY + dt.timedelta(days=1))
    assert tomorrow.recomputed == 1  # only the placement with a date reached
    assert (await states(db, fresh.id))["FU07"] == "overdue"
    assert await states(db, settled.id) == before


async def test_an_ended_placement_is_forgotten_the_day_it_leaves_the_scope(
    db: Database, service: asyncpg.Connection
) -> None:
    municipality, actor = await a_municipality(db, "0103")
    ended_on = TODAY - dt.timedelta(days=360)
    async with db.transaction(municipality) as conn:
        _, placement = await placed_child(conn, actor, start_date=TODAY - dt.timedelta(days=800))
        await PlacementRepository(conn, actor=actor).end(
            placement_id=placement.id,
            ending=PlacementEndIn(end_date=ended_on, end_reason=EndReason.UNPLANNED),
        )
        await conn.execute("UPDATE placement SET legal_basis = 'lvu_3' WHERE id = $1", placement.id)
    await scanned(service)
    assert (await states(db, placement.id))["FU15"] == "overdue"  # no follow-up after LVU care

    still = await scanned(service, ended_on + dt.timedelta(days=365))  # the last day in scope
    assert (still.recomputed, await states(db, placement.id)) == (0, {"FU15": "overdue"})
    left = await scanned(service, ended_on + dt.timedelta(days=366))
    assert left.changed == 1
    assert await states(db, placement.id) == {}
    after = await scanned(service, ended_on + dt.timedelta(days=367))
    assert (after.recomputed, after.changed) == (0, 0)


async def due_counts(conn: asyncpg.Connection, municipality: uuid.UUID, day: dt.date) -> tuple[int, int]:
    """followup_due's counts for one municipality: placements in scope, placements due."""
    row = await conn.fetchrow(
        "SELECT placements, due FROM followup_due($1, $2) WHERE municipality_id = $3",
        RULES_FINGERPRINT,
        day,
        municipality,
    )
    return (row["placements"], row["due"]) if row else (0, 0)


async def test_followup_due_counts_what_the_scan_recomputes(
    db: Database, service: asyncpg.Connection
) -> None:
    """The staleness rule exists once (followup_stale, V055): what followup_due counts as due across
    municipalities is exactly what the scan then recomputes, as facts, policy and days change."""
    municipality, actor = await a_municipality(db, "0104")
    async with db.transaction(municipality) as conn:
        placed = [
            await placed_child(conn, actor, name=f"Barn {n}", start_date=TODAY - dt.timedelta(days=14))
            for n in range(3)
        ]
    seen = []
    for step in ("new", "unchanged", "facts", "policy", "next day"):
        if step == "facts":
            async with db.transaction(municipality) as conn:
                await conn.execute(
                    "UPDATE placement SET planned_end_date = $2 WHERE id = $1", placed[0][1].id, TODAY
                )
        if step == "policy":
            async with db.transaction(municipality) as conn:
                await conn.execute(
                    """INSERT INTO municipality_policy (municipality_id, key, value)
                       VALUES ($1, 'followup', '{"due_soon_days": 60}')""",
                    municipality,
                )
        day = TODAY + dt.timedelta(days=1) if step == "next day" else TODAY
        counted = await due_counts(service, municipality, day)
        seen.append((step, counted, (await scanned(service, day)).recomputed))
    assert seen == [
        ("new", (3, 3), 3),
        ("unchanged", (3, 0), 0),
        ("facts", (3, 1), 1),
        ("policy", (3, 3), 3),
        ("next day", (3, 3), 3),  # grounds explained within 14 days: every one turns overdue
    ]
