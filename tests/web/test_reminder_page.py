"""Mina påminnelser, the web page: the person chooses how often they are reminded and makes,
replaces or closes their calendar address."""

from __future__ import annotations

import re
from typing import Any

from placement.database.pool import Database
from tests.web.browser import checked, needs_chromium, tab_to
from tests.web.conftest import csrf_of, sign_in_as

ADDRESS = re.compile(r"<code>(https?://[^<]+)</code>")


async def _frequency(db: Database, email: str) -> str | None:
    async with db.transaction() as conn:
        found: str | None = await conn.fetchval(
            """SELECT p.frequency FROM reminder_preference p JOIN staff s ON s.id = p.staff_id
                WHERE s.email = $1""",
            email,
        )
    return found


async def test_a_social_worker_turns_reminders_off_on_the_page(demo_site: Any, db: Database) -> None:
    await sign_in_as(demo_site, "sofia@demo.invalid")
    page = await demo_site.get("/mina-paminnelser")
    html = await page.text()
    assert page.status == 200
    assert (
        'value="weekly"\n             checked' in html
        or 'value="weekly"              checked' in html
        or (re.search(r'value="weekly"\s+checked', html) is not None)
    )
    assert "Mina påminnelser" in html

    wrong = await demo_site.post("/mina-paminnelser", data={"csrf": csrf_of(html), "frequency": "hourly"})
    assert wrong.status == 422
    assert "Välj hur ofta du vill bli påmind" in await wrong.text()
    assert await _frequency(db, "sofia@demo.invalid") is None

    saved = await demo_site.post("/mina-paminnelser", data={"csrf": csrf_of(html), "frequency": "off"})
    assert saved.status == 200  # after the redirect
    assert "Ditt val är sparat." in await saved.text()
    assert re.search(r'value="off"\s+checked', await saved.text())
    assert await _frequency(db, "sofia@demo.invalid") == "off"


async def test_the_calendar_address_is_shown_once_and_can_be_closed(demo_site: Any) -> None:
    await sign_in_as(demo_site, "sami@demo.invalid")
    page = await (await demo_site.get("/mina-paminnelser")).text()
    made = await (await demo_site.post("/mina-paminnelser/kalender", data={"csrf": csrf_of(page)})).text()
    found = ADDRESS.search(made)
    assert found is not None
    path = found[1].split("://", 1)[1].split("/", 1)[1]
    feed = await demo_site.get("/" + path)
    assert feed.status == 200
    assert feed.content_type == "text/calendar"
    again = await (await demo_site.get("/mina-paminnelser")).text()
    assert ADDRESS.search(again) is None  # shown once
    assert "Du har en kalenderadress" in again

    closed = await demo_site.post("/mina-paminnelser/kalender/stang", data={"csrf": csrf_of(again)})
    assert "Kalenderadressen är stängd" in await closed.text()
    assert (await demo_site.get("/" + path)).status == 404


async def test_the_page_is_for_those_who_are_reminded(demo_site: Any) -> None:
    await sign_in_as(demo_site, "greta@demo.invalid")  # granskare: no reminders
    assert (await demo_site.get("/mina-paminnelser")).status == 403


@needs_chromium
async def test_the_page_in_a_browser_has_no_accessibility_violations(demo_site: Any, page: Any) -> None:
    """Sami finds the page in the menu, chooses daily reminders and makes a calendar address;
    axe-core finds nothing on the page, the error and the new address alike."""
    base = str(demo_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/")
    await page.wait_for_url(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Sami Socialsekreterare (demo)").click()
    await page.wait_for_url(f"{base}/mina-barn")
    await page.get_by_role("link", name="Mina påminnelser").click()
    await page.wait_for_url(f"{base}/mina-paminnelser")
    await checked(page, "30 mina paminnelser")
    await tab_to(page, page.get_by_label("En gång i veckan"))  # a radio group is one tab stop
    await page.keyboard.press("ArrowDown")
    await page.get_by_role("button", name="Spara").click()
    await page.wait_for_url(re.compile(r"klart=sparad"))
    await checked(page, "31 paminnelser sparade")
    assert await page.get_by_label("Varje dag").is_checked()
    await page.get_by_role("button", name="Skapa en kalenderadress").click()
    await page.wait_for_selector("code")
    await checked(page, "32 ny kalenderadress")
    assert "/calendar/kal_0000_" in await page.locator("code").inner_text()
