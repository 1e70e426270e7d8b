"""Register imports against the real database: snapshots, history, all-or-nothing, findings that
reach exactly the municipalities with children placed at the unit."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from placement.audit import Actor
from placement.core.vocabulary import EndReason
from placement.database.pool import Database
from placement.models import PlacementEndIn
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import PlacementRepository
from suppliers.formats import Feed, FileRejected
from suppliers.register import unit_as_of, unit_signals, unit_view
from suppliers.service import run_import
from tests.arrange import placed_child

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
TODAY = dt.date(2026, 11, 22)


def ivo_document(**permit_changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SAMPLES / "ivo.json").read_text())
    document["units"][0]["permit"].update(permit_changes)
    return document


def write(tmp_path: Path, name: str, document: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


async def counts(conn: asyncpg.Connection) -> tuple[int, int, int]:
    row = await conn.fetchrow(
        """SELECT (SELECT count(*) FROM register_snapshot) AS s, (SELECT count(*) FROM register_entity) AS e,
                  (SELECT count(*) FROM register_change) AS c"""
    )
    assert row is not None
    return row["s"], row["e"], row["c"]


async def test_import_then_reimport_is_unchanged(owner: asyncpg.Connection) -> None:
    first = await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"), today=TODAY)
    assert first.snapshot_id is not None
    assert first.records == 3
    assert sorted(c.kind.value for c in first.changes) == ["permit_new", "permit_new", "unit_new"]
    again = await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"), today=TODAY)
    assert (again.unchanged, again.snapshot_id) == (True, None)
    assert await counts(owner) == (1, 3, 3)


async def test_history_says_what_the_register_said_then(owner: asyncpg.Connection, tmp_path: Path) -> None:
    first = await run_import(owner, Feed.IVO, write(tmp_path, "v1.json", ivo_document()), today=TODAY)
    await owner.execute("UPDATE register_snapshot SET imported_at = '2026-01-01T08:00:00+01:00'")
    second = await run_import(
        owner, Feed.IVO, write(tmp_path, "v2.json", ivo_document(places=5)), today=TODAY
    )
    await owner.execute(
        "UPDATE register_snapshot SET imported_at = '2026-06-01T08:00:00+02:00' WHERE id = $1",
        second.snapshot_id,
    )
    stockholm = dt.timezone(dt.timedelta(hours=1))
    before = await unit_as_of(owner, "U-1001", dt.datetime(2025, 12, 31, tzinfo=stockholm))
    spring = await unit_as_of(owner, "U-1001", dt.datetime(2026, 3, 1, tzinfo=stockholm))
    now = await unit_as_of(owner, "U-1001", dt.datetime(2026, 11, 1, tzinfo=stockholm))
    assert before is None
    assert spring is not None
    assert now is not None
    assert (spring.snapshot_id, spring.unit.permit.places if spring.unit.permit else None) == (
        first.snapshot_id,
        8,
    )
    assert (now.snapshot_id, now.unit.permit.places if now.unit.permit else None) == (second.snapshot_id, 5)


async def test_a_bad_file_changes_nothing(owner: asyncpg.Connection, tmp_path: Path) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"), today=TODAY)
    before = await counts(owner)
    bad = ivo_document(age_min=20, age_max=10)
    with pytest.raises(FileRejected):
        await run_import(owner, Feed.IVO, write(tmp_path, "bad.json", bad), today=TODAY)
    assert await counts(owner) == before


async def test_an_import_killed_midway_leaves_no_trace(owner: asyncpg.Connection, tmp_path: Path) -> None:
    """Cancelled after its records are staged, the import rolls back whole; the previous
    snapshot stays in force."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"), today=TODAY)
    before = await counts(owner)
    staged = asyncio.Event()

    async def stall_after_staging(stage: str) -> None:
        if stage == "staged":
            staged.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(
        run_import(
            owner,
            Feed.IVO,
            write(tmp_path, "v2.json", ivo_document(status="revoked")),
            today=TODAY,
            progress=stall_after_staging,
        )
    )
    await asyncio.wait_for(staged.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await counts(owner) == before
    current = await owner.fetchval(
        """SELECT payload -> 'permit' ->> 'status' FROM register_entity
            WHERE key = 'U-1001' AND valid_to_snapshot IS NULL"""
    )
    assert current == "valid"


async def place(db: Database, kommunkod: str, unit_code: str, *, ended: bool = False) -> uuid.UUID:
    async with db.transaction() as conn:
        municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=kommunkod)
        if municipality is None:
            municipality = await MunicipalityRepository(conn).create(
                kommunkod=kommunkod, name=f"Kommun {kommunkod}"
            )
    actor = Actor(municipality.id, "arrange")
    async with db.transaction(municipality.id) as conn:
        _, placement = await placed_child(conn, actor, unit_code=unit_code, start_date=dt.date(2026, 1, 1))
        if ended:
            await PlacementRepository(conn, actor=actor).end(
                placement_id=placement.id,
                ending=PlacementEndIn(end_date=dt.date(2026, 6, 1), end_reason=EndReason.UNPLANNED),
            )
    return placement.id


