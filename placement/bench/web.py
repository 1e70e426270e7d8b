"""How fast the web pages render, on the national-scale synthetic dataset.

``python -m placement.bench.web`` (``--quick``: a twentieth of the dataset) loads the dataset
into a throwaway database (placement/bench/harness.py), gathers ``--children`` (500) of the largest
municipality's placed children under one unit with a unit lead and ten social workers, computes
their obligations (the scan), signs the unit lead in (a web session, as the sign-in makes), and
then requests, one at a time over HTTP on loopback, the unit's worklist (``/mina-barn``, the whole
unit), one child's placement page, a check run's result page (``/kontroller/{id}``), a check run
from the Ny kontroll form (the POST, its redirect and the rendered result: request to rendered
result) and, beside them, the trivial page (the accessibility statement: the same session lookup
and layout, no data). It prints p50 and p95 of each; it never fails on time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import uuid
from typing import Any

import aiohttp
from aiohttp import web

from followup.store import scan
from placement.api.app import create_app
from placement.bench import national_dataset
from placement.bench.harness import BenchDatabase, run_on_a_server, throwaway_database
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection, connect_with_retry, scope_to
from placement.logs import configure_logging
from placement.principal import Principal, SignInMethod
from placement.settings import LogFormat, Settings
from placement.web.sessions import SESSION_COOKIE, new_session

UNIT = "Bänkenheten (syntetisk)"


async def a_unit_to_check(admin: Connection) -> str:
    """A children's HVB with a valid permit in today's register: the home the check runs on."""
    code: str = await admin.fetchval(
        """SELECT key FROM register_entity
            WHERE kind = 'unit' AND valid_to_snapshot IS NULL
              AND payload ->> 'operation_kind' = 'hvb_children'
              AND payload -> 'permit' ->> 'status' = 'valid'
            ORDER BY key LIMIT 1"""
    )
    return code


async def timed_check_runs(
    http: aiohttp.ClientSession, base: str, form: dict[str, str], n: int
) -> list[float]:
    """``n`` check runs from the Ny kontroll form, one after another (after five to warm up): each
    from the POST to the rendered result page (the redirect followed), in milliseconds."""
    async with http.get(base + "/kontroller/ny") as response:
        found = re.search(r'name="csrf" value="([^"]+)"', await response.text())
    assert found is not None, "Ny kontroll has a CSRF token"
    data = {**form, "csrf": found.group(1)}
    out = []
    for i in range(n + 5):
        started = time.perf_counter()
        async with http.post(base + "/kontroller/ny", data=data) as response:
            await response.read()
            assert response.status == 200, (response.status, response.url)
            assert "/kontroller/" in str(response.url), response.url
        if i >= 5:
            out.append((time.perf_counter() - started) * 1000)
    return out


async def arrange(admin: Connection, children: int) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID, int]:
    """The largest municipality's first ``children`` placed children, moved to ten social workers
    of one unit with a unit lead: (municipality, unit lead, one placement, children gathered)."""
    municipality: uuid.UUID = await admin.fetchval(
        """SELECT municipality_id FROM placement WHERE end_date IS NULL
            GROUP BY municipality_id ORDER BY count(*) DESC LIMIT 1"""
    )
    lead: uuid.UUID = await admin.fetchval(
        """INSERT INTO staff (municipality_id, name, org_unit, roles)
           VALUES ($1, 'Bänkledare (syntetisk)', $2, ARRAY['teamledare']) RETURNING id""",
        municipality,
        UNIT,
    )
    workers = [
        r["id"]
        for r in await admin.fetch(
            """INSERT INTO staff (municipality_id, name, org_unit, roles)
               SELECT $1, 'Bänkhandläggare ' || n || ' (syntetisk)', $2, ARRAY['socialsekreterare']
                 FROM generate_series(1, 10) n RETURNING id""",
            municipality,
            UNIT,
        )
    ]
    moved = await admin.fetch(
        """WITH chosen AS (
               SELECT p.child_id, row_number() OVER (ORDER BY p.child_id) AS n FROM placement p
                WHERE p.municipality_id = $1 AND p.end_date IS NULL ORDER BY p.child_id LIMIT $2)
           UPDATE social_worker_assignment a SET staff_id = ($3::uuid[])[1 + c.n % 10]
             FROM chosen c
            WHERE a.municipality_id = $1 AND a.child_id = c.child_id AND a.assigned_to IS NULL
        RETURNING a.child_id""",
        municipality,
        children,
        workers,
    )
    placement: uuid.UUID = await admin.fetchval(
        "SELECT id FROM placement WHERE municipality_id = $1 AND child_id = $2 AND end_date IS NULL",
        municipality,
        moved[0]["child_id"],
    )
    return municipality, lead, placement, len(moved)


async def timed(http: aiohttp.ClientSession, url: str, n: int) -> list[float]:
    """``n`` requests one after another (after five to warm up): each request's milliseconds."""
    for _ in range(5):
        async with http.get(url) as response:
            assert response.status == 200, (url, response.status)
            await response.read()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        async with http.get(url) as response:
            await response.read()
            assert response.status == 200, (url, response.status)
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=20)
    return {"p50_ms": statistics.median(samples), "p95_ms": cuts[18], "n": len(samples)}


