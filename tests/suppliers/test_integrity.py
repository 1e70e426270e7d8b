"""Integrity against the real database: declarations, screening and review, and the flags
SV04 (late contract follow-up), SV05 (purchases without contract), SV06 (links) and SV07
(missing declarations)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient

from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.api.test_placements import delegated
from tests.conftest import api_token, bearer
from tests.suppliers.test_import import place

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
Client = TestClient[Any, Any]
OWNER_PNR = "197004029810"


def companies(**officer: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SAMPLES / "companies.json").read_text())
    if officer:
        document["providers"][0]["officers"][0].update(officer)
    return document


async def registers(owner: asyncpg.Connection, tmp_path: Path, **officer: Any) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"))
    path = tmp_path / f"companies-{len(officer)}-{hash(json.dumps(officer, default=str))}.json"
    path.write_text(json.dumps(companies(**officer)))
    await run_import(owner, Feed.COMPANIES, str(path))


async def staff(
    client: Client, admin: dict[str, str], name: str, roles: list[str], **extra: Any
) -> dict[str, Any]:
    response = await client.post("/api/v1/staff", json={"name": name, "roles": roles, **extra}, headers=admin)
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


@pytest.fixture
async def procurement(db: Database, municipality: str) -> dict[str, str]:
    return bearer(await api_token(db, municipality, StaffRole.UPPHANDLARE, name="Ulf"))


async def run(client: Client, procurement: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/api/v1/screening/runs", headers=procurement)
    assert response.status == 200, await response.text()
    summary: dict[str, Any] = await response.json()
    return summary


async def queue(client: Client, procurement: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        await (await client.get("/api/v1/screening/matches", headers=procurement)).json()
    )["items"]
    return items


async def test_identifier_match(
    client: Client,
    owner: asyncpg.Connection,
    tmp_path: Path,
    as_admin: dict[str, str],
    procurement: dict[str, str],
) -> None:
    await registers(owner, tmp_path, personnummer=OWNER_PNR)
    await staff(client, as_admin, "Helt Annat Namn", ["socialsekreterare"], personnummer=OWNER_PNR)
    await run(client, procurement)
    [match] = await queue(client, procurement)
    assert (match["basis"], match["score"], match["provider_orgnr"]) == ("personnummer", 100, "5599000014")


async def test_name_match_despite_spelling_and_order(
    client: Client,
    owner: asyncpg.Connection,
    tmp_path: Path,
    as_admin: dict[str, str],
    procurement: dict[str, str],
) -> None:
    await registers(owner, tmp_path)  # officer "Carl Ägare (exempel)", born 1970-04-02
    await staff(client, as_admin, "Agare Carl", ["placeringsstod"], birth_date="1970-04-02")
    await staff(client, as_admin, "Carl Ägare", ["placeringsstod"], birth_date="1985-01-01")
    await run(client, procurement)
    [match] = await queue(client, procurement)
    assert (match["subject_name"], match["basis"]) == ("Agare Carl", "name")
    assert match["score"] >= 90


async def test_a_relatives_engagement_is_screened(
    client: Client,
    owner: asyncpg.Connection,
    tmp_path: Path,
    as_admin: dict[str, str],
    procurement: dict[str, str],
) -> None:
    await registers(owner, tmp_path)
    sami = await staff(client, as_admin, "Sami S", ["socialsekreterare"])
    declaration = {
        "declared_on": "2026-09-01",
        "interests": [
            {
                "kind": "relative_engagement",
                "organisation_name": "Solgläntan",
                "person_name": "Dora Ledamot",
                "person_birth_date": "1981-11-23",
                "relation": "syster",
            }
        ],
    }
    assert (
        await client.post(f"/api/v1/staff/{sami['id']}/declarations", json=declaration, headers=as_admin)
    ).status == 201
    await run(client, procurement)
    matched = await queue(client, procurement)
    assert any(m["subject"].startswith("relative:") and m["officer_role"] == "board_member" for m in matched)


async def test_a_shared_company_word_is_no_match(
    client: Client,
    owner: asyncpg.Connection,
    tmp_path: Path,
    as_admin: dict[str, str],
    procurement: dict[str, str],
) -> None:
    await registers(owner, tmp_path)
    ulla = await staff(client, as_admin, "Ulla U", ["upphandlare"])
    declaration = {
        "declared_on": "2026-09-01",
        "interests": [{"kind": "board_seat", "organisation_name": "Omsorg AB"}],
    }
    await client.post(f"/api/v1/staff/{ulla['id']}/declarations", json=declaration, headers=as_admin)
    await run(client, procurement)
    assert await queue(client, procurement) == []


async def test_dismissed_stays_dismissed_until_the_data_changes(
    client: Client,
    owner: asyncpg.Connection,
    tmp_path: Path,
    as_admin: dict[str, str],
    procurement: dict[str, str],
) -> None:
    await registers(owner, tmp_path)
    await staff(client, as_admin, "Carl Ägare", ["placeringsstod"], birth_date="1970-04-02")
    await run(client, procurement)
    [match] = await queue(client, procurement)
    reviewed = await client.post(
        f"/api/v1/screening/matches/{match['id']}/review",
        json={"decision": "dismiss", "reason": "Annan person med samma namn"},
        headers=procurement,
    )
    assert (await reviewed.json())["status"] == "dismissed"
    again = await run(client, procurement)
    assert again["open_matches"] == 0
    assert [m["status"] for m in await queue(client, procurement)] == ["dismissed"]
    await registers(owner, tmp_path, name="Carl Ägare (exempel) Junior")  # the officer's record changes
    await run(client, procurement)
    [reopened] = await queue(client, procurement)
    assert (reopened["status"], reopened["review_reason"]) == ("open", None)


async def flags(client: Client, headers: dict[str, str], code: str) -> list[dict[str, Any]]:
    items = (await (await client.get("/api/v1/integrity/flags", headers=headers)).json())["items"]
    return [f for f in items if f["code"] == code]


async def test_sv06_is_raised_by_a_decision_the_person_took(
    client: Client,
    owner: asyncpg.Connection,
    tmp_path: Path,
    as_admin: dict[str, str],
    db: Database,
    procurement: dict[str, str],
    municipality: str,
    as_officer: dict[str, str],
) -> None:
    await registers(owner, tmp_path)
    carl = await staff(client, as_admin, "Carl Ägare", ["teamledare"], birth_date="1970-04-02")
    await delegated(client, as_admin, carl, "extension")
    await run(client, procurement)
    [flag] = await flags(client, procurement, "SV06")
    assert (flag["severity"], flag["involvement"]) == ("warn", [])
    placement_id = await place(db, municipality, "U-1001")
    decision = {
        "kind": "extension",
        "decided_on": "2026-01-01",
        "decided_by": carl["id"],
        "valid_from": "2026-01-01",
    }
    assert (
        await client.post(f"/api/v1/placements/{placement_id}/decisions", json=decision, headers=as_officer)
    ).status == 201
    [raised] = await flags(client, procurement, "SV06")
    assert raised["severity"] == "block"
    assert raised["involvement"] == ["beslut om placering på U-1001"]


async def test_sv07_declarations(
    client: Client, as_admin: dict[str, str], procurement: dict[str, str]
) -> None:
    today = today_in_sweden()
    fresh = await staff(client, as_admin, "Färsk F", ["socialsekreterare"])
    stale = await staff(client, as_admin, "Gammal G", ["placeringsstod"])
    await staff(client, as_admin, "Aldrig A", ["upphandlare"])
    await staff(client, as_admin, "Admin B", ["administrator"])  # not a declaring role
    for person, when in ((fresh, today - dt.timedelta(days=30)), (stale, today - dt.timedelta(days=400))):
        body = {"declared_on": when.isoformat(), "nothing_to_declare": True}
        assert (
            await client.post(f"/api/v1/staff/{person['id']}/declarations", json=body, headers=as_admin)
        ).status == 201
    flagged = sorted(f["detail"].split(":")[0] for f in await flags(client, procurement, "SV07"))
    assert flagged == ["Aldrig A", "Gammal G"]


async def test_declarations_are_versioned_and_private(
    client: Client, as_admin: dict[str, str], db: Database, municipality: str
) -> None:
    person = await staff(client, as_admin, "Sara S", ["socialsekreterare"])
    path = f"/api/v1/staff/{person['id']}/declarations"
    for day in ("2025-09-01", "2026-09-01"):
        await client.post(path, json={"declared_on": day, "nothing_to_declare": True}, headers=as_admin)
    listed = await (await client.get(path, headers=as_admin)).json()
    assert [d["declared_on"] for d in listed["history"]] == ["2026-09-01", "2025-09-01"]
    assert listed["current"]["declared_on"] == "2026-09-01"
    colleague = bearer(await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE))
    assert (await client.get(path, headers=colleague)).status == 403
    bad = await client.post(path, json={"declared_on": "2026-10-01"}, headers=as_admin)
    assert bad.status == 422


async def test_sv04_late_follow_up_of_a_contract_in_use(
    client: Client,
    as_admin: dict[str, str],
    db: Database,
    municipality: str,
    procurement: dict[str, str],
    owner: asyncpg.Connection,
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"))
    today = today_in_sweden()
    contract = {
        "provider_orgnr": "5599000014",
        "unit_codes": ["U-1001"],
        "kind": "ramavtal",
        "valid_from": (today - dt.timedelta(days=500)).isoformat(),
        "follow_up_interval_months": 12,
    }
    created = await (await client.post("/api/v1/contracts", json=contract, headers=procurement)).json()
    assert await flags(client, procurement, "SV04") == []  # not in use: no child placed there
    await place(db, municipality, "U-1001")
    [late] = await flags(client, procurement, "SV04")
    assert late["contract_id"] == created["id"]
    ulf = await staff(client, as_admin, "Ulf U", ["upphandlare"])
    await client.post(
        f"/api/v1/contracts/{created['id']}/follow-ups",
        json={"followed_up_on": today.isoformat(), "by_staff": ulf["id"], "result": "ok"},
        headers=procurement,
    )
    assert await flags(client, procurement, "SV04") == []


async def test_sv05_purchases_without_contract_over_the_limit(
    client: Client, db: Database, municipality: str, procurement: dict[str, str], owner: asyncpg.Connection
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"))
    placement_id = await place(db, municipality, "U-1001")
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE placement SET daily_cost = 100, start_date = $2 WHERE id = $1",
            placement_id,
            dt.date(today_in_sweden().year, 1, 1),
        )
    assert await flags(client, procurement, "SV05") == []  # well under the limit
    async with db.transaction() as conn:
        await conn.execute("UPDATE placement SET daily_cost = 9000 WHERE id = $1", placement_id)
    [over] = await flags(client, procurement, "SV05")
    assert over["provider_orgnr"] == "5599000014"
    contract = {
        "provider_orgnr": "5599000014",
        "unit_codes": ["U-1001"],
        "kind": "individavtal",
        "valid_from": f"{today_in_sweden().year}-01-01",
    }
    await client.post("/api/v1/contracts", json=contract, headers=procurement)
    assert await flags(client, procurement, "SV05") == []
    overview = await (await client.get("/api/v1/procurement/overview", headers=procurement)).json()
    [row] = overview["items"]
    assert (row["provider_orgnr"], row["active_contracts"], row["current_placements"]) == ("5599000014", 1, 1)
    as_csv = await client.get("/api/v1/procurement/overview?format=csv", headers=procurement)
    assert as_csv.content_type == "text/csv"
    # Swedish Excel: UTF-8 with BOM, semicolons, Swedish headers, decimal comma.
    raw = await as_csv.read()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Organisationsnummer;Utförare;Avtal i kraft;Nästa avtalsuppföljning")
    assert lines[2].startswith("5599000014;")
    assert lines[2].split(";")[5].endswith(",0")  # the cost without contract, with a decimal comma


async def test_a_foster_parent_is_screened_and_a_decision_raises_it(
    client: Client, as_admin: dict[str, str], as_officer: dict[str, str], procurement: dict[str, str]
) -> None:
    """A staff member matching a foster parent is a link to that foster home (SV06), blocking once
    they decided a placement there."""
    decider = await staff(client, as_admin, "Karin Fosterförälder", ["teamledare"], birth_date="1975-05-05")
    await delegated(client, as_admin, decider, "extension")
    home = await (
        await client.post(
            "/api/v1/foster-homes",
            json={
                "name": "Familjen K",
                "kind": "familjehem",
                "parents": [{"name": "Karin Fosterförälder", "birth_date": "1975-05-05"}],
            },
            headers=as_officer,
        )
    ).json()
    await run(client, procurement)
    [match] = await queue(client, procurement)
    assert (match["foster_home_id"], match["provider_orgnr"], match["officer_role"]) == (
        home["id"],
        None,
        "foster_parent",
    )
    [flag] = await flags(client, procurement, "SV06")
    assert flag["severity"] == "warn"
    child = await (
        await client.post(
            "/api/v1/children", json={"name": "Barn", "birth_date": "2015-01-01"}, headers=as_officer
        )
    ).json()
    placement = await (
        await client.post(
            "/api/v1/placements",
            json={
                "child_id": child["id"],
                "form": "familjehem",
                "legal_basis": "sol",
                "home_name": "Familjen K",
                "foster_home_id": home["id"],
                "start_date": "2026-10-01",
            },
            headers=as_officer,
        )
    ).json()
    decision = {
        "kind": "extension",
        "decided_on": "2026-10-01",
        "decided_by": decider["id"],
        "valid_from": "2026-10-01",
    }
    assert (
        await client.post(
            f"/api/v1/placements/{placement['id']}/decisions", json=decision, headers=as_officer
        )
    ).status == 201
    [raised] = await flags(client, procurement, "SV06")
    assert (raised["severity"], raised["involvement"]) == ("block", ["beslut om placering i familjehemmet"])


async def test_every_declaration_is_kept_and_the_latest_dated_is_current(
    client: Client, as_admin: dict[str, str]
) -> None:
    """Declaring again never replaces an earlier declaration; a late-registered older one is
    answered as itself and does not become current."""
    vera = await staff(client, as_admin, "Vera V", ["socialsekreterare"])
    path = f"/api/v1/staff/{vera['id']}/declarations"
    newer = {"declared_on": "2026-10-01", "nothing_to_declare": True}
    older = {"declared_on": "2026-03-01", "interests": [{"kind": "assignment", "organisation_name": "Kören"}]}
    assert (await client.post(path, json=newer, headers=as_admin)).status == 201
    created = await client.post(path, json=older, headers=as_admin)
    assert created.status == 201
    answered = await created.json()
    assert (answered["declared_on"], answered["nothing_to_declare"]) == ("2026-03-01", False)
    listed = await (await client.get(path, headers=as_admin)).json()
    assert listed["current"]["declared_on"] == "2026-10-01"
    assert [d["declared_on"] for d in listed["history"]] == ["2026-10-01", "2026-03-01"]
    assert listed["history"][1]["interests"][0]["organisation_name"] == "Kören"


async def test_a_relative_who_is_a_foster_parent_is_declared_and_screened(
    client: Client, as_admin: dict[str, str], as_officer: dict[str, str], procurement: dict[str, str]
) -> None:
    """An official whose sister is a foster parent declares her as a person, without any
    organisation (it used to be a 422 asking for one); the screening links the declaration to
    the foster home (SV06), and a check run for that home with the official as handläggare has
    PP15 naming the link."""
    vera = await staff(client, as_admin, "Vera Syster", ["socialsekreterare"])
    home = await (
        await client.post(
            "/api/v1/foster-homes",
            json={
                "name": "Familjen J",
                "kind": "familjehem",
                "parents": [{"name": "Karin Jävsson", "birth_date": "1978-02-14"}],
            },
            headers=as_officer,
        )
    ).json()
    declaration = {
        "declared_on": today_in_sweden().isoformat(),
        "interests": [
            {
                "kind": "relative_engagement",
                "person_name": "Karin Jävsson",
                "person_birth_date": "1978-02-14",
                "relation": "syster",
                "description": "Familjehemsförälder",
            }
        ],
    }
    declared = await client.post(
        f"/api/v1/staff/{vera['id']}/declarations", json=declaration, headers=as_admin
    )
    assert declared.status == 201, await declared.text()
    [interest] = (await declared.json())["interests"]
    assert (interest["person_name"], interest["orgnr"], interest["organisation_name"]) == (
        "Karin Jävsson",
        None,
        None,
    )
    [match] = await queue(client, procurement)
    assert match["subject"].startswith("relative:")
    assert (match["foster_home_id"], match["officer_role"], match["staff_id"]) == (
        home["id"],
        "foster_parent",
        vera["id"],
    )
    [flag] = await flags(client, procurement, "SV06")
    assert flag["staff_id"] == vera["id"]

    child = await (
        await client.post(
            "/api/v1/children", json={"name": "Barn J", "birth_date": "2015-01-01"}, headers=as_officer
        )
    ).json()
    request = {
        "child_id": child["id"],
        "form": "familjehem",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "foster_home_id": home["id"],
        "handlaggare_id": vera["id"],
        "decided_by_namnd": True,
    }
    checked = await client.post("/api/v1/placement-checks", json=request, headers=as_officer)
    assert checked.status == 201, await checked.text()
    pp15 = [f["detail"] for f in (await checked.json())["findings"] if f["code"] == "PP15"]
    assert pp15 == ["Handläggaren har en koppling: Karin Jävsson (familjehemsförälder)"]


async def test_an_organisation_is_still_needed_for_other_interests(
    client: Client, as_admin: dict[str, str]
) -> None:
    """Only a relative's engagement may leave the organisation out: a board seat without one is a 422."""
    vera = await staff(client, as_admin, "Vera Styrelse", ["socialsekreterare"])
    declaration = {
        "declared_on": today_in_sweden().isoformat(),
        "interests": [{"kind": "board_seat", "person_name": "Vera Styrelse"}],
    }
    refused = await client.post(
        f"/api/v1/staff/{vera['id']}/declarations", json=declaration, headers=as_admin
    )
    assert refused.status == 422, await refused.text()
    assert "organisationsnummer" in (await refused.json())["errors"][0]["message"]
