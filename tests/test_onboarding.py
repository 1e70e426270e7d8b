"""The onboarding import: a municipality's existing placements from its case system, validated whole,
applied in one transaction, idempotent by the case system's ids, with obligations computed."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import openpyxl
import pytest

from placement.audit import Actor
from placement.database.pool import Database
from placement.onboarding import onboard
from placement.onboarding_format import SHEETS, Kind, Rejected, read, template

TODAY = dt.date(2026, 11, 20)

STAFF = [
    ["Personal-id", "Namn", "E-post", "Enhet", "Roller", "Aktiv"],
    ["P-1", "Karin Handläggare", "karin@test.invalid", "Barn och unga 1", "socialsekreterare", "ja"],
    ["P-2", "Nils Nämnd", "nils@test.invalid", "Nämnden", "teamledare/enhetschef", "ja"],
    ["P-3", "Gunnar Gammal", "gunnar@test.invalid", "Barn och unga 2", "socialsekreterare", "nej"],
]
CHILDREN = [
    ["Barn-id", "Personnummer", "Namn", "Födelsedatum", "Kön"],
    ["B-1", "201201019807", "Alva Test", None, None],
    ["B-2", None, "Noah Test", dt.date(2014, 5, 2), "pojke"],
]
PLACEMENTS = [
    [
        "Placerings-id",
        "Barn-id",
        "Placeringsform",
        "Lagrum",
        "Hemmets namn",
        "Startdatum",
        "Slutdatum",
        "Avslutsorsak",
    ],
    ["PL-1", "B-1", "familjehem", "sol", "Familjehemmet Ek", dt.date(2025, 3, 1), None, None],
    [
        "PL-0",
        "B-2",
        "jourhem",
        "lvu_2",
        "Jourhemmet Al",
        dt.date(2024, 1, 10),
        dt.date(2024, 6, 1),
        "planerat",
    ],
    ["PL-2", "B-2", "HVB", "3 § LVU", "HVB Tallen", dt.date(2024, 6, 2), None, None],
]
DECISIONS = [
    ["Beslut-id", "Placerings-id", "Beslutstyp", "Beslutsdatum", "Beslutsfattare", "Gäller från"],
    ["BE-1", "PL-1", "placering enligt SoL", dt.date(2025, 2, 27), "P-2", dt.date(2025, 3, 1)],
    ["BE-2", "PL-2", "placering under vård enligt LVU", dt.date(2024, 6, 1), "P-2", dt.date(2024, 6, 2)],
]
ASSIGNMENTS = [
    ["Uppdrag-id", "Barn-id", "Personal-id", "Från", "Till"],
    ["U-1", "B-1", "P-3", dt.date(2025, 1, 1), dt.date(2025, 8, 31)],
    ["U-2", "B-1", "P-1", dt.date(2025, 9, 1), None],
]
EVENTS = [
    ["Händelse-id", "Placerings-id", "Händelse", "Datum", "Personal-id", "I hemmet", "Enskilt samtal"],
    ["H-1", "PL-1", "besök", dt.date(2026, 10, 1), "P-1", "ja", "ja"],
    ["H-2", "PL-1", "övervägande", dt.date(2026, 8, 20), None, None, None],
]


def workbook(**replace: list[list[Any]]) -> bytes:
    sheets = {
        "Personal": STAFF,
        "Barn": CHILDREN,
        "Placeringar": PLACEMENTS,
        "Beslut": DECISIONS,
        "Ansvariga socialsekreterare": ASSIGNMENTS,
        "Händelser": EVENTS,
    } | {k.replace("_", " "): v for k, v in replace.items()}
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _municipality(db: Database) -> uuid.UUID:
    async with db.pool.acquire() as conn:
        found: uuid.UUID = await conn.fetchval(
            "INSERT INTO municipality (kommunkod, name) VALUES ('0180', 'Stockholm') RETURNING id"
        )
    return found


async def _run(db: Database, municipality_id: uuid.UUID, data: bytes, *, dry_run: bool = False) -> Any:
    async with db.pool.acquire() as conn:
        return await onboard(
            conn,
            municipality_id,
            read([("fil.xlsx", data)]),
            actor=Actor(municipality_id, "cli:test", role="cli"),
            today=TODAY,
            dry_run=dry_run,
        )


async def _counts(db: Database) -> dict[str, int]:
    async with db.pool.acquire() as conn:
        row = await conn.fetchrow(
            """SELECT (SELECT count(*) FROM staff) AS staff, (SELECT count(*) FROM child) AS child,
                      (SELECT count(*) FROM placement) AS placement,
                      (SELECT count(*) FROM decision) AS decision,
                      (SELECT count(*) FROM social_worker_assignment) AS assignment,
                      (SELECT count(*) FROM placement_event) AS event,
                      (SELECT count(*) FROM audit_event) AS audit"""
        )
    return dict(row)


async def test_a_good_file_is_imported_with_obligations_and_audit(db: Database) -> None:
    """Every kind lands, linked by the case system's ids; the imported placements have their
    obligations at once (a visit and an övervägande recorded count as met); every child's object
    written is in the audit log; a deactivated social worker keeps the appointment he held."""
    municipality_id = await _municipality(db)
    result = await _run(db, municipality_id, workbook())
    assert {k: (t.created, t.changed, t.unchanged) for k, t in result.tallies.items()} == {
        Kind.STAFF: (3, 0, 0),
        Kind.CHILD: (2, 0, 0),
        Kind.PLACEMENT: (3, 0, 0),
        Kind.DECISION: (2, 0, 0),
        Kind.ASSIGNMENT: (2, 0, 0),
        Kind.EVENT: (2, 0, 0),
    }
    assert result.obligations_computed == 3
    async with db.pool.acquire() as conn:
        alva = await conn.fetchrow("SELECT id, birth_date, sex FROM child WHERE name = 'Alva Test'")
        assert (alva["birth_date"], alva["sex"]) == (dt.date(2012, 1, 1), "female")
        gunnar = await conn.fetchrow("SELECT id, active FROM staff WHERE name = 'Gunnar Gammal'")
        assert gunnar["active"] is False
        held = await conn.fetchval(
            "SELECT assigned_to FROM social_worker_assignment WHERE staff_id = $1", gunnar["id"]
        )
        assert held == dt.date(2025, 8, 31)
        hvb = await conn.fetchrow("SELECT form, legal_basis FROM placement WHERE home_name = 'HVB Tallen'")
        assert (hvb["form"], hvb["legal_basis"]) == ("hvb", "lvu_3")
        states = await conn.fetch(
            """SELECT o.code, o.state FROM obligation_state o JOIN placement p ON p.id = o.placement_id
                WHERE p.home_name = 'Familjehemmet Ek'"""
        )
        audited = await conn.fetch(
            "SELECT action, object_type, count(*) AS n FROM audit_event GROUP BY 1, 2 ORDER BY 1, 2"
        )
        alva_audited = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE child_id = $1 AND action = 'create'", alva["id"]
        )
    assert states, "the imported placement has obligations computed in the same run"
    assert "FU01" not in {s["code"] for s in states if s["state"] == "overdue"}
    created = {(a["object_type"]): a["n"] for a in audited if a["action"] == "create"}
    assert created == {
        "child": 2,
        "placement": 3,
        "decision": 2,
        "social_worker_assignment": 2,
        "placement_event": 2,
    }
    # Alva: herself, her placement, its decision, two appointments, two events.
    assert alva_audited == 7


async def test_the_same_file_twice_changes_nothing(db: Database) -> None:
    """Importing the same file again creates nothing and changes nothing (upsert by case id)."""
    municipality_id = await _municipality(db)
    await _run(db, municipality_id, workbook())
    before = await _counts(db)
    again = await _run(db, municipality_id, workbook())
    after = await _counts(db)
    assert {k: (t.created, t.changed) for k, t in again.tallies.items()} == {k: (0, 0) for k in Kind}
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }


async def test_a_changed_row_changes_its_object_and_a_dry_run_writes_nothing(db: Database) -> None:
    """A placement ended in the case system ends here; the dry run says so first without writing;
    a changed event becomes a correction of the one imported before."""
    municipality_id = await _municipality(db)
    await _run(db, municipality_id, workbook())
    placements = [
        *PLACEMENTS[:1],
        [*PLACEMENTS[1][:6], dt.date(2026, 10, 15), "omplacering"],
        *PLACEMENTS[2:],
    ]
    events = [EVENTS[0], [*EVENTS[1][:3], dt.date(2026, 10, 2), *EVENTS[1][4:]], EVENTS[2]]
    changed_file = workbook(Placeringar=placements, Händelser=events)
    before = await _counts(db)
    dry = await _run(db, municipality_id, changed_file, dry_run=True)
    assert (dry.tallies[Kind.PLACEMENT].changed, dry.tallies[Kind.PLACEMENT].unchanged) == (1, 2)
    assert (dry.tallies[Kind.EVENT].changed, dry.tallies[Kind.EVENT].unchanged) == (1, 1)
    assert await _counts(db) == before
    await _run(db, municipality_id, changed_file)
    async with db.pool.acquire() as conn:
        ended = await conn.fetchrow(
            "SELECT end_date, end_reason FROM placement WHERE home_name = 'Familjehemmet Ek'"
        )
        corrections = await conn.fetchval("SELECT count(*) FROM placement_event WHERE corrects IS NOT NULL")
        updated = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE action = 'update' AND object_type = 'placement'"
        )
    assert (ended["end_date"], ended["end_reason"]) == (dt.date(2026, 10, 15), "move")
    assert corrections == 1
    assert updated == 1


async def test_a_bad_file_is_refused_whole_naming_every_bad_row(db: Database) -> None:
    """One bad row refuses the file: nothing is written, and the report names sheet, row and
    column of every problem, in Swedish."""
    municipality_id = await _municipality(db)
    children = [
        *CHILDREN,
        ["B-3", "201201019808", "Fel Nummer", None, None],
        ["B-1", None, "Dubblett", dt.date(2015, 1, 1), None],
        ["B-4", "201201019807", "Samma Nummer", None, None],
    ]
    placements = [*PLACEMENTS, ["PL-9", "B-404", "slott", "sol", "Hemmet", "igår", None, "planerat"]]
    with pytest.raises(Rejected) as refused:
        await _run(db, municipality_id, workbook(Barn=children, Placeringar=placements))
    report = refused.value.report()
    lines = {p.line() for p in refused.value.problems}
    assert any(line.startswith("Barn rad 4, Personnummer:") for line in lines), lines
    assert "Barn rad 5, Barn-id: Id:t B-1 finns redan på rad 2" in lines
    assert "Barn rad 6, Personnummer: Personnumret finns redan på rad 2" in lines
    assert "Placeringar rad 5, Placeringsform: Okänd placeringsform slott" in lines
    assert "Placeringar rad 5, Startdatum: Ogiltigt datum; skriv ÅÅÅÅ-MM-DD" in lines
    assert report.startswith("Filen avvisades; inget ändrat.")
    assert (await _counts(db)) == dict.fromkeys(
        ("staff", "child", "placement", "decision", "assignment", "event", "audit"), 0
    )


async def test_references_and_overlaps_are_checked_across_rows(db: Database) -> None:
    """A placement naming a child in neither the file nor an earlier import, and two placements of
    one child at once, are refused by row."""
    municipality_id = await _municipality(db)
    placements = [
        *PLACEMENTS,
        ["PL-8", "B-404", "hvb", "sol", "HVB Eken", dt.date(2025, 1, 1), None, None],
        ["PL-7", "B-1", "hvb", "sol", "HVB Eken", dt.date(2025, 5, 1), None, None],
    ]
    with pytest.raises(Rejected) as refused:
        await _run(db, municipality_id, workbook(Placeringar=placements))
    lines = {p.line() for p in refused.value.problems}
    assert (
        "Placeringar rad 5, Barn-id: Barn-id B-404 finns varken i filen (fliken Barn) eller sedan tidigare"
        in lines
    )
    assert any(
        line.startswith("Placeringar rad 6, Startdatum: Överlappar barnets placering på rad 2")
        for line in lines
    )


async def test_a_later_file_may_refer_to_rows_imported_before(db: Database) -> None:
    """Events exported next month refer to placements imported today."""
    municipality_id = await _municipality(db)
    await _run(db, municipality_id, workbook())
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Händelser"
    ws.append(EVENTS[0])
    ws.append(["H-3", "PL-2", "kontaktuppgifter lämnade", dt.date(2026, 11, 1), "P-1", None, None])
    out = io.BytesIO()
    book.save(out)
    result = await _run(db, municipality_id, out.getvalue())
    assert result.tallies[Kind.EVENT].created == 1


async def test_csv_files_with_swedish_headers_import_like_the_workbook(db: Database) -> None:
    """One CSV per kind, semicolon-separated and in Windows-1252 as Excel saves it, reads the same."""
    municipality_id = await _municipality(db)

    def csv(rows: list[list[Any]]) -> bytes:
        text = "\r\n".join(";".join("" if v is None else str(v) for v in row) for row in rows)
        return text.encode("cp1252")

    files = [
        ("personal.csv", csv(STAFF)),
        ("barn.csv", csv(CHILDREN)),
        ("placeringar.csv", csv(PLACEMENTS)),
        ("beslut.csv", csv(DECISIONS)),
    ]
    async with db.pool.acquire() as conn:
        result = await onboard(
            conn, municipality_id, read(files), actor=Actor(municipality_id, "cli:test"), today=TODAY
        )
    assert result.tallies[Kind.PLACEMENT].created == 3
    assert result.tallies[Kind.DECISION].created == 2


def test_the_template_has_every_sheet_an_example_row_and_explanations() -> None:
    """The downloadable template reads back as a valid file of one example per kind."""
    data = template()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Förklaring", *(s.name for s in SHEETS)]
    rows = read([("mall.xlsx", data)])
    assert sorted({r.sheet.kind for r in rows}) == sorted(Kind)
    assert len(rows) == len(SHEETS)
