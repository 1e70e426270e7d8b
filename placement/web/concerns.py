"""The pages of the mottagning and utredning units: Anmälningar (what asks for work now in the
reports of concern, overdue first) and one report with its deadlines and steps.

Presentations over placement/repositories/concerns.py, in one transaction scoped to the person's
municipality, with the same reach and audit rows as the API.
"""

from __future__ import annotations

import datetime as dt
import uuid

from aiohttp import web

from followup.concern_model import ConcernState
from placement.core.clock import today_in_sweden
from placement.core.concern_vocabulary import Phase
from placement.errors import NotFound
from placement.principal import CHILD_READERS, CHILD_WRITERS
from placement.repositories.children import ChildRepository
from placement.repositories.concerns import ConcernRepository
from placement.web.base import PageContext, page

# Words first, colour repeats them (FKUI badges), as on Mina barn.
STATE_BADGES = {
    ConcernState.OVERDUE: "badge--error",
    ConcernState.DEFICIENT: "badge--error",
    ConcernState.DUE_SOON: "badge--warning",
    ConcernState.LATE: "badge--warning",
    ConcernState.OPEN: "badge--info",
    ConcernState.MET: "badge--success",
}
PHASES = {"mottagning": Phase.MOTTAGNING, "utredning": Phase.UTREDNING}
STEP_WORDS = {
    "protection": "Skyddsbedömning",
    "preliminary": "Förhandsbedömning",
    "preliminary_extension": "Förlängd förhandsbedömning",
    "investigation_start": "Utredning inledd",
    "investigation_progress": "Steg i utredningen",
    "investigation_extension": "Förlängd utredning",
    "investigation_end": "Utredning avslutad",
    "moved": "Barnet har flyttat",
    "transfer": "Begäran om överflyttning",
    "feedback": "Återkoppling till anmälaren",
    "risk_assessment": "Bedömning av risk för våld",
    "police_report": "Ställningstagande till polisanmälan",
}


def state_words(state: ConcernState, due: dt.date, today: dt.date) -> str:
    """The state in words, with how late or how soon."""
    if state is ConcernState.OVERDUE:
        days = (today - due).days
        return f"Försenad sedan {days} {'dag' if days == 1 else 'dagar'}"
    if state is ConcernState.DUE_SOON:
        left = (due - today).days
        return "Ska göras i dag" if left == 0 else f"Ska göras inom {left} {'dag' if left == 1 else 'dagar'}"
    return {
        ConcernState.DEFICIENT: "Gjord med brister",
        ConcernState.LATE: "Gjord för sent",
        ConcernState.OPEN: "Pågår",
        ConcernState.MET: "Klar i tid",
    }[state]


def add_routes(app: web.Application) -> None:
    app.router.add_get("/anmalningar", watch_list, name="web_concerns")
    app.router.add_get("/anmalningar/{concern_id}", concern, name="web_concern")


@page(CHILD_READERS)
async def watch_list(ctx: PageContext) -> web.StreamResponse:
    """Anmälningar: each step not yet taken in time, or taken with gaps, overdue first."""
    chosen = ctx.request.query.get("enhet", "")
    phase = PHASES.get(ctx.request.query.get("fas", ""))
    items = await ConcernRepository(ctx.conn, actor=ctx.principal.actor).watch(
        phase=phase, org_unit=chosen.strip() or None, limit=500
    )
    today = today_in_sweden()
    return ctx.render(
        "concerns.html",
        items=items,
        today=today,
        phase=phase.value if phase else "",
        unit=chosen,
        words=state_words,
        badges=STATE_BADGES,
        may_write=bool(ctx.principal.roles & CHILD_WRITERS),
    )


@page(CHILD_READERS)
async def concern(ctx: PageContext) -> web.StreamResponse:
    """One report: what came in, every deadline CH01–CH08 and how it stands, the steps taken."""
    try:
        concern_id = uuid.UUID(ctx.request.match_info["concern_id"])
    except ValueError:
        raise NotFound("Anmälan finns inte") from None
    actor = ctx.principal.actor
    found = await ConcernRepository(ctx.conn, actor=actor).get(concern_id=concern_id)
    child = await ChildRepository(ctx.conn, actor=actor).get(child_id=found.child_id)
    return ctx.render(
        "concern.html",
        concern=found,
        child=child,
        today=today_in_sweden(),
        words=state_words,
        badges=STATE_BADGES,
        step_words=STEP_WORDS,
        may_write=bool(ctx.principal.roles & CHILD_WRITERS),
        registered=STEP_WORDS.get(ctx.request.query.get("registrerat", "")),
    )
