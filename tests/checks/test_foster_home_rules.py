"""The foster-home rules on facts the service gathers: register extracts per person (PP13), more
than three children counted across municipalities by keyed hash (PP21), and the host and other
placing municipalities consulted (PP23)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.repositories.municipalities import MunicipalityRepository
from tests.checks.test_foster_identity import PARENT, keyed  # noqa: F401 - the keyed app fixture
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]


async def new_home(client: Client, token: str, name: str, **more: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/foster-homes", json={"name": name, "kind": "familjehem", **more}, headers=bearer(token)
    )
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def place(client: Client, token: str, home: dict[str, Any]) -> dict[str, Any]:
    child = await (
        await client.post(
            "/api/v1/children", json={"name": "Barn", "birth_date": "2014-01-01"}, headers=bearer(token)
        )
    ).json()
    response = await client.post(
        "/api/v1/placements",
        json={
            "child_id": child["id"],
            "form": "familjehem",
            "legal_basis": "sol",
            "home_name": home["name"],
            "foster_home_id": home["id"],
            "start_date": today_in_sweden().isoformat(),
        },
        headers=bearer(token),
    )
    assert response.status == 201, await response.text()
    return dict(child)


async def check(client: Client, token: str, child: dict[str, Any], home: dict[str, Any], **more: Any) -> Any:
    response = await client.post(
        "/api/v1/placement-checks",
        json={
            "child_id": child["id"],
            "form": "familjehem",
            "legal_basis": "sol",
            "start_date": today_in_sweden().isoformat(),
            "foster_home_id": home["id"],
            **more,
        },
        headers=bearer(token),
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def test_a_fourth_child_across_municipalities_in_a_home_elsewhere(
    keyed: Client,  # noqa: F811 - the fixture imported above
    db: Database,
) -> None:
    """Municipality A has two children with the foster parent and B one; A checks a fourth child
    for the home, which lies in B: PP21 tells A to notify IVO, PP23 to consult B, both as host and
    as another placing municipality. Extracts recorded for the one person in the home satisfy PP13's
    per-person part."""
    async with db.transaction() as conn:
        for code in ("0303", "0404"):
            await MunicipalityRepository(conn).create(kommunkod=code, name=f"Kommun {code}")
    a = await api_token(db, "0303", StaffRole.PLACERINGSSTOD)
    b = await api_token(db, "0404", StaffRole.PLACERINGSSTOD)
    recent = today_in_sweden().replace(day=1).isoformat()
    parent = {**PARENT, "belastningsregister_on": recent, "misstankeregister_on": recent}
    home_a = await new_home(
        keyed,
        a,
        "Familjen M (A)",
        kommunkod="0404",
        investigated_on=recent,
        approved_on=recent,
        socialregister_on=recent,
        parents=[parent],
    )
    home_b = await new_home(keyed, b, "Familjen M (B)", parents=[PARENT])
    await place(keyed, a, home_a)
    await place(keyed, a, home_a)
    await place(keyed, b, home_b)
    await check(keyed, b, await place(keyed, b, home_b), home_b)  # B shares its count
    fourth = await (
        await keyed.post(
            "/api/v1/children", json={"name": "Barn", "birth_date": "2015-01-01"}, headers=bearer(a)
        )
    ).json()
    run = await check(keyed, a, fourth, home_a)
    codes = {
        f["code"]: [x["detail"] for x in run["findings"] if x["code"] == f["code"]] for f in run["findings"]
    }
    assert codes["PP21"] == [
        "Med detta barn blir 5 barn placerade i hemmet (4 placerade nu, i alla kommuner)"
    ]
    assert codes["PP23"] == [
        "Hemmet ligger i kommun 0404; ingen information och inget samråd är registrerat",
        "1 andra kommuner har barn placerade i hemmet; inget samråd med dem är registrerat",
    ]
    assert "PP13" not in codes
    consulted = await check(
        keyed,
        a,
        fourth,
        home_a,
        host_municipality_consulted_on=recent,
        other_placing_municipalities_consulted_on=recent,
    )
    assert "PP23" not in {f["code"] for f in consulted["findings"]}


async def test_extracts_missing_for_a_person_block(
    keyed: Client,  # noqa: F811 - the fixture imported above
    db: Database,
) -> None:
    async with db.transaction() as conn:
        await MunicipalityRepository(conn).create(kommunkod="0505", name="Kommun 0505")
    a = await api_token(db, "0505", StaffRole.PLACERINGSSTOD)
    recent = today_in_sweden().replace(day=1).isoformat()
    home = await new_home(
        keyed,
        a,
        "Familjen N",
        investigated_on=recent,
        approved_on=recent,
        socialregister_on=recent,
        belastningsregister_on=recent,
        misstankeregister_on=recent,
        parents=[PARENT],
    )
    child = await (
        await keyed.post(
            "/api/v1/children", json={"name": "Barn", "birth_date": "2014-01-01"}, headers=bearer(a)
        )
    ).json()
    run = await check(keyed, a, child, home)
    pp13 = [f["detail"] for f in run["findings"] if f["code"] == "PP13"]
    assert pp13 == [
        "Utdrag ur belastningsregistret saknas för Karin Fosterförälder",
        "Utdrag ur misstankeregistret saknas för Karin Fosterförälder",
    ]
    assert run["verdict"] == "block"


async def test_a_fourth_child_makes_an_obligation_until_ivo_is_notified(
    keyed: Client,  # noqa: F811 - the fixture imported above
    db: Database,
) -> None:
    """PP21 at the check makes FU17 owed from the start of the placement it was for, until the
    notice to IVO is recorded."""
    async with db.transaction() as conn:
        await MunicipalityRepository(conn).create(kommunkod="0606", name="Kommun 0606")
    a = await api_token(db, "0606", StaffRole.PLACERINGSSTOD)
    home = await new_home(keyed, a, "Familjen O", parents=[PARENT])
    for _ in range(3):
        await place(keyed, a, home)
    fourth = await (
        await keyed.post(
            "/api/v1/children", json={"name": "Barn", "birth_date": "2015-01-01"}, headers=bearer(a)
        )
    ).json()
    run = await check(keyed, a, fourth, home)
    assert "PP21" in {f["code"] for f in run["findings"]}
    response = await keyed.post(
        "/api/v1/placements",
        json={
            "child_id": fourth["id"],
            "form": "familjehem",
            "legal_basis": "sol",
            "home_name": home["name"],
            "foster_home_id": home["id"],
            "start_date": today_in_sweden().isoformat(),
        },
        headers=bearer(a),
    )
    assert response.status == 201, await response.text()
    placement = await response.json()

    async def fu17() -> list[dict[str, Any]]:
        found = await keyed.get(f"/api/v1/placements/{placement['id']}/obligations", headers=bearer(a))
        assert found.status == 200, await found.text()
        return [o for o in (await found.json())["items"] if o["code"] == "FU17"]

    [owed] = await fu17()
    assert owed["state"] in ("due_soon", "overdue")
    event = {"kind": "ivo_notified_child_count", "occurred_on": today_in_sweden().isoformat()}
    recorded = await keyed.post(f"/api/v1/placements/{placement['id']}/events", json=event, headers=bearer(a))
    assert recorded.status == 201, await recorded.text()
    [met] = await fu17()
    assert met["state"] == "met"
