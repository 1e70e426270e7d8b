"""An import process killed (SIGKILL) in the middle of its work leaves the register as it was:
the previous snapshot stays in force, and the next import runs normally."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import sys
from pathlib import Path

import asyncpg
import pytest

from suppliers.formats import Feed
from suppliers.service import run_import
from tests.conftest import SessionDatabase
from tests.suppliers.test_import import SAMPLES, TODAY, counts

# A real process (placement import-ivo), killed.
pytestmark = pytest.mark.slow

UNITS = 30_000


def big_register(tmp_path: Path) -> Path:
    """The sample register grown to many units, so the import takes long enough to be killed."""
    sample = json.loads((SAMPLES / "ivo.json").read_text())
    template = sample["units"][0]
    units = []
    for n in range(UNITS):
        unit = copy.deepcopy(template)
        unit["unit_code"] = f"U-9{n:06d}"
        unit["permit"]["ivo_reference"] = f"IVO-2026-9{n:06d}"
        units.append(unit)
    path = tmp_path / "big-ivo.json"
    path.write_text(json.dumps({"units": units, "interventions": []}))
    return path


async def importing(owner: asyncpg.Connection) -> bool:
    """Whether another session of the owner role is at work in this database."""
    busy: bool = await owner.fetchval(
        """SELECT count(*) > 0 FROM pg_stat_activity
            WHERE datname = current_database() AND usename = current_user
              AND pid <> pg_backend_pid() AND state = 'active'"""
    )
    return busy


async def test_a_killed_import_process_leaves_no_trace(
    owner: asyncpg.Connection, test_database: SessionDatabase, tmp_path: Path
) -> None:
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.json"), today=TODAY)
    before = await counts(owner)
    source = big_register(tmp_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "placement",
        "import-ivo",
        str(source),
        env={**os.environ, "DATABASE_URL": test_database.owner, "PLACEMENT_LOG_LEVEL": "warning"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(600):  # until the import is at work in the database
            if await importing(owner):
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the import never started working in the database")
        await asyncio.sleep(0.2)
        assert process.returncode is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        await process.communicate()
    assert process.returncode == -signal.SIGKILL
    for _ in range(250):  # the server notices the dropped connection and rolls back
        if not await importing(owner):
            break
        await asyncio.sleep(0.02)
    assert await counts(owner) == before
    current = await owner.fetchval(
        "SELECT count(*) FROM register_entity WHERE key LIKE 'U-9%' AND valid_to_snapshot IS NULL"
    )
    assert current == 0
    # Nothing was left locked or half-done: the next import goes through.
    await run_import(owner, Feed.IVO, str(SAMPLES / "ivo.csv"), today=TODAY)
    assert (await counts(owner))[0] == before[0] + 1