async def findings_seen_by(database: Database, db: Database, kommunkod: str) -> list[dict[str, Any]]:
    """The findings a municipality sees, read as the service under row-level security."""
    async with db.transaction() as conn:
        municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=kommunkod)
        assert municipality is not None
    async with database.transaction(municipality.id) as conn:
        return [
            dict(r) for r in await conn.fetch("SELECT code, unit_code, placement_ids FROM register_finding")
        ]


async def test_revoked_permit_reaches_exactly_the_placing_municipalities(
    owner: asyncpg.Connection, db: Database, database: Database, tmp_path: Path
) -> None:
    await run_import(owner, Feed.IVO, write(tmp_path, "v1.json", ivo_document()), today=TODAY)
    placed_a = await place(db, "0101", "U-1001")
    placed_a2 = await place(db, "0101", "U-1001")
    await place(db, "0202", "U-1001", ended=True)  # B's child has left the unit
    await place(db, "0303", "U-1003")  # C places elsewhere
    result = await run_import(
        owner, Feed.IVO, write(tmp_path, "v2.json", ivo_document(status="revoked")), today=TODAY
    )
    assert [c.kind.value for c in result.changes] == ["permit_revoked"]
    assert result.findings == 1
    [finding] = await findings_seen_by(database, db, "0101")
    assert (finding["code"], finding["unit_code"]) == ("SV01", "U-1001")
    assert set(finding["placement_ids"]) == {placed_a, placed_a2}
    assert await findings_seen_by(database, db, "0202") == []
    assert await findings_seen_by(database, db, "0303") == []


async def test_company_bankruptcy_reaches_the_units_placements(
    owner: asyncpg.Connection, db: Database, database: Database, tmp_path: Path
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"), today=TODAY)
    await run_import(owner, Feed.COMPANIES, str(SAMPLES / "companies.json"), today=TODAY)
    placed = await place(db, "0101", "U-1001")
    bankrupt: dict[str, Any] = json.loads((SAMPLES / "companies.json").read_text())
    bankrupt["providers"][0]["status"] = "bankrupt"
    result = await run_import(owner, Feed.COMPANIES, write(tmp_path, "c2.json", bankrupt), today=TODAY)
    assert [(c.kind.value, c.finding_code) for c in result.changes] == [("company_status_changed", "SV08")]
    [finding] = await findings_seen_by(database, db, "0101")
    assert (finding["code"], finding["placement_ids"]) == ("SV08", [placed])


async def test_signals_count_across_municipalities_without_naming_them(
    owner: asyncpg.Connection, db: Database, database: Database
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"), today=TODAY)
    await place(db, "0101", "U-1001")
    await place(db, "0202", "U-1001")
    await place(db, "0202", "U-1001", ended=True)
    async with database.transaction() as conn:  # the service, with no municipality set
        signals = await unit_signals(conn, "U-1001", TODAY)
    assert (signals.active_placements, signals.unplanned_endings_12m, signals.moves_12m) == (2, 1, 0)
    assert (signals.reported_occupancy, signals.places) == (6, 8)


async def test_a_units_view_holds_unit_provider_interventions_and_counts_as_of_a_moment(
    owner: asyncpg.Connection, db: Database, database: Database
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"), today=TODAY)
    await run_import(owner, Feed.COMPANIES, str(SAMPLES / "companies.json"), today=TODAY)
    await place(db, "0101", "U-1001")
    now = dt.datetime.now(dt.UTC)
    async with database.transaction() as conn:  # the service, with no municipality set
        view = await unit_view(conn, "U-1001", now, TODAY)
        before = await unit_view(conn, "U-1001", now - dt.timedelta(days=3650), TODAY)
        unknown = await unit_view(conn, "U-9999", now, TODAY)
    assert view.unit is not None
    assert view.unit.unit.unit_code == "U-1001"
    assert view.provider is not None
    assert view.provider.provider.orgnr == "5599000014"
    assert [i.kind for i in view.interventions] == ["forelaggande"]
    assert view.active_placements == 1
    assert (before.unit, before.provider) == (None, None)  # the register did not know it then
    assert (unknown.unit, unknown.provider, unknown.interventions, unknown.active_placements) == (
        None,
        None,
        (),
        0,
    )


async def test_the_service_cannot_write_the_register(database: Database) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with database.transaction() as conn:
            await conn.execute("DELETE FROM register_entity")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with database.transaction() as conn:
            await conn.fetch("SELECT * FROM placements_at_units(ARRAY['U-1001'], current_date)")
