"""Register imports over the API: operator tokens only, the same validation and transaction as the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from placement.api.app import create_app
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.repositories.operator_tokens import OperatorTokenRepository
from placement.settings import Settings
from tests.conftest import SessionDatabase, api_token, bearer

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
URL = "/api/v1/register/ivo/imports"
Client = TestClient[Any, Any]


async def operator_token(db: Database) -> str:
    async with db.transaction() as conn:
        _, token = await OperatorTokenRepository(conn).create(
            name="IVO-hämtning", valid_for=dt.timedelta(days=1)
        )
    return token


def csv_upload(token: str) -> dict[str, Any]:
    return {
        "data": (SAMPLES / "ivo.csv").read_bytes(),
        "headers": {**bearer(token), "Content-Type": "text/csv"},
    }


async def test_operator_imports_a_file(client: Client, db: Database) -> None:
    token = await operator_token(db)
    response = await client.post(URL, **csv_upload(token))
    assert response.status == 200, await response.text()
    summary = await response.json()
    assert (summary["records"], len(summary["changes"]), summary["unchanged"]) == (3, 3, False)
    again = await (await client.post(URL, **csv_upload(token))).json()
    assert (again["unchanged"], again["snapshot_id"]) == (True, None)


async def test_a_municipality_cannot_write_the_register(
    client: Client, db: Database, municipality: str
) -> None:
    token = await api_token(db, municipality, *StaffRole)
    response = await client.post(URL, **csv_upload(token))
    assert response.status == 401
    assert "operatörstoken" in (await response.json())["detail"]


async def test_revoked_operator_token_is_401(client: Client, db: Database) -> None:
    token = await operator_token(db)
    async with db.transaction() as conn:
        await conn.execute("UPDATE operator_token SET revoked_at = now()")
    assert (await client.post(URL, **csv_upload(token))).status == 401


async def test_bad_file_is_422_naming_rows(client: Client, db: Database) -> None:
    token = await operator_token(db)
    bad = (SAMPLES / "ivo.csv").read_bytes().replace(b",8,Anna", b",-8,Anna")
    response = await client.post(URL, data=bad, headers={**bearer(token), "Content-Type": "text/csv"})
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "rad 2.permit.places"
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM register_snapshot") == 0


async def test_wrong_type_and_unknown_feed(client: Client, db: Database) -> None:
    token = await operator_token(db)
    assert (
        await client.post(URL, data=b"x", headers={**bearer(token), "Content-Type": "text/plain"})
    ).status == 415
    assert (await client.post("/api/v1/register/skatt/imports", **csv_upload(token))).status == 404


async def test_without_a_register_connection_api_import_is_off(
    db: Database, test_database: SessionDatabase, settings: Settings
) -> None:
    token = await operator_token(db)
    async with TestClient(TestServer(create_app(settings, dsn=test_database.service), host="127.0.0.1")) as c:
        response = await c.post(URL, **csv_upload(token))
        assert response.status == 503
