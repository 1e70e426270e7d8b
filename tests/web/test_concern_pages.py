"""The pages of reports of concern: Anmälningar (the watch list, overdue first, in words and
colour) and one report with its deadlines; over HTTP and in a real browser with axe-core."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from placement.core.clock import add_days, today_in_sweden
from placement.database.pool import Database
from tests.web.browser import checked, needs_chromium
from tests.web.conftest import Client, csrf_of, sign_in_as


async def two_reports(db: Database, email: str) -> tuple[str, str, str]:
    """A child of ``email``'s caseload with a report received 12 days ago and no skyddsbedömning
    (overdue), and one received today: the first report's id, the second's, the child's name."""
    today = today_in_sweden()
    async with db.transaction() as conn:
        child = await conn.fetchrow(
            """SELECT c.municipality_id, c.id, c.name FROM child c
                 JOIN social_worker_assignment a ON a.child_id = c.id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id
                WHERE s.email = $1 ORDER BY c.name LIMIT 1""",
            email,
        )
        assert child is not None
        ids = []
        for received, unit in ((add_days(today, -12), "Mottagningen"), (today, "Mottagningen")):
            ids.append(
                await conn.fetchval(
                    """INSERT INTO concern_report
                           (municipality_id, child_id, received_at, received_on, kind, reporter_kind, reason,
                            org_unit, reception_unit, registered_by)
                       VALUES ($1, $2, $3, $4, 'report', 'school', 'Oro från skolan', $5, $5, 'test')
                       RETURNING id""",
                    child["municipality_id"],
                    child["id"],
                    dt.datetime.combine(received, dt.time(9), tzinfo=dt.UTC),
                    received,
                    unit,
                )
            )
    return str(ids[0]), str(ids[1]), child["name"]


async def test_the_watch_list_shows_the_overdue_step_first_in_words(demo_site: Client, db: Database) -> None:
    late, fresh, name = await two_reports(db, "sami@demo.invalid")
    await sign_in_as(demo_site, "sami@demo.invalid")
    html = await (await demo_site.get("/anmalningar?fas=mottagning")).text()
    assert '<h1 id="rubrik">Anmälningar</h1>' in html
    rows = html.split("<tbody>", 1)[1].split("<tr>")[1:]
    assert f"/anmalningar/{late}" in rows[0]
    assert "Försenad sedan 11 dagar" in rows[0]
    assert "badge--error" in rows[0]
    assert "CH01" in rows[0]
    assert any(f"/anmalningar/{fresh}" in r and "badge--warning" in r for r in rows)

    page = await demo_site.get(f"/anmalningar/{late}")
    assert page.status == 200
    text = await page.text()
    assert f"Anmälan om {name}" in text
    assert "Förhandsbedömning inom 14 dagar" in text
    async with db.transaction() as conn:
        reads = await conn.fetchval(
            """SELECT count(*) FROM audit_event WHERE actor = 'demo:sami@demo.invalid'
                  AND object_type = 'concern_report' AND action = 'read'"""
        )
    assert reads >= 3  # both reports on the list, the one report opened


async def test_a_report_outside_reach_is_not_found(demo_site: Client, db: Database) -> None:
    """Sofia's child's report is not Sami's to read: 404, as in the API."""
    other, _, _ = await two_reports(db, "sofia@demo.invalid")
    await sign_in_as(demo_site, "sami@demo.invalid")
    assert (await demo_site.get(f"/anmalningar/{other}")).status == 404
    assert (await demo_site.get("/anmalningar/inte-ett-id")).status == 404


