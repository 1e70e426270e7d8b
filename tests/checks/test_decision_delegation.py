"""Every decision passes one delegation judgement (issue 12, SoL 2025:400 30 kap. 6–7 §§): an
official needs delegation for the kind of decision, a kind the law reserves for the nämnd is
recorded only as the nämnd's (with its meeting and paragraph), and a check run is cited only by
the placement decisions it can be for. Played over HTTP against the real database with the demo
municipality's staff (sami: socialsekreterare without delegation; adam: administrator)."""

from __future__ import annotations

from typing import Any

from placement.core.clock import today_in_sweden
from tests.checks.test_check_runs import Client, new_child, new_placement, staff_ids
from tests.conftest import demo_user as user


async def listed(demo: Client, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await (await demo.get(path, headers=user("petra"))).json())["items"]
    return items


async def test_an_official_cannot_take_the_namnds_overvagande(demo: Client) -> None:
    """Sami records an övervägande as decided by himself: 422 on decided_by naming why, nothing
    stored; the same övervägande recorded as the nämnd's, with the meeting and paragraph, is
    accepted, with no decision-maker and Sami kept as the one who recorded it."""
    staff = await staff_ids(demo)
    child = await new_child(demo, "Övervägande (demo)", sex="female")
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan")
    path = f"/api/v1/placements/{placement['id']}/decisions"
    today = today_in_sweden().isoformat()
    by_sami = {"kind": "overvagande", "decided_on": today, "decided_by": staff["sami"], "valid_from": today}
    refused = await demo.post(path, json=by_sami, headers=user("petra"))
    assert refused.status == 422, await refused.text()
    [error] = (await refused.json())["errors"]
    assert (error["field"], error["code"]) == ("body.decided_by", "reserved_for_namnd")
    assert "får inte delegeras" in error["message"]
    assert "nämndens" in error["message"]
    assert await listed(demo, path) == []

    by_namnd = {
        "kind": "overvagande",
        "decided_on": today,
        "decided_by_namnd": True,
        "namnd_meeting_on": today,
        "namnd_paragraph": "§ 112",
        "valid_from": today,
    }
    accepted = await demo.post(path, json=by_namnd, headers=user("sami"))
    assert accepted.status == 201, await accepted.text()
    decision = await accepted.json()
    assert (decision["decided_by"], decision["decided_by_namnd"], decision["namnd_paragraph"]) == (
        None,
        True,
        "§ 112",
    )
    assert decision["recorded_by"]  # the signed-in person who entered it
    assert [d["id"] for d in await listed(demo, path)] == [decision["id"]]


async def test_the_namnds_decision_needs_its_minutes_and_no_official(demo: Client) -> None:
    """A nämnd's decision without the meeting's paragraph, or naming an official as well, is a 422."""
    staff = await staff_ids(demo)
    child = await new_child(demo, "Protokoll (demo)", sex="male")
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan")
    path = f"/api/v1/placements/{placement['id']}/decisions"
    today = today_in_sweden().isoformat()
    base = {"kind": "overvagande", "decided_on": today, "valid_from": today, "decided_by_namnd": True}
    no_minutes = await demo.post(path, json={**base, "namnd_meeting_on": today}, headers=user("petra"))
    assert no_minutes.status == 422, await no_minutes.text()
    assert "paragraf" in (await no_minutes.json())["errors"][0]["message"]
    both = {**base, "namnd_meeting_on": today, "namnd_paragraph": "§ 1", "decided_by": staff["tove"]}
    assert (await demo.post(path, json=both, headers=user("petra"))).status == 422
    nobody = {"kind": "extension", "decided_on": today, "valid_from": today}
    assert (await demo.post(path, json=nobody, headers=user("petra"))).status == 422
    assert await listed(demo, path) == []


async def test_extension_and_termination_need_delegation(demo: Client) -> None:
    """An extension or a termination of an HVB placement under SoL may be delegated, but Sami has no
    such delegation: 422 naming the delegation order; once the order gives him extensions, his
    extension is accepted and his termination still is not."""
    staff = await staff_ids(demo)
    child = await new_child(demo, "Förlängning (demo)", sex="female")
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan")
    path = f"/api/v1/placements/{placement['id']}/decisions"
    today = today_in_sweden().isoformat()
    extension = {"kind": "extension", "decided_on": today, "decided_by": staff["sami"], "valid_from": today}
    termination = {**extension, "kind": "termination"}
    for decision in (extension, termination):
        refused = await demo.post(path, json=decision, headers=user("petra"))
        assert refused.status == 422, await refused.text()
        [error] = (await refused.json())["errors"]
        assert (error["field"], error["code"]) == ("body.decided_by", "no_delegation")
        assert "saknar i delegationsordningen delegation" in error["message"]
    rule = {"decision_kind": "extension", "staff_id": staff["sami"]}
    assert (await demo.post("/api/v1/delegation-rules", json=rule, headers=user("adam"))).status == 201
    assert (await demo.post(path, json=extension, headers=user("petra"))).status == 201
    assert (await demo.post(path, json=termination, headers=user("petra"))).status == 422
    assert [d["kind"] for d in await listed(demo, path)] == ["extension"]


async def test_an_urgent_placement_decision_still_needs_delegation(demo: Client) -> None:
    """Urgency waives the check run, not the delegation: Sami's urgent HVB placement decision is a 422."""
    staff = await staff_ids(demo)
    child = await new_child(demo, "Brådskande delegation (demo)", sex="male")
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan")
    today = today_in_sweden().isoformat()
    decision = {
        "kind": "placement_sol",
        "decided_on": today,
        "decided_by": staff["sami"],
        "valid_from": today,
        "urgent": True,
        "urgent_reason": "Akut skyddsbehov",
    }
    refused = await demo.post(
        f"/api/v1/placements/{placement['id']}/decisions", json=decision, headers=user("petra")
    )
    assert refused.status == 422, await refused.text()
    assert (await refused.json())["errors"][0]["code"] == "no_delegation"


async def test_a_placement_run_is_no_evidence_for_an_overvagande(demo: Client) -> None:
    """An övervägande needs no check run; citing a placement_sol run for one is a 422 on check_id
    instead of being stored unverified."""
    staff = await staff_ids(demo)
    child = await new_child(demo, "Fel kontroll (demo)", sex="female")
    today = today_in_sweden().isoformat()
    request = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today,
        "unit_code": "U-1001",
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    run = await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))
    assert run.status == 201, await run.text()
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decision = {
        "kind": "overvagande",
        "decided_on": today,
        "decided_by_namnd": True,
        "namnd_meeting_on": today,
        "namnd_paragraph": "§ 9",
        "valid_from": today,
        "check_id": (await run.json())["id"],
    }
    refused = await demo.post(
        f"/api/v1/placements/{placement['id']}/decisions", json=decision, headers=user("petra")
    )
    assert refused.status == 422, await refused.text()
    [error] = (await refused.json())["errors"]
    assert (error["field"], error["code"]) == ("body.check_id", "check_not_for_kind")
    assert "övervägande" in error["message"]
    assert "overvagande" not in error["message"]
