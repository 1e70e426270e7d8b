"""The SQL of the national provider register: its snapshots and versioned entities (what it said
about a unit or a provider at a given moment: register_as_of, V055), the counts across
municipalities, and the writes of an import (run as the role that owns the tables, in the
import's one transaction). Payloads come back as the JSON the register stored; suppliers/ turns
them into records."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from placement.database.pool import Connection

# Held exclusively by an import for its transaction; held shared by a transaction that must see the
# register unchanged until it commits (a decision verifying its check run).
IMPORT_LOCK = 7_330_002


@dataclass(frozen=True, slots=True)
class EntityAsOf:
    """A register entity's payload as of a moment, citing the snapshot it came from."""

    payload: dict[str, Any]
    snapshot_id: int
    imported_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SignalCounts:
    """Counts over every municipality for one unit; no municipality is named and no child is."""

    active_placements: int
    moves_12m: int
    unplanned_endings_12m: int


@dataclass(frozen=True, slots=True)
class UnitViewRow:
    """The unit and its provider as of a moment, the interventions in force against either, and
    the counts across municipalities, read in one query."""

    unit: EntityAsOf | None
    provider: EntityAsOf | None
    interventions: list[dict[str, Any]]
    counts: SignalCounts
    endings_12m: int


@dataclass(frozen=True, slots=True)
class SnapshotValidators:
    """The HTTP validators the last snapshot from an origin was fetched with."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class PlacedAtUnit:
    """A placement going on or planned at a unit, and its municipality (V020)."""

    municipality_id: uuid.UUID
    placement_id: uuid.UUID
    unit_code: str


@dataclass(frozen=True, slots=True)
class NewChange:
    """A register change to record (suppliers.changes.Change, as the database stores it)."""

    kind: str
    entity_kind: str
    entity_key: str
    unit_codes: list[str]
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class NewFinding:
    """A finding for a municipality with children placed at a unit a change affected."""

    code: str
    change_id: int
    unit_code: str
    placement_ids: list[uuid.UUID]


def _as_of(payload: Any, snapshot_id: Any, imported_at: Any) -> EntityAsOf | None:
    return None if payload is None else EntityAsOf(payload, snapshot_id, imported_at)


async def entity_as_of(conn: Connection, *, kind: str, key: str, at: dt.datetime) -> EntityAsOf | None:
    """What the register said about the entity at ``at`` (None: it was not in the register then)."""
    row = await conn.fetchrow(
        "SELECT payload, snapshot_id, imported_at FROM register_as_of($1, $2, $3)", kind, key, at
    )
    return None if row is None else EntityAsOf(row["payload"], row["snapshot_id"], row["imported_at"])


async def current_payload(conn: Connection, *, kind: str, key: str) -> dict[str, Any] | None:
    """The entity's current version, or None when the register does not hold it now."""
    payload: dict[str, Any] | None = await conn.fetchval(
        "SELECT payload FROM register_entity WHERE kind = $1 AND key = $2 AND valid_to_snapshot IS NULL",
        kind,
        key,
    )
    return payload


async def signal_counts(conn: Connection, *, unit_code: str, on: dt.date) -> SignalCounts:
    row = await conn.fetchrow(
        "SELECT active_placements, moves_12m, unplanned_endings_12m FROM unit_signals($1, $2)",
        [unit_code],
        on,
    )
    assert row is not None  # unit_signals gives one row per code asked for
    return SignalCounts(row["active_placements"], row["moves_12m"], row["unplanned_endings_12m"])


async def unit_view(conn: Connection, *, unit_code: str, at: dt.datetime, on: dt.date) -> UnitViewRow:
    """Everything the register tells about a unit for a check, in one query."""
    row = await conn.fetchrow(
        """
        WITH unit AS (SELECT * FROM register_as_of('unit', $1, $2)),
             provider AS (SELECT * FROM register_as_of(
                 'provider', (SELECT payload ->> 'provider_orgnr' FROM unit), $2))
        SELECT unit.payload AS unit, unit.snapshot_id AS unit_snapshot, unit.imported_at AS unit_imported,
               provider.payload AS provider, provider.snapshot_id AS provider_snapshot,
               provider.imported_at AS provider_imported,
               (SELECT coalesce(jsonb_agg(i.payload ORDER BY i.key), '[]') FROM register_entity i
                 WHERE i.kind = 'intervention' AND i.valid_to_snapshot IS NULL
                   AND (i.payload ->> 'unit_code' = $1
                        OR i.payload ->> 'provider_orgnr' = (SELECT payload ->> 'provider_orgnr' FROM unit)))
                   AS interventions,
               s.active_placements, s.moves_12m, s.unplanned_endings_12m,
               (SELECT e.endings_12m FROM unit_endings_12m(ARRAY[$1], $3) e) AS endings_12m
          FROM unit_signals(ARRAY[$1], $3) s
          LEFT JOIN unit ON true
          LEFT JOIN provider ON true
        """,
        unit_code,
        at,
        on,
    )
    assert row is not None  # unit_signals gives one row per code asked for
    return UnitViewRow(
        unit=_as_of(row["unit"], row["unit_snapshot"], row["unit_imported"]),
        provider=_as_of(row["provider"], row["provider_snapshot"], row["provider_imported"]),
        interventions=list(row["interventions"]),
        counts=SignalCounts(row["active_placements"], row["moves_12m"], row["unplanned_endings_12m"]),
        endings_12m=row["endings_12m"],
    )


