"""`placement bench`: every workload on the national-scale synthetic dataset, in one run; a table
of figures, and the same as JSON.

The dataset (placement/bench/national_dataset.py) is loaded into a throwaway database (the embedded
server, or the server DATABASE_URL names as a superuser), and each workload runs on it: check runs
over HTTP against a server process of its own, the obligation scan, a register import, conflict
screening, and the server's peak memory. Timings are printed, never asserted: the command fails
only if a workload errors. ``--quick`` uses a twentieth of the dataset, for CI.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

from placement.bench import checks as check_bench
from placement.bench import national_dataset
from placement.bench import onboarding as onboarding_bench
from placement.bench import register_import as import_bench
from placement.bench import scan as scan_bench
from placement.bench import screening as screening_bench
from placement.bench.harness import run_on_a_server, throwaway_database
from placement.database.pool import connect_with_retry

FULL: dict[str, Any] = {
    "dataset": national_dataset.NATIONAL,
    "check_seconds": 5.0,
    "clients": 32,
    "import_units": 5_000,
    "onboard_placements": 5_000,
    "screen_staff": 20_000,
    "screen_officers": 20_000,
    "sample": 200,
}
QUICK: dict[str, Any] = {
    "dataset": national_dataset.QUICK,
    "check_seconds": 1.0,
    "clients": 32,
    "import_units": 500,
    "onboard_placements": 500,
    "screen_staff": 1_500,
    "screen_officers": 1_000,
    "sample": 50,
}


def bench(*, quick: bool, json_path: Path | None) -> int:
    knobs = QUICK if quick else FULL
    size: national_dataset.Size = knobs["dataset"]
    results: dict[str, Any] = {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "quick": quick,
    }
    people: tuple[list[Any], list[Any]] = ([], [])

    async def on(server_url: str) -> None:
        nonlocal people
        async with throwaway_database(server_url) as database:
            admin = await connect_with_retry(database.admin, patience_s=10)
            try:
                print("== 0. the national dataset")
                started = time.perf_counter()
                rows = await national_dataset.load(admin, size)
                load_s = time.perf_counter() - started
                print(
                    f"  loaded in {load_s:.0f} s: " + ", ".join(f"{n:,} {table}" for table, n in rows.items())
                )
                results["dataset"] = {"size": dataclasses.asdict(size), "rows": rows, "load_s": load_s}
                print("== 1. check runs over HTTP")
                target = await check_bench.arrange_national(admin, 200)
                results["check_runs"] = await check_bench.measure(
                    database, target, knobs["check_seconds"], knobs["clients"]
                )
                print("== 2. obligation scan")
                results["obligation_scan"] = await scan_bench.measure(database, admin)
                print("== 3. register import")
                results["register_import"] = await import_bench.measure_next(admin, knobs["import_units"])
                print("== 3b. onboarding import")
                results["onboarding_import"] = await onboarding_bench.run(
                    knobs["onboard_placements"], server_url
                )
                people = await screening_bench.people_in_database(
                    admin, knobs["screen_staff"], knobs["screen_officers"]
                )
            finally:
                await admin.close()

    run_on_a_server(on)
    print("== 4. conflict screening")
    results["screening"] = screening_bench.measure(*people, knobs["sample"])
    print("== 5. peak memory")
    print(
        "  peak resident memory of the server process during the check-run workload: "
        f"{results['check_runs']['server_peak_rss_mb']:.0f} MB (target < 300 MB)"
    )
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"Figures written to {json_path}")
    return 1 if results["check_runs"]["errors"] else 0
