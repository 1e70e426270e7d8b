"""Dates make sense (issue 12): nothing recorded as done lies after today (Swedish time) or, but
for what by nature comes first, before the placement's start; "until further notice" is an open
end, and 9999-12-31 is read as one; no accepted date makes a rule raise. Each refusal is a 422
naming the field, in Swedish."""

from __future__ import annotations

import datetime as dt
from typing import Any

from placement.core.clock import today_in_sweden
from tests.api.test_placements import Client, created, delegated, new_child, new_staff, ok


def days(n: int) -> str:
    return (today_in_sweden() + dt.timedelta(days=n)).isoformat()


async def refused(response: Any, field: str, code: str) -> str:
    assert response.status == 422, await response.text()
    problem = await response.json()
    assert response.headers["Content-Type"].startswith("application/problem+json")
    [error] = [e for e in problem["errors"] if e["field"] == field]
    assert error["code"] == code
    message: str = error["message"]
    return message


async def placed(client: Client, headers: dict[str, str], start: str, **more: Any) -> dict[str, Any]:
    child = await created(
        await client.post(
            "/api/v1/children", json={"name": "Bo B", "birth_date": "2014-06-01"}, headers=headers
        )
    )
    body = {
        "child_id": child["id"],
        "form": "hvb",
        "legal_basis": "sol",
        "home_name": "HVB",
        "start_date": start,
    }
    return await created(await client.post("/api/v1/placements", json={**body, **more}, headers=headers))


async def test_a_visit_five_years_ahead_or_before_the_start_is_refused(
    client: Client, as_officer: dict[str, str]
) -> None:
    """A visit dated five years ahead used to be accepted and silence FU08 until then; a visit
    before the placement began used to count too. A vårdplan made before the start is accepted."""
    placement = await placed(client, as_officer, days(-30))
    events = f"/api/v1/placements/{placement['id']}/events"
    visit = {"kind": "visit", "details": {"in_home": True, "private_talk": True}}
    ahead = await client.post(events, json={**visit, "occurred_on": days(5 * 365)}, headers=as_officer)
    assert "framtiden" in await refused(ahead, "body.occurred_on", "future_date")
    before = await client.post(events, json={**visit, "occurred_on": days(-31)}, headers=as_officer)
    assert "före placeringens start" in await refused(before, "body.occurred_on", "before_start")
    plan = await client.post(events, json={"kind": "care_plan", "occurred_on": days(-40)}, headers=as_officer)
    assert plan.status == 201, await plan.text()
    today = await client.post(events, json={**visit, "occurred_on": days(0)}, headers=as_officer)
    assert today.status == 201, await today.text()


async def test_until_further_notice_is_open_and_rules_still_answer(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str]
) -> None:
    """A placement planned to end, or a decision valid to, 9999-12-31 is read as open (null), and
    the placement's obligations answer (they used to raise "year 10001 is out of range")."""
    placement = await placed(client, as_officer, days(-10), planned_end_date="9999-12-31")
    assert placement["planned_end_date"] is None
    decider = await new_staff(client, as_admin)
    await delegated(client, as_admin, decider, "extension")
    decision = {
        "kind": "extension",
        "decided_on": days(0),
        "decided_by": decider["id"],
        "valid_from": days(0),
        "valid_to": "9999-12-31",
    }
    recorded = await created(
        await client.post(
            f"/api/v1/placements/{placement['id']}/decisions", json=decision, headers=as_officer
        )
    )
    assert recorded["valid_to"] is None
    obligations = await ok(
        await client.get(f"/api/v1/placements/{placement['id']}/obligations", headers=as_officer)
    )
    assert obligations["items"]


async def test_far_future_and_future_dates_are_refused_per_field(
    client: Client, as_officer: dict[str, str], as_admin: dict[str, str]
) -> None:
    """A placement starting 9999-12-31, an end written as 3000-01-01, a decision taken tomorrow, an
    övervägande before the start, an ending tomorrow and a social worker appointed from tomorrow:
    each a 422 naming its field."""
    child = await new_child(client, as_officer)
    body = {"child_id": child["id"], "form": "hvb", "legal_basis": "sol", "home_name": "HVB"}
    never = await client.post(
        "/api/v1/placements", json={**body, "start_date": "9999-12-31"}, headers=as_officer
    )
    assert "mer än ett år fram" in await refused(never, "body.start_date", "start_too_far_ahead")
    typo = await client.post(
        "/api/v1/placements",
        json={**body, "start_date": days(0), "planned_end_date": "3000-01-01"},
        headers=as_officer,
    )
    assert "tills vidare" in await refused(typo, "body.planned_end_date", "end_too_far_ahead")

    placement = await placed(client, as_officer, days(-5))
    decider = await new_staff(client, as_admin)
    await delegated(client, as_admin, decider, "extension")
    decisions = f"/api/v1/placements/{placement['id']}/decisions"
    decision = {"kind": "extension", "decided_by": decider["id"], "valid_from": days(0)}
    tomorrow = await client.post(decisions, json={**decision, "decided_on": days(1)}, headers=as_officer)
    await refused(tomorrow, "body.decided_on", "future_date")
    by_the_namnd = {"decided_by_namnd": True, "namnd_meeting_on": days(-6), "namnd_paragraph": "§ 12"}
    early = await client.post(
        decisions,
        json={"kind": "overvagande", "valid_from": days(0), "decided_on": days(-6), **by_the_namnd},
        headers=as_officer,
    )
    assert "före placeringens start" in await refused(early, "body.decided_on", "before_start")

    ending = await client.post(
        f"/api/v1/placements/{placement['id']}/end", json={"end_date": days(1)}, headers=as_officer
    )
    await refused(ending, "body.end_date", "future_date")
    worker = await new_staff(client, as_admin, "Sofia S")
    appointed = await client.post(
        f"/api/v1/children/{placement['child_id']}/social-workers",
        json={"staff_id": worker["id"], "assigned_from": days(1)},
        headers=as_officer,
    )
    await refused(appointed, "body.assigned_from", "future_date")


async def test_a_check_run_with_extreme_dates_is_refused_per_field(
    client: Client, as_officer: dict[str, str]
) -> None:
    """The check before a placement takes the same dates: a start in 9999 and an investigation that
    ended in the future are 422s naming the field; an end of 9999-12-31 is open."""
    child = await created(
        await client.post(
            "/api/v1/children", json={"name": "Fia F", "birth_date": "2012-12-12"}, headers=as_officer
        )
    )
    request = {"child_id": child["id"], "form": "jourhem", "legal_basis": "sol", "start_date": days(0)}
    far = await client.post(
        "/api/v1/placement-checks", json={**request, "start_date": "9999-12-31"}, headers=as_officer
    )
    await refused(far, "body.start_date", "start_too_far_ahead")
    ahead = await client.post(
        "/api/v1/placement-checks", json={**request, "investigation_ended_on": days(3)}, headers=as_officer
    )
    await refused(ahead, "body.investigation_ended_on", "future_date")
    open_end = await created(
        await client.post(
            "/api/v1/placement-checks", json={**request, "planned_end_date": "9999-12-31"}, headers=as_officer
        )
    )
    assert open_end["facts"]["proposed"]["planned_end_date"] is None
