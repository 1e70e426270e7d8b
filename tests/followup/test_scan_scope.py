"""The scan looks at ongoing placements and recent or unfinished endings, not at long-closed ones."""

from __future__ import annotations

import datetime as dt

from followup.store import scan
from placement.audit import Actor
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import EndReason
from placement.database.pool import Database, connect_with_retry
from placement.models import PlacementEndIn
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import PlacementRepository
from tests.arrange import placed_child
from tests.conftest import SessionDatabase


async def test_long_closed_placements_owe_nothing_more(db: Database, test_database: SessionDatabase) -> None:
    today = today_in_sweden()
    async with db.transaction() as conn:
        municipality = await MunicipalityRepository(conn).create(kommunkod="0101", name="A")
    actor = Actor(municipality.id, "arrange")
    ids = {}
    async with db.transaction(municipality.id) as conn:
        for name, ended, reason in (
            ("ongoing", None, None),
            ("closed", 800, EndReason.PLANNED),
            ("closed without reason", 800, None),
            ("recent", 30, EndReason.PLANNED),
        ):
            _, placement = await placed_child(
                conn, actor, name=name, start_date=today - dt.timedelta(days=1000)
            )
            if ended is not None:
                await PlacementRepository(conn, actor=actor).end(
                    placement_id=placement.id,
                    ending=PlacementEndIn(end_date=today - dt.timedelta(days=ended), end_reason=reason),
                )
            ids[placement.id] = name
    conn = await connect_with_retry(test_database.service, patience_s=5)
    try:
        assert (await scan(conn, today)).scanned
    finally:
        await conn.close()
    async with db.transaction() as conn:
        rows = await conn.fetch("SELECT DISTINCT placement_id, code FROM obligation_state")
    owing = {ids[r["placement_id"]] for r in rows}
    assert owing == {"ongoing", "closed without reason"}
    assert {r["code"] for r in rows if ids[r["placement_id"]] == "closed without reason"} == {"FU14"}
