"""Need-to-know inside a municipality: a social worker writes to their own caseload and reads their
unit, a unit lead reads and writes the unit, placement support and auditors reach every child.
Played with the demo municipality's staff (two units, two social workers, one unit lead)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.principal import Principal, SignInMethod
from placement.reach import EVERY_CHILD, Reach, ReachKind
from tests.conftest import demo_user as user

Client = TestClient[Any, Any]


async def caseloads(db: Database) -> dict[str, set[str]]:
    """The demo children by the e-mail of their responsible social worker."""
    async with db.transaction() as conn:
        rows = await conn.fetch(
            """SELECT s.email, a.child_id FROM social_worker_assignment a
                 JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
                WHERE a.assigned_to IS NULL"""
        )
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["email"].split("@")[0], set()).add(str(r["child_id"]))
    return out


async def visible(client: Client, who: str) -> set[str]:
    page = await (await client.get("/api/v1/children?limit=200", headers=user(who))).json()
    return {c["id"] for c in page["items"]}


async def test_who_reads_which_children(demo: Client, db: Database) -> None:
    loads = await caseloads(db)
    everyone = loads["sami"] | loads["sofia"]
    assert await visible(demo, "sami") == loads["sami"]  # his unit is his caseload here
    assert await visible(demo, "sofia") == loads["sofia"]
    assert await visible(demo, "tove") == loads["sami"]  # unit lead of Barn och unga 1
    assert await visible(demo, "petra") == everyone
    assert await visible(demo, "greta") == everyone


async def test_a_child_outside_the_reach_is_not_found(demo: Client, db: Database) -> None:
    loads = await caseloads(db)
    theirs = next(iter(loads["sofia"]))
    assert (await demo.get(f"/api/v1/children/{theirs}", headers=user("sami"))).status == 404
    assert (await demo.get(f"/api/v1/children/{theirs}", headers=user("sofia"))).status == 200


async def placement_of(demo: Client, child_id: str) -> str:
    page = await (await demo.get(f"/api/v1/placements?child_id={child_id}", headers=user("petra"))).json()
    placement_id: str = page["items"][0]["id"]
    return placement_id


async def test_writes_follow_the_caseload_and_the_unit(demo: Client, db: Database) -> None:
    loads = await caseloads(db)
    own = await placement_of(demo, next(iter(loads["sami"])))
    other = await placement_of(demo, next(iter(loads["sofia"])))
    decision = {  # an övervägande is the nämnd's (SoL 30 kap. 6 §), recorded by whoever writes
        "kind": "overvagande",
        "decided_on": "2026-11-01",
        "decided_by_namnd": True,
        "namnd_meeting_on": "2026-11-01",
        "namnd_paragraph": "§ 7",
        "valid_from": "2026-11-01",
    }
    assert (
        await demo.post(f"/api/v1/placements/{own}/decisions", json=decision, headers=user("sami"))
    ).status == 201
    assert (
        await demo.post(f"/api/v1/placements/{other}/decisions", json=decision, headers=user("sami"))
    ).status == 404
    assert (
        await demo.post(f"/api/v1/placements/{own}/decisions", json=decision, headers=user("tove"))
    ).status == 201
    assert (
        await demo.post(f"/api/v1/placements/{other}/decisions", json=decision, headers=user("tove"))
    ).status == 404
    assert (
        await demo.post(f"/api/v1/placements/{other}/decisions", json=decision, headers=user("petra"))
    ).status == 201
    assert (
        await demo.post(f"/api/v1/placements/{own}/decisions", json=decision, headers=user("greta"))
    ).status == 403


async def test_a_new_case_is_in_every_reach_until_assigned(demo: Client) -> None:
    created = await demo.post(
        "/api/v1/children", json={"name": "Ny (demo)", "birth_date": "2016-05-05"}, headers=user("sami")
    )
    assert created.status == 201
    child = (await created.json())["id"]
    assert child in await visible(demo, "sofia")
    staff = {
        s["email"].split("@")[0]: s["id"]
        for s in (await (await demo.get("/api/v1/staff?limit=200", headers=user("sami"))).json())["items"]
    }
    assigned = await demo.post(
        f"/api/v1/children/{child}/social-workers",
        json={"staff_id": staff["sami"], "assigned_from": "2026-11-20"},
        headers=user("sami"),
    )
    assert assigned.status == 201
    assert child not in await visible(demo, "sofia")
    assert child in await visible(demo, "sami")


@pytest.mark.parametrize(
    ("roles", "method", "reads", "writes"),
    [
        ({StaffRole.PLACERINGSSTOD}, SignInMethod.OIDC, ReachKind.ALL, ReachKind.ALL),
        ({StaffRole.GRANSKARE}, SignInMethod.OIDC, ReachKind.ALL, ReachKind.CASELOAD),
        ({StaffRole.TEAMLEDARE}, SignInMethod.OIDC, ReachKind.UNIT, ReachKind.UNIT),
        ({StaffRole.SOCIALSEKRETERARE}, SignInMethod.OIDC, ReachKind.UNIT, ReachKind.CASELOAD),
        ({StaffRole.SOCIALSEKRETERARE}, SignInMethod.API_TOKEN, ReachKind.ALL, ReachKind.ALL),
    ],
)
def test_reach_by_role(
    roles: set[StaffRole], method: SignInMethod, reads: ReachKind, writes: ReachKind
) -> None:
    staff = uuid.uuid4()
    actor = Principal(uuid.uuid4(), "x", frozenset(roles), method, staff_id=staff, org_unit="U").actor
    assert (actor.reads.kind, actor.writes.kind) == (reads, writes)
    for reach in (actor.reads, actor.writes):
        assert reach == EVERY_CHILD or reach == Reach(reach.kind, staff, "U")
