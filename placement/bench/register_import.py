"""Benchmark: importing an IVO register of N units with permits, and its diff.

    python -m placement.bench.register_import            # 5,000 units on a throwaway embedded PostgreSQL
    DATABASE_URL=postgresql://postgres@host/postgres python -m placement.bench.register_import --units 5000

Prints its figures; asserts nothing about time (the machines are shared and noisy). Target on a
2-core machine: the second import of 5,000 permits, with its diff, change events and findings,
under 2 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from stdnum import luhn

from placement.bench.national_dataset import TODAY
from placement.database import roles
from placement.database.embedded import EmbeddedPostgres
from placement.database.migrator import migrate
from placement.database.pool import Connection, connect_with_retry, scope_to
from suppliers.fetch import Fetched
from suppliers.formats import Feed, parse_feed
from suppliers.importer import apply_feed


def synthetic_register(units: int, *, seed: int, changed: float = 0.0) -> dict[str, Any]:
    rng = random.Random(seed)
    rows = []
    for n in range(units):
        base = f"55990{n:04d}"[:9]
        orgnr = base + luhn.calc_check_digit(base)
        permit = {
            "ivo_reference": f"IVO-B-{n:05d}",
            "operation_kind": "hvb_children",
            "age_min": 12,
            "age_max": 17,
            "sex": "any",
            "needs": ["psychosocial"],
            "places": 6 + n % 5,
            "manager_name": f"Föreståndare {n} (syntetisk)",
            "valid_from": "2020-01-01",
            "status": "valid",
        }
        draw = random.Random(seed * 1_000_003 + n).random()
        if draw < changed / 3:
            permit["status"] = "revoked"
        elif draw < 2 * changed / 3:
            permit["places"] = int(permit["places"]) + 1  # type: ignore[call-overload]
        elif draw < changed:
            permit["manager_name"] = f"Ny föreståndare {n} (syntetisk)"
        rows.append(
            {
                "unit_code": f"B-{n:05d}",
                "name": f"HVB {n} (syntetisk)",
                "kommunkod": f"{rng.randint(1, 2599):04d}",
                "operation_kind": "hvb_children",
                "ownership": "private",
                "provider_orgnr": orgnr,
                "permit": permit,
            }
        )
    return {"units": rows}


async def run(units: int, server_url: str) -> dict[str, float]:
    name = f"placement_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    await roles.bootstrap(admin, database=name)
    await admin.close()
    owner_url = roles.with_login(server_url, user=roles.OWNER_ROLE, database=name)
    conn = await connect_with_retry(owner_url, patience_s=10)
    try:
        await migrate(conn)
        await _placements(conn, units)
        first = json.dumps(synthetic_register(units, seed=1)).encode()
        second = json.dumps(synthetic_register(units, seed=1, changed=0.05)).encode()

        started = time.perf_counter()
        parsed_first = parse_feed(Feed.IVO, first, name="first.json")
        parse_s = time.perf_counter() - started
        started = time.perf_counter()
        await apply_feed(conn, parsed_first, Fetched("bench:first", first), today=TODAY)
        first_s = time.perf_counter() - started

        started = time.perf_counter()
        parsed_second = parse_feed(Feed.IVO, second, name="second.json")
        result = await apply_feed(conn, parsed_second, Fetched("bench:second", second), today=TODAY)
        second_s = time.perf_counter() - started
    finally:
        await conn.close()
        admin = await asyncpg.connect(server_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    print(f"Register import benchmark: {units} units with permits ({len(first) / 1e6:.1f} MB JSON)")
    print(f"  parse and validate the whole file           {parse_s:6.2f} s")
    print(f"  first import (all new)                      {first_s:6.2f} s")
    print(f"  second import: parse, diff, merge, findings {second_s:6.2f} s   (target < 2 s)")
    print(f"  changes {len(result.changes)}, findings to municipalities {result.findings}")
    return {
        "units": units,
        "parse_s": parse_s,
        "first_import_s": first_s,
        "second_import_s": second_s,
        "changes": len(result.changes),
        "findings": result.findings,
    }


async def next_register(conn: Connection, total: int, *, changed: float = 0.05) -> dict[str, Any]:
    """The next IVO register for a database that already holds one: every current unit, a share of
    them changed (places, manager, permit revoked), and new units up to ``total``."""
    current = [
        dict(r["payload"])  # jsonb decoded by the connection (placement.database.pool.init_connection)
        for r in await conn.fetch(
            "SELECT payload FROM register_entity WHERE kind = 'unit' AND valid_to_snapshot IS NULL "
            "ORDER BY key"
        )
    ]
    rng = random.Random(3)
    for unit in current:
        permit = unit.get("permit")
        draw = rng.random()
        if permit is None or draw >= changed:
            continue
        if draw < changed / 3:
            permit["status"] = "revoked"
        elif draw < 2 * changed / 3:
            permit["places"] = int(permit["places"]) + 1
        else:
            permit["manager_name"] = f"Ny föreståndare {unit['unit_code']} (syntetisk)"
    added = synthetic_register(max(total - len(current), 0), seed=4)["units"]
    return {"units": current + added}


async def measure_next(conn: Connection, total: int) -> dict[str, float]:
    """Import the next register of ``total`` units into ``conn``'s database, which holds one."""
    before = await conn.fetchval(
        "SELECT count(*) FROM register_entity WHERE kind = 'unit' AND valid_to_snapshot IS NULL"
    )
    content = json.dumps(await next_register(conn, total)).encode()
    started = time.perf_counter()
    parsed = parse_feed(Feed.IVO, content, name="next.json")
    parse_s = time.perf_counter() - started
    result = await apply_feed(conn, parsed, Fetched("bench:next", content), today=TODAY)
    import_s = time.perf_counter() - started
    print(f"Register import benchmark: {total} units with permits over a register of {before}")
    print(f"  parse and validate the whole file           {parse_s:6.2f} s")
    print(f"  import: parse, diff, merge, findings        {import_s:6.2f} s   (target < 2 s)")
    print(f"  changes {len(result.changes)}, findings to municipalities {result.findings}")
    return {
        "units": total,
        "units_before": before,
        "parse_s": parse_s,
        "second_import_s": import_s,
        "changes": len(result.changes),
        "findings": result.findings,
    }


