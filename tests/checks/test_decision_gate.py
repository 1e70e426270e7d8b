"""The decision gate holds (issue 12): a placement decision is recorded only on a check run that is
still true when the decision is recorded, made for that decision and decision-maker, before the
decision's date and within the policy's window; nobody clears their own conflict; an integration
cannot override a block; a register change reaches planned placements too. Each test reproduces
a way the gate used to open, over HTTP against the real database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import asyncpg

from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES, Client, new_child, new_placement, staff_ids
from tests.conftest import api_token, bearer
from tests.conftest import demo_user as user


async def delegate(demo: Client, **rule: str) -> None:
    created = await demo.post(
        "/api/v1/delegation-rules", json={"decision_kind": "placement_sol", **rule}, headers=user("adam")
    )
    assert created.status == 201, await created.text()


async def clean_run(
    demo: Client, child: dict[str, Any], staff: dict[str, str], **more: Any
) -> dict[str, Any]:
    """A run for an HVB placement at U-1001 decided by tove, with every finding resolved: PP14's
    block overridden by tove (who has delegation), every warning acknowledged by petra."""
    request = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "unit_code": "U-1001",
        "primary_need": "psychosocial",
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
        **more,
    }
    response = await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))
    assert response.status == 201, await response.text()
    run = dict(await response.json())
    for finding in run["findings"]:
        if finding["severity"] == "info":
            continue
        action, who = ("override", "tove") if finding["severity"] == "block" else ("acknowledge", "petra")
        resolved = await demo.post(
            f"/api/v1/placement-checks/{run['id']}/resolutions",
            json={"finding_index": finding["index"], "action": action, "reason": "Utrett i ärendet"},
            headers=user(who),
        )
        assert resolved.status == 201, await resolved.text()
    return run


def decision_on(run: dict[str, Any], staff: dict[str, str], **more: Any) -> dict[str, Any]:
    today = today_in_sweden().isoformat()
    return {
        "kind": "placement_sol",
        "decided_on": today,
        "decided_by": staff["tove"],
        "valid_from": today,
        "check_id": run["id"],
        **more,
    }


async def test_a_permit_revoked_after_the_run_refuses_the_decision(
    demo: Client, owner: asyncpg.Connection, tmp_path: Path
) -> None:
    """A clean run, then IVO revokes the unit's permit: the decision citing the run is refused
    with 409 naming the register record, not accepted because the run is recent."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    child = await new_child(demo, "Återkallat (demo)", sex="female")
    run = await clean_run(demo, child, staff, needs_assessment_documented=True)
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")

    revoked: dict[str, Any] = json.loads((SAMPLES / "ivo.json").read_text())
    revoked["units"][0]["permit"]["status"] = "revoked"
    path = tmp_path / "revoked.json"
    path.write_text(json.dumps(revoked))
    await run_import(owner, Feed.IVO, str(path))

    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    refused = await demo.post(decisions, json=decision_on(run, staff), headers=user("petra"))
    assert refused.status == 409, await refused.text()
    problem = await refused.json()
    assert problem["reason"] == "facts_changed"
    assert problem["changed"] == ["unit"]
    assert "enhetens uppgifter i IVO-registret" in problem["detail"]
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    listed = await (await demo.get(decisions, headers=user("petra"))).json()
    assert listed["items"] == []  # nothing half-written


async def test_an_unchanged_run_is_accepted_and_the_decision_names_it(
    demo: Client, owner: asyncpg.Connection
) -> None:
    """The same run with nothing changed since (the placement itself registered after the run,
    and so counted at the unit, does not count against it): the decision is recorded with its run."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    child = await new_child(demo, "Oförändrat (demo)", sex="female")
    run = await clean_run(demo, child, staff, needs_assessment_documented=True)
    # A new snapshot (the CSV adds U-1002) in which U-1001's record is the same: not a change.
    later = await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"))
    assert later.snapshot_id is not None
    assert not [c for c in later.changes if c.key == "U-1001"]
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    accepted = await demo.post(decisions, json=decision_on(run, staff), headers=user("petra"))
    assert accepted.status == 201, await accepted.text()
    assert (await accepted.json())["check_id"] == run["id"]


async def test_the_run_must_precede_the_decision_within_the_window(
    demo: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """A decision dated 40 days ago on a run made today is refused (a later check does not cover an
    earlier decision); so is a decision today on a run made 31 days before it."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    child = await new_child(demo, "Datum (demo)", sex="female")
    run = await clean_run(demo, child, staff, needs_assessment_documented=True)
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    earlier = (today_in_sweden() - dt.timedelta(days=40)).isoformat()
    refused = await demo.post(
        decisions, json=decision_on(run, staff, decided_on=earlier, valid_from=earlier), headers=user("petra")
    )
    assert refused.status == 409, await refused.text()
    assert (await refused.json())["reason"] == "after_decision"

    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE placement_check SET run_at = now() - interval '31 days' WHERE id = $1::uuid", run["id"]
        )
    stale = await demo.post(decisions, json=decision_on(run, staff), headers=user("petra"))
    assert stale.status == 409, await stale.text()
    assert (await stale.json())["reason"] == "too_old"


