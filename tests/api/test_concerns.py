"""Reports of concern through the API, against the real database: a report followed through
skyddsbedömning, förhandsbedömning and utredning to a decision, with every deadline shown; the
delegation order behind CH05; the watch list; Swedish errors; the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from aiohttp.test_utils import TestClient

from placement.core.clock import add_days, today_in_sweden
from placement.core.concern_vocabulary import VOCABULARIES, label
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]


async def _arrange(db: Database, kommunkod: str) -> dict[str, str]:
    """A child, a team leader the delegation order authorises, and a social worker whose
    sub-delegation was never reported to the nämnd."""
    async with db.transaction() as conn:
        municipality = await conn.fetchval("SELECT id FROM municipality WHERE kommunkod = $1", kommunkod)
        lead = await conn.fetchval(
            """INSERT INTO staff (municipality_id, name, roles, org_unit)
               VALUES ($1, 'Tea Ledare', '{teamledare}', 'Mottagningen') RETURNING id""",
            municipality,
        )
        worker = await conn.fetchval(
            """INSERT INTO staff (municipality_id, name, roles, org_unit)
               VALUES ($1, 'Sam Sekreterare', '{socialsekreterare}', 'Mottagningen') RETURNING id""",
            municipality,
        )
        for kind in (
            "concern_preliminary",
            "concern_investigation_outcome",
            "concern_investigation_extension",
        ):
            await conn.execute(
                """INSERT INTO delegation_rule
                       (municipality_id, decision_kind, role, granted_by, reported_to_namnd)
                   VALUES ($1, $2, 'teamledare', 'Socialnämnden', true)
                """,
                municipality,
                kind,
            )
        await conn.execute(
            """INSERT INTO delegation_rule
                   (municipality_id, decision_kind, staff_id, granted_by, reported_to_namnd, sub_delegated)
               VALUES ($1, 'concern_preliminary', $2, 'Teamledaren', false, true)""",
            municipality,
            worker,
        )
        child = await conn.fetchval(
            """INSERT INTO child (municipality_id, name, birth_date, sex)
               VALUES ($1, 'Barn Ett', '2015-05-05', 'female') RETURNING id""",
            municipality,
        )
    return {"lead": str(lead), "worker": str(worker), "child": str(child)}


def _deadline(concern: dict[str, Any], code: str, item: str = "") -> dict[str, Any]:
    [found] = [d for d in concern["deadlines"] if d["code"] == code and d["item"] == item]
    return found


async def test_a_report_is_followed_to_a_decision(client: Client, db: Database, municipality: str) -> None:
    """Registered, assessed at once, decided within 14 days by an authorised delegate, investigated
    with every step and ended with a decision: every deadline is met, and the history is kept."""
    ids = await _arrange(db, municipality)
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE))
    received = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    created = await client.post(
        "/api/v1/concerns",
        json={
            "child_id": ids["child"],
            "received_at": received.isoformat(),
            "reporter_kind": "school",
            "feedback_requested": True,
            "reason": "Eleven berättar om slag hemma",
            "concerns_violence": True,
            "concerns_crime": True,
            "org_unit": "Mottagningen",
        },
        headers=h,
    )
    assert created.status == 201, await created.text()
    concern = await created.json()
    base = f"/api/v1/concerns/{concern['id']}"
    assert _deadline(concern, "CH01")["due_on"] == "2026-03-03"
    # 14 days from Monday 2 March 2026 is Monday 16 March: no roll-over to show.
    assert _deadline(concern, "CH02")["due_on"] == "2026-03-16"
    assert _deadline(concern, "CH02")["rolled_due_on"] is None

    steps = [
        (
            "protection-assessment",
            {
                "made_at": "2026-03-02T14:00:00+01:00",
                "made_by_name": "Sam Sekreterare",
                "made_by_role": "socialsekreterare",
                "circumstances": "Eleven har blåmärken och säger att pappa slår",
                "conclusion": "Barnet kan gå hem; kontakt med mamma samma dag",
            },
        ),
        ("risk-assessment", {"assessed_on": "2026-03-03", "summary": "Risk för upprepat våld; skyddsplan"}),
        (
            "police-report-decision",
            {"decided_on": "2026-03-03", "reported": True, "reason": "Misstänkt misshandel"},
        ),
        (
            "preliminary-assessment",
            {
                "decided_on": "2026-03-09",
                "outcome": "open_investigation",
                "prior_knowledge": "En anmälan 2024 om bråk; bedömdes då utan utredning",
                "child_view": "Barnet vill att någon pratar med pappa",
                "decided_by": ids["lead"],
            },
        ),
        ("reporter-feedback", {"given_on": "2026-03-10"}),
        ("investigation", {"started_on": "2026-03-09"}),
        (
            "investigation/progress",
            {
                "concerned_told_on": "2026-03-10",
                "family_invited_on": "2026-03-12",
                "child_heard_on": "2026-03-20",
            },
        ),
        ("investigation/progress", {"communicated_on": "2026-06-01"}),
        (
            "investigation/end",
            {
                "ended_on": "2026-06-15",
                "outcome": "intervention",
                "outcome_reason": "Familjen behöver stöd; föräldrarna tar emot det",
                "decided_by": ids["lead"],
            },
        ),
    ]
    for path, body in steps:
        response = await client.post(f"{base}/{path}", json=body, headers=h)
        assert response.status == 201, (path, await response.text())
    concern = await (await client.get(base, headers=h)).json()
    assert concern["closed"] is True
    assert {(d["code"], d["item"]): d["state"] for d in concern["deadlines"]} == {
        ("CH01", ""): "met",
        ("CH02", ""): "met",
        ("CH03", "finish"): "met",
        ("CH03", "concerned_told"): "met",
        ("CH03", "family_invited"): "met",
        ("CH03", "child_heard"): "met",
        ("CH03", "communicated"): "met",
        ("CH05", "concern_preliminary"): "met",
        ("CH05", "concern_investigation_outcome"): "met",
        ("CH06", ""): "met",
        ("CH07", "risk_assessment"): "met",
        ("CH07", "police_report"): "met",
        ("CH08", ""): "met",
    }
    # Four months from 9 March 2026 is Tuesday 9 July: the same day under lag (1930:173).
    assert _deadline(concern, "CH03", "finish")["due_on"] == "2026-07-09"
    assert [s["kind"] for s in concern["steps"]][-3:] == [
        "investigation_progress",
        "investigation_progress",
        "investigation_end",
    ]
    async with db.transaction() as conn:
        audited = await conn.fetch(
            "SELECT action FROM audit_event WHERE object_type = 'concern_report' AND object_id = $1",
            uuid.UUID(concern["id"]),
        )
    assert sorted({r["action"] for r in audited}) == ["create", "read", "update"]
    assert sum(r["action"] == "update" for r in audited) == len(steps)


async def test_a_decision_by_an_unreported_sub_delegation_is_deficient(
    client: Client, db: Database, municipality: str
) -> None:
    """The auditors' finding: a social worker decided not to investigate on a sub-delegation the
    nämnd was never told of. CH05 shows it, and the förhandsbedömning is still on time."""
    ids = await _arrange(db, municipality)
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    concern = await (
        await client.post(
            "/api/v1/concerns",
            json={
                "child_id": ids["child"],
                "received_at": "2026-03-02T09:00:00+01:00",
                "reporter_kind": "private_person",
                "reason": "Grannen hör skrik",
            },
            headers=h,
        )
    ).json()
    response = await client.post(
        f"/api/v1/concerns/{concern['id']}/preliminary-assessment",
        json={
            "decided_on": "2026-03-06",
            "outcome": "not_open",
            "prior_knowledge": "Ingen tidigare kännedom",
            "child_view_missing_reason": "Barnet är två år",
            "decided_by": ids["worker"],
        },
        headers=h,
    )
    assert response.status == 201, await response.text()
    concern = await response.json()
    assert _deadline(concern, "CH05", "concern_preliminary")["state"] == "deficient"
    assert "ej behörig" in _deadline(concern, "CH05", "concern_preliminary")["detail"]
    assert _deadline(concern, "CH02")["state"] == "met"

    # The auditors' form for the same report (their sample case 1 in the 002 seed's appendix).
    granskare = bearer(await api_token(db, municipality, StaffRole.GRANSKARE))
    form = await (await client.get(f"/api/v1/concerns/{concern['id']}/review", headers=granskare)).json()
    answers = {(a["section"][:5], a["question"]): a["answer"] for a in form["answers"]}
    assert answers[("Förha", "Har skyddsbedömning genomförts skyndsamt?")] == "nej"
    assert answers[("Förha", "Har förhandsbedömning genomförts skyndsamt?")] == "ja"
    assert answers[("Förha", "Har barnets inställning inhämtats? Om inte, har orsak angetts?")] == "ja"
    assert answers[("Förha", "Har beslut fattats av behörig delegat?")] == "nej"
    assert (
        answers[("Förha", "Vid förlängning av förhandsbedömning, har skäl dokumenterats?")] == "ej aktuellt"
    )
    assert answers[("Utred", "Har utredning genomförts skyndsamt?")] == "ej aktuellt"


async def test_bad_steps_get_swedish_errors_and_change_nothing(
    client: Client, db: Database, municipality: str
) -> None:
    """A förhandsbedömning without the child's view or why not, a date before the report came in,
    a report received in the future: 422 with Swedish messages; an investigation step before the
    investigation started: 409. Nothing is stored."""
    ids = await _arrange(db, municipality)
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    response = await client.post(
        "/api/v1/concerns",
        json={"child_id": ids["child"], "received_at": future, "reporter_kind": "police", "reason": "Oro"},
        headers=h,
    )
    assert response.status == 422
    assert "framtiden" in (await response.json())["errors"][0]["message"]

    concern = await (
        await client.post(
            "/api/v1/concerns",
            json={
                "child_id": ids["child"],
                "received_at": "2026-03-02T09:00:00+01:00",
                "reporter_kind": "police",
                "reason": "Oro",
            },
            headers=h,
        )
    ).json()
    base = f"/api/v1/concerns/{concern['id']}"
    no_view = {
        "decided_on": "2026-03-06",
        "outcome": "not_open",
        "prior_knowledge": "Ingen",
        "decided_by": ids["lead"],
    }
    response = await client.post(f"{base}/preliminary-assessment", json=no_view, headers=h)
    assert response.status == 422
    body = await response.json()
    assert body["errors"][0]["message"] == "Ange barnets inställning eller varför den inte har inhämtats"

    early = {**no_view, "decided_on": "2026-02-20", "child_view": "Vill inte"}
    response = await client.post(f"{base}/preliminary-assessment", json=early, headers=h)
    assert response.status == 422
    assert (await response.json())["errors"] == [
        {"field": "body.decided_on", "message": "Datumet ligger före anmälan kom in", "code": "before_report"}
    ]

    response = await client.post(
        f"{base}/investigation/progress", json={"concerned_told_on": "2026-03-05"}, headers=h
    )
    assert response.status == 409
    assert "inte inletts" in (await response.json())["detail"]

    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM concern_step") == 0


async def test_the_watch_list_puts_overdue_first_and_splits_the_units(
    client: Client, db: Database, municipality: str
) -> None:
    """The mottagning sees the missing skyddsbedömning (overdue) before the förhandsbedömning due
    soon; the utredning unit sees the investigation running past four months; a report closed long
    ago is gone."""
    ids = await _arrange(db, municipality)
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE))
    today = today_in_sweden()

    async def report(received: dt.date) -> str:
        moment = dt.datetime.combine(received, dt.time(10), tzinfo=dt.UTC).isoformat()
        body = {"child_id": ids["child"], "received_at": moment, "reporter_kind": "school", "reason": "Oro"}
        return str((await (await client.post("/api/v1/concerns", json=body, headers=h)).json())["id"])

    fresh = await report(add_days(today, -12))  # no skyddsbedömning: overdue; förhandsbedömning soon
    investigated = await report(add_days(today, -200))
    base = f"/api/v1/concerns/{investigated}"
    for path, body in (
        (
            "protection-assessment",
            {
                "made_at": dt.datetime.combine(add_days(today, -200), dt.time(12), tzinfo=dt.UTC).isoformat(),
                "made_by_name": "Sam",
                "made_by_role": "socialsekreterare",
                "circumstances": "Uppgifter från skolan",
                "conclusion": "Inget omedelbart skyddsbehov",
            },
        ),
        (
            "preliminary-assessment",
            {
                "decided_on": add_days(today, -195).isoformat(),
                "outcome": "open_investigation",
                "prior_knowledge": "Ingen",
                "child_view": "Barnet vill ha hjälp",
                "decided_by": ids["lead"],
            },
        ),
        ("investigation", {"started_on": add_days(today, -195).isoformat(), "org_unit": "Utredning 1"}),
    ):
        assert (await client.post(f"{base}/{path}", json=body, headers=h)).status == 201
    closed = await report(add_days(today, -100))
    closing = {
        "decided_on": add_days(today, -95).isoformat(),
        "outcome": "not_open",
        "prior_knowledge": "Ingen",
        "child_view": "Inget att oroa sig för",
        "decided_by": ids["lead"],
    }
    assert (
        await client.post(f"/api/v1/concerns/{closed}/preliminary-assessment", json=closing, headers=h)
    ).ok

    mottagning = await (await client.get("/api/v1/concern-watch-list?phase=mottagning", headers=h)).json()
    rows = [(e["concern_id"], e["item"]["code"], e["item"]["state"]) for e in mottagning["items"]]
    assert rows[:2] == [(fresh, "CH01", "overdue"), (fresh, "CH02", "due_soon")]
    assert closed not in {r[0] for r in rows}
    assert all(e["item"]["phase"] == "mottagning" for e in mottagning["items"])

    utredning = await (await client.get("/api/v1/concern-watch-list?phase=utredning", headers=h)).json()
    found = {(e["concern_id"], e["item"]["code"], e["item"]["item"]): e["item"] for e in utredning["items"]}
    finish = found[(investigated, "CH03", "finish")]
    assert (finish["state"], finish["state_label"]) == ("overdue", "försenad")
    # The steps not taken in their time are overdue too; the earliest due comes first.
    order = [e["item"]["item"] for e in utredning["items"]]
    assert order[:2] == ["concerned_told", "family_invited"]
    assert set(order[2:5]) == {"finish", "child_heard", "communicated"}

    # The utredning unit that took the case over sees it; the mottagning's own list does not.
    unit = await (await client.get("/api/v1/concern-watch-list?org_unit=Utredning%201", headers=h)).json()
    assert {e["concern_id"] for e in unit["items"]} == {investigated}

    response = await client.get("/api/v1/concern-watch-list?phase=kassa", headers=h)
    assert response.status == 422


async def test_a_placement_decision_links_to_its_investigation(
    client: Client, db: Database, municipality: str
) -> None:
    """An investigation ending in a placement is open under CH08 until the placement decision names
    it; a decision of another child cannot be linked."""
    ids = await _arrange(db, municipality)
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE))
    async with db.transaction() as conn:
        municipality_id = await conn.fetchval(
            "SELECT id FROM municipality WHERE kommunkod = $1", municipality
        )
        placement = await conn.fetchval(
            """INSERT INTO placement (municipality_id, child_id, form, legal_basis, home_name, start_date)
               VALUES ($1, $2, 'familjehem', 'sol', 'Familjen B', '2026-06-20') RETURNING id""",
            municipality_id,
            uuid.UUID(ids["child"]),
        )
        decision = await conn.fetchval(
            """INSERT INTO decision (municipality_id, placement_id, kind, decided_on, decided_by, valid_from)
               VALUES ($1, $2, 'placement_sol', '2026-06-19', $3, '2026-06-20') RETURNING id""",
            municipality_id,
            placement,
            uuid.UUID(ids["lead"]),
        )
    concern = await (
        await client.post(
            "/api/v1/concerns",
            json={
                "child_id": ids["child"],
                "received_at": "2026-03-02T09:00:00+01:00",
                "reporter_kind": "health_care",
                "reason": "Oro",
            },
            headers=h,
        )
    ).json()
    base = f"/api/v1/concerns/{concern['id']}"
    for path, body in (
        (
            "preliminary-assessment",
            {
                "decided_on": "2026-03-05",
                "outcome": "open_investigation",
                "prior_knowledge": "Ingen",
                "child_view": "Barnet vill bo hos mormor",
                "decided_by": ids["lead"],
            },
        ),
        ("investigation", {"started_on": "2026-03-05"}),
        (
            "investigation/end",
            {
                "ended_on": "2026-06-18",
                "outcome": "placement",
                "outcome_reason": "Barnet behöver vård utanför hemmet",
                "decided_by": ids["lead"],
            },
        ),
    ):
        assert (await client.post(f"{base}/{path}", json=body, headers=h)).status == 201
    before = await (await client.get(base, headers=h)).json()
    assert _deadline(before, "CH08", "placement_link")["state"] == "open"
    response = await client.post(
        f"{base}/placement-decision", json={"decision_id": str(uuid.uuid4())}, headers=h
    )
    assert response.status == 422
    response = await client.post(f"{base}/placement-decision", json={"decision_id": str(decision)}, headers=h)
    assert response.status == 200, await response.text()
    assert _deadline(await response.json(), "CH08", "placement_link")["state"] == "met"


async def test_a_deadline_on_a_day_off_shows_the_rolled_day(
    client: Client, db: Database, municipality: str
) -> None:
    """A report received on Saturday 6 June 2026: 14 days end on Saturday 20 June (midsommardagen);
    lag (1930:173) would move it to Monday 22 June, shown beside the calendar day."""
    ids = await _arrange(db, municipality)
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    response = await client.post(
        "/api/v1/concerns",
        json={
            "child_id": ids["child"],
            "received_at": "2026-06-06T10:00:00+02:00",
            "reporter_kind": "police",
            "reason": "Oro",
        },
        headers=h,
    )
    preliminary = _deadline(await response.json(), "CH02")
    assert (preliminary["due_on"], preliminary["rolled_due_on"]) == ("2026-06-20", "2026-06-22")


def test_every_concern_vocabulary_value_has_a_swedish_label() -> None:
    for vocabulary in VOCABULARIES:
        for value in vocabulary:
            assert label(value)


async def test_the_delegation_order_takes_this_stages_decisions(
    client: Client, db: Database, municipality: str
) -> None:
    """An administrator records that social workers may decide förhandsbedömningar by a
    sub-delegation not yet reported to the nämnd; the order lists it, and a decision taken on it
    is not authorised (CH05) until it is reported."""
    ids = await _arrange(db, municipality)
    admin = bearer(await api_token(db, municipality, StaffRole.ADMINISTRATOR))
    rule = {
        "decision_kind": "concern_preliminary_extension",
        "role": "socialsekreterare",
        "sub_delegated": True,
    }
    created = await client.post("/api/v1/delegation-rules", json=rule, headers=admin)
    assert created.status == 201, await created.text()
    assert (await created.json())["sub_delegated"] is True
    listed = await (await client.get("/api/v1/delegation-rules", headers=admin)).json()
    assert {(r["decision_kind"], r["sub_delegated"]) for r in listed["items"]} >= {
        ("concern_preliminary", False),
        ("concern_preliminary_extension", True),
    }
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    concern = await (
        await client.post(
            "/api/v1/concerns",
            json={
                "child_id": ids["child"],
                "received_at": "2026-03-02T09:00:00+01:00",
                "reporter_kind": "police",
                "reason": "Oro",
            },
            headers=h,
        )
    ).json()
    extension = {
        "decided_on": "2026-03-10",
        "until": "2026-03-25",
        "reason": "Synnerliga skäl: barnet är inlagt",
        "decided_by": ids["worker"],
    }
    response = await client.post(
        f"/api/v1/concerns/{concern['id']}/preliminary-assessment/extension", json=extension, headers=h
    )
    assert response.status == 201, await response.text()
    assert _deadline(await response.json(), "CH05", "concern_preliminary_extension")["state"] == "deficient"
