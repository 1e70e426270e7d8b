"""Placement support's pages over HTTP against the real database: Ny kontroll runs the check the
API runs, Kontrollresultat shows every rule and lets a warning be acknowledged and a hinder be
overridden (by someone with delegation, after a confirmation), the decision is recorded through
the API's gate (a 409 shown in Swedish, nothing half-written), and the run's evidence PDF reads
back with what it relied on."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import asyncpg
from pypdf import PdfReader

from placement.bench.demo import synthetic_personnummer
from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES, staff_ids
from tests.conftest import demo_user as user
from tests.web.conftest import Client, csrf_of, sign_in_as


async def rows(db: Database, sql: str, *args: Any) -> list[Any]:
    async with db.transaction() as conn:
        return list(await conn.fetch(sql, *args))


CHECK_URL = re.compile(r"/kontroller/([0-9a-f-]{36})$")


async def a_child(site: Client, name: str = "Ebba Kontrollsson (demo)") -> tuple[dict[str, Any], str]:
    """A child registered by placement support, with a personnummer (as YYYYMMDD-NNNN)."""
    born = today_in_sweden().replace(year=today_in_sweden().year - 14, day=1)
    pnr = synthetic_personnummer(born, 990, female=True)
    created = await site.post(
        "/api/v1/children", json={"name": name, "personnummer": pnr}, headers=user("petra")
    )
    assert created.status == 201, await created.text()
    return dict(await created.json()), f"{pnr[:8]}-{pnr[8:]}"


def check_form(csrf: str, staff: dict[str, str], **more: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "form": "hvb",
        "legal_basis": "sol",
        "start_date": today_in_sweden().isoformat(),
        "decision_kind": "placement_sol",
        "unit_code": "U-1001",
        "primary_need": "psychosocial",
        "handlaggare_id": staff["petra"],
        "decision_maker_id": staff["tove"],
        **more,
    }


async def run_from_form(site: Client, staff: dict[str, str], child: str) -> str:
    """Petra runs the check from Ny kontroll, finding the child by personnummer; the check's id."""
    html = await (await site.get("/kontroller/ny")).text()
    response = await site.post(
        "/kontroller/ny", data=check_form(csrf_of(html), staff, child=child), allow_redirects=False
    )
    assert response.status == 303, await response.text()
    found = CHECK_URL.search(response.headers["Location"])
    assert found is not None
    return found.group(1)