async def last_validators(conn: Connection, *, source: str, origin: str) -> SnapshotValidators | None:
    row = await conn.fetchrow(
        """SELECT etag, last_modified FROM register_snapshot
            WHERE source = $1 AND origin = $2 ORDER BY id DESC LIMIT 1""",
        source,
        origin,
    )
    return None if row is None else SnapshotValidators(row["etag"], row["last_modified"])


# The writes of an import, in its one transaction.


async def lock_for_import(conn: Connection) -> None:
    """One import at a time, and none while a decision holds the register still (IMPORT_LOCK)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", IMPORT_LOCK)


async def last_content_sha256(conn: Connection, *, source: str) -> bytes | None:
    found = await conn.fetchval(
        "SELECT content_sha256 FROM register_snapshot WHERE source = $1 ORDER BY id DESC LIMIT 1", source
    )
    return None if found is None else bytes(found)


async def current_payloads(conn: Connection, *, kind: str) -> dict[str, dict[str, Any]]:
    """Every current entity of a kind, by key."""
    rows = await conn.fetch(
        "SELECT key, payload FROM register_entity WHERE kind = $1 AND valid_to_snapshot IS NULL", kind
    )
    return {r["key"]: r["payload"] for r in rows}


async def current_units_by_provider(conn: Connection) -> dict[str, list[str]]:
    """The codes of the current units, by their provider's organisationsnummer."""
    units_of: dict[str, list[str]] = {}
    for row in await conn.fetch(
        """SELECT key, payload ->> 'provider_orgnr' AS orgnr FROM register_entity
            WHERE kind = 'unit' AND valid_to_snapshot IS NULL AND payload ->> 'provider_orgnr' IS NOT NULL"""
    ):
        units_of.setdefault(row["orgnr"], []).append(row["key"])
    return units_of


async def insert_snapshot(
    conn: Connection,
    *,
    source: str,
    origin: str,
    etag: str | None,
    last_modified: str | None,
    content_sha256: bytes,
    record_count: int,
) -> int:
    snapshot_id: int = await conn.fetchval(
        """INSERT INTO register_snapshot
               (source, origin, etag, last_modified, content_sha256, record_count)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
        source,
        origin,
        etag,
        last_modified,
        content_sha256,
        record_count,
    )
    return snapshot_id


async def stage(conn: Connection, *, records: Sequence[tuple[str, str, str, bytes]]) -> None:
    """The import's records (kind, key, payload as JSON text, content hash) in a staging table that
    is dropped with the transaction."""
    await conn.execute(
        """CREATE TEMP TABLE register_staging (
               kind text NOT NULL, key text NOT NULL, payload text NOT NULL, content_sha256 bytea NOT NULL
           ) ON COMMIT DROP"""
    )
    await conn.copy_records_to_table(
        "register_staging", records=records, columns=["kind", "key", "payload", "content_sha256"]
    )
    # Temp tables get no statistics by themselves; without them the merge plans nested loops.
    await conn.execute("CREATE INDEX ON register_staging (kind, key)")
    await conn.execute("ANALYZE register_staging")


async def merge_staged(conn: Connection, *, snapshot_id: int, full_kinds: Sequence[str]) -> None:
    """Close the current versions that changed, and (for kinds whose file is a full snapshot) those
    no longer there; add the new versions."""
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


async def insert_changes(conn: Connection, *, snapshot_id: int, changes: Sequence[NewChange]) -> list[int]:
    """The changes, in order; their ids in the same order."""
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
                "kind": c.kind,
                "entity_kind": c.entity_kind,
                "entity_key": c.entity_key,
                "unit_codes": c.unit_codes,
                "summary": c.summary,
                "before": c.before,
                "after": c.after,
            }
            for n, c in enumerate(changes)
        ],
    )
    return [r["id"] for r in rows]


async def set_change_count(conn: Connection, *, snapshot_id: int, changes: int) -> None:
    await conn.execute("UPDATE register_snapshot SET change_count = $2 WHERE id = $1", snapshot_id, changes)


async def placed_at_units(conn: Connection, *, unit_codes: list[str], on: dt.date) -> list[PlacedAtUnit]:
    """Across municipalities: the placements going on or planned at these units (V020)."""
    rows = await conn.fetch(
        "SELECT municipality_id, placement_id, unit_code FROM placements_at_units($1, $2)", unit_codes, on
    )
    return [PlacedAtUnit(r["municipality_id"], r["placement_id"], r["unit_code"]) for r in rows]


async def insert_findings(
    conn: Connection, *, municipality_id: uuid.UUID, findings: Sequence[NewFinding]
) -> None:
    """One municipality's findings; the caller has scoped the transaction to it."""
    await conn.executemany(
        """INSERT INTO register_finding (municipality_id, code, change_id, unit_code, placement_ids)
           VALUES ($1, $2, $3, $4, $5)""",
        [(municipality_id, f.code, f.change_id, f.unit_code, f.placement_ids) for f in findings],
    )
