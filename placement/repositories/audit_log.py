"""Reading the audit log: search by child, user and period; a reproducible sample per unit and month
for log review (loggkontroll)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid

from placement.core.clock import SWEDEN
from placement.database.pool import Connection
from placement.errors import ValidationFailed
from placement.models import AuditEvent, AuditPage, AuditQuery, AuditSample, AuditSampleUnit

_COLUMNS = """id, occurred_at, actor, actor_role, actor_unit, action, object_type, object_id, child_id,
    request_id"""


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def _after(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValidationFailed.on("query.cursor", "Ogiltig sidmarkör", "cursor") from error


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next, in Swedish time."""
    first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=SWEDEN)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


class AuditLogRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def search(self, *, query: AuditQuery) -> AuditPage:
        since = dt.datetime.combine(query.since, dt.time(), SWEDEN) if query.since else None
        until = (
            dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time(), SWEDEN)
            if query.until
            else None
        )
        rows = await self.conn.fetch(
            f"""
            SELECT {_COLUMNS} FROM audit_event
             WHERE municipality_id = $1 AND id > $2
               AND ($3::uuid IS NULL OR child_id = $3)
               AND ($4::text IS NULL OR actor = $4)
               AND ($5::timestamptz IS NULL OR occurred_at >= $5)
               AND ($6::timestamptz IS NULL OR occurred_at < $6)
             ORDER BY id
             LIMIT $7
            """,
            self.municipality_id,
            _after(query.cursor),
            query.child_id,
            query.actor,
            since,
            until,
            query.limit + 1,
        )
        items = [AuditEvent.model_validate(dict(r)) for r in rows[: query.limit]]
        more = len(rows) > query.limit
        return AuditPage(items=items, next_cursor=_cursor(items[-1].id) if more else None)

    async def sample(self, *, month: str, per_unit: int, seed: str) -> AuditSample:
        """``per_unit`` events drawn from each unit's events of the month; the same seed over the
        same log draws the same events."""
        start, end = month_bounds(month)
        rows = await self.conn.fetch(
            f"""
            WITH ranked AS (
                SELECT {_COLUMNS},
                       row_number() OVER (
                           PARTITION BY actor_unit ORDER BY md5($4 || ':' || id::text)
                       ) AS draw,
                       count(*) OVER (PARTITION BY actor_unit) AS total
                  FROM audit_event
                 WHERE municipality_id = $1 AND occurred_at >= $2 AND occurred_at < $3
            )
            SELECT * FROM ranked WHERE draw <= $5 ORDER BY actor_unit NULLS LAST, draw
            """,
            self.municipality_id,
            start,
            end,
            seed,
            per_unit,
        )
        units: dict[str | None, AuditSampleUnit] = {}
        for row in rows:
            unit = units.setdefault(
                row["actor_unit"], AuditSampleUnit(unit=row["actor_unit"], total=row["total"], items=[])
            )
            unit.items.append(AuditEvent.model_validate({k: row[k] for k in AuditEvent.model_fields}))
        return AuditSample(month=month, seed=seed, per_unit=per_unit, units=list(units.values()))
