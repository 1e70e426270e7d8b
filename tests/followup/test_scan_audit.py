"""The scan writes children's data, so what it changes is in the audit log, and only that."""

from __future__ import annotations

import datetime as dt

from followup.store import SCAN_ACTOR, scan
from placement.audit import Actor
from placement.core.clock import today_in_sweden
from placement.database.pool import Database, connect_with_retry
from placement.repositories.municipalities import MunicipalityRepository
from tests.arrange import placed_child
from tests.conftest import SessionDatabase


async def scan_on(test_database: SessionDatabase, today: dt.date) -> None:
    conn = await connect_with_retry(test_database.service, patience_s=5)
    try:
        assert (await scan(conn, today)).scanned
    finally:
        await conn.close()


async def scan_audit_rows(db: Database) -> list[tuple[str, str, object, object]]:
    async with db.transaction() as conn:
        rows = await conn.fetch(
            """SELECT action, object_type, object_id, child_id FROM audit_event
                WHERE actor = $1 ORDER BY id""",
            SCAN_ACTOR,
        )
    return [(r["action"], r["object_type"], r["object_id"], r["child_id"]) for r in rows]


async def test_the_scan_audits_the_placements_whose_states_it_changed(
    db: Database, test_database: SessionDatabase
) -> None:
    today = today_in_sweden()
    async with db.transaction() as conn:
        municipality = await MunicipalityRepository(conn).create(kommunkod="0101", name="A")
    actor = Actor(municipality.id, "arrange")
    async with db.transaction(municipality.id) as conn:
        child, placement = await placed_child(conn, actor, start_date=today - dt.timedelta(days=20))

    await scan_on(test_database, today)
    first = await scan_audit_rows(db)
    assert first == [("update", "obligation_state", placement.id, child.id)]

    await scan_on(test_database, today)  # nothing changed: nothing rewritten, nothing logged
    assert await scan_audit_rows(db) == first

    await scan_on(test_database, today + dt.timedelta(days=400))  # states moved on: logged again
    assert await scan_audit_rows(db) == first * 2
