"""Verifying bearer tokens from the municipality's identity provider (OIDC access or ID tokens).

The signature is checked against the provider's published keys (JWKS, from a URL or a file),
and so are issuer, audience and expiry. Keys are cached; a token signed with a key id not in the
cache triggers one refresh (at most every ten seconds), so key rotation needs no restart.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from placement.errors import Unauthorized
from placement.settings import Settings

log = structlog.get_logger(__name__)

_MIN_REFRESH_INTERVAL_S = 10.0


@dataclass(frozen=True, slots=True)
class VerifiedClaims:
    kommunkod: str
    subject: str
    roles: tuple[str, ...]
    email: str | None


class JwksUnavailable(Unauthorized):
    title = "Inloggningen kan inte kontrolleras"


class KeySet:
    """The provider's signing keys, fetched on demand and cached."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession | None) -> None:
        self.settings = settings
        self.session = session
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
        if self.settings.oidc_jwks_file is not None:
            try:
                loaded: dict[str, Any] = json.loads(self.settings.oidc_jwks_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise JwksUnavailable(f"JWKS-filen kan inte läsas: {error}") from error
            return loaded
        if self.session is None or self.settings.oidc_jwks_url is None:
            raise JwksUnavailable("Ingen nyckelkälla för inloggning är konfigurerad")
        url = str(self.settings.oidc_jwks_url)
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


class TokenVerifier:
    def __init__(self, settings: Settings, keys: KeySet) -> None:
        self.settings = settings
        self.keys = keys

    async def verify(self, token: str) -> VerifiedClaims:
        s = self.settings
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as error:
            raise Unauthorized("Ogiltig token") from error
        key = await self.keys.key(header.get("kid"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=s.oidc_algorithms,
                audience=s.oidc_audience,
                issuer=s.oidc_issuer,
                leeway=s.oidc_leeway_s,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("Token har gått ut; logga in igen") from error
        except jwt.InvalidAudienceError as error:
            raise Unauthorized("Token är utfärdad för en annan tjänst") from error
        except jwt.InvalidIssuerError as error:
            raise Unauthorized("Token är utfärdad av en okänd identitetsleverantör") from error
        except jwt.InvalidSignatureError as error:
            raise Unauthorized("Tokens signatur stämmer inte") from error
        except jwt.PyJWTError as error:
            raise Unauthorized(f"Ogiltig token: {error}") from error
        kommunkod = claims.get(s.oidc_municipality_claim)
        subject = claims.get(s.oidc_subject_claim)
        if not isinstance(kommunkod, str) or not kommunkod:
            raise Unauthorized(f"Token saknar kommun (anspråket {s.oidc_municipality_claim})")
        if not isinstance(subject, str) or not subject:
            raise Unauthorized(f"Token saknar användare (anspråket {s.oidc_subject_claim})")
        raw_roles = claims.get(s.oidc_roles_claim, [])
        roles = tuple(r for r in raw_roles if isinstance(r, str)) if isinstance(raw_roles, list) else ()
        email = claims.get(s.oidc_email_claim)
        return VerifiedClaims(kommunkod, subject, roles, email if isinstance(email, str) else None)
