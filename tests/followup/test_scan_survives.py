"""The periodic scan never dies silently (issue 12): a rule that raises for one municipality's
placement is logged (the municipality, the kind of error and where; no personal data), the other
municipalities are still scanned, the next interval runs, the last success is stored, and /ready
says the scan is stale after two intervals without one, and ready again once a scan succeeds."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from structlog.testing import capture_logs

from followup.model import RULES, Obligation, PlacementFacts, Policy
from followup.store import scan
from placement.api.app import create_app
from placement.audit import Actor
from placement.core.clock import today_in_sweden
from placement.database.pool import Database, connect_with_retry
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import Settings
from tests.arrange import placed_child
from tests.conftest import SessionDatabase

BROKEN_BIRTH_DATE = dt.date(2011, 11, 11)


ORIGINAL_FU11 = RULES["FU11"]


def breaking_fu11(facts: PlacementFacts, today: dt.date, policy: Policy) -> Iterable[Obligation]:
    """FU11 as it was for a decision valid to 9999-12-31: raising, here for one child only."""
    if facts.child_birth_date == BROKEN_BIRTH_DATE:
        raise ValueError("year 10001 is out of range")
    return ORIGINAL_FU11.function(facts, today, policy)


def break_fu11(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule registry with FU11 replaced by one that raises, for this test only."""
    monkeypatch.setitem(RULES, "FU11", dataclasses.replace(ORIGINAL_FU11, function=breaking_fu11))


@pytest.fixture
def rule_that_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    break_fu11(monkeypatch)


async def two_municipalities(db: Database) -> dict[str, Any]:
    """Municipality A with a child the breaking rule raises for, B with an ordinary one."""
    today = today_in_sweden()
    ids: dict[str, Any] = {}
    for kommunkod, name in (("0301", "A"), ("0302", "B")):
        async with db.transaction() as conn:
            municipality = await MunicipalityRepository(conn).create(kommunkod=kommunkod, name=name)
        async with db.transaction(municipality.id) as conn:
            child, placement = await placed_child(
                conn, Actor(municipality.id, "arrange"), name=f"Hemligt Namn {name}", start_date=today
            )
            if name == "A":
                await conn.execute(
                    "UPDATE child SET birth_date = $1 WHERE id = $2", BROKEN_BIRTH_DATE, child.id
                )
        ids[name] = municipality.id
        ids[f"{name}_placement"] = placement.id
    return ids


@pytest.mark.usefixtures("rule_that_raises")
async def test_one_municipalitys_failure_is_logged_and_the_others_scanned(
    db: Database, test_database: SessionDatabase
) -> None:
    ids = await two_municipalities(db)
    conn = await connect_with_retry(test_database.service, patience_s=5)
    try:
        with capture_logs() as logs:
            result = await scan(conn, today_in_sweden())
    finally:
        await conn.close()
    assert (result.scanned, result.failed) == (True, 1)
    [failure] = [e for e in logs if e["event"] == "scan_municipality_failed"]
    assert failure["municipality_id"] == str(ids["A"])
    assert failure["error"] == "ValueError"
    assert failure["at"].startswith("test_scan_survives.py:")
    assert "Hemligt" not in repr(logs)
    assert "10001" not in repr(logs)  # the exception's message is not logged: it could carry anything
    async with db.transaction() as conn:
        stored = {
            r["placement_id"] for r in await conn.fetch("SELECT DISTINCT placement_id FROM obligation_state")
        }
        status = await conn.fetchrow("SELECT * FROM scan_status")
    assert stored == {ids["B_placement"]}  # B scanned, A left as it was
    assert status["last_success_at"] is None
    assert status["last_failure_at"] is not None
    assert status["failed_municipalities"] == 1


async def test_ready_reports_a_stale_scan_until_one_succeeds(
    db: Database, test_database: SessionDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    await two_municipalities(db)
    break_fu11(monkeypatch)
    settings = Settings(demo=False, db_pool_max_size=4, scan_interval_s=1)
    app = create_app(settings, dsn=test_database.service)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:

        async def ready_becomes(status: int) -> dict[str, Any]:
            for _ in range(100):
                response = await client.get("/ready")
                if response.status == status:
                    body: dict[str, Any] = await response.json()
                    return body
                await asyncio.sleep(0.1)
            raise AssertionError(f"/ready never answered {status}")

        stale = await ready_becomes(503)
        assert "Skanningen av skyldigheter har inte lyckats" in stale["detail"]
        monkeypatch.undo()  # the rule repaired: the next interval's scan goes through
        recovered = await ready_becomes(200)
        assert recovered["scan_succeeded_at"] is not None
