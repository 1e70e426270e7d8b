"""Schemathesis over every operation of the API, against the real service and database: zero
server errors and zero responses outside the OpenAPI document (status, content type, schema,
headers), in every phase (examples, coverage, fuzzing, stateful), on a bounded budget.

The service runs on loopback in this test's event loop; schemathesis's CLI runs in a subprocess
against it, signed in with an API token holding every role, over a municipality with one of
everything so operations with ids in their paths find something.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from placement.api.app import api_registry
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from tests.arrange import municipality_a_data
from tests.conftest import api_token

# A real process (schemathesis's CLI).
pytestmark = pytest.mark.slow

Client = TestClient[Any, Any]

EXAMPLES_PER_OPERATION = 10
SEED = 13
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


async def test_every_operation_survives_schemathesis(client: Client, db: Database, tmp_path: Path) -> None:
    await municipality_a_data(db)
    token = await api_token(db, "0001", *StaffRole, name="schemathesis")
    base = str(client.make_url("/")).rstrip("/")
    st = Path(sys.executable).parent / "st"
    process = await asyncio.create_subprocess_exec(
        str(st),
        "run",
        f"{base}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--no-shrink",
        "--max-failures",
        "100",
        "--report",
        "junit",
        "--report-junit-path",
        str(tmp_path / "schemathesis.xml"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
        env={"NO_COLOR": "1", "PATH": str(st.parent), "HOME": str(tmp_path)},
    )
    output, _ = await process.communicate()
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-20_000:]
    operations = len(api_registry().endpoints)
    assert f"Selected: {operations}/{operations}" in report, report[-5_000:]
    assert re.search(rf"Tested: {operations}\b", report), report[-5_000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, report[-5_000:]
