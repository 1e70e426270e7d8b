"""Benchmark: reports of concern at the seed municipality's scale, alone or among all 290.

    python -m placement.bench.concerns [--reports 9000] [--national]

Loads one municipality's year (issue #20, from the 002 seed: about 9,000 reports a year, 7,000
förhandsbedömningar, 3,000 investigations open at once) with COPY, marked synthetic; with
``--national`` also the other 289 municipalities at the same rate per inhabitant (about 350,000
reports a year in all; the seed municipality is about 2.6 % of the country). Then measures, as the
service's role under row-level security, the watch list of the mottagning unit and of one utredning
unit, and the yearly indicators, each repeated, printing p50 and p95. Asserts nothing about time.
Targets (issue #20): the mottagning's watch list under 100 ms (p95), the yearly indicators under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
import uuid
from typing import Any

from followup.concern_indicators import Targets, indicators
from placement import rule_catalogue
from placement.audit import Actor
from placement.bench.harness import BenchDatabase, run_on_a_server, throwaway_database
from placement.core.clock import add_days, add_months
from placement.core.concern_vocabulary import Phase
from placement.database.pool import Connection, connect_with_retry, init_connection, scope_to
from placement.repositories.concerns import ConcernRepository

TODAY = dt.date(2026, 11, 2)
SEED_SHARE = 0.026  # the seed municipality's share of the country's children (about 2.6 %)
UTREDNING_UNITS = 4
REPORTERS = ["school", "preschool", "health_care", "police", "social_services", "private_person", "relative"]


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


def _year_of_reports(
    rng: random.Random, municipality: uuid.UUID, reports: int, lead: uuid.UUID
) -> dict[str, list[Any]]:
    """A year of reports ending on TODAY: 7/9 decided in a förhandsbedömning (3/7 of those open an
    investigation), the rest about a child whose case is already open; most steps in time."""
    children: list[Any] = []
    rows: list[Any] = []
    steps: list[Any] = []

    def step(report: uuid.UUID, kind: str, details: dict[str, Any], decided: bool = False) -> None:
        steps.append(
            (
                municipality,
                uuid.uuid4(),
                report,
                kind,
                details,
                lead if decided else None,
                True if decided else None,
                "bench",
            )
        )

    for n in range(reports):
        child, report = uuid.uuid4(), uuid.uuid4()
        received = add_days(TODAY, -rng.randrange(0, 365))
        children.append(
            (
                municipality,
                child,
                "Barn (syntetisk)",
                add_days(received, -rng.randrange(200, 6500)),
                rng.choice(["female", "male"]),
            )
        )
        unit, closed_on = "Mottagningen", None
        age = (TODAY - received).days
        made = add_days(received, rng.choice([0, 0, 0, 1, 1, 3]))
        if made <= TODAY:
            step(
                report,
                "protection",
                {
                    "made_at": _moment(made).isoformat(),
                    "made_by_name": "Handläggare (syntetisk)",
                    "made_by_role": "socialsekreterare",
                    "circumstances": "Syntetiska uppgifter",
                    "conclusion": "Inget omedelbart skyddsbehov",
                },
            )
        decided_on = add_days(received, rng.choice([5, 9, 12, 13, 14, 16, 20]))
        kind_of_case = n % 9  # 0-2: investigation; 3-6: not opened; 7-8: already open
        if decided_on <= TODAY and age > 14:
            outcome = (
                "open_investigation"
                if kind_of_case < 3
                else ("not_open" if kind_of_case < 7 else "already_open")
            )
            step(
                report,
                "preliminary",
                {
                    "decided_on": decided_on.isoformat(),
                    "outcome": outcome,
                    "prior_knowledge": "Ingen",
                    "child_view": "Samtal",
                },
                decided=True,
            )
            if outcome == "open_investigation":
                unit = f"Utredning {n % UTREDNING_UNITS + 1}"
                step(report, "investigation_start", {"started_on": decided_on.isoformat(), "org_unit": unit})
                ends = add_days(decided_on, rng.randrange(60, 150))
                if ends <= add_days(TODAY, -rng.randrange(0, 240)):
                    step(
                        report,
                        "investigation_end",
                        {
                            "ended_on": ends.isoformat(),
                            "outcome": "intervention",
                            "outcome_reason": "Syntetiskt",
                        },
                        decided=True,
                    )
                    closed_on = ends
            else:
                closed_on = decided_on
        rows.append(
            (
                municipality,
                report,
                child,
                _moment(received),
                received,
                "report",
                rng.choice(REPORTERS),
                "Syntetisk anmälan",
                "Mottagningen",
                unit,
                closed_on,
                "bench",
            )
        )
    return {"child": children, "concern_report": rows, "concern_step": steps}


COLUMNS = {
    "child": ["municipality_id", "id", "name", "birth_date", "sex"],
    "concern_report": [
        "municipality_id",
        "id",
        "child_id",
        "received_at",
        "received_on",
        "kind",
        "reporter_kind",
        "reason",
        "reception_unit",
        "org_unit",
        "closed_on",
        "registered_by",
    ],
    "concern_step": [
        "municipality_id",
        "id",
        "report_id",
        "kind",
        "details",
        "decided_by",
        "authorised",
        "recorded_by",
    ],
}


async def load(conn: Connection, *, reports: int, national: bool) -> uuid.UUID:
    """The seed municipality (0001) and, if national, 289 others; returns the seed's id."""
    rng = random.Random(2026)  # noqa: S311 - synthetic data, not security
    sizes = [reports]
    if national:
        rest = int(reports / SEED_SHARE) - reports
        weights = [rng.paretovariate(1.2) for _ in range(289)]
        sizes += [max(int(rest * w / sum(weights)), 5) for w in weights]
    seed_id: uuid.UUID | None = None
    for number, size in enumerate(sizes, start=1):
        async with conn.transaction():
            municipality = await conn.fetchval(
                "INSERT INTO municipality (kommunkod, name) VALUES ($1, $2) RETURNING id",
                f"{number:04d}",
                f"Benchkommun {number} (syntetisk)",
            )
            await scope_to(conn, municipality)
            lead = await conn.fetchval(
                """INSERT INTO staff (municipality_id, name, roles) VALUES ($1, 'Teamledare (syntetisk)',
                   '{teamledare}') RETURNING id""",
                municipality,
            )
            tables = _year_of_reports(rng, municipality, size, lead)
            for table, records in tables.items():
                await conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        seed_id = seed_id or municipality
    await conn.execute("ANALYZE")
    assert seed_id is not None
    return seed_id


