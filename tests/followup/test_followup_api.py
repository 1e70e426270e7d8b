"""Follow-up through the API and the scan, on the demo municipality's staff and children."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient

from followup.store import SCAN_LOCK, scan
from placement.core.clock import today_in_sweden
from placement.database.pool import Database, connect_with_retry
from tests.conftest import SessionDatabase
from tests.conftest import demo_user as user

Client = TestClient[Any, Any]


async def scan_now(test_database: SessionDatabase) -> None:
    conn = await connect_with_retry(test_database.service, patience_s=5)
    try:
        assert (await scan(conn, today_in_sweden())).scanned
    finally:
        await conn.close()


async def a_placement_of(client: Client, who: str) -> dict[str, Any]:
    page = await (await client.get("/api/v1/placements?limit=200", headers=user(who))).json()
    active = [p for p in page["items"] if p["end_date"] is None]
    return active[0]


async def obligation(client: Client, who: str, placement_id: str, code: str) -> dict[str, Any]:
    items = (
        await (await client.get(f"/api/v1/placements/{placement_id}/obligations", headers=user(who))).json()
    )["items"]
    [found] = [o for o in items if o["code"] == code and o["item"] == ""]
    return found


async def test_a_visit_with_a_private_talk_meets_and_sets_the_next_due(demo: Client) -> None:
    placement = await a_placement_of(demo, "sami")
    today = today_in_sweden()
    visit = {
        "kind": "visit",
        "occurred_on": today.isoformat(),
        "details": {"in_home": True, "private_talk": True},
    }
    response = await demo.post(
        f"/api/v1/placements/{placement['id']}/events", json=visit, headers=user("sami")
    )
    assert response.status == 201, await response.text()
    fu08 = await obligation(demo, "sami", placement["id"], "FU08")
    assert fu08["state"] == "open"
    assert fu08["due_on"] > today.isoformat()
    bad = await demo.post(
        f"/api/v1/placements/{placement['id']}/events",
        json={"kind": "visit", "occurred_on": today.isoformat()},
        headers=user("sami"),
    )
    assert bad.status == 422
    assert "private_talk" in (await bad.json())["detail"] or "in_home" in (await bad.json())["detail"]


async def test_a_correction_replaces_the_event_it_corrects(demo: Client) -> None:
    placement = await a_placement_of(demo, "sami")
    path = f"/api/v1/placements/{placement['id']}/events"
    wrong = await (
        await demo.post(
            path, json={"kind": "grounds_explained", "occurred_on": "2026-11-01"}, headers=user("sami")
        )
    ).json()
    assert (await obligation(demo, "sami", placement["id"], "FU07"))["state"] == "met"
    await demo.post(
        path,
        json={"kind": "care_plan", "occurred_on": "2026-11-01", "corrects": wrong["id"]},
        headers=user("sami"),
    )
    assert (await obligation(demo, "sami", placement["id"], "FU07"))["state"] != "met"
    events = (await (await demo.get(path, headers=user("sami"))).json())["items"]
    assert [e["kind"] for e in events][-2:] == ["grounds_explained", "care_plan"]  # nothing is erased


async def test_watch_list_follows_the_responsible_social_worker(
    demo: Client, test_database: SessionDatabase
) -> None:
    await scan_now(test_database)
    sami = (await (await demo.get("/api/v1/obligations", headers=user("sami"))).json())["items"]
    sofia = (await (await demo.get("/api/v1/obligations", headers=user("sofia"))).json())["items"]
    assert sami
    assert sofia
    assert len({i["responsible_staff_id"] for i in sami}) == 1
    assert not {i["child_id"] for i in sami} & {i["child_id"] for i in sofia}
    urgency = {"overdue": 0, "due_soon": 1, "open": 2, "waived": 3, "met": 3}
    assert [urgency[i["state"]] for i in sami] == sorted(urgency[i["state"]] for i in sami)
    overdue = (
        await (
            await demo.get("/api/v1/obligations?state=overdue&responsible=all", headers=user("petra"))
        ).json()
    )["items"]
    assert {i["state"] for i in overdue} <= {"overdue"}
    assert any(
        i["other_municipality"]
        for i in (
            await (
                await demo.get("/api/v1/obligations?responsible=all&limit=1000", headers=user("petra"))
            ).json()
        )["items"]
    )


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


async def digest_of(client: Client, who: str, since: str) -> list[dict[str, Any]]:
    answer = await client.get(f"/api/v1/obligations/digest?since={since}", headers=user(who))
    assert answer.status == 200, await answer.text()
    items: list[dict[str, Any]] = (await answer.json())["items"]
    return items


async def test_digest_shows_what_became_due_since(demo: Client, test_database: SessionDatabase) -> None:
    """Became overdue since D means its due date passed after D, or the placement's facts made it
    overdue after D: a placement registered today that started in 2024 has its övervägande (FU01)
    overdue since 2024, and the first computation of it is no news since an hour ago; withdrawing
    the övervägande that met it is. Nothing changed since: nothing new."""
    before = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    child = await (
        await demo.post(
            "/api/v1/children",
            json={"name": "Sedan 2024 (demo)", "birth_date": "2012-05-05"},
            headers=user("petra"),
        )
    ).json()
    staff = {
        s["email"].split("@")[0]: s["id"]
        for s in (await (await demo.get("/api/v1/staff?limit=200", headers=user("petra"))).json())["items"]
    }
    appointed = await demo.post(
        f"/api/v1/children/{child['id']}/social-workers",
        json={"staff_id": staff["sami"], "assigned_from": "2024-01-10"},
        headers=user("petra"),
    )
    assert appointed.status == 201, await appointed.text()
    body = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "home_name": "HVB Solgläntan",
        "start_date": "2024-01-10",
    }
    placement = await (await demo.post("/api/v1/placements", json=body, headers=user("petra"))).json()
    fu01 = await obligation(demo, "sami", placement["id"], "FU01")
    assert (fu01["state"], fu01["due_on"]) == ("overdue", "2024-07-10")
    await scan_now(test_database)
    ours = [i for i in await digest_of(demo, "sami", stamp(before)) if i["placement_id"] == placement["id"]]
    assert ours == []  # overdue since 2024, not since an hour ago
    since_2024 = await digest_of(demo, "sami", "2024-07-01T00:00:00Z")
    assert ("FU01", placement["id"]) in {(i["code"], i["placement_id"]) for i in since_2024}

    events = f"/api/v1/placements/{placement['id']}/events"
    today = today_in_sweden().isoformat()
    met = await demo.post(events, json={"kind": "overvagande", "occurred_on": today}, headers=user("sami"))
    assert met.status == 201, await met.text()
    assert (await obligation(demo, "sami", placement["id"], "FU01"))["state"] != "overdue"
    withdrawn_at = stamp(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    retracted = await demo.post(
        f"{events}/{(await met.json())['id']}/retraction",
        json={"reason": "Fel placering"},
        headers=user("sami"),
    )
    assert retracted.status == 201, await retracted.text()
    news = [i for i in await digest_of(demo, "sami", withdrawn_at) if i["placement_id"] == placement["id"]]
    assert ("FU01", "overdue") in {(i["code"], i["state"]) for i in news}

    digest = await digest_of(demo, "sami", stamp(before))
    assert {i["state"] for i in digest} <= {"due_soon", "overdue"}
    later = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
    await scan_now(test_database)  # nothing changed: states keep the time they began
    assert (await (await demo.get(f"/api/v1/obligations/digest?since={later}", headers=user("sami"))).json())[
        "items"
    ] == []


async def test_unit_lead_waives_with_a_reason(demo: Client) -> None:
    placement = await a_placement_of(demo, "sami")
    fu10 = await obligation(demo, "tove", placement["id"], "FU10")
    waiver = {
        "code": "FU10",
        "due_on": fu10["due_on"],
        "reason": "Hälsoundersökning ordnad av regionen direkt",
    }
    path = f"/api/v1/placements/{placement['id']}/waivers"
    assert (await demo.post(path, json=waiver, headers=user("sami"))).status == 403
    assert (await demo.post(path, json=waiver, headers=user("tove"))).status == 201
    assert (await obligation(demo, "tove", placement["id"], "FU10"))["state"] == "waived"
    wrong_date = await demo.post(path, json={**waiver, "due_on": "2020-01-01"}, headers=user("tove"))
    assert wrong_date.status == 422


async def test_two_scanners_do_not_both_scan(db: Database, test_database: SessionDatabase) -> None:
    """While one connection holds the scan lock another does not scan; a scanner that dies
    releases the lock with its session."""
    first = await connect_with_retry(test_database.service, patience_s=5)
    second = await connect_with_retry(test_database.service, patience_s=5)
    try:
        assert await first.fetchval("SELECT pg_try_advisory_lock($1)", SCAN_LOCK)
        assert not (await scan(second, today_in_sweden())).scanned
        first.terminate()  # the scanner crashes
        for _ in range(50):
            result = await scan(second, today_in_sweden())
            if result.scanned:
                break
        assert result.scanned
    finally:
        await second.close()


async def test_a_statutory_last_day_on_julafton_shows_the_rolled_day(
    demo: Client, test_database: SessionDatabase
) -> None:
    """An övervägande recorded on 24 June makes the next due on julafton: the service counts that
    day, and shows the day lag (1930:173) would move it to (28 December) beside it, in the
    placement's obligations and in the stored watch list."""
    page = await (await demo.get("/api/v1/placements?limit=200", headers=user("sami"))).json()
    placement = next(
        p
        for p in page["items"]
        if p["end_date"] is None and p["legal_basis"] == "sol" and p["start_date"] <= "2026-06-24"
    )
    event = {"kind": "overvagande", "occurred_on": "2026-06-24"}
    path = f"/api/v1/placements/{placement['id']}/events"
    response = await demo.post(path, json=event, headers=user("sami"))
    assert response.status == 201, await response.text()
    fu01 = await obligation(demo, "sami", placement["id"], "FU01")
    assert (fu01["due_on"], fu01["rolled_due_on"]) == ("2026-12-24", "2026-12-28")
    fu06 = await obligation(demo, "sami", placement["id"], "FU06")
    assert fu06["rolled_due_on"] is None
    await scan_now(test_database)
    watch = await (await demo.get("/api/v1/obligations?code=FU01&limit=200", headers=user("sami"))).json()
    [stored] = [w for w in watch["items"] if w["placement_id"] == placement["id"]]
    assert (stored["due_on"], stored["rolled_due_on"]) == ("2026-12-24", "2026-12-28")
