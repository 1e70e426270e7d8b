"""Onboarding import benchmark: a municipality's case-system export of N placements (each with its
child, decision, responsible social worker and two past events, over 300 staff) as one XLSX
workbook, read, validated whole, applied in one transaction with every obligation computed; then
the same file again (nothing changes). Prints the figures; never fails on time (target: 5,000
placements under 10 s).

    python -m placement.bench.onboarding --placements 5000
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import time
from typing import Any

import openpyxl

from placement.audit import Actor
from placement.bench.demo import synthetic_personnummer
from placement.bench.harness import run_on_a_server, throwaway_database
from placement.database.pool import Connection, connect_with_retry
from placement.onboarding import onboard
from placement.onboarding_format import SHEETS, Kind, read

TODAY = dt.date(2026, 11, 20)
FORMS = ["familjehem", "jourhem", "hvb", "stodboende", "familjehem", "familjehem"]


def export(placements: int, *, staff: int = 300, seed: int = 18) -> bytes:
    """A synthetic case-system export as an XLSX workbook (every name ends in "(syntetisk)")."""
    rng = random.Random(seed)
    rows: dict[Kind, list[list[Any]]] = {s.kind: [[c.header for c in s.columns]] for s in SHEETS}
    for i in range(staff):
        role = "teamledare" if i % 10 == 0 else "socialsekreterare"
        rows[Kind.STAFF].append(
            [f"P-{i}", f"Medarbetare {i} (syntetisk)", f"p{i}@bench.invalid", f"Grupp {i % 12}", role, "ja"]
        )
    for i in range(placements):
        born = dt.date(2009, 1, 1) + dt.timedelta(days=(i // 10) * 11)  # unique with the serial
        pnr = synthetic_personnummer(born, 980 + 2 * (i % 10), female=i % 2 == 0)
        rows[Kind.CHILD].append([f"B-{i}", pnr, f"Barn {i} (syntetisk)", None, None])
        start = TODAY - dt.timedelta(days=rng.randint(30, 1500))
        start = max(start, born)
        form = FORMS[i % len(FORMS)]
        rows[Kind.PLACEMENT].append(
            [f"PL-{i}", f"B-{i}", form, "sol", f"Hem {i % 700} (syntetisk)", None, None, start]
            + [None, None, None, 1200 + i % 900]  # planned end, end, reason, daily cost
        )
        decider = f"P-{(i % (staff // 10)) * 10}"
        rows[Kind.DECISION].append(
            [f"BE-{i}", f"PL-{i}", "placement_sol", start, decider, start, None, "nej", None]
        )
        number = 1 + i % (staff - 1)
        worker = f"P-{number + 1 if number % 10 == 0 else number}"  # team leads (every tenth) do not visit
        rows[Kind.ASSIGNMENT].append([f"U-{i}", f"B-{i}", worker, start, None])
        visit = min(TODAY, start + dt.timedelta(days=rng.randint(1, 400)))
        rows[Kind.EVENT].append([f"H-{i}-1", f"PL-{i}", "besök", visit, worker, "ja", "ja", None])
        rows[Kind.EVENT].append(
            [f"H-{i}-2", f"PL-{i}", "kontaktuppgifter lämnade", start, worker, None, None, None]
        )
    book = openpyxl.Workbook(write_only=True)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        for row in rows[sheet.kind]:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def measure(conn: Connection, placements: int) -> dict[str, float]:
    """Import an export of ``placements`` into ``conn``'s (owner) database, twice."""
    municipality_id = await conn.fetchval(
        "INSERT INTO municipality (kommunkod, name) VALUES ('0099', 'Benchkommun (syntetisk)') RETURNING id"
    )
    actor = Actor(municipality_id, "bench:onboarding", role="cli")
    data = export(placements)
    figures: dict[str, float] = {"placements": placements, "file_mb": len(data) / 1e6}
    for run in ("first", "second"):
        started = time.perf_counter()
        raw = read([("export.xlsx", data)])
        read_s = time.perf_counter() - started
        result = await onboard(conn, municipality_id, raw, actor=actor, today=TODAY)
        total_s = time.perf_counter() - started
        figures[f"{run}_read_s"] = read_s
        figures[f"{run}_total_s"] = total_s
        figures[f"{run}_created"] = sum(t.created for t in result.tallies.values())
    print(f"Onboarding import benchmark: {placements} placements, {figures['file_mb']:.1f} MB xlsx")
    print(f"  read the workbook                            {figures['first_read_s']:6.2f} s")
    print(
        f"  first import: read, validate, write, obligations {figures['first_total_s']:6.2f} s   "
        "(target < 10 s for 5,000)"
    )
    print(f"  the same file again (nothing changes)        {figures['second_total_s']:6.2f} s")
    print(f"  rows created {figures['first_created']:.0f}, then {figures['second_created']:.0f}")
    return figures


async def run(placements: int, server_url: str) -> dict[str, float]:
    async with throwaway_database(server_url) as database:
        conn = await connect_with_retry(database.urls.owner, patience_s=10)
        try:
            return await measure(conn, placements)
        finally:
            await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--placements", type=int, default=5000)
    args = parser.parse_args()

    async def on(server_url: str) -> None:
        await run(args.placements, server_url)

    run_on_a_server(on)


if __name__ == "__main__":
    main()
