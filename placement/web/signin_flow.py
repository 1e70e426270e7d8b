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
from urllib.parse import urlencode, urlsplit

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
class WebProvider:
    """One identity provider people can sign in at: its issuer and this service's client there."""

    issuer: str
    client_id: str

    @property
    def name(self) -> str:
        """The provider as the sign-in page names it: its host."""
        return urlsplit(self.issuer).hostname or self.issuer


def web_providers(settings: Settings) -> list[WebProvider]:
    """The distinct (issuer, client) pairs of the trusted identity providers, in settings order;
    the client is the provider's client id, else PLACEMENT_OIDC_CLIENT_ID, else the audience."""
    found: dict[tuple[str, str], WebProvider] = {}
    for p in settings.identity_providers():
        client = p.client_id or settings.oidc_client_id or p.audience or settings.oidc_audience or ""
        found.setdefault((p.issuer, client), WebProvider(p.issuer, client))
    return list(found.values())


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
    if not path.isprintable() or len(path) > 2000:  # a NUL or control character the database refuses
        return "/"
    return path


class SignInFlow:
    """Sign-ins at the configured identity providers (``providers``, by index on the sign-in page)."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession, database: Database) -> None:
        self.settings = settings
        self.http = session
        self.database = database
        self.providers = web_providers(settings)
        self._metadata: dict[str, ProviderMetadata] = {}
        self._lock = asyncio.Lock()

    async def metadata(self, issuer: str) -> ProviderMetadata:
        """The provider's endpoints from its discovery document, fetched once."""
        async with self._lock:
            if issuer not in self._metadata:
                url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
                try:
                    async with self.http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                        response.raise_for_status()
                        document: dict[str, Any] = await response.json(content_type=None)
                    self._metadata[issuer] = ProviderMetadata(
                        authorization_endpoint=document["authorization_endpoint"],
                        token_endpoint=document["token_endpoint"],
                        end_session_endpoint=document.get("end_session_endpoint"),
                    )
                except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as error:
                    log.warning("oidc_discovery_failed", url=url, error=str(error))
                    raise SignInFailed(
                        "Kommunens inloggningstjänst svarar inte just nu; försök igen om en stund"
                    ) from error
            return self._metadata[issuer]

    async def start(self, *, provider: int, redirect_uri: str, next_path: str) -> Started:
        """Begin a sign-in at ``providers[provider]``: a fresh state, nonce and PKCE verifier,
        kept for this browser."""
        if not 0 <= provider < len(self.providers):
            raise SignInFailed("Det finns ingen sådan inloggningstjänst; välj en på inloggningssidan")
        chosen = self.providers[provider]
        metadata = await self.metadata(chosen.issuer)
        browser = secrets.token_urlsafe(32)
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        async with self.database.transaction() as conn:
            await conn.execute(
                "DELETE FROM web_sign_in WHERE created_at < now() - $1::interval", SIGN_IN_VALID
            )
            await conn.execute(
                """INSERT INTO web_sign_in (browser_sha256, issuer, client_id, state, nonce, code_verifier,
                                            next_path)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)""",
                _sha256(browser),
                chosen.issuer,
                chosen.client_id,
                state,
                nonce,
                verifier,
                safe_next(next_path),
            )
        url = prepare_grant_uri(
            metadata.authorization_endpoint,
            chosen.client_id,
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
                   RETURNING issuer, client_id, state, nonce, code_verifier, next_path,
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
        chosen = WebProvider(started["issuer"], started["client_id"])
        id_token = await self._exchange(chosen, code, started["code_verifier"], redirect_uri)
        claims: VerifiedClaims = await verify(id_token)
        nonce = jwt.decode(id_token, options={"verify_signature": False}).get("nonce")
        if not isinstance(nonce, str) or not hmac.compare_digest(nonce, started["nonce"]):
            raise SignInFailed("Inloggningsbeviset hör inte till den här inloggningen")
        return Finished(claims=claims, id_token=id_token, next_path=started["next_path"])

    async def _exchange(self, chosen: WebProvider, code: str, verifier: str, redirect_uri: str) -> str:
        metadata = await self.metadata(chosen.issuer)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": chosen.client_id,
            "code_verifier": verifier,
        }
        secret = self.settings.oidc_client_secret
        auth = aiohttp.BasicAuth(chosen.client_id, secret.get_secret_value()) if secret else None
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
        """Where to send the browser to end the session at the provider that issued ``id_token``
        too, if that provider publishes an end-session endpoint."""
        if not id_token:
            return None
        unverified = jwt.decode(id_token, options={"verify_signature": False})  # verified at sign-in
        issuer, client = unverified.get("iss"), unverified.get("aud")
        metadata = self._metadata.get(issuer) if isinstance(issuer, str) else None
        if metadata is None or metadata.end_session_endpoint is None:
            return None
        query = {"post_logout_redirect_uri": post_logout_redirect_uri, "id_token_hint": id_token}
        if isinstance(client, str):
            query["client_id"] = client
        return f"{metadata.end_session_endpoint}?{urlencode(query)}"
