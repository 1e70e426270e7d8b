"""Corrections with history (issue 12): a record is corrected in place with the ETag it was read
with (428 without, 412 when someone changed it since, so two officers cannot silently overwrite
each other), what it said before is kept, and what derives from it is recomputed at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from tests.api.test_placements import Client, created, ok
from tests.conftest import api_token, bearer


def days(n: int) -> str:
    return (today_in_sweden() + dt.timedelta(days=n)).isoformat()


async def read(client: Client, path: str, headers: dict[str, str]) -> tuple[dict[str, Any], str]:
    response = await client.get(path, headers=headers)
    body = await ok(response)
    return body, response.headers["ETag"]


async def placed(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    child = await created(
        await client.post(
            "/api/v1/children", json={"name": "Dag D", "birth_date": "2013-04-04"}, headers=headers
        )
    )
    body = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "home_name": "HVB",
        "start_date": days(-3),
    }
    return await created(await client.post("/api/v1/placements", json=body, headers=headers))


async def test_two_officers_cannot_overwrite_each_other(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    placement = await placed(client, as_officer)
    path = f"/api/v1/placements/{placement['id']}"
    _, etag = await read(client, path, as_officer)

    blind = await client.patch(path, json={"home_name": "HVB Björken"}, headers=as_officer)
    assert blind.status == 428, await blind.text()
    assert "If-Match" in (await blind.json())["detail"]

    first = await client.patch(
        path, json={"home_name": "HVB Björken"}, headers={**as_officer, "If-Match": etag}
    )
    assert first.status == 200, await first.text()
    assert (await first.json())["home_name"] == "HVB Björken"
    assert first.headers["ETag"] != etag
    second = await client.patch(
        path, json={"home_name": "HVB Eken"}, headers={**as_officer, "If-Match": etag}
    )
    assert second.status == 412, await second.text()
    assert (await read(client, path, as_officer))[0]["home_name"] == "HVB Björken"

    async with db.transaction() as conn:
        history = await conn.fetch("SELECT * FROM correction WHERE object_id = $1", placement["id"])
        audited = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE object_id = $1::uuid AND action = 'update'",
            placement["id"],
        )
    assert [(h["object_type"], h["before"], h["after"]) for h in history] == [
        ("placement", {"home_name": "HVB"}, {"home_name": "HVB Björken"})
    ]
    assert audited == 1


async def test_a_corrected_start_recomputes_the_obligations_at_once(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    """The start date moved back: the stored states the watch list reads follow in the same
    transaction (FU06, contact details, is due 14 days after the start)."""
    placement = await placed(client, as_officer)
    path = f"/api/v1/placements/{placement['id']}"
    _, etag = await read(client, path, as_officer)
    corrected = await client.patch(
        path, json={"start_date": days(-40)}, headers={**as_officer, "If-Match": etag}
    )
    assert corrected.status == 200, await corrected.text()
    async with db.transaction() as conn:
        fu06 = await conn.fetchrow(
            "SELECT due_on, state FROM obligation_state WHERE placement_id = $1::uuid AND code = 'FU06'",
            placement["id"],
        )
    assert (fu06["due_on"].isoformat(), fu06["state"]) == (days(-26), "overdue")


async def test_an_ending_gets_its_reason_later_and_rules_hold(
    client: Client, as_officer: dict[str, str]
) -> None:
    """An ended placement's reason is added afterwards (FU14 met); a correction obeys the rules of
    a new record (422 naming the field), and an open placement has no ending to correct."""
    placement = await placed(client, as_officer)
    path = f"/api/v1/placements/{placement['id']}"
    _, etag = await read(client, path, as_officer)
    early = await client.patch(path, json={"end_reason": "planned"}, headers={**as_officer, "If-Match": etag})
    assert early.status == 422, await early.text()
    assert (await early.json())["errors"][0]["field"] == "body.end_reason"
    far = await client.patch(
        path, json={"start_date": "9999-12-31"}, headers={**as_officer, "If-Match": etag}
    )
    assert far.status == 422, await far.text()
    assert (await far.json())["errors"][0]["field"] == "body.start_date"

    await ok(await client.post(f"{path}/end", json={"end_date": days(0)}, headers=as_officer))
    _, etag = await read(client, path, as_officer)
    reason = await client.patch(
        path,
        json={"end_reason": "planned", "end_reason_note": "Hem"},
        headers={**as_officer, "If-Match": etag},
    )
    assert reason.status == 200, await reason.text()
    obligations = await ok(await client.get(f"{path}/obligations", headers=as_officer))
    [fu14] = [o for o in obligations["items"] if o["code"] == "FU14"]
    assert fu14["state"] == "met"


async def test_a_child_is_corrected_with_history(
    client: Client, as_officer: dict[str, str], db: Database, municipality: str
) -> None:
    child = await created(
        await client.post(
            "/api/v1/children", json={"personnummer": "20150312-9809", "name": "Alva A"}, headers=as_officer
        )
    )
    path = f"/api/v1/children/{child['id']}"
    _, etag = await read(client, path, as_officer)
    mismatch = await client.patch(
        path, json={"birth_date": "2015-03-13"}, headers={**as_officer, "If-Match": etag}
    )
    assert mismatch.status == 422, await mismatch.text()
    renamed = await client.patch(path, json={"name": "Alva Ek"}, headers={**as_officer, "If-Match": etag})
    assert renamed.status == 200, await renamed.text()
    assert (await renamed.json())["name"] == "Alva Ek"
    async with db.transaction() as conn:
        history = await conn.fetchrow(
            "SELECT before, after, child_id FROM correction WHERE object_type = 'child'"
        )
    assert (history["before"], history["after"], str(history["child_id"])) == (
        {"name": "Alva A"},
        {"name": "Alva Ek"},
        child["id"],
    )

    auditor = bearer(await api_token(db, municipality, StaffRole.GRANSKARE))
    listed = await ok(await client.get("/api/v1/corrections?object_type=child", headers=auditor))
    assert [(c["object_id"], c["before"], c["after"]) for c in listed["items"]] == [
        (child["id"], {"name": "Alva A"}, {"name": "Alva Ek"})
    ]
    assert (await client.get("/api/v1/corrections", headers=as_officer)).status == 403
    async with db.transaction() as conn:
        audited = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE action = 'read' AND object_type = 'correction'"
            " AND child_id = $1::uuid",
            child["id"],
        )
    assert audited == 1  # the auditor's look at the child's corrections is itself in the audit log


async def test_staff_corrected_and_deactivated(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str], db: Database
) -> None:
    """An administrator moves a social worker to another unit, then deactivates them: their
    appointment as a child's responsible social worker ends today. A stale ETag is 412."""
    worker = await created(
        await client.post(
            "/api/v1/staff",
            json={"name": "Sara S", "roles": ["socialsekreterare"], "org_unit": "Barn 1"},
            headers=as_admin,
        )
    )
    placement = await placed(client, as_officer)
    appointed = await client.post(
        f"/api/v1/children/{placement['child_id']}/social-workers",
        json={"staff_id": worker["id"], "assigned_from": days(-3)},
        headers=as_officer,
    )
    assert appointed.status == 201, await appointed.text()
    path = f"/api/v1/staff/{worker['id']}"
    _, etag = await read(client, path, as_admin)
    moved = await client.patch(path, json={"org_unit": "Barn 2"}, headers={**as_admin, "If-Match": etag})
    assert moved.status == 200, await moved.text()
    stale = await client.patch(path, json={"active": False}, headers={**as_admin, "If-Match": etag})
    assert stale.status == 412, await stale.text()
    left = await client.patch(
        path, json={"active": False}, headers={**as_admin, "If-Match": moved.headers["ETag"]}
    )
    assert left.status == 200, await left.text()
    assert (await left.json())["active"] is False
    async with db.transaction() as conn:
        ended = await conn.fetchval(
            "SELECT assigned_to FROM social_worker_assignment WHERE staff_id = $1::uuid", worker["id"]
        )
        history = await conn.fetch(
            "SELECT before, after FROM correction WHERE object_id = $1 ORDER BY changed_at", worker["id"]
        )
    assert ended == today_in_sweden()
    assert [(h["before"], h["after"]) for h in history] == [
        ({"org_unit": "Barn 1"}, {"org_unit": "Barn 2"}),
        ({"active": True}, {"active": False}),
    ]
    officer = await client.patch(
        path, json={"active": True}, headers={**as_officer, "If-Match": left.headers["ETag"]}
    )
    assert officer.status == 403  # staff records are the administrator's


