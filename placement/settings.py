"""Service settings, read from the environment (``PLACEMENT_*``, and ``DATABASE_URL``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import parse_qs, urlsplit

import platformdirs
from pydantic import (
    AfterValidator,
    AliasChoices,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict


class LogFormat(StrEnum):
    """How log lines are written: ``json`` for production, ``console`` for a person at a terminal."""

    JSON = "json"
    CONSOLE = "console"


def _postgres_url(value: str) -> str:
    """A libpq connection URL: a host in the address, or a socket folder as ``?host=/path`` (as
    for a server reached over a Unix socket, e.g. ``postgresql:///placement?host=/run/postgresql``)."""
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres"):
        raise PydanticCustomError("postgres_url", "ska börja med postgresql://")
    if not parts.hostname and not parse_qs(parts.query).get("host"):
        raise PydanticCustomError(
            "postgres_url", "anger ingen server: en värd, eller ?host=/mapp för en Unix-socket"
        )
    return value


PostgresUrl = Annotated[str, AfterValidator(_postgres_url)]


def _default_data_dir() -> Path:
    return platformdirs.user_data_path("placeringskontroll")


class IdentityProvider(BaseModel):
    """One identity provider trusted for one municipality: its issuer, optionally only for one
    client of it (``azp``), and where its keys are (unset: the service-wide JWKS settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(min_length=1)
    kommunkod: str = Field(pattern=r"^\d{4}$")
    client_id: str | None = Field(default=None, min_length=1)
    audience: str | None = Field(default=None, min_length=1)
    jwks_url: AnyHttpUrl | None = None
    jwks_file: Path | None = None


class Settings(BaseSettings):
    """Everything an operator can configure. No secret has a default."""

    model_config = SettingsConfigDict(env_prefix="PLACEMENT_", extra="ignore", frozen=True)

    database_url: PostgresUrl | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "PLACEMENT_DATABASE_URL"),
        description="PostgreSQL server to use. Unset: an embedded server in data_dir.",
    )
    migration_database_url: PostgresUrl | None = Field(
        default=None,
        description="Where migrations run, as the role that owns the tables. Unset: DATABASE_URL.",
    )
    register_database_url: PostgresUrl | None = Field(
        default=None,
        description="Where register imports over the API run, as placement_register. Unset: API imports off.",
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
    oidc_issuer: str | None = Field(
        default=None, description="Expected iss of the identity provider's tokens."
    )
    oidc_audience: str | None = Field(default=None, description="Expected aud: this service's client id.")
    oidc_jwks_url: AnyHttpUrl | None = Field(
        default=None, description="Where the provider publishes its keys."
    )
    oidc_jwks_file: Path | None = Field(default=None, description="The provider's keys as a JWKS file.")
    oidc_kommunkoder: list[str] = Field(
        default=[],
        description="The municipalities PLACEMENT_OIDC_ISSUER is trusted for (JSON list of kommunkoder). "
        "With several, the token's municipality claim picks one of them.",
    )
    oidc_providers: list[IdentityProvider] = Field(
        default=[],
        description="Identity providers per municipality (JSON list of objects: issuer, kommunkod, "
        "and optionally client_id, audience, jwks_url or jwks_file).",
    )
    oidc_municipality_claim: str = Field(
        default="kommunkod", description="Claim that may narrow the municipality among those trusted."
    )
    oidc_email_verified_claim: str = Field(
        default="email_verified", description="Claim that must be true for an e-mail to link a staff member."
    )
    oidc_roles_claim: str = Field(default="roles", description="Claim listing the person's roles.")
    oidc_subject_claim: str = Field(default="sub", description="Claim naming the person in the audit log.")
    oidc_email_claim: str = Field(default="email", description="Claim matched to a staff member's e-mail.")
    oidc_algorithms: list[str] = Field(default=["RS256", "ES256"], description="Accepted signing algorithms.")
    oidc_leeway_s: int = Field(default=30, ge=0, le=300, description="Clock skew allowed on exp and nbf.")
    oidc_jwks_cache_s: int = Field(default=300, ge=10, description="How long fetched keys are trusted.")
    oidc_client_id: str | None = Field(
        default=None,
        description="This service's client id at the provider for the web sign-in. Unset: the audience.",
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="The web client's secret at the provider; unset: a public client (PKCE only).",
    )
    oidc_scopes: str = Field(default="openid email profile", description="Scopes asked for at sign-in.")
    public_url: AnyHttpUrl | None = Field(
        default=None,
        description="The address people reach the service at (behind a proxy); unset: as requested.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A web session ends after this long without a request."
    )
    identity_key: SecretStr | None = Field(
        default=None,
        description="Secret for the keyed hashes of foster parents shared across municipalities (PP12). "
        "With the embedded database it is made and kept in the data directory.",
    )
    bolagsverket_client_id: str | None = Field(
        default=None, min_length=1, description="Client id for Bolagsverket's API (Värdefulla datamängder)."
    )
    bolagsverket_client_secret: SecretStr | None = Field(default=None, description="Its client secret.")
    bolagsverket_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://gw.api.bolagsverket.se/vardefulla-datamangder/v1"),
        description="The API's base URL (the test environment's: gw-accept2.api.bolagsverket.se).",
    )
    bolagsverket_token_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://portal.api.bolagsverket.se/oauth2/token"),
        description="Where the client-credentials token is fetched.",
    )
    migrate_on_start: bool = Field(default=True, description="Apply pending migrations when serving.")
    db_connect_patience_s: float = Field(
        default=10.0, gt=0, description="How long to keep trying to reach the database at start."
    )
    scan_interval_s: int = Field(
        default=900,
        ge=0,
        description="How often serve recomputes every obligation; 0 turns the periodic scan off.",
    )
    signin_failure_limit: int = Field(
        default=20, ge=1, description="Failed sign-ins a client may make within the window before 429."
    )
    signin_failure_window_s: int = Field(default=60, ge=1, description="The window of that limit, seconds.")
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)

    @property
    def embedded(self) -> bool:
        """True when the service runs its own PostgreSQL instead of a configured server."""
        return self.database_url is None

    @model_validator(mode="after")
    def _oidc_complete(self) -> Self:
        given = [self.oidc_issuer, self.oidc_audience, self.oidc_jwks_url or self.oidc_jwks_file]
        half_configured = self.oidc_issuer is not None or not self.oidc_providers
        if half_configured and any(given) and not all(given):
            raise ValueError(
                "OIDC sign-in needs PLACEMENT_OIDC_ISSUER, PLACEMENT_OIDC_AUDIENCE and "
                "PLACEMENT_OIDC_JWKS_URL or PLACEMENT_OIDC_JWKS_FILE"
            )
        if self.oidc_issuer is not None and not self.oidc_kommunkoder:
            raise ValueError(
                "PLACEMENT_OIDC_ISSUER needs PLACEMENT_OIDC_KOMMUNKODER: the municipalities it is trusted for"
            )
        for provider in self.oidc_providers:
            if (provider.audience or self.oidc_audience) is None:
                raise ValueError(f"identity provider {provider.issuer} needs an audience")
            if not (provider.jwks_url or provider.jwks_file or self.oidc_jwks_url or self.oidc_jwks_file):
                raise ValueError(f"identity provider {provider.issuer} needs jwks_url or jwks_file")
        return self

    def identity_providers(self) -> list[IdentityProvider]:
        """Every trusted (issuer, client) and the municipality it is trusted for: the configured
        list, and the single issuer of PLACEMENT_OIDC_ISSUER for each of PLACEMENT_OIDC_KOMMUNKODER."""
        simple = [
            IdentityProvider(issuer=self.oidc_issuer, kommunkod=kommunkod)
            for kommunkod in self.oidc_kommunkoder
            if self.oidc_issuer is not None
        ]
        return [*self.oidc_providers, *simple]

    @property
    def oidc_enabled(self) -> bool:
        return self.oidc_issuer is not None or bool(self.oidc_providers)

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"
