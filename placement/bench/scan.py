"""Benchmark: the obligation scan over 40,000 active placements with their events.

    python -m placement.bench.scan [--placements 40000]

Loads active placements with a few events each with COPY (marked synthetic; `placement bench`
runs ``measure`` on the national dataset instead), then measures, in the same run, a plain read of
the rows the scan reads and the scan in its cases: the first (every placement computed), the
periodic one with nothing changed, after a day's new visits, the next day, and ``scan --full``;
prints each with its ratio to the plain read. Asserts nothing about time. Targets on a 2-core
machine: under 1 second, under 3 times the plain read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid

import asyncpg

from followup.store import SCAN_WORKERS, ScanResult, scan
from placement.bench.harness import BenchDatabase, run_on_a_server, throwaway_database
from placement.bench.national_dataset import TODAY, copy_events
from placement.database.pool import Connection, connect_with_retry, init_connection, scope_to

FORMS = ["familjehem", "jourhem", "hvb", "stodboende", "lss_boende"]
BASES = {"familjehem": "sol", "jourhem": "sol", "hvb": "lvu_3", "stodboende": "sol", "lss_boende": "lss"}
KINDS = [
    "overvagande",
    "visit",
    "contact_details_given",
    "grounds_explained",
    "care_plan",
    "implementation_plan",
]


async def load(conn: Connection, placements: int, municipalities: int) -> None:
    rng = random.Random(2026)
    per = placements // municipalities
    for m in range(municipalities):
        async with conn.transaction():
            municipality = await conn.fetchval(
                "INSERT INTO municipality (kommunkod, name) VALUES ($1, $2) RETURNING id",
                f"{m + 1:04d}",
                f"Benchkommun {m + 1} (syntetisk)",
            )
            await scope_to(conn, municipality)
            staff = [
                (municipality, uuid.uuid4(), f"Socialsekreterare {n} (syntetisk)", ["socialsekreterare"])
                for n in range(max(per // 25, 1))
            ]
            await conn.copy_records_to_table(
                "staff", records=staff, columns=["municipality_id", "id", "name", "roles"]
            )
            children, rows, assignments, decisions, events = [], [], [], [], []
            for _ in range(per):
                child, placement = uuid.uuid4(), uuid.uuid4()
                start = TODAY - dt.timedelta(days=rng.randrange(10, 1500))
                form = rng.choice(FORMS)
                children.append(
                    (
                        municipality,
                        child,
                        "Barn (syntetisk)",
                        TODAY - dt.timedelta(days=rng.randrange(1500, 6000)),
                        "unspecified",
                    )
                )
                rows.append((municipality, placement, child, form, BASES[form], "Hem (syntetisk)", start))
                assignments.append((municipality, uuid.uuid4(), child, rng.choice(staff)[1], start))
                decisions.append(
                    (
                        municipality,
                        uuid.uuid4(),
                        placement,
                        "placement_sol",
                        start,
                        staff[0][1],
                        start,
                        start + dt.timedelta(days=730),
                    )
                )
                for _ in range(rng.randrange(2, 9)):
                    kind = rng.choice(KINDS)
                    details = '{"in_home": true, "private_talk": true}' if kind == "visit" else "{}"
                    day = start + dt.timedelta(days=rng.randrange(0, (TODAY - start).days + 1))
                    events.append((municipality, uuid.uuid4(), placement, kind, day, details, "bench"))
            await conn.copy_records_to_table(
                "child", records=children, columns=["municipality_id", "id", "name", "birth_date", "sex"]
            )
            await conn.copy_records_to_table(
                "placement",
                records=rows,
                columns=[
                    "municipality_id",
                    "id",
                    "child_id",
                    "form",
                    "legal_basis",
                    "home_name",
                    "start_date",
                ],
            )
            await conn.copy_records_to_table(
                "social_worker_assignment",
                records=assignments,
                columns=["municipality_id", "id", "child_id", "staff_id", "assigned_from"],
            )
            await conn.copy_records_to_table(
                "decision",
                records=decisions,
                columns=[
                    "municipality_id",
                    "id",
                    "placement_id",
                    "kind",
                    "decided_on",
                    "decided_by",
                    "valid_from",
                    "valid_to",
                ],
            )
            await copy_events(conn, events, with_ids=True)
    await conn.execute("ANALYZE")


async def plain_full_scan(conn: Connection, today: dt.date = TODAY) -> int:
    """Fetch the rows the scan reads (the placements in its scope, their children, decisions,
    social workers and events), municipality by municipality, and do nothing with them."""
    rows = 0
    # The placements in the scan's scope, as the scan selects them (followup_in_scope, V018).
    scope = """SELECT s.id FROM placement s
                WHERE s.municipality_id = $1 AND followup_in_scope(s.end_date, s.end_reason, $2::date)"""
    reads = {
        "placement": f"SELECT * FROM placement WHERE municipality_id = $1 AND id IN ({scope})",  # noqa: S608 - the constant scope query above
        "child": f"""SELECT * FROM child WHERE municipality_id = $1
                      AND id IN (SELECT child_id FROM placement WHERE id IN ({scope}))""",  # noqa: S608 - the constant scope query above
        "decision": f"SELECT * FROM decision WHERE municipality_id = $1 AND placement_id IN ({scope})",  # noqa: S608 - the constant scope query above
        "social_worker_assignment": f"""SELECT * FROM social_worker_assignment WHERE municipality_id = $1
                      AND child_id IN (SELECT child_id FROM placement WHERE id IN ({scope}))""",  # noqa: S608 - the constant scope query above
        "placement_event": f"""SELECT * FROM placement_event WHERE municipality_id = $1
                      AND placement_id IN ({scope})""",  # noqa: S608 - the constant scope query above
    }
    for municipality in [r["id"] for r in await conn.fetch("SELECT id FROM municipality")]:
        async with conn.transaction():
            await scope_to(conn, municipality)
            for query in reads.values():
                rows += len(await conn.fetch(query, municipality, today))
    return rows


async def record_events(conn: Connection, share: float) -> int:
    """A day's work: a new visit on a share of the ongoing placements, by COPY (the database raises
    those placements' follow-up versions itself)."""
    rng = random.Random(7)
    recorded = 0
    for municipality in [r["id"] for r in await conn.fetch("SELECT id FROM municipality")]:
        async with conn.transaction():
            await scope_to(conn, municipality)
            ids = [
                r["id"]
                for r in await conn.fetch(
                    "SELECT id FROM placement WHERE municipality_id = $1 AND end_date IS NULL", municipality
                )
            ]
            chosen = rng.sample(ids, max(1, int(len(ids) * share))) if ids else []
            await conn.copy_records_to_table(
                "placement_event",
                records=[(municipality, p, "visit", TODAY, "bench") for p in chosen],
                columns=["municipality_id", "placement_id", "kind", "occurred_on", "recorded_by"],
            )
            recorded += len(chosen)
    return recorded


