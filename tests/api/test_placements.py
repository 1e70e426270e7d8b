"""Creating and reading children, placements, decisions and the responsible social worker."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from placement.database.pool import Database

Client = TestClient[Any, Any]


async def created(response: Any) -> dict[str, Any]:
    assert response.status == 201, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def ok(response: Any) -> dict[str, Any]:
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def new_child(client: Client, headers: dict[str, str], pnr: str = "20150312-9809") -> dict[str, Any]:
    return await created(
        await client.post("/api/v1/children", json={"personnummer": pnr, "name": "Alva A"}, headers=headers)
    )


async def delegated(client: Client, admin: dict[str, str], staff: dict[str, Any], kind: str) -> None:
    """The delegation order gives the staff member ``kind`` decisions (an administrator's headers)."""
    rule = {"decision_kind": kind, "staff_id": staff["id"]}
    await created(await client.post("/api/v1/delegation-rules", json=rule, headers=admin))


async def new_staff(client: Client, headers: dict[str, str], name: str = "Sami S") -> dict[str, Any]:
    """A staff member, created by an administrator (the headers)."""
    return await created(
        await client.post(
            "/api/v1/staff", json={"name": name, "roles": ["socialsekreterare"]}, headers=headers
        )
    )


PLACEMENT = {"form": "hvb", "legal_basis": "lvu_3", "home_name": "HVB Solgläntan", "start_date": "2026-03-01"}


async def test_child_is_created_from_personnummer(client: Client, as_officer: dict[str, str]) -> None:
    """Birth date and sex are read from the personnummer, which is stored in twelve digits."""
    child = await new_child(client, as_officer, "150312-9809")
    assert (child["personnummer"], child["birth_date"], child["sex"]) == (
        "201503129809",
        "2015-03-12",
        "female",
    )
    assert await ok(await client.get(f"/api/v1/children/{child['id']}", headers=as_officer)) == child


async def test_child_without_personnummer_needs_birth_date(
    client: Client, as_officer: dict[str, str]
) -> None:
    response = await client.post("/api/v1/children", json={"name": "Okänd"}, headers=as_officer)
    assert response.status == 422
    assert (await response.json())["errors"][0]["message"] == "Födelsedatum krävs när personnummer saknas"
    child = await created(
        await client.post(
            "/api/v1/children", json={"name": "Okänd", "birth_date": "2014-05-01"}, headers=as_officer
        )
    )
    assert (child["personnummer"], child["sex"]) == (None, "unspecified")


async def test_birth_date_must_agree_with_personnummer(client: Client, as_officer: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/children",
        json={"personnummer": "20150312-9809", "name": "A", "birth_date": "2015-03-13"},
        headers=as_officer,
    )
    assert response.status == 422
    assert "stämmer inte med personnumrets 2015-03-12" in (await response.json())["errors"][0]["message"]


async def test_same_personnummer_twice_is_409(client: Client, as_officer: dict[str, str]) -> None:
    await new_child(client, as_officer)
    response = await client.post(
        "/api/v1/children", json={"personnummer": "201503129809", "name": "Alva A"}, headers=as_officer
    )
    assert response.status == 409


async def test_placement_and_decision_round_trip(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str]
) -> None:
    """A placement and its decision are stored as given and read back the same."""
    child = await new_child(client, as_officer)
    placement = await created(
        await client.post(
            "/api/v1/placements",
            json={**PLACEMENT, "child_id": child["id"], "home_kommunkod": "0180", "daily_cost": "3950.50"},
            headers=as_officer,
        )
    )
    assert placement["end_date"] is None
    assert (placement["home_kommunkod"], placement["daily_cost"]) == ("0180", "3950.50")
    assert (
        await ok(await client.get(f"/api/v1/placements/{placement['id']}", headers=as_officer)) == placement
    )

    decision_in = {  # care under 3 § LVU: the nämnd's decision (SoL 30 kap. 7 §)
        "kind": "extension",
        "decided_on": "2026-02-28",
        "decided_by_namnd": True,
        "namnd_meeting_on": "2026-02-28",
        "namnd_paragraph": "§ 31",
        "valid_from": "2026-03-01",
        "valid_to": "2026-08-31",
    }
    decision = await created(
        await client.post(
            f"/api/v1/placements/{placement['id']}/decisions", json=decision_in, headers=as_officer
        )
    )
    assert {k: decision[k] for k in decision_in} == decision_in
    assert decision["decided_by"] is None
    assert decision["recorded_by"].startswith("api_token:Olle Officer")
    listed = await ok(await client.get(f"/api/v1/placements/{placement['id']}/decisions", headers=as_officer))
    assert listed["items"] == [decision]


