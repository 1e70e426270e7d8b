"""Benchmark: pre-placement check runs over HTTP on loopback, 32 concurrent clients, against a
trivial municipality-scoped endpoint on the same server in the same run.

    python -m placement.bench.checks [--seconds 5] [--clients 32]

The server is `placement serve` in a process of its own (its peak resident memory is read from
/proc when the load is over); the clients run in this process. Prints throughput and p50/p99
latency for both endpoints, and their ratio. Asserts nothing about time. Targets on a 2-core
machine: p99 under 50 ms, at least half the trivial endpoint's throughput, server under 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from placement.bench.harness import BenchDatabase, run_on_a_server, throwaway_database
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection, connect_with_retry, scope_to
from placement.repositories.api_tokens import ApiTokenRepository
from suppliers.formats import Feed
from suppliers.service import run_import

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"


@dataclass(frozen=True)
class Target:
    """Whom the check runs are for: a municipality's token, children, a unit and a decision-maker."""

    token: str
    children: list[str]
    unit_code: str
    decision_maker_id: str


async def _token(conn: Connection, municipality: Any, kommunkod: str) -> str:
    _, token = await ApiTokenRepository(conn, municipality_id=municipality).create(
        kommunkod=kommunkod,
        name="bench",
        roles=frozenset({StaffRole.PLACERINGSSTOD}),
        valid_for=dt.timedelta(hours=1),
    )
    return token


async def arrange(owner_url: str, children: int) -> Target:
    """A municipality of its own, on the sample IVO register."""
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
                r["id"]
                for r in await owner.fetch(
                    "INSERT INTO child (municipality_id, name, birth_date, sex) "
                    "SELECT $1, 'Barn (syntetisk)', $2::date + n, 'female' FROM generate_series(0, $3 - 1) n "
                    "RETURNING id",
                    municipality,
                    dt.date(2011, 1, 1),
                    children,
                )
            ]
            token = await _token(owner, municipality, "0001")
    finally:
        await owner.close()
    return Target(token, [str(c) for c in child_ids], "U-1001", str(staff))


async def arrange_national(conn: Connection, children: int) -> Target:
    """On the national dataset: the municipality with the most children in care, children of it
    not placed now, a unit with a valid permit for children, a team lead with delegation."""
    [(municipality, kommunkod)] = await conn.fetch(
        """SELECT m.id, m.kommunkod FROM municipality m JOIN placement p ON p.municipality_id = m.id
            WHERE p.end_date IS NULL GROUP BY m.id ORDER BY count(*) DESC, m.kommunkod LIMIT 1"""
    )
    unit = await conn.fetchval(
        """SELECT key FROM register_entity
            WHERE kind = 'unit' AND valid_to_snapshot IS NULL
              AND payload ->> 'operation_kind' = 'hvb_children'
              AND payload -> 'permit' ->> 'status' = 'valid' ORDER BY key LIMIT 1"""
    )
    async with conn.transaction():
        await scope_to(conn, municipality)
        chosen = await conn.fetch(
            """SELECT c.id FROM child c WHERE c.municipality_id = $1 AND NOT EXISTS (
                   SELECT 1 FROM placement p WHERE p.municipality_id = c.municipality_id AND p.child_id = c.id
                      AND (p.end_date IS NULL OR p.end_date >= $2))
                ORDER BY c.id LIMIT $3""",
            municipality,
            today_in_sweden(),
            children,
        )
        lead = await conn.fetchval(
            "SELECT id FROM staff WHERE municipality_id = $1 AND 'teamledare' = ANY (roles) "
            "ORDER BY id LIMIT 1",
            municipality,
        )
        token = await _token(conn, municipality, kommunkod)
    return Target(token, [str(r["id"]) for r in chosen], unit, str(lead))


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


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB; 0 where /proc does not tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Server:
    base: str
    pid: int
    peak_rss_mb: float = 0.0


@asynccontextmanager
async def served(bench: BenchDatabase) -> AsyncIterator[Server]:
    """`placement serve` on ``bench``'s database, in its own process, until the block ends."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": bench.urls.service,
        "PLACEMENT_MIGRATION_DATABASE_URL": bench.urls.owner,
        "PLACEMENT_MIGRATE_ON_START": "false",
        "PLACEMENT_SCAN_INTERVAL_S": "0",
        "PLACEMENT_LOG_LEVEL": "warning",
        "PLACEMENT_DB_POOL_MAX_SIZE": "8",
        "PLACEMENT_IDENTITY_KEY": secrets.token_hex(32),
    }
    env.pop("PLACEMENT_DATABASE_URL", None)
    with tempfile.TemporaryFile() as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "placement",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=errors,
        )
        server = Server(f"http://127.0.0.1:{port}", process.pid)
        try:
            await _until_ready(server.base, process, errors)
            yield server
            server.peak_rss_mb = _peak_rss_mb(process.pid)
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()


async def _until_ready(
    base: str, process: asyncio.subprocess.Process, errors: Any, patience_s: float = 60
) -> None:
    deadline = time.monotonic() + patience_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                errors.seek(0)
                raise RuntimeError(f"the server stopped: {errors.read().decode()[-2000:]}")
            try:
                async with session.get(f"{base}/ready") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not become ready within {patience_s:.0f} s")


async def measure(bench: BenchDatabase, target: Target, seconds: float, clients: int) -> dict[str, float]:
    """Both endpoints under load on one server process, one after the other."""
    headers = {"Authorization": f"Bearer {target.token}"}
    start = today_in_sweden().isoformat()
    bodies = [
        {
            "child_id": c,
            "form": "hvb",
            "legal_basis": "sol",
            "start_date": start,
            "unit_code": target.unit_code,
            "primary_need": "psychosocial",
            "needs_assessment_documented": True,
            "decision_maker_id": target.decision_maker_id,
        }
        for c in target.children
    ]
    async with served(bench) as server:
        base = f"{server.base}/api/v1"
        trivial_rps, trivial, trivial_errors = await load(
            f"{base}/staff?limit=1", "GET", [], headers, clients, seconds
        )
        checks_rps, check, check_errors = await load(
            f"{base}/placement-checks", "POST", bodies, headers, clients, seconds
        )
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
    print(f"  server peak resident memory     {server.peak_rss_mb:7.0f} MB     (target < 300 MB)")
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
        "server_peak_rss_mb": server.peak_rss_mb,
    }


async def run(server_url: str, seconds: float, clients: int) -> dict[str, float]:
    """On a throwaway database with a municipality of its own."""
    async with throwaway_database(server_url) as bench:
        target = await arrange(bench.urls.owner, 200)
        return await measure(bench, target, seconds, clients)


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
