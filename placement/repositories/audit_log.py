"""Reading the audit log: search by child, user and period; a reproducible sample per unit and month
for log review (loggkontroll)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from placement import audit
from placement.audit import Access, Actor, AuditAction
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
        after = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        if not 0 <= after < 2**63:
            raise ValueError("cursor out of range")
        return after
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValidationFailed.on("query.cursor", "Ogiltig sidmarkör", "cursor") from error


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next, in Swedish time (months 1900-01 to 2199-12)."""
    try:
        first = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=SWEDEN)
    except ValueError:
        first = None  # e.g. year 0000
    if first is None or not 1900 <= first.year <= 2199:
        raise ValidationFailed.on(
            "query.month",
            "Månaden ligger utanför det tillåtna intervallet 1900-01–2199-12",
            "date_out_of_range",
        )
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


AUDIT_LOG_OBJECT = "audit_log"
"""The object type of a read of the audit log itself: the log shows who touched which child, so
reading it is a read of those children, logged like any other (one row per child shown)."""


class AuditLogRepository:
    """The log, read by ``reader``; every read is itself logged in the same transaction."""

    def __init__(self, conn: Connection, *, reader: Actor) -> None:
        self.conn = conn
        self.reader = reader
        self.municipality_id = reader.municipality_id

    async def _logged(self, events: list[AuditEvent]) -> None:
        children = dict.fromkeys(e.child_id for e in events if e.child_id is not None)
        await audit.record(
            self.conn,
            self.reader,
            AuditAction.READ,
            [Access(AUDIT_LOG_OBJECT, child, child) for child in children],
        )

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
            """,  # noqa: S608 - a module constant column list
            self.municipality_id,
            _after(query.cursor),
            query.child_id,
            query.actor,
            since,
            until,
            query.limit + 1,
        )
        items = [AuditEvent.model_validate(dict(r)) for r in rows[: query.limit]]
        await self._logged(items)
        more = len(rows) > query.limit
        return AuditPage(items=items, next_cursor=_cursor(items[-1].id) if more else None)

    async def sample(self, *, month: str, per_unit: int, seed: str) -> AuditSample:
        """``per_unit`` events drawn from each unit's events of the month; the same seed over the
        same log draws the same events. Reads of the log itself (object type ``audit_log``) are
        found by search, not drawn: drawing would otherwise change what the next draw sees."""
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
                   AND object_type <> '{AUDIT_LOG_OBJECT}'
            )
            SELECT * FROM ranked WHERE draw <= $5 ORDER BY actor_unit NULLS LAST, draw
            """,  # noqa: S608 - the module's constant column list and object type
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
        await self._logged([event for unit in units.values() for event in unit.items])
        return AuditSample(month=month, seed=seed, per_unit=per_unit, units=list(units.values()))
