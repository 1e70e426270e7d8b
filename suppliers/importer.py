"""Applying a validated register file: one snapshot, one transaction.

Runs as the role that owns the tables (national data is written only here). Inside one
transaction: record the snapshot, COPY the records into a staging table, close the versions that
changed or disappeared, add the new versions, record the changes, and give each municipality
with children placed at an affected unit its findings. Killed anywhere before the commit, it
leaves nothing behind and the previous snapshot stays in force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog

from placement.database.pool import TENANT_SETTING, Connection, scope_to
from suppliers.changes import Change, intervention_changes, provider_changes, unit_changes
from suppliers.fetch import Fetched
from suppliers.formats import Feed, ParsedFeed
from suppliers.records import Provider, Record, Unit

log = structlog.get_logger(__name__)

Progress = Callable[[str], Awaitable[None]]
_IMPORT_LOCK = 7_330_002
# Held shared by a transaction that must see the register unchanged until it commits (a decision
# verifying its check run): an import waits for it, and it waits for an import under way.
IMPORT_LOCK = _IMPORT_LOCK
# Kinds whose file is a full snapshot (missing = gone); interventions only accumulate.
_FULL: dict[Feed, tuple[str, ...]] = {Feed.IVO: ("unit",), Feed.COMPANIES: ("provider",)}


@dataclass
class ImportResult:
    feed: Feed
    snapshot_id: int | None
    unchanged: bool
    records: int
    changes: list[Change] = field(default_factory=list)
    findings: int = 0
    not_modified: bool = False


def _kind(record: Record) -> str:
    return {"Unit": "unit", "Provider": "provider", "Intervention": "intervention"}[type(record).__name__]


async def no_progress(stage: str) -> None:
    return None


async def apply_feed(
    conn: Connection,
    parsed: ParsedFeed,
    fetched: Fetched,
    *,
    today: dt.date,
    progress: Progress = no_progress,
) -> ImportResult:
    if fetched.content is None:
        raise ValueError("apply_feed needs content; a 304 has nothing to apply")
    content_sha256 = hashlib.sha256(fetched.content).digest()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _IMPORT_LOCK)
        changes = await _changes(conn, parsed)
        await progress("compared")
        last = await conn.fetchrow(
            "SELECT content_sha256 FROM register_snapshot WHERE source = $1 ORDER BY id DESC LIMIT 1",
            parsed.feed.value,
        )
        if not changes and last is not None and bytes(last["content_sha256"]) == content_sha256:
            return ImportResult(parsed.feed, None, True, len(parsed.records))
        snapshot_id: int = await conn.fetchval(
            """INSERT INTO register_snapshot
                   (source, origin, etag, last_modified, content_sha256, record_count)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
            parsed.feed.value,
            fetched.origin,
            fetched.etag,
            fetched.last_modified,
            content_sha256,
            len(parsed.records),
        )
        await _stage(conn, parsed.records)
        await progress("staged")
        await _merge(conn, snapshot_id, _FULL[parsed.feed])
        await progress("merged")
        change_ids = await _record_changes(conn, snapshot_id, changes)
        findings = await _findings(conn, list(zip(change_ids, changes, strict=True)), today)
        await conn.execute(
            "UPDATE register_snapshot SET change_count = $2 WHERE id = $1", snapshot_id, len(changes)
        )
        await progress("done")
    log.info(
        "register_imported",
        feed=parsed.feed.value,
        snapshot=snapshot_id,
        changes=len(changes),
        findings=findings,
    )
    return ImportResult(parsed.feed, snapshot_id, False, len(parsed.records), changes, findings)


async def _current(conn: Connection, kind: str) -> dict[str, dict[str, object]]:
    rows = await conn.fetch(
        "SELECT key, payload FROM register_entity WHERE kind = $1 AND valid_to_snapshot IS NULL", kind
    )
    return {r["key"]: r["payload"] for r in rows}


async def _changes(conn: Connection, parsed: ParsedFeed) -> list[Change]:
    if parsed.feed is Feed.IVO:
        before = {k: Unit.model_validate(v) for k, v in (await _current(conn, "unit")).items()}
        known = (await _current(conn, "intervention")).keys()
        return unit_changes(before, {u.key: u for u in parsed.units}) + intervention_changes(
            known, parsed.interventions
        )
    providers = {k: Provider.model_validate(v) for k, v in (await _current(conn, "provider")).items()}
    units_of: dict[str, list[str]] = defaultdict(list)
    for row in await conn.fetch(
        """SELECT key, payload ->> 'provider_orgnr' AS orgnr FROM register_entity
            WHERE kind = 'unit' AND valid_to_snapshot IS NULL AND payload ->> 'provider_orgnr' IS NOT NULL"""
    ):
        units_of[row["orgnr"]].append(row["key"])
    return provider_changes(providers, {p.key: p for p in parsed.providers}, units_of)


