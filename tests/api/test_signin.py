"""Sign-in: API tokens, the identity provider's JWTs (keys served by a real loopback server), demo
users; and the route table's role declarations (401 for who is unknown, 403 for who may not)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

from placement.api.app import api_registry, create_app
from placement.bench.demo import load_demo
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.repositories.api_tokens import ApiTokenRepository, parse_token
from placement.repositories.municipalities import MunicipalityRepository
from placement.settings import Settings
from tests.conftest import SessionDatabase, api_token, bearer

Client = TestClient[Any, Any]


async def status_and_detail(response: Any) -> tuple[int, str]:
    body = await response.json()
    assert response.content_type == "application/problem+json" or response.status < 400
    return response.status, body.get("detail", "")


# ---- API tokens ---------------------------------------------------------------------------------


async def test_api_token_signs_in_with_its_roles(client: Client, db: Database, municipality: str) -> None:
    token = await api_token(db, municipality, StaffRole.SOCIALSEKRETERARE)
    assert (await client.get("/api/v1/children", headers=bearer(token))).status == 200


async def test_wrong_secret_is_401(client: Client, db: Database, municipality: str) -> None:
    token = await api_token(db, municipality, StaffRole.PLACERINGSSTOD)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    status, detail = await status_and_detail(await client.get("/api/v1/children", headers=bearer(forged)))
    assert (status, detail) == (401, "Token är ogiltig, har gått ut eller är återkallad")


async def test_revoked_token_is_401(client: Client, db: Database, municipality: str) -> None:
    token = await api_token(db, municipality, StaffRole.PLACERINGSSTOD)
    parsed = parse_token(token)
    assert parsed is not None
    async with db.transaction() as conn:
        m = await MunicipalityRepository(conn).by_kommunkod(kommunkod=municipality)
        assert m is not None
        await ApiTokenRepository(conn, municipality_id=m.id).revoke(token_id=parsed.token_id)
    assert (await client.get("/api/v1/children", headers=bearer(token))).status == 401


async def test_expired_token_is_401(client: Client, db: Database, municipality: str) -> None:
    token = await api_token(db, municipality, StaffRole.PLACERINGSSTOD)
    async with db.transaction() as conn:
        await conn.execute("UPDATE api_token SET created_at = now() - interval '2 days', expires_at = now()")
    assert (await client.get("/api/v1/children", headers=bearer(token))).status == 401


async def test_token_relabelled_for_another_municipality_is_401(
    client: Client, db: Database, municipality: str
) -> None:
    """A token only works for the municipality that issued it, whatever its prefix claims."""
    async with db.transaction() as conn:
        await MunicipalityRepository(conn).create(kommunkod="0180", name="Annan")
    token = await api_token(db, municipality, StaffRole.PLACERINGSSTOD)
    relabelled = token.replace(f"pk_{municipality}_", "pk_0180_", 1)
    assert (await client.get("/api/v1/children", headers=bearer(relabelled))).status == 401


async def test_role_without_access_is_403(client: Client, db: Database, municipality: str) -> None:
    """Procurement sees no child data at all."""
    token = await api_token(db, municipality, StaffRole.UPPHANDLARE)
    status, detail = await status_and_detail(await client.get("/api/v1/children", headers=bearer(token)))
    assert (status, detail) == (403, "Din roll ger inte åtkomst till detta")
    assert (await client.get("/api/v1/staff", headers=bearer(token))).status == 200


def test_every_municipality_endpoint_declares_its_roles() -> None:
    """Access is denied by default: every endpoint is either public (and listed here) or names
    the roles that may call it."""
    public = {"health", "ready"}
    for endpoint in api_registry().endpoints:
        if endpoint.name in public:
            assert not endpoint.tenant
            assert endpoint.operator_scope is None
        elif endpoint.operator_scope is not None:
            assert not endpoint.tenant, endpoint.name
        else:
            assert endpoint.tenant, endpoint.name
            assert endpoint.roles, endpoint.name
            if endpoint.path.startswith(("/api/v1/children", "/api/v1/placements")):
                assert StaffRole.UPPHANDLARE not in endpoint.roles, endpoint.name
                assert StaffRole.ADMINISTRATOR not in endpoint.roles, endpoint.name


def test_declaring_a_municipality_endpoint_without_roles_fails() -> None:
    from placement.api.routing import EndpointRegistry

    with pytest.raises(TypeError, match="declares no roles"):
        EndpointRegistry().route("GET", "/x", name="x", summary="x", tag="x")


# ---- Demo users ---------------------------------------------------------------------------------


async def test_demo_user_only_in_demo_mode(
    db: Database, client: Client, test_database: SessionDatabase, settings: Settings
) -> None:
    async with db.pool.acquire() as conn:
        await load_demo(conn)
    headers = {"X-Demo-User": "sami@demo.invalid"}
    assert (await client.get("/api/v1/children", headers=headers)).status == 401
    demo_app = create_app(settings.model_copy(update={"demo": True}), dsn=test_database.service)
    async with TestClient(TestServer(demo_app, host="127.0.0.1")) as demo:
        assert (await demo.get("/api/v1/children", headers=headers)).status == 200
        assert (await demo.get("/api/v1/children", headers={"X-Demo-User": "ulf@demo.invalid"})).status == 403
        assert (
            await demo.get("/api/v1/children", headers={"X-Demo-User": "nobody@demo.invalid"})
        ).status == 401


# ---- The identity provider (OIDC) ---------------------------------------------------------------

ISSUER = "https://idp.kommun.example"
AUDIENCE = "placeringskontroll"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def stranger_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks_of(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}


@pytest.fixture
async def jwks_server(signing_key: rsa.RSAPrivateKey) -> AsyncIterator[str]:
    """The identity provider's key endpoint: a real HTTP server on loopback serving a JWKS."""

    async def keys(request: web.Request) -> web.Response:
        return web.json_response(jwks_of(signing_key, "key-1"))

    app = web.Application()
    app.router.add_get("/jwks.json", keys)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/jwks.json"))
    await server.close()


