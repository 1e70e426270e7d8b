"""PP12's several-municipalities sign, from keyed hashes only: two municipalities place with the
same foster parent, and each learns the count, never the other's name or placements."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from placement.api.app import create_app
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import Settings
from tests.conftest import SessionDatabase, api_token, bearer

Client = TestClient[Any, Any]
PARENT = {"name": "Karin Fosterförälder", "personnummer": "19750505-9803"}


@pytest.fixture
async def keyed(test_database: SessionDatabase, settings: Settings, db: Database) -> AsyncIterator[Client]:
    app = create_app(
        settings.model_copy(update={"identity_key": SecretStr("test-identity-key")}),
        dsn=test_database.service,
    )
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def place_with_foster_parent(client: Client, token: str, name: str) -> dict[str, Any]:
    home = await (
        await client.post(
            "/api/v1/foster-homes",
            json={"name": name, "kind": "familjehem", "parents": [PARENT]},
            headers=bearer(token),
        )
    ).json()
    child = await (
        await client.post(
            "/api/v1/children", json={"name": "Barn", "birth_date": "2014-01-01"}, headers=bearer(token)
        )
    ).json()
    start = today_in_sweden().isoformat()
    response = await client.post(
        "/api/v1/placements",
        json={
            "child_id": child["id"],
            "form": "familjehem",
            "legal_basis": "sol",
            "home_name": name,
            "foster_home_id": home["id"],
            "start_date": start,
        },
        headers=bearer(token),
    )
    assert response.status == 201, await response.text()
    return {"home": home, "child": child, "start": start}


async def test_two_municipalities_are_counted_without_being_named(keyed: Client, db: Database) -> None:
    async with db.transaction() as conn:
        for code in ("0101", "0202"):
            await MunicipalityRepository(conn).create(kommunkod=code, name=f"Kommun {code}")
    a = await api_token(db, "0101", StaffRole.PLACERINGSSTOD)
    b = await api_token(db, "0202", StaffRole.PLACERINGSSTOD)
    first = await place_with_foster_parent(keyed, a, "Familjen K (A)")
    await place_with_foster_parent(keyed, b, "Familjen K (B)")
    run = await (
        await keyed.post(
            "/api/v1/placement-checks",
            json={
                "child_id": first["child"]["id"],
                "form": "familjehem",
                "legal_basis": "sol",
                "start_date": first["start"],
                "foster_home_id": first["home"]["id"],
            },
            headers=bearer(a),
        )
    ).json()
    pp12 = [f for f in run["findings"] if f["code"] == "PP12"]
    assert [f["detail"] for f in pp12] == ["placeringar från 2 kommuner"]
    async with db.transaction() as conn:
        shared = await conn.fetch("SELECT * FROM foster_identity_use")
    assert len(shared) == 2
    assert all(
        isinstance(r["identity_hash"], bytes) and isinstance(r["municipality_hash"], bytes) for r in shared
    )
    assert len({r["identity_hash"] for r in shared}) == 1  # the same person, seen from two municipalities


async def test_without_an_identity_key_the_count_is_unknown(
    client: Client, as_officer: dict[str, str]
) -> None:
    token = as_officer["Authorization"].removeprefix("Bearer ")
    placed = await place_with_foster_parent(client, token, "Familjen L")
    run = await (
        await client.post(
            "/api/v1/placement-checks",
            json={
                "child_id": placed["child"]["id"],
                "form": "familjehem",
                "legal_basis": "sol",
                "start_date": placed["start"],
                "foster_home_id": placed["home"]["id"],
            },
            headers=as_officer,
        )
    ).json()
    assert run["facts"]["foster_home"]["placing_municipalities"] is None
