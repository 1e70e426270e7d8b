"""The asyncpg pool, and the one way the service opens a transaction.

Every unit of work is one transaction. A transaction for a municipality's data states its tenant
with ``set_config('placement.municipality_id', ..., true)``: scoped to that transaction, so a
pooled connection never carries one request's tenant into the next.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeAlias

import asyncpg
import structlog
from asyncpg.pool import PoolConnectionProxy
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_delay,
    wait_random_exponential,
)

from placement.errors import DatabaseUnavailable

log = structlog.get_logger(__name__)

TENANT_SETTING = "placement.municipality_id"

# A plain connection (CLI, migrations) or one borrowed from the pool: repositories take either.
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"


async def scope_to(conn: Connection, municipality_id: uuid.UUID) -> None:
    """Scope the open transaction on ``conn`` to one municipality's data (row-level security reads
    the setting); it ends with the transaction."""
    await conn.execute("SELECT set_config($1, $2, true)", TENANT_SETTING, str(municipality_id))


async def unscope(conn: Connection) -> None:
    """End the open transaction's scope to a municipality (see :func:`scope_to`) before it ends."""
    await conn.execute("SELECT set_config($1, '', true)", TENANT_SETTING)


_CONNECT_ERRORS = (OSError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError)

# What a request meets while the database is away: refused or dropped connections, a server
# shutting down or starting, a pool that cannot hand out a connection in time.
DATABASE_AWAY: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.OperatorInterventionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.TooManyConnectionsError,
)
RETRY_AFTER_S = 5
ACQUIRE_TIMEOUT_S = 10.0


def database_unavailable(cause: BaseException | None = None) -> DatabaseUnavailable:
    """503 with Retry-After: the request may be repeated once the database is back."""
    return DatabaseUnavailable(
        "Databasen kan inte nås just nu; försök igen om en stund",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def init_connection(conn: Connection) -> None:
    """Set up a new connection: jsonb in and out as Python values."""
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def connect_with_retry(dsn: str, *, patience_s: float) -> asyncpg.Connection:
    """One connection, retried with backoff for ``patience_s`` (a server may still be starting)."""
    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(_CONNECT_ERRORS),
            wait=wait_random_exponential(multiplier=0.2, max=2.0),
            stop=stop_after_delay(patience_s),
        ):
            with attempt:
                conn: asyncpg.Connection = await asyncpg.connect(dsn)
                await init_connection(conn)
                return conn
    except RetryError as error:
        cause = error.last_attempt.exception()
        raise DatabaseUnavailable(f"Databasen svarar inte: {cause}") from cause
    except (asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidCatalogNameError) as error:
        raise DatabaseUnavailable(f"Databasen nekade anslutningen: {error}") from error
    raise AssertionError("unreachable: AsyncRetrying either returns or raises")


class Database:
    """The service's connection pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.away = False

    def _went_away(self, error: BaseException) -> None:
        """One warning when the database goes away, not one per request."""
        if not self.away:
            self.away = True
            log.warning("database_unreachable", error=type(error).__name__)

    def _is_back(self) -> None:
        if self.away:
            self.away = False
            log.warning("database_reachable_again")

    @classmethod
    async def connect(
        cls, dsn: str, *, min_size: int = 1, max_size: int = 10, patience_s: float = 10.0
    ) -> Database:
        # Fail fast and readably when the server is unreachable, before the pool retries quietly.
        probe = await connect_with_retry(dsn, patience_s=patience_s)
        await probe.close()
        pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size, init=init_connection)
        return cls(pool)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def transaction(self, municipality_id: uuid.UUID | None = None) -> AsyncIterator[Connection]:
        """One transaction; with ``municipality_id``, scoped to that municipality's data.

        While the database is away this raises :class:`DatabaseUnavailable` (503, Retry-After);
        the pool reconnects by itself once it is back.
        """
        try:
            async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn, conn.transaction():
                self._is_back()
                if municipality_id is not None:
                    await scope_to(conn, municipality_id)
                yield conn
        except DATABASE_AWAY as error:
            self._went_away(error)
            raise database_unavailable(error) from error
        except asyncpg.InterfaceError as error:
            # Ending the transaction on a connection the server dropped ("the underlying
            # connection is closed"), while the error that dropped it is being handled.
            if not isinstance(error.__context__, DATABASE_AWAY):
                raise
            self._went_away(error)
            raise database_unavailable(error) from error

    async def ping(self) -> bool:
        """True when the database answers a query."""
        try:
            async with self.pool.acquire(timeout=2) as conn:
                await conn.fetchval("SELECT 1")
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True
