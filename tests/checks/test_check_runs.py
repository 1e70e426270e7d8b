"""A check run end to end over HTTP, with the demo municipality's staff: a run that blocks, a
block overridden by the delegate and a warning acknowledged, the decision recorded; a decision
without a run refused; a stored run unchanged by a later register snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp.test_utils import TestClient

from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.conftest import demo_user as user

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
Client = TestClient[Any, Any]


async def staff_ids(demo: Client) -> dict[str, str]:
    page = await (await demo.get("/api/v1/staff?limit=200", headers=user("petra"))).json()
    return {s["email"].split("@")[0]: s["id"] for s in page["items"]}


async def new_child(demo: Client, name: str, **more: str) -> dict[str, Any]:
    """A child registered by placement support (petra)."""
    created = await demo.post(
        "/api/v1/children", json={"name": name, "birth_date": "2011-03-03", **more}, headers=user("petra")
    )
    assert created.status == 201, await created.text()
    return dict(await created.json())


async def new_placement(
    demo: Client, child: dict[str, Any], form: str, home: str, **more: str
) -> dict[str, Any]:
    """The child placed today under SoL, registered by placement support (petra)."""
    body = {
        "child_id": child["id"],
        "form": form,
        "legal_basis": "sol",
        "home_name": home,
        "start_date": today_in_sweden().isoformat(),
        **more,
    }
    created = await demo.post("/api/v1/placements", json=body, headers=user("petra"))
    assert created.status == 201, await created.text()
    return dict(await created.json())


async def test_check_resolve_and_decide(demo: Client, owner: asyncpg.Connection, tmp_path: Path) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    rule = {"decision_kind": "placement_sol", "role": "teamledare"}
    assert (await demo.post("/api/v1/delegation-rules", json=rule, headers=user("adam"))).status == 201
    child = await new_child(demo, "Ny (demo)", sex="female")
    start = today_in_sweden().isoformat()
    request = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": start,
        "unit_code": "U-1001",
        "primary_need": "psychosocial",
        "needs_assessment_documented": False,
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    response = await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))
    assert response.status == 201, await response.text()
    run = await response.json()
    stored = await demo.get(f"/api/v1/placement-checks/{run['id']}", headers=user("petra"))
    assert await stored.json() == run  # the answer is what was stored, read back the same
    codes = {f["code"]: f for f in run["findings"]}
    assert run["verdict"] == "block"
    assert codes["PP14"]["severity"] == "block"  # needs assessment not documented
    assert codes["PP11"]["severity"] == "warn"  # no contract with the provider
    assert codes["PP10"]["severity"] == "warn"  # IVO's föreläggande in May
    assert run["facts"]["unit"]["snapshot_id"] is not None

    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decision = {
        "kind": "placement_sol",
        "decided_on": start,
        "decided_by": staff["tove"],
        "valid_from": start,
        "check_id": run["id"],
    }
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    refused = await demo.post(decisions, json=decision, headers=user("petra"))
    assert refused.status == 409
    assert {f["code"] for f in (await refused.json())["open_findings"]} == {"PP10", "PP11", "PP14"}

    resolutions = f"/api/v1/placement-checks/{run['id']}/resolutions"
    pp14 = codes["PP14"]["index"]
    override = {"finding_index": pp14, "action": "override", "reason": "Bedömningen finns i utredningen"}
    assert (await demo.post(resolutions, json=override, headers=user("petra"))).status == 403  # no delegation
    assert (
        await demo.post(resolutions, json={**override, "action": "acknowledge"}, headers=user("tove"))
    ).status == 422  # a block is not acknowledged
    assert (await demo.post(resolutions, json=override, headers=user("tove"))).status == 201
    for code, reason in (("PP11", "Avtal under tecknande"), ("PP10", "Föreläggandet är åtgärdat enligt IVO")):
        acknowledged = await demo.post(
            resolutions,
            json={"finding_index": codes[code]["index"], "action": "acknowledge", "reason": reason},
            headers=user("petra"),
        )
        assert acknowledged.status == 201
    assert (await acknowledged.json())["open_findings"] == 0

    accepted = await demo.post(decisions, json=decision, headers=user("petra"))
    assert accepted.status == 201, await accepted.text()

    # The stored run reads the same after the register changes.
    before = await (await demo.get(f"/api/v1/placement-checks/{run['id']}", headers=user("greta"))).json()
    revoked: dict[str, Any] = json.loads((SAMPLES / "ivo.json").read_text())
    revoked["units"][0]["permit"]["status"] = "revoked"
    path = tmp_path / "revoked.json"
    path.write_text(json.dumps(revoked))
    await run_import(owner, Feed.IVO, str(path))
    after = await (await demo.get(f"/api/v1/placement-checks/{run['id']}", headers=user("greta"))).json()
    assert after == before


async def test_a_decision_without_a_check_is_refused_unless_urgent(demo: Client) -> None:
    child = await new_child(demo, "Brådskande (demo)", birth_date="2012-01-01")
    start = today_in_sweden().isoformat()
    placement = await new_placement(demo, child, "jourhem", "Jourhemmet")
    decision = {  # care in a jourhem is the nämnd's decision (SoL 30 kap. 6 §)
        "kind": "placement_sol",
        "decided_on": start,
        "decided_by_namnd": True,
        "namnd_meeting_on": start,
        "namnd_paragraph": "§ 3",
        "valid_from": start,
    }
    path = f"/api/v1/placements/{placement['id']}/decisions"
    refused = await demo.post(path, json=decision, headers=user("petra"))
    assert refused.status == 422
    assert (await refused.json())["errors"][0]["field"] == "body.check_id"
    urgent = await demo.post(
        path, json={**decision, "urgent": True, "urgent_reason": "Akut skyddsbehov"}, headers=user("petra")
    )
    assert urgent.status == 201
    missing = (await (await demo.get("/api/v1/placement-checks/missing", headers=user("petra"))).json())[
        "items"
    ]
    assert [(m["code"], m["placement_id"]) for m in missing] == [("EK01", placement["id"])]
    run = {"child_id": child["id"], "form": "jourhem", "legal_basis": "sol", "start_date": start}
    assert (await demo.post("/api/v1/placement-checks", json=run, headers=user("petra"))).status == 201
    assert (await (await demo.get("/api/v1/placement-checks/missing", headers=user("petra"))).json())[
        "items"
    ] == []


async def test_delegation_can_be_limited_to_a_unit(demo: Client, db: Database) -> None:
    """A delegation to unit leads of one unit does not reach the lead of another; and no
    delegation lets an official decide a placement the law reserves for the nämnd (a jourhem)."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM delegation_rule")  # start from an empty delegation order
    staff = await staff_ids(demo)
    child = await new_child(demo, "Delegation (demo)", birth_date="2012-01-01")
    request = {
        "child_id": child["id"],
        "form": "stodboende",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }

    async def pp16() -> list[str]:
        run = await (await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))).json()
        return [f["detail"] for f in run["findings"] if f["code"] == "PP16"]

    other_unit = {"decision_kind": "placement_sol", "role": "teamledare", "org_unit": "Barn och unga 2"}
    assert (await demo.post("/api/v1/delegation-rules", json=other_unit, headers=user("adam"))).status == 201
    assert await pp16() == [
        "Tove Teamledare (demo) saknar i delegationsordningen delegation för beslut om placering enligt SoL"
    ]
    own_unit = {**other_unit, "org_unit": "Barn och unga 1"}
    assert (await demo.post("/api/v1/delegation-rules", json=own_unit, headers=user("adam"))).status == 201
    assert await pp16() == []
    request["form"] = "jourhem"
    assert await pp16() == [
        "Beslut om vård i jourhem (SoL 22 kap. 4 §) får inte delegeras till en tjänsteperson; det fattas "
        "av nämnden eller dess utskott (SoL 30 kap. 6–7 §§)"
    ]
    request["decided_by_namnd"] = True
    assert await pp16() == []


