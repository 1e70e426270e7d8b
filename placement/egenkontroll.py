"""The egenkontroll reports' figures (EK02 onwards) for a period: the facts gathered by the
repository, counted by the indicators (pure). Counts and the ids behind them; no child's name."""

from __future__ import annotations

import datetime as dt
import uuid

from checks.egenkontroll import INDICATORS, Figures, tally
from placement.database.pool import Connection
from placement.errors import NotFound, ValidationFailed
from placement.repositories.egenkontroll import EgenkontrollRepository

CODES = tuple(sorted(INDICATORS))


async def figures(
    conn: Connection, municipality_id: uuid.UUID, code: str, start: dt.date, end: dt.date
) -> Figures:
    """The indicator's figures for the period [start, end] in the caller's municipality."""
    if code not in INDICATORS:
        raise NotFound(f"Det finns ingen egenkontrollrapport med koden {code}")
    if end < start:
        raise ValidationFailed.on("query.to", "Periodens slut ligger före dess början", "period_order")
    gathered = await EgenkontrollRepository(conn, municipality_id).gather(code, start, end)
    return tally(INDICATORS[code], gathered)
