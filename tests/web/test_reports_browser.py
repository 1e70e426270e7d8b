"""Rapporter in a real browser: a granskare of the small municipality (tests/egenkontroll/
small_municipality.py) opens the nämndrapport, chooses the year, downloads it as PDF and XLSX
whose figures match the page, opens one report and the children behind a figure; axe-core on
every page (zero violations), a screenshot of each in test-artifacts/screens/."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from pypdf import PdfReader

from placement.api.app import create_app
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SessionDatabase
from tests.egenkontroll.small_municipality import arrange
from tests.web.browser import checked, needs_chromium

pytestmark = needs_chromium


@pytest.fixture
async def small_site(db: Database, test_database: SessionDatabase, settings: Settings) -> AsyncIterator[Any]:
    await arrange(db, demo=True)
    app = create_app(settings.model_copy(update={"demo": True}), dsn=test_database.service)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def download(page: Any, name: str) -> bytes:
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name=name).click()
    path = await (await waiting.value).path()
    return await asyncio.to_thread(Path(path).read_bytes)


async def test_a_granskare_reads_the_board_report_and_downloads_it(small_site: Any, page: Any) -> None:
    base = str(small_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Greta").click()
    await page.get_by_role("link", name="Rapporter", exact=True).click()
    await checked(page, "40 rapporter")
    await page.get_by_role("link", name="Nämndrapport 2025").click()
    await checked(page, "41 namndrapport 2025")
    await page.get_by_label("År", exact=True).select_option("2026")
    await page.get_by_role("button", name="Visa året").click()
    await page.wait_for_url(f"{base}/rapporter/namndrapport?ar=2026")
    await checked(page, "42 namndrapport 2026")
    assert await page.get_by_role("heading", level=1).inner_text() == "Nämndrapport egenkontroll 2026"
    row = page.get_by_role("row").filter(has_text="EK04")
    shown = [await c.inner_text() for c in await row.get_by_role("cell").all()]
    assert shown[:3] == ["2 av 2 (100,0 %)", "2 av 3 (66,7 %)", "4 av 5 (80,0 %)"]

    book = load_workbook(io.BytesIO(await download(page, "Ladda ner för Excel (XLSX)")))
    sheet = book.active
    assert sheet is not None
    ek04 = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "EK04")
    assert ek04[3:9] == (2, 2, 2, 3, 4, 5)
    pdf = PdfReader(io.BytesIO(await download(page, "Ladda ner som PDF")))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "EK04 " + " ".join(shown[:3]) in text

    await page.get_by_role("link", name="Övervägande och omprövning i tid").click()
    await checked(page, "43 rapport ek02")
    cia = page.get_by_role("row").filter(has_text="Cia")
    await cia.get_by_role("link", name="1 av 2 (50,0 %)").click()
    await checked(page, "44 underlag ek02")
    assert "Bruno" in await page.get_by_role("row").filter(has_text="Ej uppfyllt").inner_text()

    await page.get_by_role("link", name="Rapporter", exact=True).click()
    await page.get_by_role("link", name="Ej verkställda gynnande beslut per kvartal, till IVO").click()
    await page.get_by_label("År", exact=True).select_option("2026")
    await page.get_by_label("Kvartal").select_option("4")
    await page.get_by_role("button", name="Visa kvartalet").click()
    await checked(page, "45 ivo kvartal")
    assert await page.locator("#antal").inner_text() == "2 beslut att rapportera."

    await page.get_by_role("link", name="Rapporter", exact=True).click()
    await page.get_by_role("link", name="Aktgranskning: dra ett urval och granska akterna").click()
    await checked(page, "46 aktgranskning")
    await page.get_by_role("textbox", name=re.compile("^År")).fill("2026")
    await page.get_by_role("button", name="Dra urvalet").click()
    await checked(page, "47 urvalet")
    await page.get_by_role("link", name="Bruno").click()
    await page.get_by_role("button", name="Spara granskningen").click()
    await checked(page, "48 granska akt med fel")
    assert "Svara ja eller nej" in await page.locator("[data-error-summary]").inner_text()
    for question in (
        "Dokumentationen är aktuell och fullständig",
        "Besök och enskilda samtal är dokumenterade",
    ):
        await page.get_by_role("group", name=question).get_by_text("Ja", exact=True).click()
    for question in (
        "Vårdplan och genomförandeplan finns och följs",
        "Barnet har fått information och kommit till tals",
    ):
        await page.get_by_role("group", name=question).get_by_text("Nej, brist", exact=True).click()
    await page.get_by_label("Anteckning").fill("Genomförandeplan saknas")
    await page.get_by_role("button", name="Spara granskningen").click()
    await checked(page, "49 urvalet efter granskning")
    assert await page.locator("#utan-anmarkning").inner_text() == "0 av 1 granskade akter utan anmärkning."


async def test_an_upphandlare_works_the_conflict_queue(small_site: Any, page: Any) -> None:
    base = str(small_site.make_url("")).rstrip("/")
    await page.goto(f"{base}/logga-in")
    await page.get_by_role("button", name="Logga in som Ulf").click()
    await page.get_by_role("link", name="Jäv", exact=True).click()
    await checked(page, "50 jav ko")
    await page.get_by_role("link", name="Bedöm Cia och Cia").click()
    await page.get_by_role("button", name="Spara bedömningen").click()
    await checked(page, "51 jav bedom med fel")
    await page.get_by_text("Jäv: samma person, kopplingen gäller", exact=True).click()
    await page.get_by_label("Skäl").fill("Samma person enligt Bolagsverket; anmält till närmaste chef")
    await page.get_by_role("button", name="Spara bedömningen").click()
    await checked(page, "52 jav bedomd")
    assert await page.get_by_role("status").inner_text() == "Träffen är bekräftad som jäv."
    assert "Jäv" in await page.get_by_role("row").filter(has_text="Samma person enligt").inner_text()
