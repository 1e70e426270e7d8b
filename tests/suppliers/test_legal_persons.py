"""Screening follows legal persons among a provider's officers (a holding company that owns it or
sits on its board) to their own officers, to the policy's depth, and never screens a company's
name as a person's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp.test_utils import TestClient

from suppliers.formats import Feed, parse_feed
from suppliers.records import Officer, Provider
from suppliers.screening import people_behind
from suppliers.service import run_import
from tests.suppliers.test_integrity import procurement, queue, run, staff  # noqa: F401 - fixture

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"
Client = TestClient[Any, Any]


def provider(orgnr: str, name: str, *officers: Officer) -> Provider:
    return Provider(orgnr=orgnr, name=name, officers=officers)


def person(name: str, role: str = "board_member") -> Officer:
    return Officer.model_validate({"role": role, "name": name, "birth_date": dt.date(1975, 2, 14)})


def company(orgnr: str, name: str, role: str = "owner") -> Officer:
    return Officer.model_validate({"role": role, "name": name, "orgnr": orgnr})


CHAIN = {
    p.orgnr: p
    for p in (
        provider(
            "5599000014", "Vården AB", company("5599000022", "Mellan Holding AB"), person("Anna Direkt")
        ),
        provider("5599000022", "Mellan Holding AB", company("5599000030", "Topp Holding AB")),
        provider("5599000030", "Topp Holding AB", person("Bo Toppson"), company("5599000014", "Vården AB")),
    )
}


def behind(depth: int) -> set[tuple[str, str, tuple[str, ...]]]:
    return {
        (c.officer.name, c.provider_orgnr, c.via)
        for c in people_behind(CHAIN, depth)
        if c.provider_orgnr == "5599000014"
    }


def test_people_behind_holding_companies_to_the_policys_depth() -> None:
    assert behind(0) == {("Anna Direkt", "5599000014", ())}
    assert behind(1) == {("Anna Direkt", "5599000014", ())}  # Mellan Holding has no people
    assert behind(2) == {
        ("Anna Direkt", "5599000014", ()),
        ("Bo Toppson", "5599000014", ("5599000022", "5599000030")),
    }
    assert behind(10) == behind(2)  # the loop back to the provider is not followed


def test_a_company_is_never_screened_as_a_person() -> None:
    named_like_a_company = Officer.model_validate({"role": "owner", "name": "Familjen Ek Holding AB"})
    assert named_like_a_company.is_legal_person
    assert not person("Holger Abrahamsson").is_legal_person
    lone = {
        "5599000048": provider("5599000048", "Ensam AB", named_like_a_company, company("5599000006", "X AB"))
    }
    assert people_behind(lone, 3) == []


def test_the_company_csv_names_a_legal_person_by_its_orgnr() -> None:
    parsed = parse_feed(Feed.COMPANIES, (SAMPLES / "companies.csv").read_bytes(), name="companies.csv")
    [owner] = next(p for p in parsed.providers if p.orgnr == "5599000022").officers
    assert (owner.orgnr, owner.birth_date, owner.is_legal_person) == ("5599000030", None, True)


async def test_screening_finds_a_board_member_of_the_providers_holding_company(
    client: Client,
    owner: asyncpg.Connection,
    as_admin: dict[str, str],
    procurement: dict[str, str],  # noqa: F811 - the fixture imported above
) -> None:
    """A staff member who sits on the board of the holding company that owns the provider is a
    match against the provider, and the match says through which company; the holding company's
    name is not screened as a person."""
    await run_import(owner, Feed.COMPANIES, str(SAMPLES / "companies.csv"))
    await staff(
        client, as_admin, "Frida Holdingsdotter (exempel)", ["socialsekreterare"], birth_date="1975-02-14"
    )
    await staff(client, as_admin, "Trappan Holding (exempel)", ["upphandlare"])
    await run(client, procurement)
    found = {
        (m["subject_name"], m["provider_orgnr"], m["officer_role"]) for m in await queue(client, procurement)
    }
    assert ("Frida Holdingsdotter (exempel)", "5599000022", "board_member via 5599000030") in found
    assert ("Frida Holdingsdotter (exempel)", "5599000030", "board_member") in found
    assert not any(subject == "Trappan Holding (exempel)" for subject, _, _ in found)
