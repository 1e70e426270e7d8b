"""The demo municipality: clearly synthetic, valid, and loaded once however often it is asked for."""

from __future__ import annotations

import datetime as dt

from stdnum.se import personnummer

from placement.bench.demo import DEMO_KOMMUNKOD, load_demo
from placement.database.pool import Database


async def test_loading_twice_creates_once(db: Database) -> None:
    async with db.pool.acquire() as conn:
        first = await load_demo(conn, today=dt.date(2026, 11, 22))
        second = await load_demo(conn, today=dt.date(2026, 11, 22))
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM municipality) AS m, (SELECT count(*) FROM child) AS c, "
            "(SELECT count(*) FROM placement) AS p, (SELECT count(*) FROM decision) AS d"
        )
    assert (first.created, second.created) == (True, False)
    assert first.municipality_id == second.municipality_id
    assert dict(counts) == {"m": 1, "c": first.children, "p": first.placements, "d": first.placements}


async def test_demo_data_is_synthetic(db: Database) -> None:
    async with db.pool.acquire() as conn:
        await load_demo(conn)
        municipality = await conn.fetchrow("SELECT kommunkod, name, is_demo FROM municipality")
        children = await conn.fetch("SELECT personnummer, name FROM child")
        staff = await conn.fetch("SELECT name, email FROM staff")
    assert municipality["kommunkod"] == DEMO_KOMMUNKOD
    assert municipality["is_demo"]
    assert "syntetisk" in municipality["name"]
    for child in children:
        assert personnummer.is_valid(child["personnummer"])
        assert 980 <= int(child["personnummer"][8:11]) <= 999
        assert child["name"].endswith("(demo)")
    assert all(s["name"].endswith("(demo)") and s["email"].endswith("@demo.invalid") for s in staff)


async def test_the_demo_delegation_order_keeps_reserved_decisions_with_the_namnd(db: Database) -> None:
    """No official is delegated decisions the law reserves for the nämnd or its utskott
    (SoL 30 kap. 6–7 §§): placement in a familjehem, LVU care, övervägande, omprövning, medgivande."""
    async with db.pool.acquire() as conn:
        await load_demo(conn, today=dt.date(2026, 11, 22))
        delegated = {
            r["decision_kind"] for r in await conn.fetch("SELECT decision_kind FROM delegation_rule")
        }
    assert "placement_sol" in delegated
    assert delegated.isdisjoint(
        {
            "placement_lvu",
            "immediate_custody_lvu",
            "overvagande",
            "omprovning",
            "placement_foster_home_permanent",
            "medgivande",
        }
    )
