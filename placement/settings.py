"""Service settings, read from the environment (``PLACEMENT_*``, and ``DATABASE_URL``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, PostgresDsn
from pydantic_settings import BaseSettings, SettingsConfigDict


class LogFormat(StrEnum):
    """How log lines are written: ``json`` for production, ``console`` for a person at a terminal."""

    JSON = "json"
    CONSOLE = "console"


def _default_data_dir() -> Path:
    return platformdirs.user_data_path("placeringskontroll")


class Settings(BaseSettings):
    """Everything an operator can configure. No secret has a default."""

    model_config = SettingsConfigDict(env_prefix="PLACEMENT_", extra="ignore", frozen=True)

    database_url: PostgresDsn | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "PLACEMENT_DATABASE_URL"),
        description="PostgreSQL server to use. Unset: an embedded server in data_dir.",
    )
    migration_database_url: PostgresDsn | None = Field(
        default=None,
        description="Where migrations run, as the role that owns the tables. Unset: DATABASE_URL.",
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the embedded PostgreSQL keeps its data between runs.",
    )
    host: str = Field(default="127.0.0.1", description="Address the HTTP server listens on.")
    port: int = Field(default=8080, ge=0, le=65535, description="Port the HTTP server listens on.")
    log_format: LogFormat = Field(default=LogFormat.CONSOLE, description="json or console.")
    log_level: str = Field(default="info", pattern=r"^(debug|info|warning|error)$")
    demo: bool = Field(default=False, description="Load the synthetic demo municipality at start.")
    dev_sign_in: bool = Field(
        default=False,
        description="Trust the X-Municipality header as sign-in. Development and tests only; on in demo.",
    )
    migrate_on_start: bool = Field(default=True, description="Apply pending migrations when serving.")
    db_connect_patience_s: float = Field(
        default=10.0, gt=0, description="How long to keep trying to reach the database at start."
    )
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)

    @property
    def embedded(self) -> bool:
        """True when the service runs its own PostgreSQL instead of a configured server."""
        return self.database_url is None

    @property
    def dev_sign_in_enabled(self) -> bool:
        return self.dev_sign_in or self.demo

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"
