"""The demo municipality: clearly synthetic, valid, and loaded once however often it is asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from stdnum.se import personnummer

from followup.store import scan
from placement.bench.demo import DEMO_KOMMUNKOD, load_demo
from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from tests.conftest import demo_user


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


@pytest.fixture
async def real_day(db: Database) -> None:
    """The demo as `placement demo` and `serve --demo` load it (before the `demo` fixture, which
    then finds it there)."""
    async with db.pool.acquire() as conn:
        await load_demo(conn, real_day=True)


async def test_the_demo_shows_a_real_day(real_day: None, demo: Any, db: Database) -> None:
    """The first check run and the first worklist show what the service is for: a check at the
    full demo HVB blocks on its places and on the decision-maker's board seat at its provider; the
    worklist has overdue obligations, and met ones that it does not list."""
    listed = await (await demo.get("/api/v1/staff?limit=200", headers=demo_user("petra"))).json()
    staff = {s["email"].split("@")[0]: s["id"] for s in listed["items"]}
    created = await demo.post(
        "/api/v1/children",
        json={"name": "Ny Demosson (demo)", "birth_date": "2011-03-03", "sex": "male"},
        headers=demo_user("petra"),
    )
    assert created.status == 201, await created.text()
    request = {
        "child_id": (await created.json())["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "unit_code": "DEMO-HVB-1",
        "primary_need": "psychosocial",
        "needs_assessment_documented": True,
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    response = await demo.post("/api/v1/placement-checks", json=request, headers=demo_user("petra"))
    assert response.status == 201, await response.text()
    run = await response.json()
    codes = {f["code"] for f in run["findings"]}
    assert run["verdict"] == "block"
    assert {"PP07", "PP15"} <= codes
    assert [f["code"] for f in run["findings"]].count("PP15") == 1  # one link, one finding
    assert "PP01" not in codes  # the unit has its permit in the register

    async with db.pool.acquire() as conn:
        await scan(conn, today_in_sweden())  # what serve does at start
    watch = await demo.get("/api/v1/obligations?responsible=all", headers=demo_user("tove"))
    assert watch.status == 200, await watch.text()
    items = (await watch.json())["items"]
    assert any(i["state"] == "overdue" for i in items)
    # Half the placements have their contact details given and a recent visit recorded: those
    # obligations are met and not on the list; the other half's are.
    async with db.pool.acquire() as conn:
        owing = await conn.fetchval(
            "SELECT count(DISTINCT placement_id) FROM obligation_state WHERE code = 'FU06'"
        )
        placements = await conn.fetchval("SELECT count(*) FROM placement")
    assert 0 < owing < placements


async def test_the_real_day_loads_once_and_leaves_a_real_register_alone(db: Database) -> None:
    """Loading it twice creates once; a register already there (a real one) gets no demo units."""
    async with db.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO register_snapshot (source, origin, content_sha256, record_count) "
            "VALUES ('ivo', 'real', '\\x00', 0)"
        )
        first = await load_demo(conn, real_day=True)
        second = await load_demo(conn, real_day=True)
        units = await conn.fetchval("SELECT count(*) FROM register_entity WHERE kind = 'unit'")
        providers = await conn.fetchval("SELECT count(*) FROM register_entity WHERE kind = 'provider'")
        homes = await conn.fetchval("SELECT count(*) FROM foster_home")
    assert (first.created, second.created) == (True, False)
    assert (units, providers, homes) == (0, 2, 3)
