"""Mounting the web application on the service's aiohttp app: routes, static files, templates,
sessions, and the web middleware (security headers, CSRF, Swedish error pages)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from placement.api.state import DATABASE, HTTP_CLIENT
from placement.errors import Forbidden, PlacementError
from placement.settings import Settings
from placement.web import (
    assets,
    check_pages,
    concern_forms,
    concerns,
    conflicts,
    drafts,
    file_review,
    pages,
    reminder_pages,
    reports,
    signin,
    unit_pages,
)
from placement.web.base import (
    CSRF_FIELD,
    PRE_CSRF,
    PRE_CSRF_COOKIE,
    SESSION,
    SESSIONS,
    SIGN_IN,
    STATIC,
    WEB_TEMPLATES,
    environment,
    is_web,
    render,
    set_cookie,
)
from placement.web.sessions import SESSION_COOKIE, SessionStore
from placement.web.signin_flow import SignInFlow, web_providers

log = structlog.get_logger(__name__)


def _csp(settings: Settings) -> str:
    # Signing out ends the session at the provider too: the form's redirect goes there.
    origins = {f"{p.scheme}://{p.netloc}" for p in (urlsplit(w.issuer) for w in web_providers(settings))}
    form_action = " ".join(["'self'", *sorted(origins)])
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
        except FormRejected as error:
            response = _error_page(
                request, error.status, error.detail, title=error.title, heading=error.title
            )
        except PlacementError as error:
            response = _error_page(request, error.status, error.detail, title=error.title)
            response.headers.update(error.headers)  # e.g. Retry-After on 429
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
        if session is None and request.match_info.route.name == "web_sign_out":
            # Already signed out (in another tab, or idle): there is nothing to end.
            gone = web.HTTPSeeOther(request.app.router["web_signed_out"].url_for())
            gone.del_cookie(SESSION_COOKIE, path="/")
            raise gone
        posted = await request.post()
        given = posted.get(CSRF_FIELD)
        expected = session.csrf_token if session else request.cookies.get(PRE_CSRF_COOKIE)
        if not isinstance(given, str) or not expected or not secrets.compare_digest(given, expected):
            # The session ended, or the form is from an earlier sign-in: keep what was typed, to
            # be sent again after signing in. Only for this service's own pages' forms.
            if drafts.keeps_drafts(request) and drafts.same_origin(request):
                raise await drafts.keep(request, posted)
            raise FormRejected(
                "Formuläret kom inte från den här tjänsten, eller så är det för gammalt. "
                "Gå tillbaka, ladda om sidan och försök igen."
            )
    response = await handler(request)
    if session is None and PRE_CSRF_COOKIE not in request.cookies:
        set_cookie(request, response, PRE_CSRF_COOKIE, request[PRE_CSRF])
    return response


class FormRejected(Forbidden):
    """A form without this session's CSRF token: a matter of where the form came from, not of
    the person's role."""

    title = "Formuläret kunde inte tas emot"


_ERROR_TITLES = {
    400: "Det gick inte att genomföra",
    401: "Du behöver logga in",
    403: "Du har inte behörighet till sidan",
    404: "Sidan finns inte",
    405: "Det gick inte att genomföra",
    409: "Det gick inte att genomföra",
    422: "Uppgifterna kunde inte tas emot",
    429: "För många misslyckade inloggningar",
    500: "Något gick fel hos oss",
    503: "Tjänsten är inte tillgänglig just nu",
}


def _error_page(
    request: web.Request, status: int, detail: str, *, title: str | None = None, heading: str | None = None
) -> web.Response:
    if status == 404:
        detail = ""
    role_refused = status == 403 and heading is None
    heading = heading or _ERROR_TITLES.get(status) or title or "Något gick fel"
    return render(
        request,
        "error.html",
        status=status,
        status_code=status,
        heading=heading,
        detail=detail,
        role_refused=role_refused,
    )


def mount(app: web.Application, settings: Settings) -> None:
    """Add the web application to the service's app: at ``/``, beside the API."""
    app[WEB_TEMPLATES] = environment()
    app.middlewares.append(web_middleware(settings))

    async def stores(app: web.Application) -> AsyncIterator[None]:
        app[SESSIONS] = SessionStore(app[DATABASE], idle=dt.timedelta(minutes=settings.session_idle_minutes))
        if settings.oidc_enabled:
            app[SIGN_IN] = SignInFlow(settings, app[HTTP_CLIENT], app[DATABASE])
        yield

    app.cleanup_ctx.append(stores)
    assets.add_routes(app, STATIC)
    signin.add_routes(app)
    pages.add_routes(app)
    check_pages.add_routes(app)
    unit_pages.add_routes(app)
    reports.add_routes(app)
    file_review.add_routes(app)
    conflicts.add_routes(app)
    reminder_pages.add_routes(app)
    concerns.add_routes(app)
    concern_forms.add_routes(app)
