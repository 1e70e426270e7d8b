"""Rapporter over HTTP, signed in as the small municipality's granskare (tests/egenkontroll/
small_municipality.py, whose every figure is counted by hand there): each report page shows the
numbers behind its shares, every export read back says what the page says, the children behind a
figure are one click away and in the audit log, and a social worker has no reports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from html import unescape

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from pypdf import PdfReader

from placement.api.app import create_app
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SessionDatabase
from tests.egenkontroll.small_municipality import Small, arrange
from tests.web.conftest import Client, csrf_of, sign_in_as

YEAR = 2026


@pytest.fixture
async def small_demo(db: Database) -> Small:
    return await arrange(db, demo=True)


@pytest.fixture
async def site(
    small_demo: Small, test_database: SessionDatabase, settings: Settings
) -> AsyncIterator[Client]:
    app = create_app(settings.model_copy(update={"demo": True}), dsn=test_database.service)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


def cells(html: str) -> list[list[str]]:
    """The text of every table row's cells on the page, in order."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in found])
    return rows


def words(met: int, total: int) -> str:
    if total == 0:
        return "0 av 0 (inga räknade)"
    return f"{met} av {total} ({100 * met / total:.1f} %)".replace(".", ",")


async def test_the_ek02_page_shows_the_hand_counted_figures(site: Client) -> None:
    await sign_in_as(site, "greta@lilla.invalid")
    response = await site.get(f"/rapporter/EK02?ar={YEAR}")
    assert response.status == 200
    html = await response.text()
    rows = cells(html)
    # Hela kommunen: girls 2 of 2, boys 0 of 1, 2 of 3 in all.
    assert ["Totalt", words(2, 2), words(0, 1), "0 av 0 (inga räknade)", words(2, 3)] in rows
    assert ["Cia", words(1, 1), words(0, 1), "0 av 0 (inga räknade)", words(1, 2)] in rows
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Samma siffror finns i tabellerna" in html


async def test_every_export_of_a_report_says_what_the_page_says(site: Client) -> None:
    await sign_in_as(site, "greta@lilla.invalid")
    page = cells(await (await site.get(f"/rapporter/EK04?ar={YEAR}")).text())
    assert ["Totalt", words(2, 2), words(2, 3), "0 av 0 (inga räknade)", words(4, 5)] in page

    raw = await (await site.get(f"/rapporter/EK04.csv?ar={YEAR}")).read()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert ["Hela kommunen", "Totalt", "Totalt", "4", "5", "80,0"] in rows
    assert ["Hela kommunen", "Totalt", "Pojkar", "2", "3", "66,7"] in rows
    assert ["Handläggare", "Bo", "Totalt", "2", "2", "100,0"] in rows

    response = await site.get(f"/rapporter/EK04.xlsx?ar={YEAR}")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(await response.read())).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert ["Hela kommunen", "Totalt", "Totalt", 4, 5, 80.0] in values
    assert ["Handläggare", "Bo", "Totalt", 2, 2, 100.0] in values
    assert [c.value for c in sheet[2]][:3] == ["Uppdelning", "Grupp", "Kön"]

    pdf = await (await site.get(f"/rapporter/EK04.pdf?ar={YEAR}")).read()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"Totalt {words(2, 2)} {words(2, 3)} 0 av 0 (inga räknade) {words(4, 5)}" in text
    assert "Antal olika socialsekreterare" in text


async def test_the_board_report_and_its_exports_agree(site: Client) -> None:
    """The nämndrapport for 2026: each indicator's girls, boys and total as counted by hand, and
    2025 beside it (only Bruno, Ella and Alva's first months were then)."""
    await sign_in_as(site, "greta@lilla.invalid")
    html = await (await site.get(f"/rapporter/namndrapport?ar={YEAR}")).text()
    rows = {r[0].rsplit(" ", 1)[-1]: r[1:4] for r in cells(html) if r and r[0][-4:-2] == "EK"}
    expected = {
        "EK02": (words(2, 2), words(0, 1), words(2, 3)),
        "EK03": (words(2, 2), words(0, 1), words(2, 3)),
        "EK04": (words(2, 2), words(2, 3), words(4, 5)),
        "EK05": (words(1, 2), words(2, 3), words(3, 5)),
        "EK06": ("0 av 0 (inga räknade)", words(1, 2), words(1, 2)),
        "EK07": (words(1, 1), words(0, 1), words(1, 2)),
        "EK09": (words(1, 1), words(1, 2), words(2, 3)),
        "EK10": ("–", "–", words(1, 4)),
        "EK11": ("0 av 0 (inga räknade)", words(1, 3), words(1, 3)),
        "EK12": ("0 av 0 (inga räknade)", "0 av 0 (inga räknade)", "0 av 0 (inga räknade)"),  # none drawn
    }
    assert {code: tuple(r) for code, r in rows.items()} == expected

    sheet = load_workbook(
        io.BytesIO(await (await site.get(f"/rapporter/namndrapport.xlsx?ar={YEAR}")).read())
    ).active
    assert sheet is not None
    by_code = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(by_code) == set(expected)
    for code, r in by_code.items():
        girls = "–" if r[3] is None else words(r[3], r[4]) if r[4] else "0 av 0 (inga räknade)"
        boys = "–" if r[5] is None else words(r[5], r[6]) if r[6] else "0 av 0 (inga räknade)"
        assert (girls, boys, words(r[7], r[8])) == expected[code], code
        assert r[9] == (round(100 * r[7] / r[8], 1) if r[8] else None)

    pdf = await (await site.get(f"/rapporter/namndrapport.pdf?ar={YEAR}")).read()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for code, (girls, boys, total) in expected.items():
        assert f"{code} {girls} {boys} {total}" in text
    assert "Nämndrapport egenkontroll 2026" in text


