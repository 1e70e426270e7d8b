"""Settings come from the environment: PLACEMENT_* and DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from placement.settings import LogFormat, Settings


@pytest.fixture(autouse=True)
def no_inherited_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "PLACEMENT_DATABASE_URL", "PLACEMENT_PORT", "PLACEMENT_DEMO"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_use_the_embedded_database() -> None:
    settings = Settings()
    assert settings.embedded
    assert (settings.host, settings.port, settings.demo, settings.oidc_enabled) == (
        "127.0.0.1",
        8080,
        False,
        False,
    )
    assert settings.pgdata == settings.data_dir / "pgdata"


def test_read_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://svc@db.example:5432/placement")
    monkeypatch.setenv("PLACEMENT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLACEMENT_HOST", "0.0.0.0")
    monkeypatch.setenv("PLACEMENT_PORT", "9000")
    monkeypatch.setenv("PLACEMENT_LOG_FORMAT", "json")
    monkeypatch.setenv("PLACEMENT_DEMO", "true")
    settings = Settings()
    assert not settings.embedded
    assert str(settings.database_url) == "postgresql://svc@db.example:5432/placement"
    assert (settings.data_dir, settings.host, settings.port) == (tmp_path, "0.0.0.0", 9000)
    assert settings.log_format is LogFormat.JSON
    assert settings.demo


def test_a_unix_socket_server_is_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq's form for a server on a Unix socket has no host in the address, only ?host=."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://svc@/placement?host=/run/postgresql")
    assert Settings().database_url == "postgresql://svc@/placement?host=/run/postgresql"


def test_prefixed_database_url_also_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMENT_DATABASE_URL", "postgresql://svc@localhost/placement")
    assert str(Settings().database_url) == "postgresql://svc@localhost/placement"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PLACEMENT_PORT", "70000"),
        ("PLACEMENT_LOG_FORMAT", "xml"),
        ("DATABASE_URL", "mysql://x@y/z"),
        ("DATABASE_URL", "postgresql:///placement"),  # no server at all
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