async def test_a_check_run_from_the_form_shows_every_rule_and_is_audited(
    demo_site: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """The child found by personnummer; the result names the child and the unit, lists all 23
    rules with passed ones marked, groups the findings by severity in words; the run and the
    page's read are in the audit log."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo_site)
    child, pnr = await a_child(demo_site)
    await sign_in_as(demo_site, "petra@demo.invalid")
    check_id = await run_from_form(demo_site, staff, pnr)

    page = await demo_site.get(f"/kontroller/{check_id}")
    html = await page.text()
    assert page.status == 200
    assert "Kontrollresultat: Ebba Kontrollsson (demo)" in html
    for n in range(1, 24):
        assert f">PP{n:02d}<" in html
    assert "Inget fynd" in html
    assert "Hinder" in html  # PP14: no documented needs assessment
    assert "IVO-registret, uppgifter från" in html
    assert check_id not in html.replace(f"/kontroller/{check_id}", "")  # no UUID shown to a person
    actions = await rows(
        db,
        "SELECT action FROM audit_event WHERE object_id = $1 AND object_type = 'placement_check'",
        check_id,
    )
    assert {"create", "read"} <= {r["action"] for r in actions}
    assert child["id"]


async def test_bad_input_comes_back_with_values_kept_and_a_message_per_field(
    demo_site: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """Nothing chosen and a date that is not one: 422, the same form, the typed values kept, an
    error summary linking to each field, a Swedish message per field; no run stored."""
    await sign_in_as(demo_site, "petra@demo.invalid")
    html = await (await demo_site.get("/kontroller/ny")).text()
    response = await demo_site.post(
        "/kontroller/ny",
        data={"csrf": csrf_of(html), "child": "Finns Inte", "start_date": "29/11", "unit_code": "X-9"},
    )
    page = await response.text()
    assert response.status == 422
    assert "Uppgifterna behöver rättas" in page
    assert 'href="#child"' in page
    assert 'href="#form"' in page
    assert 'href="#start_date"' in page
    assert "Inget barn som du har behörighet till matchar" in page
    assert "Välj placeringsform" in page
    assert "'familjehem'" not in page  # no codes inside a Swedish sentence
    assert 'value="29/11"' in page
    assert 'value="X-9"' in page
    assert 'value="Finns Inte"' in page
    assert (await rows(db, "SELECT count(*) FROM placement_check"))[0][0] == 0


async def resolve_in_two_steps(site: Client, check_id: str, index: int, reason: str) -> str:
    url = f"/kontroller/{check_id}/fynd/{index}"
    html = await (await site.get(url)).text()
    first = await site.post(url, data={"csrf": csrf_of(html), "reason": reason})
    confirm = await first.text()
    assert first.status == 200, confirm
    assert "Vill du" in confirm
    assert "Det går inte att ångra" in confirm
    done = await site.post(url, data={"csrf": csrf_of(confirm), "reason": reason, "step": "confirm"})
    return await done.text()


async def test_warnings_acknowledged_a_hinder_overridden_by_a_delegate_then_the_decision(
    demo_site: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """Petra acknowledges the warnings but may not override the hinder (no delegation: told so on
    the form); Tove, with delegation, overrides it after a confirmation; the decision is then
    recorded on the run, the placement created with it."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo_site)
    _, pnr = await a_child(demo_site)
    await sign_in_as(demo_site, "petra@demo.invalid")
    check_id = await run_from_form(demo_site, staff, pnr)
    run = await (await demo_site.get(f"/api/v1/placement-checks/{check_id}", headers=user("petra"))).json()
    blocks = [f["index"] for f in run["findings"] if f["severity"] == "block"]
    warnings = [f["index"] for f in run["findings"] if f["severity"] == "warn"]
    assert blocks, run["findings"]
    for index in warnings:
        page = await resolve_in_two_steps(demo_site, check_id, index, "Känt och bedömt i utredningen")
        assert "Varningen är kvitterad" in page
    refused = await resolve_in_two_steps(demo_site, check_id, blocks[0], "Bedömningen finns i akten")
    assert "Bara den som har delegation för beslutet får åsidosätta en spärr" in refused

    await demo_site.post("/logga-ut", data={"csrf": csrf_of(refused)})
    await sign_in_as(demo_site, "tove@demo.invalid")
    for index in blocks:
        page = await resolve_in_two_steps(demo_site, check_id, index, "Bedömningen finns i akten")
        assert "Hindret är åsidosatt" in page
    assert "Registrera beslutet" in page
    today = today_in_sweden().isoformat()
    bad = await demo_site.post(
        f"/kontroller/{check_id}/beslut",
        data={"csrf": csrf_of(page), "decided_on": "i går", "valid_from": today},
    )
    bad_page = await bad.text()
    assert bad.status == 422
    assert 'href="#decided_on"' in bad_page
    assert 'value="i går"' in bad_page
    assert (await rows(db, "SELECT count(*) FROM decision WHERE check_id = $1", check_id))[0][0] == 0
    decided = await demo_site.post(
        f"/kontroller/{check_id}/beslut",
        data={"csrf": csrf_of(page), "decided_on": today, "valid_from": today, "step": "confirm"},
    )
    placement_page = await decided.text()
    assert decided.status == 200, placement_page
    assert "/placeringar/" in str(decided.url)
    recorded = (await rows(db, "SELECT count(*) FROM decision WHERE check_id = $1", check_id))[0][0]
    overrides = await rows(
        db, "SELECT by_name FROM check_resolution WHERE check_id = $1 AND action = 'override'", check_id
    )
    assert recorded == 1
    assert {r["by_name"] for r in overrides} == {"demo:tove@demo.invalid"}
    result = await (await demo_site.get(f"/kontroller/{check_id}")).text()
    assert "Åsidosatt</span> av Tove Teamledare (demo) (teamledare/enhetschef)" in result


async def test_a_register_change_refuses_the_decision_in_swedish_with_nothing_saved(
    demo_site: Client, owner: asyncpg.Connection, db: Database, tmp_path: Path
) -> None:
    """The permit revoked after the run: the decision form answers 409 with the gate's Swedish
    explanation and "Kör kontrollen igen", which makes a new run; no placement was left behind."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo_site)
    _, pnr = await a_child(demo_site)
    await sign_in_as(demo_site, "tove@demo.invalid")
    check_id = await run_from_form(demo_site, staff, pnr)
    run = await (await demo_site.get(f"/api/v1/placement-checks/{check_id}", headers=user("tove"))).json()
    page = ""
    for f in run["findings"]:
        if f["severity"] != "info":
            page = await resolve_in_two_steps(demo_site, check_id, f["index"], "Utrett i ärendet")
    revoked: dict[str, Any] = json.loads((SAMPLES / "ivo.json").read_text())
    revoked["units"][0]["permit"]["status"] = "revoked"
    path = tmp_path / "revoked.json"
    path.write_text(json.dumps(revoked))
    await run_import(owner, Feed.IVO, str(path))
    before = (await rows(db, "SELECT count(*) FROM placement"))[0][0]
    today = today_in_sweden().isoformat()
    refused = await demo_site.post(
        f"/kontroller/{check_id}/beslut",
        data={"csrf": csrf_of(page), "decided_on": today, "valid_from": today, "step": "confirm"},
    )
    html = await refused.text()
    assert refused.status == 409
    assert "Det som kontrollen byggde på har ändrats sedan den gjordes" in html
    assert "Ingenting är sparat" in html
    assert "Kör kontrollen igen" in html
    assert (await rows(db, "SELECT count(*) FROM placement"))[0][0] == before
    again = await demo_site.post(f"/kontroller/{check_id}/igen", data={"csrf": csrf_of(html)})
    assert again.status == 200
    new_id = CHECK_URL.search(str(again.url))
    assert new_id is not None
    assert new_id.group(1) != check_id
    assert "återkallat" in await again.text()


async def test_the_evidence_pdf_reads_back_with_rules_excerpts_and_who(
    demo_site: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """The PDF downloads as a file and its text holds the child, every rule's code, the register
    excerpt with its date, and who ran the check and when."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo_site)
    _, pnr = await a_child(demo_site)
    await sign_in_as(demo_site, "petra@demo.invalid")
    check_id = await run_from_form(demo_site, staff, pnr)
    response = await demo_site.get(f"/kontroller/{check_id}/bevis.pdf")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = await response.read()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Kontroll före placering" in text
    assert "Ebba Kontrollsson (demo)" in text
    for n in range(1, 24):
        assert f"PP{n:02d}" in text
    assert "IVO-registret, uppgifter från" in text
    assert "av Petra Placering (demo) (placeringsstöd)" in text
    assert today_in_sweden().isoformat()[:4] in text