async def test_the_children_behind_a_figure_are_one_click_away_and_audited(
    site: Client, db: Database, small_demo: Small
) -> None:
    await sign_in_as(site, "greta@lilla.invalid")
    async with db.transaction() as conn:
        before = await conn.fetchval("SELECT coalesce(max(id), 0) FROM audit_event")
    html = await (await site.get(f"/rapporter/EK02?ar={YEAR}")).text()
    links = [unescape(h) for h in re.findall(r'href="(/rapporter/EK02/underlag\?[^"]*)"', html)]
    link = next(
        h
        for h in links
        if {"uppdelning=handlaggare", "grupp=Cia", "kon=alla"} <= set(h.split("?")[1].split("&"))
    )
    behind = await (await site.get(link)).text()
    shown = cells(behind)
    assert [
        "Bruno",
        "2012-01-01",
        "HVB Björken",
        "Cia",
        "Ej uppfyllt Senaste övervägande 2025-11-15, mer än sex månader sedan",
    ] in shown
    assert ["Cleo", "2012-01-01", "Familjen Ek", "Cia", "Uppfyllt"] in shown
    async with db.transaction() as conn:
        read = {
            r["child_id"]
            for r in await conn.fetch(
                """SELECT child_id FROM audit_event
                    WHERE actor = 'demo:greta@lilla.invalid' AND action = 'read' AND id > $1""",
                before,
            )
        }
    # The figure's two children, and no one else: the report itself reads counts only.
    assert read == {small_demo.children["Bruno"], small_demo.children["Cleo"]}


async def test_reports_are_for_granskare_and_team_leads(site: Client) -> None:
    await sign_in_as(site, "anna@lilla.invalid")
    response = await site.get(f"/rapporter/EK02?ar={YEAR}")
    assert response.status == 403
    assert "Din roll ger inte åtkomst" in await response.text()


async def test_a_year_out_of_range_and_an_unknown_code_are_clear(site: Client) -> None:
    await sign_in_as(site, "greta@lilla.invalid")
    response = await site.get("/rapporter/EK02?ar=1999")
    assert response.status == 422
    assert "Välj ett år mellan 2000" in await response.text()
    response = await site.get("/rapporter/EK99?ar=2026")
    assert response.status == 404


