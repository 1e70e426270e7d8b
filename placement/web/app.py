"""Mounting the web application on the service's aiohttp app: routes, static files, templates,
sessions, and the web middleware (security headers, CSRF, Swedish error pages)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from placement.api.middleware import REQUEST_ID
from placement.api.state import DATABASE, HTTP_CLIENT, SETTINGS
from placement.database.pool import Connection
from placement.errors import Forbidden, PlacementError
from placement.principal import Principal
from placement.settings import Settings
from placement.vocabulary import StaffRole
from placement.web import filters
from placement.web.sessions import SESSION_COOKIE, SessionStore, WebSession
from placement.web.signin_flow import SignInFlow

log = structlog.get_logger(__name__)

STATIC = Path(__file__).parent / "static"
WEB_TEMPLATES = web.AppKey("web_templates", jinja2.Environment)
SESSIONS = web.AppKey("web_sessions", SessionStore)
SIGN_IN = web.AppKey("web_sign_in", SignInFlow)
SESSION = web.RequestKey("web_session", WebSession)
PRE_CSRF = web.RequestKey("web_pre_csrf", str)

# Paths the web application leaves alone: the API and its documentation.
_NOT_WEB = ("/api/", "/openapi.json", "/health", "/ready", "/docs")
CSRF_FIELD = "csrf"
PRE_CSRF_COOKIE = "pk_form"


@dataclass(frozen=True)
class MenuItem:
    label: str
    route: str
    roles: frozenset[StaffRole]


# The menu, by role. Later pages add their item here.
MENU: list[MenuItem] = [
    MenuItem(
        "Mina barn",
        "web_worklist",
        frozenset(
            {StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.PLACERINGSSTOD, StaffRole.GRANSKARE}
        ),
    ),
    MenuItem("Enhetens läge", "web_unit", frozenset({StaffRole.TEAMLEDARE})),
]


def is_web(request: web.Request) -> bool:
    return not request.path.startswith(_NOT_WEB)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("placement.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(env)
    return env


def loopback(request: web.Request) -> bool:
    host = (
        urlsplit(str(request.app[SETTINGS].public_url)).hostname if request.app[SETTINGS].public_url else None
    )
    return (host or request.url.host or "") in ("127.0.0.1", "localhost", "::1")


def external_url(request: web.Request, path: str) -> str:
    """``path`` as the person's browser reaches it (``public_url`` behind a proxy)."""
    base = request.app[SETTINGS].public_url
    if base is not None:
        return str(base).rstrip("/") + path
    return str(request.url.with_path(path).with_query(None))