@needs_chromium
async def test_the_concern_pages_have_no_accessibility_violations(
    demo_site: Client, db: Database, page: Any
) -> None:
    _, _, name = await two_reports(db, "sami@demo.invalid")
    base = str(demo_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Sami Socialsekreterare (demo)").click()
    await page.wait_for_url(f"{base}/mina-barn")
    await page.get_by_role("link", name="Anmälningar").click()
    await checked(page, "40 anmalningar")
    await page.get_by_label("Del").select_option("mottagning")
    await page.get_by_role("button", name="Visa").click()
    await page.get_by_role("link", name=name).first.click()
    await checked(page, "41 en anmalan")
    assert await page.get_by_role("heading", level=1).inner_text() == f"Anmälan om {name}"


async def a_child_with_personnummer(db: Database, email: str) -> tuple[str, str, str]:
    """A child of ``email``'s caseload: its id, name and personnummer as a person writes it."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            """SELECT c.id, c.name, c.personnummer FROM child c
                 JOIN social_worker_assignment a ON a.child_id = c.id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id
                WHERE s.email = $1 AND c.personnummer IS NOT NULL ORDER BY c.name LIMIT 1""",
            email,
        )
    assert row is not None
    number = row["personnummer"]
    return str(row["id"]), row["name"], f"{number[:8]}-{number[8:]}"


async def test_a_report_is_registered_and_assessed_through_the_forms(demo_site: Client, db: Database) -> None:
    """The mottagning registers a report by the child's personnummer, then its skyddsbedömning; a
    förhandsbedömning without the child's view comes back with the Swedish message and the values
    kept; nothing half-written is stored."""
    child_id, name, personnummer = await a_child_with_personnummer(db, "sami@demo.invalid")
    await sign_in_as(demo_site, "sami@demo.invalid")
    form = await (await demo_site.get("/anmalningar-ny")).text()
    empty = await demo_site.post("/anmalningar-ny", data={"csrf": csrf_of(form)})
    assert empty.status == 422
    page = await empty.text()
    assert "Uppgifterna behöver rättas" in page
    assert "Ange barnets personnummer" in page

    today = today_in_sweden().isoformat()
    fields = {
        "csrf": csrf_of(form),
        "personnummer": personnummer,
        "received_on": today,
        "received_time": "08:15",
        "kind": "report",
        "reporter_kind": "school",
        "feedback_requested": "ja",
        "reason": "Eleven säger att hen inte vågar gå hem",
        "concerns_violence": "nej",
        "concerns_crime": "nej",
        "org_unit": "Mottagningen",
    }
    response = await demo_site.post("/anmalningar-ny", data=fields)
    assert response.status == 200, await response.text()
    concern_url = str(response.url.path)
    assert re.fullmatch(r"/anmalningar/[0-9a-f-]{36}", concern_url)
    assert f"Anmälan om {name}" in await response.text()

    step = await demo_site.get(f"{concern_url}/protection")
    protection = {
        "csrf": csrf_of(await step.text()),
        "made_on": today,
        "made_time": "09:00",
        "made_by_name": "Sami Socialsekreterare",
        "made_by_role": "socialsekreterare",
        "circumstances": "Samtal med eleven och mentorn",
        "conclusion": "Inget behov av omedelbart skydd; samtal med föräldrarna i dag",
    }
    done = await demo_site.post(f"{concern_url}/protection", data=protection)
    assert done.status == 200
    text = await done.text()
    assert "Registrerat: skyddsbedömning." in text
    assert "Klar i tid" in text

    step = await demo_site.get(f"{concern_url}/preliminary")
    preliminary = {
        "csrf": csrf_of(await step.text()),
        "decided_on": today,
        "outcome": "not_open",
        "prior_knowledge": "Ingen tidigare kännedom",
    }
    refused = await demo_site.post(f"{concern_url}/preliminary", data=preliminary)
    assert refused.status == 422
    page = await refused.text()
    assert "Ange barnets inställning eller varför den inte har inhämtats" in page
    assert "Ingen tidigare kännedom" in page  # the person's values are kept
    async with db.transaction() as conn:
        kinds = await conn.fetch(
            """SELECT s.kind FROM concern_step s JOIN concern_report r ON r.id = s.report_id
                WHERE r.child_id = $1""",
            uuid.UUID(child_id),
        )
        lookups = await conn.fetchval(
            """SELECT count(*) FROM audit_event WHERE actor = 'demo:sami@demo.invalid' AND action = 'lookup'
                  AND child_id = $1""",
            uuid.UUID(child_id),
        )
    assert [k["kind"] for k in kinds] == ["protection"]
    assert lookups == 1


@needs_chromium
async def test_the_concern_forms_have_no_accessibility_violations(
    demo_site: Client, db: Database, page: Any
) -> None:
    _, _, personnummer = await a_child_with_personnummer(db, "sami@demo.invalid")
    base = str(demo_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Sami Socialsekreterare (demo)").click()
    await page.wait_for_url(f"{base}/mina-barn")
    await page.get_by_role("link", name="Anmälningar").click()
    await page.get_by_role("link", name="Registrera en anmälan").click()
    await page.get_by_role("button", name="Registrera anmälan").click()
    await checked(page, "42 registrera anmalan med fel")
    await page.get_by_label("Barnets personnummer").fill(personnummer)
    await page.get_by_label("Datum då anmälan kom in").fill(today_in_sweden().isoformat())
    await page.get_by_label("Klockslag").fill("08:15")
    await page.get_by_text("Anmälan", exact=True).click()
    await page.get_by_text("Polis", exact=True).click()
    await page.get_by_role("group", name="Vill anmälaren ha återkoppling?").get_by_text("Ja").click()
    await page.get_by_label("Anledning till anmälan").fill("Polisen var hemma i natt")
    await page.get_by_role("group", name="Gäller anmälan våld?").get_by_text("Ja").click()
    await page.get_by_role("group", name="Gäller den misstänkt brott mot barnet?").get_by_text("Ja").click()
    await page.get_by_role("button", name="Registrera anmälan").click()
    await checked(page, "43 ny anmalan")
    await page.get_by_role("link", name="Förhandsbedömning", exact=True).click()
    await checked(page, "44 forhandsbedomning")