async def test_the_decision_must_be_the_one_the_run_checked(demo: Client, owner: asyncpg.Connection) -> None:
    """A run naming tove (with delegation) does not let petra (without) record the decision as
    decision-maker; a run declared for an övervägande does not carry a placement decision."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    await delegate(demo, role="teamledare", decision_kind="overvagande")
    child = await new_child(demo, "Annan beslutsfattare (demo)", sex="female")
    run = await clean_run(demo, child, staff, needs_assessment_documented=True)
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    colleague = await demo.post(
        decisions, json=decision_on(run, staff, decided_by=staff["petra"]), headers=user("petra")
    )
    assert colleague.status == 409, await colleague.text()
    assert (await colleague.json())["reason"] == "other_decision_maker"

    consideration = await clean_run(
        demo, child, staff, needs_assessment_documented=True, decision_kind="overvagande"
    )
    other_kind = await demo.post(decisions, json=decision_on(consideration, staff), headers=user("petra"))
    assert other_kind.status == 409, await other_kind.text()
    problem = await other_kind.json()
    assert problem["reason"] == "other_decision_kind"
    assert "övervägande" in problem["detail"]
    assert "overvagande" not in problem["detail"]


async def test_nobody_clears_their_own_conflict(
    demo: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """Tove, the decision-maker, is linked to the provider (PP15): she can neither override nor
    acknowledge that finding, and the decision is refused while it stands. Petra, given delegation
    and not linked, overrides it; the override records both people. An integration's token cannot
    override a block at all."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))  # U-1001 is run by 5599000014
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    await delegate(demo, staff_id=staff["petra"])
    async with db.transaction() as conn:
        tenant = await conn.fetchval("SELECT municipality_id FROM staff WHERE id = $1::uuid", staff["tove"])
        await conn.execute(
            """INSERT INTO screening_match
                   (municipality_id, staff_id, subject, subject_name, provider_orgnr, officer_key,
                    officer_name, officer_role, score, basis, evidence_sha256, status, review_reason,
                    reviewed_at)
               VALUES ($1, $2::uuid, 'self', 'tove', '5599000014', 'Cissi Styrelse', 'Cissi Styrelse',
                       'board_member', 100, 'personnummer', '\\x00', 'confirmed', 'Granskad', now())""",
            tenant,
            staff["tove"],
        )
    child = await new_child(demo, "Eget jäv (demo)", sex="female")
    request = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "unit_code": "U-1001",
        "primary_need": "psychosocial",
        "needs_assessment_documented": True,
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    run = await (await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))).json()
    [pp15] = [f for f in run["findings"] if f["code"] == "PP15"]
    resolutions = f"/api/v1/placement-checks/{run['id']}/resolutions"
    own = {"finding_index": pp15["index"], "action": "override", "reason": "Jävet är ringa"}
    for action in ("override", "acknowledge"):
        refused = await demo.post(resolutions, json={**own, "action": action}, headers=user("tove"))
        assert refused.status == 403, await refused.text()
        assert "jävet gäller" in (await refused.json())["detail"]

    token = await api_token(db, "0000", StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE, name="Ärendesystemet")
    by_token = await demo.post(resolutions, json=own, headers=bearer(token))
    assert by_token.status == 403, await by_token.text()
    assert "integration" in (await by_token.json())["detail"]

    for finding in run["findings"]:  # the warnings, acknowledged
        if finding["severity"] == "warn":
            ack = {"finding_index": finding["index"], "action": "acknowledge", "reason": "Känt"}
            assert (await demo.post(resolutions, json=ack, headers=user("petra"))).status == 201
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    while_it_stands = await demo.post(decisions, json=decision_on(run, staff), headers=user("tove"))
    assert while_it_stands.status == 409, await while_it_stands.text()
    assert [f["code"] for f in (await while_it_stands.json())["open_findings"]] == ["PP15"]

    cleared = await demo.post(resolutions, json=own, headers=user("petra"))
    assert cleared.status == 201, await cleared.text()
    [after] = [f for f in (await cleared.json())["findings"] if f["code"] == "PP15"]
    assert (after["resolved_by_staff_id"], after["concerns_staff_id"]) == (staff["petra"], staff["tove"])


