"""Safe retries: a POST with an Idempotency-Key is done once, however often it is sent."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]
CHILD = {"name": "Alva", "birth_date": "2015-01-01"}


async def children(db: Database) -> int:
    async with db.transaction() as conn:
        count: int = await conn.fetchval("SELECT count(*) FROM child")
    return count


async def test_same_key_and_body_is_done_once(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    headers = {**as_officer, "Idempotency-Key": "req-1"}
    first = await client.post("/api/v1/children", json=CHILD, headers=headers)
    again = await client.post("/api/v1/children", json=CHILD, headers=headers)
    assert (first.status, again.status) == (201, 201)
    assert await first.json() == await again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await children(db) == 1


async def test_same_key_with_another_body_is_422(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    headers = {**as_officer, "Idempotency-Key": "req-2"}
    assert (await client.post("/api/v1/children", json=CHILD, headers=headers)).status == 201
    other = await client.post("/api/v1/children", json={**CHILD, "name": "Elsa"}, headers=headers)
    assert other.status == 422
    assert (await other.json())["errors"][0]["field"] == "header.Idempotency-Key"
    assert await children(db) == 1


async def test_concurrent_retries_do_the_work_once(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    headers = {**as_officer, "Idempotency-Key": "req-3"}
    responses = await asyncio.gather(
        *(client.post("/api/v1/children", json=CHILD, headers=headers) for _ in range(5))
    )
    bodies = [await r.json() for r in responses]
    assert [r.status for r in responses] == [201] * 5
    assert len({b["id"] for b in bodies}) == 1
    assert await children(db) == 1


async def test_keys_belong_to_their_caller(
    client: Client, as_officer: dict[str, str], db: Database, municipality: str
) -> None:
    other = bearer(await api_token(db, municipality, StaffRole.PLACERINGSSTOD, name="Another system"))
    for headers in (as_officer, other):
        response = await client.post(
            "/api/v1/children", json=CHILD, headers={**headers, "Idempotency-Key": "k"}
        )
        assert response.status == 201
    assert await children(db) == 2


async def test_a_failed_request_is_not_remembered(client: Client, as_officer: dict[str, str]) -> None:
    """An error rolls the key back with everything else, so the corrected retry does the work."""
    child = await (await client.post("/api/v1/children", json=CHILD, headers=as_officer)).json()
    placement = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "home_name": "HVB",
        "start_date": "2026-01-01",
    }
    first = await (await client.post("/api/v1/placements", json=placement, headers=as_officer)).json()
    later = {**placement, "start_date": "2026-03-01"}
    headers = {**as_officer, "Idempotency-Key": "move-1"}
    assert (await client.post("/api/v1/placements", json=later, headers=headers)).status == 409
    await client.post(
        f"/api/v1/placements/{first['id']}/end", json={"end_date": "2026-02-28"}, headers=as_officer
    )
    retried = await client.post("/api/v1/placements", json=later, headers=headers)
    assert retried.status == 201
    assert "Idempotent-Replayed" not in retried.headers


async def test_keys_are_forgotten_after_24_hours(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    headers = {**as_officer, "Idempotency-Key": "old"}
    assert (await client.post("/api/v1/children", json=CHILD, headers=headers)).status == 201
    async with db.transaction() as conn:
        await conn.execute("UPDATE idempotency_key SET created_at = now() - interval '25 hours'")
    again = await client.post("/api/v1/children", json=CHILD, headers=headers)
    assert again.status == 201
    assert "Idempotent-Replayed" not in again.headers
    assert await children(db) == 2


async def test_overlong_key_is_422(client: Client, as_officer: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/children", json=CHILD, headers={**as_officer, "Idempotency-Key": "x" * 201}
    )
    assert response.status == 422


async def test_a_replay_is_audited_as_a_read(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    """The replayed response shows the child again, so the audit log records that read."""
    headers = {**as_officer, "Idempotency-Key": "audited", "X-Request-Id": "replay-check-1"}
    child = await (
        await client.post(
            "/api/v1/children", json=CHILD, headers={**as_officer, "Idempotency-Key": "audited"}
        )
    ).json()
    await client.post("/api/v1/children", json=CHILD, headers=headers)
    async with db.transaction() as conn:
        rows = await conn.fetch(
            "SELECT action, child_id FROM audit_event WHERE request_id = 'replay-check-1'"
        )
    assert [(r["action"], str(r["child_id"])) for r in rows] == [("read", child["id"])]


async def test_replays_of_placements_and_decisions_name_the_child(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str], db: Database
) -> None:
    child = await (await client.post("/api/v1/children", json=CHILD, headers=as_officer)).json()
    staff = await (await client.post("/api/v1/staff", json={"name": "Tove"}, headers=as_admin)).json()
    rule = {"decision_kind": "extension", "staff_id": staff["id"]}
    assert (await client.post("/api/v1/delegation-rules", json=rule, headers=as_admin)).status == 201
    placement_body = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "home_name": "HVB",
        "start_date": "2026-01-01",
    }
    placement = await (
        await client.post(
            "/api/v1/placements", json=placement_body, headers={**as_officer, "Idempotency-Key": "p"}
        )
    ).json()
    decision_body = {
        "kind": "extension",
        "decided_on": "2026-01-01",
        "decided_by": staff["id"],
        "valid_from": "2026-01-01",
    }
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    await client.post(decisions, json=decision_body, headers={**as_officer, "Idempotency-Key": "d"})
    await client.post(
        "/api/v1/placements",
        json=placement_body,
        headers={**as_officer, "Idempotency-Key": "p", "X-Request-Id": "replay-placement"},
    )
    await client.post(
        decisions,
        json=decision_body,
        headers={**as_officer, "Idempotency-Key": "d", "X-Request-Id": "replay-decision"},
    )
    async with db.transaction() as conn:
        rows = await conn.fetch(
            """SELECT request_id, object_type, child_id FROM audit_event
                WHERE request_id LIKE 'replay-%' ORDER BY id"""
        )
    assert [(r["request_id"], r["object_type"], str(r["child_id"])) for r in rows] == [
        ("replay-placement", "placement", child["id"]),
        ("replay-decision", "decision", child["id"]),
    ]
