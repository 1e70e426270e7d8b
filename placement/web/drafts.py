"""A form sent when it cannot be accepted as it is (the session ended, or the form came from an
earlier sign-in): what the person typed is kept, never lost, and they send it again themselves.

The posted values (never the CSRF token, never the confirmation step) are kept in
``web_form_draft`` under the SHA-256 of a random id that goes in the address and of a random value
in a cookie of this browser, for :data:`DRAFT_VALID`. After signing in again the person lands on the
same form (``?utkast=<id>``), filled in, with a note saying what happened; the draft is used once.

CSRF protection is unchanged: a draft writes nothing but itself, is only made for a request the
browser says came from this service's own pages (``Sec-Fetch-Site: same-origin``, or failing that
an ``Origin`` naming this service), and is only shown in the form, which the person sends with the
new session's token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from multidict import MultiDictProxy
from yarl import URL

from placement.api.state import DATABASE
from placement.repositories.form_drafts import FormDraftRepository
from placement.web.base import CSRF_FIELD, PAGE_HANDLERS, SESSION, PageContext, external_url, set_cookie
from placement.web.sessions import SESSION_COOKIE

DRAFT_COOKIE = "pk_utkast"
DRAFT_QUERY = "utkast"
DRAFT_VALID = dt.timedelta(minutes=30)
_NOT_KEPT = frozenset({CSRF_FIELD, "step"})
_MAX_CHARS = 20_000


def _sha256(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def same_origin(request: web.Request) -> bool:
    """The browser says the request came from this service's own page (Fetch Metadata; the
    Origin header where a browser sends no Sec-Fetch-Site)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    own = urlsplit(external_url(request, "/"))
    return origin is not None and origin == f"{own.scheme}://{own.netloc}"


def keeps_drafts(request: web.Request) -> bool:
    """A signed-in page's form whose address also shows the form (GET): it can be filled in again."""
    route = request.match_info.route
    if request.match_info.handler not in PAGE_HANDLERS or route.resource is None:
        return False
    path = route.resource.canonical
    return any(
        resource.canonical == path and any(r.method == "GET" for r in resource)
        for resource in request.app.router.resources()
    )


async def keep(request: web.Request, posted: MultiDictProxy[Any]) -> web.HTTPSeeOther:
    """Keep the posted values; send the browser to the form (signed in) or to sign in first."""
    values = {
        k: v.replace("\x00", "")[:_MAX_CHARS]
        for k, v in posted.items()
        if isinstance(v, str) and k not in _NOT_KEPT
    }
    draft_id = secrets.token_urlsafe(24)
    browser = request.cookies.get(DRAFT_COOKIE) or secrets.token_urlsafe(32)
    async with request.app[DATABASE].transaction() as conn:
        await FormDraftRepository(conn).keep(
            id_sha256=_sha256(draft_id),
            browser_sha256=_sha256(browser),
            path=request.path,
            form=values,
            valid=DRAFT_VALID,
        )
    form = str(URL(request.path).with_query({DRAFT_QUERY: draft_id}))
    if request.get(SESSION) is not None:
        response = web.HTTPSeeOther(form)
    else:
        sign_in = request.app.router["web_sign_in"].url_for().with_query({"next": form, "slut": "formular"})
        response = web.HTTPSeeOther(sign_in)
        response.del_cookie(SESSION_COOKIE, path="/")
    set_cookie(request, response, DRAFT_COOKIE, browser, max_age=int(DRAFT_VALID.total_seconds()))
    return response


@dataclass(frozen=True, slots=True)
class Restored:
    """A kept form asked for by the address: its values, or None if it is gone (too old, used,
    or from another browser)."""

    values: dict[str, str] | None


async def restore(ctx: PageContext) -> Restored | None:
    """The draft the address names, for this form and this browser, used once; None if the
    address names none. Inside the page's transaction: if the page fails, the draft stays."""
    draft_id = ctx.request.query.get(DRAFT_QUERY)
    if not draft_id:
        return None
    values = await FormDraftRepository(ctx.conn).take(
        id_sha256=_sha256(draft_id),
        browser_sha256=_sha256(ctx.request.cookies.get(DRAFT_COOKIE, "")),
        path=ctx.request.path,
        valid=DRAFT_VALID,
    )
    if values is None:
        return Restored(None)
    return Restored({k: v for k, v in values.items() if isinstance(v, str)})
