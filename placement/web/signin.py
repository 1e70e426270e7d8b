"""Signing in and out of the web application.

With the municipality's identity provider (OpenID Connect, :mod:`placement.web.signin_flow`) when
``PLACEMENT_OIDC_*`` is configured; in demo mode, by choosing one of the demo users (never outside
demo mode). Either way the person is mapped to roles and a staff member exactly as the API maps a
bearer token or the demo header (placement/api/signin.py), and a new server-side session is made.
"""

from __future__ import annotations

from aiohttp import web

from placement.api import signin as api_signin
from placement.api.middleware import REQUEST_ID
from placement.api.state import DATABASE, SETTINGS, SIGNIN_THROTTLE, TOKEN_VERIFIER
from placement.core.vocabulary import StaffRole, label
from placement.database.pool import scope_to
from placement.errors import NotFound, PlacementError, Unauthorized
from placement.principal import Principal
from placement.web.base import (
    SESSION,
    SESSIONS,
    SIGN_IN,
    external_url,
    render,
    set_cookie,
)
from placement.web.sessions import SESSION_COOKIE
from placement.web.signin_flow import SIGN_IN_COOKIE, SignInFailed, safe_next

# The API's refusals are worded for integrators (a token); a person signing in is told what it
# means for them and what to do.
FOR_PEOPLE = {
    api_signin.BAD_CREDENTIAL: (
        "Din kommun är inte ansluten till Placeringskontroll, eller så känner tjänsten inte igen "
        "inloggningen. Kontakta kommunens systemförvaltare och berätta vilken kommun du loggade in för."
    ),
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/logga-in", sign_in_page, name="web_sign_in")
    app.router.add_post("/logga-in/demo", demo_sign_in, name="web_demo_sign_in")
    app.router.add_get("/logga-in/start", oidc_start, name="web_oidc_start")
    app.router.add_get("/logga-in/klar", oidc_callback, name="web_oidc_callback")
    app.router.add_post("/logga-ut", sign_out, name="web_sign_out")
    app.router.add_get("/utloggad", signed_out, name="web_signed_out")


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    next_path = safe_next(request.query.get("next"))
    if request.get(SESSION) is not None:
        raise web.HTTPSeeOther(next_path)
    demo_users = await _demo_users(request) if settings.demo else []
    return render(
        request,
        "sign_in.html",
        providers=[p.name for p in flow.providers] if (flow := request.app.get(SIGN_IN)) else [],
        demo_users=demo_users,
        next_path=next_path,
        ended=request.query.get("slut") == "1",
        form_kept=request.query.get("slut") == "formular",
        idle_minutes=settings.session_idle_minutes,
    )


async def _demo_users(request: web.Request) -> list[tuple[str, str, str]]:
    """The demo municipality's staff as loaded (name, e-mail, roles in Swedish), to choose from."""
    async with request.app[DATABASE].transaction() as conn:
        municipality_id = await conn.fetchval("SELECT id FROM municipality WHERE is_demo")
        if municipality_id is None:
            return []
        await scope_to(conn, municipality_id)
        rows = await conn.fetch(
            """SELECT name, email, roles FROM staff
                WHERE municipality_id = $1 AND active AND email IS NOT NULL ORDER BY name""",
            municipality_id,
        )
    return [(r["name"], r["email"], ", ".join(label(StaffRole(x)) for x in r["roles"])) for r in rows]


async def _start_session(
    request: web.Request, principal: Principal, *, display_name: str, next_path: str, id_token: str | None
) -> web.HTTPSeeOther:
    """A new session (a new id: never one the browser had before), the old one ended."""
    old = request.get(SESSION)
    if old is not None:
        await request.app[SESSIONS].end(old)
    async with request.app[DATABASE].transaction(principal.municipality_id) as conn:
        cookie = await request.app[SESSIONS].start(
            conn, principal, display_name=display_name, id_token=id_token
        )
    response = web.HTTPSeeOther(safe_next(next_path))
    set_cookie(request, response, SESSION_COOKIE, cookie)
    response.del_cookie(SIGN_IN_COOKIE, path="/")
    return response


async def _display_name(request: web.Request, principal: Principal, fallback: str) -> str:
    if principal.staff_id is None:
        return fallback
    async with request.app[DATABASE].transaction(principal.municipality_id) as conn:
        name = await conn.fetchval(
            "SELECT name FROM staff WHERE municipality_id = $1 AND id = $2",
            principal.municipality_id,
            principal.staff_id,
        )
    return str(name) if name else fallback


async def demo_sign_in(request: web.Request) -> web.StreamResponse:
    """Act as one of the demo municipality's staff. Only in demo mode: otherwise this is not found."""
    if not request.app[SETTINGS].demo:
        raise NotFound("Sidan finns inte")
    posted = await request.post()
    email = str(posted.get("email", ""))
    throttle, client = request.app[SIGNIN_THROTTLE], request.remote or "unknown"
    throttle.check(client)
    try:
        principal = await api_signin.demo_principal(request.app[DATABASE], email, request[REQUEST_ID])
    except Unauthorized:
        throttle.failed(client)
        raise
    name = await _display_name(request, principal, email)
    raise await _start_session(
        request, principal, display_name=name, next_path=str(posted.get("next", "/")), id_token=None
    )


async def oidc_start(request: web.Request) -> web.StreamResponse:
    flow = request.app.get(SIGN_IN)
    if flow is None:
        raise NotFound("Inloggning med kommunens identitetsleverantör är inte konfigurerad")
    try:
        provider = int(request.query.get("idp", "0"))
    except ValueError:
        provider = -1
    started = await flow.start(
        provider=provider,
        redirect_uri=external_url(request, "/logga-in/klar"),
        next_path=request.query.get("next", "/"),
    )
    response = web.HTTPSeeOther(started.redirect_to)
    set_cookie(request, response, SIGN_IN_COOKIE, started.cookie, max_age=600)
    raise response


async def oidc_callback(request: web.Request) -> web.StreamResponse:
    """The provider's answer. Anything wrong (state, nonce, issuer, audience, an expired or used
    code) is refused with a Swedish page, and nobody is signed in."""
    flow = request.app.get(SIGN_IN)
    verifier = request.app.get(TOKEN_VERIFIER)
    if flow is None or verifier is None:
        raise NotFound("Inloggning med kommunens identitetsleverantör är inte konfigurerad")
    # Failed sign-ins count against the client as the API's do (429 for a while after too many).
    throttle, client = request.app[SIGNIN_THROTTLE], request.remote or "unknown"
    throttle.check(client)
    try:
        finished = await flow.finish(
            browser=request.cookies.get(SIGN_IN_COOKIE),
            params=dict(request.query),
            redirect_uri=external_url(request, "/logga-in/klar"),
            verify=verifier.verify,
        )
        claims = finished.claims
        principal = await api_signin.oidc_principal(request.app[DATABASE], claims, request[REQUEST_ID])
    except PlacementError as error:
        throttle.failed(client)
        response = render(
            request,
            "sign_in_failed.html",
            status=400 if isinstance(error, SignInFailed) else 401,
            detail=FOR_PEOPLE.get(error.detail, error.detail),
        )
        response.del_cookie(SIGN_IN_COOKIE, path="/")
        return response
    name = await _display_name(request, principal, claims.email or claims.subject)
    raise await _start_session(
        request, principal, display_name=name, next_path=finished.next_path, id_token=finished.id_token
    )


async def sign_out(request: web.Request) -> web.StreamResponse:
    """End the session here, and at the provider too when it supports that."""
    session = request.get(SESSION)
    target = str(request.app.router["web_signed_out"].url_for())
    if session is not None:
        await request.app[SESSIONS].end(session)
        flow = request.app.get(SIGN_IN)
        if flow is not None and session.id_token:
            target = (
                flow.end_session_url(
                    id_token=session.id_token, post_logout_redirect_uri=external_url(request, target)
                )
                or target
            )
    response = web.HTTPSeeOther(target)
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


async def signed_out(request: web.Request) -> web.StreamResponse:
    return render(request, "signed_out.html")