async def run(server_url: str, placements: int, municipalities: int) -> dict[str, float]:
    """On a throwaway database of its own: ``placements`` active placements with their events."""
    async with throwaway_database(server_url) as bench:
        owner = await connect_with_retry(bench.admin, patience_s=10)
        try:
            await load(owner, placements, municipalities)
            return await measure(bench, owner)
        finally:
            await owner.close()


async def measure(bench: BenchDatabase, owner: Connection) -> dict[str, float]:
    """The scan on whatever ``bench`` holds, against a plain read of the same rows; ``owner``
    records the day's new events."""
    conn = await connect_with_retry(bench.urls.service, patience_s=10)
    pool = await asyncpg.create_pool(
        bench.urls.service, min_size=SCAN_WORKERS, max_size=SCAN_WORKERS, init=init_connection
    )
    try:

        async def timed(day: dt.date, *, full: bool = False) -> tuple[float, ScanResult]:
            started = time.perf_counter()
            result = await scan(conn, day, pool=pool, workers=SCAN_WORKERS, full=full)
            return time.perf_counter() - started, result

        started = time.perf_counter()
        rows = await plain_full_scan(conn)
        plain_s = time.perf_counter() - started
        first_s, first = await timed(TODAY)  # nothing computed yet: every placement
        again_s, again = await timed(TODAY)  # the periodic case: nothing changed since
        events = await record_events(owner, 0.01)
        events_s, after_events = await timed(TODAY)  # a visit recorded on one in a hundred
        next_day_s, next_day = await timed(TODAY + dt.timedelta(days=1))  # the date moved on
        full_s, _ = await timed(TODAY + dt.timedelta(days=1), full=True)  # scan --full
    finally:
        await pool.close()
        await conn.close()
    n = first.placements
    print(f"Obligation scan benchmark: {n} placements in {first.municipalities} municipalities")
    print(f"  plain full scan of the same rows ({rows} rows): {plain_s:.2f} s")
    for label, seconds in (
        (f"first scan, every placement computed ({first.recomputed})", first_s),
        (f"periodic scan, nothing changed ({again.recomputed} recomputed)", again_s),
        (f"after {events} new visits ({after_events.recomputed} recomputed)", events_s),
        (f"next day ({next_day.recomputed} recomputed, {next_day.changed} changed)", next_day_s),
        ("scan --full, every placement recomputed", full_s),
    ):
        print(f"  {label:<58} {seconds:6.2f} s {seconds / plain_s:5.1f} x plain")
    print("  targets: under 1 s and under 3 x the plain scan")
    return {
        "placements": n,
        "municipalities": first.municipalities,
        "plain_scan_s": plain_s,
        "first_scan_s": first_s,
        "periodic_scan_s": again_s,
        "after_events_scan_s": events_s,
        "events_recorded": events,
        "next_day_scan_s": next_day_s,
        "next_day_recomputed": next_day.recomputed,
        "full_scan_s": full_s,
        "ratio_first": first_s / plain_s,
        "ratio_periodic": again_s / plain_s,
        "ratio_next_day": next_day_s / plain_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--placements", type=int, default=40_000)
    parser.add_argument("--municipalities", type=int, default=290)
    args = parser.parse_args()

    async def on(server_url: str) -> None:
        await run(server_url, args.placements, min(args.municipalities, args.placements))

    run_on_a_server(on)


if __name__ == "__main__":
    main()
