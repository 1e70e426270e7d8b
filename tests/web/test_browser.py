"""The web application in a real browser: the journeys of a social worker and a unit lead,
by label and role as a person finds their way, one of them with the keyboard alone; axe-core on
every page they pass (zero violations), and a screenshot of each in test-artifacts/screens/."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestServer

from placement.api.app import create_app
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SessionDatabase
from tests.web.browser import checked, needs_chromium, tab_to
from tests.web.oidc import CLIENT_ID, running_provider

pytestmark = needs_chromium


async def a_child_with_an_overdue_visit(db: Database, email: str) -> tuple[str, str]:
    """A placement in the demo whose responsible social worker is ``email``, with its FU08
    (visit with a private talk) overdue: the child's name and the placement's id."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            """SELECT c.name, p.id FROM placement p
                 JOIN child c ON c.id = p.child_id
                 JOIN social_worker_assignment a ON a.child_id = p.child_id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id
                 JOIN obligation_state o ON o.placement_id = p.id AND o.code = 'FU08'
                WHERE s.email = $1 AND p.end_date IS NULL AND o.state = 'overdue'
                ORDER BY c.name LIMIT 1""",
            email,
        )
    assert row is not None, "the demo has an overdue visit for this social worker"
    return row["name"], str(row["id"])


async def test_a_social_worker_records_a_visit_with_the_keyboard_alone(
    demo_data: None,
    db: Database,
    test_database: SessionDatabase,
    settings: Settings,
    page: Any,
) -> None:
    """Sami signs in at the municipality's identity provider, finds the child whose visit is
    overdue in Mina barn, records a visit with a private talk (the visit obligation, rolling, is
    no longer overdue: its next date is set from the talk) and that the child has been given the
    contact details (that obligation turns met); every step by keyboard."""
    child, placement_id = await a_child_with_an_overdue_visit(db, "sami@demo.invalid")
    async with running_provider() as provider:
        overrides = {
            "demo": False,
            "oidc_issuer": provider.issuer,
            "oidc_audience": CLIENT_ID,
            "oidc_jwks_url": f"{provider.issuer}/jwks",
            "oidc_kommunkoder": ["0000", "9999"],
        }
        server = TestServer(
            create_app(settings.model_copy(update=overrides), dsn=test_database.service),
            host="127.0.0.1",
            port=provider.service_port,
        )
        await server.start_server()
        try:
            await page.goto(f"{provider.service}/mina-barn")
            await checked(page, "01 logga in")
            await tab_to(page, page.get_by_role("link", name="Logga in med kommunens inloggning"))
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"/interaction/"))
            await tab_to(page, page.locator("input[name=login]"))
            await page.keyboard.type("sami")
            await page.keyboard.press("Tab")
            await page.keyboard.type("lösenord")
            await page.keyboard.press("Enter")
            await page.wait_for_selector("button[type=submit]")
            await page.keyboard.press("Enter")  # consent: the provider's button has focus
            await page.wait_for_url(f"{provider.service}/mina-barn")

            await checked(page, "02 mina barn")
            assert await page.get_by_role("heading", level=1).inner_text() == "Mina barn"
            assert "Sami Socialsekreterare (demo)" in await page.locator("header").inner_text()
            row = page.get_by_role("row").filter(has_text=child)
            assert "Försenad sedan" in await row.inner_text()

            await tab_to(page, page.get_by_role("link", name=child))
            await page.keyboard.press("Enter")
            await page.wait_for_url(f"{provider.service}/placeringar/{placement_id}")
            await checked(page, "03 barnets placering")
            visit = page.get_by_role("row").filter(has_text="FU08")
            assert "Försenad" in await visit.inner_text()

            await tab_to(page, page.get_by_role("link", name="Besök", exact=True))
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"/registrera/visit$"))
            await checked(page, "04 registrera besok")
            # Submitting without answers: the same form again, with an error summary.
            await tab_to(page, page.get_by_role("button", name="Registrera besöket"))
            await page.keyboard.press("Enter")
            await page.wait_for_selector("[data-error-summary]")
            await checked(page, "05 registrera besok med fel")
            assert await page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
            summary = await page.locator("[data-error-summary]").inner_text()
            assert "Svara ja eller nej: träffade du barnet enskilt" in summary

            await tab_to(page, page.get_by_label("Ja, vi hade ett enskilt samtal"))
            await page.keyboard.press("Space")
            await tab_to(page, page.get_by_label("Ja", exact=True))
            await page.keyboard.press("Space")
            await tab_to(page, page.get_by_role("button", name="Registrera besöket"))
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"klart=handelse"))
            await checked(page, "06 besoket registrerat")
            visit = page.get_by_role("row").filter(has_text="FU08")
            text = await visit.inner_text()
            assert "Försenad" not in text
            assert "Öppen" in text
            assert "senaste enskilda samtal" in text
            assert "med enskilt samtal, i hemmet" in await page.get_by_role("table").nth(1).inner_text()

            # Telling the child how to reach their social worker meets FU06 at once.
            contact = page.get_by_role("row").filter(has_text="FU06")
            assert "Uppfylld" not in await contact.inner_text()
            await tab_to(page, page.get_by_role("link", name="Kontaktuppgifter lämnade till barnet"))
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"/registrera/contact_details_given$"))
            await checked(page, "07 kontaktuppgifter")
            await tab_to(page, page.get_by_role("button", name="Registrera händelsen"))
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(r"klart=handelse"))
            await checked(page, "08 kontaktuppgifter registrerade")
            assert "Uppfylld" in await page.get_by_role("row").filter(has_text="FU06").inner_text()
        finally:
            await server.close()


async def test_a_unit_lead_waives_an_obligation(demo_site: Any, page: Any) -> None:
    """Tove (teamledare) signs in as a demo user, looks at the unit's state, switches to one
    social worker's list, opens a child and waives an obligation with a reason, confirming it."""
    base = str(demo_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/")
    await page.wait_for_url(f"{base}/logga-in")
    await checked(page, "10 demo logga in")
    await page.get_by_role("button", name="Logga in som Tove Teamledare (demo)").click()
    await page.wait_for_url(f"{base}/mina-barn")
    await checked(page, "11 enhetens barn")
    assert await page.get_by_role("heading", level=1).inner_text() == "Barn i enheten"

    await page.get_by_role("link", name="Enhetens läge").click()
    await checked(page, "12 enhetens lage")
    sami = page.get_by_role("row").filter(has_text="Sami Socialsekreterare (demo)")
    assert "försenade" in await sami.inner_text()
    await sami.get_by_role("link").click()
    await checked(page, "13 en handlaggares barn")
    assert (
        await page.get_by_role("heading", level=1).inner_text()
        == "Barn som Sami Socialsekreterare (demo) ansvarar för"
    )
    assert await page.get_by_label("Vems barn").input_value() != "alla"

    await page.get_by_label("Skyldighet").select_option(value="FU10")
    await page.get_by_role("button", name="Visa").click()
    first = page.get_by_role("row").nth(1)
    child = await first.get_by_role("link").inner_text()
    await first.get_by_role("link").click()
    await checked(page, "14 placering for teamledare")

    row = page.get_by_role("row").filter(has_text="FU10")
    await row.get_by_role("link", name=re.compile("Efterge")).click()
    await checked(page, "15 efterge skal")
    await page.get_by_role("button", name="Fortsätt").click()
    await checked(page, "16 efterge utan skal")
    assert "Skriv varför skyldigheten efterges" in await page.locator("[data-error-summary]").inner_text()
    await page.get_by_label("Skäl").fill("Barnet undersöktes av regionen före placeringen; intyg i akten.")
    await page.get_by_role("button", name="Fortsätt").click()
    await checked(page, "17 efterge bekrafta")
    assert await page.get_by_role("heading", level=1).inner_text() == "Vill du efterge skyldigheten?"
    await page.get_by_role("button", name="Efterge skyldigheten").click()
    await page.wait_for_url(re.compile(r"klart=eftergiven"))
    await checked(page, "18 eftergiven")
    assert child in await page.get_by_role("heading", level=1).inner_text()
    assert "Efterskänkt" in await page.get_by_role("row").filter(has_text="FU10").inner_text()


async def test_the_other_pages_have_no_accessibility_violations(demo_site: Any, page: Any) -> None:
    """The pages outside the journeys: the accessibility statement, error pages, the forms to end
    a placement and to record a complaint, with their errors shown."""
    base = str(demo_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/tillganglighet")
    await checked(page, "20 tillganglighetsredogorelse")
    await page.goto(f"{base}/finns-inte")
    await checked(page, "21 sidan finns inte")
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Sami Socialsekreterare (demo)").click()
    await page.wait_for_url(f"{base}/mina-barn")
    await page.goto(f"{base}/enhetens-lage")
    await checked(page, "22 ingen behorighet")
    assert await page.get_by_role("heading", level=1).inner_text() == "Du har inte behörighet till sidan"
    await page.goto(f"{base}/mina-barn")
    child = await page.get_by_role("row").nth(1).get_by_role("link").inner_text()
    await page.get_by_role("row").nth(1).get_by_role("link").click()
    await page.get_by_role("link", name="Avsluta placeringen").click()
    await page.get_by_role("button", name="Fortsätt").click()
    await checked(page, "23 avsluta med fel")
    await page.get_by_label("Slutdatum").fill("2026-11-01")
    await page.get_by_text("omplacering", exact=True).click()  # FKUI draws the radio in its label
    await page.get_by_role("button", name="Fortsätt").click()
    await checked(page, "23b avsluta bekrafta")
    assert (
        await page.get_by_role("heading", level=1).inner_text() == f"Vill du avsluta placeringen av {child}?"
    )
    await page.get_by_role("link", name="Avbryt").click()
    await page.get_by_role("link", name="Klagomål mottaget").click()
    await page.get_by_label("Datum").fill("2026-13-01")
    await page.get_by_role("button", name="Registrera klagomålet").click()
    await checked(page, "24 klagomal med fel")
    summary = await page.locator("[data-error-summary]").inner_text()
    assert "Ange datum som ÅÅÅÅ-MM-DD" in summary
    assert "Ange klagomålets referens" in summary
    assert await page.get_by_label("Datum").input_value() == "2026-13-01"


async def fits(page: Any, name: str) -> None:
    """The page is no wider than the phone's screen and nothing on it is cut off in a box that
    scrolls sideways (a table wider than the screen); text hidden for screen readers aside."""
    await checked(page, name)
    wide = await page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('body *')]
              .filter(e => e === document.documentElement
                  ? e.scrollWidth > window.innerWidth
                  : ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)
                    && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
              .map(e => `${e.tagName}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""
    )
    assert wide == [], f"{name}: wider than a phone: {wide}"


async def test_every_page_fits_a_phone(demo_site: Any, chromium: Any) -> None:
    """A social worker or unit lead on a phone during a home visit (375 pixels wide): every page,
    its forms with their errors and the error pages, fits the screen; no column is cut off."""
    context = await chromium.new_context(locale="sv-SE", viewport={"width": 375, "height": 812})
    try:
        phone = await context.new_page()
        base = str(demo_site.make_url("")).rstrip("/")
        await phone.goto(f"{base}/logga-in")
        await fits(phone, "30 logga in i mobilen")
        await phone.get_by_role("button", name="Logga in som Tove Teamledare (demo)").click()
        await phone.wait_for_url(f"{base}/mina-barn")
        await fits(phone, "31 mina barn i mobilen")
        await phone.get_by_role("row").nth(1).get_by_role("link").click()
        await phone.wait_for_url(re.compile(r"/placeringar/"))
        await fits(phone, "32 barnets placering i mobilen")
        for column in ("Senast", "Läge", "Underlag"):
            assert await phone.locator(f'td[data-label="{column}"]').first.is_visible()
        placement = phone.url
        await phone.get_by_role("link", name="Besök", exact=True).click()
        await phone.get_by_role("button", name="Registrera besöket").click()
        await fits(phone, "33 registrera besok med fel i mobilen")
        await phone.goto(placement)
        await phone.get_by_role("link", name="Avsluta placeringen").click()
        await fits(phone, "34 avsluta i mobilen")
        await phone.goto(placement)
        await phone.get_by_role("link", name=re.compile("^Efterge")).first.click()
        await fits(phone, "35 efterge i mobilen")
        await phone.goto(f"{base}/enhetens-lage")
        await fits(phone, "36 enhetens lage i mobilen")
        await phone.goto(f"{base}/mina-barn?sida=99999999999999999999")
        await fits(phone, "37 felaktigt sidnummer i mobilen")
        await phone.goto(f"{base}/tillganglighet")
        await fits(phone, "38 tillganglighet i mobilen")
        await phone.goto(f"{base}/finns-inte")
        await fits(phone, "39 sidan finns inte i mobilen")
        await phone.goto(f"{base}/mina-barn")
        await phone.get_by_role("button", name="Logga ut").click()
        await fits(phone, "40 utloggad i mobilen")
    finally:
        await context.close()


async def test_a_visit_sent_after_signing_out_elsewhere_is_kept(
    demo_site: Any, db: Database, page: Any
) -> None:
    """Sami fills in a visit; meanwhile the session ends (signed out in another tab). Sending
    the form says so, and after signing in again Sami is back on the same form with what was
    typed, sends it, and the visit is recorded once. No personal data in any address."""
    base = str(demo_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Sami Socialsekreterare (demo)").click()
    await page.wait_for_url(f"{base}/mina-barn")
    await page.get_by_role("row").nth(1).get_by_role("link").click()
    await page.get_by_role("link", name="Besök", exact=True).click()
    form_url = page.url
    await page.get_by_label("Datum").fill("2026-11-02")
    await page.get_by_text("Ja, vi hade ett enskilt samtal").click()
    await page.get_by_text("Nej, någon annanstans").click()

    other = await page.context.new_page()
    await other.goto(f"{base}/mina-barn")
    await other.get_by_role("button", name="Logga ut").click()
    await other.wait_for_url(f"{base}/utloggad")
    await other.close()

    await page.get_by_role("button", name="Registrera besöket").click()
    await page.wait_for_url(re.compile(r"/logga-in\?"))
    await checked(page, "50 utloggad med formular kvar")
    status = await page.get_by_role("status").inner_text()
    assert "Du var inte längre inloggad när du skickade formuläret" in status
    assert "behörighet" not in await page.locator("main").inner_text()
    await page.get_by_role("button", name="Logga in som Sami Socialsekreterare (demo)").click()
    await page.wait_for_url(re.compile(re.escape(form_url) + r"\?utkast="))
    assert re.fullmatch(re.escape(form_url) + r"\?utkast=[A-Za-z0-9_-]{32}", page.url)
    await checked(page, "51 formularet ifyllt igen")
    assert "Det du skrev finns kvar" in await page.get_by_role("status").inner_text()
    assert await page.get_by_label("Datum").input_value() == "2026-11-02"
    assert await page.get_by_label("Ja, vi hade ett enskilt samtal").is_checked()
    assert await page.get_by_label("Nej, någon annanstans").is_checked()
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM placement_event") == 0
        assert await conn.fetchval("SELECT count(*) FROM web_form_draft") == 0  # used once

    await page.get_by_role("button", name="Registrera besöket").click()
    await page.wait_for_url(re.compile(r"klart=handelse"))
    async with db.transaction() as conn:
        event = await conn.fetchrow("SELECT occurred_on::text, details FROM placement_event")
    assert dict(event) == {"occurred_on": "2026-11-02", "details": {"private_talk": True, "in_home": False}}
