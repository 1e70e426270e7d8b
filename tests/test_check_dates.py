"""`placement check-dates`: rows stored before the date rules that break them are reported, by id
and in Swedish, and left as they are (issue 12)."""

from __future__ import annotations

import datetime as dt

from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from tests.api.test_placements import Client, created
from tests.conftest import SessionDatabase
from tests.test_cli import clean_env, run


async def test_rows_breaking_the_date_rules_are_reported_not_changed(
    client: Client, as_officer: dict[str, str], db: Database, test_database: SessionDatabase
) -> None:
    today = today_in_sweden()
    child = await created(
        await client.post(
            "/api/v1/children", json={"name": "Ca C", "birth_date": "2013-01-01"}, headers=as_officer
        )
    )
    body = {"child_id": child["id"], "form": "hvb", "legal_basis": "sol", "home_name": "HVB"}
    placement = await created(
        await client.post(
            "/api/v1/placements", json={**body, "start_date": today.isoformat()}, headers=as_officer
        )
    )
    visit = await created(
        await client.post(
            f"/api/v1/placements/{placement['id']}/events",
            json={
                "kind": "visit",
                "occurred_on": today.isoformat(),
                "details": {"in_home": True, "private_talk": True},
            },
            headers=as_officer,
        )
    )
    ahead = today + dt.timedelta(days=5 * 365)
    async with db.transaction() as conn:  # as the rows came in before the rules
        await conn.execute(
            "UPDATE placement SET planned_end_date = '9999-12-31' WHERE id = $1::uuid", placement["id"]
        )
        await conn.execute(
            "UPDATE placement_event SET occurred_on = $2 WHERE id = $1::uuid", visit["id"], ahead
        )

    env = clean_env(DATABASE_URL=test_database.service, PLACEMENT_MIGRATION_DATABASE_URL=test_database.owner)
    result = run("check-dates", "1480", env=env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "1480 Testkommunen: 2 rader bryter mot datumreglerna",
        f"  placering {placement['id']}: planerat slutdatum 9999-12-31 är skrivet som ett datum men betyder "
        "tills vidare (läses nu som öppet)",
        f"  händelse {visit['id']}: datum {ahead.isoformat()} ligger efter dagens datum",
    ]
    async with db.transaction() as conn:
        unchanged = await conn.fetchval(
            "SELECT occurred_on FROM placement_event WHERE id = $1::uuid", visit["id"]
        )
    assert unchanged == ahead
    assert "Ca C" not in result.stdout

    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE placement SET planned_end_date = NULL WHERE id = $1::uuid", placement["id"]
        )
        await conn.execute(
            "UPDATE placement_event SET occurred_on = $2 WHERE id = $1::uuid", visit["id"], today
        )
    clean = run("check-dates", env=env)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.splitlines() == ["1480 Testkommunen: 0 rader bryter mot datumreglerna"]
