"""Who is calling, for which municipality.

Until sign-in with the municipality's identity provider exists (OIDC, API tokens), the only way in
is *development sign-in*: the ``X-Municipality`` header names the municipality by kommunkod and
``X-Actor`` names the person. It trusts the caller completely, so it is off unless the service runs
in demo mode or ``PLACEMENT_DEV_SIGN_IN`` is set; otherwise every municipality-scoped endpoint
answers 401. It is never meant for production.
"""

from __future__ import annotations

import re

from aiohttp import web

from placement.api.middleware import REQUEST_ID
from placement.api.state import DATABASE, SETTINGS
from placement.audit import Actor
from placement.errors import Unauthorized
from placement.repositories.municipalities import MunicipalityRepository

_ACTOR = re.compile(r"^[\w .@-]{1,100}$")


async def authenticate(request: web.Request) -> Actor:
    settings = request.app[SETTINGS]
    if not settings.dev_sign_in_enabled:
        raise Unauthorized("Inloggning krävs; ingen inloggningsmetod är konfigurerad för tjänsten")
    kommunkod = request.headers.get("X-Municipality", "").strip()
    if not kommunkod:
        raise Unauthorized("Ange kommun med rubriken X-Municipality (kommunkod)")
    async with request.app[DATABASE].transaction() as conn:
        municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=kommunkod)
    if municipality is None:
        raise Unauthorized(f"Okänd kommun: {kommunkod}")
    actor = request.headers.get("X-Actor", "").strip() or "okänd"
    if not _ACTOR.match(actor):
        raise Unauthorized("Rubriken X-Actor innehåller otillåtna tecken")
    return Actor(
        municipality_id=municipality.id,
        name=f"dev:{actor}",
        role=None,
        request_id=request[REQUEST_ID],
    )