async def measure(database: BenchDatabase, admin: Connection, *, children: int, n: int) -> dict[str, Any]:
    municipality, lead, placement, gathered = await arrange(admin, children)
    unit_code = await a_unit_to_check(admin)
    child_id = await admin.fetchval("SELECT child_id FROM placement WHERE id = $1", placement)
    service = await connect_with_retry(database.urls.service, patience_s=10)
    try:
        started = time.perf_counter()
        await scan(service, today_in_sweden())
        print(f"  obligations computed in {time.perf_counter() - started:.1f} s")
        async with service.transaction():
            await scope_to(service, municipality)
            principal = Principal(
                municipality_id=municipality,
                subject="bench",
                roles=frozenset({StaffRole.TEAMLEDARE}),
                method=SignInMethod.DEMO,
                staff_id=lead,
                org_unit=UNIT,
            )
            cookie = await new_session(service, principal, display_name="Bänkledare (syntetisk)")
    finally:
        await service.close()

    app = create_app(Settings(scan_interval_s=0, db_pool_max_size=4), dsn=database.urls.service)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"children_in_unit": gathered}
    try:
        async with aiohttp.ClientSession(cookies={SESSION_COOKIE: cookie}) as http:
            for name, path in (
                ("trivial_page", "/tillganglighet"),
                ("worklist_unit", "/mina-barn?handlaggare=alla"),
                ("placement_page", f"/placeringar/{placement}"),
            ):
                results[name] = summary(await timed(http, base + path, n))
            check_form = {
                "child_id": str(child_id),
                "child": "",
                "form": "hvb",
                "legal_basis": "sol",
                "start_date": today_in_sweden().isoformat(),
                "unit_code": unit_code,
                "primary_need": "psychosocial",
                "handlaggare_id": str(lead),
                "decision_maker_id": str(lead),
                "decision_kind": "placement_sol",
            }
            results["check_run_form"] = summary(await timed_check_runs(http, base, check_form, n))
            check_id = await admin.fetchval("SELECT id FROM placement_check ORDER BY run_at DESC LIMIT 1")
            results["check_result"] = summary(await timed(http, f"{base}/kontroller/{check_id}", n))
    finally:
        await runner.cleanup()
    print(f"  a unit of {gathered} placed children, {n} requests each, one at a time:")
    for name in ("worklist_unit", "placement_page", "check_result", "check_run_form", "trivial_page"):
        r = results[name]
        print(f"  {name:16} p50 {r['p50_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms")
    return results


async def run(
    server_url: str, size: national_dataset.Size, *, children: int, requests: int
) -> dict[str, Any]:
    """The whole benchmark on ``server_url`` (a superuser URL), in a throwaway database."""
    print(f"Web page benchmark: the national dataset at {size.active_placements:,} active placements")
    async with throwaway_database(server_url) as database:
        admin = await connect_with_retry(database.admin, patience_s=10)
        try:
            started = time.perf_counter()
            await national_dataset.load(admin, size)
            print(f"  dataset loaded in {time.perf_counter() - started:.0f} s")
            return await measure(database, admin, children=children, n=requests)
        finally:
            await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Render times of the web pages on the national dataset.")
    parser.add_argument("--quick", action="store_true", help="a twentieth of the dataset")
    parser.add_argument("--children", type=int, default=500, help="placed children gathered in the unit")
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    configure_logging(LogFormat.CONSOLE, "warning")
    size = national_dataset.QUICK if args.quick else national_dataset.NATIONAL

    async def on(server_url: str) -> None:
        await run(server_url, size, children=args.children, requests=args.requests)

    run_on_a_server(on)


if __name__ == "__main__":
    main()
