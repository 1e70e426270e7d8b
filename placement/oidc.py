"""Verifying bearer tokens from the municipality's identity provider (OIDC access or ID tokens).

Each identity provider (an issuer, optionally one client of it) is trusted for the municipality
it is configured for (placement/settings.py, ``identity_providers``): the token's issuer picks
the provider, and the provider says the municipality. A municipality claim in the token may only
narrow that choice (pick one of several municipalities the same provider is trusted for), never
widen it. The signature is checked against the provider's published keys (JWKS, from a URL or a
file), and so are issuer, audience and expiry; the key must be of the kind the token's algorithm
needs. Keys are cached; a token signed with a key id not in the
cache triggers one refresh (at most every ten seconds), so key rotation needs no restart.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from placement.errors import Unauthorized
from placement.settings import IdentityProvider, Settings

log = structlog.get_logger(__name__)

_MIN_REFRESH_INTERVAL_S = 10.0


@dataclass(frozen=True, slots=True)
class VerifiedClaims:
    kommunkod: str
    subject: str
    roles: tuple[str, ...]
    email: str | None
    issuer: str = ""
    email_verified: bool = False


# Which kind of key each family of algorithms needs (RFC 7518).
_KEY_TYPE = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP", "HS": "oct"}

_UNTRUSTED = "Token är utfärdad av en okänd identitetsleverantör"


class JwksUnavailable(Unauthorized):
    title = "Inloggningen kan inte kontrolleras"


class KeySet:
    """A provider's signing keys, fetched on demand and cached."""

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession | None,
        *,
        jwks_url: str | None = None,
        jwks_file: Path | None = None,
    ) -> None:
        self.settings = settings
        self.session = session
        self.jwks_url = jwks_url if jwks_url or jwks_file else _str_or_none(settings.oidc_jwks_url)
        self.jwks_file = jwks_file if jwks_url or jwks_file else settings.oidc_jwks_file
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK:
        fresh = time.monotonic() - self._fetched_at < self.settings.oidc_jwks_cache_s
        if not fresh or (
            kid not in self._keys and time.monotonic() - self._fetched_at > _MIN_REFRESH_INTERVAL_S
        ):
            await self._refresh()
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        if kid is None or kid not in self._keys:
            raise Unauthorized("Token är signerad med en okänd nyckel")
        return self._keys[kid]

    async def _refresh(self) -> None:
        async with self._lock:
            document = await self._load()
            try:
                keyset = jwt.PyJWKSet.from_dict(document)
            except jwt.PyJWKSetError as error:
                raise JwksUnavailable(f"Identitetsleverantörens nycklar kan inte läsas: {error}") from error
            self._keys = {k.key_id: k for k in keyset.keys if k.key_id is not None}
            if not self._keys and len(keyset.keys) == 1:
                self._keys = {"": keyset.keys[0]}
            self._fetched_at = time.monotonic()
            log.info("jwks_loaded", keys=len(self._keys))

    async def _load(self) -> dict[str, Any]:
        if self.jwks_file is not None:
            try:
                loaded: dict[str, Any] = json.loads(self.jwks_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise JwksUnavailable(f"JWKS-filen kan inte läsas: {error}") from error
            return loaded
        if self.session is None or self.jwks_url is None:
            raise JwksUnavailable("Ingen nyckelkälla för inloggning är konfigurerad")
        url = self.jwks_url
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type((aiohttp.ClientError, TimeoutError)),
                wait=wait_random_exponential(multiplier=0.2, max=2.0),
                stop=stop_after_attempt(3),
                reraise=True,
            ):
                with attempt:
                    async with self.session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                        response.raise_for_status()
                        fetched: dict[str, Any] = await response.json(content_type=None)
                        return fetched
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("jwks_fetch_failed", url=url, error=str(error))
            raise JwksUnavailable("Identitetsleverantörens nycklar kan inte hämtas just nu") from error
        raise AssertionError("unreachable: AsyncRetrying either returns or raises")


def _str_or_none(value: object | None) -> str | None:
    return None if value is None else str(value)


class TokenVerifier:
    """Verifies a token against the identity provider its issuer (and client) names."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession | None) -> None:
        self.settings = settings
        self.providers = settings.identity_providers()
        self._keys: dict[tuple[str | None, Path | None], KeySet] = {}
        for provider in self.providers:
            source = (_str_or_none(provider.jwks_url), provider.jwks_file)
            if source not in self._keys:
                self._keys[source] = KeySet(settings, session, jwks_url=source[0], jwks_file=source[1])

    def _trusted(self, unverified: dict[str, Any]) -> list[IdentityProvider]:
        issuer = unverified.get("iss")
        client = unverified.get("azp", unverified.get("client_id"))
        return [
            p for p in self.providers if p.issuer == issuer and (p.client_id is None or p.client_id == client)
        ]

    async def verify(self, token: str) -> VerifiedClaims:
        s = self.settings
        try:
            header = jwt.get_unverified_header(token)
            unverified: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise Unauthorized("Ogiltig token") from error
        trusted = self._trusted(unverified)
        if not trusted:
            raise Unauthorized(_UNTRUSTED)
        provider = trusted[0]
        keys = self._keys[(_str_or_none(provider.jwks_url), provider.jwks_file)]
        key = await keys.key(header.get("kid"))
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or _KEY_TYPE.get(algorithm[:2]) != key.key_type:
            raise Unauthorized("Token är signerad med en nyckel av fel slag för sin algoritm")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=s.oidc_algorithms,
                audience=provider.audience or s.oidc_audience,
                issuer=provider.issuer,
                leeway=s.oidc_leeway_s,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("Token har gått ut; logga in igen") from error
        except jwt.InvalidAudienceError as error:
            raise Unauthorized("Token är utfärdad för en annan tjänst") from error
        except jwt.InvalidIssuerError as error:
            raise Unauthorized(_UNTRUSTED) from error
        except jwt.InvalidSignatureError as error:
            raise Unauthorized("Tokens signatur stämmer inte") from error
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise Unauthorized("Ogiltig token") from error
        subject = claims.get(s.oidc_subject_claim)
        if not isinstance(subject, str) or not subject:
            raise Unauthorized(f"Token saknar användare (anspråket {s.oidc_subject_claim})")
        kommunkod = self._municipality(claims, trusted)
        raw_roles = claims.get(s.oidc_roles_claim, [])
        roles = tuple(r for r in raw_roles if isinstance(r, str)) if isinstance(raw_roles, list) else ()
        email = claims.get(s.oidc_email_claim)
        return VerifiedClaims(
            kommunkod,
            subject,
            roles,
            email if isinstance(email, str) else None,
            issuer=provider.issuer,
            email_verified=claims.get(s.oidc_email_verified_claim) is True,
        )

    def _municipality(self, claims: dict[str, Any], trusted: list[IdentityProvider]) -> str:
        """The provider's municipality; a claim may pick one of several, never another."""
        name = self.settings.oidc_municipality_claim
        allowed = list(dict.fromkeys(p.kommunkod for p in trusted))
        claimed = claims.get(name)
        if claimed is None or claimed == "":
            if len(allowed) == 1:
                return allowed[0]
            raise Unauthorized(f"Token saknar kommun (anspråket {name})")
        if claimed not in allowed:
            raise Unauthorized("Token är ogiltig, har gått ut eller är återkallad")
        return str(claimed)
