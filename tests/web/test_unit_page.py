"""Enhet over HTTP against the real database: the permit as the register says it, every version
of the entry, IVO's interventions, the counts across municipalities and the municipality's own
contracts with the provider; a bad date comes back in Swedish, an unknown unit is a 404."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg

from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES
from tests.conftest import demo_user as user
from tests.web.conftest import Client, sign_in_as


async def test_a_unit_shows_its_permit_history_interventions_and_contracts(
    demo_site: Client, owner: asyncpg.Connection, tmp_path: Path
) -> None:
    """Two imports (the places changed between them): today's page shows the new number, the
    history both versions; the intervention and Ulf's framework agreement with the provider are
    there; a person who runs checks is offered a check at this unit."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    changed: dict[str, Any] = json.loads((SAMPLES / "ivo.json").read_text())
    changed["units"][0]["permit"]["places"] = 5
    path = tmp_path / "fewer.json"
    path.write_text(json.dumps(changed))
    await run_import(owner, Feed.IVO, str(path))
    contract = await demo_site.post(
        "/api/v1/contracts",
        json={
            "provider_orgnr": "5599000014",
            "kind": "ramavtal",
            "reference": "RA-2026-7",
            "valid_from": "2026-01-01",
        },
        headers=user("ulf"),
    )
    assert contract.status == 201, await contract.text()

    await sign_in_as(demo_site, "petra@demo.invalid")
    response = await demo_site.get("/enheter/U-1001")
    html = await response.text()
    assert response.status == 200
    assert "HVB Solgläntan (exempel)" in html
    assert "IVO-2021-0001" in html
    assert "gällande" in html
    assert '<dd class="definition-list__definition">5;' in html
    assert html.count("gäller nu") == 1
    assert "föreläggande 2026-05-12" in html
    assert "RA-2026-7" in html
    assert "Kontrollera en placering här" in html
    assert "/kontroller/ny?enhet=U-1001" in html


async def test_a_bad_date_and_an_unknown_unit(demo_site: Client, owner: asyncpg.Connection) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    await sign_in_as(demo_site, "ulf@demo.invalid")
    bad = await demo_site.get("/enheter/U-1001?datum=igår")
    html = await bad.text()
    assert bad.status == 422
    assert "Ange datum som ÅÅÅÅ-MM-DD" in html
    assert 'value="igår"' in html
    assert "Kontrollera en placering här" not in html  # procurement runs no checks
    missing = await demo_site.get("/enheter/U-9999")
    assert missing.status == 404
    assert "Sidan finns inte" in await missing.text()