async def test_an_overrider_linked_to_the_provider_may_not_override(
    demo: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """A delegate whom the screening links to the provider cannot override a block on that run,
    even a block that is not about them."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    async with db.transaction() as conn:
        tenant = await conn.fetchval("SELECT municipality_id FROM staff WHERE id = $1::uuid", staff["tove"])
        await conn.execute(
            """INSERT INTO screening_match
                   (municipality_id, staff_id, subject, subject_name, provider_orgnr, officer_key,
                    officer_name, officer_role, score, basis, evidence_sha256, status)
               VALUES ($1, $2::uuid, 'self', 'tove', '5599000014', 'Bo Bror', 'Bo Bror',
                       'owner', 95, 'name', '\\x00', 'open')""",
            tenant,
            staff["tove"],
        )
    child = await new_child(demo, "Kopplad (demo)", sex="female")
    request = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "unit_code": "U-1001",
        "decision_maker_id": staff["tove"],
        "handlaggare_id": staff["petra"],
        "decision_kind": "placement_sol",
    }
    run = await (await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))).json()
    [pp14] = [f for f in run["findings"] if f["code"] == "PP14"]
    override = {"finding_index": pp14["index"], "action": "override", "reason": "Bedömningen finns"}
    refused = await demo.post(
        f"/api/v1/placement-checks/{run['id']}/resolutions", json=override, headers=user("tove")
    )
    assert refused.status == 403, await refused.text()
    assert "koppling till utföraren" in (await refused.json())["detail"]


async def test_a_revoked_permit_reaches_a_planned_placement(
    demo: Client, owner: asyncpg.Connection, tmp_path: Path
) -> None:
    """A placement decided but starting next month at a unit whose permit is then revoked gets the
    same SV01 finding as one already going on."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    child = await new_child(demo, "Planerad (demo)", sex="female")
    start = (today_in_sweden() + dt.timedelta(days=30)).isoformat()
    placement = await new_placement(
        demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001", start_date=start
    )
    revoked: dict[str, Any] = json.loads((SAMPLES / "ivo.json").read_text())
    revoked["units"][0]["permit"]["status"] = "revoked"
    path = tmp_path / "revoked.json"
    path.write_text(json.dumps(revoked))
    await run_import(owner, Feed.IVO, str(path))
    findings = (await (await demo.get("/api/v1/register-findings", headers=user("petra"))).json())["items"]
    sv01 = [f for f in findings if f["code"] == "SV01"]
    assert [f["placement_ids"] for f in sv01] == [[placement["id"]]]


async def test_a_corrected_foster_home_record_refuses_the_decision(demo: Client) -> None:
    """A renewed register check is now a correction of the home's record; a run made on the old
    record no longer carries the decision (409 naming the foster home's record)."""
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    recent = (today_in_sweden() - dt.timedelta(days=10)).isoformat()
    home = {
        "name": "Familjen Ek (demo)",
        "kind": "familjehem",
        "investigated_on": recent,
        "approved_on": recent,
        "approved_by": "Nämnden",
        "belastningsregister_on": recent,
        "misstankeregister_on": recent,
        "socialregister_on": recent,
    }
    created = await demo.post("/api/v1/foster-homes", json=home, headers=user("petra"))
    assert created.status == 201, await created.text()
    foster_home = await created.json()
    child = await new_child(demo, "Familjehem (demo)", sex="female")
    request = {
        "child_id": child["id"],
        "form": "familjehem",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "foster_home_id": foster_home["id"],
        "needs_assessment_documented": True,
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        "decision_kind": "placement_sol",
    }
    run = await (await demo.post("/api/v1/placement-checks", json=request, headers=user("petra"))).json()
    for finding in run["findings"]:
        if finding["severity"] == "info":
            continue
        action, who = ("override", "tove") if finding["severity"] == "block" else ("acknowledge", "petra")
        resolved = await demo.post(
            f"/api/v1/placement-checks/{run['id']}/resolutions",
            json={"finding_index": finding["index"], "action": action, "reason": "Utrett i ärendet"},
            headers=user(who),
        )
        assert resolved.status == 201, await resolved.text()
    placement = await new_placement(
        demo, child, "familjehem", "Familjen Ek", foster_home_id=foster_home["id"]
    )

    path = f"/api/v1/foster-homes/{foster_home['id']}"
    read = await demo.get(path, headers=user("petra"))
    older = (today_in_sweden() - dt.timedelta(days=400)).isoformat()
    corrected = await demo.patch(
        path,
        json={"misstankeregister_on": older},
        headers={**user("petra"), "If-Match": read.headers["ETag"]},
    )
    assert corrected.status == 200, await corrected.text()

    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    refused = await demo.post(decisions, json=decision_on(run, staff), headers=user("petra"))
    assert refused.status == 409, await refused.text()
    problem = await refused.json()
    assert (problem["reason"], problem["changed"]) == ("facts_changed", ["foster_home"])
    assert "familjehemmets uppgifter" in problem["detail"]


async def test_a_declaration_made_after_the_run_refuses_the_decision(
    demo: Client, owner: asyncpg.Connection
) -> None:
    """The decision-maker declares their interests after the run: what the run knew of their links
    may no longer hold, so the decision waits for a new run."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo)
    await delegate(demo, role="teamledare")
    child = await new_child(demo, "Deklaration (demo)", sex="female")
    run = await clean_run(demo, child, staff, needs_assessment_documented=True)
    placement = await new_placement(demo, child, "hvb", "HVB Solgläntan", unit_code="U-1001")
    declared = await demo.post(
        f"/api/v1/staff/{staff['tove']}/declarations",
        json={"declared_on": today_in_sweden().isoformat(), "nothing_to_declare": True},
        headers=user("adam"),
    )
    assert declared.status == 201, await declared.text()
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    refused = await demo.post(decisions, json=decision_on(run, staff), headers=user("petra"))
    assert refused.status == 409, await refused.text()
    assert (await refused.json())["changed"] == ["declarations"]
