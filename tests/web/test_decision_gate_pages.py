"""The decision form on Kontrollresultat passes the same gate as the API: the decision-maker's
delegation is judged again when the decision is recorded (an overridden PP16 hinder does not give
anyone delegation), and a decision the run named the nämnd for is recorded as the nämnd's, with
the meeting's date and paragraph."""

from __future__ import annotations

from typing import Any

import asyncpg

from placement.core.clock import today_in_sweden
from placement.database.pool import Database
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES, staff_ids
from tests.conftest import demo_user as user
from tests.web.conftest import Client, csrf_of, sign_in_as
from tests.web.test_check_pages import a_child, check_form, resolve_in_two_steps, rows


async def run_resolved_by_tove(
    site: Client, staff: dict[str, str], child: str, **form: str
) -> tuple[str, str]:
    """Tove (teamledare, with delegation) runs the check from the form and resolves every
    finding; the run's id and the last page, holding a CSRF token."""
    await sign_in_as(site, "tove@demo.invalid")
    html = await (await site.get("/kontroller/ny")).text()
    response = await site.post(
        "/kontroller/ny", data=check_form(csrf_of(html), staff, child=child, **form), allow_redirects=False
    )
    assert response.status == 303, await response.text()
    check_id = response.headers["Location"].rsplit("/", 1)[1]
    run: dict[str, Any] = await (
        await site.get(f"/api/v1/placement-checks/{check_id}", headers=user("tove"))
    ).json()
    page = await (await site.get(f"/kontroller/{check_id}")).text()
    for finding in run["findings"]:
        if finding["severity"] != "info":
            page = await resolve_in_two_steps(site, check_id, finding["index"], "Bedömt i utredningen")
    return check_id, page


async def test_the_page_refuses_a_decision_maker_without_delegation(
    demo_site: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """Sami (socialsekreterare, no delegation) named as decision-maker: Tove overrides the PP16
    hinder with the rest, but recording the decision is still refused, in Swedish, and neither
    the placement nor the decision is saved (before, the page skipped the delegation judgement)."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo_site)
    _, pnr = await a_child(demo_site, "Elsa Delegationsson (demo)")
    check_id, page = await run_resolved_by_tove(demo_site, staff, pnr, decision_maker_id=staff["sami"])
    placements_before = (await rows(db, "SELECT count(*) FROM placement"))[0][0]
    today = today_in_sweden().isoformat()
    refused = await demo_site.post(
        f"/kontroller/{check_id}/beslut",
        data={"csrf": csrf_of(page), "decided_on": today, "valid_from": today, "step": "confirm"},
    )
    html = await refused.text()
    assert refused.status == 422, html
    assert "saknar i delegationsordningen delegation" in html
    assert "Ingenting är sparat" in html
    assert (await rows(db, "SELECT count(*) FROM decision WHERE check_id = $1", check_id))[0][0] == 0
    assert (await rows(db, "SELECT count(*) FROM placement"))[0][0] == placements_before


async def test_a_decision_the_run_named_the_namnd_for_is_recorded_as_the_namnds(
    demo_site: Client, owner: asyncpg.Connection, db: Database
) -> None:
    """A run for the nämnd's decision asks for the meeting's date and paragraph, and the decision
    is stored as the nämnd's (no official as decision-maker), recorded by the signed-in person."""
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    staff = await staff_ids(demo_site)
    _, pnr = await a_child(demo_site, "Nils Nämndsson (demo)")
    check_id, page = await run_resolved_by_tove(
        demo_site, staff, pnr, decision_maker_id="", decided_by_namnd="ja"
    )
    assert "Sammanträdesdag" in page
    assert "Paragraf i protokollet" in page
    today = today_in_sweden().isoformat()
    missing = await demo_site.post(
        f"/kontroller/{check_id}/beslut",
        data={"csrf": csrf_of(page), "decided_on": today, "valid_from": today, "step": "confirm"},
    )
    assert missing.status == 422
    assert "sammanträdesdag och paragraf" in await missing.text()
    decided = await demo_site.post(
        f"/kontroller/{check_id}/beslut",
        data={
            "csrf": csrf_of(page),
            "decided_on": today,
            "namnd_meeting_on": today,
            "namnd_paragraph": "§ 112",
            "valid_from": today,
            "step": "confirm",
        },
    )
    assert decided.status == 200, await decided.text()
    assert "/placeringar/" in str(decided.url)
    stored = await rows(
        db,
        "SELECT decided_by, decided_by_namnd, namnd_paragraph, recorded_by_staff_id FROM decision"
        " WHERE check_id = $1",
        check_id,
    )
    assert [(r["decided_by"], r["decided_by_namnd"], r["namnd_paragraph"]) for r in stored] == [
        (None, True, "§ 112")
    ]
    assert str(stored[0]["recorded_by_staff_id"]) == staff["tove"]