async def test_urgent_decision_needs_a_reason(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str]
) -> None:
    child = await new_child(client, as_officer)
    decider = await new_staff(client, as_admin)
    placement = await created(
        await client.post(
            "/api/v1/placements", json={**PLACEMENT, "child_id": child["id"]}, headers=as_officer
        )
    )
    response = await client.post(
        f"/api/v1/placements/{placement['id']}/decisions",
        json={
            "kind": "placement_lvu",
            "decided_on": "2026-03-01",
            "decided_by": decider["id"],
            "valid_from": "2026-03-01",
            "urgent": True,
        },
        headers=as_officer,
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["message"] == "Ett brådskande beslut kräver ett angivet skäl"


async def test_decision_by_unknown_staff_is_422(client: Client, as_officer: dict[str, str]) -> None:
    child = await new_child(client, as_officer)
    placement = await created(
        await client.post(
            "/api/v1/placements", json={**PLACEMENT, "child_id": child["id"]}, headers=as_officer
        )
    )
    response = await client.post(
        f"/api/v1/placements/{placement['id']}/decisions",
        json={
            "kind": "extension",
            "decided_on": "2026-03-01",
            "valid_from": "2026-03-01",
            "decided_by": "00000000-0000-4000-8000-000000000000",
        },
        headers=as_officer,
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "body.decided_by"


async def test_placement_for_unknown_child_is_422(client: Client, as_officer: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/placements",
        json={**PLACEMENT, "child_id": "00000000-0000-4000-8000-000000000000"},
        headers=as_officer,
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "body.child_id"


async def test_overlapping_placements_are_refused(client: Client, as_officer: dict[str, str]) -> None:
    """A child is in one home at a time; a placement after the last one ended is fine."""
    child = await new_child(client, as_officer)
    first = await created(
        await client.post(
            "/api/v1/placements", json={**PLACEMENT, "child_id": child["id"]}, headers=as_officer
        )
    )
    overlapping = {**PLACEMENT, "child_id": child["id"], "start_date": "2026-04-01", "form": "familjehem"}
    assert (await client.post("/api/v1/placements", json=overlapping, headers=as_officer)).status == 409

    ended = await ok(
        await client.post(
            f"/api/v1/placements/{first['id']}/end",
            json={"end_date": "2026-03-31", "end_reason": "move", "end_reason_note": "Behov av familjehem"},
            headers=as_officer,
        )
    )
    assert (ended["end_date"], ended["end_reason"]) == ("2026-03-31", "move")
    await created(await client.post("/api/v1/placements", json=overlapping, headers=as_officer))


async def test_ending_twice_or_before_start_is_refused(client: Client, as_officer: dict[str, str]) -> None:
    child = await new_child(client, as_officer)
    placement = await created(
        await client.post(
            "/api/v1/placements", json={**PLACEMENT, "child_id": child["id"]}, headers=as_officer
        )
    )
    path = f"/api/v1/placements/{placement['id']}/end"
    assert (await client.post(path, json={"end_date": "2026-02-01"}, headers=as_officer)).status == 422
    await ok(await client.post(path, json={"end_date": "2026-05-01"}, headers=as_officer))
    assert (await client.post(path, json={"end_date": "2026-06-01"}, headers=as_officer)).status == 409


async def test_lists_are_paginated(client: Client, as_officer: dict[str, str]) -> None:
    """Following next_cursor visits every child exactly once."""
    for n in range(5):
        await created(
            await client.post(
                "/api/v1/children", json={"name": f"Barn {n}", "birth_date": "2015-01-01"}, headers=as_officer
            )
        )
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = await ok(await client.get(f"/api/v1/children{query}", headers=as_officer))
        seen += [c["name"] for c in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"Barn {n}" for n in range(5)]
    assert pages == 3


async def test_social_worker_history(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str]
) -> None:
    """A new responsible social worker closes the previous appointment the day before."""
    child = await new_child(client, as_officer)
    sami = await new_staff(client, as_admin, "Sami S")
    sofia = await new_staff(client, as_admin, "Sofia S")
    path = f"/api/v1/children/{child['id']}/social-workers"
    await created(
        await client.post(
            path, json={"staff_id": sami["id"], "assigned_from": "2026-01-10"}, headers=as_officer
        )
    )
    await created(
        await client.post(
            path, json={"staff_id": sofia["id"], "assigned_from": "2026-06-01"}, headers=as_officer
        )
    )
    history = (await ok(await client.get(path, headers=as_officer)))["items"]
    assert [(a["staff_name"], a["assigned_from"], a["assigned_to"]) for a in history] == [
        ("Sofia S", "2026-06-01", None),
        ("Sami S", "2026-01-10", "2026-05-31"),
    ]
    backdated = await client.post(
        path, json={"staff_id": sami["id"], "assigned_from": "2026-05-01"}, headers=as_officer
    )
    assert backdated.status == 422


async def test_every_access_to_child_data_is_audited(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    """Creating, reading and listing children's data leaves one audit row per child touched."""
    first = await new_child(client, as_officer)
    second = await new_child(client, as_officer, "20140101-9821")
    await ok(await client.get(f"/api/v1/children/{first['id']}", headers=as_officer))
    await ok(await client.get("/api/v1/children", headers=as_officer))
    async with db.transaction() as conn:
        rows = await conn.fetch("SELECT actor, action, object_type, child_id FROM audit_event ORDER BY id")
    assert [(r["action"], r["child_id"]) for r in rows] == [
        ("create", _uuid(first["id"])),
        ("create", _uuid(second["id"])),
        ("read", _uuid(first["id"])),
        ("read", _uuid(first["id"])),
        ("read", _uuid(second["id"])),
    ]
    assert {r["actor"].split(" (")[0] for r in rows} == {"api_token:Olle Officer"}


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)
