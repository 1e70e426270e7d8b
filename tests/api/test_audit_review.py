"""Log review: the granskare searches the audit log and draws reproducible samples; and every
read of a child's data through the API leaves audit rows naming exactly the children it showed."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement import audit
from placement.api.app import api_registry
from placement.audit import Access, Actor, AuditAction
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.principal import CHILD_READERS
from placement.repositories.municipalities import MunicipalityRepository
from tests.arrange import municipality_a_data
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]


async def arrange_events(db: Database, municipality: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Three units' worth of audit events in November 2026, one in October; returns two child ids."""
    async with db.transaction() as conn:
        m = await MunicipalityRepository(conn).by_kommunkod(kommunkod=municipality)
        assert m is not None
        first, second = uuid.uuid4(), uuid.uuid4()
        for unit, count in (("Barn och unga 1", 5), ("Barn och unga 2", 3), (None, 1)):
            actor = Actor(m.id, f"oidc:{unit}", unit=unit)
            await audit.record(
                conn,
                actor,
                AuditAction.READ,
                [
                    Access("child", first if n % 2 else second, first if n % 2 else second)
                    for n in range(count)
                ],
            )
        await conn.execute("UPDATE audit_event SET occurred_at = '2026-11-15T10:00:00+01:00'")
        await audit.record(
            conn,
            Actor(m.id, "oidc:october", unit="Barn och unga 1"),
            AuditAction.READ,
            [Access("child", first, first)],
        )
        await conn.execute(
            "UPDATE audit_event SET occurred_at = '2026-10-31T23:30:00+01:00' WHERE actor = 'oidc:october'"
        )
    return first, second


@pytest.fixture
async def as_granskare(db: Database, municipality: str) -> dict[str, str]:
    return bearer(await api_token(db, municipality, StaffRole.GRANSKARE, name="Greta"))


async def test_search_by_child_user_and_period(
    client: Client, db: Database, municipality: str, as_granskare: dict[str, str]
) -> None:
    first, _ = await arrange_events(db, municipality)
    by_child = await (await client.get(f"/api/v1/audit-events?child_id={first}", headers=as_granskare)).json()
    assert {e["child_id"] for e in by_child["items"]} == {str(first)}
    assert len(by_child["items"]) == 2 + 1 + 0 + 1  # units 1 and 2 read it 2 and 1 times; October once
    by_actor = await (
        await client.get("/api/v1/audit-events?actor=oidc:october", headers=as_granskare)
    ).json()
    assert [e["actor"] for e in by_actor["items"]] == ["oidc:october"]
    november = await (
        await client.get("/api/v1/audit-events?since=2026-11-01&until=2026-11-30", headers=as_granskare)
    ).json()
    # The two searches before were themselves logged (one read of the child each showed).
    arranged = [e for e in november["items"] if e["object_type"] != "audit_log"]
    own = [(e["object_type"], e["child_id"]) for e in november["items"] if e["object_type"] == "audit_log"]
    assert len(arranged) == 9
    assert own == [("audit_log", str(first)), ("audit_log", str(first))]
    assert "oidc:october" not in {e["actor"] for e in november["items"]}


