"""The national-scale synthetic dataset: the same seed gives the same data, it is all marked
synthetic, it keeps the database's rules, and the service's workloads run on it."""

from __future__ import annotations

import random
import uuid

from followup.store import scan
from placement.bench import national_dataset
from placement.bench.harness import throwaway_database
from placement.bench.national_dataset import MARK, NATIONAL, municipality_rows, units
from placement.database.pool import connect_with_retry

TINY = NATIONAL.scaled(0.003)
OFFICERS = [("5590000014", f"Officer {n} {MARK}", "1970-01-01") for n in range(5)]
CODES = {"hvb_children": ["N-00001"], "stodboende": ["N-00002"], "lss_children": ["N-00003"]}


def rows(seed: int) -> national_dataset.Rows:
    return municipality_rows(
        uuid.UUID(int=seed),
        random.Random(seed),
        active=40,
        ended=200,
        staff_count=30,
        foster_homes=10,
        units_by_kind=CODES,
        officers=OFFICERS,
    )


def test_the_same_seed_gives_the_same_data() -> None:
    assert rows(1) == rows(1)
    assert rows(1) != rows(2)
    assert units(TINY, 2026, 2) == units(TINY, 2026, 2)


def test_a_unit_is_the_same_unit_in_every_years_register() -> None:
    size = NATIONAL.scaled(0.1)
    first = {u["unit_code"]: u for u in units(size, 2026, 0)["units"]}
    second = {u["unit_code"]: u for u in units(size, 2026, 1)["units"]}
    same = [code for code in first if code in second]
    changed = [code for code in same if first[code] != second[code]]
    assert len(same) > 0.95 * len(first)
    assert 0 < len(changed) < 0.2 * len(same)  # some change each year, most do not
    for code in changed:  # what changes is the permit, never who the unit is
        assert {k: v for k, v in first[code].items() if k != "permit"} == {
            k: v for k, v in second[code].items() if k != "permit"
        }


async def test_the_dataset_loads_marked_synthetic_and_within_the_rules(server_url: str) -> None:
    async with throwaway_database(server_url) as database:
        admin = await connect_with_retry(database.admin, patience_s=10)
        try:
            counts = await national_dataset.load(admin, TINY)
            assert await admin.fetchval("SELECT count(*) FROM placement") == counts["placements"]
            assert counts["placements"] == TINY.active_placements + TINY.ended_placements
            assert (
                await admin.fetchval("SELECT count(*) FROM placement WHERE end_date IS NULL")
                == TINY.active_placements
            )
            assert await admin.fetchval("SELECT count(*) FROM placement_event") == counts["events"] > 0
            assert await admin.fetchval("SELECT count(*) FROM municipality") == TINY.municipalities
            assert await admin.fetchval("SELECT count(*) FROM register_snapshot") == TINY.register_years + 1
            unmarked = await admin.fetchval(
                """SELECT count(*) FROM (
                       SELECT name FROM municipality UNION ALL SELECT name FROM staff
                       UNION ALL SELECT name FROM child UNION ALL SELECT name FROM foster_home
                       UNION ALL SELECT name FROM foster_parent UNION ALL SELECT home_name FROM placement
                   ) n WHERE name NOT LIKE '%(syntetisk)'"""
            )
            assert unmarked == 0
            assert await admin.fetchval("SELECT min(kommunkod) FROM municipality") >= "9001"
            assert (
                await admin.fetchval(
                    """SELECT count(*) FROM (
                           SELECT personnummer FROM child UNION ALL SELECT personnummer FROM staff
                           UNION ALL SELECT personnummer FROM foster_parent
                       ) p WHERE personnummer IS NOT NULL"""
                )
                == 0
            )
            disabled = await admin.fetch(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"
            )
            assert disabled == []  # the load turned the row-checking triggers back on
        finally:
            await admin.close()
        service = await connect_with_retry(database.urls.service, patience_s=10)
        try:
            result = await scan(service, national_dataset.TODAY)
        finally:
            await service.close()
        assert result.recomputed >= TINY.active_placements