async def _stage(conn: Connection, records: list[Record]) -> None:
    await conn.execute(
        """CREATE TEMP TABLE register_staging (
               kind text NOT NULL, key text NOT NULL, payload text NOT NULL, content_sha256 bytea NOT NULL
           ) ON COMMIT DROP"""
    )
    await conn.copy_records_to_table(
        "register_staging",
        records=[
            (_kind(r), r.key, json.dumps(r.model_dump(mode="json")), r.content_sha256()) for r in records
        ],
        columns=["kind", "key", "payload", "content_sha256"],
    )
    # Temp tables get no statistics by themselves; without them the merge plans nested loops.
    await conn.execute("CREATE INDEX ON register_staging (kind, key)")
    await conn.execute("ANALYZE register_staging")


async def _merge(conn: Connection, snapshot_id: int, full_kinds: tuple[str, ...]) -> None:
    # Close the current versions that changed, and (for full snapshots) those no longer there.
    await conn.execute(
        """
        UPDATE register_entity e SET valid_to_snapshot = $1
         WHERE e.valid_to_snapshot IS NULL
           AND (
                EXISTS (SELECT 1 FROM register_staging s
                         WHERE s.kind = e.kind AND s.key = e.key AND s.content_sha256 <> e.content_sha256)
             OR (e.kind = ANY ($2::text[])
                 AND NOT EXISTS (SELECT 1 FROM register_staging s WHERE s.kind = e.kind AND s.key = e.key))
           )
        """,
        snapshot_id,
        list(full_kinds),
    )
    await conn.execute(
        """
        INSERT INTO register_entity (kind, key, payload, content_sha256, valid_from_snapshot)
        SELECT s.kind, s.key, s.payload::jsonb, s.content_sha256, $1
          FROM register_staging s
         WHERE NOT EXISTS (SELECT 1 FROM register_entity e
                            WHERE e.kind = s.kind AND e.key = s.key AND e.valid_to_snapshot IS NULL)
        """,
        snapshot_id,
    )


async def _record_changes(conn: Connection, snapshot_id: int, changes: list[Change]) -> list[int]:
    if not changes:
        return []
    rows = await conn.fetch(
        """
        INSERT INTO register_change
            (snapshot_id, kind, entity_kind, entity_key, unit_codes, summary, before, after)
        SELECT $1, c.kind, c.entity_kind, c.entity_key, ARRAY(SELECT jsonb_array_elements_text(c.unit_codes)),
               c.summary, c.before, c.after
          FROM jsonb_to_recordset($2::jsonb) AS c(
               ord int, kind text, entity_kind text, entity_key text, unit_codes jsonb, summary text,
               before jsonb, after jsonb)
         ORDER BY c.ord
        RETURNING id
        """,
        snapshot_id,
        [  # a jsonb parameter: the connection's codec encodes it
            {
                "ord": n,
                "kind": c.kind.value,
                "entity_kind": c.entity_kind,
                "entity_key": c.key,
                "unit_codes": list(c.unit_codes),
                "summary": c.summary,
                "before": c.before,
                "after": c.after,
            }
            for n, c in enumerate(changes)
        ],
    )
    return [r["id"] for r in rows]


async def _findings(conn: Connection, changes: list[tuple[int, Change]], today: dt.date) -> int:
    """Findings for exactly the municipalities with children placed at an affected unit today, or
    planned to be (a placement not yet started, not ended: V020)."""
    relevant = [(cid, c) for cid, c in changes if c.finding_code and c.unit_codes]
    if not relevant:
        return 0
    units = sorted({u for _, c in relevant for u in c.unit_codes})
    placed = await conn.fetch("SELECT * FROM placements_at_units($1, $2)", units, today)
    at_unit: dict[str, dict[uuid.UUID, list[uuid.UUID]]] = defaultdict(lambda: defaultdict(list))
    for row in placed:
        at_unit[row["unit_code"]][row["municipality_id"]].append(row["placement_id"])
    per_tenant: dict[uuid.UUID, list[tuple[str, int, str, list[uuid.UUID]]]] = defaultdict(list)
    for change_id, change in relevant:
        for unit in change.unit_codes:
            for municipality_id, placement_ids in at_unit.get(unit, {}).items():
                per_tenant[municipality_id].append(
                    (change.finding_code or "", change_id, unit, placement_ids)
                )
    count = 0
    for municipality_id, rows in per_tenant.items():
        # Each municipality's findings are written under its own tenant setting (row-level security).
        await scope_to(conn, municipality_id)
        await conn.executemany(
            """INSERT INTO register_finding (municipality_id, code, change_id, unit_code, placement_ids)
               VALUES ($1, $2, $3, $4, $5)""",
            [(municipality_id, code, change_id, unit, ids) for code, change_id, unit, ids in rows],
        )
        count += len(rows)
    await conn.execute("SELECT set_config($1, '', true)", TENANT_SETTING)
    return count