async def test_search_is_paginated(
    client: Client, db: Database, municipality: str, as_granskare: dict[str, str]
) -> None:
    await arrange_events(db, municipality)
    seen: list[int] = []
    arranged: list[int] = []
    cursor = None
    while True:
        query = "limit=4" + (f"&cursor={cursor}" if cursor else "")
        page = await (await client.get(f"/api/v1/audit-events?{query}", headers=as_granskare)).json()
        seen += [e["id"] for e in page["items"]]
        arranged += [e["id"] for e in page["items"] if e["object_type"] != "audit_log"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Each page read is logged too, so the pages also show those rows (after the arranged ones).
    assert len(arranged) == 10
    assert seen == sorted(set(seen))
    assert len(seen) > len(arranged)


async def test_sample_per_unit_and_month_is_reproducible(
    client: Client, db: Database, municipality: str, as_granskare: dict[str, str]
) -> None:
    await arrange_events(db, municipality)
    url = "/api/v1/audit-events/sample?month=2026-11&per_unit=2&seed=loggkontroll-1"
    first = await (await client.get(url, headers=as_granskare)).json()
    again = await (await client.get(url, headers=as_granskare)).json()
    assert first == again
    assert [(u["unit"], u["total"], len(u["items"])) for u in first["units"]] == [
        ("Barn och unga 1", 5, 2),
        ("Barn och unga 2", 3, 2),
        (None, 1, 1),
    ]
    drawn_ids = {e["id"] for u in first["units"] for e in u["items"]}
    other_seeds = [
        {
            e["id"]
            for u in (
                await (await client.get(url.replace("loggkontroll-1", f"s{n}"), headers=as_granskare)).json()
            )["units"]
            for e in u["items"]
        }
        for n in range(5)
    ]
    assert any(ids != drawn_ids for ids in other_seeds)
    unseeded = await (
        await client.get("/api/v1/audit-events/sample?month=2026-11", headers=as_granskare)
    ).json()
    assert len(unseeded["seed"]) == 16


async def test_only_the_granskare_reviews_the_log(client: Client, as_officer: dict[str, str]) -> None:
    assert (await client.get("/api/v1/audit-events", headers=as_officer)).status == 403
    assert (await client.get("/api/v1/audit-events/sample?month=2026-11", headers=as_officer)).status == 403


async def test_bad_month_is_422(client: Client, as_granskare: dict[str, str]) -> None:
    response = await client.get("/api/v1/audit-events/sample?month=2026-13", headers=as_granskare)
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "query.month"


# Read by the same roles, but not a child's data: the digest repeats the watch list; a foster home
# is the foster parents' record.
NOT_CHILD_DATA = {"obligation_digest", "get_foster_home"}
CHILD_READS = [
    e
    for e in api_registry().endpoints
    if e.method == "GET" and e.roles == CHILD_READERS and e.name not in NOT_CHILD_DATA
]


def test_child_reads_are_enumerated() -> None:
    assert {e.name for e in CHILD_READS} >= {
        "list_children",
        "get_child",
        "list_placements",
        "get_placement",
        "list_decisions",
        "social_worker_history",
    }


@pytest.mark.parametrize("endpoint", CHILD_READS, ids=lambda e: e.name)
async def test_every_read_of_child_data_is_audited(client: Client, db: Database, endpoint: Any) -> None:
    """Compares the audit rows a request left with the children its response showed."""
    ids = await municipality_a_data(db)
    token = await api_token(db, "0001", StaffRole.GRANSKARE)
    path = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], endpoint.path)
    request_id = f"audit-check-{uuid.uuid4().hex[:8]}"
    response = await client.get(path, headers={**bearer(token), "X-Request-Id": request_id})
    assert response.status == 200
    body = await response.json()
    shown = _child_ids(body, placement_child={ids["placement_id"]: ids["child_id"]})
    if "{placement_id}" in endpoint.path:
        shown.add(ids["child_id"])  # the placement named in the path is this child's
    async with db.transaction() as conn:
        rows = await conn.fetch("SELECT action, child_id FROM audit_event WHERE request_id = $1", request_id)
    assert shown, "the arranged data should show at least one child"
    assert {str(r["child_id"]) for r in rows} == shown
    assert {r["action"] for r in rows} == {"read"}


def _child_ids(body: Any, *, placement_child: dict[str, str]) -> set[str]:
    """The children a response shows: by child_id, by being a child, or through its placement."""
    shown: set[str] = set()
    for item in body.get("items", [body]):
        if "child_id" in item:
            shown.add(item["child_id"])
        elif "personnummer" in item:
            shown.add(item["id"])
        elif "placement_id" in item:
            shown.add(placement_child[item["placement_id"]])
        elif "placement_ids" in item:
            shown.update(placement_child[p] for p in item["placement_ids"])
    return shown