async def _placements(conn: asyncpg.Connection, units: int) -> None:
    """Children placed at a tenth of the units, in 20 municipalities, so changes raise findings."""
    rng = random.Random(7)
    async with conn.transaction():
        for m in range(20):
            municipality = await conn.fetchval(
                "INSERT INTO municipality (kommunkod, name) VALUES ($1, $2) RETURNING id",
                f"{m + 1:04d}",
                f"Benchkommun {m} (syntetisk)",
            )
            await scope_to(conn, municipality)
            children = [(municipality, uuid.uuid4()) for _ in range(units // 200)]
            await conn.executemany(
                "INSERT INTO child (municipality_id, id, name, birth_date, sex) "
                "VALUES ($1, $2, 'Barn (syntetisk)', '2012-01-01', 'unspecified')",
                children,
            )
            await conn.executemany(
                "INSERT INTO placement (municipality_id, child_id, form, legal_basis, home_name, unit_code, "
                "start_date) VALUES ($1, $2, 'hvb', 'sol', 'HVB', $3, '2026-01-01')",
                [(m_id, c_id, f"B-{rng.randrange(0, units, 10):05d}") for m_id, c_id in children],
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=5000)
    args = parser.parse_args()
    external = os.environ.get("DATABASE_URL")
    if external:
        asyncio.run(run(args.units, external))
        return
    with tempfile.TemporaryDirectory() as folder:
        embedded = EmbeddedPostgres(Path(folder) / "pgdata")
        try:
            asyncio.run(run(args.units, embedded.start()))
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()