def set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, **extra: Any
) -> None:
    response.set_cookie(
        name, value, httponly=True, secure=not loopback(request), samesite="Lax", path="/", **extra
    )


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    session = request.get(SESSION)
    page = (
        request.app[WEB_TEMPLATES]
        .get_template(template)
        .render(
            session=session,
            menu=[m for m in MENU if session is not None and session.roles & m.roles],
            url=lambda name, **parts: str(
                request.app.router[name].url_for(**{k: str(v) for k, v in parts.items()})
            ),
            csrf=session.csrf_token if session else request.get(PRE_CSRF, ""),
            current_path=request.path,
            request_id=request.get(REQUEST_ID, ""),
            demo=request.app[SETTINGS].demo,
            **context,
        )
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


@dataclass(frozen=True, slots=True)
class PageContext:
    request: web.Request
    session: WebSession
    principal: Principal
    conn: Connection

    def render(self, template: str, *, status: int = 200, **context: Any) -> web.Response:
        return render(self.request, template, status=status, **context)

    async def form(self) -> dict[str, str]:
        posted = await self.request.post()
        return {k: v for k, v in posted.items() if isinstance(v, str)}


PageHandler = Callable[[PageContext], Awaitable[web.StreamResponse]]


def page(
    roles: frozenset[StaffRole],
) -> Callable[[PageHandler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """A page for signed-in people with one of ``roles``: one transaction scoped to their
    municipality, as an API request is. Not signed in: to the sign-in page, and back after."""

    def wrap(func: PageHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            session = request.get(SESSION)
            if session is None:
                target = request.path_qs if request.method == "GET" else request.path
                raise web.HTTPSeeOther(request.app.router["web_sign_in"].url_for().with_query(next=target))
            if not session.roles & roles:
                raise Forbidden("Din roll ger inte åtkomst till den här sidan")
            principal = session.principal(request.get(REQUEST_ID))
            async with request.app[DATABASE].transaction(principal.municipality_id) as conn:
                try:
                    return await func(PageContext(request, session, principal, conn))
                except web.HTTPRedirection as redirect:
                    done = redirect  # after a write: commit first, then send the browser on
            raise done

        handler.__doc__ = func.__doc__
        return handler

    return wrap


def _csp(settings: Settings) -> str:
    form_action = "'self'"
    if settings.oidc_issuer:
        parts = urlsplit(settings.oidc_issuer)
        form_action += f" {parts.scheme}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action {form_action}; "
        "frame-ancestors 'none'"
    )


def _secure(response: web.StreamResponse, csp: str, *, private: bool) -> None:
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if private:
        response.headers["Cache-Control"] = "no-store"


def web_middleware(settings: Settings) -> Any:
    csp = _csp(settings)

    @web.middleware
    async def web_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_web(request):
            return await handler(request)
        private = not request.path.startswith("/static/")
        try:
            response = await _handle(request, handler)
        except web.HTTPException as error:
            if error.status >= 400:
                response = _error_page(request, error.status, error.reason)
            else:
                _secure(error, csp, private=private)
                raise
        except PlacementError as error:
            response = _error_page(request, error.status, error.detail, title=error.title)
        except Exception:
            log.exception("page_failed", method=request.method, path=request.path)
            response = _error_page(request, 500, "")
        _secure(response, csp, private=private)
        return response

    return web_pages


async def _handle(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/static/"):
        return await handler(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    session = await request.app[SESSIONS].find(cookie) if cookie else None
    if session is not None:
        request[SESSION] = session
    request[PRE_CSRF] = request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(32)
    if request.method == "POST":
        posted = await request.post()
        given = posted.get(CSRF_FIELD)
        expected = session.csrf_token if session else request.cookies.get(PRE_CSRF_COOKIE)
        if not isinstance(given, str) or not expected or not secrets.compare_digest(given, expected):
            raise Forbidden(
                "Formuläret kunde inte tas emot: det är för gammalt eller kom inte från den här tjänsten. "
                "Gå tillbaka, ladda om sidan och försök igen."
            )
    response = await handler(request)
    if session is None and PRE_CSRF_COOKIE not in request.cookies:
        set_cookie(request, response, PRE_CSRF_COOKIE, request[PRE_CSRF])
    return response


_ERROR_TITLES = {
    400: "Det gick inte att genomföra",
    401: "Du behöver logga in",
    403: "Du har inte behörighet till sidan",
    404: "Sidan finns inte",
    405: "Det gick inte att genomföra",
    409: "Det gick inte att genomföra",
    422: "Uppgifterna kunde inte tas emot",
    500: "Något gick fel hos oss",
    503: "Tjänsten är inte tillgänglig just nu",
}


def _error_page(request: web.Request, status: int, detail: str, *, title: str | None = None) -> web.Response:
    if status == 404:
        detail = ""
    heading = _ERROR_TITLES.get(status) or title or "Något gick fel"
    return render(request, "error.html", status=status, status_code=status, heading=heading, detail=detail)


def mount(app: web.Application, settings: Settings) -> None:
    """Add the web application to the service's app: at ``/``, beside the API."""
    from placement.web import pages, signin

    app[WEB_TEMPLATES] = environment()
    app.middlewares.append(web_middleware(settings))

    async def stores(app: web.Application) -> AsyncIterator[None]:
        app[SESSIONS] = SessionStore(app[DATABASE], idle=dt.timedelta(minutes=settings.session_idle_minutes))
        if settings.oidc_enabled:
            app[SIGN_IN] = SignInFlow(settings, app[HTTP_CLIENT], app[DATABASE])
        yield

    app.cleanup_ctx.append(stores)
    app.router.add_static("/static/", STATIC, name="web_static")
    signin.add_routes(app)
    pages.add_routes(app)