async def test_the_quarterly_report_to_ivo(site: Client, db: Database, small_demo: Small) -> None:
    """The fourth quarter of 2026: Dino's decision (enforced 2026-10-01, four months late) and
    Gus's (not enforced), with IVO's fields and no name; both read in the audit log."""
    await sign_in_as(site, "greta@lilla.invalid")
    html = await (await site.get("/rapporter/ivo-kvartal?ar=2026&kvartal=4")).text()
    rows = cells(html)
    assert [
        "2026-05-20",
        "placering enligt SoL",
        "Väntan på plats i HVB",
        "Man",
        "13–17 år",
        "Ja",
        "2026-10-01",
    ] in rows
    assert [
        "2026-09-01",
        "placering enligt SoL",
        "Inget lämpligt hem har hittats",
        "Man",
        "18–20 år",
        "Nej",
        "–",
    ] in rows
    assert "Dino" not in html
    assert "Gus" not in html
    sheet = load_workbook(
        io.BytesIO(await (await site.get("/rapporter/ivo-kvartal.xlsx?ar=2026&kvartal=4")).read())
    ).active
    assert sheet is not None
    got = [r for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert [(r[0].date(), r[3], r[5]) for r in got] == [
        (dt.date(2026, 5, 20), "Man", "Ja"),
        (dt.date(2026, 9, 1), "Man", "Nej"),
    ]
    async with db.transaction() as conn:
        read = await conn.fetch(
            """SELECT child_id FROM audit_event
                WHERE actor = 'demo:greta@lilla.invalid' AND object_type = 'decision' AND action = 'read'"""
        )
    assert {r["child_id"] for r in read} == {small_demo.children["Dino"], small_demo.children["Gus"]}
    response = await site.get("/rapporter/ivo-kvartal?ar=2026&kvartal=5")
    assert response.status == 422
    assert "Välj kvartal 1, 2, 3 eller 4" in await response.text()


async def test_a_granskare_draws_the_sample_and_records_reviews(
    site: Client, db: Database, small_demo: Small
) -> None:
    """2026's five placed children all have a handläggare in "Barn och unga": all five are drawn
    (fewer than 20). Alva's file is in order, Bruno's lacks plans: EK12 is 1 of 2 reviewed."""
    await sign_in_as(site, "greta@lilla.invalid")
    html = await (await site.get("/rapporter/aktgranskning")).text()
    response = await site.post(
        "/rapporter/aktgranskning", data={"csrf": csrf_of(html), "ar": "2026", "per_enhet": "20"}
    )
    assert response.status == 200
    page = await response.text()
    assert "5 akter, högst 20 per enhet, slumpfrö" in page
    async with db.transaction() as conn:
        seed, drawn = await conn.fetchrow(
            """SELECT s.seed, array_agg(r.placement_id ORDER BY r.position) FROM file_review_sample s
                 JOIN file_review r ON r.sample_id = s.id GROUP BY s.id, s.seed"""
        )
        sample_id = await conn.fetchval("SELECT id FROM file_review_sample")
    assert set(drawn) == {small_demo.placements[c] for c in ("Alva", "Bruno", "Cleo", "Dino", "Frej")}
    assert seed

    form_url = f"/rapporter/aktgranskning/{sample_id}/{small_demo.placements['Bruno']}"
    form = await (await site.get(form_url)).text()
    refused = await site.post(
        form_url, data={"csrf": csrf_of(form), "documentation": "ja", "note": "Saknar plan"}
    )
    assert refused.status == 422
    text = await refused.text()
    assert "Svara ja eller nej: vårdplan och genomförandeplan finns och följs" in text
    assert "Saknar plan" in text  # the person's values are kept
    answers = {"documentation": "ja", "plans": "nej", "visits": "ja", "child_informed": "ja"}
    await site.post(form_url, data={"csrf": csrf_of(form), **answers, "note": "Saknar plan"})
    alva_url = f"/rapporter/aktgranskning/{sample_id}/{small_demo.placements['Alva']}"
    await site.post(alva_url, data={"csrf": csrf_of(form), **answers, "plans": "ja"})

    page = await (await site.get(f"/rapporter/aktgranskning/{sample_id}")).text()
    assert "1 av 2 granskade akter utan anmärkning." in page
    assert ["Vårdplan och genomförandeplan finns och följs", "1 av 2"] in cells(page)
    report = cells(await (await site.get("/rapporter/EK12?ar=2026")).text())
    assert ["Totalt", words(1, 1), words(0, 1), "0 av 0 (inga räknade)", words(1, 2)] in report


async def test_an_upphandlare_works_the_conflict_queue(site: Client, small_demo: Small) -> None:
    """Cia's name matches a board member of Vård AB: Ulf dismisses it with a reason; then Cia has
    no open flag and EK10 counts her declaration (2 of 4)."""
    await sign_in_as(site, "ulf@lilla.invalid")
    queue = await (await site.get("/jav")).text()
    [row] = [r for r in cells(queue) if r and r[0] == "Cia"]
    assert row[:5] == ["Cia", "Cia, styrelseledamot", "Vård AB", "Liknande namn och födelsedatum", "95"]
    link = re.search(r'href="(/jav/[0-9a-f-]+)"', queue)
    assert link is not None
    form = await (await site.get(link.group(1))).text()
    refused = await site.post(
        link.group(1), data={"csrf": csrf_of(form), "decision": "dismiss", "reason": ""}
    )
    assert refused.status == 422
    assert "Skriv skälet till bedömningen" in await refused.text()
    done = await site.post(
        link.group(1),
        data={"csrf": csrf_of(form), "decision": "dismiss", "reason": "Annan person, annat födelseår"},
    )
    page = await done.text()
    assert "Träffen är avfärdad." in page
    assert ["Cia", "Cia, Vård AB", "Inget jäv", "Annan person, annat födelseår"] in cells(page)

    await sign_in_as(site, "greta@lilla.invalid")
    report = cells(await (await site.get("/rapporter/EK10?ar=2026")).text())
    assert ["Totalt", words(2, 4)] in report
