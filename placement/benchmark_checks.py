"""Benchmark: pre-placement check runs over HTTP on loopback, 32 concurrent clients, against a
trivial municipality-scoped endpoint on the same server in the same run.

    python -m placement.benchmark_checks [--seconds 5] [--clients 32]

Prints throughput and p50/p99 latency for both, and their ratio. Asserts nothing about time.
Targets on a 2-core machine: p99 under 50 ms, at least half the trivial endpoint's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from placement.api.app import create_app
from placement.benchmarking import run_on_a_server, throwaway_database
from placement.clock import today_in_sweden
from placement.database.pool import connect_with_retry, scope_to
from placement.repositories.api_tokens import ApiTokenRepository
from placement.settings import Settings
from placement.vocabulary import StaffRole
from suppliers.formats import Feed
from suppliers.service import run_import

SAMPLES = Path(__file__).parents[1] / "deploy" / "samples"


async def arrange(admin_url: str, owner_url: str, children: int) -> tuple[str, list[str], dict[str, str]]:
    owner = await connect_with_retry(owner_url, patience_s=10)
    try:
        await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"))
        async with owner.transaction():
            municipality = await owner.fetchval(
                """INSERT INTO municipality (kommunkod, name) VALUES ('0001', 'Benchkommun (syntetisk)')
                   RETURNING id"""
            )
            await scope_to(owner, municipality)
            staff = await owner.fetchval(
                "INSERT INTO staff (municipality_id, name, roles) "
                "VALUES ($1, 'Tove (syntetisk)', '{teamledare}') RETURNING id",
                municipality,
            )
            await owner.execute(
                "INSERT INTO delegation_rule (municipality_id, decision_kind, role, granted_by) "
                "VALUES ($1, 'placement_sol', 'teamledare', 'bench')",
                municipality,
            )
            child_ids = [
                await owner.fetchval(
                    "INSERT INTO child (municipality_id, name, birth_date, sex) "
                    "VALUES ($1, 'Barn (syntetisk)', $2, 'female') RETURNING id",
                    municipality,
                    dt.date(2011, 1, 1) + dt.timedelta(days=n),
                )
                for n in range(children)
            ]
            _, token = await ApiTokenRepository(owner, municipality_id=municipality).create(
                kommunkod="0001",
                name="bench",
                roles=frozenset({StaffRole.PLACERINGSSTOD}),
                valid_for=dt.timedelta(hours=1),
            )
    finally:
        await owner.close()
    return token, [str(c) for c in child_ids], {"decision_maker_id": str(staff)}


async def load(
    url: str, method: str, bodies: list[Any], headers: dict[str, str], clients: int, seconds: float
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:

        async def client(n: int) -> None:
            nonlocal errors
            i = n
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)] if bodies else None
                started = time.perf_counter()
                async with session.request(method, url, json=body, headers=headers) as response:
                    await response.read()
                    if response.status >= 400:
                        errors += 1
                latencies.append(time.perf_counter() - started)
                i += clients

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, errors


def peak_rss_mb() -> float:
    """Peak resident memory of this process (server and clients run in it), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


async def run(server_url: str, seconds: float, clients: int) -> dict[str, float]:
    async with throwaway_database(server_url) as bench:
        token, children, extra = await arrange(bench.admin, bench.urls.owner, 200)
        settings = Settings(scan_interval_s=0, db_pool_max_size=8, log_level="warning")
        runner = web.AppRunner(create_app(settings, dsn=bench.urls.service), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}/api/v1"
        headers = {"Authorization": f"Bearer {token}"}
        start = today_in_sweden().isoformat()
        bodies = [
            {
                "child_id": c,
                "form": "hvb",
                "legal_basis": "sol",
                "start_date": start,
                "unit_code": "U-1001",
                "primary_need": "psychosocial",
                "needs_assessment_documented": True,
                **extra,
            }
            for c in children
        ]
        try:
            trivial_rps, trivial, trivial_errors = await load(
                f"{base}/staff?limit=1", "GET", [], headers, clients, seconds
            )
            checks_rps, check, check_errors = await load(
                f"{base}/placement-checks", "POST", bodies, headers, clients, seconds
            )
        finally:
            await runner.cleanup()
    print(f"Check-run benchmark: {clients} concurrent clients over HTTP on loopback, {seconds:.0f} s each")
    print(
        f"  trivial endpoint (GET /staff)   {trivial_rps:7.0f} req/s  p50 {pct(trivial, 50):6.1f} ms  "
        f"p99 {pct(trivial, 99):6.1f} ms  errors {trivial_errors}"
    )
    print(
        f"  check runs (POST)               {checks_rps:7.0f} req/s  p50 {pct(check, 50):6.1f} ms  "
        f"p99 {pct(check, 99):6.1f} ms  errors {check_errors}   (target p99 < 50 ms)"
    )
    print(f"  throughput ratio                {checks_rps / trivial_rps:7.2f}   (target >= 0.5)")
    return {
        "clients": clients,
        "checks_per_s": checks_rps,
        "checks_p50_ms": pct(check, 50),
        "checks_p99_ms": pct(check, 99),
        "trivial_per_s": trivial_rps,
        "trivial_p50_ms": pct(trivial, 50),
        "trivial_p99_ms": pct(trivial, 99),
        "ratio": checks_rps / trivial_rps,
        "errors": check_errors + trivial_errors,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()

    async def on(server_url: str) -> None:
        await run(server_url, args.seconds, args.clients)

    run_on_a_server(on)


if __name__ == "__main__":
    main()