async def test_screening_matches_of_both_people_reach_the_check(
    demo: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """PP15 sees the handläggare's and the decision-maker's matches against this unit's provider:
    confirmed ones and likely ones; not dismissed ones, nor matches against another provider."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))  # U-1001 is run by 5599000014
    staff = await staff_ids(demo)
    async with db.transaction() as conn:
        tenant = await conn.fetchval("SELECT municipality_id FROM staff WHERE id = $1::uuid", staff["petra"])
        for who, orgnr, officer, score, status in (
            ("petra", "5599000014", "Bo Bror", 40, "confirmed"),
            ("petra", "5599000014", "Ann Avfärdad", 99, "dismissed"),
            ("tove", "5599000014", "Cissi Styrelse", 95, "open"),
            ("tove", "5599000014", "Dan Osäker", 60, "open"),
            ("tove", "5566778899", "Eva Annanstans", 100, "confirmed"),
        ):
            await conn.execute(
                """INSERT INTO screening_match
                       (municipality_id, staff_id, subject, subject_name, provider_orgnr, officer_key,
                        officer_name, officer_role, score, basis, evidence_sha256, status, review_reason,
                        reviewed_at)
                   VALUES ($1, $2::uuid, 'self', $3, $4, $5, $5, 'board_member', $6, 'name', '\\x00', $7,
                           CASE WHEN $7 <> 'open' THEN 'Granskad' END,
                           CASE WHEN $7 <> 'open' THEN now() END)""",
                tenant,
                staff[who],
                who,
                orgnr,
                officer,
                score,
                status,
            )
    child = await new_child(demo, "Jäv (demo)", sex="female")
    request = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "unit_code": "U-1001",
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    response = await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))
    assert response.status == 201, await response.text()
    run = await response.json()
    pp15 = sorted(f["detail"] for f in run["findings"] if f["code"] == "PP15")
    assert pp15 == [
        "Beslutsfattaren har en koppling: Cissi Styrelse (board_member)",
        "Handläggaren har en koppling: Bo Bror (board_member)",
    ]
    assert run["verdict"] == "block"


async def test_an_urgent_decision_over_an_unresolved_block_is_reported(demo: Client) -> None:
    """A check run that preceded the decision but left blocks open does not close the gap: the
    urgent decision is EK01 until a check is run after it."""
    child = await new_child(demo, "Spärr kvar (demo)", birth_date="2012-01-01")
    start = today_in_sweden().isoformat()
    run = {"child_id": child["id"], "form": "jourhem", "legal_basis": "sol", "start_date": start}
    checked = await (await demo.post("/api/v1/placement-checks", json=run, headers=user("petra"))).json()
    assert checked["verdict"] == "block"
    placement = await new_placement(demo, child, "jourhem", "Jourhemmet")
    decision = {
        "kind": "placement_sol",
        "decided_on": start,
        "decided_by_namnd": True,
        "namnd_meeting_on": start,
        "namnd_paragraph": "§ 4",
        "valid_from": start,
        "urgent": True,
        "urgent_reason": "Akut skyddsbehov",
    }
    path = f"/api/v1/placements/{placement['id']}/decisions"
    assert (await demo.post(path, json=decision, headers=user("petra"))).status == 201
    missing = (await (await demo.get("/api/v1/placement-checks/missing", headers=user("petra"))).json())[
        "items"
    ]
    assert [(m["code"], m["placement_id"]) for m in missing] == [("EK01", placement["id"])]