async def test_a_contract_is_corrected_with_history(client: Client, db: Database, municipality: str) -> None:
    procurement = bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE))
    contract = await created(
        await client.post(
            "/api/v1/contracts",
            json={"provider_orgnr": "5599000014", "kind": "ramavtal", "valid_from": "2025-01-01"},
            headers=procurement,
        )
    )
    path = f"/api/v1/contracts/{contract['id']}"
    _, etag = await read(client, path, procurement)
    backwards = await client.patch(
        path, json={"valid_to": "2024-12-31"}, headers={**procurement, "If-Match": etag}
    )
    assert backwards.status == 422, await backwards.text()
    shorter = await client.patch(
        path, json={"follow_up_interval_months": 6}, headers={**procurement, "If-Match": etag}
    )
    assert shorter.status == 200, await shorter.text()
    assert (await shorter.json())["next_follow_up_due"] == "2025-07-01"
    async with db.transaction() as conn:
        history = await conn.fetchrow(
            "SELECT before, after FROM correction WHERE object_id = $1", contract["id"]
        )
    assert (history["before"], history["after"]) == (
        {"follow_up_interval_months": 12},
        {"follow_up_interval_months": 6},
    )


async def test_the_administrator_sets_policy_values(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str], db: Database
) -> None:
    """Policy values could only be set in the database. The administrator now sets one field of
    the follow-up policy (six visits a year instead of the guidance's four) with If-Match; a value
    out of bounds is refused per field; other staff read but cannot set; the municipality's
    obligations are recomputed under the new policy in the same transaction; null returns to the
    documented default; the history keeps each change."""
    placement = await placed(client, as_officer)
    path = "/api/v1/policy/followup"
    current, etag = await read(client, path, as_admin)
    assert (current["value"]["visits_per_year"], current["own"]) == (4, False)
    async with db.transaction() as conn:
        basis_before = await conn.fetchval(
            "SELECT basis FROM followup_review WHERE placement_id = $1::uuid", placement["id"]
        )

    blind = await client.patch(path, json={"value": {"visits_per_year": 6}}, headers=as_admin)
    assert blind.status == 428
    zero = await client.patch(
        path, json={"value": {"visits_per_year": 0}}, headers={**as_admin, "If-Match": etag}
    )
    assert zero.status == 422, await zero.text()
    assert (await zero.json())["errors"][0]["field"] == "body.value.visits_per_year"
    officer = await client.patch(
        path, json={"value": {"visits_per_year": 6}}, headers={**as_officer, "If-Match": etag}
    )
    assert officer.status == 403

    six = await client.patch(
        path, json={"value": {"visits_per_year": 6}}, headers={**as_admin, "If-Match": etag}
    )
    assert six.status == 200, await six.text()
    body = await six.json()
    assert (body["value"]["visits_per_year"], body["value"]["due_soon_days"], body["own"]) == (6, 14, True)
    stale = await client.patch(path, json={"value": None}, headers={**as_admin, "If-Match": etag})
    assert stale.status == 412
    async with db.transaction() as conn:
        basis_after = await conn.fetchval(
            "SELECT basis FROM followup_review WHERE placement_id = $1::uuid", placement["id"]
        )
    assert basis_after != basis_before  # recomputed under the new policy, not left for the scan

    back = await client.patch(
        path, json={"value": None}, headers={**as_admin, "If-Match": six.headers["ETag"]}
    )
    assert back.status == 200, await back.text()
    assert ((await back.json())["own"], (await back.json())["value"]["visits_per_year"]) == (False, 4)
    async with db.transaction() as conn:
        history = await conn.fetch(
            "SELECT before, after FROM correction WHERE object_type = 'policy' ORDER BY changed_at"
        )
    assert [h["before"]["value"] for h in history] == [None, body["value"]]
    assert [h["after"]["value"] for h in history] == [body["value"], None]
    assert (await client.get("/api/v1/policy/no_such_key", headers=as_admin)).status == 404


