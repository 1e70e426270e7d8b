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

from placement.database.pool import Connection, scope_to, unscope
from placement.repositories import register as repository
from placement.repositories.register import IMPORT_LOCK as IMPORT_LOCK
from suppliers.changes import Change, intervention_changes, provider_changes, unit_changes
from suppliers.fetch import Fetched
from suppliers.formats import Feed, ParsedFeed
from suppliers.records import Provider, Record, Unit

log = structlog.get_logger(__name__)

Progress = Callable[[str], Awaitable[None]]
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
        await repository.lock_for_import(conn)
        changes = await _changes(conn, parsed)
        await progress("compared")
        last = await repository.last_content_sha256(conn, source=parsed.feed.value)
        if not changes and last == content_sha256:
            return ImportResult(parsed.feed, None, True, len(parsed.records))
        snapshot_id = await repository.insert_snapshot(
            conn,
            source=parsed.feed.value,
            origin=fetched.origin,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            content_sha256=content_sha256,
            record_count=len(parsed.records),
        )
        await repository.stage(
            conn,
            records=[
                (_kind(r), r.key, json.dumps(r.model_dump(mode="json")), r.content_sha256())
                for r in parsed.records
            ],
        )
        await progress("staged")
        await repository.merge_staged(conn, snapshot_id=snapshot_id, full_kinds=_FULL[parsed.feed])
        await progress("merged")
        change_ids = await repository.insert_changes(
            conn,
            snapshot_id=snapshot_id,
            changes=[
                repository.NewChange(
                    c.kind.value, c.entity_kind, c.key, list(c.unit_codes), c.summary, c.before, c.after
                )
                for c in changes
            ],
        )
        findings = await _findings(conn, list(zip(change_ids, changes, strict=True)), today)
        await repository.set_change_count(conn, snapshot_id=snapshot_id, changes=len(changes))
        await progress("done")
    log.info(
        "register_imported",
        feed=parsed.feed.value,
        snapshot=snapshot_id,
        changes=len(changes),
        findings=findings,
    )
    return ImportResult(parsed.feed, snapshot_id, False, len(parsed.records), changes, findings)


async def _changes(conn: Connection, parsed: ParsedFeed) -> list[Change]:
    if parsed.feed is Feed.IVO:
        before = {
            k: Unit.model_validate(v)
            for k, v in (await repository.current_payloads(conn, kind="unit")).items()
        }
        known = (await repository.current_payloads(conn, kind="intervention")).keys()
        return unit_changes(before, {u.key: u for u in parsed.units}) + intervention_changes(
            known, parsed.interventions
        )
    providers = {
        k: Provider.model_validate(v)
        for k, v in (await repository.current_payloads(conn, kind="provider")).items()
    }
    units_of = await repository.current_units_by_provider(conn)
    return provider_changes(providers, {p.key: p for p in parsed.providers}, units_of)


async def _findings(conn: Connection, changes: list[tuple[int, Change]], today: dt.date) -> int:
    """Findings for exactly the municipalities with children placed at an affected unit today, or
    planned to be (a placement not yet started, not ended: V020)."""
    relevant = [(cid, c) for cid, c in changes if c.finding_code and c.unit_codes]
    if not relevant:
        return 0
    units = sorted({u for _, c in relevant for u in c.unit_codes})
    placed = await repository.placed_at_units(conn, unit_codes=units, on=today)
    at_unit: dict[str, dict[uuid.UUID, list[uuid.UUID]]] = defaultdict(lambda: defaultdict(list))
    for row in placed:
        at_unit[row.unit_code][row.municipality_id].append(row.placement_id)
    per_tenant: dict[uuid.UUID, list[repository.NewFinding]] = defaultdict(list)
    for change_id, change in relevant:
        for unit in change.unit_codes:
            for municipality_id, placement_ids in at_unit.get(unit, {}).items():
                per_tenant[municipality_id].append(
                    repository.NewFinding(change.finding_code or "", change_id, unit, placement_ids)
                )
    count = 0
    for municipality_id, rows in per_tenant.items():
        # Each municipality's findings are written under its own tenant setting (row-level security).
        await scope_to(conn, municipality_id)
        await repository.insert_findings(conn, municipality_id=municipality_id, findings=rows)
        count += len(rows)
    await unscope(conn)
    return count
