"""A municipality can never reach another's data through the API: one test per endpoint that
takes an id, generated from the route table, so a new endpoint is covered the day it is added."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement.api.app import api_registry
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from tests.arrange import concern_step_bodies, municipality_a_data
from tests.conftest import api_token, bearer

# Endpoints that take the id of a municipality's object (national register codes are not).
ID_ENDPOINTS = [e for e in api_registry().endpoints if any(p.endswith("_id") for p in e.path_params)]

# A valid body for each endpoint that takes one, so that the id is all that stands in the way.
BODIES: dict[str, Any] = {
    "assign_social_worker": lambda ids: {"staff_id": ids["staff_id"], "assigned_from": "2026-06-01"},
    "end_placement": lambda ids: {"end_date": "2026-06-01", "end_reason": "planned"},
    "create_contract_follow_up": lambda ids: {
        "followed_up_on": "2026-06-01",
        "by_staff": ids["staff_id"],
        "result": "ok",
    },
    "record_event": lambda ids: {"kind": "overvagande", "occurred_on": "2026-06-01"},
    "waive_obligation": lambda ids: {"code": "FU10", "due_on": "2026-02-09", "reason": "Erbjuden muntligt"},
    "resolve_check_finding": lambda ids: {"finding_index": 0, "action": "override", "reason": "Prövat"},
    "create_declaration": lambda ids: {"declared_on": "2026-06-01", "nothing_to_declare": True},
    "review_screening_match": lambda ids: {"decision": "dismiss", "reason": "Annan person"},
    "correct_child": lambda ids: {"name": "Annat namn"},
    "correct_placement": lambda ids: {"home_name": "Annat hem"},
    "correct_staff": lambda ids: {"active": False},
    "correct_foster_home": lambda ids: {"belastningsregister_on": "2026-06-01"},
    "correct_contract": lambda ids: {"follow_up_interval_months": 6},
    "retract_event": lambda ids: {"reason": "Fel barn"},
    "correct_register_checks": lambda ids: {"belastningsregister_on": "2026-06-01"},
    "create_decision": lambda ids: {
        "kind": "overvagande",
        "decided_on": "2026-06-01",
        "decided_by_namnd": True,
        "namnd_meeting_on": "2026-06-01",
        "namnd_paragraph": "§ 1",
        "valid_from": "2026-06-01",
    },
    "link_concern_decision": lambda ids: {"decision_id": ids["staff_id"]},
    **{
        f"record_concern_{kind}": (lambda ids, kind=kind: concern_step_bodies(ids["staff_id"])[kind])
        for kind in concern_step_bodies("")
    },
}


async def snapshot(db: Database) -> list[Any]:
    async with db.transaction() as conn:
        return [
            [dict(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY id")]  # noqa: S608
            for table in (
                "staff",
                "child",
                "placement",
                "decision",
                "social_worker_assignment",
                "contract",
                "contract_follow_up",
                "declaration",
                "screening_match",
                "placement_event",
                "obligation_waiver",
                "placement_check",
                "check_resolution",
                "foster_home",
            )
        ]


def test_every_endpoint_with_a_body_has_a_sample() -> None:
    for endpoint in ID_ENDPOINTS:
        if endpoint.body is not None:
            assert endpoint.name in BODIES, f"add a valid body for {endpoint.name} to BODIES"


@pytest.mark.parametrize("endpoint", ID_ENDPOINTS, ids=lambda e: e.name)
async def test_another_municipalitys_id_is_404(
    client: TestClient[Any, Any], db: Database, endpoint: Any
) -> None:
    """With municipality B's token (every role), each of A's ids is simply not found, and nothing
    of A's changes."""
    ids = await municipality_a_data(db)
    token = await api_token(db, "0002", *StaffRole)
    path = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], endpoint.path)
    before = await snapshot(db)
    body = BODIES[endpoint.name](ids) if endpoint.name in BODIES else None
    response = await client.request(endpoint.method, path, json=body, headers=bearer(token))
    assert response.status == 404, await response.text()
    assert await snapshot(db) == before


async def test_another_municipalitys_child_cannot_be_placed(
    client: TestClient[Any, Any], db: Database
) -> None:
    """An id in the body is no way round: placing A's child with B's token fails as unknown."""
    ids = await municipality_a_data(db)
    token = await api_token(db, "0002", StaffRole.PLACERINGSSTOD)
    response = await client.post(
        "/api/v1/placements",
        json={
            "child_id": ids["child_id"],
            "form": "hvb",
            "legal_basis": "sol",
            "home_name": "X",
            "start_date": "2026-07-01",
        },
        headers=bearer(token),
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "body.child_id"
