"""Issue #13, audit and idempotency: a refused request keeps its reads in the log; a replay logs
exactly what the first request touched and re-checks reach; idempotency records are purged after
24 hours; a personnummer lookup reveals nothing beyond the caller's reach and is logged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
from aiohttp.test_utils import TestClient

from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from placement.repositories.idempotency import purge_expired
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES, new_child, new_placement, staff_ids
from tests.conftest import demo_user as user

Client = TestClient[Any, Any]


async def audit_rows(db: Database, request_id: str) -> list[tuple[str, str, str]]:
    async with db.transaction() as conn:
        rows = await conn.fetch(
            "SELECT action, object_type, child_id FROM audit_event WHERE request_id = $1 ORDER BY id",
            request_id,
        )
    return [(r["action"], r["object_type"], str(r["child_id"])) for r in rows]


async def test_a_refused_decision_still_logs_the_findings_it_showed(
    demo: Client, db: Database, owner: asyncpg.Connection
) -> None:
    """The 409 shows the check's open findings about the child: that read is in the log although
    the request failed and its transaction was rolled back."""
    await run_import(owner, Feed.IVO, str(Path(SAMPLES) / "ivo.json"))
    staff = await staff_ids(demo)
    child = await new_child(demo, "Refused (demo)", sex="female")
    start = today_in_sweden().isoformat()
    check = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": start,
        "unit_code": "U-1001",
        "primary_need": "psychosocial",
        "needs_assessment_documented": False,
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    ran = await demo.post("/api/v1/placement-checks", json=check, headers=user("petra"))
    assert ran.status == 201
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decision = {
        "kind": "placement_sol",
        "decided_on": start,
        "decided_by": staff["tove"],
        "valid_from": start,
        "check_id": (await ran.json())["id"],
    }
    refused = await demo.post(
        f"/api/v1/placements/{placement['id']}/decisions",
        json=decision,
        headers={**user("petra"), "X-Request-Id": "refused-decision-1"},
    )
    assert refused.status == 409
    assert (await refused.json())["open_findings"]
    assert await audit_rows(db, "refused-decision-1") == [("read", "check_run", child["id"])]
    async with db.transaction() as conn:
        decisions = await conn.fetchval(
            "SELECT count(*) FROM decision WHERE placement_id = $1", placement["id"]
        )
    assert decisions == 0  # the refusal wrote nothing else


async def test_a_replayed_event_is_logged_as_the_event(demo: Client, db: Database) -> None:
    child = await new_child(demo, "Replay (demo)")
    placement = await new_placement(demo, child, "hvb", "HVB")
    event = {
        "kind": "visit",
        "occurred_on": today_in_sweden().isoformat(),
        "details": {"in_home": True, "private_talk": True},
    }
    url = f"/api/v1/placements/{placement['id']}/events"
    first = await demo.post(url, json=event, headers={**user("petra"), "Idempotency-Key": "ev-1"})
    assert first.status == 201, await first.text()
    again = await demo.post(
        url,
        json=event,
        headers={**user("petra"), "Idempotency-Key": "ev-1", "X-Request-Id": "replayed-event-1"},
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await audit_rows(db, "replayed-event-1") == [("read", "placement_event", child["id"])]
    async with db.transaction() as conn:
        stored = await conn.fetchval("SELECT accesses FROM idempotency_key WHERE key = 'ev-1'")
    assert stored == [
        {"object_type": "placement_event", "object_id": (await first.json())["id"], "child_id": child["id"]}
    ]


async def test_a_replay_rechecks_the_callers_reach(demo: Client, db: Database) -> None:
    """Tove (unit lead, unit 1) registers a child; it is then given to Sofia of unit 2. Tove's
    retry must not show the child again."""
    body = {"name": "Moved (demo)", "birth_date": "2012-02-02"}
    headers = {**user("tove"), "Idempotency-Key": "child-1"}
    created = await demo.post("/api/v1/children", json=body, headers=headers)
    assert created.status == 201
    child = await created.json()
    staff = await staff_ids(demo)
    assigned = await demo.post(
        f"/api/v1/children/{child['id']}/social-workers",
        json={"staff_id": staff["sofia"], "assigned_from": today_in_sweden().isoformat()},
        headers=user("petra"),
    )
    assert assigned.status == 201, await assigned.text()
    again = await demo.post(
        "/api/v1/children", json=body, headers={**headers, "X-Request-Id": "lost-reach-1"}
    )
    assert again.status == 404
    assert child["name"] not in await again.text()
    assert await audit_rows(db, "lost-reach-1") == []


async def test_idempotency_records_are_purged_after_24_hours(
    client: Client, as_officer: dict[str, str], database: Database, db: Database
) -> None:
    """Every municipality's old records go, by the service's own role (row-level security on)."""
    for key in ("a", "b"):
        child = {"name": "Alva", "birth_date": "2015-01-01"}
        assert (
            await client.post("/api/v1/children", json=child, headers={**as_officer, "Idempotency-Key": key})
        ).status == 201
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE key = 'a'"
        )
    async with database.transaction() as conn:  # the service's pool, no municipality in scope
        assert await purge_expired(conn) == 1
    async with db.transaction() as conn:
        assert [r["key"] for r in await conn.fetch("SELECT key FROM idempotency_key")] == ["b"]


async def test_personnummer_lookup_reveals_nothing_beyond_reach(demo: Client, db: Database) -> None:
    """Sami (unit 1) gets 404 on Sofia's child; registering its personnummer tells him no more
    (no id), and the lookup is in the log. Sofia, who reaches it, is given its id."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            """SELECT c.id, c.personnummer FROM child c
                 JOIN social_worker_assignment a ON a.child_id = c.id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id
                WHERE s.email LIKE 'sofia@%' AND c.personnummer IS NOT NULL LIMIT 1"""
        )
    child_id, personnummer = str(row["id"]), row["personnummer"]
    assert (await demo.get(f"/api/v1/children/{child_id}", headers=user("sami"))).status == 404
    body = {"name": "Probe", "personnummer": personnummer}
    outside = await demo.post(
        "/api/v1/children", json=body, headers={**user("sami"), "X-Request-Id": "probe-outside-1"}
    )
    inside = await demo.post(
        "/api/v1/children", json=body, headers={**user("sofia"), "X-Request-Id": "probe-inside-1"}
    )
    assert (outside.status, inside.status) == (409, 409)
    assert "child_id" not in await outside.json()
    assert child_id not in await outside.text()
    assert (await inside.json())["child_id"] == child_id
    assert (await outside.json())["detail"] == (await inside.json())["detail"]
    assert await audit_rows(db, "probe-outside-1") == [("lookup", "child", child_id)]
    assert await audit_rows(db, "probe-inside-1") == [("lookup", "child", child_id)]
