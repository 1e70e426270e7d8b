"""`placement bench`: every benchmark in one run, a table and a JSON file of the figures.

Each workload runs on a throwaway database (the embedded server, or the server DATABASE_URL names
as a superuser). Timings are printed, never asserted: the command fails only if a workload errors.
``--quick`` uses small sizes, for CI.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path
from typing import Any

from followup import benchmark as scan_bench
from placement import benchmark_checks as check_bench
from placement.benchmarking import run_on_a_server
from suppliers import benchmark as import_bench
from suppliers import benchmark_screening as screening_bench

FULL: dict[str, Any] = {
    "check_seconds": 5.0,
    "clients": 32,
    "placements": 40_000,
    "municipalities": 290,
    "units": 5_000,
    "staff": 20_000,
    "officers": 20_000,
    "sample": 200,
}
QUICK: dict[str, Any] = {
    "check_seconds": 1.0,
    "clients": 32,
    "placements": 2_000,
    "municipalities": 20,
    "units": 500,
    "staff": 2_000,
    "officers": 2_000,
    "sample": 50,
}


def bench(*, quick: bool, json_path: Path | None) -> int:
    sizes = QUICK if quick else FULL
    results: dict[str, Any] = {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "quick": quick,
    }

    async def on(server_url: str) -> None:
        print("== 1. check runs over HTTP")
        results["check_runs"] = await check_bench.run(server_url, sizes["check_seconds"], sizes["clients"])
        print("== 2. obligation scan")
        results["obligation_scan"] = await scan_bench.run(
            server_url, sizes["placements"], sizes["municipalities"]
        )
        print("== 3. register import")
        results["register_import"] = await import_bench.run(sizes["units"], server_url)

    run_on_a_server(on)
    print("== 4. conflict screening")
    results["screening"] = screening_bench.run(sizes["staff"], sizes["officers"], sizes["sample"])
    print("== 5. peak memory")
    print(
        "  peak resident memory during the check-run workload: "
        f"{results['check_runs']['peak_rss_mb']:.0f} MB "
        "(server and its load clients in one process; target for the server alone: < 300 MB)"
    )
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"Figures written to {json_path}")
    errors = results["check_runs"]["errors"]
    return 1 if errors else 0
