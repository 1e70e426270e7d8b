"""Signing a person in at the municipality's identity provider: OpenID Connect authorization code
flow with PKCE (RFC 7636, by authlib), the token call by aiohttp.

The provider's ID token is verified by the same :class:`placement.oidc.TokenVerifier` the API uses
for bearer tokens (signature against the provider's keys, issuer, audience, expiry, and the claims
naming the municipality, the person and their roles), and then its nonce against the one this
browser's sign-in started with. The sign-in under way (state, nonce, PKCE verifier) is kept in
the database under a hash of a random value in a short-lived cookie, and used once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import jwt
import structlog
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from placement.database.pool import Database
from placement.errors import PlacementError
from placement.oidc import VerifiedClaims
from placement.settings import Settings

log = structlog.get_logger(__name__)

SIGN_IN_COOKIE = "pk_signin"
SIGN_IN_VALID = dt.timedelta(minutes=10)


class SignInFailed(PlacementError):
    """The provider's answer could not be accepted; nobody is signed in."""

    status = 400
    type = "/problems/sign-in-failed"
    title = "Inloggningen misslyckades"


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    authorization_endpoint: str
    token_endpoint: str
    end_session_endpoint: str | None


@dataclass(frozen=True, slots=True)
class Started:
    cookie: str
    redirect_to: str


@dataclass(frozen=True, slots=True)
class Finished:
    claims: VerifiedClaims
    id_token: str
    next_path: str


def _sha256(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def safe_next(path: str | None) -> str:
    """A local path to return to after sign-in; anything else (another site, a scheme) is '/'."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


class SignInFlow:
    def __init__(self, settings: Settings, session: aiohttp.ClientSession, database: Database) -> None:
        assert settings.oidc_issuer is not None
        self.settings = settings
        self.http = session
        self.database = database
        self.client_id = settings.oidc_client_id or settings.oidc_audience or ""
        self._metadata: ProviderMetadata | None = None
        self._lock = asyncio.Lock()

    async def metadata(self) -> ProviderMetadata:
        """The provider's endpoints from its discovery document, fetched once."""
        async with self._lock:
            if self._metadata is None:
                issuer = str(self.settings.oidc_issuer).rstrip("/")
                url = f"{issuer}/.well-known/openid-configuration"
                try:
                    async with self.http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                        response.raise_for_status()
                        document: dict[str, Any] = await response.json(content_type=None)
                    self._metadata = ProviderMetadata(
                        authorization_endpoint=document["authorization_endpoint"],
                        token_endpoint=document["token_endpoint"],
                        end_session_endpoint=document.get("end_session_endpoint"),
                    )
                except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as error:
                    log.warning("oidc_discovery_failed", url=url, error=str(error))
                    raise SignInFailed(
                        "Kommunens inloggningstjänst svarar inte just nu; försök igen om en stund"
                    ) from error
            return self._metadata

    async def start(self, *, redirect_uri: str, next_path: str) -> Started:
        """Begin a sign-in: a fresh state, nonce and PKCE verifier, kept for this browser."""
        metadata = await self.metadata()
        browser = secrets.token_urlsafe(32)
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        async with self.database.transaction() as conn:
            await conn.execute(
                "DELETE FROM web_sign_in WHERE created_at < now() - $1::interval", SIGN_IN_VALID
            )
            await conn.execute(
                """INSERT INTO web_sign_in (browser_sha256, state, nonce, code_verifier, next_path)
                   VALUES ($1, $2, $3, $4, $5)""",
                _sha256(browser),
                state,
                nonce,
                verifier,
                safe_next(next_path),
            )
        url = prepare_grant_uri(
            metadata.authorization_endpoint,
            self.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.settings.oidc_scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),  # type: ignore[no-untyped-call]
            code_challenge_method="S256",
        )
        return Started(cookie=browser, redirect_to=url)

    async def finish(
        self, *, browser: str | None, params: dict[str, str], redirect_uri: str, verify: Any
    ) -> Finished:
        """The provider's answer: the sign-in this browser started (used up now, whatever
        happens), its state, the code exchanged with the PKCE verifier, the ID token verified by
        ``verify`` (the API's token verifier) and its nonce compared. Raises SignInFailed."""
        if not browser:
            raise SignInFailed("Inloggningen startade inte i den här webbläsaren, eller har redan använts")
        async with self.database.transaction() as conn:
            started = await conn.fetchrow(
                """DELETE FROM web_sign_in WHERE browser_sha256 = $1
                   RETURNING state, nonce, code_verifier, next_path,
                             created_at > now() - $2::interval AS fresh""",
                _sha256(browser),
                SIGN_IN_VALID,
            )
        if started is None:
            raise SignInFailed("Inloggningen startade inte i den här webbläsaren, eller har redan använts")
        if not started["fresh"]:
            raise SignInFailed("Inloggningen tog för lång tid; börja om")
        if "error" in params:
            log.info("oidc_provider_refused", error=params.get("error"))
            raise SignInFailed("Inloggningstjänsten avbröt inloggningen; börja om")
        if not hmac.compare_digest(params.get("state", ""), started["state"]):
            raise SignInFailed("Svaret från inloggningstjänsten hör inte till den här inloggningen")
        code = params.get("code", "")
        if not code:
            raise SignInFailed("Svaret från inloggningstjänsten saknar kod")
        id_token = await self._exchange(code, started["code_verifier"], redirect_uri)
        claims: VerifiedClaims = await verify(id_token)
        nonce = jwt.decode(id_token, options={"verify_signature": False}).get("nonce")
        if not isinstance(nonce, str) or not hmac.compare_digest(nonce, started["nonce"]):
            raise SignInFailed("Inloggningsbeviset hör inte till den här inloggningen")
        return Finished(claims=claims, id_token=id_token, next_path=started["next_path"])

    async def _exchange(self, code: str, verifier: str, redirect_uri: str) -> str:
        metadata = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id,
            "code_verifier": verifier,
        }
        secret = self.settings.oidc_client_secret
        auth = aiohttp.BasicAuth(self.client_id, secret.get_secret_value()) if secret else None
        try:
            async with self.http.post(
                metadata.token_endpoint, data=form, auth=auth, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                body: dict[str, Any] = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("oidc_token_call_failed", error=str(error))
            raise SignInFailed("Kommunens inloggningstjänst svarar inte just nu; försök igen") from error
        if status != 200 or not isinstance(body.get("id_token"), str):
            log.info("oidc_code_refused", status=status, error=body.get("error"))
            raise SignInFailed(
                "Inloggningskoden godtogs inte (den kan ha gått ut eller redan använts); börja om"
            )
        id_token: str = body["id_token"]
        return id_token

    def end_session_url(self, *, id_token: str | None, post_logout_redirect_uri: str) -> str | None:
        """Where to send the browser to end the session at the provider too, if it supports that."""
        if self._metadata is None or self._metadata.end_session_endpoint is None:
            return None
        query = {"post_logout_redirect_uri": post_logout_redirect_uri, "client_id": self.client_id}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{self._metadata.end_session_endpoint}?{urlencode(query)}"