async def test_events_stay_append_only_corrected_and_retracted(
    client: Client, as_officer: dict[str, str]
) -> None:
    """A visit recorded on the wrong placement is retracted with a reason: it stays in the history
    and stops counting at once. Only the latest version of an event is corrected or retracted."""
    placement = await placed(client, as_officer)
    other = await placed(client, as_officer)
    events = f"/api/v1/placements/{placement['id']}/events"
    visit = {"kind": "visit", "occurred_on": days(0), "details": {"in_home": True, "private_talk": True}}
    first = await created(await client.post(events, json=visit, headers=as_officer))

    async def fu08_detail() -> str:
        items = (
            await ok(
                await client.get(f"/api/v1/placements/{placement['id']}/obligations", headers=as_officer)
            )
        )["items"]
        return str([o["detail"] for o in items if o["code"] == "FU08"])

    counted = await fu08_detail()
    foreign = await client.post(
        f"/api/v1/placements/{other['id']}/events",
        json={**visit, "corrects": first["id"]},
        headers=as_officer,
    )
    assert foreign.status == 422, await foreign.text()
    assert (await foreign.json())["errors"][0]["field"] == "body.corrects"

    corrected = await created(
        await client.post(
            events, json={**visit, "occurred_on": days(-1), "corrects": first["id"]}, headers=as_officer
        )
    )
    again = await client.post(events, json={**visit, "corrects": first["id"]}, headers=as_officer)
    assert again.status == 409, await again.text()

    retraction = await created(
        await client.post(
            f"{events}/{corrected['id']}/retraction", json={"reason": "Fel barn"}, headers=as_officer
        )
    )
    assert (retraction["corrects"], retraction["retraction_reason"]) == (corrected["id"], "Fel barn")
    twice = await client.post(
        f"{events}/{corrected['id']}/retraction", json={"reason": "Igen"}, headers=as_officer
    )
    assert twice.status == 409
    of_retraction = await client.post(
        f"{events}/{retraction['id']}/retraction", json={"reason": "Ångrar"}, headers=as_officer
    )
    assert of_retraction.status == 422

    history = (await ok(await client.get(events, headers=as_officer)))["items"]
    assert {e["id"] for e in history} == {first["id"], corrected["id"], retraction["id"]}
    assert await fu08_detail() != counted  # the visit no longer counts


