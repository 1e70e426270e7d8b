"""What every page shares: the app and request keys, the menu by role, rendering with the layout,
and the ``page`` wrapper that signs a person in and opens their transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import structlog
from aiohttp import web

from placement.api.middleware import REQUEST_ID
from placement.api.state import DATABASE, SETTINGS
from placement.core.vocabulary import StaffRole
from placement.database.pool import Connection
from placement.errors import Forbidden
from placement.principal import Principal
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
_NOT_WEB = ("/api/", "/openapi.json", "/health", "/ready", "/docs", "/metrics", "/calendar/")
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
    MenuItem("Hitta hem", "web_find_home", frozenset({StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE})),
    MenuItem("Ny kontroll", "web_new_check", frozenset({StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE})),
    MenuItem("Rapporter", "web_reports", frozenset({StaffRole.GRANSKARE, StaffRole.TEAMLEDARE})),
    MenuItem("Jäv", "web_conflicts", frozenset({StaffRole.UPPHANDLARE, StaffRole.GRANSKARE})),
    MenuItem(
        "Anmälningar",
        "web_concerns",
        frozenset(
            {StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.PLACERINGSSTOD, StaffRole.GRANSKARE}
        ),
    ),
    MenuItem(
        "Mina påminnelser",
        "web_reminders",
        frozenset({StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.PLACERINGSSTOD}),
    ),
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
# The handlers ``page`` made: forms sent to them can be kept over a new sign-in (web/drafts.py).
PAGE_HANDLERS: set[Callable[[web.Request], Awaitable[web.StreamResponse]]] = set()


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
                query = {"next": target}
                if SESSION_COOKIE in request.cookies:  # there was a session: it ended while idle
                    query["slut"] = "1"
                redirect = web.HTTPSeeOther(request.app.router["web_sign_in"].url_for().with_query(query))
                redirect.del_cookie(SESSION_COOKIE, path="/")
                raise redirect
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
        PAGE_HANDLERS.add(handler)
        return handler

    return wrap
