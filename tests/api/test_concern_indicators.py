"""The egenkontroll indicators of reports of concern reproduce a fixture computed by hand.

Six reports received in 2022, registered through the API, read on 31 December 2022:

| # | unit | child, age | received | skyddsbedömning | förhandsbedömning (due) | utredning (due) |
|---|------|------------|----------|-----------------|-------------------------|-----------------|
| 1 | Norr | girl 3 | 3 Jan | 3 Jan: in time | 10 Jan (17 Jan): in time | none |
| 2 | Norr | boy 14 | 3 Jan | 5 Jan: late | 20 Jan (17 Jan): late | 20 Jan-15 Apr (20 May): in time |
| 3 | Norr | girl 13 | 10 Jan | none: overdue | 20 Jan (24 Jan): in time | 20 Jan-, open (20 May): late |
| 4 | Syd | girl 4 | 1 Feb | other information | not counted | none |
| 5 | Syd | boy 14 | 1 Feb | 2 Feb: in time | 25 Feb (extended to 1 Mar) | 25 Feb-15 Jul (ext. 1 Aug) |
| 6 | Syd | boy 14 | 28 Dec | none (29 Dec): overdue | 11 Jan 2023: not yet | none |

Age bands: 0-5 and 13-17.

skyddsbedömningar 2 of 5 (40.0 %; target 100), Norr 1 of 3 (33.3 %), Syd 1 of 2 (50.0 %); girls 1 of 2,
boys 1 of 3 (33.3 %). förhandsbedömningar 3 of 4 (75.0 %; target 70: met), Norr 2 of 3 (66.7 %),
Syd 1 of 1. utredningar 2 of 3 (66.7 %; target 75: not met).
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from tests.conftest import api_token, bearer

Client = TestClient[Any, Any]


def _protection(day: str) -> dict[str, Any]:
    return {
        "made_at": f"{day}T13:00:00+01:00",
        "made_by_name": "Sam Sekreterare",
        "made_by_role": "socialsekreterare",
        "circumstances": "Uppgifterna i anmälan",
        "conclusion": "Inget omedelbart skyddsbehov",
    }


def _preliminary(day: str, lead: str) -> dict[str, Any]:
    return {
        "decided_on": day,
        "outcome": "open_investigation",
        "prior_knowledge": "Ingen tidigare kännedom",
        "child_view": "Samtal med barnet",
        "decided_by": lead,
    }


def _end(day: str, lead: str) -> dict[str, Any]:
    return {"ended_on": day, "outcome": "intervention", "outcome_reason": "Stöd behövs", "decided_by": lead}


async def _arrange(client: Client, db: Database, kommunkod: str) -> dict[str, str]:
    """The six reports of the table above; returns the headers of a team leader."""
    async with db.transaction() as conn:
        municipality = await conn.fetchval("SELECT id FROM municipality WHERE kommunkod = $1", kommunkod)
        lead = await conn.fetchval(
            "INSERT INTO staff (municipality_id, name, roles) VALUES ($1, 'Tea', '{teamledare}') "
            "RETURNING id",
            municipality,
        )
        children = {}
        for key, birth, sex in (
            ("girl_young", "2018-06-01", "female"),
            ("boy", "2008-01-01", "male"),
            ("girl_teen", "2008-02-02", "female"),
            ("girl_syd", "2017-06-01", "female"),
            ("boy_syd", "2007-09-09", "male"),
        ):
            children[key] = str(
                await conn.fetchval(
                    """INSERT INTO child (municipality_id, name, birth_date, sex)
                       VALUES ($1, 'Barn', $2::text::date, $3) RETURNING id""",
                    municipality,
                    birth,
                    sex,
                )
            )
    h = bearer(await api_token(db, kommunkod, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE))
    lead_id = str(lead)
    fixture: list[tuple[str, str, str, str, list[tuple[str, dict[str, Any]]]]] = [
        (
            "girl_young",
            "Norr",
            "2022-01-03",
            "report",
            [
                ("protection-assessment", _protection("2022-01-03")),
                ("preliminary-assessment", {**_preliminary("2022-01-10", lead_id), "outcome": "not_open"}),
            ],
        ),
        (
            "boy",
            "Norr",
            "2022-01-03",
            "report",
            [
                ("protection-assessment", _protection("2022-01-05")),
                ("preliminary-assessment", _preliminary("2022-01-20", lead_id)),
                ("investigation", {"started_on": "2022-01-20"}),
                ("investigation/end", _end("2022-04-15", lead_id)),
            ],
        ),
        (
            "girl_teen",
            "Norr",
            "2022-01-10",
            "report",
            [
                ("preliminary-assessment", _preliminary("2022-01-20", lead_id)),
                ("investigation", {"started_on": "2022-01-20"}),
            ],
        ),
        ("girl_syd", "Syd", "2022-02-01", "other_information", []),
        (
            "boy_syd",
            "Syd",
            "2022-02-01",
            "report",
            [
                ("protection-assessment", _protection("2022-02-02")),
                (
                    "preliminary-assessment/extension",
                    {
                        "decided_on": "2022-02-10",
                        "until": "2022-03-01",
                        "reason": "Synnerliga skäl: barnet vårdas på sjukhus",
                        "decided_by": lead_id,
                    },
                ),
                ("preliminary-assessment", _preliminary("2022-02-25", lead_id)),
                ("investigation", {"started_on": "2022-02-25"}),
                (
                    "investigation/extension",
                    {
                        "decided_on": "2022-06-20",
                        "until": "2022-08-01",
                        "reason": "Väntar på utlåtande",
                        "decided_by": lead_id,
                    },
                ),
                ("investigation/end", _end("2022-07-15", lead_id)),
            ],
        ),
        ("boy_syd", "Syd", "2022-12-28", "report", []),
    ]
    for child, unit, received, kind, steps in fixture:
        response = await client.post(
            "/api/v1/concerns",
            json={
                "child_id": children[child],
                "received_at": f"{received}T10:00:00+01:00",
                "kind": kind,
                "reporter_kind": "school",
                "reason": "Oro",
                "org_unit": unit,
            },
            headers=h,
        )
        assert response.status == 201, await response.text()
        base = f"/api/v1/concerns/{(await response.json())['id']}"
        for path, body in steps:
            step = await client.post(f"{base}/{path}", json=body, headers=h)
            assert step.status == 201, (path, await step.text())
    return h


async def test_the_indicators_reproduce_the_hand_computed_fixture(
    client: Client, db: Database, municipality: str
) -> None:
    h = await _arrange(client, db, municipality)
    response = await client.get(
        "/api/v1/concern-indicators?received_from=2022-01-01&received_to=2022-12-31&as_of=2022-12-31",
        headers=h,
    )
    assert response.status == 200, await response.text()
    cells = {
        (c["measure"], c["org_unit"], c["sex"], c["age_band"]): (
            c["in_time"],
            c["total"],
            c["percent"],
            c["target_percent"],
            c["meets_target"],
        )
        for c in (await response.json())["items"]
    }
    protection, preliminary, investigation = (
        "protection_in_time_documented",
        "preliminary_in_time",
        "investigation_in_time",
    )
    assert cells[(protection, "alla", "alla", "alla")] == (2, 5, 40.0, 100, False)
    assert cells[(protection, "Norr", "alla", "alla")] == (1, 3, 33.3, 100, False)
    assert cells[(protection, "Syd", "alla", "alla")] == (1, 2, 50.0, 100, False)
    assert cells[(protection, "alla", "female", "alla")] == (1, 2, 50.0, 100, False)
    assert cells[(protection, "alla", "male", "alla")] == (1, 3, 33.3, 100, False)
    assert cells[(protection, "alla", "female", "0-5")] == (1, 1, 100.0, 100, True)
    assert cells[(protection, "Norr", "female", "13-17")] == (0, 1, 0.0, 100, False)
    assert cells[(preliminary, "alla", "alla", "alla")] == (3, 4, 75.0, 70, True)
    assert cells[(preliminary, "Norr", "alla", "alla")] == (2, 3, 66.7, 70, False)
    assert cells[(preliminary, "Syd", "alla", "alla")] == (1, 1, 100.0, 70, True)
    assert cells[(investigation, "alla", "alla", "alla")] == (2, 3, 66.7, 75, False)
    assert cells[(investigation, "Norr", "alla", "alla")] == (1, 2, 50.0, 75, False)
    # The other information and the undecided December report are in no förhandsbedömning count.
    assert (preliminary, "Syd", "female", "alla") not in cells


async def test_the_nämnds_own_targets_are_read_from_policy(
    client: Client, db: Database, municipality: str
) -> None:
    """A nämnd that sets its förhandsbedömning target to 80 % sees 75 % fall short of it."""
    h = await _arrange(client, db, municipality)
    async with db.transaction() as conn:
        await conn.execute(
            """INSERT INTO municipality_policy (municipality_id, key, value)
               SELECT id, 'concerns', policy_value(id, 'concerns') || '{"target_preliminary_percent": 80}'
                 FROM municipality WHERE kommunkod = $1""",
            municipality,
        )
    body = await (
        await client.get(
            "/api/v1/concern-indicators?received_from=2022-01-01&received_to=2022-12-31&as_of=2022-12-31",
            headers=h,
        )
    ).json()
    [overall] = [
        c
        for c in body["items"]
        if (c["measure"], c["org_unit"], c["sex"], c["age_band"])
        == ("preliminary_in_time", "alla", "alla", "alla")
    ]
    assert (overall["percent"], overall["target_percent"], overall["meets_target"]) == (75.0, 80, False)


async def test_a_social_worker_may_not_read_the_indicators(
    client: Client, db: Database, municipality: str
) -> None:
    h = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    response = await client.get(
        "/api/v1/concern-indicators?received_from=2022-01-01&received_to=2022-12-31", headers=h
    )
    assert response.status == 403
    response = await client.get(
        "/api/v1/concern-indicators?received_from=2022-12-31&received_to=2022-01-01",
        headers=bearer(await api_token(db, municipality, StaffRole.GRANSKARE)),
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["message"] == "Periodens slut ligger före dess början"
