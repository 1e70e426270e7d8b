"""Placement support's journey in a real browser, by label and role: Petra finds a home in Hitta
hem, opens the unit, runs a check from Ny kontroll (a bad entry first), acknowledges a warning with
the keyboard alone; Tove, with delegation, overrides the hinder after a confirmation and records
the decision; the evidence PDF downloads. axe-core on every page (zero violations) and a
screenshot of each."""

from __future__ import annotations

import io
import re
from typing import Any

import asyncpg
from pypdf import PdfReader

from placement.core.clock import today_in_sweden
from suppliers.formats import Feed
from suppliers.service import run_import
from tests.checks.test_check_runs import SAMPLES
from tests.web.browser import SCREENS, checked, needs_chromium, tab_to
from tests.web.test_check_pages import a_child

pytestmark = needs_chromium


async def sign_in(page: Any, base: str, who: str) -> None:
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name=f"Logga in som {who}").click()
    await page.wait_for_load_state()


async def test_placement_support_runs_a_check_and_a_delegate_decides(
    demo_site: Any, owner: asyncpg.Connection, page: Any
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
    _, pnr = await a_child(demo_site, "Ebba Webbsson (demo)")
    base = str(demo_site.make_url("")).rstrip("/")

    await sign_in(page, base, "Petra Placering (demo)")
    await page.get_by_role("link", name="Hitta hem").click()
    await checked(page, "28 hitta hem")
    await page.get_by_label("Placeringsform").select_option(label="hem för vård eller boende (HVB)")
    await page.get_by_label("Barnets födelsedatum").fill(f"{pnr[:4]}-{pnr[4:6]}-{pnr[6:8]}")
    await page.get_by_text("psykosocial problematik", exact=True).click()  # the box's label, as a person does
    await page.get_by_text("Bara enheter med lediga platser", exact=True).click()
    assert await page.get_by_label("psykosocial problematik").is_checked()
    await page.get_by_role("button", name="Sök").click()
    await checked(page, "29 hitta hem traffar")
    hit = page.get_by_role("row").filter(has_text="HVB Solgläntan (exempel)")
    assert "Gällande" in await hit.inner_text()
    await hit.get_by_role("link", name="HVB Solgläntan (exempel)", exact=True).click()
    await checked(page, "29b enhet")
    assert "IVO-2021-0001" in await page.locator("main").inner_text()
    await page.get_by_role("link", name="Kontrollera en placering här").click()
    await page.wait_for_url(re.compile(r"/kontroller/ny\?enhet=U-1001"))
    await checked(page, "30 ny kontroll")
    assert await page.get_by_label("Enhetens kod i IVO-registret").input_value() == "U-1001"
    await page.get_by_label("Barnets namn eller personnummer").fill(pnr)
    await page.get_by_label("Startdatum").fill("i morgon")
    await page.get_by_role("button", name="Kör kontrollen").click()
    await checked(page, "31 ny kontroll med fel")
    summary = page.locator("[data-error-summary]")
    assert "Välj" in await summary.inner_text()
    assert await page.get_by_label("Barnets namn eller personnummer").input_value() == pnr
    await summary.get_by_role("link", name=re.compile("Startdatum|ÅÅÅÅ-MM-DD")).click()
    assert await page.evaluate("document.activeElement.id") == "start_date"

    await page.get_by_label("Placeringsform").select_option(label="hem för vård eller boende (HVB)")
    await page.get_by_label("Grund för vården").select_option(label="socialtjänstlagen (frivillig placering)")
    await page.get_by_label("Startdatum").fill(today_in_sweden().isoformat())
    await page.get_by_label("Enhetens kod i IVO-registret").fill("U-1001")
    await page.get_by_label("Barnets huvudsakliga behov").select_option(label="psykosocial problematik")
    await page.get_by_label("Handläggare", exact=True).select_option(label="Petra Placering (demo)")
    await page.get_by_label("Beslutsfattare").select_option(label="Tove Teamledare (demo)")
    await page.get_by_role("button", name="Kör kontrollen").click()
    await page.wait_for_url(re.compile(r"/kontroller/[0-9a-f-]{36}$"))
    result_url = page.url
    await checked(page, "32 kontrollresultat")
    heading = await page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Kontrollresultat: Ebba Webbsson (demo)")
    assert await page.get_by_role("row").count() == 24  # every rule, passed ones too
    await page.get_by_text("Lagrum för PP14").click()  # the legal reference, one click away
    assert "SOSFS 2012:11" in await page.locator("details[open]").inner_text()

    # Acknowledge one warning with the keyboard alone.
    warning = page.get_by_role("link", name=re.compile("^Kvittera varningen"))
    assert await warning.count() >= 1
    await tab_to(page, warning.first, limit=200)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/fynd/\d+$"))
    await checked(page, "33 kvittera varning")
    await tab_to(page, page.get_by_label("Skäl"))
    await page.keyboard.type("Känt och bedömt i utredningen")
    await tab_to(page, page.get_by_role("button", name="Fortsätt"))
    await page.keyboard.press("Enter")
    await page.wait_for_selector("text=Vill du kvittera varningen?")
    await checked(page, "34 kvittera bekrafta")
    await tab_to(page, page.get_by_role("button", name="Kvittera varningen"))
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"klart=kvitterad"))
    await checked(page, "35 varning kvitterad")
    while await page.get_by_role("link", name=re.compile("^Kvittera varningen")).count():
        await page.get_by_role("link", name=re.compile("^Kvittera varningen")).first.click()
        await page.get_by_label("Skäl").fill("Känt och bedömt i utredningen")
        await page.get_by_role("button", name="Fortsätt").click()
        await page.get_by_role("button", name="Kvittera varningen").click()
        await page.wait_for_url(re.compile(r"klart=kvitterad"))

    await page.get_by_role("button", name="Logga ut").click()
    await sign_in(page, base, "Tove Teamledare (demo)")
    await page.goto(result_url)
    while await page.get_by_role("link", name=re.compile("^Åsidosätt hindret")).count():
        await page.get_by_role("link", name=re.compile("^Åsidosätt hindret")).first.click()
        await checked(page, "36 asidosatt hinder skal")
        await page.get_by_label("Skäl").fill("Behovsbedömningen finns i akten, daterad i dag.")
        await page.get_by_role("button", name="Fortsätt").click()
        await checked(page, "37 asidosatt hinder bekrafta")
        assert "Det går inte att ångra" in await page.locator("main").inner_text()
        await page.get_by_role("button", name="Åsidosätt hindret").click()
        await page.wait_for_url(re.compile(r"klart=asidosatt"))
    await checked(page, "38 alla fynd hanterade")
    assert "Alla fynd är hanterade" in await page.locator("main").inner_text()

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Ladda ner bevisdokumentet (PDF)").click()
    download = await download_info.value
    target = SCREENS / "39 bevisdokument.pdf"
    await download.save_as(str(target))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Åsidosatt av Tove Teamledare (demo)" in text

    await page.get_by_role("button", name="Registrera beslutet").click()
    await page.wait_for_url(re.compile(r"/placeringar/[0-9a-f-]{36}\?klart=beslut"))
    await checked(page, "40 beslut registrerat")
    assert "Beslutet är registrerat på kontrollen" in await page.get_by_role("status").inner_text()
    assert "Ebba Webbsson (demo)" in await page.get_by_role("heading", level=1).inner_text()
