"""The register through the API: a unit as of a date, counts across municipalities, findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from aiohttp.test_utils import TestClient

from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.conftest import api_token, bearer
from tests.suppliers.test_import import TODAY, ivo_document, place, write

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
Client = TestClient[Any, Any]


async def test_unit_today_and_as_of_a_date(
    client: Client, owner: asyncpg.Connection, db: Database, municipality: str, tmp_path: Path
) -> None:
    first = await run_import(owner, Feed.IVO, write(tmp_path, "v1.json", ivo_document()), today=TODAY)
    await owner.execute("UPDATE register_snapshot SET imported_at = '2026-01-01T08:00:00+01:00'")
    await run_import(owner, Feed.IVO, write(tmp_path, "v2.json", ivo_document(places=5)), today=TODAY)
    procurement = bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE))
    today = await (await client.get("/api/v1/units/U-1001", headers=procurement)).json()
    assert today["unit"]["permit"]["places"] == 5
    then = await (await client.get("/api/v1/units/U-1001?on=2026-03-01", headers=procurement)).json()
    assert (then["unit"]["permit"]["places"], then["snapshot_id"]) == (8, first.snapshot_id)
    before = await client.get("/api/v1/units/U-1001?on=2025-12-31", headers=procurement)
    assert before.status == 404
    assert (await client.get("/api/v1/units/U-9999", headers=procurement)).status == 404


async def test_signals_are_counts_only(
    client: Client, owner: asyncpg.Connection, db: Database, municipality: str
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"), today=TODAY)
    await place(db, "0101", "U-1001")
    await place(db, "0202", "U-1001", ended=True)
    token = bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE))
    signals = await (await client.get("/api/v1/units/U-1001/signals", headers=token)).json()
    assert signals == {
        "unit_code": "U-1001",
        "in_register": True,
        "active_placements": 1,
        "moves_12m": 0,
        "unplanned_endings_12m": 1,
        "reported_occupancy": 6,
        "occupancy_reported_on": "2026-10-31",
        "places": 8,
    }


async def test_findings_reach_the_placing_municipality_only(
    client: Client, owner: asyncpg.Connection, db: Database, tmp_path: Path
) -> None:
    await run_import(owner, Feed.IVO, write(tmp_path, "v1.json", ivo_document()), today=TODAY)
    placed = await place(db, "0101", "U-1001")
    await place(db, "0202", "U-1002")
    await run_import(owner, Feed.IVO, write(tmp_path, "v2.json", ivo_document(status="revoked")), today=TODAY)
    placing = bearer(await api_token(db, "0101", StaffRole.PLACERINGSSTOD))
    other = bearer(await api_token(db, "0202", StaffRole.PLACERINGSSTOD))
    page = await (await client.get("/api/v1/register-findings", headers=placing)).json()
    [finding] = page["items"]
    assert (finding["code"], finding["unit_code"], finding["placement_ids"]) == (
        "SV01",
        "U-1001",
        [str(placed)],
    )
    assert finding["title"].startswith("Tillståndet har återkallats")
    assert (await (await client.get("/api/v1/register-findings", headers=other)).json())["items"] == []
    procurement = bearer(await api_token(db, "0101", StaffRole.UPPHANDLARE))
    assert (await client.get("/api/v1/register-findings", headers=procurement)).status == 403
