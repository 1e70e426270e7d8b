"""Issue #13, sign-in: an identity provider is trusted for the municipality it is configured for
(a claim may narrow, never widen); a person is a staff member by a stable subject recorded at the
first sign-in, and an e-mail links only when the provider says it is verified."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from placement.api.app import create_app
from placement.audit import Actor
from placement.core.vocabulary import StaffRole
from placement.database.pool import Database
from placement.models import ChildIn, SocialWorkerAssignmentIn, StaffIn
from placement.repositories.children import ChildRepository
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import SocialWorkerRepository
from placement.repositories.staff import StaffRepository
from placement.settings import IdentityProvider, Settings
from tests.conftest import SessionDatabase, TestServer, bearer

Client = TestClient[Any, Any]

HOME_IDP = "https://idp.hemkommun.example"
SHARED_IDP = "https://idp.shared.example"
AUDIENCE = "placeringskontroll"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
async def jwks_url(rsa_key: rsa.RSAPrivateKey) -> AsyncIterator[str]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))

    async def keys(request: web.Request) -> web.Response:
        return web.json_response({"keys": [{**public, "kid": "rsa-1", "use": "sig", "alg": "RS256"}]})

    app = web.Application()
    app.router.add_get("/jwks.json", keys)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/jwks.json"))
    await server.close()


@pytest.fixture
async def two_municipalities(db: Database) -> dict[str, Any]:
    """1480 with Sara (social worker, unit 1) and a child on her caseload; 0180 with a child."""
    out: dict[str, Any] = {}
    async with db.transaction() as conn:
        home = await MunicipalityRepository(conn).create(kommunkod="1480", name="Hemkommunen")
        other = await MunicipalityRepository(conn).create(kommunkod="0180", name="Grannkommunen")
    for m in (home, other):
        async with db.transaction(m.id) as conn:
            actor = Actor(m.id, "arrange")
            sara = await StaffRepository(conn, municipality_id=m.id).create(
                staff=StaffIn(
                    name="Sara",
                    email="sara@kommun.example",
                    org_unit="Enhet 1",
                    roles=[StaffRole.SOCIALSEKRETERARE],
                )
            )
            child = await ChildRepository(conn, actor=actor).create(
                child=ChildIn(name="Barn", birth_date=dt.date(2015, 1, 1))
            )
            await SocialWorkerRepository(conn, actor=actor).assign(
                child_id=child.id,
                assignment=SocialWorkerAssignmentIn(staff_id=sara.id, assigned_from=dt.date(2026, 1, 1)),
            )
            out[m.kommunkod] = {"id": m.id, "sara": sara.id, "child": str(child.id)}
    return out


@pytest.fixture
async def idp_client(
    jwks_url: str, test_database: SessionDatabase, settings: Settings, two_municipalities: dict[str, Any]
) -> AsyncIterator[Client]:
    """1480 trusts its own issuer; the shared issuer is trusted for 0180 only, and only for the
    client ``placering-0180``."""
    configured = settings.model_copy(
        update={
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": jwks_url,
            "oidc_providers": [
                IdentityProvider(issuer=HOME_IDP, kommunkod="1480"),
                IdentityProvider(issuer=SHARED_IDP, kommunkod="0180", client_id="placering-0180"),
            ],
        }
    )
    async with TestClient(
        TestServer(create_app(configured, dsn=test_database.service), host="127.0.0.1")
    ) as c:
        yield c


def token(key: Any, *, algorithm: str = "RS256", kid: str = "rsa-1", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": HOME_IDP,
        "aud": AUDIENCE,
        "sub": "sara-subject",
        "iat": now,
        "exp": now + 300,
        "roles": ["socialsekreterare"],
        "email": "sara@kommun.example",
        "email_verified": True,
    }
    claims.update(overrides)
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, key, algorithm=algorithm, headers={"kid": kid}
    )


async def reaches(client: Client, raw: str, child_id: str) -> int:
    return (await client.get(f"/api/v1/children/{child_id}", headers=bearer(raw))).status


async def test_the_issuer_decides_the_municipality(
    idp_client: Client, rsa_key: rsa.RSAPrivateKey, two_municipalities: dict[str, Any]
) -> None:
    """A token of 1480's issuer reaches 1480 without any claim; naming 0180 does not widen it."""
    assert await reaches(idp_client, token(rsa_key), two_municipalities["1480"]["child"]) == 200
    widened = await idp_client.get("/api/v1/children", headers=bearer(token(rsa_key, kommunkod="0180")))
    assert widened.status == 401
    narrowed = token(rsa_key, kommunkod="1480")
    assert await reaches(idp_client, narrowed, two_municipalities["1480"]["child"]) == 200


