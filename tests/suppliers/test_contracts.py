"""Contracts with providers: kept by procurement, followed up at their interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement.core.clock import add_months
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from suppliers.contracts import next_follow_up_due
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]
CONTRACT = {
    "provider_orgnr": "559900-0014",
    "unit_codes": ["U-1001"],
    "kind": "ramavtal",
    "reference": "Ramavtal HVB 2026",
    "valid_from": "2026-01-01",
    "valid_to": "2027-12-31",
    "daily_price": "3950.00",
    "follow_up_interval_months": 12,
}


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 15), 12, dt.date(2027, 1, 15)),
        (dt.date(2026, 12, 31), 2, dt.date(2027, 2, 28)),
    ],
)
def test_add_months_keeps_to_the_calendar(day: dt.date, months: int, due: dt.date) -> None:
    assert add_months(day, months) == due


def test_next_follow_up_counts_from_the_last_one() -> None:
    assert next_follow_up_due(dt.date(2026, 1, 1), None, 12) == dt.date(2027, 1, 1)
    assert next_follow_up_due(dt.date(2026, 1, 1), dt.date(2026, 9, 1), 12) == dt.date(2027, 9, 1)


async def test_procurement_keeps_contracts_and_follows_up(
    client: Client, db: Database, municipality: str, as_admin: dict[str, str]
) -> None:
    procurement = bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE))
    created = await client.post("/api/v1/contracts", json=CONTRACT, headers=procurement)
    assert created.status == 201, await created.text()
    contract = await created.json()
    assert (contract["provider_orgnr"], contract["next_follow_up_due"], contract["last_follow_up"]) == (
        "5599000014",
        "2027-01-01",
        None,
    )
    ulf = await (
        await client.post("/api/v1/staff", json={"name": "Ulf", "roles": ["upphandlare"]}, headers=as_admin)
    ).json()
    follow_up = {
        "followed_up_on": "2026-10-15",
        "by_staff": ulf["id"],
        "result": "deviations",
        "note": "Bemanningen under avtalad nivå",
    }
    path = f"/api/v1/contracts/{contract['id']}/follow-ups"
    assert (await client.post(path, json=follow_up, headers=procurement)).status == 201
    after = await (await client.get(f"/api/v1/contracts/{contract['id']}", headers=procurement)).json()
    assert (after["last_follow_up"], after["next_follow_up_due"]) == ("2026-10-15", "2027-10-15")
    listed = await (await client.get(path, headers=procurement)).json()
    assert [f["result"] for f in listed["items"]] == ["deviations"]


async def test_contracts_are_read_by_all_staff_written_by_procurement(
    client: Client, db: Database, municipality: str, as_officer: dict[str, str]
) -> None:
    procurement = bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE))
    await client.post("/api/v1/contracts", json=CONTRACT, headers=procurement)
    assert (await client.post("/api/v1/contracts", json=CONTRACT, headers=as_officer)).status == 403
    active = await (
        await client.get(
            "/api/v1/contracts?active_on=2026-06-01&provider_orgnr=5599000014", headers=as_officer
        )
    ).json()
    assert len(active["items"]) == 1
    expired = await (await client.get("/api/v1/contracts?active_on=2028-01-01", headers=as_officer)).json()
    assert expired["items"] == []


async def test_bad_contract_input_is_422(client: Client, db: Database, municipality: str) -> None:
    procurement = bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE))
    bad = {**CONTRACT, "provider_orgnr": "5599000015", "valid_to": "2025-01-01", "kind": "handslag"}
    response = await client.post("/api/v1/contracts", json=bad, headers=procurement)
    assert response.status == 422
    fields = {e["field"] for e in (await response.json())["errors"]}
    assert {"body.provider_orgnr", "body.kind"} <= fields