async def test_register_extracts_are_per_person(
    client: Client, as_officer: dict[str, str], db: Database
) -> None:
    """Each person in a foster home has their own extracts; PP13 names the stale one until that
    person's renewed extract is recorded, one person at a time with the home's If-Match."""
    recent, stale = days(-10), days(-500)
    home = await created(
        await client.post(
            "/api/v1/foster-homes",
            json={
                "name": "Familjen Ask",
                "kind": "familjehem",
                "investigated_on": recent,
                "approved_on": recent,
                "socialregister_on": recent,
                "parents": [
                    {"name": "Alf Ask", "belastningsregister_on": recent, "misstankeregister_on": recent},
                    {"name": "Bea Ask", "belastningsregister_on": stale, "misstankeregister_on": recent},
                ],
            },
            headers=as_officer,
        )
    )
    child = await created(
        await client.post(
            "/api/v1/children", json={"name": "Eja E", "birth_date": "2014-02-02"}, headers=as_officer
        )
    )
    request = {
        "child_id": child["id"],
        "form": "familjehem",
        "legal_basis": "sol",
        "start_date": days(0),
        "foster_home_id": home["id"],
    }

    async def pp13() -> list[str]:
        run = await created(await client.post("/api/v1/placement-checks", json=request, headers=as_officer))
        return [f["detail"] for f in run["findings"] if f["code"] == "PP13"]

    assert await pp13() == [
        f"Utdraget ur belastningsregistret för Bea Ask är från {stale}, äldre än 12 månader på startdagen"
    ]
    path = f"/api/v1/foster-homes/{home['id']}"
    current, etag = await read(client, path, as_officer)
    assert "Bea" not in str(current)  # the people by id only, never by name
    bea = next(p for p in current["register_checks"] if p["belastningsregister_on"] == stale)
    renewed = await client.patch(
        f"{path}/parents/{bea['parent_id']}/register-checks",
        json={"belastningsregister_on": days(-1)},
        headers={**as_officer, "If-Match": etag},
    )
    assert renewed.status == 200, await renewed.text()
    assert await pp13() == []
    async with db.transaction() as conn:
        history = await conn.fetchrow(
            "SELECT before, after FROM correction WHERE object_type = 'foster_parent'"
        )
    assert (history["before"], history["after"]) == (
        {"belastningsregister_on": stale},
        {"belastningsregister_on": days(-1)},
    )
