"""Every route that writes a child's data leaves audit rows naming that child, for the request
that did it. The routes come from the route table: a new writing route fails this test until it
has a recipe here (and its audit rows), so none can escape it. (Reads are proven the same way
in tests/api/test_audit_review.py.)"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement.api.app import api_registry
from placement.api.concerns import STEP_ROUTES
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.principal import CHILD_WRITERS
from tests.arrange import CONCERN_STEP_NEEDS, concern_step_bodies, municipality_a_data
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]

# Written by the same roles, but not a child's data: a foster home is the foster parents' record.
NOT_CHILD_DATA = {"create_foster_home", "correct_foster_home", "correct_register_checks"}
CHILD_WRITES = [
    e
    for e in api_registry().endpoints
    if e.method != "GET" and e.tenant and e.roles <= CHILD_WRITERS and e.name not in NOT_CHILD_DATA
]

Recipe = Callable[[Client, Database, dict[str, str], dict[str, str]], Awaitable[tuple[Any, str]]]


async def _create_child(
    client: Client, db: Database, ids: dict[str, str], h: dict[str, str]
) -> tuple[Any, str]:
    response = await client.post(
        "/api/v1/children", json={"name": "Ny", "birth_date": "2014-04-04"}, headers=h
    )
    return response, (await response.json())["id"]


async def _assign(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    admin = bearer(await api_token(db, "0001", StaffRole.ADMINISTRATOR))
    created = await client.post("/api/v1/staff", json={"name": "Ny handläggare"}, headers=admin)
    body = {"staff_id": (await created.json())["id"], "assigned_from": "2026-06-01"}
    url = f"/api/v1/children/{ids['child_id']}/social-workers"
    return await client.post(url, json=body, headers=h), ids["child_id"]


async def _place(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    other = await client.post(
        "/api/v1/children",
        json={"name": "Två", "birth_date": "2013-03-03"},
        headers=bearer(await api_token(db, "0001", StaffRole.PLACERINGSSTOD)),
    )
    child = (await other.json())["id"]
    body = {
        "child_id": child,
        "form": "hvb",
        "legal_basis": "sol",
        "home_name": "HVB",
        "start_date": "2026-12-01",
    }
    return await client.post("/api/v1/placements", json=body, headers=h), child


async def _end(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    body = {"end_date": "2026-11-01", "end_reason": "planned"}
    return await client.post(f"/api/v1/placements/{ids['placement_id']}/end", json=body, headers=h), ids[
        "child_id"
    ]


async def _decide(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    body = {
        "kind": "placement_sol",
        "decided_on": "2026-02-01",
        "decided_by_namnd": True,  # whatever the placement's form: the nämnd may always decide
        "namnd_meeting_on": "2026-02-01",
        "namnd_paragraph": "§ 2",
        "valid_from": "2026-02-01",
        "urgent": True,
        "urgent_reason": "Akut skyddsbehov",
    }
    url = f"/api/v1/placements/{ids['placement_id']}/decisions"
    return await client.post(url, json=body, headers=h), ids["child_id"]


async def _correct_child(
    client: Client, db: Database, ids: dict[str, str], h: dict[str, str]
) -> tuple[Any, str]:
    url = f"/api/v1/children/{ids['child_id']}"
    etag = (await client.get(url, headers=h)).headers["ETag"]
    return await client.patch(url, json={"name": "Rättat namn"}, headers={**h, "If-Match": etag}), ids[
        "child_id"
    ]


async def _correct_placement(
    client: Client, db: Database, ids: dict[str, str], h: dict[str, str]
) -> tuple[Any, str]:
    url = f"/api/v1/placements/{ids['placement_id']}"
    etag = (await client.get(url, headers=h)).headers["ETag"]
    return await client.patch(url, json={"home_name": "Rättat hem"}, headers={**h, "If-Match": etag}), ids[
        "child_id"
    ]


async def _retract(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    url = f"/api/v1/placements/{ids['placement_id']}/events/{ids['event_id']}/retraction"
    return await client.post(url, json={"reason": "Fel barn"}, headers=h), ids["child_id"]


async def _event(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    body = {"kind": "visit", "occurred_on": "2026-03-01", "details": {"in_home": True, "private_talk": True}}
    url = f"/api/v1/placements/{ids['placement_id']}/events"
    return await client.post(url, json=body, headers=h), ids["child_id"]


async def _waive(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            "SELECT code, item, due_on FROM obligation_state WHERE placement_id = $1 ORDER BY code LIMIT 1",
            uuid.UUID(ids["placement_id"]),
        )
    body = {"code": row["code"], "item": row["item"], "due_on": row["due_on"].isoformat(), "reason": "Prövat"}
    url = f"/api/v1/placements/{ids['placement_id']}/waivers"
    return await client.post(url, json=body, headers=h), ids["child_id"]


async def _check(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    body = {
        "child_id": ids["child_id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": "2026-12-01",
        "unit_code": "U-A",
    }
    return await client.post("/api/v1/placement-checks", json=body, headers=h), ids["child_id"]


async def _resolve(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    async with db.transaction() as conn:
        check = await conn.fetchval(
            """INSERT INTO placement_check
                   (municipality_id, child_id, form, unit_code, request, facts, findings, verdict, run_by)
               SELECT municipality_id, child_id, form, unit_code, request, facts,
                      '[{"code": "PP11", "severity": "warn", "title": "t", "detail": "d", "guidance": "",
                         "evidence": {}}]', 'warn', 'arrange'
                 FROM placement_check WHERE id = $1
               RETURNING id""",
            uuid.UUID(ids["check_id"]),
        )
    body = {"finding_index": 0, "action": "acknowledge", "reason": "Avtal är på väg"}
    return await client.post(f"/api/v1/placement-checks/{check}/resolutions", json=body, headers=h), ids[
        "child_id"
    ]


async def _concern(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
    body = {
        "child_id": ids["child_id"],
        "received_at": "2026-03-02T09:00:00+01:00",
        "reporter_kind": "school",
        "reason": "Oro",
    }
    return await client.post("/api/v1/concerns", json=body, headers=h), ids["child_id"]


def _concern_step(kind: str) -> Recipe:
    async def recipe(client: Client, db: Database, ids: dict[str, str], h: dict[str, str]) -> tuple[Any, str]:
        bodies = concern_step_bodies(ids["staff_id"])
        base = f"/api/v1/concerns/{ids['concern_id']}"
        for needed in CONCERN_STEP_NEEDS.get(kind, ()):
            assert (await client.post(f"{base}/{STEP_ROUTES[needed][0]}", json=bodies[needed], headers=h)).ok
        return await client.post(f"{base}/{STEP_ROUTES[kind][0]}", json=bodies[kind], headers=h), ids[
            "child_id"
        ]

    return recipe


async def _link_concern(
    client: Client, db: Database, ids: dict[str, str], h: dict[str, str]
) -> tuple[Any, str]:
    async with db.transaction() as conn:
        decision = await conn.fetchval(
            "SELECT id FROM decision WHERE placement_id = $1", uuid.UUID(ids["placement_id"])
        )
    url = f"/api/v1/concerns/{ids['concern_id']}/placement-decision"
    return await client.post(url, json={"decision_id": str(decision)}, headers=h), ids["child_id"]


RECIPES: dict[str, Recipe] = {
    "create_concern": _concern,
    "link_concern_decision": _link_concern,
    **{f"record_concern_{kind}": _concern_step(kind) for kind in STEP_ROUTES},
    "create_child": _create_child,
    "assign_social_worker": _assign,
    "create_placement": _place,
    "end_placement": _end,
    "create_decision": _decide,
    "record_event": _event,
    "waive_obligation": _waive,
    "run_placement_check": _check,
    "resolve_check_finding": _resolve,
    "correct_child": _correct_child,
    "correct_placement": _correct_placement,
    "retract_event": _retract,
}


def test_child_writes_come_from_the_route_table() -> None:
    assert {e.name for e in CHILD_WRITES} >= {"create_child", "create_placement", "record_event"}


@pytest.mark.parametrize("endpoint", CHILD_WRITES, ids=lambda e: e.name)
async def test_every_write_of_child_data_is_audited(client: Client, db: Database, endpoint: Any) -> None:
    recipe = RECIPES.get(endpoint.name)
    assert recipe is not None, f"{endpoint.name} writes a child's data: add its recipe to RECIPES"
    ids = await municipality_a_data(db)
    token = await api_token(db, "0001", StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE)
    request_id = f"write-audit-{uuid.uuid4().hex[:8]}"
    response, child_id = await recipe(client, db, ids, {**bearer(token), "X-Request-Id": request_id})
    assert response.status in (200, 201), await response.text()
    async with db.transaction() as conn:
        rows = await conn.fetch("SELECT action, child_id FROM audit_event WHERE request_id = $1", request_id)
    assert child_id in {str(r["child_id"]) for r in rows}
    assert {r["action"] for r in rows} & {"create", "update"}
