"""Signing in to the web application through a real OpenID Connect provider on loopback.

The provider is npm's oidc-provider (tests/oidc/provider.mjs); the browser is aiohttp's client
with a cookie jar, following the same redirects and forms a browser would. Every refusal is a
Swedish page, and after it nobody is signed in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from placement.api.app import create_app
from placement.database.pool import Database
from placement.settings import Settings
from tests.conftest import SessionDatabase
from tests.web.conftest import csrf_of
from tests.web.oidc import CLIENT_ID, Provider, running_provider, through_provider


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    async with running_provider() as running:
        yield running


@asynccontextmanager
async def service(
    test_database: SessionDatabase, settings: Settings, provider: Provider, **overrides: Any
) -> AsyncIterator[TestServer]:
    """The service (not in demo mode) signing in at ``provider``, on the port the provider's
    client redirects to."""
    configured = settings.model_copy(
        update={
            "demo": False,
            "oidc_issuer": provider.issuer,
            "oidc_audience": CLIENT_ID,
            "oidc_jwks_url": f"{provider.issuer}/jwks",
            "oidc_kommunkoder": ["0000", "9999"],
            **overrides,
        }
    )
    server = TestServer(
        create_app(configured, dsn=test_database.service), host="127.0.0.1", port=provider.service_port
    )
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


@asynccontextmanager
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield http


async def callback_url(
    http: aiohttp.ClientSession, provider: Provider, account: str, next_path: str = "/mina-barn"
) -> str:
    """Start at the service's sign-in and go through the provider; the service's callback URL."""
    start = f"{provider.service}/logga-in/start?{urlencode({'next': next_path})}"
    return await through_provider(http, start, account)


async def signed_in(http: aiohttp.ClientSession, provider: Provider) -> bool:
    async with http.get(f"{provider.service}/mina-barn", allow_redirects=False) as response:
        if response.status == 303:
            assert response.headers["Location"].startswith("/logga-in")
            return False
        assert response.status == 200
        return True


def session_cookie(http: aiohttp.ClientSession) -> str | None:
    for cookie in http.cookie_jar:
        if cookie.key == "pk_session":
            return cookie.value
    return None


async def test_a_social_worker_signs_in_and_sees_their_children(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    """Code flow with PKCE: the provider's ID token gives the role and the municipality; the
    person lands where they were going, with a session cookie that is HttpOnly and SameSite=Lax."""
    async with service(test_database, settings, provider), browser() as http:
        async with http.get(f"{provider.service}/mina-barn", allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"] == "/logga-in?next=/mina-barn"
        url = await callback_url(http, provider, "sami")
        query = parse_qs(urlsplit(url).query)
        assert "code" in query
        assert "state" in query
        async with http.get(url, allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"] == "/mina-barn"
            cookie = response.cookies["pk_session"]
            assert cookie["httponly"]
            assert cookie["samesite"] == "Lax"
            assert not cookie["secure"]  # loopback: a plain-http test server
        async with http.get(f"{provider.service}/mina-barn") as response:
            page = await response.text()
        assert '<h1 id="rubrik">Mina barn</h1>' in page
        assert "Sami Socialsekreterare (demo), socialsekreterare, Demokommunen (syntetisk)" in page
        first = session_cookie(http)

        # Signing in again makes a new session, never reuses the old id.
        url = await callback_url(http, provider, "sami")
        async with http.get(url, allow_redirects=False) as response:
            assert response.status == 303
        assert session_cookie(http) not in (None, first)


async def refused(http: aiohttp.ClientSession, url: str, expected: str) -> str:
    async with http.get(url, allow_redirects=False) as response:
        page = await response.text()
        assert response.status in (400, 401), page
        assert "pk_session" not in response.cookies
    assert "<h1>Inloggningen misslyckades</h1>" in page
    assert expected in page
    assert 'lang="sv"' in page
    return page


async def test_a_replayed_answer_is_refused(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    async with service(test_database, settings, provider), browser() as http:
        url = await callback_url(http, provider, "sami")
        async with http.get(url, allow_redirects=False) as response:
            assert response.status == 303
        async with http.post(
            f"{provider.service}/logga-ut",
            data={"csrf": csrf_of(await (await http.get(f"{provider.service}/mina-barn")).text())},
            allow_redirects=False,
        ) as response:
            assert response.status == 303
        await refused(http, url, "redan använts")
        assert not await signed_in(http, provider)


async def test_a_used_code_presented_again_is_refused_by_the_provider(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    """A code already exchanged, brought back inside a fresh sign-in (its state right): the
    provider refuses it, and so does the service, with nobody signed in."""
    async with service(test_database, settings, provider), browser() as http:
        first = await callback_url(http, provider, "sami")
        used_code = parse_qs(urlsplit(first).query)["code"][0]
        async with http.get(first, allow_redirects=False) as response:
            assert response.status == 303
        page = await (await http.get(f"{provider.service}/mina-barn")).text()
        await http.post(f"{provider.service}/logga-ut", data={"csrf": csrf_of(page)}, allow_redirects=False)
        async with http.get(f"{provider.service}/logga-in/start", allow_redirects=False) as response:
            state = parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]
        replay = f"{provider.service}/logga-in/klar?" + urlencode({"code": used_code, "state": state})
        await refused(http, replay, "Inloggningskoden godtogs inte")
        assert not await signed_in(http, provider)


async def test_a_wrong_state_is_refused(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    async with service(test_database, settings, provider), browser() as http:
        url = await callback_url(http, provider, "sami")
        query = parse_qs(urlsplit(url).query)
        forged = f"{provider.service}/logga-in/klar?" + urlencode(
            {"code": query["code"][0], "state": "annat"}
        )
        await refused(http, forged, "hör inte till den här inloggningen")
        assert not await signed_in(http, provider)
        # and the sign-in it belonged to is used up: the right state no longer works either
        await refused(http, url, "redan använts")


async def test_a_wrong_nonce_is_refused(
    demo_data: None, db: Database, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    """An ID token whose nonce is not the one this sign-in started with (a token injected from
    another sign-in) is refused."""
    async with service(test_database, settings, provider), browser() as http:
        url = await callback_url(http, provider, "sami")
        async with db.transaction() as conn:
            assert await conn.execute("UPDATE web_sign_in SET nonce = 'en-annan'") == "UPDATE 1"
        await refused(http, url, "Inloggningsbeviset hör inte till den här inloggningen")
        assert not await signed_in(http, provider)


async def test_a_token_from_another_issuer_is_refused(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    """The service trusts 'localhost', the provider calls itself '127.0.0.1': not the issuer."""
    other = provider.issuer.replace("127.0.0.1", "localhost")
    async with service(test_database, settings, provider, oidc_issuer=other), browser() as http:
        url = await callback_url(http, provider, "sami")
        await refused(http, url, "okänd identitetsleverantör")
        assert not await signed_in(http, provider)


async def test_a_token_for_another_audience_is_refused(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    async with (
        service(test_database, settings, provider, oidc_audience="en-annan-tjanst", oidc_client_id=CLIENT_ID),
        browser() as http,
    ):
        url = await callback_url(http, provider, "sami")
        await refused(http, url, "utfärdad för en annan tjänst")
        assert not await signed_in(http, provider)


async def test_an_expired_code_is_refused(
    demo_data: None, test_database: SessionDatabase, settings: Settings
) -> None:
    async with (
        running_provider(code_ttl_s=1) as provider,
        service(test_database, settings, provider),
        browser() as http,
    ):
        url = await callback_url(http, provider, "sami")
        await asyncio.sleep(2.5)
        await refused(http, url, "Inloggningskoden godtogs inte")
        assert not await signed_in(http, provider)


async def test_a_person_of_an_unconnected_municipality_is_refused(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    async with service(test_database, settings, provider), browser() as http:
        url = await callback_url(http, provider, "okand")
        page = await refused(http, url, "Din kommun är inte ansluten till Placeringskontroll")
        assert "Token" not in page  # the API's wording for integrators is not a person's
        assert not await signed_in(http, provider)


async def test_signing_out_ends_the_session_here_and_at_the_provider(
    demo_data: None, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    async with service(test_database, settings, provider), browser() as http:
        url = await callback_url(http, provider, "sami")
        await http.get(url)
        page = await (await http.get(f"{provider.service}/mina-barn")).text()
        async with http.post(
            f"{provider.service}/logga-ut", data={"csrf": csrf_of(page)}, allow_redirects=False
        ) as response:
            assert response.status == 303
            location = response.headers["Location"]
        assert location.startswith(f"{provider.issuer}/session/end?")
        sent = parse_qs(urlsplit(location).query)
        assert sent["post_logout_redirect_uri"] == [f"{provider.service}/utloggad"]
        assert "id_token_hint" in sent
        assert not await signed_in(http, provider)


async def test_a_session_ends_after_the_idle_timeout(
    demo_data: None, db: Database, test_database: SessionDatabase, settings: Settings, provider: Provider
) -> None:
    async with service(test_database, settings, provider, session_idle_minutes=30), browser() as http:
        await http.get(await callback_url(http, provider, "sami"))
        assert await signed_in(http, provider)
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE web_session SET last_seen_at = last_seen_at - $1::interval", dt.timedelta(minutes=29)
            )
        assert await signed_in(http, provider)  # 29 minutes idle: still signed in, and the clock restarts
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE web_session SET last_seen_at = last_seen_at - $1::interval", dt.timedelta(minutes=31)
            )
        async with http.get(f"{provider.service}/mina-barn", allow_redirects=False) as response:
            assert response.status == 303
            location = response.headers["Location"]
        assert location == "/logga-in?next=/mina-barn&slut=1"
        page = await (await http.get(f"{provider.service}{location}")).text()
        assert "Du har loggats ut eftersom du inte använt tjänsten på 30 minuter" in page
        assert not await signed_in(http, provider)
        async with db.transaction() as conn:
            assert await conn.fetchval("SELECT count(*) FROM web_session") == 0