async def test_a_shared_issuer_is_trusted_only_for_its_client(
    idp_client: Client, rsa_key: rsa.RSAPrivateKey, two_municipalities: dict[str, Any]
) -> None:
    for_0180 = token(rsa_key, iss=SHARED_IDP, azp="placering-0180")
    assert await reaches(idp_client, for_0180, two_municipalities["0180"]["child"]) == 200
    other_client = token(rsa_key, iss=SHARED_IDP, azp="another-app")
    response = await idp_client.get("/api/v1/children", headers=bearer(other_client))
    assert (response.status, (await response.json())["detail"]) == (
        401,
        "Token är utfärdad av en okänd identitetsleverantör",
    )
    # The shared issuer cannot reach 1480 by naming it.
    claimed = token(rsa_key, iss=SHARED_IDP, azp="placering-0180", kommunkod="1480")
    assert (await idp_client.get("/api/v1/children", headers=bearer(claimed))).status == 401


async def test_unverified_email_links_no_staff_member(
    idp_client: Client, rsa_key: rsa.RSAPrivateKey, two_municipalities: dict[str, Any], db: Database
) -> None:
    """Sara's caseload is reached only by a person linked to Sara; an unverified address is not."""
    child = two_municipalities["1480"]["child"]
    unverified = token(rsa_key, sub="mallory", email_verified=False)
    assert await reaches(idp_client, unverified, child) == 404
    missing = token(rsa_key, sub="mallory", email_verified=None)
    assert await reaches(idp_client, missing, child) == 404
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM staff WHERE idp_subject IS NOT NULL") == 0


async def test_first_verified_sign_in_records_the_subject(
    idp_client: Client, rsa_key: rsa.RSAPrivateKey, two_municipalities: dict[str, Any], db: Database
) -> None:
    child = two_municipalities["1480"]["child"]
    assert await reaches(idp_client, token(rsa_key), child) == 200
    async with db.transaction() as conn:
        linked = await conn.fetchrow(
            "SELECT id, idp_issuer, idp_subject FROM staff WHERE idp_subject IS NOT NULL"
        )
    assert (linked["id"], linked["idp_issuer"], linked["idp_subject"]) == (
        two_municipalities["1480"]["sara"],
        HOME_IDP,
        "sara-subject",
    )
    # Later the subject alone identifies her, whatever e-mail the token carries ...
    assert await reaches(idp_client, token(rsa_key, email="sara.new@kommun.example"), child) == 200
    # ... and her (verified) e-mail no longer links anyone else.
    assert await reaches(idp_client, token(rsa_key, sub="someone-else"), child) == 404


async def test_es256_token_with_an_rsa_key_id_is_401(
    idp_client: Client, ec_key: ec.EllipticCurvePrivateKey, two_municipalities: dict[str, Any]
) -> None:
    raw = token(ec_key, algorithm="ES256", kid="rsa-1")
    response = await idp_client.get("/api/v1/children", headers=bearer(raw))
    assert (response.status, (await response.json())["detail"]) == (
        401,
        "Token är signerad med en nyckel av fel slag för sin algoritm",
    )


def test_single_issuer_needs_its_municipalities(monkeypatch: pytest.MonkeyPatch) -> None:
    """The simple case (one issuer) names the municipalities it is trusted for."""
    monkeypatch.setenv("PLACEMENT_OIDC_ISSUER", HOME_IDP)
    monkeypatch.setenv("PLACEMENT_OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("PLACEMENT_OIDC_JWKS_URL", "https://idp.example/jwks.json")
    with pytest.raises(ValueError, match="PLACEMENT_OIDC_KOMMUNKODER"):
        Settings()
    monkeypatch.setenv("PLACEMENT_OIDC_KOMMUNKODER", '["1480"]')
    assert [(p.issuer, p.kommunkod) for p in Settings().identity_providers()] == [(HOME_IDP, "1480")]


def test_providers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLACEMENT_OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv(
        "PLACEMENT_OIDC_PROVIDERS",
        json.dumps(
            [
                {"issuer": SHARED_IDP, "kommunkod": "0180", "client_id": "a", "jwks_url": "https://x/jwks"},
                {"issuer": SHARED_IDP, "kommunkod": "1480", "client_id": "b", "jwks_url": "https://x/jwks"},
            ]
        ),
    )
    assert [(p.kommunkod, p.client_id) for p in Settings().identity_providers()] == [
        ("0180", "a"),
        ("1480", "b"),
    ]
