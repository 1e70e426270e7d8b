"""Register tests connect as the owner: national data is written only by the register import."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from placement.database.pool import Database, connect_with_retry
from tests.conftest import SessionDatabase


@pytest.fixture
async def owner(db: Database, test_database: SessionDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A connection as placement_owner, over emptied tables."""
    conn = await connect_with_retry(test_database.owner, patience_s=5)
    yield conn
    await conn.close()