def _percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"


async def measure(database: BenchDatabase, municipality: uuid.UUID, *, repeat: int) -> dict[str, list[float]]:
    rule_catalogue.load()
    conn = await connect_with_retry(database.urls.service, patience_s=10)
    await init_connection(conn)
    actor = Actor(municipality, "bench")
    timings: dict[str, list[float]] = {}

    async def timed(name: str, work: Any) -> Any:
        result = None
        for _ in range(repeat):
            async with conn.transaction():
                await scope_to(conn, municipality)
                started = time.perf_counter()
                result = await work(ConcernRepository(conn, actor=actor))
                timings.setdefault(name, []).append(time.perf_counter() - started)
        return result

    try:
        mottagning = await timed(
            "watch list, mottagning",
            lambda r: r.watch(phase=Phase.MOTTAGNING, org_unit="Mottagningen", limit=200, today=TODAY),
        )
        utredning = await timed(
            "watch list, one utredning unit",
            lambda r: r.watch(phase=Phase.UTREDNING, org_unit="Utredning 1", limit=200, today=TODAY),
        )

        async def yearly(r: ConcernRepository) -> Any:
            rows = await r.indicator_rows(received_from=add_months(TODAY, -12), received_to=TODAY)
            return indicators(rows, as_of=TODAY, policy=await r.rule_policy(), targets=Targets())

        cells = await timed("yearly indicators", yearly)
        async with conn.transaction():
            await scope_to(conn, municipality)
            open_investigations = await conn.fetchval(
                """SELECT count(*) FROM concern_report
                    WHERE municipality_id = $1 AND closed_on IS NULL AND org_unit <> 'Mottagningen'""",
                municipality,
            )
    finally:
        await conn.close()
    print(f"  open investigations in the municipality: {open_investigations}")
    print(
        f"  shown: mottagning {len(mottagning)} items, Utredning 1 {len(utredning)} items, "
        f"{len(cells)} indicator cells"
    )
    return timings


async def run(server_url: str, *, reports: int, national: bool, repeat: int = 20) -> None:
    async with throwaway_database(server_url) as database:
        admin = await connect_with_retry(database.admin, patience_s=10)
        # COPY is binary: jsonb goes as its version byte and the JSON text.
        await admin.set_type_codec(
            "jsonb",
            encoder=lambda value: b"\x01" + json.dumps(value).encode(),
            decoder=lambda data: json.loads(data[1:]),
            schema="pg_catalog",
            format="binary",
        )
        try:
            started = time.perf_counter()
            seed = await load(admin, reports=reports, national=national)
            total = await admin.fetchval("SELECT count(*) FROM concern_report")
            steps = await admin.fetchval("SELECT count(*) FROM concern_step")
            loaded = time.perf_counter() - started
        finally:
            await admin.close()
        scope = "290 municipalities" if national else "one municipality"
        print(f"Reports of concern benchmark: {reports} reports a year in the seed municipality, {scope}")
        print(f"  loaded {total} reports and {steps} steps in {loaded:.1f} s")
        timings = await measure(database, seed, repeat=repeat)
        for name, seconds in timings.items():
            print(f"  {name:<32} {_percentiles(seconds)}   ({len(seconds)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark the reports of concern (prints, never asserts, times)"
    )
    parser.add_argument("--reports", type=int, default=9_000, help="reports a year in the seed municipality")
    parser.add_argument("--national", action="store_true", help="also the other 289 municipalities")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    run_on_a_server(lambda url: run(url, reports=args.reports, national=args.national, repeat=args.repeat))


if __name__ == "__main__":
    main()