@pytest.fixture
async def oidc_client(
    jwks_server: str, test_database: SessionDatabase, settings: Settings, client: Client
) -> AsyncIterator[Client]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": jwks_server,
            "oidc_kommunkoder": ["1480"],
        }
    )
    async with TestClient(
        TestServer(create_app(configured, dsn=test_database.service), host="127.0.0.1")
    ) as c:
        yield c


def token(key: rsa.RSAPrivateKey, kid: str = "key-1", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "u-123",
        "iat": now,
        "exp": now + 300,
        "kommunkod": "1480",
        "roles": ["socialsekreterare", "not-a-role"],
        "email": "sara@kommun.example",
    }
    claims.update(overrides)
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256", headers={"kid": kid}
    )


async def test_valid_jwt_signs_in(
    oidc_client: Client, municipality: str, signing_key: rsa.RSAPrivateKey, db: Database
) -> None:
    response = await oidc_client.get("/api/v1/children", headers=bearer(token(signing_key)))
    assert response.status == 200
    await oidc_client.post(
        "/api/v1/children", json={"name": "A", "birth_date": "2015-01-01"}, headers=bearer(token(signing_key))
    )
    async with db.transaction() as conn:
        actors = await conn.fetch("SELECT actor, actor_role FROM audit_event")
    assert [(a["actor"], a["actor_role"]) for a in actors] == [("oidc:u-123", "socialsekreterare")]


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("expired", "Token har gått ut; logga in igen"),
        ("other_audience", "Token är utfärdad för en annan tjänst"),
        ("other_issuer", "Token är utfärdad av en okänd identitetsleverantör"),
        ("unknown_key", "Token är signerad med en okänd nyckel"),
        ("forged_signature", "Tokens signatur stämmer inte"),
        # A claim may narrow the issuer's municipalities, never name another; the answer is the
        # same as for a bad credential (tests/api/test_identity.py has the rest).
        ("unknown_municipality", "Token är ogiltig, har gått ut eller är återkallad"),
        ("garbage", "Ogiltig token"),
    ],
)
async def test_bad_jwt_is_401(
    oidc_client: Client,
    municipality: str,
    signing_key: rsa.RSAPrivateKey,
    stranger_key: rsa.RSAPrivateKey,
    case: str,
    detail: str,
) -> None:
    raw = {
        "expired": lambda: token(signing_key, exp=int(time.time()) - 3600),
        "other_audience": lambda: token(signing_key, aud="another-service"),
        "other_issuer": lambda: token(signing_key, iss="https://evil.example"),
        "unknown_key": lambda: token(stranger_key, kid="key-2"),
        "forged_signature": lambda: token(stranger_key, kid="key-1"),
        "unknown_municipality": lambda: token(signing_key, kommunkod="9999"),
        "garbage": lambda: "not.a.jwt",
    }[case]()
    status, got = await status_and_detail(await oidc_client.get("/api/v1/children", headers=bearer(raw)))
    assert (status, got) == (401, detail)


async def test_jwt_role_without_access_is_403(
    oidc_client: Client, municipality: str, signing_key: rsa.RSAPrivateKey
) -> None:
    raw = token(signing_key, roles=["upphandlare"])
    assert (await oidc_client.get("/api/v1/children", headers=bearer(raw))).status == 403


async def test_jwks_from_a_file(
    tmp_path: Path,
    signing_key: rsa.RSAPrivateKey,
    municipality: str,
    test_database: SessionDatabase,
    settings: Settings,
) -> None:
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(jwks_of(signing_key, "key-1")))
    configured = settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_file": keys,
            "oidc_kommunkoder": ["1480"],
        }
    )
    async with TestClient(
        TestServer(create_app(configured, dsn=test_database.service), host="127.0.0.1")
    ) as c:
        assert (await c.get("/api/v1/children", headers=bearer(token(signing_key)))).status == 200


def test_half_configured_oidc_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMENT_OIDC_ISSUER", ISSUER)
    with pytest.raises(ValueError, match="PLACEMENT_OIDC_AUDIENCE"):
        Settings()
