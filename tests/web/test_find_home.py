"""Hitta hem over HTTP against the real database: the register's units that fit the child's age
on the start date and needs, with permit state, free places and signals; the municipality's foster
homes with their investigation and register extracts; a check one click away; bad input in Swedish."""

from __future__ import annotations

import datetime as dt

import asyncpg

from placement.core.clock import today_in_sweden
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES
from tests.conftest import demo_user as user
from tests.web.conftest import Client, sign_in_as


def born_aged(years: int) -> str:
    today = today_in_sweden()
    return today.replace(year=today.year - years, day=1).isoformat()


async def test_units_that_fit_the_child_and_a_check_one_click_away(
    demo_site: Client, owner: asyncpg.Connection
) -> None:
    """A 14-year-old with psychosocial needs: U-1001 (13–17, psychosocial and criminality, valid
    permit, places free) is found with its intervention and a link to check it; a 10-year-old is
    outside its målgrupp and it is not; a need it does not cover leaves it out too."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    await sign_in_as(demo_site, "petra@demo.invalid")
    found = await demo_site.get(
        "/hitta-hem",
        params=[("form", "hvb"), ("fodd", born_aged(14)), ("behov", "psychosocial"), ("lediga", "ja")],
    )
    html = await found.text()
    assert found.status == 200
    assert "HVB Solgläntan (exempel)" in html
    assert "Barnet är 14 år på startdatumet" in html
    assert "Gällande" in html
    assert "2 lediga" in html  # 8 places, 6 reported occupied
    assert "1 ingripande från IVO" in html
    assert "/kontroller/ny?enhet=U-1001&amp;form=hvb" in html
    assert "Kommunens familjehem" not in html  # an HVB search shows units only

    younger = await (await demo_site.get("/hitta-hem", params={"form": "hvb", "fodd": born_aged(10)})).text()
    assert "HVB Solgläntan (exempel)" not in younger
    other_need = await (
        await demo_site.get("/hitta-hem", params=[("fodd", born_aged(14)), ("behov", "eating_disorder")])
    ).text()
    assert "HVB Solgläntan (exempel)" not in other_need


async def test_foster_homes_show_investigation_and_register_extracts(demo_site: Client) -> None:
    """An investigated, approved home with both people's extracts from this year reads as current;
    one never investigated, with a person lacking extracts, says so in words."""
    today = today_in_sweden()
    recent = (today - dt.timedelta(days=30)).isoformat()
    for body in (
        {
            "name": "Familjehemmet Asp (demo)",
            "kind": "familjehem",
            "investigated_on": recent,
            "approved_on": recent,
            "parents": [
                {"name": "Anna Asp", "belastningsregister_on": recent, "misstankeregister_on": recent},
                {"name": "Bo Asp", "belastningsregister_on": recent, "misstankeregister_on": recent},
            ],
        },
        {"name": "Jourhemmet Gran (demo)", "kind": "jourhem", "parents": [{"name": "Cia Gran"}]},
    ):
        created = await demo_site.post("/api/v1/foster-homes", json=body, headers=user("petra"))
        assert created.status == 201, await created.text()
    await sign_in_as(demo_site, "petra@demo.invalid")
    html = await (await demo_site.get("/hitta-hem", params={"form": ""})).text()
    asp = html[html.index("Familjehemmet Asp (demo)") :].split("</tr>")[0]
    gran = html[html.index("Jourhemmet Gran (demo)") :].split("</tr>")[0]
    assert f"Godkänt {recent}" in asp
    assert f"Aktuella, äldsta {recent}" in asp
    assert "Inte utrett" in gran
    assert "Saknas för 1 av 1" in gran
    assert "form=jourhem" in gran


async def test_bad_search_input_comes_back_in_swedish(demo_site: Client) -> None:
    await sign_in_as(demo_site, "petra@demo.invalid")
    response = await demo_site.get("/hitta-hem", params={"fodd": "fjortis", "kommun": "Solna"})
    html = await response.text()
    assert response.status == 422
    assert "Ange barnets födelsedatum som ÅÅÅÅ-MM-DD" in html
    assert "Ange kommunkoden med fyra siffror" in html
    assert 'value="fjortis"' in html
    assert 'value="Solna"' in html
